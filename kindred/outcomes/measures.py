"""Validated outcome measures as data, and their scoring (issue 19, item 1).

A pure module: no Django import, so it can be used by the collection pages, the reports, the
command line and the tests alike. Each questionnaire is a :class:`Measure`: its items (with their
text and response options), how it is scored, its ranges, its bands, its licence and where it
comes from. :func:`score` scores one set of answers.

Sources (the wording and values below were taken from these; see also docs/outcomes.md):

- SWEMWBS: Stewart-Brown S, Tennant A, Tennant R, Platt S, Parkinson J, Weich S (2009). Internal
  construct validity of the Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch analysis
  using data from the Scottish Health Education Population Survey. Health and Quality of Life
  Outcomes 7:15. Raw 7-35 is converted to the metric score with the Rasch conversion table
  published by Warwick Medical School ("SWEMWBS conversion table", warwick.ac.uk/wemwbs, "Collect,
  score, analyse and interpret WEMWBS"). (c) NHS Health Scotland, University of Warwick and
  University of Edinburgh, 2008. Free to use, but each organisation must register with Warwick.
- UCLA 3-item loneliness scale: Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004). A short scale
  for measuring loneliness in large surveys. Research on Aging 26(6):655-672; with the ONS direct
  question, as recommended together in ONS (2018) "Measuring loneliness: guidance for use of the
  national indicators on surveys".
- ONS4: ONS personal well-being questions as asked on the Annual Population Survey (GSS
  harmonised standard "Personal well-being", 2019); thresholds as published by ONS (life
  satisfaction, worthwhile, happiness: 0-4 low, 5-6 medium, 7-8 high, 9-10 very high; anxiety:
  0-1 very low, 2-3 low, 4-5 medium, 6-10 high). The four items are never summed.
- PHQ-9: Kroenke K, Spitzer RL, Williams JB (2001). The PHQ-9: validity of a brief depression
  severity measure. J Gen Intern Med 16(9):606-613. Free to use (no permission required).
- GAD-7: Spitzer RL, Kroenke K, Williams JB, Lowe B (2006). A brief measure for assessing
  generalized anxiety disorder: the GAD-7. Arch Intern Med 166(10):1092-1097. Free to use.
- FFT: NHS England, Friends and Family Test guidance (2019, in use from April 2020): the
  mandatory question "Overall, how was your experience of our service?" and its six answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "MEASURES",
    "SWEMWBS_METRIC",
    "Band",
    "Item",
    "MeaningfulChange",
    "Measure",
    "Option",
    "Score",
    "get",
    "score",
]


@dataclass(frozen=True)
class Option:
    """One response option: the value stored and scored, and the words the person sees."""

    value: int
    label: str


@dataclass(frozen=True)
class Band:
    """A named range of a score, both ends included."""

    low: float
    high: float
    label: str

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Item:
    """One question. ``key`` is a stable machine name (used for ONS4's per-item results)."""

    number: int
    key: str
    text: str
    options: tuple[Option, ...]
    higher_is_better: bool = True
    bands: tuple[Band, ...] = ()
    # When an answer at or above this value must raise a safeguarding concern (PHQ-9 item 9).
    safeguarding_from: int | None = None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def label_for(self, value: int) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        raise ValueError(f"{value!r} is not one of this question's answers")


@dataclass(frozen=True)
class MeaningfulChange:
    """The change in one person's score taken to be meaningful, and where that comes from.

    ``points`` is in the units of the reported value (SWEMWBS metric points, PHQ-9 points...).
    When ``points`` is None the threshold is half the standard deviation of the baseline values
    (Norman GR, Sloan JA, Wyrwich KW (2003). Interpretation of changes in health-related quality
    of life: the remarkable universality of half a standard deviation. Med Care 41(5):582-592),
    used where no validated threshold exists.
    """

    points: float | None
    source: str


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    short_title: str
    preamble: str
    items: tuple[Item, ...]
    scoring: str
    # Raw total range, or None when the items are never summed (ONS4, FFT).
    raw_range: tuple[int, int] | None
    # Range of the reported value (for ONS4: of each item).
    value_range: tuple[float, float]
    higher_is_better: bool
    bands: tuple[Band, ...]
    meaningful_change: MeaningfulChange | None
    licence: str
    source: str
    # Other measures that should be asked at the same time (UCLA-3 with the ONS direct question).
    asked_with: tuple[str, ...] = ()
    summed: bool = True
    conversion: dict[int, float] = field(default_factory=dict)

    @property
    def safeguarding_items(self) -> tuple[Item, ...]:
        """Items whose answer can require a safeguarding concern (PHQ-9 item 9)."""
        return tuple(item for item in self.items if item.safeguarding_from is not None)

    def band_for(self, value: float) -> str | None:
        for band in self.bands:
            if band.holds(value):
                return band.label
        return None


@dataclass(frozen=True)
class Score:
    """One scored questionnaire.

    ``raw``: the raw total (None for ONS4, never summed, and for the FFT).
    ``value``: the reported value: the SWEMWBS metric score, the UCLA-3/PHQ-9/GAD-7 total, the
    four ONS4 item values (a tuple), the FFT answer.
    ``band``: the band where the instrument defines one (for ONS4 one per item, a tuple).
    ``safeguarding``: the numbers of the items whose answer requires a safeguarding concern
    (PHQ-9 item 9 answered above "Not at all"); empty when none.
    """

    code: str
    answers: tuple[int, ...]
    raw: int | None
    value: float | int | tuple[int, ...]
    band: str | tuple[str, ...] | None
    safeguarding: tuple[int, ...] = ()

    @property
    def needs_safeguarding(self) -> bool:
        return bool(self.safeguarding)


# --- SWEMWBS -------------------------------------------------------------------------------

_SWEMWBS_OPTIONS = (
    Option(1, "None of the time"),
    Option(2, "Rarely"),
    Option(3, "Some of the time"),
    Option(4, "Often"),
    Option(5, "All of the time"),
)

#: Raw score (7-35) to SWEMWBS metric score: the Rasch conversion table published by Warwick
#: Medical School (Stewart-Brown et al. 2009). Both ends are fixed (7 -> 7.00, 35 -> 35.00).
SWEMWBS_METRIC: dict[int, float] = {
    7: 7.00,
    8: 9.51,
    9: 11.25,
    10: 12.40,
    11: 13.33,
    12: 14.08,
    13: 14.75,
    14: 15.32,
    15: 15.84,
    16: 16.36,
    17: 16.88,
    18: 17.43,
    19: 17.98,
    20: 18.59,
    21: 19.25,
    22: 19.98,
    23: 20.73,
    24: 21.54,
    25: 22.35,
    26: 23.21,
    27: 24.11,
    28: 25.03,
    29: 26.02,
    30: 27.03,
    31: 28.13,
    32: 29.31,
    33: 30.70,
    34: 32.55,
    35: 35.00,
}

SWEMWBS = Measure(
    code="swemwbs",
    title="Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    short_title="Wellbeing (SWEMWBS)",
    preamble=(
        "Below are some statements about feelings and thoughts. Please choose the answer that "
        "best describes your experience of each over the last 2 weeks."
    ),
    items=tuple(
        Item(number, key, text, _SWEMWBS_OPTIONS)
        for number, key, text in (
            (1, "optimistic", "I've been feeling optimistic about the future"),
            (2, "useful", "I've been feeling useful"),
            (3, "relaxed", "I've been feeling relaxed"),
            (4, "problems", "I've been dealing with problems well"),
            (5, "thinking", "I've been thinking clearly"),
            (6, "close", "I've been feeling close to other people"),
            (7, "mind", "I've been able to make up my own mind about things"),
        )
    ),
    scoring=(
        "Sum the seven items (each 1-5) to a raw score of 7-35, then convert the raw score to "
        "the metric score (7.00-35.00) with the published Rasch conversion table. Report and "
        "analyse the metric score."
    ),
    raw_range=(7, 35),
    value_range=(7.0, 35.0),
    higher_is_better=True,
    # Warwick publishes no bands for SWEMWBS: none are invented here.
    bands=(),
    meaningful_change=MeaningfulChange(
        3.0,
        "Shah N, Cader M, Andrews WP, Wijesekera D, Stewart-Brown SL (2018). Responsiveness of "
        "the Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation a clinical "
        "sample. Health Qual Life Outcomes 16:239 (2.77 SEM = 2.87 points; 'a change of between "
        "1 and 3 points'); Warwick guidance uses 3 metric points for individual change.",
    ),
    licence=(
        "Free to use but each organisation must register with Warwick Medical School before use "
        "(warwick.ac.uk/wemwbs). Any copy must carry: Short Warwick Edinburgh Mental Wellbeing "
        "Scale (SWEMWBS) (c) NHS Health Scotland, University of Warwick and University of "
        "Edinburgh, 2008, all rights reserved."
    ),
    source="Stewart-Brown et al. (2009) Health Qual Life Outcomes 7:15; Warwick conversion table",
    conversion=SWEMWBS_METRIC,
)

# --- UCLA 3-item loneliness scale and the ONS direct question --------------------------------

_UCLA_OPTIONS = (
    Option(1, "Hardly ever or never"),
    Option(2, "Some of the time"),
    Option(3, "Often"),
)

UCLA3 = Measure(
    code="ucla3",
    title="UCLA three-item loneliness scale",
    short_title="Loneliness (UCLA-3)",
    preamble="The next questions are about how you feel about different aspects of your life.",
    items=tuple(
        Item(number, key, text, _UCLA_OPTIONS, higher_is_better=False)
        for number, key, text in (
            (1, "companionship", "How often do you feel that you lack companionship?"),
            (2, "left_out", "How often do you feel left out?"),
            (3, "isolated", "How often do you feel isolated from others?"),
        )
    ),
    scoring="Sum the three items (each 1-3) to a total of 3-9; higher means lonelier.",
    raw_range=(3, 9),
    value_range=(3.0, 9.0),
    higher_is_better=False,
    # No official cut-off: 6 or more is the convention used in UK survey analyses (for example
    # English Longitudinal Study of Ageing papers); ONS reports the scale as a score.
    bands=(Band(3, 5, "not often lonely"), Band(6, 9, "lonely")),
    meaningful_change=MeaningfulChange(
        None,
        "No validated minimal important change for the UCLA-3 has been published; half the "
        "baseline standard deviation is used (Norman, Sloan and Wyrwich 2003).",
    ),
    licence="Free to use (published in Hughes et al. 2004; recommended by ONS).",
    source="Hughes et al. (2004) Research on Aging 26(6):655-672; ONS (2018) loneliness guidance",
    asked_with=("ons_lonely",),
)

ONS_LONELY = Measure(
    code="ons_lonely",
    title="ONS direct question on loneliness",
    short_title="How often lonely (ONS)",
    preamble="",
    items=(
        Item(
            1,
            "lonely",
            "How often do you feel lonely?",
            (
                Option(1, "Often or always"),
                Option(2, "Some of the time"),
                Option(3, "Occasionally"),
                Option(4, "Hardly ever"),
                Option(5, "Never"),
            ),
        ),
    ),
    scoring=(
        "One question, reported as the share in each answer; 'Often or always' is what ONS "
        "calls chronic loneliness. Higher values mean less lonely."
    ),
    raw_range=(1, 5),
    value_range=(1.0, 5.0),
    higher_is_better=True,
    bands=(
        Band(1, 1, "chronic loneliness"),
        Band(2, 3, "some loneliness"),
        Band(4, 5, "hardly ever or never lonely"),
    ),
    meaningful_change=MeaningfulChange(1.0, "One answer category (a single ordinal question)."),
    licence="Crown copyright, Open Government Licence: free to use.",
    source="ONS (2018) Measuring loneliness: guidance for use of the national indicators",
    asked_with=("ucla3",),
)

# --- ONS4 personal well-being ----------------------------------------------------------------

_ZERO_TO_TEN = tuple(
    Option(n, {0: "0 - not at all", 10: "10 - completely"}.get(n, str(n))) for n in range(11)
)
_ONS_POSITIVE_BANDS = (
    Band(0, 4, "low"),
    Band(5, 6, "medium"),
    Band(7, 8, "high"),
    Band(9, 10, "very high"),
)
_ONS_ANXIETY_BANDS = (
    Band(0, 1, "very low"),
    Band(2, 3, "low"),
    Band(4, 5, "medium"),
    Band(6, 10, "high"),
)

ONS4 = Measure(
    code="ons4",
    title="ONS personal well-being (ONS4)",
    short_title="Personal well-being (ONS4)",
    preamble=(
        "Next are four questions about your feelings on aspects of your life. There are no right "
        "or wrong answers. For each, give an answer from 0 to 10, where 0 is 'not at all' and 10 "
        "is 'completely'."
    ),
    items=(
        Item(
            1,
            "life_satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
            _ZERO_TO_TEN,
            bands=_ONS_POSITIVE_BANDS,
        ),
        Item(
            2,
            "worthwhile",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile?",
            _ZERO_TO_TEN,
            bands=_ONS_POSITIVE_BANDS,
        ),
        Item(
            3,
            "happiness",
            "Overall, how happy did you feel yesterday?",
            _ZERO_TO_TEN,
            bands=_ONS_POSITIVE_BANDS,
        ),
        Item(
            4,
            "anxiety",
            "On a scale where 0 is 'not at all anxious' and 10 is 'completely anxious', overall, "
            "how anxious did you feel yesterday?",
            _ZERO_TO_TEN,
            higher_is_better=False,
            bands=_ONS_ANXIETY_BANDS,
        ),
    ),
    scoring=(
        "Four separate 0-10 items, never summed. Each is reported on its own (mean and the share "
        "in each ONS threshold band). For anxiety a lower score is better."
    ),
    raw_range=None,
    value_range=(0.0, 10.0),
    higher_is_better=True,
    bands=(),
    meaningful_change=MeaningfulChange(
        None,
        "ONS publishes no minimal important change for the personal well-being items; half the "
        "baseline standard deviation is used (Norman, Sloan and Wyrwich 2003).",
    ),
    licence="Crown copyright, Open Government Licence: free to use.",
    source="ONS Annual Population Survey; GSS harmonised standard 'Personal well-being' (2019)",
    summed=False,
)

# --- PHQ-9 and GAD-7 -------------------------------------------------------------------------

_FREQUENCY_OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

PHQ9 = Measure(
    code="phq9",
    title="Patient Health Questionnaire (PHQ-9)",
    short_title="Depression (PHQ-9)",
    preamble="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=(
        *(
            Item(number, key, text, _FREQUENCY_OPTIONS, higher_is_better=False)
            for number, key, text in (
                (1, "interest", "Little interest or pleasure in doing things"),
                (2, "down", "Feeling down, depressed, or hopeless"),
                (3, "sleep", "Trouble falling or staying asleep, or sleeping too much"),
                (4, "tired", "Feeling tired or having little energy"),
                (5, "appetite", "Poor appetite or overeating"),
                (
                    6,
                    "self",
                    "Feeling bad about yourself, or that you are a failure or have let yourself "
                    "or your family down",
                ),
                (
                    7,
                    "concentrating",
                    "Trouble concentrating on things, such as reading the newspaper or watching "
                    "television",
                ),
                (
                    8,
                    "moving",
                    "Moving or speaking so slowly that other people could have noticed, or the "
                    "opposite: being so fidgety or restless that you have been moving around a "
                    "lot more than usual",
                ),
            )
        ),
        Item(
            9,
            "self_harm",
            "Thoughts that you would be better off dead, or of hurting yourself in some way",
            _FREQUENCY_OPTIONS,
            higher_is_better=False,
            safeguarding_from=1,
        ),
    ),
    scoring=(
        "Sum the nine items (each 0-3) to a total of 0-27; higher means more severe. Any answer "
        "other than 'Not at all' to item 9 raises a safeguarding concern at once, whatever the "
        "total."
    ),
    raw_range=(0, 27),
    value_range=(0.0, 27.0),
    higher_is_better=False,
    bands=(
        Band(0, 4, "none or minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    meaningful_change=MeaningfulChange(
        6.0,
        "Reliable change on the PHQ-9 is 6 points (NHS Talking Therapies for anxiety and "
        "depression manual; NHS England). A 5-point change is the clinically significant change "
        "of Lowe et al. (2004) Med Care 42(12):1194-1201.",
    ),
    licence="Free to use; no permission needed (Pfizer; developed by Spitzer, Williams, Kroenke).",
    source="Kroenke, Spitzer and Williams (2001) J Gen Intern Med 16(9):606-613",
)

GAD7 = Measure(
    code="gad7",
    title="Generalised Anxiety Disorder assessment (GAD-7)",
    short_title="Anxiety (GAD-7)",
    preamble="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=tuple(
        Item(number, key, text, _FREQUENCY_OPTIONS, higher_is_better=False)
        for number, key, text in (
            (1, "nervous", "Feeling nervous, anxious or on edge"),
            (2, "worrying", "Not being able to stop or control worrying"),
            (3, "too_much", "Worrying too much about different things"),
            (4, "relaxing", "Trouble relaxing"),
            (5, "restless", "Being so restless that it is hard to sit still"),
            (6, "irritable", "Becoming easily annoyed or irritable"),
            (7, "afraid", "Feeling afraid as if something awful might happen"),
        )
    ),
    scoring="Sum the seven items (each 0-3) to a total of 0-21; higher means more severe.",
    raw_range=(0, 21),
    value_range=(0.0, 21.0),
    higher_is_better=False,
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
    meaningful_change=MeaningfulChange(
        4.0,
        "Reliable change on the GAD-7 is 4 points (NHS Talking Therapies for anxiety and "
        "depression manual; NHS England).",
    ),
    licence="Free to use; no permission needed (Pfizer; developed by Spitzer, Williams, Kroenke).",
    source="Spitzer, Kroenke, Williams and Lowe (2006) Arch Intern Med 166(10):1092-1097",
)

# --- Friends and Family Test style satisfaction ----------------------------------------------

FFT = Measure(
    code="fft",
    title="Friends and Family Test",
    short_title="Experience (FFT)",
    preamble="",
    items=(
        Item(
            1,
            "experience",
            "Overall, how was your experience of our service?",
            (
                Option(1, "Very good"),
                Option(2, "Good"),
                Option(3, "Neither good nor poor"),
                Option(4, "Poor"),
                Option(5, "Very poor"),
                Option(6, "Don't know"),
            ),
            higher_is_better=False,
        ),
    ),
    scoring=(
        "One question. Reported as the share of answers that are positive (very good or good) and "
        "negative (poor or very poor); 'Don't know' counts in neither."
    ),
    raw_range=None,
    value_range=(1.0, 6.0),
    higher_is_better=False,
    bands=(
        Band(1, 2, "positive"),
        Band(3, 3, "neutral"),
        Band(4, 5, "negative"),
        Band(6, 6, "don't know"),
    ),
    meaningful_change=None,
    licence="NHS England guidance: free to use.",
    source="NHS England, Using the Friends and Family Test to improve patient experience (2019)",
    summed=False,
)

#: Every measure, by code.
MEASURES: dict[str, Measure] = {
    measure.code: measure for measure in (SWEMWBS, UCLA3, ONS_LONELY, ONS4, PHQ9, GAD7, FFT)
}


def get(code: str) -> Measure:
    """The measure with this code; ValueError for an unknown code."""
    try:
        return MEASURES[code]
    except KeyError:
        known = ", ".join(sorted(MEASURES))
        raise ValueError(f"Unknown measure {code!r}: expected one of {known}") from None


def _check(measure: Measure, answers: Sequence[int]) -> tuple[int, ...]:
    if isinstance(answers, str | bytes):
        raise ValueError("Answers must be a sequence of whole numbers, one for each question")
    answers = tuple(answers)
    if len(answers) != len(measure.items):
        raise ValueError(
            f"{measure.short_title} has {len(measure.items)} questions "
            f"but {len(answers)} answers were given"
        )
    for item, answer in zip(measure.items, answers, strict=True):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ValueError(f"Question {item.number}: the answer must be a whole number")
        if answer not in item.values:
            low, high = min(item.values), max(item.values)
            raise ValueError(
                f"Question {item.number}: {answer} is not one of its answers ({low} to {high})"
            )
    return answers


def score(code: str, answers: Sequence[int]) -> Score:
    """Score one completed questionnaire.

    ``answers`` are the item values in the order of the measure's items. A wrong number of
    answers, or an answer that is not one of its item's options, raises ValueError.
    """
    measure = get(code)
    answers = _check(measure, answers)
    flagged = tuple(
        item.number
        for item, answer in zip(measure.items, answers, strict=True)
        if item.safeguarding_from is not None and answer >= item.safeguarding_from
    )
    if measure.code == "ons4":
        bands = tuple(
            next(band.label for band in item.bands if band.holds(answer))
            for item, answer in zip(measure.items, answers, strict=True)
        )
        return Score(measure.code, answers, raw=None, value=answers, band=bands)
    if not measure.summed:
        (answer,) = answers
        return Score(measure.code, answers, raw=None, value=answer, band=measure.band_for(answer))
    raw = sum(answers)
    value: float | int = measure.conversion[raw] if measure.conversion else raw
    return Score(
        measure.code,
        answers,
        raw=raw,
        value=value,
        band=measure.band_for(value),
        safeguarding=flagged,
    )
