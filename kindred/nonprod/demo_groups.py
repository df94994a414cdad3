"""Demo groups from the report (issue 17): Crafty Needles, a weekly open-door knitting circle in
Stockport; a SUN-style problem-solving group (at most 15, by referral, co-facilitated); MAEcare's
stroke club on the 2nd and 4th Thursday, 14:00 to 16:00, carers welcome; a walking club and a
yoga class in Leeds; and one group not yet published. Each gets a few weeks of attendance: named
members, regulars known only by a nickname, and headcounts. Part 2: at Crafty Needles a regular
on the safety net has missed the last three sessions (the facilitators have a prompt), and the
SUN group is full, with a waiting list and a freed place on offer. Everything goes through the
groups services; running it again changes nothing (an organisation that has groups is left
alone)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting
from kindred.groups import schedule, selectors, services
from kindred.groups.models import Group, GroupModel, Joining, SessionStatus, Venue
from kindred.people import identifiers
from kindred.people import selectors as people

WEEKS_OF_HISTORY = 6
#: The Crafty Needles regular on the safety net misses this many of the latest sessions.
MISSED = 3
NICKNAMES = ["Bev", "Big Dave", "Shirl", "Mo", "Our Kath", "Taff", "Lil", "Stan"]


@dataclass(frozen=True)
class DemoVenue:
    key: str
    name: str
    address: str
    district: str
    access: tuple[str, ...]
    nth: int = 0  # which of the district's postcodes: venues apart get their own (the directory)


@dataclass(frozen=True)
class DemoGroup:
    name: str
    description: str
    model: str
    venue: str
    pattern: str
    weekday: int  # Monday is 0
    nths: tuple[int, ...]
    starts: dt.time
    ends: dt.time
    capacity: int | None
    joining: str
    carers_welcome: bool
    enquiries: str
    published: bool
    members: int
    regulars: int
    co_facilitated: bool = False


VENUES = {
    "stockport-wellbeing": [
        DemoVenue("craft", "Wellbeing Centre craft room", "Mersey Way, Stockport", "SK1",
                  ("step_free", "accessible_toilet")),
        DemoVenue("upstairs", "Wellbeing Centre, first floor", "Mersey Way, Stockport", "SK1",
                  ("hearing_loop", "accessible_toilet")),
    ],
    "leeds-maecare": [
        DemoVenue("hall", "Oakwood community hall", "Oakwood Lane, Leeds", "LS8",
                  ("step_free", "hearing_loop", "accessible_toilet", "parking")),
        DemoVenue("park", "Roundhay Park, Lakeside cafe", "Princes Avenue, Leeds", "LS8",
                  ("step_free", "parking"), nth=40),
    ],
}  # fmt: skip

GROUPS = {
    "stockport-wellbeing": [
        DemoGroup(
            "Crafty Needles", "Knitting, crochet and a cup of tea. Bring your own or borrow ours; "
            "no subscription, no membership, come when you can.", GroupModel.ACTIVITY, "craft",
            "weekly", 1, (), dt.time(10), dt.time(12), None, Joining.OPEN_DOOR, True,
            "0161 496 0210", True, members=3, regulars=3,
        ),
        DemoGroup(
            "Thursday SUN group", "A small group, co-facilitated by people with lived experience "
            "and mental health professionals, solving problems together and making crisis plans.",
            GroupModel.PROBLEM_SOLVING, "upstairs", "weekly", 3, (), dt.time(18), dt.time(20), 15,
            Joining.BY_REFERRAL, False, "0161 496 0211", True, members=15, regulars=0,
            co_facilitated=True,
        ),
    ],
    "leeds-maecare": [
        DemoGroup(
            "MAEcare stroke club", "For stroke survivors and the people who care for them: "
            "a talk or activity, gentle exercise and time to chat.", GroupModel.CONDITION, "hall",
            "nth", 3, (2, 4), dt.time(14), dt.time(16), 30, Joining.OPEN_DOOR, True,
            "0113 496 0420", True, members=6, regulars=2,
        ),
        DemoGroup(
            "Roundhay walking club", "A gentle hour's walk round the lake, then tea at the cafe.",
            GroupModel.NEIGHBOURHOOD, "park", "weekly", 1, (), dt.time(10), dt.time(11, 30), None,
            Joining.OPEN_DOOR, True, "0113 496 0421", True, members=2, regulars=3,
        ),
        DemoGroup(
            "Chair yoga", "Yoga you can do sitting down, for every body.", GroupModel.ACTIVITY,
            "hall", "weekly", 2, (), dt.time(10, 30), dt.time(11, 30), 20, Joining.OPEN_DOOR,
            False, "0113 496 0422", True, members=4, regulars=2,
        ),
        DemoGroup(
            "Men's shed planning group", "Planning a men's shed for Oakwood: not yet running.",
            GroupModel.NEIGHBOURHOOD, "hall", "fortnightly", 0, (), dt.time(18), dt.time(19, 30),
            None, Joining.OPEN_DOOR, False, "0113 496 0423", False, members=0, regulars=0,
        ),
    ],
}  # fmt: skip


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _venue(by: Acting, spec: DemoVenue) -> Venue:
    postcode = identifiers.postcodes_in_district(spec.district, spec.nth + 1)[-1]
    return services.venue_save(
        by=by,
        details=services.VenueDetails(
            name=spec.name, address=spec.address, postcode=postcode.postcode,
            **{flag: True for flag in spec.access},
        ),
    )  # fmt: skip


def _acting(organisation: Organisation, role: Role) -> Acting:
    membership = organisation.memberships.filter(role=role).order_by("user__email").first()
    if membership is None:
        return Acting.system("kindred seed demo", organisation=organisation)
    return Acting(membership.user, organisation)


def _leaders(organisation: Organisation) -> tuple[list[User], list[User]]:
    """Peer leaders (facilitators, then volunteers) and a professional (a coordinator)."""
    everyone = list(selectors.possible_facilitators(organisation=organisation))
    roles = {
        m.user_id: m.role
        for m in organisation.memberships.filter(user__in=everyone).order_by("role")
    }
    peers = [u for u in everyone if roles.get(u.pk) in (Role.FACILITATOR, Role.VOLUNTEER)]
    staff = [u for u in everyone if roles.get(u.pk) == Role.COORDINATOR]
    return peers, staff


def _group(
    organisation: Organisation, spec: DemoGroup, venue: Venue, today: dt.date, rng: random.Random
) -> None:
    coordinator = _acting(organisation, Role.COORDINATOR)
    first = _on_or_before(today - dt.timedelta(weeks=WEEKS_OF_HISTORY), spec.weekday)
    peers, staff = _leaders(organisation)
    group = services.group_create(
        by=coordinator,
        details=services.GroupDetails(
            name=spec.name, description=spec.description, model=spec.model, venue=venue,
            rule=schedule.build_rule(pattern=spec.pattern, first=first, nths=spec.nths),
            first_on=first, starts=spec.starts, ends=spec.ends, capacity=spec.capacity,
            joining=spec.joining, carers_welcome=spec.carers_welcome, cost="Free",
            enquiries=spec.enquiries, published=spec.published, peer_leaders=peers[:1],
            professionals=staff[:1] if spec.co_facilitated else [],
        ),
        today=first,
    )  # fmt: skip
    services.sessions_extend(by=coordinator, group=group, today=today)
    start = rng.randrange(0, 40)
    for person in people.people_of(organisation=organisation)[start : start + spec.members]:
        services.member_add(by=coordinator, group=group, person=person, today=first)
    for nickname in rng.sample(NICKNAMES, spec.regulars):
        services.regular_add(by=coordinator, group=group, nickname=nickname)
    if not spec.published:
        return
    facilitator = _acting(organisation, Role.FACILITATOR)
    members = list(group.members.all())
    regulars = list(group.regulars.order_by("nickname"))
    watched = None
    if spec.name == "Crafty Needles" and regulars:
        # She asked the group to tell someone if she stopped coming, at the first session.
        watched = services.safety_net_set(
            by=facilitator, subject=regulars[0], watched=True,
            since=timezone.make_aware(dt.datetime.combine(first, dt.time(9))),
        )  # fmt: skip
    past = list(group.sessions.filter(starts_at__lt=timezone.now(), status=SessionStatus.SCHEDULED))
    others = [n for n in NICKNAMES if watched is None or n.lower() != watched.name.lower()]
    for index, session in enumerate(past):
        came = [r for r in regulars if rng.random() < 0.7 and r != watched]
        if watched is not None and index < len(past) - MISSED:
            came.append(regulars[0])
        services.attendance_record(
            by=facilitator, session=session, expected=SessionStatus.SCHEDULED,
            members=[m for m in members if rng.random() < 0.8],
            regulars=came,
            new_regulars=[rng.choice(others)] if spec.regulars and rng.random() < 0.2 else [],
            headcount=0 if spec.joining == Joining.BY_REFERRAL else rng.randrange(2, 9),
        )  # fmt: skip
    if watched is not None:
        services.missing_check(by=facilitator, group=group)
    if spec.joining == Joining.BY_REFERRAL and spec.capacity == spec.members:
        _waiting_list(organisation, group, start + spec.members, today)
    upcoming = group.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    if spec.name == "Crafty Needles" and len(upcoming) > 2:
        services.session_cancel(
            by=coordinator, session=upcoming[2], expected=SessionStatus.SCHEDULED,
            reason="The craft room is being redecorated",
        )  # fmt: skip


def _waiting_list(organisation: Organisation, group: Group, after: int, today: dt.date) -> None:
    """The full SUN group: three people referred wait in order; one member leaves, and her
    place is offered to the first of them."""
    coordinator = _acting(organisation, Role.COORDINATOR)
    for person in people.people_of(organisation=organisation)[after : after + 3]:
        services.member_refer(by=coordinator, group=group, person=person, today=today)
    leaving = group.members.order_by("joined_on", "pk").first()
    if leaving is not None:
        services.member_leave(
            by=coordinator, member=leaving, reason="Moved to Manchester", today=today
        )


@transaction.atomic
def seed_groups(*, log: Callable[[str], object] = print) -> None:
    today = timezone.localdate()
    for slug, specs in GROUPS.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or organisation.peer_groups.exists():
            continue
        rng = random.Random(f"groups/{slug}")
        by = _acting(organisation, Role.COORDINATOR)
        venues = {spec.key: _venue(by, spec) for spec in VENUES[slug]}
        for spec in specs:
            _group(organisation, spec, venues[spec.venue], today, rng)
        log(f"{organisation.name}: {len(specs)} groups with a few weeks of attendance")
