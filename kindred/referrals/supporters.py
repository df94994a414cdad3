"""Who supports a person, asked of the apps that know, for the concern-for-the-GP page.

Volunteers and facilitators may raise a concern for the GP only of someone they currently
support. Referrals sits below the apps that know who supports whom (relationships; groups
later), so it cannot ask them directly: each registers its answer here when Django starts, in
its AppConfig.ready():

    from kindred.referrals.supporters import supporter_check
    supporter_check(supports_person)      # (*, user, person) -> bool

Deny by default: with no answer registered, nobody supports anyone.
"""

from __future__ import annotations

from typing import Protocol

from kindred.accounts.models import User
from kindred.people.models import Person


class SupportsPerson(Protocol):
    def __call__(self, *, user: User, person: Person) -> bool: ...


_checks: list[SupportsPerson] = []


def supporter_check(check: SupportsPerson) -> SupportsPerson:
    """Register `check` (once, however often ready() runs); usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def supports_person(*, user: User, person: Person) -> bool:
    """Whether any registered app says this user currently supports this person."""
    return any(check(user=user, person=person) for check in _checks)
