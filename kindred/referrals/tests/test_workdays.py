"""Working days in England and Wales. No database."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kindred.referrals.workdays import add_working_days, is_working_day


def test_five_working_days_skips_the_weekend():
    assert add_working_days(dt.date(2026, 11, 27), 5) == dt.date(2026, 12, 4)  # Fri -> Fri


def test_christmas_and_boxing_day_bank_holidays_are_skipped():
    # Wed 23 Dec 2026: Thu 24, (Fri 25 and Mon 28 are bank holidays), Tue 29, Wed 30, Thu 31,
    # (Fri 1 Jan is New Year's Day), Mon 4 Jan.
    assert add_working_days(dt.date(2026, 12, 23), 5) == dt.date(2027, 1, 4)
    assert not is_working_day(dt.date(2026, 12, 25))
    assert not is_working_day(dt.date(2026, 12, 28))


def test_the_early_may_and_easter_monday_bank_holidays_are_skipped():
    assert not is_working_day(dt.date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(dt.date(2026, 5, 4))  # Early May bank holiday
    assert add_working_days(dt.date(2026, 5, 1), 1) == dt.date(2026, 5, 5)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(0, 30))
def test_the_result_is_a_working_day_and_counts_exactly(start, days):
    end = add_working_days(start, days)
    assert end >= start
    if days:
        assert is_working_day(end)
    counted = sum(
        is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1)
    )
    assert counted == days
