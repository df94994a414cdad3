"""Hard rules a pair must pass before it is scored. Pure: plain data in, no database.

Each rule returns None when the pair passes, or a plain-English reason when it does not. Whether
a volunteer is eligible for the role (active, DBS and training current) is decided by the
volunteers app (`kindred.volunteers.selectors.eligible_volunteers`); the rule here only asks
whether the volunteer is among those it returned.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kindred.matching.engine.scoring import km_between

if TYPE_CHECKING:
    from kindred.accounts.models import Organisation
    from kindred.volunteers.models import Volunteer

FACE_TO_FACE = frozenset({"visit", "meet_out"})


@dataclass(frozen=True)
class Waiting:
    """The person waiting, as the rules need them."""

    person_id: object
    modes: frozenset[str]
    languages: frozenset[str]
    gender_preference: str
    point: tuple[float, float] | None  # metres, British National Grid


@dataclass(frozen=True)
class Supporter:
    volunteer_id: object
    eligible: bool  # among eligible_volunteers for the role
    paused: bool
    capacity: int
    #: Places already taken: the supporter's open relationships, wherever they were made
    #: (kindred.relationships.selectors.supporter_load).
    places_taken: int
    modes: frozenset[str]
    languages: frozenset[str]
    gender: str
    max_travel_km: float
    point: tuple[float, float] | None


def eligible_for_role(person: Waiting, supporter: Supporter) -> str | None:
    if supporter.eligible:
        return None
    return "Not eligible for this role (not active, or DBS check or training not current)"


def not_paused(person: Waiting, supporter: Supporter) -> str | None:
    return "Paused at the moment" if supporter.paused else None


def capacity_left(person: Waiting, supporter: Supporter) -> str | None:
    if supporter.places_taken < supporter.capacity:
        return None
    return f"Already supporting as many people as they can ({supporter.capacity})"


def shared_modes(person: Waiting, supporter: Supporter) -> frozenset[str]:
    """The ways of meeting both can use (a person who says none can use any)."""
    wanted = person.modes or frozenset({"visit", "meet_out", "phone", "video"})
    return wanted & supporter.modes


def mode_compatible(person: Waiting, supporter: Supporter) -> str | None:
    return None if shared_modes(person, supporter) else "No way of meeting that suits both"


def km_apart(person: Waiting, supporter: Supporter) -> float | None:
    if person.point is None or supporter.point is None:
        return None
    return km_between(person.point, supporter.point)


def within_travel_distance(person: Waiting, supporter: Supporter) -> str | None:
    """Face-to-face is possible only within the supporter's travel distance; phone or video
    needs no distance. Passes if some shared way of meeting works."""
    modes = shared_modes(person, supporter)
    if modes - FACE_TO_FACE:
        return None
    if not modes:
        return None  # mode_compatible gives the reason
    km = km_apart(person, supporter)
    if km is None:
        return "We do not know where one of them lives, so cannot check the distance"
    if km <= supporter.max_travel_km:
        return None
    return f"{km:.1f} km apart, more than the {supporter.max_travel_km:g} km they can travel"


def gender_preference_respected(person: Waiting, supporter: Supporter) -> str | None:
    if not person.gender_preference or person.gender_preference == supporter.gender:
        return None
    return "Not the gender the person would prefer"


def language_shared(person: Waiting, supporter: Supporter) -> str | None:
    if not person.languages:
        return None  # nothing recorded: the organisation's working language
    wanted = {language.casefold() for language in person.languages}
    if wanted & {language.casefold() for language in supporter.languages}:
        return None
    return "No language in common"


def no_conflict(conflicts: Collection[tuple[object, object]]) -> Rule:
    """A rule refusing pairs recorded as conflicts ((person_id, volunteer_id) pairs)."""

    def rule(person: Waiting, supporter: Supporter) -> str | None:
        if (person.person_id, supporter.volunteer_id) in conflicts:
            return "A conflict is recorded (for example already known to each other)"
        return None

    rule.__name__ = "no_conflict"
    return rule


def not_ended_badly(pairs: Collection[tuple[object, object]]) -> Rule:
    """A rule refusing pairs whose support together ended because the match was not right."""

    def rule(person: Waiting, supporter: Supporter) -> str | None:
        if (person.person_id, supporter.volunteer_id) in pairs:
            return "Their support together ended before because the match was not right"
        return None

    rule.__name__ = "not_ended_badly"
    return rule


def supporter_role_there(
    organisation: Organisation,
    volunteer: Volunteer,
    can_support: Collection[tuple[object, object]],
) -> str | None:
    """A supporter from another organisation of the network who signs in to Kindred must be
    able to open the relationship in the person's `organisation` (ADR-013), or they could
    neither see nor log for the person. Those without an account are fine: its coordinators log
    contacts for them. `can_support` is (organisation_id, user_id) pairs from
    `relationships.selectors.can_support_pairs`. Network suggestions leave such pairs out and
    accepting one is refused, both with this check."""
    if volunteer.organisation_id == organisation.pk or volunteer.user_id is None:
        return None
    if (organisation.pk, volunteer.user_id) in can_support:
        return None
    return (
        f"{volunteer.display_name} needs a peer supporter role in {organisation.name} "
        "before they can support someone there: ask an organisation admin of "
        f"{organisation.name} to add them to the team"
    )


Rule = Callable[[Waiting, Supporter], "str | None"]

RULES: tuple[Rule, ...] = (
    eligible_for_role,
    not_paused,
    capacity_left,
    mode_compatible,
    within_travel_distance,
    gender_preference_respected,
    language_shared,
)


def refusals(
    person: Waiting,
    supporter: Supporter,
    *,
    conflicts: Collection[tuple[object, object]] = (),
    ended_badly: Collection[tuple[object, object]] = (),
) -> list[str]:
    """Every reason this pair may not be matched; empty when all the hard rules pass.
    `conflicts` and `ended_badly` are (person_id, volunteer_id) pairs."""
    rules = (*RULES, no_conflict(conflicts), not_ended_badly(ended_badly))
    reasons = [rule(person, supporter) for rule in rules]
    return [reason for reason in reasons if reason]
