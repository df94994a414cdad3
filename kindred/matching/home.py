"""The matching app's part of the home page and header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kindred.accounts.models import Role
from kindred.core.pages import home_panel, nav_item
from kindred.matching import selectors

nav_item("Matching", "matching:waiting", permission="matching.view_matching", order=40)


@home_panel(
    "matching-waiting",
    heading="People waiting for a match",
    template="matching/home/waiting.jinja",
    roles={Role.COORDINATOR},
    order=45,
)
def people_waiting(request: HttpRequest) -> dict[str, Any]:
    organisation = request.organisation  # type: ignore[attr-defined]
    waiting = selectors.people_waiting(organisation=organisation)
    return {"count": waiting.count(), "longest": list(waiting[:5])}
