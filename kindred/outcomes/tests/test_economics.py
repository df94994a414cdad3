"""Cost-effectiveness maths: unit costs, cost per person, bootstrap interval, a worked SROI-style
example."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from kindred.outcomes.analysis import HealthcareUse, pair_healthcare_use
from kindred.outcomes.economics import (
    CAVEATS,
    DEFAULT_UNIT_COSTS,
    ServiceCost,
    UnitCost,
    bootstrap_mean_ci,
    cost_per_person,
    healthcare_cost_change,
    savings_ratio,
    unit_cost_table,
    use_cost,
)

JAN = date(2026, 1, 5)
APR = date(2026, 4, 6)

# Made-up unit costs for the worked examples (not the defaults).
COSTS = unit_cost_table(
    [
        UnitCost("gp_appointment", Decimal("40"), "2024/25", "Worked example"),
        UnitCost("ae_attendance", Decimal("150"), "2024/25", "Worked example"),
        UnitCost("emergency_admission", Decimal("2000"), "2024/25", "Worked example"),
        UnitCost("bed_day", Decimal("300"), "2024/25", "Worked example"),
    ]
)


def test_a_unit_cost_without_a_source_is_refused():
    with pytest.raises(ValueError, match="A unit cost needs its source"):
        UnitCost("gp_appointment", Decimal("40"), "2024/25", "")
    with pytest.raises(ValueError, match="A unit cost needs its source"):
        UnitCost("gp_appointment", Decimal("40"), "2024/25", "   ")
    with pytest.raises(ValueError, match="needs the year"):
        UnitCost("gp_appointment", Decimal("40"), "", "PSSRU")
    with pytest.raises(ValueError, match="0 or more"):
        UnitCost("gp_appointment", Decimal("-1"), "2024/25", "PSSRU")
    with pytest.raises(ValueError, match="amount of money"):
        UnitCost("gp_appointment", "forty", "2024/25", "PSSRU")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unknown unit cost"):
        UnitCost("taxi", Decimal("40"), "2024/25", "PSSRU")
    with pytest.raises(ValueError, match="Two unit costs"):
        unit_cost_table([COSTS["bed_day"], COSTS["bed_day"]])


def test_default_unit_costs_each_have_a_value_year_and_source_and_say_if_unverified():
    table = unit_cost_table(DEFAULT_UNIT_COSTS)
    assert set(table) == {"gp_appointment", "ae_attendance", "emergency_admission", "bed_day"}
    for unit_cost in DEFAULT_UNIT_COSTS:
        assert unit_cost.value > 0 and unit_cost.year and unit_cost.source
        if not unit_cost.verified:
            assert "Not verified" in unit_cost.source
    assert "PSSRU" in table["gp_appointment"].source
    assert "National Cost Collection" in table["bed_day"].source


def test_cost_per_person_supported():
    costs = [
        ServiceCost("Coordinator", "staff", Decimal("6000")),
        ServiceCost("Volunteer expenses", "expenses", Decimal("1500")),
        ServiceCost("Office share", "overheads", Decimal("1000")),
    ]
    result = cost_per_person(costs, 100)
    assert (result.total, result.people, result.per_person) == (Decimal(8500), 100, Decimal(85))
    assert cost_per_person(costs, 0).per_person is None
    with pytest.raises(ValueError, match="category"):
        ServiceCost("Coordinator", "wages", Decimal("1"))
    with pytest.raises(ValueError, match="description"):
        ServiceCost("", "staff", Decimal("1"))
    with pytest.raises(ValueError, match="negative"):
        cost_per_person(costs, -1)


def test_use_cost_by_bed_days_or_by_admissions():
    use = HealthcareUse(
        "a",
        "baseline",
        JAN,
        gp_appointments=2,
        ae_attendances=1,
        emergency_admissions=1,
        bed_days=3,
    )
    # 2 x 40 + 1 x 150 + 3 x 300 = 1130; the admission is in the bed days.
    assert use_cost(use, COSTS) == Decimal(1130)
    # 2 x 40 + 1 x 150 + 1 x 2000 = 2230; bed days are in the admission.
    assert use_cost(use, COSTS, hospital="admissions") == Decimal(2230)
    with pytest.raises(ValueError, match="No unit cost was given for bed day"):
        use_cost(use, [COSTS["gp_appointment"], COSTS["ae_attendance"]])
    with pytest.raises(ValueError, match="Unknown hospital costing"):
        use_cost(use, COSTS, hospital="spells")


def befriending_records():
    """100 people: 50 used 6 GP appointments and 2 A&E attendances in the 3 months before
    support (6 x 40 + 2 x 150 = GBP 540) and none after; 50 used the same before and after."""
    records = []
    for i in range(50):
        records.append(HealthcareUse(f"a{i}", "baseline", JAN, gp_appointments=6, ae_attendances=2))
        records.append(HealthcareUse(f"a{i}", "3m", APR))
    for i in range(50):
        records.append(HealthcareUse(f"b{i}", "baseline", JAN, gp_appointments=1))
        records.append(HealthcareUse(f"b{i}", "3m", APR, gp_appointments=1))
    return records


def test_worked_sroi_example_about_270_saved_per_85_invested():
    """The befriending shape (PSSRU/LSE 2010: about GBP 270 saved per GBP 85 invested) with
    made-up inputs whose answer is known by hand: mean saving (50 x 540 + 50 x 0) / 100 = 270;
    cost per person 8500 / 100 = 85; ratio 270 / 85 = 3.176..."""
    change = healthcare_cost_change(pair_healthcare_use(befriending_records()), COSTS)
    assert change.n == 100
    assert change.baseline_mean == pytest.approx(290.0)  # (50 x 540 + 50 x 40) / 100
    assert change.follow_up_mean == pytest.approx(20.0)  # 50 x 40 / 100
    assert change.mean_saving == pytest.approx(270.0)
    assert change.total_saving == pytest.approx(27000.0)
    # Savings are 540 or 0: sd = 540 x 0.5 x sqrt(100/99) = 271.4, se = 27.1; a 95% interval
    # is about 270 +/- 53.
    assert change.ci_low is not None and change.ci_high is not None
    assert 205 < change.ci_low < 230
    assert 310 < change.ci_high < 335

    cost = cost_per_person(
        [
            ServiceCost("Coordinator", "staff", Decimal("6000")),
            ServiceCost("Volunteer expenses", "expenses", Decimal("1500")),
            ServiceCost("Office share", "overheads", Decimal("1000")),
        ],
        100,
    )
    ratio = savings_ratio(change, cost)
    assert ratio.ratio == pytest.approx(270 / 85)
    assert ratio.saved_per(85) == pytest.approx(270.0)
    assert ratio.ci_low == pytest.approx(change.ci_low / 85)
    assert ratio.ci_high == pytest.approx(change.ci_high / 85)
    assert (ratio.n_outcomes, ratio.n_supported) == (100, 100)


def test_bootstrap_is_seeded_and_agrees_with_scipy():
    rng = np.random.default_rng(7)
    values = rng.gamma(2.0, 150.0, size=120) - 200
    ours = bootstrap_mean_ci(values, resamples=4000, seed=3)
    assert ours == bootstrap_mean_ci(values, resamples=4000, seed=3)
    assert ours != bootstrap_mean_ci(values, resamples=4000, seed=4)
    theirs = stats.bootstrap(
        (values,), np.mean, n_resamples=4000, method="percentile", rng=np.random.default_rng(3)
    ).confidence_interval
    se = values.std(ddof=1) / np.sqrt(values.size)
    assert ours is not None
    # Different resampling streams: the ends agree to within a tenth of a standard error.
    assert abs(ours[0] - theirs.low) < 0.1 * se
    assert abs(ours[1] - theirs.high) < 0.1 * se


def test_bootstrap_edge_cases():
    assert bootstrap_mean_ci([5.0]) is None
    assert bootstrap_mean_ci([3.0, 3.0, 3.0]) == (3.0, 3.0)
    with pytest.raises(ValueError, match="at least 100"):
        bootstrap_mean_ci([1.0, 2.0], resamples=10)
    empty = healthcare_cost_change([], COSTS)
    assert (empty.n, empty.mean_saving, empty.total_saving) == (0, None, None)
    assert savings_ratio(empty, cost_per_person([], 0)).ratio is None


def test_caveats_cover_attribution_deadweight_and_who_saves():
    titles = [caveat.title for caveat in CAVEATS]
    assert titles[:3] == ["Attribution", "Deadweight", "Who saves"]
    assert all(caveat.text for caveat in CAVEATS)
