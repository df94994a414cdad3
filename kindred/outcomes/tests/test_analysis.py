"""Analysis functions against worked examples and against scipy.stats."""

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kindred.outcomes.analysis import (
    Change,
    FollowUp,
    HealthcareUse,
    Observation,
    Pair,
    Where,
    completeness,
    group_by,
    healthcare_use_change,
    meaningful_change,
    pair_healthcare_use,
    pair_up,
    paired_change,
    summarise,
)

JAN = date(2026, 1, 5)
APR = date(2026, 4, 6)
JUL = date(2026, 7, 6)


def pairs_of(before, after):
    return [Pair(i, b, a, JAN, APR) for i, (b, a) in enumerate(zip(before, after, strict=True))]


def test_paired_change_worked_example():
    # Five people's SWEMWBS metric scores: changes 2, 3, 1, 4, 0 -> mean 2, sd sqrt(2.5).
    result = paired_change(
        pairs_of([18.59, 19.25, 17.43, 20.73, 21.54], [20.59, 22.25, 18.43, 24.73, 21.54])
    )
    assert result.n == 5
    assert result.mean_change == pytest.approx(2.0)
    assert result.baseline_mean == pytest.approx(19.508)
    assert result.follow_up_mean == pytest.approx(21.508)
    assert result.sd_change == pytest.approx(np.sqrt(2.5))
    # Hand-checked: t(0.975, 4) = 2.776445; half-width = 2.776445 * sqrt(2.5) / sqrt(5) = 1.963243.
    assert result.ci_low == pytest.approx(2 - 1.963243, abs=1e-5)
    assert result.ci_high == pytest.approx(2 + 1.963243, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(7, 35), st.integers(7, 35)), min_size=2, max_size=60).filter(
        lambda rows: len({a - b for b, a in rows}) > 1
    ),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_paired_change_interval_matches_scipy_ttest_rel(rows, confidence):
    before = [b for b, _ in rows]
    after = [a for _, a in rows]
    ours = paired_change(pairs_of(before, after), confidence)
    theirs = stats.ttest_rel(after, before).confidence_interval(confidence)
    assert ours.ci_low == pytest.approx(theirs.low, rel=1e-9, abs=1e-9)
    assert ours.ci_high == pytest.approx(theirs.high, rel=1e-9, abs=1e-9)
    assert ours.mean_change == pytest.approx(np.mean(np.subtract(after, before)))


def test_paired_change_with_nobody_or_one_person_has_no_interval():
    assert paired_change([]) == Change(0, None, None, None, None, None, None)
    one = paired_change(pairs_of([10], [13]))
    assert (one.n, one.mean_change, one.ci_low, one.ci_high) == (1, 3, None, None)


def test_a_follow_up_before_its_baseline_is_refused():
    with pytest.raises(ValueError, match="before its baseline"):
        Pair("p", 20, 22, baseline_on=APR, follow_up_on=JAN)
    observations = [
        Observation("p", "phq9", "baseline", APR, 12),
        Observation("p", "phq9", "3m", JAN, 8),
    ]
    with pytest.raises(ValueError, match="2026-01-05 is before its baseline on 2026-04-06"):
        pair_up(observations, "phq9")


def test_meaningful_change_swemwbs_three_points_up_is_better():
    pairs = pairs_of([20, 20, 20, 20, 20], [23, 22.9, 17, 16.5, 21])
    share = meaningful_change(pairs, "swemwbs")
    assert (share.n, share.improved, share.worsened, share.no_meaningful_change) == (5, 1, 2, 2)
    assert share.threshold == 3.0
    assert share.share_improved == pytest.approx(0.2)
    assert "Shah" in share.source


def test_meaningful_change_phq9_lower_is_better_with_reliable_change_of_six():
    pairs = pairs_of([18, 18, 18, 10], [12, 13, 24, 10])
    share = meaningful_change(pairs, "phq9")
    assert share.threshold == 6.0
    assert (share.improved, share.worsened, share.no_meaningful_change) == (1, 1, 2)


def test_meaningful_change_gad7_four_points():
    share = meaningful_change(pairs_of([15, 15, 15], [11, 12, 19]), "gad7")
    assert (share.threshold, share.improved, share.worsened) == (4.0, 1, 1)


def test_meaningful_change_without_a_published_threshold_uses_half_the_baseline_sd():
    # UCLA-3 baselines 5, 7, 9: sd 2, threshold 1. Lower is better.
    share = meaningful_change(pairs_of([5, 7, 9], [4, 7, 9.5]), "ucla3")
    assert share.threshold == pytest.approx(1.0)
    assert (share.improved, share.worsened, share.no_meaningful_change) == (1, 0, 2)
    assert "half the baseline standard deviation" in share.source


def test_meaningful_change_ons4_is_per_item_and_anxiety_is_better_lower():
    pairs = pairs_of([6, 8, 4, 6], [2, 8, 4, 9])  # baseline sd = 1.633 -> threshold 0.816
    anxiety = meaningful_change(pairs, "ons4", item="anxiety")
    happiness = meaningful_change(pairs, "ons4", item="happiness")
    assert (anxiety.improved, anxiety.worsened) == (1, 1)
    assert (happiness.improved, happiness.worsened) == (1, 1)
    with pytest.raises(ValueError, match="never summed"):
        meaningful_change(pairs, "ons4")
    with pytest.raises(ValueError, match="no item"):
        meaningful_change(pairs, "ons4", item="joy")


def test_pair_up_takes_the_named_or_latest_follow_up_and_skips_the_unpaired():
    where = Where(organisation="north")
    observations = [
        Observation("a", "swemwbs", "baseline", JAN, 18.59, where=where),
        Observation("a", "swemwbs", "3m", APR, 19.25),
        Observation("a", "swemwbs", "6m", JUL, 21.54),
        Observation("b", "swemwbs", "baseline", JAN, 20.73),  # no follow-up yet
        Observation("c", "swemwbs", "3m", APR, 22.35),  # no baseline
        Observation("a", "phq9", "baseline", JAN, 12),  # another measure
    ]
    latest = pair_up(observations, "swemwbs")
    assert [(p.person, p.baseline, p.follow_up) for p in latest] == [("a", 18.59, 21.54)]
    assert latest[0].where == where
    at_three = pair_up(observations, "swemwbs", follow_up="3m")
    assert [(p.person, p.follow_up) for p in at_three] == [("a", 19.25)]


def test_healthcare_use_before_and_after_worked_example():
    records = [
        HealthcareUse(
            "a",
            "baseline",
            JAN,
            gp_appointments=4,
            ae_attendances=2,
            emergency_admissions=1,
            bed_days=5,
        ),
        HealthcareUse("a", "3m", APR, gp_appointments=2, ae_attendances=0),
        HealthcareUse("b", "baseline", JAN, gp_appointments=2, ae_attendances=1),
        HealthcareUse("b", "3m", APR, gp_appointments=1, ae_attendances=1),
        HealthcareUse("c", "baseline", JAN, gp_appointments=3),
        HealthcareUse("c", "3m", APR, gp_appointments=3),
        HealthcareUse("d", "baseline", JAN, gp_appointments=9),  # not followed up
    ]
    change = healthcare_use_change(pair_healthcare_use(records))
    gp = change["gp_appointments"]
    assert gp.n == 3
    assert gp.baseline_mean == pytest.approx(3.0)
    assert gp.follow_up_mean == pytest.approx(2.0)
    assert gp.mean_change == pytest.approx(-1.0)
    expected = stats.ttest_rel([2, 1, 3], [4, 2, 3]).confidence_interval()
    assert (gp.ci_low, gp.ci_high) == pytest.approx((expected.low, expected.high))
    assert change["ae_attendances"].mean_change == pytest.approx(-2 / 3)
    assert change["emergency_admissions"].baseline_mean == pytest.approx(1 / 3)
    assert change["bed_days"].mean_change == pytest.approx(-5 / 3)


def test_healthcare_use_refuses_bad_counts_and_a_follow_up_before_baseline():
    with pytest.raises(ValueError, match="Gp appointments must be a whole number"):
        HealthcareUse("a", "baseline", JAN, gp_appointments=-1)
    with pytest.raises(ValueError, match="cannot be more than 92"):
        HealthcareUse("a", "baseline", JAN, bed_days=93)
    records = [HealthcareUse("a", "baseline", APR), HealthcareUse("a", "3m", JAN)]
    with pytest.raises(ValueError, match="before its baseline"):
        pair_healthcare_use(records)


def test_completeness_counts_due_done_declined_and_could_not_contact():
    follow_ups = [
        FollowUp("a", "3m", APR, "completed"),
        FollowUp("b", "3m", APR, "declined"),
        FollowUp("c", "3m", APR, "could_not_contact"),
        FollowUp("d", "3m", APR, "pending"),
        FollowUp("e", "6m", JUL, "pending"),  # not yet due
        FollowUp("f", "6m", JUL, "completed"),  # done early: counts
    ]
    result = completeness(follow_ups, as_of=date(2026, 5, 1))
    assert (
        result.due,
        result.completed,
        result.declined,
        result.could_not_contact,
        result.outstanding,
    ) == (5, 2, 1, 1, 1)
    assert result.share_completed == pytest.approx(0.4)
    assert completeness([], as_of=JAN).share_completed is None
    with pytest.raises(ValueError, match="Unknown follow-up status"):
        FollowUp("a", "3m", APR, "lost")


def test_group_by_organisation_model_group_and_network():
    pairs = [
        Pair(1, 20, 23, where=Where("north", "one-to-one", ("walkers",), "city")),
        Pair(2, 20, 21, where=Where("south", "group", ("walkers", "knitters"), "city")),
        Pair(3, 20, 19, where=Where("north", "group", (), None)),
    ]
    assert {k: [p.person for p in v] for k, v in group_by(pairs, "organisation").items()} == {
        "north": [1, 3],
        "south": [2],
    }
    assert list(group_by(pairs, "group")) == ["knitters", "walkers"]
    assert [p.person for p in group_by(pairs, "group")["walkers"]] == [1, 2]
    assert [p.person for p in group_by(pairs, "network")["city"]] == [1, 2]
    per_model = {k: paired_change(v).n for k, v in group_by(pairs, "model").items()}
    assert per_model == {"group": 2, "one-to-one": 1}
    with pytest.raises(ValueError, match="Unknown dimension"):
        group_by(pairs, "postcode")


def test_summarise_puts_change_and_meaningful_change_together_per_group():
    pairs = [
        Pair(1, 20, 24, where=Where("north")),
        Pair(2, 20, 21, where=Where("north")),
        Pair(3, 18, 14, where=Where("south")),
    ]
    summaries = {k: summarise(v, "swemwbs") for k, v in group_by(pairs, "organisation").items()}
    north = summaries["north"]
    assert (north.n, north.change.mean_change) == (2, 2.5)
    assert north.meaningful is not None and north.meaningful.improved == 1
    south = summaries["south"].meaningful
    assert south is not None and south.worsened == 1
    assert summarise(pairs, "fft").meaningful is None  # no threshold for the FFT
