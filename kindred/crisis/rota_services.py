"""Writes of the crisis line rota: settings and shift patterns, building a period's rota (shifts
from the patterns, supporters placed by the solver on the worker), a coordinator's hand edits,
volunteers' shift availability, swaps, and counting ended shifts in the volunteer hours ledger.

Each write locks what it changes, checks it again, saves, and appends its audit entry at its end."""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.crisis import audit_actions, rota_solver
from kindred.crisis.models.rota import (
    Rota,
    RotaSettings,
    Shift,
    ShiftAssignment,
    ShiftAvailability,
    ShiftPattern,
    ShiftSwap,
)
from kindred.notifications.services import notification_send
from kindred.volunteers import eligibility
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers.models import (
    HoursSource,
    RoleKind,
    Stage,
    TrainingRecord,
    Volunteer,
    VolunteeringRole,
)
from kindred.volunteers.services import hours_record

logger = logging.getLogger(__name__)

#: Weekday nights 18:00 to 08:00 and weekends all day: every evening's night shift, and a day
#: shift on Saturday and Sunday (so Friday 18:00 to Monday 08:00 is covered throughout).
NIGHTS_AND_WEEKENDS: tuple[tuple[int, dt.time, dt.time], ...] = (
    *((day, dt.time(18), dt.time(8)) for day in range(7)),
    (5, dt.time(8), dt.time(18)),
    (6, dt.time(8), dt.time(18)),
)
#: The solver's time limit on the worker.
SOLVER_SECONDS = 20.0


class RotaError(DomainError):
    """A rota change that cannot be made; the message says why."""


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise RotaError("Choose the organisation you are acting for")
    return by.organisation


# Settings and patterns


def rota_settings_ensure(*, organisation: Organisation) -> RotaSettings:
    """The organisation's rota settings, made with the defaults (and the default shift patterns)
    the first time they are asked for."""
    found = RotaSettings.objects.filter(organisation=organisation).first()
    if found is not None:
        return found
    with transaction.atomic():
        settings_row, created = RotaSettings.objects.get_or_create(organisation=organisation)
        if created and not ShiftPattern.objects.filter(organisation=organisation).exists():
            ShiftPattern.objects.bulk_create(
                ShiftPattern(organisation=organisation, weekday=d, starts_at=s, ends_at=e)
                for d, s, e in NIGHTS_AND_WEEKENDS
            )
    return settings_row


def _is_duty_professional(organisation: Organisation, user: User) -> bool:
    return Role.DUTY_PROFESSIONAL in user.roles_in(organisation)


@transaction.atomic
def rota_settings_update(
    *,
    by: Acting,
    supporters_wanted: int,
    max_shifts_a_week: int,
    rest_hours_after_night: int,
    professional: User | None,
) -> RotaSettings:
    organisation = _organisation(by)
    row = RotaSettings.objects.select_for_update().get(
        pk=rota_settings_ensure(organisation=organisation).pk
    )
    if not 1 <= supporters_wanted <= 50:
        raise RotaError("Enter between 1 and 50 supporters a shift")
    if not 1 <= max_shifts_a_week <= 14:
        raise RotaError("Enter between 1 and 14 shifts a week")
    if not 0 <= rest_hours_after_night <= 48:
        raise RotaError("Enter between 0 and 48 hours of rest after a night shift")
    if professional is not None and not _is_duty_professional(organisation, professional):
        raise RotaError("Choose someone with the duty professional role")
    row.supporters_wanted = supporters_wanted
    row.max_shifts_a_week = max_shifts_a_week
    row.rest_hours_after_night = rest_hours_after_night
    row.professional = professional
    row.save()
    audit_record(by=by, action=audit_actions.ROTA_SETTINGS_CHANGED, target=row)
    return row


@transaction.atomic
def patterns_set(
    *, by: Acting, patterns: Sequence[tuple[int, dt.time, dt.time]]
) -> list[ShiftPattern]:
    """Replace the organisation's weekly shift patterns. Patterns kept keep the availability
    volunteers gave for them; shifts already made keep their times."""
    organisation = _organisation(by)
    rota_settings_ensure(organisation=organisation)
    starts = set()
    for weekday, starts_at, _ends_at in patterns:
        if not 0 <= weekday <= 6:
            raise RotaError("Choose a day of the week")
        if (weekday, starts_at) in starts:
            raise RotaError("Two shifts start at the same time on the same day")
        starts.add((weekday, starts_at))
    existing = {
        (p.weekday, p.starts_at): p
        for p in ShiftPattern.objects.select_for_update().filter(organisation=organisation)
    }
    kept = []
    for weekday, starts_at, ends_at in patterns:
        pattern = existing.pop((weekday, starts_at), None)
        if pattern is None:
            pattern = ShiftPattern.objects.create(
                organisation=organisation, weekday=weekday, starts_at=starts_at, ends_at=ends_at
            )
        elif pattern.ends_at != ends_at:
            pattern.ends_at = ends_at
            pattern.save(update_fields=["ends_at", "updated_at"])
        kept.append(pattern)
    ShiftPattern.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    audit_record(by=by, action=audit_actions.ROTA_PATTERNS_SET, detail={"patterns": len(kept)})
    return kept


# Rotas and their shifts


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def shift_times(day: dt.date, pattern: ShiftPattern) -> tuple[dt.datetime, dt.datetime]:
    """The aware start and end of a pattern's shift starting on `day`; an overnight pattern ends
    the next day (13 or 15 hours when the clocks change that night)."""
    ends_on = day + dt.timedelta(days=1) if pattern.ends_at <= pattern.starts_at else day
    return _aware(day, pattern.starts_at), _aware(ends_on, pattern.ends_at)


def _is_weekend(start: dt.datetime) -> bool:
    """Saturday and Sunday shifts, and Friday's night, count as weekend shifts."""
    local = timezone.localtime(start)
    return local.weekday() >= 5 or (local.weekday() == 4 and local.hour >= 17)


@transaction.atomic
def rota_create(*, by: Acting, starts_on: dt.date, ends_on: dt.date | None = None) -> Rota:
    """The organisation's rota for a period (a calendar month unless `ends_on` is given), with
    its shifts made from the shift patterns. Asking again returns the same rota."""
    organisation = _organisation(by)
    if ends_on is None:
        starts_on, ends_on = month_bounds(starts_on)
    if ends_on < starts_on:
        raise RotaError("The rota must end on or after the day it starts")
    if (ends_on - starts_on).days > 62:
        raise RotaError("A rota covers at most two months")
    overlapping = Rota.objects.filter(
        organisation=organisation, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exclude(starts_on=starts_on)
    if overlapping.exists():
        raise RotaError("Another rota already covers some of those days")
    rota, created = Rota.objects.get_or_create(
        organisation=organisation, starts_on=starts_on, defaults={"ends_on": ends_on}
    )
    if created:
        shifts_make(rota=rota)
        audit_record(
            by=by, action=audit_actions.ROTA_CREATED, target=rota,
            detail={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        )  # fmt: skip
    return rota


def shifts_make(*, rota: Rota) -> int:
    """Make the rota's shifts from the organisation's patterns (those not made yet)."""
    settings_row = rota_settings_ensure(organisation=rota.organisation)
    patterns = list(ShiftPattern.objects.filter(organisation=rota.organisation))
    made = set(rota.shifts.values_list("starts_at", flat=True))
    new = []
    day = rota.starts_on
    while day <= rota.ends_on:
        for pattern in patterns:
            if pattern.weekday != day.weekday():
                continue
            starts_at, ends_at = shift_times(day, pattern)
            if starts_at in made:
                continue
            made.add(starts_at)
            new.append(
                Shift(
                    organisation=rota.organisation,
                    rota=rota,
                    pattern=pattern,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    overnight=pattern.overnight,
                    weekend=_is_weekend(starts_at),
                    supporters_wanted=settings_row.supporters_wanted,
                    professional=settings_row.professional,
                )
            )
        day += dt.timedelta(days=1)
    Shift.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def shift_add(
    *,
    by: Acting,
    rota: Rota,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    supporters_wanted: int | None = None,
) -> Shift:
    """A one-off shift added by hand. Refused outside the rota's period."""
    organisation = _organisation(by)
    if rota.organisation_id != organisation.pk:
        raise RotaError("That rota is not this organisation's")
    if ends_at <= starts_at:
        raise RotaError("The shift must end after it starts")
    if ends_at - starts_at > dt.timedelta(hours=24):
        raise RotaError("A shift is at most 24 hours long")
    if not rota.covers(timezone.localdate(starts_at)):
        raise RotaError(
            f"The shift must start between {rota.starts_on:%-d %B %Y} and "
            f"{rota.ends_on:%-d %B %Y}, the rota's period"
        )
    settings_row = rota_settings_ensure(organisation=organisation)
    if rota.shifts.filter(starts_at=starts_at).exists():
        raise RotaError("A shift already starts at that time")
    shift = Shift.objects.create(
        organisation=organisation, rota=rota, starts_at=starts_at, ends_at=ends_at,
        overnight=timezone.localdate(starts_at) != timezone.localdate(ends_at),
        weekend=_is_weekend(starts_at),
        supporters_wanted=supporters_wanted or settings_row.supporters_wanted,
        professional=settings_row.professional,
    )  # fmt: skip
    audit_record(
        by=by, action=audit_actions.ROTA_CREATED, target=rota, detail={"shift": str(shift.pk)}
    )
    return shift


# Who may be on a shift


def crisis_role_of(organisation: Organisation) -> VolunteeringRole | None:
    return VolunteeringRole.objects.filter(
        organisation=organisation, kind=RoleKind.CRISIS_LINE
    ).first()


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    evidence: tuple[list[eligibility.DbsEvidence], list[eligibility.TrainingEvidence]]


def candidates_of(
    organisation: Organisation,
) -> tuple[eligibility.RoleRequirements | None, list[Candidate]]:
    """The active volunteers holding the crisis line role, with their checks and training (four
    queries), so eligibility on each day can be worked out without asking again."""
    role = crisis_role_of(organisation)
    if role is None:
        return None, []
    volunteers = (
        organisation.volunteers.filter(stage=Stage.ACTIVE, roles=role)
        .prefetch_related(
            "dbs_checks",
            Prefetch("training", queryset=TrainingRecord.objects.select_related("course")),
        )
        .order_by("family_name", "given_name", "pk")
    )
    candidates = [
        Candidate(
            v,
            (
                [eligibility.DbsEvidence(c.level, c.issued_on) for c in v.dbs_checks.all()],
                [
                    eligibility.TrainingEvidence(t.course.kind, t.completed_on, t.expires_on)
                    for t in v.training.all()
                ],
            ),
        )
        for v in volunteers
    ]
    return volunteer_selectors.requirements_of(role), candidates


def eligible_on(
    requirements: eligibility.RoleRequirements, candidate: Candidate, day: dt.date
) -> eligibility.Eligibility:
    checks, training = candidate.evidence
    return eligibility.check_eligibility(
        requirements, active=True, dbs_checks=checks, training=training, on=day
    )


def supporter_refusal(shift: Shift, volunteer: Volunteer) -> str | None:
    """Why `volunteer` may not be on `shift` (no crisis line role, DBS check or training current
    on the day it ends), or None."""
    role = crisis_role_of(shift.organisation)
    if role is None:
        return "The organisation has no crisis line role: add it on the volunteering roles page"
    if not volunteer.roles.filter(pk=role.pk).exists():
        return f"{volunteer.display_name} does not have the {role.name} role"
    result = volunteer_selectors.eligibility_for(
        volunteer=volunteer, role=role, on=timezone.localdate(shift.ends_at)
    )
    if not result:
        return f"{volunteer.display_name} cannot be on this shift: " + "; ".join(
            r[0].lower() + r[1:] for r in result.reasons
        )
    return None


def _lock_shift(shift_id: uuid.UUID, organisation: Organisation) -> Shift:
    try:
        return (
            Shift.objects.select_for_update()
            .select_related("organisation", "rota")
            .get(pk=shift_id, organisation=organisation)
        )
    except Shift.DoesNotExist as missing:
        raise RotaError("That shift is not on this organisation's rota") from missing


@transaction.atomic
def supporter_add(
    *, by: Acting, shift: Shift, volunteer: Volunteer, source: str = ShiftAssignment.Source.HAND
) -> ShiftAssignment:
    """Put a supporter on a shift by hand. Refused for a shift that has ended, a volunteer of
    another organisation, or one without the crisis line role, a current DBS check or training."""
    organisation = _organisation(by)
    shift = _lock_shift(shift.pk, organisation)
    if volunteer.organisation_id != organisation.pk:
        raise RotaError("That volunteer is not this organisation's")
    if shift.ends_at <= timezone.now():
        raise RotaError("That shift has ended")
    refusal = supporter_refusal(shift, volunteer)
    if refusal:
        raise RotaError(refusal)
    if shift.assignments.filter(volunteer=volunteer).exists():
        raise RotaError(f"{volunteer.display_name} is already on this shift")
    assignment = ShiftAssignment.objects.create(shift=shift, volunteer=volunteer, source=source)
    audit_record(
        by=by, action=audit_actions.SHIFT_SUPPORTER_ADDED, target=shift,
        detail={"volunteer": str(volunteer.pk)},
    )  # fmt: skip
    return assignment


@transaction.atomic
def supporter_remove(*, by: Acting, shift: Shift, volunteer_id: uuid.UUID) -> None:
    organisation = _organisation(by)
    shift = _lock_shift(shift.pk, organisation)
    if shift.ends_at <= timezone.now():
        raise RotaError("That shift has ended")
    deleted, _ = shift.assignments.filter(volunteer_id=volunteer_id).delete()
    if not deleted:
        raise ChangedSinceYouLooked("That supporter is no longer on this shift")
    ShiftSwap.objects.filter(
        shift=shift, offered_by_id=volunteer_id, status=ShiftSwap.Status.OFFERED
    ).update(status=ShiftSwap.Status.WITHDRAWN)
    audit_record(
        by=by, action=audit_actions.SHIFT_SUPPORTER_REMOVED, target=shift,
        detail={"volunteer": str(volunteer_id)},
    )  # fmt: skip


@transaction.atomic
def professional_set(*, by: Acting, shift: Shift, professional: User | None) -> Shift:
    """Name the duty professional on call behind a shift (None leaves it without one, which the
    rota page and the digest flag)."""
    organisation = _organisation(by)
    shift = _lock_shift(shift.pk, organisation)
    if professional is not None and not _is_duty_professional(organisation, professional):
        raise RotaError("Choose someone with the duty professional role")
    shift.professional = professional
    shift.save(update_fields=["professional", "updated_at"])
    audit_record(
        by=by, action=audit_actions.SHIFT_PROFESSIONAL_SET, target=shift,
        detail={"professional": str(professional.pk) if professional else ""},
    )  # fmt: skip
    return shift


# Building with the solver


def _slot(shift: Shift) -> rota_solver.ShiftSlot:
    return rota_solver.ShiftSlot(
        key=str(shift.pk), starts_at=timezone.localtime(shift.starts_at),
        ends_at=timezone.localtime(shift.ends_at), wanted=shift.supporters_wanted,
        night=shift.overnight, weekend=shift.weekend,
    )  # fmt: skip


@transaction.atomic
def rota_build_ask(*, by: Acting, rota: Rota) -> Rota:
    """Queue the rota's build on the worker (never inside the request)."""
    # Imported here: the task module imports this one.
    from kindred.crisis import rota_tasks

    organisation = _organisation(by)
    rota = Rota.objects.select_for_update().get(pk=rota.pk, organisation=organisation)
    if rota.ends_on < timezone.localdate():
        raise RotaError("That rota's period has passed")
    rota.build = Rota.Build.QUEUED
    rota.save(update_fields=["build", "updated_at"])
    audit_record(by=by, action=audit_actions.ROTA_BUILD_ASKED, target=rota)
    by_user = str(by.user.pk) if by.user is not None else ""
    rota_tasks.rota_build.enqueue(str(rota.pk), by_user)
    return rota


@transaction.atomic
def rota_solve(
    *,
    by: Acting,
    rota: Rota,
    time_limit: float = SOLVER_SECONDS,
    shifts: Iterable[Shift] | None = None,
) -> rota_solver.Solution:
    """Place supporters on the rota's shifts that have not started: the solver's earlier places
    there are replaced; places a coordinator or a swap made are kept. Runs on the worker."""
    organisation = rota.organisation
    rota = Rota.objects.select_for_update().get(pk=rota.pk)
    settings_row = rota_settings_ensure(organisation=organisation)
    shifts_make(rota=rota)
    now = timezone.now()
    todo = list(
        shifts
        if shifts is not None
        else rota.shifts.filter(starts_at__gt=now).order_by("starts_at")
    )
    ShiftAssignment.objects.filter(shift__in=todo, source=ShiftAssignment.Source.SOLVER).delete()
    fixed = [
        (str(a.shift_id), str(a.volunteer_id))
        for a in ShiftAssignment.objects.filter(shift__in=todo)
    ]
    requirements, candidates = candidates_of(organisation)
    availability: dict[uuid.UUID, set[uuid.UUID]] = {}
    for volunteer_id, pattern_id in ShiftAvailability.objects.filter(
        volunteer__organisation=organisation
    ).values_list("volunteer_id", "pattern_id"):
        availability.setdefault(volunteer_id, set()).add(pattern_id)
    supporters = []
    for candidate in candidates:
        patterns = availability.get(candidate.volunteer.pk, set())
        cache: dict[dt.date, bool] = {}
        can_do = set()
        for shift in todo:
            if shift.pattern_id is None or shift.pattern_id not in patterns:
                continue
            day = timezone.localdate(shift.ends_at)
            if day not in cache:
                cache[day] = bool(requirements and eligible_on(requirements, candidate, day))
            if cache[day]:
                can_do.add(str(shift.pk))
        supporters.append(rota_solver.Supporter(str(candidate.volunteer.pk), frozenset(can_do)))
    started = time.perf_counter()
    solution = rota_solver.solve(
        [_slot(s) for s in todo],
        supporters,
        rota_solver.Rules(
            max_shifts_a_week=settings_row.max_shifts_a_week,
            rest_hours=settings_row.rest_hours_after_night,
            time_limit_seconds=time_limit,
        ),
        fixed=fixed,
    )
    fixed_set = set(fixed)
    ShiftAssignment.objects.bulk_create(
        ShiftAssignment(
            shift_id=uuid.UUID(shift_key),
            volunteer_id=uuid.UUID(person_key),
            source=ShiftAssignment.Source.SOLVER,
        )
        for shift_key, people in solution.assignments.items()
        for person_key in people
        if (shift_key, person_key) not in fixed_set
    )
    missing = sum(gap.missing for gap in solution.gaps)
    rota.build = Rota.Build.BUILT
    rota.built_at = timezone.now()
    rota.solver_seconds = round(time.perf_counter() - started, 3)
    rota.build_note = (
        f"{len(todo)} shifts, {len(candidates)} supporters with the crisis line role; "
        + (f"{missing} places unfilled" if missing else "every place filled")
        + ("" if solution.status == "optimal" else f" (solver: {solution.status})")
    )[:300]
    rota.save()
    audit_record(
        by=by, action=audit_actions.ROTA_BUILT, target=rota,
        detail={"shifts": len(todo), "unfilled": missing, "status": solution.status},
    )  # fmt: skip
    return solution


def rota_build_failed(*, rota_id: uuid.UUID, note: str) -> None:
    Rota.objects.filter(pk=rota_id).update(
        build=Rota.Build.FAILED, build_note=note[:300], updated_at=timezone.now()
    )


# Volunteers' own shifts


@transaction.atomic
def availability_set(
    *, by: Acting, volunteer: Volunteer, pattern_ids: Iterable[uuid.UUID]
) -> list[ShiftAvailability]:
    """Replace which weekly shifts a volunteer can do."""
    wanted = set(pattern_ids)
    patterns = list(
        ShiftPattern.objects.filter(organisation_id=volunteer.organisation_id, pk__in=wanted)
    )
    if len(patterns) != len(wanted):
        raise ChangedSinceYouLooked("The shifts have changed: choose again")
    volunteer.shift_availability.all().delete()
    made = ShiftAvailability.objects.bulk_create(
        ShiftAvailability(volunteer=volunteer, pattern=p) for p in patterns
    )
    audit_record(
        by=by, action=audit_actions.SHIFT_AVAILABILITY_SET, target=volunteer,
        detail={"patterns": len(made)},
    )  # fmt: skip
    return made


@transaction.atomic
def swap_offer(*, by: Acting, volunteer: Volunteer, shift: Shift) -> ShiftSwap:
    organisation = _organisation(by)
    shift = _lock_shift(shift.pk, organisation)
    if shift.starts_at <= timezone.now():
        raise RotaError("That shift has started, so it cannot be swapped")
    if not shift.assignments.filter(volunteer=volunteer).exists():
        raise RotaError("You are not on that shift")
    if ShiftSwap.objects.filter(
        shift=shift, offered_by=volunteer, status=ShiftSwap.Status.OFFERED
    ).exists():
        raise RotaError("You have already offered that shift")
    swap = ShiftSwap.objects.create(organisation=organisation, shift=shift, offered_by=volunteer)
    audit_record(by=by, action=audit_actions.SHIFT_SWAP_OFFERED, target=swap)
    return swap


@transaction.atomic
def swap_withdraw(*, by: Acting, volunteer: Volunteer, swap_id: uuid.UUID) -> ShiftSwap:
    swap = _lock_swap(by, swap_id)
    if swap.offered_by_id != volunteer.pk:
        raise RotaError("That is not your offer")
    swap.status = ShiftSwap.Status.WITHDRAWN
    swap.save(update_fields=["status", "updated_at"])
    audit_record(by=by, action=audit_actions.SHIFT_SWAP_WITHDRAWN, target=swap)
    return swap


def _lock_swap(by: Acting, swap_id: uuid.UUID) -> ShiftSwap:
    organisation = _organisation(by)
    try:
        swap = ShiftSwap.objects.select_for_update().get(pk=swap_id, organisation=organisation)
    except ShiftSwap.DoesNotExist as missing:
        raise RotaError("That swap is not this organisation's") from missing
    if swap.status != ShiftSwap.Status.OFFERED:
        raise ChangedSinceYouLooked("That shift has already been taken or the offer withdrawn")
    return swap


@transaction.atomic
def swap_take(*, by: Acting, volunteer: Volunteer, swap_id: uuid.UUID) -> ShiftSwap:
    """Another eligible supporter takes a shift offered in a swap: the offer's place moves to them
    and the coordinators are told. The first to take it wins."""
    swap = _lock_swap(by, swap_id)
    organisation = swap.organisation
    shift = _lock_shift(swap.shift_id, organisation)
    if swap.offered_by_id == volunteer.pk:
        raise RotaError("You cannot take your own shift")
    if shift.starts_at <= timezone.now():
        raise RotaError("That shift has started, so it cannot be swapped")
    if shift.assignments.filter(volunteer=volunteer).exists():
        raise RotaError("You are already on that shift")
    refusal = supporter_refusal(shift, volunteer)
    if refusal:
        raise RotaError(refusal)
    shift.assignments.filter(volunteer_id=swap.offered_by_id).delete()
    try:
        with transaction.atomic():
            ShiftAssignment.objects.create(
                shift=shift, volunteer=volunteer, source=ShiftAssignment.Source.SWAP
            )
    except IntegrityError as taken:
        raise ChangedSinceYouLooked("You are already on that shift") from taken
    swap.status = ShiftSwap.Status.TAKEN
    swap.taken_by = volunteer
    swap.taken_at = timezone.now()
    swap.save(update_fields=["status", "taken_by", "taken_at", "updated_at"])
    offered_by = Volunteer.objects.get(pk=swap.offered_by_id)
    for coordinator in volunteer_selectors.coordinators_of(organisation=organisation):
        notification_send(
            by=by, to=coordinator.email, kind="shift_swap.taken", about=swap,
            template="crisis/rota/messages/swap_taken.jinja",
            context={
                "offered_by": offered_by.display_name, "taken_by": volunteer.display_name,
                "starts_at": timezone.localtime(shift.starts_at),
                "ends_at": timezone.localtime(shift.ends_at),
            },
        )  # fmt: skip
    audit_record(
        by=by, action=audit_actions.SHIFT_SWAP_TAKEN, target=swap,
        detail={"offered_by": str(swap.offered_by_id), "taken_by": str(volunteer.pk)},
    )  # fmt: skip
    return swap


# Hours


def shift_hours_record(*, now: dt.datetime | None = None) -> int:
    """Count every ended shift's places in the volunteer hours ledger, once each (the ledger is
    unique per source, and each place is marked). Safe to run twice."""
    now = now or timezone.now()
    counted = 0
    pending = (
        ShiftAssignment.objects.filter(shift__ends_at__lte=now, hours_recorded_at__isnull=True)
        .select_related("shift", "volunteer__organisation")
        .order_by("shift__starts_at", "pk")
    )
    for assignment in pending.iterator(chunk_size=500):
        with transaction.atomic():
            locked = (
                ShiftAssignment.objects.select_for_update()
                .filter(pk=assignment.pk, hours_recorded_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            shift = assignment.shift
            by = Acting.system("crisis shift hours", organisation=shift.organisation)
            minutes = min(24 * 60, round((shift.ends_at - shift.starts_at).total_seconds() / 60))
            hours_record(
                by=by, volunteer=assignment.volunteer, source=HoursSource.SHIFT,
                source_ref=str(assignment.pk), worked_on=timezone.localdate(shift.starts_at),
                minutes=minutes, description="Crisis line shift",
            )  # fmt: skip
            locked.hours_recorded_at = now
            locked.save(update_fields=["hours_recorded_at", "updated_at"])
            counted += 1
    return counted


# Keeping a rota covering the days ahead (the demo)


def _free_period(organisation: Organisation, day: dt.date) -> dict[str, dt.date]:
    """The calendar month around `day`, cut short where other rotas already cover days."""
    first, last = month_bounds(day)
    rotas = Rota.objects.filter(organisation=organisation)
    before = rotas.filter(ends_on__gte=first, ends_on__lt=day).order_by("-ends_on").first()
    after = rotas.filter(starts_on__gt=day, starts_on__lte=last).order_by("starts_on").first()
    return {
        "starts_on": before.ends_on + dt.timedelta(days=1) if before else first,
        "ends_on": after.starts_on - dt.timedelta(days=1) if after else last,
    }


def rota_cover_ahead(*, by: Acting, days: int = 14, time_limit: float = 10.0) -> int:
    """Make sure rotas with shifts cover the next `days` days, with supporters placed on the
    shifts that have none. Returns how many shifts were filled."""
    organisation = _organisation(by)
    today = timezone.localdate()
    filled = 0
    day = today
    while day <= today + dt.timedelta(days=days):
        rota = Rota.objects.filter(
            organisation=organisation, starts_on__lte=day, ends_on__gte=day
        ).first() or rota_create(by=by, **_free_period(organisation, day))
        shifts_make(rota=rota)
        horizon = _aware(today + dt.timedelta(days=days + 1), dt.time())
        empty = list(
            rota.shifts.filter(ends_at__gt=timezone.now(), starts_at__lt=horizon)
            .filter(assignments__isnull=True)
            .order_by("starts_at")
        )
        if empty:
            rota_solve(by=by, rota=rota, time_limit=time_limit, shifts=empty)
            filled += len(empty)
        day = rota.ends_on + dt.timedelta(days=1)
    return filled
