"""Hours: one ledger, each contact, session, shift or self-logged entry counted once; value at the
organisation's hourly rate; expenses."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.people.tests.factories import PersonFactory
from kindred.volunteers import errors, selectors
from kindred.volunteers.models import Expense, HoursSource, VolunteerHours
from kindred.volunteers.services import expenses, hours, profile
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 10)


def test_the_same_contact_recorded_twice_counts_once(by, volunteer):
    for minutes in (45, 60):  # saved, then corrected
        hours.hours_record(
            by=by, volunteer=volunteer, source=HoursSource.CONTACT, source_ref="contact-1",
            worked_on=DAY, minutes=minutes,
        )  # fmt: skip
    hours.hours_record(
        by=by, volunteer=volunteer, source=HoursSource.SHIFT, source_ref="contact-1",
        worked_on=DAY, minutes=120,
    )  # fmt: skip
    hours.hours_log(by=by, volunteer=volunteer, worked_on=DAY, minutes=90)
    hours.hours_log(by=by, volunteer=volunteer, worked_on=DAY, minutes=90)
    total = selectors.hours_value(organisation=by.organisation)
    assert total.minutes == 60 + 120 + 90 + 90
    assert VolunteerHours.objects.count() == 4


def test_a_pair_of_supporters_on_one_contact_each_get_their_time(by, organisation):
    first, second = (
        VolunteerFactory(organisation=organisation),
        VolunteerFactory(organisation=organisation),
    )
    for v in (first, second, first):
        hours.hours_record(
            by=by, volunteer=v, source=HoursSource.CONTACT, source_ref="visit-9",
            worked_on=DAY, minutes=60,
        )  # fmt: skip
    assert selectors.hours_value(organisation=organisation).minutes == 120


def test_value_uses_the_organisations_hourly_rate(by, volunteer):
    hours.hours_log(by=by, volunteer=volunteer, worked_on=DAY, minutes=150)
    hours.programme_update(by=by, hourly_value=Decimal("14.00"), supervision_every_days=31)
    result = selectors.hours_value(organisation=by.organisation)
    assert result.hours == Decimal("2.5") and result.value == Decimal("35.00")


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_impossible_hours_are_refused(by, volunteer, minutes):
    with pytest.raises(errors.VolunteerError):
        hours.hours_log(by=by, volunteer=volunteer, worked_on=DAY, minutes=minutes)
    assert not VolunteerHours.objects.exists()


def test_hours_in_the_future_are_refused(by, volunteer):
    with pytest.raises(errors.VolunteerError, match="today or in the past"):
        hours.hours_log(by=by, volunteer=volunteer, worked_on=dt.date(2999, 1, 1), minutes=60)


def test_expenses_are_totalled_and_bad_amounts_refused(by, volunteer):
    expenses.expense_claim(
        by=by, volunteer=volunteer, spent_on=DAY, amount=Decimal("4.50"), description="Bus fare"
    )
    with pytest.raises(errors.VolunteerError, match="more than £0"):
        expenses.expense_claim(
            by=by, volunteer=volunteer, spent_on=DAY, amount=Decimal("0"), description="x"
        )
    assert Expense.objects.count() == 1
    assert selectors.expenses_total(organisation=by.organisation) == Decimal("4.50")


def test_supporters_who_began_receiving_support_are_counted(by, organisation):
    began = VolunteerFactory(organisation=organisation)
    profile.person_link(
        by=by, volunteer=began, person=PersonFactory(organisation=organisation),
        consent_confirmed=True,
    )  # fmt: skip
    told_us = VolunteerFactory(organisation=organisation, has_had_support=True)
    VolunteerFactory(organisation=organisation)  # did not
    VolunteerFactory(organisation=organisation, has_had_support=True, stage="enquiry")
    found = set(selectors.supporters_who_received_support(organisation=organisation))
    assert found == {began, told_us}


RECORDINGS = st.lists(
    st.tuples(
        st.integers(0, 1),  # which volunteer
        st.sampled_from([HoursSource.CONTACT, HoursSource.GROUP_SESSION, HoursSource.SHIFT]),
        st.sampled_from(["a", "b", "c"]),  # which contact, session or shift
        st.integers(1, 600),  # minutes, as saved this time
    ),
    max_size=15,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recordings=RECORDINGS)
def test_the_total_counts_each_source_once_at_its_latest_time(by, organisation, recordings):
    VolunteerHours.objects.all().delete()
    volunteers = list(organisation.volunteers.order_by("created_at")[:2])
    while len(volunteers) < 2:
        volunteers.append(VolunteerFactory(organisation=organisation))
    latest = {}
    for who, source, ref, minutes in recordings:
        hours.hours_record(
            by=by, volunteer=volunteers[who], source=source, source_ref=ref,
            worked_on=DAY, minutes=minutes,
        )  # fmt: skip
        latest[(who, source, ref)] = minutes
    assert selectors.hours_value(organisation=organisation).minutes == sum(latest.values())
    assert VolunteerHours.objects.count() == len(latest)


def test_hours_by_month_fills_empty_months_and_counts_volunteers(by, organisation):
    first, second = VolunteerFactory.create_batch(2, organisation=organisation)
    hours.hours_log(by=by, volunteer=first, worked_on=dt.date(2026, 1, 31), minutes=90)
    hours.hours_log(by=by, volunteer=second, worked_on=dt.date(2026, 1, 1), minutes=30)
    hours.hours_log(by=by, volunteer=first, worked_on=dt.date(2025, 11, 15), minutes=60)
    hours.hours_log(by=by, volunteer=first, worked_on=dt.date(2025, 2, 28), minutes=600)
    rows = selectors.hours_by_month(organisation=organisation, months=3, on=dt.date(2026, 1, 31))
    assert rows == [
        (dt.date(2025, 11, 1), 60, 1),
        (dt.date(2025, 12, 1), 0, 0),
        (dt.date(2026, 1, 1), 120, 2),
    ]
