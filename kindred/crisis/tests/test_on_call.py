"""on_call at the edges of shifts: across midnight and across the clocks changing."""

from __future__ import annotations

import datetime as dt

import pytest

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.crisis.models.rota import RotaSettings
from kindred.crisis.selectors import on_call
from kindred.crisis.tests.factories import ShiftFactory, assign, crisis_supporter, local

pytestmark = pytest.mark.django_db


def overnight(organisation, day, professional=None):
    return ShiftFactory(
        organisation=organisation,
        starts_at=local(day, "18:00"),
        ends_at=local(day + dt.timedelta(days=1), "08:00"),
        professional=professional,
    )


def test_overnight_shift_across_midnight(organisation, professional, coordinator):
    shift = overnight(organisation, dt.date(2026, 6, 10), professional)
    ann, bob = crisis_supporter(organisation), crisis_supporter(organisation)
    assign(shift, [ann, bob])

    before = on_call(organisation, local(dt.date(2026, 6, 10), "17:59"))
    assert before.supporters == [] and before.professional is None and before.shifts == []

    start = on_call(organisation, local(dt.date(2026, 6, 10), "18:00"))
    assert set(start.supporters) == {ann, bob}
    assert start.professional == professional
    assert start.shifts == [shift]

    midnight = on_call(organisation, local(dt.date(2026, 6, 11), "00:00"))
    assert set(midnight.supporters) == {ann, bob}

    last_minute = on_call(organisation, local(dt.date(2026, 6, 11), "07:59"))
    assert set(last_minute.supporters) == {ann, bob}

    end = on_call(organisation, local(dt.date(2026, 6, 11), "08:00"))
    assert end.supporters == [] and end.professional is None
    # The backup step is the coordinators when nobody is named on standby.
    assert end.backup == [coordinator]


def test_overnight_shift_across_the_clocks_going_back(organisation, professional):
    # 25 October 2026: the clocks go back at 02:00 BST to 01:00 GMT, so the night is 15 hours.
    shift = overnight(organisation, dt.date(2026, 10, 24), professional)
    assert shift.hours == 15
    ann = crisis_supporter(organisation)
    assign(shift, [ann])
    utc = dt.UTC
    # 01:30 happens twice that night: 00:30 UTC (BST) and 01:30 UTC (GMT). Both are on call.
    assert on_call(organisation, dt.datetime(2026, 10, 25, 0, 30, tzinfo=utc)).supporters == [ann]
    assert on_call(organisation, dt.datetime(2026, 10, 25, 1, 30, tzinfo=utc)).supporters == [ann]
    # 08:00 GMT is 08:00 UTC: the shift has ended; a minute before it has not.
    assert on_call(organisation, dt.datetime(2026, 10, 25, 7, 59, tzinfo=utc)).supporters == [ann]
    assert on_call(organisation, dt.datetime(2026, 10, 25, 8, 0, tzinfo=utc)).supporters == []


def test_overnight_shift_across_the_clocks_going_forward(organisation):
    # 29 March 2026: the clocks go forward at 01:00 GMT to 02:00 BST, so the night is 13 hours.
    shift = overnight(organisation, dt.date(2026, 3, 28))
    assert shift.hours == 13
    ann = crisis_supporter(organisation)
    assign(shift, [ann])
    utc = dt.UTC
    assert on_call(organisation, dt.datetime(2026, 3, 29, 0, 59, tzinfo=utc)).supporters == [ann]
    assert on_call(organisation, dt.datetime(2026, 3, 29, 6, 59, tzinfo=utc)).supporters == [ann]
    # 08:00 BST is 07:00 UTC.
    assert on_call(organisation, dt.datetime(2026, 3, 29, 7, 0, tzinfo=utc)).supporters == []


def test_back_to_back_shifts_hand_over_without_a_gap_or_overlap(organisation, professional):
    day = dt.date(2026, 6, 13)
    daytime = ShiftFactory(
        organisation=organisation, starts_at=local(day, "08:00"), ends_at=local(day, "18:00")
    )
    night = overnight(organisation, day, professional)
    ann, bob = crisis_supporter(organisation), crisis_supporter(organisation)
    assign(daytime, [ann])
    assign(night, [bob])
    assert on_call(organisation, local(day, "17:59")).supporters == [ann]
    handover = on_call(organisation, local(day, "18:00"))
    assert handover.supporters == [bob] and handover.shifts == [night]


def test_another_organisations_shifts_are_not_on_call(organisation, professional):
    other = OrganisationFactory()
    shift = overnight(other, dt.date(2026, 6, 10))
    assign(shift, [crisis_supporter(other)])
    assert on_call(organisation, local(dt.date(2026, 6, 10), "20:00")).supporters == []


def test_standby_supporters_replace_the_coordinators_as_backup(
    organisation, coordinator, make_user
):
    standby = make_user(Role.VOLUNTEER, organisation=organisation, email="standby@example.com")
    settings_row = RotaSettings.objects.create(organisation=organisation)
    settings_row.standby.add(standby)
    assert on_call(organisation, local(dt.date(2026, 6, 10), "20:00")).backup == [standby]


def test_naive_datetime_refused(organisation):
    with pytest.raises(ValueError):
        on_call(organisation, dt.datetime(2026, 6, 10, 20, 0))  # noqa: DTZ001 - naive on purpose
