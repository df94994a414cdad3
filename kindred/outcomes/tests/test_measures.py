"""Scoring of each measure against its published rules and examples (no database needed)."""

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.outcomes import measures
from kindred.outcomes.measures import MEASURES, SWEMWBS_METRIC, score


def test_the_module_imports_no_django():
    tree = ast.parse(Path(measures.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("django") for name in imported)


# --- SWEMWBS -------------------------------------------------------------------------------


def test_swemwbs_has_seven_items_answered_one_to_five():
    measure = measures.get("swemwbs")
    assert len(measure.items) == 7
    assert measure.items[0].text == "I've been feeling optimistic about the future"
    for item in measure.items:
        assert item.values == (1, 2, 3, 4, 5)
        assert item.label_for(1) == "None of the time"
        assert item.label_for(5) == "All of the time"


@pytest.mark.parametrize(
    ("answers", "raw", "metric"),
    [
        # The ends of the published conversion table are fixed.
        ([1] * 7, 7, 7.00),
        ([5] * 7, 35, 35.00),
        # Worked examples read off the Warwick conversion table.
        ([1, 1, 1, 1, 1, 1, 2], 8, 9.51),
        ([3] * 7, 21, 19.25),
        ([3, 4, 3, 4, 3, 4, 3], 24, 21.54),
        ([4] * 7, 28, 25.03),
        ([5, 5, 5, 5, 5, 5, 4], 34, 32.55),
    ],
)
def test_swemwbs_converts_raw_to_metric_with_the_rasch_table(answers, raw, metric):
    result = score("swemwbs", answers)
    assert result.raw == raw
    assert result.value == metric
    assert result.band is None  # Warwick publishes no bands for SWEMWBS
    assert result.safeguarding == ()


def test_swemwbs_conversion_table_covers_every_raw_score_and_increases():
    assert sorted(SWEMWBS_METRIC) == list(range(7, 36))
    values = [SWEMWBS_METRIC[raw] for raw in range(7, 36)]
    assert values == sorted(values) and len(set(values)) == len(values)
    # The Rasch metric stretches the ends: raw 7->8 moves further than 20->21.
    assert values[1] - values[0] > values[14] - values[13]


# --- UCLA-3 and the ONS direct question -------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "raw", "band"),
    [
        ([1, 1, 1], 3, "not often lonely"),
        ([2, 2, 1], 5, "not often lonely"),
        ([2, 2, 2], 6, "lonely"),
        ([3, 3, 3], 9, "lonely"),
    ],
)
def test_ucla3_sums_three_items(answers, raw, band):
    result = score("ucla3", answers)
    assert (result.raw, result.value, result.band) == (raw, raw, band)


def test_ucla3_is_asked_with_the_ons_direct_question():
    assert measures.get("ucla3").asked_with == ("ons_lonely",)
    direct = score("ons_lonely", [1])
    assert direct.band == "chronic loneliness"
    assert measures.get("ons_lonely").items[0].label_for(1) == "Often or always"
    assert score("ons_lonely", [5]).band == "hardly ever or never lonely"


# --- ONS4 ----------------------------------------------------------------------------------


def test_ons4_is_never_summed_and_bands_each_item():
    result = score("ons4", [4, 5, 8, 6])
    assert result.raw is None
    assert result.value == (4, 5, 8, 6)
    assert result.band == ("low", "medium", "high", "high")


@pytest.mark.parametrize(
    ("value", "positive", "anxiety"),
    [
        (0, "low", "very low"),
        (1, "low", "very low"),
        (2, "low", "low"),
        (3, "low", "low"),
        (4, "low", "medium"),
        (5, "medium", "medium"),
        (6, "medium", "high"),
        (7, "high", "high"),
        (8, "high", "high"),
        (9, "very high", "high"),
        (10, "very high", "high"),
    ],
)
def test_ons4_thresholds_are_the_published_ones(value, positive, anxiety):
    result = score("ons4", [value] * 4)
    assert result.band == (positive, positive, positive, anxiety)


def test_ons4_anxiety_is_better_lower():
    items = measures.get("ons4").items
    assert [item.higher_is_better for item in items] == [True, True, True, False]


# --- PHQ-9 and GAD-7 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none or minimal"),
        (4, "none or minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_severity_bands(total, band):
    # Spread the total over items 1-8 so item 9 stays 'Not at all'.
    answers = [0] * 9
    left = total
    for index in range(8):
        answers[index] = min(3, left)
        left -= answers[index]
    answers[8] = left
    result = score("phq9", answers)
    assert (result.raw, result.band) == (total, band)


def test_phq9_item_nine_answered_positively_needs_safeguarding():
    quiet = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0])
    assert not quiet.needs_safeguarding
    for answer in (1, 2, 3):
        result = score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, answer])
        # Whatever the total (here minimal), item 9 alone requires a concern.
        assert result.band == "none or minimal"
        assert result.safeguarding == (9,)
        assert result.needs_safeguarding
    (item,) = measures.get("phq9").safeguarding_items
    assert item.number == 9 and item.key == "self_harm" and item.safeguarding_from == 1


def test_only_phq9_has_a_safeguarding_item():
    assert [code for code, m in MEASURES.items() if m.safeguarding_items] == ["phq9"]


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([0] * 7, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0], "minimal"),
        ([1, 1, 1, 1, 1, 0, 0], "mild"),
        ([2, 2, 2, 2, 1, 1, 0], "moderate"),
        ([3, 3, 3, 2, 2, 1, 1], "severe"),
        ([3] * 7, "severe"),
    ],
)
def test_gad7_severity_bands(answers, band):
    result = score("gad7", answers)
    assert result.raw == sum(answers)
    assert result.band == band


# --- FFT -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "band"),
    [
        (1, "positive"),
        (2, "positive"),
        (3, "neutral"),
        (4, "negative"),
        (5, "negative"),
        (6, "don't know"),
    ],
)
def test_fft_bands(answer, band):
    result = score("fft", [answer])
    assert result.raw is None
    assert result.value == answer
    assert result.band == band


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        ("swemwbs", [3] * 6, "has 7 questions but 6 answers"),
        ("swemwbs", [3] * 8, "has 7 questions but 8 answers"),
        ("swemwbs", [0, 3, 3, 3, 3, 3, 3], "Question 1: 0 is not one of its answers (1 to 5)"),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 4], "Question 9: 4 is not one of its answers"),
        ("gad7", [0, 0, -1, 0, 0, 0, 0], "Question 3"),
        ("ons4", [11, 0, 0, 0], "Question 1: 11"),
        ("ons4", [1, 2, 3], "has 4 questions but 3 answers"),
        ("ucla3", [1, 2, 4], "Question 3"),
        ("fft", [7], "Question 1"),
        ("fft", [], "has 1 questions but 0 answers"),
        ("ucla3", [1, 2, 2.5], "must be a whole number"),
        ("ucla3", [1, 2, True], "must be a whole number"),
        ("ucla3", "123", "sequence of whole numbers"),
        ("wemwbs", [1], "Unknown measure"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(code, answers, message):
    with pytest.raises(ValueError, match=None) as caught:
        score(code, answers)
    assert message in str(caught.value)


@given(st.data())
def test_any_valid_answers_score_within_the_measure_range(data):
    code = data.draw(st.sampled_from(sorted(MEASURES)))
    measure = MEASURES[code]
    answers = [data.draw(st.sampled_from(item.values)) for item in measure.items]
    result = score(code, answers)
    low, high = measure.value_range
    values = result.value if isinstance(result.value, tuple) else (result.value,)
    assert all(low <= v <= high for v in values)
    if measure.raw_range is not None:
        assert result.raw is not None
        assert measure.raw_range[0] <= result.raw <= measure.raw_range[1]
    if measure.bands:
        assert result.band is not None


def test_every_measure_documents_licence_source_and_scoring():
    for measure in MEASURES.values():
        assert measure.licence and measure.source and measure.scoring and measure.title
        for item in measure.items:
            assert item.text and item.options
            assert len(set(item.values)) == len(item.values)
