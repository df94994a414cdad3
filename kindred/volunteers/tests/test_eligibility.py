"""The pure eligibility rules: what each role needs, and that nothing less will do."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kindred.volunteers.eligibility import (
    DBS_LEVELS,
    DbsEvidence,
    RoleRequirements,
    TrainingEvidence,
    add_years,
    check_eligibility,
    level_rank,
)

TODAY = dt.date(2026, 6, 1)
BEFRIENDER = RoleRequirements(
    "Befriender", "enhanced", 3, frozenset({"safeguarding_adults", "befriending"}),
    {"safeguarding_adults": "safeguarding adults", "befriending": "befriending"},
)  # fmt: skip
CRISIS_LINE = RoleRequirements(
    "Crisis line supporter", "enhanced_barred", 3, frozenset({"crisis_line"})
)
DRIVER = RoleRequirements("Driver", "enhanced", 3, frozenset({"lone_working"}))
FACILITATOR = RoleRequirements("Group facilitator", "enhanced", 3, frozenset({"peer_support"}))
NO_CHECKS = RoleRequirements("Tea maker", None, 3, frozenset())


def current(course: str) -> TrainingEvidence:
    return TrainingEvidence(course, TODAY - dt.timedelta(days=100), TODAY + dt.timedelta(days=300))


def test_a_befriender_with_everything_current_is_eligible():
    result = check_eligibility(
        BEFRIENDER,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2025, 1, 1))],
        training=[current("safeguarding_adults"), current("befriending")],
        on=TODAY,
    )
    assert result.eligible and result.reasons == ()


def test_missing_training_gives_a_reason_per_course():
    result = check_eligibility(
        BEFRIENDER,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2025, 1, 1))],
        training=[],
        on=TODAY,
    )
    assert not result
    assert result.reasons == (
        "They need to complete befriending training",
        "They need to complete safeguarding adults training",
    )


def test_expired_training_is_not_enough():
    old = TrainingEvidence("crisis_line", dt.date(2023, 1, 1), dt.date(2026, 5, 31))
    result = check_eligibility(
        CRISIS_LINE,
        active=True,
        dbs_checks=[DbsEvidence("enhanced_barred", dt.date(2025, 1, 1))],
        training=[old],
        on=TODAY,
    )
    assert result.reasons == ("Their crisis line training has expired",)


def test_crisis_line_needs_the_barred_list_check():
    result = check_eligibility(
        CRISIS_LINE,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2025, 1, 1))],
        training=[current("crisis_line")],
        on=TODAY,
    )
    assert result.reasons == ("They need an enhanced with barred list DBS check",)


def test_a_dbs_check_older_than_the_renewal_policy_needs_renewing():
    result = check_eligibility(
        DRIVER,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2023, 6, 1))],
        training=[current("lone_working")],
        on=TODAY,
    )
    assert result.reasons == (
        "Their enhanced DBS check is more than 3 years old and needs renewing",
    )
    day_before = check_eligibility(
        DRIVER,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2023, 6, 2))],
        training=[current("lone_working")],
        on=TODAY,
    )
    assert day_before.eligible


def test_paused_or_recruiting_volunteers_are_not_eligible():
    result = check_eligibility(NO_CHECKS, active=False, dbs_checks=[], training=[], on=TODAY)
    assert result.reasons == ("They are not an active volunteer",)


def test_a_facilitator_needs_peer_support_training():
    result = check_eligibility(
        FACILITATOR,
        active=True,
        dbs_checks=[DbsEvidence("enhanced_barred", dt.date(2025, 1, 1))],
        training=[current("safeguarding_adults")],
        on=TODAY,
    )
    assert result.reasons == ("They need to complete peer support training",)


def test_training_completed_after_the_date_asked_about_does_not_count():
    later = TrainingEvidence("lone_working", TODAY + dt.timedelta(days=1), None)
    result = check_eligibility(
        DRIVER,
        active=True,
        dbs_checks=[DbsEvidence("enhanced", dt.date(2025, 1, 1))],
        training=[later],
        on=TODAY,
    )
    assert result.reasons == ("They need to complete lone working training",)


levels = st.sampled_from(DBS_LEVELS)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


@given(wanted=levels, held=levels, issued=dates, on=dates, years=st.integers(1, 10))
def test_a_check_counts_exactly_when_strong_enough_issued_and_within_policy(
    wanted, held, issued, on, years
):
    role = RoleRequirements("Role", wanted, years, frozenset())
    result = check_eligibility(
        role, active=True, dbs_checks=[DbsEvidence(held, issued)], training=[], on=on
    )
    expected = level_rank(held) >= level_rank(wanted) and issued <= on < add_years(issued, years)
    assert result.eligible is expected
    assert bool(result.reasons) is not expected


@given(
    courses=st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=4),
    held=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), dates, st.none() | dates), max_size=6
    ),
    on=dates,
)
def test_eligible_only_if_every_required_course_is_current(courses, held, on):
    training = [TrainingEvidence(c, done, exp) for c, done, exp in held]
    result = check_eligibility(
        RoleRequirements("Role", None, 3, courses),
        active=True,
        dbs_checks=[],
        training=training,
        on=on,
    )
    every_current = all(
        any(t.course == c and t.completed_on <= on and (t.expires_on is None or on < t.expires_on)
            for t in training)
        for c in courses
    )  # fmt: skip
    assert result.eligible is every_current
    # More evidence never makes someone less eligible.
    extra = check_eligibility(
        RoleRequirements("Role", None, 3, courses),
        active=True,
        dbs_checks=[],
        training=[*training, *(TrainingEvidence(c, on, None) for c in courses)],
        on=on,
    )
    assert extra.eligible


@given(day=dates, years=st.integers(1, 10))
def test_add_years_is_always_later_and_handles_leap_days(day, years):
    later = add_years(day, years)
    assert later > day and later.year == day.year + years
