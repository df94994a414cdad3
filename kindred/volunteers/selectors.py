"""Reads of volunteer records. Every query starts from the organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from kindred.accounts import selectors as accounts_selectors
from kindred.accounts.models import Invitation, Organisation, Role, User
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.volunteers import eligibility
from kindred.volunteers.models import (
    REFERENCES_NEEDED,
    SATISFACTORY_OUTCOMES,
    DbsCheck,
    Expense,
    JourneyEvent,
    JourneyStep,
    Programme,
    Reference,
    RoleAssignment,
    Stage,
    StageChange,
    SupervisionSession,
    SupportRequest,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
    VolunteerHours,
    VolunteeringRole,
    WellbeingCheckIn,
    first_of_month,
)

REMINDER_DAYS = 30


def organisation_taking_enquiries(*, slug: str) -> Organisation | None:
    """The organisation whose public volunteer enquiry form this is, if it is active."""
    return Organisation.objects.filter(slug=slug, is_active=True).first()


def programme_of(*, organisation: Organisation) -> Programme:
    programme, _ = Programme.objects.get_or_create(organisation=organisation)
    return programme


def references_needed(*, organisation: Organisation) -> int:
    """How many satisfactory references a volunteer needs before their DBS check (ADR-095): the
    organisation's programme says, or 2 if it has none yet."""
    needed = (
        Programme.objects.filter(organisation=organisation)
        .values_list("references_needed", flat=True)
        .first()
    )
    return REFERENCES_NEEDED if needed is None else needed


def references_of(*, volunteer: Volunteer) -> QuerySet[Reference]:
    return volunteer.references.select_related("recorded_by", "outcome_recorded_by").order_by(
        "requested_on", "created_at"
    )


def reference_of(*, volunteer: Volunteer, reference_id: uuid.UUID) -> Reference:
    """One of the volunteer's references; Reference.DoesNotExist for anyone else's."""
    return volunteer.references.get(pk=reference_id)


def satisfactory_references(*, volunteer: Volunteer) -> int:
    """References received whose outcome counts towards what the volunteer needs."""
    return volunteer.references.filter(
        received_on__isnull=False, outcome__in=SATISFACTORY_OUTCOMES
    ).count()


def volunteers_of(
    *, organisation: Organisation, stage: str = "", search: str = ""
) -> QuerySet[Volunteer]:
    volunteers = organisation.volunteers.all()
    if stage:
        volunteers = volunteers.filter(stage=stage)
    for word in search.split()[:4]:
        volunteers = volunteers.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(email__icontains=word)
        )
    return volunteers.order_by("family_name", "given_name")


def new_enquiries_counted(*, organisation: Organisation) -> QuerySet[Volunteer]:
    """Volunteer enquiries nobody has moved on yet, oldest first, shown as soon as they arrive
    (ADR-096). Each row carries `enquiry_total` (all of them), so a panel needs one query."""
    return (
        organisation.volunteers.filter(stage=Stage.ENQUIRY)
        .annotate(enquiry_total=Window(expression=Count("id")))
        .order_by("stage_changed_at", "pk")
    )


def volunteer_of(*, organisation: Organisation, volunteer_id: uuid.UUID) -> Volunteer:
    """The volunteer, if they belong to this organisation; Volunteer.DoesNotExist otherwise."""
    return organisation.volunteers.select_related("person", "user").get(pk=volunteer_id)


def volunteer_for_user(*, organisation: Organisation, user: User) -> Volunteer | None:
    """The signed-in volunteer's own record in this organisation, if they have one."""
    return organisation.volunteers.filter(user=user).first()


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    count: int
    volunteers: list[Volunteer]


def longest_at(*, organisation: Organisation, stage: str) -> QuerySet[Volunteer]:
    """The organisation's volunteers at this stage, longest there first, read in that order from
    volunteer_org_stage_since_idx (the board shows the first few of each stage)."""
    return organisation.volunteers.filter(stage=stage).order_by("stage_changed_at")


def pipeline_board(*, organisation: Organisation, per_stage: int = 20) -> list[BoardColumn]:
    """Each stage of the pipeline with how many are at it and the longest-waiting few."""
    counts = dict(
        organisation.volunteers.values("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    columns = []
    for stage in Stage:
        waiting = list(longest_at(organisation=organisation, stage=stage)[:per_stage])
        columns.append(BoardColumn(str(stage), str(stage.label), counts.get(stage, 0), waiting))
    return columns


def stage_history_of(*, volunteer: Volunteer) -> QuerySet[StageChange]:
    return volunteer.history.select_related("by_user").order_by("occurred_at", "id")


def roles_of(*, organisation: Organisation) -> QuerySet[VolunteeringRole]:
    return organisation.volunteering_roles.prefetch_related("courses").order_by("name")


def role_of(*, organisation: Organisation, role_id: uuid.UUID) -> VolunteeringRole:
    return organisation.volunteering_roles.prefetch_related("courses").get(pk=role_id)


def courses_of(*, organisation: Organisation) -> QuerySet[TrainingCourse]:
    return organisation.training_courses.order_by("name")


def course_of(*, organisation: Organisation, course_id: uuid.UUID) -> TrainingCourse:
    return organisation.training_courses.get(pk=course_id)


def volunteers_needing_course(
    *,
    organisation: Organisation,
    course: TrainingCourse,
    on: dt.date | None = None,
    stage: str = "",
) -> QuerySet[Volunteer]:
    """Volunteers (anyone who has not left, or those at `stage`) who still need `course`: never
    done it, or theirs has run out or runs out within REMINDER_DAYS. Each carries the dates of
    their latest record of it (`last_completed`, `last_expires`; None if never done). One query."""
    on = on or timezone.localdate()
    horizon = on + dt.timedelta(days=REMINDER_DAYS)
    records = TrainingRecord.objects.filter(volunteer=OuterRef("pk"), course=course)
    current = records.filter(completed_on__lte=on).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=horizon)
    )
    latest = records.order_by("-completed_on", "-created_at")
    volunteers = (
        organisation.volunteers.exclude(stage=Stage.LEFT)
        .filter(~Exists(current))
        .annotate(
            last_completed=Subquery(latest.values("completed_on")[:1]),
            last_expires=Subquery(latest.values("expires_on")[:1]),
        )
    )
    if stage:
        volunteers = volunteers.filter(stage=stage)
    return volunteers.order_by("family_name", "given_name", "pk")


def people_for_linking(*, organisation: Organisation) -> QuerySet[Person]:
    """Current records only: never one merged into another (ADR-090)."""
    return people_selectors.people_of(organisation=organisation)


def sign_ins_without_record(*, organisation: Organisation) -> QuerySet[User]:
    """People with a volunteer or facilitator role here whose sign-in has no volunteer record."""
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=[Role.VOLUNTEER, Role.FACILITATOR],
            memberships__is_active=True,
            is_active=True,
        )
        .exclude(volunteer_records__organisation=organisation)
        .distinct()
        .order_by("full_name", "email")
    )


def volunteer_sign_in_held(*, volunteer: Volunteer) -> bool:
    """Whether the volunteer already signs in here with the volunteer role: the sign-in linked
    to their record, or one with the email on it."""
    if not volunteer.email and volunteer.user_id is None:
        return False
    whose = Q(user_id=volunteer.user_id) if volunteer.user_id is not None else Q()
    if volunteer.email:
        whose |= Q(user__email__iexact=volunteer.email)
    return (
        accounts_selectors.contacts_with_role(
            organisation=volunteer.organisation, roles=[Role.VOLUNTEER]
        )
        .filter(whose)
        .exists()
    )


def sign_in_invitation_waiting(*, volunteer: Volunteer) -> Invitation | None:
    """An invitation to the volunteer role sent to the email on their record and not yet
    answered (nor run out), if there is one."""
    if not volunteer.email:
        return None
    return (
        accounts_selectors.invitations_pending_for(organisation=volunteer.organisation)
        .filter(role=Role.VOLUNTEER)
        .filter(Q(email__iexact=volunteer.email) | Q(user__email__iexact=volunteer.email))
        .order_by("-created_at")
        .first()
    )


def coordinators_of(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def requirements_of(role: VolunteeringRole) -> eligibility.RoleRequirements:
    courses = list(role.courses.all())
    return eligibility.RoleRequirements(
        name=role.name,
        dbs_level=role.dbs_level or None,
        dbs_renewal_years=role.dbs_renewal_years,
        courses=frozenset(c.kind for c in courses),
        course_names={c.kind: c.name.lower() for c in courses},
    )


def _evidence(
    checks: Iterable[DbsCheck], training: Iterable[TrainingRecord]
) -> tuple[list[eligibility.DbsEvidence], list[eligibility.TrainingEvidence]]:
    return (
        [eligibility.DbsEvidence(c.level, c.issued_on) for c in checks],
        [
            eligibility.TrainingEvidence(t.course.kind, t.completed_on, t.expires_on)
            for t in training
        ],
    )


def eligibility_for(
    *, volunteer: Volunteer, role: VolunteeringRole, on: dt.date | None = None
) -> eligibility.Eligibility:
    checks, training = _evidence(
        volunteer.dbs_checks.all(), volunteer.training.select_related("course")
    )
    return eligibility.check_eligibility(
        requirements_of(role),
        active=volunteer.stage == Stage.ACTIVE,
        dbs_checks=checks,
        training=training,
        on=on or timezone.localdate(),
    )


def eligible_volunteers(
    organisation: Organisation, role: VolunteeringRole, *, on: dt.date | None = None
) -> list[Volunteer]:
    """Active volunteers of `organisation` who hold `role` and meet everything it asks for on
    `on` (today by default). Matching and the rota choose only from these. Three queries."""
    on = on or timezone.localdate()
    requirements = requirements_of(role)
    candidates = (
        organisation.volunteers.filter(stage=Stage.ACTIVE, roles=role)
        .prefetch_related(
            "dbs_checks",
            Prefetch("training", queryset=TrainingRecord.objects.select_related("course")),
        )
        .order_by("family_name", "given_name")
    )
    eligible = []
    for volunteer in candidates:
        checks, training = _evidence(volunteer.dbs_checks.all(), volunteer.training.all())
        if eligibility.check_eligibility(
            requirements, active=True, dbs_checks=checks, training=training, on=on
        ):
            eligible.append(volunteer)
    return eligible


@dataclass(frozen=True)
class DueItem:
    """Something a volunteer must renew: a course or a DBS check, and when it runs out."""

    subject: str  # "training:<id>" or "dbs:<id>": what reminders are keyed on
    volunteer: Volunteer
    what: str
    expires_on: dt.date

    def expired(self, on: dt.date) -> bool:
        return self.expires_on <= on


def dbs_renewal_years_for(volunteer: Volunteer) -> int:
    """The strictest renewal policy among the roles they hold (3 years if they hold none)."""
    years = [r.dbs_renewal_years for r in volunteer.roles.all() if r.dbs_level]
    return min(years) if years else eligibility.DEFAULT_RENEWAL_YEARS


def due_for(*, volunteer: Volunteer, on: dt.date | None = None, days: int = 365) -> list[DueItem]:
    """Training and checks of one volunteer that have run out or run out within `days`: only the
    latest of each course and only their latest DBS check count. Uses prefetched training (with
    course), dbs_checks and roles when the caller has prefetched them."""
    on = on or timezone.localdate()
    horizon = on + dt.timedelta(days=days)
    prefetched = getattr(volunteer, "_prefetched_objects_cache", {})
    records = (
        volunteer.training.all()
        if "training" in prefetched
        else volunteer.training.select_related("course")
    )
    latest_training: dict[str, TrainingRecord] = {}
    for record in sorted(records, key=lambda r: (r.completed_on, r.created_at)):
        latest_training[record.course.kind] = record
    items = [
        DueItem(f"training:{r.pk}", volunteer, f"{r.course.name} training", r.expires_on)
        for r in latest_training.values()
        if r.expires_on is not None and r.expires_on <= horizon
    ]
    checks = sorted(volunteer.dbs_checks.all(), key=lambda c: (c.issued_on, c.created_at))
    if checks:
        latest_check = checks[-1]
        renew_on = eligibility.dbs_renewal_due(
            eligibility.DbsEvidence(latest_check.level, latest_check.issued_on),
            dbs_renewal_years_for(volunteer),
        )
        if renew_on <= horizon:
            items.append(DueItem(f"dbs:{latest_check.pk}", volunteer, "DBS check", renew_on))
    return sorted(items, key=lambda item: item.expires_on)


class _AddYears(Func):
    """`date` plus a whole number of `years` (an expression), in SQL, exactly as
    eligibility.add_years: 29 February becomes 28 February in a common year."""

    output_field = DateField()
    arity = 2

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        # PostgreSQL's date + interval already keeps 29 February as 28 February.
        sql, params = self.as_sql(
            compiler, connection, template="(%(expressions)s))::date",
            arg_joiner=" + make_interval(years => ", **extra,
        )  # fmt: skip
        return sql, list(params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        years_sql, years_params = compiler.compile(self.source_expressions[1])
        later = f"date({day_sql}, '+' || ({years_sql}) || ' years')"
        # SQLite rolls 29 February on to 1 March in a common year: step back a day then.
        sql = (
            f"CASE WHEN strftime('%%m-%%d', {day_sql}) = '02-29' "
            f"AND strftime('%%m-%%d', {later}) = '03-01' "
            f"THEN date({later}, '-1 day') ELSE {later} END"
        )
        later_params = [*day_params, *years_params]
        return sql, [*day_params, *later_params, *later_params, *later_params]


# The stages whose training and checks are watched for running out.
_WATCHED_STAGES = (Stage.ACTIVE, Stage.PAUSED, Stage.INDUCTION)


def _training_running_out(organisation: Organisation, horizon: dt.date) -> QuerySet[TrainingRecord]:
    """Each watched volunteer's latest record of each course, where it runs out by `horizon`,
    soonest first: filtered, ordered and counted in SQL (ADR-100)."""
    later = TrainingRecord.objects.filter(
        organisation=OuterRef("organisation"),
        volunteer=OuterRef("volunteer"),
        course=OuterRef("course"),
    ).filter(
        Q(completed_on__gt=OuterRef("completed_on"))
        | Q(completed_on=OuterRef("completed_on"), created_at__gt=OuterRef("created_at"))
    )
    return (
        TrainingRecord.objects.filter(
            organisation=organisation,
            expires_on__lte=horizon,
            volunteer__stage__in=_WATCHED_STAGES,
        )
        .exclude(Exists(later))
        .select_related("volunteer", "course")
        .order_by("expires_on", "volunteer__given_name", "volunteer__family_name", "pk")
    )


def _dbs_checks_running_out(organisation: Organisation, horizon: dt.date) -> QuerySet[DbsCheck]:
    """Each watched volunteer's latest DBS check, carrying `renew_on` (the strictest renewal
    policy among their roles, `eligibility.DEFAULT_RENEWAL_YEARS` if none asks for a check),
    where that is by `horizon`, soonest first. The certificate number is never read: nothing
    here shows it, so nothing is decrypted (ADR-100)."""
    later = DbsCheck.objects.filter(
        organisation=OuterRef("organisation"), volunteer=OuterRef("volunteer")
    ).filter(
        Q(issued_on__gt=OuterRef("issued_on"))
        | Q(issued_on=OuterRef("issued_on"), created_at__gt=OuterRef("created_at"))
    )
    strictest = (
        RoleAssignment.objects.filter(volunteer=OuterRef("volunteer"))
        .exclude(role__dbs_level="")
        .values("volunteer")
        .annotate(years=Min("role__dbs_renewal_years"))
        .values("years")
    )
    default = eligibility.DEFAULT_RENEWAL_YEARS
    policies = (
        VolunteeringRole.objects.filter(organisation=organisation)
        .exclude(dbs_level="")
        .aggregate(shortest=Min("dbs_renewal_years"), longest=Max("dbs_renewal_years"))
    )
    # Only checks old enough to be due under the shortest policy any check here can have are
    # looked at (a range of dbs_org_issued_idx); the exact date is worked out for those alone.
    shortest = min(policies["shortest"] or default, default)
    years: Any = Coalesce(Subquery(strictest, output_field=IntegerField()), Value(default))
    if policies["longest"] in (None, default) and shortest == default:
        # Every role asking for a check renews it as often as a volunteer without one does:
        # each check's policy is that one, and nobody's roles need reading for it (ADR-126).
        years = Value(default)
    old_enough = eligibility.add_years(horizon, -shortest) + dt.timedelta(days=1)
    return (
        DbsCheck.objects.filter(
            organisation=organisation,
            issued_on__lte=old_enough,
            volunteer__stage__in=_WATCHED_STAGES,
        )
        .exclude(Exists(later))
        .annotate(renew_on=_AddYears(F("issued_on"), years))
        .filter(renew_on__lte=horizon)
        .defer("certificate_number")
        .select_related("volunteer")
        .order_by("renew_on", "volunteer__given_name", "volunteer__family_name", "pk")
    )


def _training_item(record: TrainingRecord) -> DueItem:
    assert record.expires_on is not None  # filtered on it
    return DueItem(
        f"training:{record.pk}", record.volunteer, f"{record.course.name} training",
        record.expires_on,
    )  # fmt: skip


def _dbs_item(check: DbsCheck) -> DueItem:
    renew_on: dt.date = check.renew_on  # type: ignore[attr-defined]
    return DueItem(f"dbs:{check.pk}", check.volunteer, "DBS check", renew_on)


def _due_order(item: DueItem) -> tuple[dt.date, str, str]:
    return (item.expires_on, item.volunteer.display_name, item.subject)


def due_soon(
    *, organisation: Organisation, on: dt.date | None = None, days: int = REMINDER_DAYS
) -> list[DueItem]:
    """Across current volunteers: training and checks that run out within `days` or have run out,
    soonest first: what due_for says of each of them, worked out in SQL. Three queries."""
    on = on or timezone.localdate()
    horizon = on + dt.timedelta(days=days)
    items = [_training_item(r) for r in _training_running_out(organisation, horizon)]
    items += [_dbs_item(c) for c in _dbs_checks_running_out(organisation, horizon)]
    return sorted(items, key=_due_order)


@dataclass(frozen=True)
class DueSoon:
    """The soonest few of due_soon, and how many there are in all."""

    items: list[DueItem]
    total: int


def due_soon_shown(
    *,
    organisation: Organisation,
    on: dt.date | None = None,
    days: int = REMINDER_DAYS,
    limit: int = 15,
) -> DueSoon:
    """The `limit` soonest of due_soon and the count of all of them, with only those shown read
    from the database and nothing decrypted: four queries however many volunteers (ADR-100).
    The soonest training records are read in the order of their index and counted apart; the
    DBS checks, whose renewal date is worked out for every candidate before any can be ordered,
    carry the count of them all (a window over the same rows), so that work is done once
    (ADR-126)."""
    on = on or timezone.localdate()
    horizon = on + dt.timedelta(days=days)
    training = _training_running_out(organisation, horizon)
    checks = list(
        _dbs_checks_running_out(organisation, horizon).annotate(
            due_total=Window(expression=Count("id"))
        )[:limit]
    )
    items = [_training_item(r) for r in training[:limit]] + [_dbs_item(c) for c in checks]
    total = training.count() + (checks[0].due_total if checks else 0)
    return DueSoon(sorted(items, key=_due_order)[:limit], total)


def overdue_supervision(
    *, organisation: Organisation, on: dt.date | None = None, limit: int | None = None
) -> list[tuple[Volunteer, dt.date | None]]:
    """Active volunteers whose last supervision was longer ago than the programme allows (or who
    have never had one and have been active that long), longest overdue first: the first `limit`
    of them, cut in SQL (the home page shows ten of what can be every active volunteer)."""
    on = on or timezone.localdate()
    every = programme_of(organisation=organisation).supervision_every_days
    cutoff = on - dt.timedelta(days=every)
    volunteers = (
        organisation.volunteers.filter(stage=Stage.ACTIVE)
        .annotate(last_supervised=Max("supervision_sessions__held_on"))
        .filter(
            Q(last_supervised__lt=cutoff)
            | Q(last_supervised__isnull=True, stage_changed_at__date__lt=cutoff)
        )
        .order_by("last_supervised", "family_name", "pk")
    )
    if limit is not None:
        volunteers = volunteers[:limit]
    return [(v, v.last_supervised) for v in volunteers]


def supervision_of(*, volunteer: Volunteer) -> QuerySet[SupervisionSession]:
    return volunteer.supervision_sessions.select_related("supervisor").order_by("-held_on")


def open_support_requests(*, organisation: Organisation) -> QuerySet[SupportRequest]:
    return organisation.volunteer_support_requests.filter(answered_at__isnull=True).select_related(
        "volunteer"
    )


def support_request_of(*, organisation: Organisation, request_id: uuid.UUID) -> SupportRequest:
    return organisation.volunteer_support_requests.select_related("volunteer").get(pk=request_id)


def check_in_this_month(
    *, volunteer: Volunteer, on: dt.date | None = None
) -> WellbeingCheckIn | None:
    return volunteer.check_ins.filter(month=first_of_month(on or timezone.localdate())).first()


def hours_of(*, volunteer: Volunteer) -> QuerySet[VolunteerHours]:
    return volunteer.hours.order_by("-worked_on", "-created_at")


def expenses_of(*, volunteer: Volunteer) -> QuerySet[Expense]:
    return volunteer.expenses.order_by("-spent_on", "-created_at")


@dataclass(frozen=True)
class HoursValue:
    minutes: int
    hourly_value: Decimal

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))

    @property
    def value(self) -> Decimal:
        return (Decimal(self.minutes) / 60 * self.hourly_value).quantize(Decimal("0.01"))


def hours_value(
    *,
    organisation: Organisation,
    since: dt.date | None = None,
    until: dt.date | None = None,
    volunteer: Volunteer | None = None,
) -> HoursValue:
    """Total volunteering time from the ledger (each source counted once) and what it is worth."""
    entries = organisation.volunteer_hours.all()
    if volunteer is not None:
        entries = entries.filter(volunteer=volunteer)
    if since is not None:
        entries = entries.filter(worked_on__gte=since)
    if until is not None:
        entries = entries.filter(worked_on__lte=until)
    minutes = entries.aggregate(total=Sum("minutes"))["total"] or 0
    return HoursValue(minutes, programme_of(organisation=organisation).hourly_value)


def hours_by_month(
    *, organisation: Organisation, months: int = 12, on: dt.date | None = None
) -> list[tuple[dt.date, int, int]]:
    """(first day of month, minutes, volunteers who gave time) for the last `months` months,
    oldest first, months with no time included as zero. One query."""
    on = on or timezone.localdate()
    starts = []
    month = first_of_month(on)
    for _ in range(months):
        starts.append(month)
        month = first_of_month(month - dt.timedelta(days=1))
    starts.reverse()
    rows = (
        organisation.volunteer_hours.filter(worked_on__gte=starts[0], worked_on__lte=on)
        .annotate(month=TruncMonth("worked_on"))
        .values("month")
        .annotate(total=Sum("minutes"), people=Count("volunteer", distinct=True))
        .values_list("month", "total", "people")
    )
    found = {first_of_month(m): (t, n) for m, t, n in rows}
    return [(start, *found.get(start, (0, 0))) for start in starts]


def hours_by_source(*, organisation: Organisation) -> list[tuple[str, int]]:
    return list(
        organisation.volunteer_hours.values("source")
        .annotate(total=Sum("minutes"))
        .order_by("source")
        .values_list("source", "total")
    )


def expenses_total(*, organisation: Organisation) -> Decimal:
    total = organisation.volunteer_expenses.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def journey_of(*, volunteer: Volunteer) -> QuerySet[JourneyEvent]:
    return volunteer.journey.order_by("occurred_on", "created_at")


def supporters_who_received_support(*, organisation: Organisation) -> QuerySet[Volunteer]:
    """Current supporters (active or paused) whose journey began with receiving support: linked
    to a support record, or with 'received support' on their timeline."""
    return (
        organisation.volunteers.filter(stage__in=[Stage.ACTIVE, Stage.PAUSED])
        .filter(
            Q(person__isnull=False)
            | Q(journey__step=JourneyStep.RECEIVED_SUPPORT)
            | Q(has_had_support=True)
        )
        .distinct()
    )


def struggling_this_month(
    *, organisation: Organisation, on: dt.date | None = None
) -> QuerySet[WellbeingCheckIn]:
    """This month's check-ins from volunteers who said they are struggling or not great."""
    return (
        WellbeingCheckIn.objects.filter(
            volunteer__organisation=organisation,
            month=first_of_month(on or timezone.localdate()),
            feeling__lte=WellbeingCheckIn.Feeling.NOT_GREAT,
        )
        .select_related("volunteer")
        .order_by("feeling", "volunteer__family_name")
    )


def expenses_to_pay(*, organisation: Organisation) -> QuerySet[Expense]:
    return (
        organisation.volunteer_expenses.filter(status=Expense.Status.CLAIMED)
        .select_related("volunteer")
        .order_by("spent_on", "created_at")
    )


def expense_of(*, organisation: Organisation, expense_id: uuid.UUID) -> Expense:
    return organisation.volunteer_expenses.select_related("volunteer").get(pk=expense_id)


# Figures for reports (issue 19): each defined once, here, with its definition beside it. -----

#: The one definition of "active volunteers": the recruitment board's Active column.
ACTIVE_VOLUNTEERS = (
    "Volunteers at the Active stage of recruitment on the day (the recruitment board's Active "
    "column). Enquiries, applicants, those in induction, paused volunteers and those who left "
    "are not counted."
)
VOLUNTEER_HOURS = (
    "Hours volunteers recorded for days in the period (contacts, group sessions, crisis line "
    "shifts and hours they logged themselves), valued at each organisation's hourly value."
)


def active_volunteer_counts(*, organisation_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many active volunteers each organisation has today (ACTIVE_VOLUNTEERS); one query."""
    return dict(
        Volunteer.objects.filter(organisation__in=list(organisation_ids), stage=Stage.ACTIVE)
        .values_list("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )


@dataclass(frozen=True)
class HoursFigure:
    hours: Decimal
    value: Decimal


def volunteer_hours_between(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> dict[uuid.UUID, HoursFigure]:
    """Volunteer hours (VOLUNTEER_HOURS) for days start..end inclusive, and their value, by
    organisation. Two queries."""
    ids = list(organisation_ids)
    minutes = dict(
        VolunteerHours.objects.filter(organisation__in=ids, worked_on__range=(start, end))
        .values_list("organisation")
        .annotate(m=Sum("minutes"))
        .values_list("organisation", "m")
    )
    rates = dict(
        Programme.objects.filter(organisation__in=ids).values_list("organisation", "hourly_value")
    )
    figures = {}
    for organisation_id, total in minutes.items():
        hours = (Decimal(total or 0) / 60).quantize(Decimal("0.01"))
        rate = rates.get(organisation_id) or Decimal(0)
        figures[organisation_id] = HoursFigure(hours, (hours * rate).quantize(Decimal("0.01")))
    return figures
