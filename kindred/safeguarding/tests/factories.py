"""Concerns for tests, raised through the service (the one way concerns are made)."""

from __future__ import annotations

from typing import Any

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.people.models import Person
from kindred.safeguarding import services
from kindred.safeguarding.models import Concern, Source


def raise_concern(
    organisation: Organisation,
    *,
    by: Acting | None = None,
    person: Person | None = None,
    about: str = "",
    level: str = "high",
    detail: str = "Seemed frightened of a visitor",
    source: str = Source.FROM_SCRATCH,
    **extra: Any,
) -> Concern:
    acting = by or Acting.system("tests", organisation=organisation)
    if person is None and not about:
        about = "A regular at the Tuesday group"
    return services.concern_raise(
        by=acting, level=level, detail=detail, source=source, person=person, about=about, **extra
    ).concern
