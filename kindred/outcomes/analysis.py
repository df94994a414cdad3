"""Change over time, meaningful change, healthcare use and completeness (issue 19, item 4).

Pure functions over plain records (dataclasses), never ORM rows: the Django side turns its rows
into :class:`Observation`, :class:`HealthcareUse` and :class:`FollowUp` records and passes them
here. Every result carries ``n``, the number of people behind the figure, so that the reports can
show it and suppress small numbers (see :mod:`kindred.outcomes.suppression`).

Statistics:

- Paired change: the mean of each person's (follow-up - baseline), with a two-sided 95%
  confidence interval from Student's t distribution with n - 1 degrees of freedom
  (mean +/- t * sd / sqrt(n)); the same interval as ``scipy.stats.ttest_rel(...)
  .confidence_interval()``. At least 2 people are needed for an interval.
- Meaningful change: a person has improved (or worsened) when their change in the better (or
  worse) direction is at least the measure's threshold (``Measure.meaningful_change``; see
  docs/outcomes.md for the sources). Where no validated threshold exists the threshold is half
  the standard deviation of the baseline values (Norman, Sloan and Wyrwich 2003).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from scipy import stats

from kindred.outcomes import measures

__all__ = [
    "BASELINE",
    "COMPLETED",
    "COULD_NOT_CONTACT",
    "DECLINED",
    "DIMENSIONS",
    "FOLLOW_UP_STATUSES",
    "HEALTHCARE_USE_KINDS",
    "PENDING",
    "Change",
    "Completeness",
    "FollowUp",
    "HealthcareUse",
    "MeaningfulShare",
    "MeasureSummary",
    "Observation",
    "Pair",
    "Where",
    "completeness",
    "group_by",
    "healthcare_use_change",
    "meaningful_change",
    "pair_healthcare_use",
    "pair_up",
    "paired_change",
    "summarise",
]

BASELINE = "baseline"

#: What a follow-up can be when it is looked at: done, declined, could not contact, or not yet.
COMPLETED = "completed"
DECLINED = "declined"
COULD_NOT_CONTACT = "could_not_contact"
PENDING = "pending"
FOLLOW_UP_STATUSES = (COMPLETED, DECLINED, COULD_NOT_CONTACT, PENDING)

#: Healthcare use in the previous 3 months, as asked at baseline and each follow-up.
HEALTHCARE_USE_KINDS = ("gp_appointments", "ae_attendances", "emergency_admissions", "bed_days")

#: What figures can be broken down by.
DIMENSIONS = ("organisation", "model", "group", "network")


@dataclass(frozen=True)
class Where:
    """Who a record belongs to, for grouping: organisation, model of support, groups, network.

    ``groups`` is a tuple because one person can attend several peer-support groups; a record
    counts once in each of its groups.
    """

    organisation: str | None = None
    model: str | None = None
    groups: tuple[str, ...] = ()
    network: str | None = None


@dataclass(frozen=True)
class Observation:
    """One person's reported value on one measure at one occasion.

    ``value`` is the reported value (for ONS4 pass one item's value and ``item`` its key).
    ``occasion`` is ``"baseline"`` or the follow-up's name (``"3m"``, ``"6m"``, ``"12m"``...).
    """

    person: Hashable
    code: str
    occasion: str
    taken_on: date
    value: float
    item: str | None = None
    where: Where = field(default_factory=Where)


@dataclass(frozen=True)
class Pair:
    """One person's baseline and follow-up values. A follow-up before its baseline is refused."""

    person: Hashable
    baseline: float
    follow_up: float
    baseline_on: date | None = None
    follow_up_on: date | None = None
    where: Where = field(default_factory=Where)

    def __post_init__(self) -> None:
        if (
            self.baseline_on is not None
            and self.follow_up_on is not None
            and self.follow_up_on < self.baseline_on
        ):
            raise ValueError(
                f"The follow-up on {self.follow_up_on.isoformat()} is before its baseline on "
                f"{self.baseline_on.isoformat()}: a follow-up must come after the baseline"
            )
        for name in ("baseline", "follow_up"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"The {name.replace('_', '-')} value must be a number")

    @property
    def change(self) -> float:
        return self.follow_up - self.baseline


@dataclass(frozen=True)
class Change:
    """Paired change: means before and after, mean change and its confidence interval.

    Everything but ``n`` is None when there is nobody; the interval is None below 2 people.
    """

    n: int
    baseline_mean: float | None
    follow_up_mean: float | None
    mean_change: float | None
    sd_change: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float = 0.95


@dataclass(frozen=True)
class MeaningfulShare:
    """How many people improved, worsened or had no meaningful change, and the threshold used."""

    n: int
    improved: int
    worsened: int
    no_meaningful_change: int
    threshold: float | None
    source: str

    @property
    def share_improved(self) -> float | None:
        return self.improved / self.n if self.n else None

    @property
    def share_worsened(self) -> float | None:
        return self.worsened / self.n if self.n else None


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sd(values: Sequence[float]) -> float:
    """Sample standard deviation (n - 1)."""
    mean = _mean(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def paired_change(pairs: Sequence[Pair], confidence: float = 0.95) -> Change:
    """Mean change (follow-up - baseline) with a t-based confidence interval."""
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must be between 0 and 1, for example 0.95")
    n = len(pairs)
    if n == 0:
        return Change(0, None, None, None, None, None, None, confidence)
    changes = [pair.change for pair in pairs]
    baseline_mean = _mean([pair.baseline for pair in pairs])
    follow_up_mean = _mean([pair.follow_up for pair in pairs])
    mean_change = _mean(changes)
    if n < 2:
        return Change(1, baseline_mean, follow_up_mean, mean_change, None, None, None, confidence)
    sd = _sd(changes)
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return Change(
        n,
        baseline_mean,
        follow_up_mean,
        mean_change,
        sd,
        mean_change - half,
        mean_change + half,
        confidence,
    )


def _direction(code: str, item: str | None) -> tuple[bool, measures.MeaningfulChange | None]:
    measure = measures.get(code)
    if item is None:
        if not measure.summed and len(measure.items) > 1:
            raise ValueError(f"{measure.short_title} is never summed: give the item to analyse")
        return measure.higher_is_better, measure.meaningful_change
    for candidate in measure.items:
        if candidate.key == item:
            return candidate.higher_is_better, measure.meaningful_change
    raise ValueError(f"{measure.short_title} has no item {item!r}")


def meaningful_change(pairs: Sequence[Pair], code: str, item: str | None = None) -> MeaningfulShare:
    """Count people whose change in the better (worse) direction reaches the threshold.

    ``code`` names the measure (``item`` the ONS4 item). The threshold is the measure's published
    one, or half the sample standard deviation of the baseline values where none is published.
    """
    higher_is_better, rule = _direction(code, item)
    if rule is None:
        raise ValueError(f"{measures.get(code).short_title} has no meaningful-change threshold")
    n = len(pairs)
    threshold: float | None
    if rule.points is not None:
        threshold = rule.points
    elif n >= 2:
        threshold = 0.5 * _sd([pair.baseline for pair in pairs])
    else:
        threshold = None
    if threshold is None or n == 0:
        return MeaningfulShare(n, 0, 0, n, threshold, rule.source)
    improved = worsened = 0
    for pair in pairs:
        better = pair.change if higher_is_better else -pair.change
        # A threshold of 0 (everyone had the same baseline) would call any change meaningful.
        if threshold > 0 and better >= threshold:
            improved += 1
        elif threshold > 0 and -better >= threshold:
            worsened += 1
    return MeaningfulShare(n, improved, worsened, n - improved - worsened, threshold, rule.source)


@dataclass(frozen=True)
class MeasureSummary:
    """One measure's (or ONS4 item's) paired change and meaningful change, for one set of people."""

    code: str
    item: str | None
    change: Change
    meaningful: MeaningfulShare | None

    @property
    def n(self) -> int:
        return self.change.n


def summarise(pairs: Sequence[Pair], code: str, item: str | None = None) -> MeasureSummary:
    """Paired change and (where the measure has a threshold) meaningful change together."""
    has_threshold = measures.get(code).meaningful_change is not None
    return MeasureSummary(
        code,
        item,
        paired_change(pairs),
        meaningful_change(pairs, code, item) if has_threshold else None,
    )


def pair_up(
    observations: Iterable[Observation],
    code: str,
    follow_up: str | None = None,
    item: str | None = None,
) -> list[Pair]:
    """Pair each person's baseline with a follow-up on one measure (and ONS4 item).

    ``follow_up`` names the occasion (``"6m"``); None takes each person's latest follow-up.
    People without both are left out (completeness shows how many). A follow-up dated before
    its baseline raises ValueError.
    """
    baselines: dict[Hashable, Observation] = {}
    latest: dict[Hashable, Observation] = {}
    for observation in observations:
        if observation.code != code or observation.item != item:
            continue
        if observation.occasion == BASELINE:
            baselines[observation.person] = observation
        elif follow_up is None or observation.occasion == follow_up:
            current = latest.get(observation.person)
            if current is None or observation.taken_on > current.taken_on:
                latest[observation.person] = observation
    pairs = []
    for person, after in latest.items():
        before = baselines.get(person)
        if before is None:
            continue
        pairs.append(
            Pair(
                person,
                before.value,
                after.value,
                before.taken_on,
                after.taken_on,
                before.where,
            )
        )
    return pairs


# --- Healthcare use --------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthcareUse:
    """Healthcare use in the 3 months before ``recorded_on``: self-reported or from the referrer."""

    person: Hashable
    occasion: str
    recorded_on: date
    gp_appointments: int = 0
    ae_attendances: int = 0
    emergency_admissions: int = 0
    bed_days: int = 0
    reported_by: str = "self"
    where: Where = field(default_factory=Where)

    def __post_init__(self) -> None:
        for kind in HEALTHCARE_USE_KINDS:
            value = getattr(self, kind)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"{kind.replace('_', ' ').capitalize()} must be a whole number, 0 or more"
                )
        # 3 months is at most 92 days.
        if self.bed_days > 92:
            raise ValueError("Bed days in the previous 3 months cannot be more than 92")

    def count(self, kind: str) -> int:
        if kind not in HEALTHCARE_USE_KINDS:
            raise ValueError(f"Unknown kind of healthcare use {kind!r}")
        value: int = getattr(self, kind)
        return value


def pair_healthcare_use(
    records: Iterable[HealthcareUse], follow_up: str | None = None
) -> list[tuple[HealthcareUse, HealthcareUse]]:
    """Each person's baseline record with their chosen (or latest) follow-up record.

    A follow-up recorded before its baseline raises ValueError.
    """
    baselines: dict[Hashable, HealthcareUse] = {}
    latest: dict[Hashable, HealthcareUse] = {}
    for record in records:
        if record.occasion == BASELINE:
            baselines[record.person] = record
        elif follow_up is None or record.occasion == follow_up:
            current = latest.get(record.person)
            if current is None or record.recorded_on > current.recorded_on:
                latest[record.person] = record
    pairs = []
    for person, after in latest.items():
        before = baselines.get(person)
        if before is None:
            continue
        if after.recorded_on < before.recorded_on:
            raise ValueError(
                f"The follow-up on {after.recorded_on.isoformat()} is before its baseline on "
                f"{before.recorded_on.isoformat()}: a follow-up must come after the baseline"
            )
        pairs.append((before, after))
    return pairs


def healthcare_use_change(
    pairs: Sequence[tuple[HealthcareUse, HealthcareUse]], confidence: float = 0.95
) -> dict[str, Change]:
    """Per kind of use: mean per person over the previous 3 months before and after, the mean
    change and its t-based confidence interval, with the number of people."""
    result = {}
    for kind in HEALTHCARE_USE_KINDS:
        kind_pairs = [
            Pair(
                before.person,
                before.count(kind),
                after.count(kind),
                before.recorded_on,
                after.recorded_on,
            )
            for before, after in pairs
        ]
        result[kind] = paired_change(kind_pairs, confidence)
    return result


# --- Completeness of follow-up ---------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """One scheduled follow-up and what became of it."""

    person: Hashable
    occasion: str
    due_on: date
    status: str = PENDING
    where: Where = field(default_factory=Where)

    def __post_init__(self) -> None:
        if self.status not in FOLLOW_UP_STATUSES:
            raise ValueError(
                f"Unknown follow-up status {self.status!r}: expected one of "
                + ", ".join(FOLLOW_UP_STATUSES)
            )


@dataclass(frozen=True)
class Completeness:
    """Of the follow-ups due by a date: how many were done, declined, could not be contacted,
    or are still outstanding."""

    due: int
    completed: int
    declined: int
    could_not_contact: int
    outstanding: int

    @property
    def share_completed(self) -> float | None:
        return self.completed / self.due if self.due else None


def completeness(follow_ups: Iterable[FollowUp], as_of: date) -> Completeness:
    """Completeness of the follow-ups due on or before ``as_of`` (later ones are not yet due).

    A follow-up already done early counts as due and completed.
    """
    counts = dict.fromkeys(FOLLOW_UP_STATUSES, 0)
    for follow_up in follow_ups:
        if follow_up.due_on <= as_of or follow_up.status == COMPLETED:
            counts[follow_up.status] += 1
    return Completeness(
        due=sum(counts.values()),
        completed=counts[COMPLETED],
        declined=counts[DECLINED],
        could_not_contact=counts[COULD_NOT_CONTACT],
        outstanding=counts[PENDING],
    )


# --- Grouping --------------------------------------------------------------------------------

T = TypeVar("T")


def _keys(where: Where, dimension: str) -> tuple[str, ...]:
    if dimension == "group":
        return where.groups
    value = getattr(where, dimension)
    return (value,) if value is not None else ()


def group_by(
    records: Iterable[T], dimension: str, where: Callable[[T], Where] | None = None
) -> dict[str, list[T]]:
    """Split records by organisation, model of support, group or network.

    ``where`` finds a record's :class:`Where` (default: its ``where`` attribute). A record with
    no value for the dimension is left out; one in several groups is in each of them. Keys come
    out sorted, so reports are in a stable order.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(
            f"Unknown dimension {dimension!r}: expected one of {', '.join(DIMENSIONS)}"
        )

    def default(record: T) -> Where:
        found: Where = getattr(record, "where")  # noqa: B009 - any record type with a `where`
        return found

    locate = where or default
    grouped: dict[str, list[T]] = defaultdict(list)
    for record in records:
        for key in _keys(locate(record), dimension):
            grouped[key].append(record)
    return {key: grouped[key] for key in sorted(grouped)}
