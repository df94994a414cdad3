"""Demo volunteering: records for the demo volunteer sign-ins, with references, DBS checks,
training (some due soon, so the reminders and home panels have something to show), roles,
supervision and hours, a few people still in recruitment (each with the paperwork of the stages
they have passed, as the pipeline requires: ADR-095), and Cindy's peer journey from the report.
Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting
from kindred.nonprod.constants import DEMO_DOMAIN, demo_email
from kindred.volunteers import eligibility, selectors, services
from kindred.volunteers.models import (
    HoursSource,
    JourneyStep,
    RoleAssignment,
    Stage,
    SupervisionSession,
    Volunteer,
    VolunteeringRole,
)
from kindred.volunteers.services.profile import journey_event_add

NAMESPACE = uuid.UUID("0b7c1e8a-4c3d-4f9b-8f21-5d7a2e9c3b10")
ROLES_BY_ORGANISATION = {
    "stockport-wellbeing": ("group_facilitator", "befriender"),
    "lambeth-crisis-line": ("crisis_line",),
    "leeds-maecare": ("befriender", "driver"),
}
REFEREES = [
    ("Margaret Holt", "Former employer"),
    ("Revd. Peter Okafor", "Knows them through church"),
    ("Dr. Asha Patel", "College tutor"),
    ("Huw Jenkins", "Manager at the food bank where they volunteer"),
    ("Sandra Mills", "Neighbour of ten years"),
    ("Tariq Hussain", "Former line manager"),
]
RECRUITS = [
    ("Aled", "Price", Stage.ENQUIRY),
    ("Bronwen", "Hale", Stage.APPLICATION),
    ("Dev", "Mistry", Stage.CONVERSATION),
    ("Erin", "Doyle", Stage.REFERENCES),
    ("Fola", "Adebayo", Stage.DBS_CHECK),
    ("Gwen", "Tait", Stage.INDUCTION),
]


def _certificate(key: str) -> str:
    return f"{uuid.uuid5(NAMESPACE, key).int % 10**12:012d}"


def _references(by: Acting, volunteer: Volunteer, today: dt.date, *, received: int = 2) -> None:
    """Two references asked for a few weeks ago; `received` of them back and satisfactory. Their
    own random numbers, so the rest of the demo comes out as it did before references."""
    rng = random.Random(f"references/{volunteer.display_name}")
    for n, (name, relationship) in enumerate(rng.sample(REFEREES, k=2)):
        asked = today - dt.timedelta(days=rng.randint(40, 120))
        reference = services.reference_request(
            by=by, volunteer=volunteer, referee_name=name, relationship=relationship,
            contact=f"{name.split()[-1].lower()}@example.com", requested_on=asked,
        )  # fmt: skip
        if n < received:
            services.reference_receive(
                by=by, volunteer=volunteer, reference_id=reference.pk,
                received_on=asked + dt.timedelta(days=rng.randint(5, 20)),
                outcome="satisfactory",
            )  # fmt: skip


def _qualify(
    by: Acting, volunteer: Volunteer, roles: list[VolunteeringRole], rng: random.Random,
    today: dt.date, due_soon: bool,
) -> None:  # fmt: skip
    """Their references, a current DBS check and every course the roles need (one due soon if
    asked), then active with those roles."""
    _references(by, volunteer, today)
    level = max((r.dbs_level for r in roles), key=lambda lv: eligibility.level_rank(lv))
    services.dbs_check_record(
        by=by, volunteer=volunteer, level=level,
        certificate_number=_certificate(f"{volunteer.pk}/dbs"),
        issued_on=today - dt.timedelta(days=rng.randint(60, 700)),
        update_service=rng.random() < 0.5,
    )  # fmt: skip
    courses = {c.pk: c for r in roles for c in r.courses.all()}
    for course in sorted(courses.values(), key=lambda c: c.kind):
        completed = today - dt.timedelta(days=rng.randint(30, 300))
        expires = None
        if due_soon and course.kind == "safeguarding_adults":
            expires = today + dt.timedelta(days=rng.randint(5, 28))
            completed = expires - dt.timedelta(days=3 * 365)
        services.training_record(
            by=by, volunteer=volunteer, course=course, completed_on=completed, expires_on=expires
        )
    services.volunteer_move(by=by, volunteer=volunteer, to_stage=Stage.ACTIVE)
    volunteer.refresh_from_db()
    for role in roles:
        services.role_assign(by=by, volunteer=volunteer, role=role, on=today)


def _hours(by: Acting, volunteer: Volunteer, rng: random.Random, today: dt.date) -> None:
    for week in range(8):
        if rng.random() < 0.3:
            continue
        services.hours_record(
            by=by, volunteer=volunteer, source=HoursSource.SELF_LOGGED,
            source_ref=str(uuid.uuid5(NAMESPACE, f"{volunteer.pk}/hours/{week}")),
            worked_on=today - dt.timedelta(days=7 * week + rng.randint(0, 6)),
            minutes=rng.choice([60, 90, 120, 150, 180]),
            description=rng.choice(["Befriending visit", "Phone call", "Group session", "Training"]),
        )  # fmt: skip


def _availability_and_wellbeing(
    by: Acting, volunteer: Volunteer, rng: random.Random, today: dt.date, index: int
) -> None:
    """Weekly free times (for matching and the rota), this month's check-in for most, and now
    and then someone finding it hard or asking for support."""
    days = rng.sample(range(7), k=rng.randint(1, 3))
    windows = []
    for day in sorted(days):
        start = rng.choice([9, 10, 13, 17, 18])
        windows.append((day, dt.time(start), dt.time(min(start + rng.choice([2, 3, 4]), 23))))
    services.availability_set(by=by, volunteer=volunteer, windows=windows)
    if index % 3 != 2:
        services.wellbeing_check_in(
            by=by, volunteer=volunteer, feeling=2 if index % 5 == 1 else rng.choice([4, 5]),
            comment="Finding evenings hard at the moment" if index % 5 == 1 else "", on=today,
        )  # fmt: skip
    if index % 7 == 3:
        services.support_request(
            by=by, volunteer=volunteer,
            message="Could we talk after my last visit? It stayed with me.",
        )  # fmt: skip


def _active_volunteer(
    by: Acting, organisation: Organisation, user: User, rng: random.Random, today: dt.date,
    index: int,
) -> Volunteer:  # fmt: skip
    given, _, family = (user.full_name or "Demo Volunteer").partition(" ")
    volunteer = services.volunteer_create(
        by=by, given_name=given, family_name=family or "Volunteer", email=user.email, user=user,
        phone=f"07700 900{rng.randint(0, 999):03d}", stage=Stage.INDUCTION,
    )  # fmt: skip
    roles = [
        r for r in selectors.roles_of(organisation=organisation)
        if r.kind in ROLES_BY_ORGANISATION.get(organisation.slug, ("befriender",))
    ]  # fmt: skip
    if organisation.memberships.filter(user=user, role=Role.FACILITATOR).exists():
        roles = [r for r in selectors.roles_of(organisation=organisation)
                 if r.kind == "group_facilitator"] or roles  # fmt: skip
    _qualify(by, volunteer, roles, rng, today, due_soon=index % 4 == 0)
    _hours(by, volunteer, rng, today)
    _availability_and_wellbeing(by, volunteer, rng, today, index)
    if index % 3 != 0:  # the rest are overdue supervision
        services.supervision_record(
            by=by, volunteers=[volunteer], kind=SupervisionSession.Kind.ONE_TO_ONE,
            held_on=today - dt.timedelta(days=rng.randint(3, 25)), notes="Going well.",
        )  # fmt: skip
    return volunteer


def _cindy(by: Acting, organisation: Organisation, today: dt.date) -> None:
    """Crying in the kitchen, then making the coffee, then leading the group, then founding one."""
    user = User.objects.filter(email=demo_email("facilitator")).first()
    if user is None or Volunteer.objects.filter(organisation=organisation, user=user).exists():
        return
    person = organisation.people.order_by("created_at", "id").first()
    volunteer = services.volunteer_create(
        by=by, given_name="Cindy", family_name="Walsh", email=user.email, user=user,
        person=person, stage=Stage.INDUCTION,
    )  # fmt: skip
    steps = [
        (JourneyStep.RECEIVED_SUPPORT, 2400, "Came to the knitting group for support"),
        (JourneyStep.BECAME_SUPPORTER, 1900, "Started making the coffee and welcoming people"),
        (JourneyStep.LED_GROUP, 1200, "Led Crafty Needles with another peer volunteer"),
        (JourneyStep.FOUNDED_GROUP, 300, "Started a new group in Reddish"),
    ]
    for step, days_ago, note in steps:
        journey_event_add(
            by=by, volunteer=volunteer, step=step,
            occurred_on=today - dt.timedelta(days=days_ago), note=note,
        )  # fmt: skip
    rng = random.Random(7)
    roles = [
        r for r in selectors.roles_of(organisation=organisation) if r.kind == "group_facilitator"
    ]
    _qualify(by, volunteer, roles, rng, today, due_soon=True)
    _hours(by, volunteer, rng, today)


@transaction.atomic
def seed_volunteers(*, log: Callable[[str], object] = print) -> None:
    today = timezone.localdate()
    for organisation in Organisation.objects.filter(slug__in=ROLES_BY_ORGANISATION).order_by(
        "slug"
    ):
        by = Acting.system("kindred seed demo", organisation=organisation)
        services.standard_roles_ensure(by=by)
        rng = random.Random(organisation.slug)
        users = User.objects.filter(
            email__endswith="@" + DEMO_DOMAIN,
            memberships__organisation=organisation,
            memberships__role__in=[Role.VOLUNTEER, Role.FACILITATOR],
        ).distinct().order_by("email")  # fmt: skip
        added = 0
        for index, user in enumerate(users):
            if user.email == demo_email("facilitator"):
                continue
            if Volunteer.objects.filter(organisation=organisation, user=user).exists():
                continue
            _active_volunteer(by, organisation, user, rng, today, index)
            added += 1
        for given, family, stage in RECRUITS:
            if organisation.volunteers.filter(given_name=given, family_name=family).exists():
                continue
            recruit = services.volunteer_create(
                by=by, given_name=given, family_name=family,
                email=f"{given.lower()}.{family.lower()}@example.com",
            )  # fmt: skip
            for next_stage in services.RECRUITMENT[1 : services.RECRUITMENT.index(stage) + 1]:
                if recruit.stage == Stage.REFERENCES:
                    _references(by, recruit, today)
                if recruit.stage == Stage.DBS_CHECK:
                    services.dbs_check_record(
                        by=by, volunteer=recruit, level="enhanced",
                        certificate_number=_certificate(f"{recruit.pk}/dbs"),
                        issued_on=today - dt.timedelta(days=14),
                    )  # fmt: skip
                recruit = services.volunteer_move(by=by, volunteer=recruit, to_stage=next_stage)
            if stage == Stage.REFERENCES:  # waiting for their second reference
                _references(by, recruit, today, received=1)
        if organisation.slug == "stockport-wellbeing":
            _cindy(by, organisation, today)
        log(
            f"{organisation.name}: {added} volunteer records added, "
            f"{RoleAssignment.objects.filter(volunteer__organisation=organisation).count()} roles held"
        )
