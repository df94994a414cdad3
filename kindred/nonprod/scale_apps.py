"""`kindred seed scale`, the apps that came after the first workload (ADR-106, ADR-129): groups
with venues, two years of sessions with attendance and waiting lists; safeguarding concerns with
their timelines in every state; the crisis line's rota (shift patterns, a year of monthly rotas,
shifts, who was on them) and support requests; outcome questionnaires (baseline and follow-ups,
scored by the measures module) with healthcare use; and the messages Kindred sent.

The same rules as kindred.nonprod.scale: one seeded random source, bulk rows through `_Rows`
(COPY on PostgreSQL), append-only histories and timelines written once and complete, encrypted
fields through their model field, settings rows through the apps' own services (audited). Sizes
follow the organisation's: a city of 50,000 people gets 60 groups, 3,000 concerns, 5,000 support
requests and the questionnaires of its 15,000 relationships.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from kindred.accounts import services as accounts
from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.selectors import network_scope
from kindred.core.services import Acting
from kindred.crisis import rota_services
from kindred.crisis.models import requests as crisis
from kindred.crisis.models import rota
from kindred.groups import models as groups
from kindred.groups import schedule
from kindred.notifications.models import DeliveryAttempt, Notification
from kindred.outcomes import measures
from kindred.outcomes import models as outcomes
from kindred.outcomes import services as outcome_services
from kindred.outcomes.report import Quarter
from kindred.outcomes.selectors import DEFAULT_FOLLOW_UPS, DEFAULT_MEASURES
from kindred.people.models import Person
from kindred.referrals import models as referrals
from kindred.safeguarding import models as safeguarding
from kindred.safeguarding import services as safeguarding_services
from kindred.volunteers import models as volunteers

if TYPE_CHECKING:
    from kindred.nonprod.scale import _Draw, _Org, _Rows

LONDON = schedule.LONDON
#: Shares of the organisation's size (a city of 50,000 people, 3,000 befrienders).
GROUPS_PER_BEFRIENDER = 1 / 50
CONCERNS_PER_PERSON = 0.06
REQUESTS_PER_PERSON = 0.1
MESSAGES_PER_REFERRAL = 0.5
#: How far back the groups' sessions and the rota go; sessions are made for the weeks ahead.
GROUP_HISTORY_DAYS = 2 * 365
ROTA_MONTHS = 12
WEEKS_AHEAD = 8
GROUP_NAMES = ("Knit and natter", "Walking football", "Men's shed", "Memory cafe",
               "Stroke club", "Coffee and chat", "Gardening club", "Singing for the brain",
               "Breathe easy", "Tea dance", "Carers' circle", "Problem-solving group",
               "Book club", "Art for wellbeing", "Chair yoga")  # fmt: skip
NICKNAMES = ("Bev", "Big Dave", "Shirl", "Mo", "Our Kath", "Taff", "Lil", "Stan", "Del",
             "Rita", "Nobby", "Sue B", "Jimmy", "Pat", "Wyn", "Dot")  # fmt: skip
SESSION_TIMES = ((dt.time(10), dt.time(12)), (dt.time(14), dt.time(16)),
                 (dt.time(18, 30), dt.time(20, 30)))  # fmt: skip
CONCERN_DETAIL = (
    "Seemed very low at the group and said nobody would notice if they were gone.",
    "Neighbour has been taking their pension and they seemed frightened to talk about it.",
    "Bruising on both arms; said they had fallen but would not say more.",
    "House was very cold and there was no food in the fridge.",
    "Said their son shouts at them and takes their bank card.",
    "Missed three visits and is not answering the phone.",
)
CONCERN_OUTCOMES = (
    "Talked it through with the person; they did not want any action. Supporter to keep in touch.",
    "Referred to adult social care; a section 42 enquiry found no further action needed.",
    "GP told and a welfare visit arranged; the person is safe.",
    "Police attended; family member moved out. Support continues.",
)
HAND_ENTRIES = (
    (safeguarding.EntryKind.NOTE, "Spoke with the supporter, who will visit on Thursday."),
    (safeguarding.EntryKind.GP, "Rang the surgery; the GP will call them this week."),
    (safeguarding.EntryKind.PERSONS_VIEW, "They want to stay at home and want us to keep visiting."),
    (safeguarding.EntryKind.SECTION_42, "Referred to the local authority's adult safeguarding team."),
    (safeguarding.EntryKind.POLICE, "Reported to the police: crime reference given."),
)  # fmt: skip
REQUEST_OUTCOMES = ("Talked for forty minutes; feeling calmer and will ring their GP tomorrow.",
                    "Listened and agreed a plan for tonight; they have a friend coming round.",
                    "Signposted to the Samaritans and the crisis team.")  # fmt: skip
MESSAGE_KINDS = (("referral.received", "We have received your referral"),
                 ("referral.accepted", "Your referral has been accepted"),
                 ("relationship.introduced", "Meet your befriender"),
                 ("volunteers.dbs_due", "Your DBS check is due for renewal"))  # fmt: skip


@dataclass
class _Staff:
    """The sign-ins the later apps need besides the coordinator."""

    coordinator: User
    facilitator: User
    lead: User


def seed_later_apps(
    org: _Org,
    *,
    draw: _Draw,
    rows: _Rows,
    today: dt.date,
    by: Acting,
    password_hash: str,
    coordinator: User,
    people: list[Person],
    befrienders: list[volunteers.Volunteer],
    made: list[referrals.Referral],
) -> dict[str, int]:
    """Every later app's data for one organisation; returns the counts for the audit entry."""
    staff = _staff(org, by=by, password_hash=password_hash, coordinator=coordinator)
    counts = {
        "groups": _groups(org, draw, rows, today, staff, people, befrienders),
        "concerns": _concerns(org, draw, rows, today, staff, people),
        "support_requests": _crisis(org, draw, rows, today, staff, people, befrienders),
        "collections": _outcomes(org, draw, rows, today, staff, made),
        "messages": _messages(org, draw, rows, today, made),
    }
    return counts


def rows_expected(size_people: int, size_referrals: int, befrienders: int) -> int:
    """Roughly how many rows the later apps add (for the progress bar's total)."""
    group_count = max(2, round(befrienders * GROUPS_PER_BEFRIENDER))
    return (
        group_count * 900
        + round(size_people * CONCERNS_PER_PERSON) * 7
        + round(size_people * REQUESTS_PER_PERSON) * 10
        + 1_000 * 3
        + size_referrals * 3
        + round(size_referrals * MESSAGES_PER_REFERRAL) * 2
    )


def _staff(org: _Org, *, by: Acting, password_hash: str, coordinator: User) -> _Staff:
    """A facilitator (`facilitator.<slug>@...`: runs a few of the groups) and a safeguarding lead
    (`lead.<slug>@...`), through the accounts services like the other sign-ins; the
    safeguarding arrangements name the lead."""
    from kindred.nonprod.scale import sign_in_email

    organisation = org.organisation
    made = {}
    for role, kind in (("facilitator", Role.FACILITATOR), ("lead", Role.SAFEGUARDING_LEAD)):
        user = accounts.user_ensure(
            by=by,
            email=sign_in_email(role, organisation.slug),
            full_name=f"Scale {role.title()}",
            password=None,
            password_hash=password_hash,
        )
        accounts.membership_grant(by=by, user=user, organisation=organisation, role=kind)
        made[role] = user
    acting = Acting.system("kindred seed scale", organisation=organisation)
    safeguarding_services.arrangements_set(
        by=acting, lead=made["lead"], deputy=None, lead_away_from=None, lead_away_until=None,
        duty_professional=None, immediate_minutes=15, high_minutes=60, medium_working_days=1,
        low_working_days=5, coordinators_see_detail=False,
    )  # fmt: skip
    return _Staff(coordinator=coordinator, facilitator=made["facilitator"], lead=made["lead"])


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=LONDON)


# Groups --------------------------------------------------------------------------------------


def _groups(
    org: _Org,
    draw: _Draw,
    rows: _Rows,
    today: dt.date,
    staff: _Staff,
    people: list[Person],
    befrienders: list[volunteers.Volunteer],
) -> int:
    """Venues; groups (weekly, fortnightly or on set weeks of the month, some by referral and
    full, most published); their sessions from up to two years ago to eight weeks ahead, past
    ones held (attendance: members, regulars, a headcount) or now and then cancelled; members
    (some left), regulars, and waiting lists at the full groups."""
    rng, organisation = draw.rng, org.organisation
    count = max(2, round(org.size.befrienders * GROUPS_PER_BEFRIENDER))
    venues = []
    for n in range(max(1, count // 3)):
        postcode = org.postcodes[(n * 37) % len(org.postcodes)]
        venues.append(
            groups.Venue(
                id=draw.id(), organisation=organisation, name=f"Community centre {n + 1}",
                address=f"{n + 1} High Street", postcode=postcode.postcode,
                easting=postcode.easting, northing=postcode.northing,
                step_free=rng.random() < 0.8, hearing_loop=rng.random() < 0.4,
                accessible_toilet=rng.random() < 0.7, parking=rng.random() < 0.5,
            )
        )  # fmt: skip
    made, facilitators, sessions, history = [], [], [], []
    members, regulars, named, present, places, place_history = [], [], [], [], [], []
    leaders = [b for b in befrienders if b.user_id]
    until = today + dt.timedelta(weeks=WEEKS_AHEAD)
    for n in range(count):
        by_referral = n % 5 == 1
        first = today - dt.timedelta(days=rng.randint(60, GROUP_HISTORY_DAYS))
        pattern = rng.choice(("weekly", "weekly", "fortnightly", "nth"))
        nths = (2, 4) if pattern == "nth" else ()
        starts, ends = rng.choice(SESSION_TIMES)
        capacity = rng.choice((10, 12, 15)) if by_referral else rng.choice((None, 30))
        group = groups.Group(
            id=draw.id(), organisation=organisation,
            name=f"{GROUP_NAMES[n % len(GROUP_NAMES)]} {n // len(GROUP_NAMES) + 1}",
            description="A friendly group: come along, have a cup of tea and meet people.",
            model=(groups.GroupModel.PROBLEM_SOLVING if by_referral
                   else rng.choice(groups.GroupModel.values)),
            venue=rng.choice(venues), rule=schedule.build_rule(pattern=pattern, first=first,
                                                               nths=nths),
            first_on=first, starts=starts, ends=ends, capacity=capacity,
            joining=groups.Joining.BY_REFERRAL if by_referral else groups.Joining.OPEN_DOOR,
            carers_welcome=rng.random() < 0.5, enquiries="0113 496 0000",
            published=n % 10 != 9,
        )  # fmt: skip
        made.append(group)
        # The facilitator sign-in runs the first three groups; a befriender leads each.
        if n < 3:
            facilitators.append(
                groups.GroupFacilitator(group=group, user=staff.facilitator,
                                        kind=groups.FacilitatorKind.PEER_LEADER)
            )  # fmt: skip
        if leaders:
            leader = leaders[(n * 7) % len(leaders)]
            assert leader.user_id is not None
            facilitators.append(
                groups.GroupFacilitator(group=group, user_id=leader.user_id,
                                        kind=groups.FacilitatorKind.PEER_LEADER)
            )  # fmt: skip
        # Members: a full group by referral has as many as its places; some have left.
        size = capacity if capacity and by_referral else rng.randint(6, 18)
        chosen = rng.sample(people, min(len(people), size + 12))
        group_members = []
        for person in chosen[:size]:
            joined = first + dt.timedelta(days=rng.randint(0, max(0, (today - first).days // 2)))
            member = groups.GroupMember(
                id=draw.id(), group=group, person=person, joined_on=min(joined, today)
            )
            if rng.random() < 0.1:
                member.watched_since = _aware(member.joined_on, dt.time(11))
                member.watched_by_label = "kindred seed scale"
            group_members.append(member)
        for person in chosen[size : size + rng.randint(0, 3)]:  # left already
            joined = first + dt.timedelta(days=rng.randint(0, max(0, (today - first).days // 3)))
            left = min(joined + dt.timedelta(days=rng.randint(30, 200)), today)
            group_members.append(
                groups.GroupMember(id=draw.id(), group=group, person=person, joined_on=joined,
                                   left_on=left, left_reason="Moved away")
            )  # fmt: skip
        members += group_members
        group_regulars = [
            groups.GroupRegular(id=draw.id(), group=group, nickname=nickname)
            for nickname in rng.sample(NICKNAMES, 0 if by_referral else rng.randint(2, 7))
        ]
        regulars += group_regulars
        for occurrence in schedule.occurrences(
            rule=group.rule, first=first, starts=starts, ends=ends, window_from=first,
            window_to=until,
        ):  # fmt: skip
            session = groups.Session(
                id=draw.id(), organisation=organisation, group=group, venue=group.venue,
                starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
            )  # fmt: skip
            sessions.append(session)
            day = occurrence.starts_at.date()
            if day >= today:
                continue
            if rng.random() < 0.04:
                session.status = groups.SessionStatus.CANCELLED
                session.cancelled_reason = "The hall was not available"
                history.append(
                    groups.SessionHistory(
                        session=session, from_state=groups.SessionStatus.SCHEDULED,
                        to_state=groups.SessionStatus.CANCELLED, by_user=staff.coordinator,
                        by_label=staff.coordinator.full_name, occurred_at=occurrence.starts_at
                        - dt.timedelta(days=2), note=session.cancelled_reason,
                    )
                )  # fmt: skip
                continue
            if day < today - dt.timedelta(days=14) or rng.random() < 0.7:
                came = 0
                for member in group_members:
                    if (member.joined_on <= day and (member.left_on is None or member.left_on > day)
                            and rng.random() < 0.75):  # fmt: skip
                        named.append(groups.NamedAttendance(session=session, member=member))
                        came += 1
                for regular in group_regulars:
                    if rng.random() < 0.6:
                        present.append(groups.RegularAttendance(session=session, regular=regular))
                        came += 1
                session.status = groups.SessionStatus.HELD
                session.headcount = 0 if by_referral else rng.randint(0, 12)
                history.append(
                    groups.SessionHistory(
                        session=session, from_state=groups.SessionStatus.SCHEDULED,
                        to_state=groups.SessionStatus.HELD, by_user=staff.facilitator,
                        by_label=staff.facilitator.full_name,
                        occurred_at=occurrence.ends_at, note=f"{came + session.headcount} came",
                    )
                )  # fmt: skip
        if by_referral:
            # The full group's waiting list: some waiting in order, one place on offer, and
            # earlier places that were taken, declined or lapsed.
            outside = [p for p in rng.sample(people, min(len(people), 12)) if p not in chosen]
            for k, person in enumerate(outside[:8]):
                status = (groups.PlaceStatus.WAITING if k >= 3 else
                          (groups.PlaceStatus.OFFERED, groups.PlaceStatus.DECLINED,
                           groups.PlaceStatus.LAPSED)[k])  # fmt: skip
                added = _aware(today - dt.timedelta(days=120 - 10 * k), dt.time(10))
                place = groups.WaitingPlace(
                    id=draw.id(),
                    organisation=organisation,
                    group=group,
                    person=person,
                    added_at=added,
                    status=status,
                )
                path = [groups.PlaceStatus.WAITING.value]
                if status != groups.PlaceStatus.WAITING:
                    place.offered_at = added + dt.timedelta(days=30)
                    place.answer_by = place.offered_at.date() + dt.timedelta(days=group.offer_days)
                    path.append(groups.PlaceStatus.OFFERED.value)
                    if status != groups.PlaceStatus.OFFERED:
                        place.answered_at = place.offered_at + dt.timedelta(days=5)
                        path.append(status)
                    else:
                        place.offered_at = _aware(today - dt.timedelta(days=2), dt.time(10))
                        place.answer_by = today + dt.timedelta(days=group.offer_days - 2)
                places.append(place)
                previous = ""
                for step, to_state in enumerate(path):
                    place_history.append(
                        groups.WaitingHistory(
                            place=place, from_state=previous, to_state=to_state,
                            occurred_at=added + dt.timedelta(days=30 * step),
                            by_user=staff.coordinator, by_label=staff.coordinator.full_name,
                        )
                    )  # fmt: skip
                    previous = to_state
    rows.insert(groups.Venue, venues)
    rows.insert(groups.Group, made)
    rows.insert(groups.GroupFacilitator, facilitators)
    rows.insert(groups.GroupMember, members)
    rows.insert(groups.GroupRegular, regulars)
    rows.insert(groups.Session, sessions)
    rows.insert(groups.SessionHistory, history)
    rows.insert(groups.NamedAttendance, named)
    rows.insert(groups.RegularAttendance, present)
    rows.insert(groups.WaitingPlace, places)
    rows.insert(groups.WaitingHistory, place_history)
    return len(made)


# Safeguarding --------------------------------------------------------------------------------

#: A concern's state, as shares: most closed (over three years); the open ones from the last
#: month.
CONCERN_STATES = (
    (safeguarding.Status.CLOSED, 0.96),
    (safeguarding.Status.ENQUIRY, 0.015),
    (safeguarding.Status.ACKNOWLEDGED, 0.015),
    (safeguarding.Status.RAISED, 0.01),
)
CONCERN_SOURCES = (
    safeguarding.Source.CONTACT, safeguarding.Source.RELATIONSHIP,
    safeguarding.Source.PERSON_RECORD, safeguarding.Source.FROM_SCRATCH,
    safeguarding.Source.GROUP_SESSION, safeguarding.Source.MISSING_REGULAR,
)  # fmt: skip
ACKNOWLEDGE_WITHIN = {
    safeguarding.Level.IMMEDIATE: dt.timedelta(minutes=15),
    safeguarding.Level.HIGH: dt.timedelta(hours=1),
    safeguarding.Level.MEDIUM: dt.timedelta(days=1),
    safeguarding.Level.LOW: dt.timedelta(days=7),
}


def _concerns(
    org: _Org, draw: _Draw, rows: _Rows, today: dt.date, staff: _Staff, people: list[Person]
) -> int:
    """Concerns in every state, each with its history of states and its timeline: the lead told
    when raised, acknowledged, an enquiry begun, what was done by hand, closed with the
    outcome."""
    rng, organisation = draw.rng, org.organisation
    count = round(org.size.people * CONCERNS_PER_PERSON)
    # At least one in each open state (when there are concerns at all), the rest closed.
    states = [
        s.value
        for s, share in CONCERN_STATES
        if s != safeguarding.Status.CLOSED
        for _ in range(max(1, round(count * share)) if count >= 4 else 0)
    ]
    states += [safeguarding.Status.CLOSED.value] * (count - len(states))
    made, history, timeline = [], [], []
    lead, raiser = staff.lead, staff.coordinator
    for state in states[:count]:
        level = rng.choices(safeguarding.Level.values, (40, 35, 20, 5))[0]
        is_open = state != safeguarding.Status.CLOSED
        raised_at = draw.moment(draw.days_ago(0, 30, today) if is_open
                                else draw.days_ago(30, 3 * 365, today))  # fmt: skip
        person = rng.choice(people) if rng.random() < 0.9 else None
        concern = safeguarding.Concern(
            id=draw.id(), organisation=organisation, person=person,
            about="" if person else "A regular at the Tuesday group, in a red coat",
            source=rng.choice(CONCERN_SOURCES), level=level, status=state,
            detail=rng.choice(CONCERN_DETAIL), happened_at=raised_at - dt.timedelta(hours=2),
            raised_at=raised_at, raised_by=raiser, raised_by_label=raiser.full_name,
            acknowledge_by=raised_at + ACKNOWLEDGE_WITHIN[safeguarding.Level(level)],
        )  # fmt: skip
        made.append(concern)
        path = [safeguarding.Status.RAISED.value]
        timeline.append(
            safeguarding.Entry(
                concern=concern, kind=safeguarding.EntryKind.TOLD, occurred_at=raised_at,
                by_user=raiser, by_label=raiser.full_name, told=lead, told_label=lead.full_name,
            )
        )  # fmt: skip
        at = raised_at
        if state != safeguarding.Status.RAISED:
            at = at + dt.timedelta(minutes=rng.randint(5, 600))
            concern.acknowledged_at, concern.acknowledged_by = at, lead
            path.append(safeguarding.Status.ACKNOWLEDGED.value)
            timeline.append(
                safeguarding.Entry(concern=concern, kind=safeguarding.EntryKind.ACKNOWLEDGED,
                                   occurred_at=at, by_user=lead, by_label=lead.full_name)
            )  # fmt: skip
            enquiry = state == safeguarding.Status.ENQUIRY or (
                state == safeguarding.Status.CLOSED and rng.random() < 0.3
            )
            if enquiry:
                at = at + dt.timedelta(days=1)
                path.append(safeguarding.Status.ENQUIRY.value)
                timeline.append(
                    safeguarding.Entry(concern=concern, kind=safeguarding.EntryKind.ENQUIRY,
                                       text="Gathering what the supporter and GP know.",
                                       occurred_at=at, by_user=lead, by_label=lead.full_name)
                )  # fmt: skip
            for kind, text in rng.sample(HAND_ENTRIES, rng.randint(0, 3)):
                at = at + dt.timedelta(hours=rng.randint(2, 48))
                timeline.append(
                    safeguarding.Entry(concern=concern, kind=kind, text=text, occurred_at=at,
                                       by_user=lead, by_label=lead.full_name)
                )  # fmt: skip
            if state == safeguarding.Status.CLOSED:
                at = at + dt.timedelta(days=rng.randint(1, 30))
                concern.closed_at, concern.outcome = at, rng.choice(CONCERN_OUTCOMES)
                path.append(safeguarding.Status.CLOSED.value)
                timeline.append(
                    safeguarding.Entry(concern=concern, kind=safeguarding.EntryKind.CLOSED,
                                       text=concern.outcome, occurred_at=at, by_user=lead,
                                       by_label=lead.full_name)
                )  # fmt: skip
        previous, moment = "", raised_at
        for to_state in path:
            moment = {
                safeguarding.Status.ACKNOWLEDGED.value: concern.acknowledged_at,
                safeguarding.Status.CLOSED.value: concern.closed_at,
            }.get(to_state) or moment
            by_user = raiser if to_state == safeguarding.Status.RAISED else lead
            history.append(
                safeguarding.StatusChange(
                    concern=concern, from_state=previous, to_state=to_state, occurred_at=moment,
                    by_user=by_user, by_label=by_user.full_name,
                )
            )  # fmt: skip
            previous = to_state
    rows.insert(safeguarding.Concern, made)
    rows.insert(safeguarding.StatusChange, history)
    rows.insert(safeguarding.Entry, timeline)
    return len(made)


# Crisis line ---------------------------------------------------------------------------------

#: Each day's two shifts: a day and a night to the next morning.
SHIFT_TIMES = ((dt.time(9), dt.time(18)), (dt.time(18), dt.time(9)))


def _crisis(
    org: _Org,
    draw: _Draw,
    rows: _Rows,
    today: dt.date,
    staff: _Staff,
    people: list[Person],
    befrienders: list[volunteers.Volunteer],
) -> int:
    """The rota (settings and weekly patterns through the rota services; a built monthly rota
    for each of the last twelve months, this one and the next, each day's shifts and the
    supporters on them) and a year of support requests, with their events and history."""
    rng, organisation = draw.rng, org.organisation
    acting = Acting.system("kindred seed scale", organisation=organisation)
    patterns = rota_services.patterns_set(
        by=acting, patterns=[(d, s, e) for d in range(7) for s, e in SHIFT_TIMES]
    )
    by_start = {(p.weekday, p.starts_at): p for p in patterns}
    # A pool of on-call supporters (the supporter sign-in among them) with their availability.
    pool = [b for b in befrienders if b.user_id][: max(1, len(befrienders) // 15)]
    availability = [
        rota.ShiftAvailability(volunteer=v, pattern=p)
        for v in pool
        for p in rng.sample(patterns, min(len(patterns), rng.randint(3, 6)))
    ]
    month = today.replace(day=1)
    rotas, shifts, assignments = [], [], []
    now = timezone.now()
    for back in range(-1, ROTA_MONTHS + 1):
        starts_on = month - relativedelta(months=back)
        ends_on = starts_on + relativedelta(months=1) - dt.timedelta(days=1)
        built = _aware(starts_on - dt.timedelta(days=10), dt.time(9))
        plan = rota.Rota(
            id=draw.id(), organisation=organisation, starts_on=starts_on, ends_on=ends_on,
            build=rota.Rota.Build.BUILT, built_at=built, solver_seconds=round(rng.random(), 2),
        )  # fmt: skip
        rotas.append(plan)
        day = starts_on
        while day <= ends_on:
            for start, end in SHIFT_TIMES:
                starts_at = _aware(day, start)
                ends_at = _aware(day + dt.timedelta(days=1 if end <= start else 0), end)
                local = starts_at
                shift = rota.Shift(
                    id=draw.id(), organisation=organisation, rota=plan,
                    pattern=by_start[(day.weekday(), start)], starts_at=starts_at,
                    ends_at=ends_at, overnight=end <= start,
                    weekend=local.weekday() >= 5 or (local.weekday() == 4 and local.hour >= 17),
                    supporters_wanted=4, professional=staff.coordinator,
                )  # fmt: skip
                shifts.append(shift)
                for volunteer in rng.sample(pool, min(len(pool), rng.randint(2, 4))):
                    assignments.append(
                        rota.ShiftAssignment(
                            shift=shift, volunteer=volunteer,
                            source=rota.ShiftAssignment.Source.SOLVER,
                            hours_recorded_at=ends_at if ends_at < now else None,
                        )
                    )  # fmt: skip
            day += dt.timedelta(days=1)
    rows.insert(rota.ShiftAvailability, availability)
    rows.insert(rota.Rota, rotas)
    rows.insert(rota.Shift, shifts)
    rows.insert(rota.ShiftAssignment, assignments)
    return _support_requests(org, draw, rows, today, staff, people, pool)


def _support_requests(
    org: _Org,
    draw: _Draw,
    rows: _Rows,
    today: dt.date,
    staff: _Staff,
    people: list[Person],
    pool: list[volunteers.Volunteer],
) -> int:
    rng, organisation = draw.rng, org.organisation
    count = round(org.size.people * REQUESTS_PER_PERSON)
    made, events, offers, history = [], [], [], []
    S = crisis.Status
    for n in range(count):
        # A few open now (waiting minutes, or taken in the last hours); the rest closed.
        state = S.WAITING if n < 3 else S.ACCEPTED if n < 3 + max(1, count // 500) else S.CLOSED
        received = (
            timezone.now() - dt.timedelta(minutes=rng.randint(1, 20 if n < 3 else 600))
            if state != S.CLOSED
            else draw.moment(draw.days_ago(1, 365, today))
        )
        given, _ = draw.name()
        channel = rng.choice(crisis.Channel.values)
        request = crisis.SupportRequest(
            id=draw.id(), organisation=organisation, channel=channel, name=given,
            phone=f"07700 9{n % 100_000:05d}" if channel != crisis.Channel.WEB else "",
            message="I can't stop worrying and I don't want to be on my own tonight.",
            received_at=received, status=state, step=crisis.Step.SUPPORTERS,
            person=rng.choice(people) if rng.random() < 0.3 else None,
        )  # fmt: skip
        made.append(request)
        events.append(
            crisis.RequestEvent(request=request, kind=crisis.EventKind.RECEIVED, at=received,
                                by_label="crisis line", text=crisis.Channel(channel).label)
        )  # fmt: skip
        offered = crisis.RequestEvent(
            request=request, kind=crisis.EventKind.OFFERED, to=crisis.Step.SUPPORTERS,
            at=received, people=len(pool), by_label="crisis line",
        )  # fmt: skip
        events.append(offered)
        volunteer = rng.choice(pool)
        offers.append(
            crisis.RequestOffer(request=request, event=offered, user_id=volunteer.user_id,
                                volunteer=volunteer, label="A supporter on call",
                                step=crisis.Step.SUPPORTERS)
        )  # fmt: skip
        path = [S.WAITING.value]
        if state == S.WAITING:
            request.next_step_at = received + dt.timedelta(minutes=30)
        else:
            request.accepted_at = received + dt.timedelta(minutes=rng.randint(1, 15))
            request.accepted_by_id = volunteer.user_id
            path.append(S.ACCEPTED.value)
            events.append(
                crisis.RequestEvent(request=request, kind=crisis.EventKind.ACCEPTED,
                                    at=request.accepted_at, by_user_id=volunteer.user_id,
                                    by_label="A supporter on call")
            )  # fmt: skip
        if state == S.CLOSED:
            assert request.accepted_at is not None
            request.closed_at = request.accepted_at + dt.timedelta(minutes=rng.randint(20, 120))
            request.outcome = rng.choice(REQUEST_OUTCOMES)
            request.professional_help = rng.random() < 0.2
            request.hard_call = rng.random() < 0.1
            path.append(S.CLOSED.value)
            events.append(
                crisis.RequestEvent(request=request, kind=crisis.EventKind.CLOSED,
                                    at=request.closed_at, by_user_id=volunteer.user_id,
                                    by_label="A supporter on call", text=request.outcome)
            )  # fmt: skip
        previous = ""
        for to_state in path:
            at = {S.ACCEPTED.value: request.accepted_at, S.CLOSED.value: request.closed_at}
            history.append(
                crisis.RequestStatusChange(
                    request=request, from_state=previous, to_state=to_state,
                    occurred_at=at.get(to_state) or received, by_label="crisis line",
                )
            )  # fmt: skip
            previous = to_state
    rows.insert(crisis.SupportRequest, made)
    rows.insert(crisis.RequestEvent, events)
    rows.insert(crisis.RequestOffer, offers)
    rows.insert(crisis.RequestStatusChange, history)
    return len(made)


# Outcomes ------------------------------------------------------------------------------------


def _answers(measure: measures.Measure, rng: random.Random, lift: float) -> list[int]:
    """Believable answers: each item's options, leaning better by `lift` (0 to 1). Never a
    positive answer to an item that must raise a safeguarding concern."""
    chosen = []
    for item in measure.items:
        values = sorted(item.values, reverse=not item.higher_is_better)
        if item.safeguarding_from is not None:
            chosen.append(min(item.values))
            continue
        position = min(
            len(values) - 1, max(0, round(rng.gauss(0.35 + lift * 0.3, 0.2) * (len(values) - 1)))
        )
        chosen.append(values[position])
    return chosen


def _outcomes(
    org: _Org,
    draw: _Draw,
    rows: _Rows,
    today: dt.date,
    staff: _Staff,
    made: list[referrals.Referral],
) -> int:
    """The default questionnaires and follow-ups (through the outcomes services, with the
    published unit costs and a year of service costs); for each referral that was accepted, its
    baseline and follow-ups, due from the day it was accepted: past ones completed (scored by
    the measures module, most with healthcare use), declined, not reached, or still due."""
    rng, organisation = draw.rng, org.organisation
    acting = Acting.system("kindred seed scale", organisation=organisation)
    settings = outcome_services.settings_save(
        by=acting, measure_codes=list(DEFAULT_MEASURES), follow_up_months=list(DEFAULT_FOLLOW_UPS)
    )
    outcome_services.unit_costs_seed(by=acting)
    quarter = today.replace(day=1) - relativedelta(months=(today.month - 1) % 3)
    for back in range(1, 5):
        starts_on = quarter - relativedelta(months=3 * back)
        for kind, amount in (
            (outcomes.CostKind.STAFF, 60_000),
            (outcomes.CostKind.OVERHEADS, 9_000),
        ):
            outcome_services.service_cost_add(
                by=acting, kind=kind, starts_on=starts_on,
                ends_on=starts_on + relativedelta(months=3) - dt.timedelta(days=1),
                amount=Decimal(amount),
            )  # fmt: skip
    points = [outcomes.TimePoint.BASELINE] + [
        outcomes.TIME_POINT_OF_MONTHS[m] for m in settings.follow_up_months
    ]
    codes = list(settings.measures)
    supported = set(organisation.relationships.values_list("referral_id", flat=True)) | {
        r.pk for r in made if r.status in (referrals.Status.ACCEPTED, referrals.Status.WAITING)
    }
    collections, responses, uses = [], [], []
    C = outcomes.CollectionStatus
    # Asked of the people who agreed to evaluation and were supported (or are waiting): an
    # accepted referral's collections are due from the day it was accepted.
    for referral in made:
        if not referral.consent_evaluation or referral.pk not in supported:
            continue
        accepted_on = (referral.received_at + dt.timedelta(days=3)).date()
        for index, point in enumerate(points):
            due_on = accepted_on + relativedelta(months=outcomes.MONTHS[point])
            collection = outcomes.Collection(
                id=draw.id(), organisation=organisation, person_id=referral.person_id,
                referral=referral, time_point=point, due_on=due_on, measures=codes,
            )  # fmt: skip
            collections.append(collection)
            if due_on > today:
                continue
            fate = rng.choices((C.COMPLETED, C.DECLINED, C.COULD_NOT_CONTACT, C.DUE),
                               (70, 8, 12, 10) if index else (90, 5, 0, 5))[0]  # fmt: skip
            if fate == C.DUE:
                continue
            closed_at = draw.moment(min(due_on + dt.timedelta(days=rng.randint(0, 14)), today))
            collection.status, collection.closed_at = fate, closed_at
            collection.recorded_by = staff.coordinator
            if fate != C.COMPLETED:
                continue
            for code in codes:
                scored = measures.score(code, _answers(measures.MEASURES[code], rng, index / 3))
                responses.append(
                    outcomes.Response(
                        collection=collection, organisation=organisation, measure=code,
                        answers=list(scored.answers), raw=scored.raw,
                        value=outcome_services._plain(scored.value),
                        band=outcome_services._plain(scored.band), answered_at=closed_at,
                    )
                )  # fmt: skip
            if rng.random() < 0.8:
                ease = max(0, 2 - index)
                uses.append(
                    outcomes.HealthcareUse(
                        collection=collection, organisation=organisation,
                        gp_appointments=rng.randint(0, 3 + ease),
                        ae_attendances=rng.choices((0, 1, 2), (70 - 5 * ease, 20, 10))[0],
                        emergency_admissions=rng.choices((0, 1), (90 - 5 * ease, 10))[0],
                        bed_days=rng.choices((0, 2, 5), (90, 6, 4))[0],
                        source=outcomes.UseSource.SELF, recorded_at=closed_at,
                    )
                )  # fmt: skip
    rows.insert(outcomes.Collection, collections)
    rows.insert(outcomes.Response, responses)
    rows.insert(outcomes.HealthcareUse, uses)
    return len(collections)


# Messages ------------------------------------------------------------------------------------


def _messages(
    org: _Org, draw: _Draw, rows: _Rows, today: dt.date, made: list[referrals.Referral]
) -> int:
    """The messages Kindred sent about the referrals (one for every other referral), each with
    its send attempt; a few failed."""
    rng, organisation = draw.rng, org.organisation
    messages: list[Notification] = []
    attempts: list[DeliveryAttempt] = []
    for referral in made[:: round(1 / MESSAGES_PER_REFERRAL)]:
        kind, subject = rng.choice(MESSAGE_KINDS)
        failed = rng.random() < 0.03
        sent = referral.received_at + dt.timedelta(minutes=rng.randint(1, 60))
        message = Notification(
            id=draw.id(), organisation=organisation, recipient=f"person{len(messages)}@example.com",
            subject=subject, body=f"{subject}. The team will be in touch.", kind=kind,
            target_type="referral", target_id=str(referral.pk),
            status=Notification.Status.FAILED if failed else Notification.Status.DELIVERED,
            sent_at=None if failed else sent, delivered_at=None if failed else sent,
            error="Permanent failure: address not found" if failed else "",
        )  # fmt: skip
        messages.append(message)
        attempts.append(
            DeliveryAttempt(
                notification=message, at=sent, step=DeliveryAttempt.Step.SEND,
                outcome=DeliveryAttempt.Outcome.FAILED if failed else DeliveryAttempt.Outcome.SENT,
                answer="400 BadRequestError" if failed else "201 Created",
            )
        )  # fmt: skip
    rows.insert(Notification, messages)
    rows.insert(DeliveryAttempt, attempts)
    return len(messages)


def reports_keep(organisation: Organisation, *, today: dt.date) -> dict[str, float]:
    """This quarter's outcomes report of the city organisation (as its coordinator asks for
    it) and of its network (as the commissioner does), built and kept as the worker would
    (ADR-129); returns how long each took to build."""
    quarter = Quarter.of(today).code
    scopes = [([organisation], organisation.name)]
    if organisation.network is not None:
        scopes.append((network_scope(organisation=organisation), organisation.network.name))
    took = {}
    for organisations, scope in scopes:
        stored = outcome_services.report_keep(
            quarter=quarter, organisations=organisations, scope=scope
        )
        took[scope] = stored.build_seconds or 0.0
    return took
