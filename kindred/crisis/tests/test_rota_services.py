"""The rota's writes: making shifts from patterns, building with the solver, hand edits and their
refusals, availability, swaps, hours and keeping the demo covered."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core import mail  # noqa: F401 - the outbox fixture needs mail configured
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.crisis import rota_selectors, rota_services, rota_tasks
from kindred.crisis.models.rota import Rota, Shift, ShiftAssignment, ShiftPattern, ShiftSwap
from kindred.crisis.selectors import on_call
from kindred.crisis.tests.factories import (
    ShiftFactory,
    assign,
    crisis_supporter,
    local,
)
from kindred.notifications.models import Notification
from kindred.volunteers.models import HoursSource, VolunteerHours

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_default_patterns_are_weekday_nights_and_weekends_all_day(by, organisation):
    rota_services.rota_settings_ensure(organisation=organisation)
    labels = [p.label for p in rota_selectors.patterns_of(organisation=organisation)]
    assert "Monday night, 18:00 to 08:00" in labels
    assert "Saturday day, 08:00 to 18:00" in labels and "Sunday night, 18:00 to 08:00" in labels
    assert not any(label.startswith("Monday day") for label in labels)
    assert len(labels) == 9


def test_a_months_shifts_are_made_from_the_patterns(by, organisation):
    rota = rota_services.rota_create(by=by, starts_on=JUNE)
    assert (rota.starts_on, rota.ends_on) == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    shifts = list(rota.shifts.order_by("starts_at"))
    assert len(shifts) == 30 + 8  # a night every day, and a day shift on 4 Saturdays, 4 Sundays
    first = shifts[0]
    assert (first.starts_at, first.ends_at) == (
        local(JUNE, "18:00"),
        local(dt.date(2026, 6, 2), "08:00"),
    )
    assert first.overnight and first.supporters_wanted == 8
    assert rota_services.rota_create(by=by, starts_on=dt.date(2026, 6, 15)) == rota  # same rota


def test_a_night_across_the_clocks_going_back_is_fifteen_hours(by, organisation):
    rota = rota_services.rota_create(by=by, starts_on=dt.date(2026, 10, 1))
    night = rota.shifts.get(starts_at=local(dt.date(2026, 10, 24), "18:00"))
    assert night.hours == 15


def test_a_shift_outside_the_rotas_period_is_refused(by, organisation):
    rota = rota_services.rota_create(by=by, starts_on=JUNE)
    with pytest.raises(DomainError, match="the rota's period"):
        rota_services.shift_add(
            by=by, rota=rota, starts_at=local(dt.date(2026, 7, 1), "09:00"),
            ends_at=local(dt.date(2026, 7, 1), "17:00"),
        )  # fmt: skip
    shift = rota_services.shift_add(
        by=by, rota=rota, starts_at=local(dt.date(2026, 6, 3), "09:00"),
        ends_at=local(dt.date(2026, 6, 3), "17:00"),
    )  # fmt: skip
    assert shift.rota == rota and not shift.overnight


@pytest.mark.parametrize(
    ("dbs", "trained", "reason"),
    [(False, True, "DBS check"), (True, False, "crisis line training")],
)
def test_a_supporter_without_current_dbs_or_training_is_refused(
    by, organisation, dbs, trained, reason
):
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    volunteer = crisis_supporter(organisation, dbs=dbs, trained=trained)
    with pytest.raises(DomainError, match=reason):
        rota_services.supporter_add(by=by, shift=shift, volunteer=volunteer)
    assert not shift.assignments.exists()


def test_a_supporter_whose_dbs_check_is_too_old_is_refused(by, organisation):
    from kindred.volunteers.tests.factories import DbsCheckFactory  # a second, old check

    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    volunteer = crisis_supporter(organisation, dbs=False)
    DbsCheckFactory(volunteer=volunteer, issued_on=dt.date(2023, 1, 1))
    with pytest.raises(DomainError, match="needs renewing"):
        rota_services.supporter_add(by=by, shift=shift, volunteer=volunteer)


def test_a_volunteer_without_the_crisis_line_role_is_refused(by, organisation):
    from kindred.volunteers.tests.factories import VolunteerFactory  # a volunteer with no role

    crisis_supporter(organisation)  # the role exists
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    with pytest.raises(DomainError, match="does not have the"):
        rota_services.supporter_add(
            by=by, shift=shift, volunteer=VolunteerFactory(organisation=organisation)
        )


def test_hand_edits(by, organisation, professional):
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    ann = crisis_supporter(organisation)
    rota_services.supporter_add(by=by, shift=shift, volunteer=ann)
    with pytest.raises(DomainError, match="already on this shift"):
        rota_services.supporter_add(by=by, shift=shift, volunteer=ann)
    rota_services.professional_set(by=by, shift=shift, professional=professional)
    assert on_call(organisation, local(JUNE, "20:00")).professional == professional
    rota_services.supporter_remove(by=by, shift=shift, volunteer_id=ann.pk)
    with pytest.raises(ChangedSinceYouLooked):
        rota_services.supporter_remove(by=by, shift=shift, volunteer_id=ann.pk)


def test_only_a_duty_professional_may_be_on_call_behind_a_shift(by, organisation, coordinator):
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    with pytest.raises(DomainError, match="duty professional role"):
        rota_services.professional_set(by=by, shift=shift, professional=coordinator)


def test_another_organisations_shift_is_refused(by, organisation):
    other = OrganisationFactory()
    shift = ShiftFactory(organisation=other, starts_at=local(JUNE, "18:00"))
    with pytest.raises(DomainError, match="not on this organisation's rota"):
        rota_services.supporter_add(by=by, shift=shift, volunteer=crisis_supporter(organisation))


def _available_for_everything(by, organisation, volunteers):
    patterns = list(ShiftPattern.objects.filter(organisation=organisation))
    for volunteer in volunteers:
        rota_services.availability_set(
            by=by, volunteer=volunteer, pattern_ids=[p.pk for p in patterns]
        )


def test_build_places_only_eligible_available_supporters_and_reports_gaps(
    by, organisation, professional
):
    rota_services.rota_settings_ensure(organisation=organisation)
    rota_services.rota_settings_update(
        by=by, supporters_wanted=2, max_shifts_a_week=2, rest_hours_after_night=11,
        professional=professional,
    )  # fmt: skip
    able = [crisis_supporter(organisation) for _ in range(6)]
    lapsed = crisis_supporter(organisation, trained=False)
    unavailable = crisis_supporter(organisation)
    _available_for_everything(by, organisation, [*able, lapsed])
    rota = rota_services.rota_create(by=by, starts_on=JUNE)
    rota_services.rota_build_ask(by=by, rota=rota)  # the immediate backend runs the task now
    rota.refresh_from_db()
    assert rota.build == Rota.Build.BUILT
    placed = set(
        ShiftAssignment.objects.filter(shift__rota=rota).values_list("volunteer", flat=True)
    )
    assert placed <= {v.pk for v in able}
    assert lapsed.pk not in placed and unavailable.pk not in placed
    # 38 shifts want 76 places; six supporters doing at most 2 a week cannot fill them all.
    gaps = rota_selectors.gaps_ahead(organisation=organisation, days=60)
    assert gaps and all(g.missing > 0 for g in gaps)
    assert "places unfilled" in rota.build_note
    # Every supporter is within the weekly limit and rests after each night.
    for volunteer in able:
        mine = list(Shift.objects.filter(assignments__volunteer=volunteer).order_by("starts_at"))
        weeks: dict[tuple[int, int], int] = {}
        for shift in mine:
            week = timezone.localdate(shift.starts_at).isocalendar()[:2]
            weeks[week] = weeks.get(week, 0) + 1
        assert max(weeks.values(), default=0) <= 2
        for first, second in itertools.pairwise(mine):
            if first.overnight:
                assert second.starts_at >= first.ends_at + dt.timedelta(hours=11)


def test_rebuilding_keeps_hand_placed_supporters(by, organisation):
    volunteers = [crisis_supporter(organisation) for _ in range(3)]
    _available_for_everything(by, organisation, volunteers[:2])
    rota = rota_services.rota_create(by=by, starts_on=JUNE)
    shift = rota.shifts.order_by("starts_at")[0]
    rota_services.supporter_add(by=by, shift=shift, volunteer=volunteers[2])
    rota_services.rota_solve(by=by, rota=rota, time_limit=5)
    rota_services.rota_solve(by=by, rota=rota, time_limit=5)
    hand = shift.assignments.get(volunteer=volunteers[2])
    assert hand.source == ShiftAssignment.Source.HAND


def test_availability_is_only_the_organisations_patterns(by, organisation):
    rota_services.rota_settings_ensure(organisation=organisation)
    other = OrganisationFactory()
    rota_services.rota_settings_ensure(organisation=other)
    theirs = ShiftPattern.objects.filter(organisation=other)[0]
    volunteer = crisis_supporter(organisation)
    with pytest.raises(ChangedSinceYouLooked):
        rota_services.availability_set(by=by, volunteer=volunteer, pattern_ids=[theirs.pk])


def test_a_swap_moves_the_place_and_tells_the_coordinator(organisation, coordinator, make_user):
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    ann, bob = crisis_supporter(organisation), crisis_supporter(organisation)
    assign(shift, [ann])
    ann_by = Acting(make_user(Role.VOLUNTEER, organisation=organisation), organisation)
    bob_by = Acting(make_user(Role.VOLUNTEER, organisation=organisation), organisation)
    swap = rota_services.swap_offer(by=ann_by, volunteer=ann, shift=shift)
    with pytest.raises(DomainError, match="already offered"):
        rota_services.swap_offer(by=ann_by, volunteer=ann, shift=shift)
    assert [s.pk for s in rota_selectors.swaps_open_to(volunteer=bob)] == [swap.pk]
    assert rota_selectors.swaps_open_to(volunteer=ann) == []
    rota_services.swap_take(by=bob_by, volunteer=bob, swap_id=swap.pk)
    assert list(shift.assignments.values_list("volunteer", flat=True)) == [bob.pk]
    told = Notification.objects.get(kind="shift_swap.taken")
    assert told.recipient == coordinator.email
    assert bob.display_name in told.body and ann.display_name in told.body
    with pytest.raises(ChangedSinceYouLooked):  # the second taker loses
        rota_services.swap_take(
            by=bob_by, volunteer=crisis_supporter(organisation), swap_id=swap.pk
        )


def test_an_ineligible_volunteer_cannot_take_a_swap(organisation, make_user):
    shift = ShiftFactory(organisation=organisation, starts_at=local(JUNE, "18:00"))
    ann = crisis_supporter(organisation)
    assign(shift, [ann])
    by = Acting(make_user(Role.VOLUNTEER, organisation=organisation), organisation)
    swap = rota_services.swap_offer(by=by, volunteer=ann, shift=shift)
    with pytest.raises(DomainError, match="DBS"):
        rota_services.swap_take(
            by=by, volunteer=crisis_supporter(organisation, dbs=False), swap_id=swap.pk
        )
    assert ShiftSwap.objects.get(pk=swap.pk).status == ShiftSwap.Status.OFFERED


def test_ended_shifts_count_in_the_hours_ledger_once(organisation):
    shift = ShiftFactory(
        organisation=organisation, starts_at=local(dt.date(2026, 5, 18), "18:00"),
        ends_at=local(dt.date(2026, 5, 19), "08:00"),
    )  # fmt: skip
    later = ShiftFactory(organisation=organisation, starts_at=local(dt.date(2026, 5, 20), "18:00"))
    ann = crisis_supporter(organisation)
    assign(shift, [ann])
    assign(later, [ann])
    assert rota_services.shift_hours_record() == 1
    assert rota_services.shift_hours_record() == 0
    entry = VolunteerHours.objects.get(volunteer=ann, source=HoursSource.SHIFT)
    assert entry.minutes == 14 * 60 and entry.worked_on == dt.date(2026, 5, 18)
    with time_machine.travel(dt.datetime(2026, 5, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        rota_tasks.rota_shift_hours()
    assert VolunteerHours.objects.filter(volunteer=ann, source=HoursSource.SHIFT).count() == 2


def test_the_gaps_digest_goes_to_coordinators_only_when_there_are_gaps(
    organisation, coordinator, professional
):
    full = ShiftFactory(
        organisation=organisation, starts_at=local(dt.date(2026, 5, 21), "18:00"),
        supporters_wanted=1, professional=professional,
    )  # fmt: skip
    assign(full, [crisis_supporter(organisation)])
    assert rota_tasks.gaps_digest_send() == 0
    ShiftFactory(organisation=organisation, starts_at=local(dt.date(2026, 5, 23), "18:00"))
    assert rota_tasks.gaps_digest_send() == 1
    digest = Notification.objects.get(kind="rota.gaps_digest")
    assert digest.recipient == coordinator.email
    assert "Saturday 23 May, 18:00 to 08:00: 2 short (0 of 2), no duty professional" in digest.body


def test_keep_covered_fills_every_hour_of_the_next_fortnight(
    organisation, settings, professional, by
):
    settings.KINDRED_CRISIS_KEEP_COVERED = {organisation.slug: 14}
    rota_services.rota_settings_ensure(organisation=organisation)
    rota_services.rota_settings_update(
        by=by, supporters_wanted=2, max_shifts_a_week=4, rest_hours_after_night=11,
        professional=professional,
    )  # fmt: skip
    rota_services.patterns_set(
        by=by,
        patterns=[
            (d, t, e)
            for d in range(7)
            for t, e in ((dt.time(8), dt.time(18)), (dt.time(18), dt.time(8)))
        ],
    )
    supporters = [crisis_supporter(organisation) for _ in range(8)]
    _available_for_everything(by, organisation, supporters)
    assert rota_tasks.keep_covered() > 0
    now = timezone.now()
    for hour in range(14 * 24):
        moment = now + dt.timedelta(hours=hour)
        found = on_call(organisation, moment)
        assert found.supporters, moment
        assert found.professional == professional
    assert rota_tasks.keep_covered() == 0  # nothing left to fill


def test_keeping_covered_fits_around_a_rota_already_made(by, organisation):
    rota_services.rota_create(by=by, starts_on=dt.date(2026, 5, 25), ends_on=dt.date(2026, 5, 31))
    rota_services.rota_cover_ahead(by=by, days=14, time_limit=2)
    periods = sorted(Rota.objects.values_list("starts_on", "ends_on"))
    assert periods == [
        (dt.date(2026, 5, 1), dt.date(2026, 5, 24)),
        (dt.date(2026, 5, 25), dt.date(2026, 5, 31)),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
    ]
