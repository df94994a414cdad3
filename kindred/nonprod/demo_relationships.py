"""Demo befriending and one-to-one support: in each organisation with befrienders, people being
visited and phoned, with a history of contacts; some going well, one gone quiet, a review
overdue, a supporter a bit worried and one very worried (with a concern raised), one paused,
one ended with the person offered the way in to volunteering. The demo volunteer (Tom Hughes,
MAEcare) supports two people, so "My people" has something to show. Everything goes through the
services; running it again changes nothing (a person who has a relationship is skipped)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.nonprod.constants import demo_email
from kindred.relationships import services
from kindred.relationships.models import Status
from kindred.volunteers.models import RoleKind, Stage, Volunteer
from kindred.volunteers.selectors import coordinators_of

NAMESPACE = uuid.UUID("6f0d3c55-5b1e-4d7e-9a31-2b8f9d6c1a00")  # the same as kindred.nonprod.demo
ORGANISATIONS = ("leeds-maecare", "stockport-wellbeing")
DEMO_VOLUNTEER = demo_email("volunteer")


@dataclass(frozen=True)
class DemoRelationship:
    person_index: int  # from 40 up: clear of the demo referrals' people
    kind: str
    mode: str
    rhythm_days: int
    introduced_days_ago: int
    contact_days_ago: tuple[int, ...]  # contacts that happened, oldest first
    feelings: tuple[str, ...] = ()  # how the last contacts went, latest last
    missed_days_ago: tuple[int, ...] = ()
    pair: bool = False
    then: str = ""  # "pause", "end" or "concern"
    for_demo_volunteer: bool = False


SCENARIOS = [
    # Tom's two: a fortnightly visit going well, a bit worried last time; and phone calls gone quiet
    DemoRelationship(40, "befriending", "visit", 14, 120, (110, 96, 82, 68, 54, 40, 26, 12, 4),
                     ("fine", "fine", "a_bit_worried"), for_demo_volunteer=True),
    DemoRelationship(41, "befriending", "phone", 14, 90, (85, 71, 57, 43, 29), ("fine",),
                     missed_days_ago=(15,), for_demo_volunteer=True),
    # Going well, weekly calls between peers
    DemoRelationship(42, "peer_mentoring", "phone", 7, 60, (55, 48, 41, 34, 27, 20, 13, 6),
                     ("fine",)),
    # A pair of supporters, long-term (Solidarity in a Crisis style): review overdue
    DemoRelationship(43, "one_to_one", "meet_out", 14, 130, (120, 106, 92, 78, 64, 50, 36, 22, 8),
                     ("fine", "fine"), pair=True),
    # Very worried after the last visit: a concern for crisis follow-up
    DemoRelationship(44, "befriending", "visit", 14, 70, (60, 46, 32, 3),
                     ("fine", "a_bit_worried", "very_worried"), then="concern"),
    # Gone quiet for over a month
    DemoRelationship(45, "befriending", "visit", 14, 100, (90, 76, 62, 48, 38), ("fine",)),
    # Paused while the person is in hospital
    DemoRelationship(46, "befriending", "visit", 14, 80, (70, 56, 42, 28), ("fine",),
                     then="pause"),
    # Ended well: offered the way in to volunteering
    DemoRelationship(47, "befriending", "visit", 14, 200, (190, 176, 162, 148, 134, 120),
                     ("fine",), then="end"),
    # Introduced this week: no contact yet
    DemoRelationship(48, "crisis_follow_up", "phone", 7, 3, ()),
]  # fmt: skip


def _supporters(organisation: Organisation) -> list[Volunteer]:
    """Active befrienders, by name."""
    return list(
        organisation.volunteers.filter(stage=Stage.ACTIVE, roles__kind=RoleKind.BEFRIENDER)
        .select_related("user")
        .distinct()
        .order_by("family_name", "given_name")
    )


def _acting(volunteer: Volunteer, organisation: Organisation) -> Acting:
    if volunteer.user is not None:
        return Acting(volunteer.user, organisation)
    return Acting.system("kindred seed demo", organisation=organisation)


def _seed_one(
    scenario: DemoRelationship,
    organisation: Organisation,
    team: list[Volunteer],
    today: dt.date,
    coordinator: Acting,
) -> bool:
    person_id = uuid.uuid5(NAMESPACE, f"{organisation.slug}/person/{scenario.person_index}")
    person = organisation.people.filter(pk=person_id).first()
    if person is None or person.relationships.exists():
        return False
    relationship = services.relationship_introduce(
        by=coordinator,
        person=person,
        volunteers=team,
        kind=scenario.kind,
        usual_mode=scenario.mode,
        rhythm_days=scenario.rhythm_days,
        introduced_on=today - dt.timedelta(days=scenario.introduced_days_ago),
        note="Demo introduction",
    )
    happened = [(days, "happened") for days in scenario.contact_days_ago]
    missed = [(days, "missed") for days in scenario.missed_days_ago]
    contacts = sorted(happened + missed, key=lambda c: -c[0])
    latest_first = list(reversed(scenario.contact_days_ago))[: len(scenario.feelings)]
    feelings = dict(zip(latest_first, reversed(scenario.feelings), strict=True))
    for index, (days, outcome) in enumerate(contacts):
        volunteer = team[index % len(team)]
        feeling = feelings.get(days, "fine") if outcome == "happened" else ""
        services.contact_log(
            by=_acting(volunteer, organisation),
            relationship_id=relationship.pk,
            volunteer=volunteer,
            happened_on=today - dt.timedelta(days=days),
            mode=scenario.mode,
            outcome=outcome,
            duration_minutes=60 if outcome == "happened" else None,
            note="Cup of tea and a chat about the week" if outcome == "happened" else "",
            feeling=feeling,
            concern_kind="crisis_follow_up" if scenario.then == "concern" and days == 3 else "",
            concern_detail="Said they have stopped eating and cannot see the point. I said I "
            "would let you know."
            if scenario.then == "concern" and days == 3
            else "",
        )
    if scenario.then == "pause":
        services.relationship_move(
            by=coordinator, relationship_id=relationship.pk, expected=Status.ACTIVE,
            to=Status.PAUSED, note="In hospital for a few weeks",
        )  # fmt: skip
    elif scenario.then == "end":
        services.relationship_end(
            by=coordinator, relationship_id=relationship.pk, expected=Status.ACTIVE,
            reason="goals_met", outcome="better", next_step="volunteering",
            note="Goes to the walking group on her own now",
        )  # fmt: skip
    return True


@transaction.atomic
def seed_relationships(*, log: Callable[[str], object] = print) -> None:
    today = timezone.localdate()
    for organisation in Organisation.objects.filter(slug__in=ORGANISATIONS).order_by("slug"):
        supporters = _supporters(organisation)
        if not supporters:
            continue
        coordinator_user = coordinators_of(organisation=organisation).order_by("email").first()
        coordinator = (
            Acting(coordinator_user, organisation)
            if coordinator_user
            else Acting.system("kindred seed demo", organisation=organisation)
        )
        demo_volunteer = [v for v in supporters if v.email == DEMO_VOLUNTEER]
        others = [v for v in supporters if v.email != DEMO_VOLUNTEER] or supporters
        added = 0
        for index, scenario in enumerate(SCENARIOS):
            if scenario.for_demo_volunteer and demo_volunteer:
                team = demo_volunteer
            else:  # each scenario with the next befriender along, so the work is shared
                team = [others[(index + n) % len(others)] for n in range(2 if scenario.pair else 1)]
            added += _seed_one(
                scenario, organisation, list(dict.fromkeys(team)), today, coordinator
            )
        log(f"{organisation.name}: {added} befriending and one-to-one relationships added")
