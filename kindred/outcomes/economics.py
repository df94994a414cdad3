"""Cost-effectiveness: unit costs, service costs, healthcare cost change and the savings ratio
(issue 19, item 5; the pure maths only: the Django side stores the editable tables).

- A :class:`UnitCost` always has a value, a price year and a source; one without a source is
  refused. :data:`DEFAULT_UNIT_COSTS` are the defaults, each saying where it comes from and
  whether Kindred could check the figure against the publication (``verified``).
- Healthcare cost of one person's use in the previous 3 months = sum of (count x unit cost). By
  default hospital use is costed per bed day at the average non-elective cost per bed day
  (which includes treatment), and admissions are not costed again (ADR-122); ``hospital=
  "admissions"`` costs each emergency admission at the average non-elective spell cost instead.
- The change in healthcare cost per person (baseline - follow-up: positive is a saving) has a
  percentile bootstrap 95% confidence interval (numpy, seeded, 2000 resamples by default), so
  the same data always give the same interval.
- The savings ratio is the mean saving per person over the service's cost per person supported,
  always shown with :data:`CAVEATS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

from kindred.outcomes.analysis import HealthcareUse

__all__ = [
    "CAVEATS",
    "DEFAULT_UNIT_COSTS",
    "HOSPITAL_COSTING",
    "SERVICE_COST_CATEGORIES",
    "UNIT_COST_KINDS",
    "Caveat",
    "CostChange",
    "CostPerPerson",
    "SavingsRatio",
    "ServiceCost",
    "UnitCost",
    "bootstrap_mean_ci",
    "cost_per_person",
    "healthcare_cost_change",
    "savings_ratio",
    "unit_cost_table",
    "use_cost",
]

#: Unit cost kind -> the healthcare use count it prices.
UNIT_COST_KINDS: dict[str, str] = {
    "gp_appointment": "gp_appointments",
    "ae_attendance": "ae_attendances",
    "emergency_admission": "emergency_admissions",
    "bed_day": "bed_days",
}

HOSPITAL_COSTING = ("bed_days", "admissions")

SERVICE_COST_CATEGORIES = ("staff", "expenses", "overheads")


def _money(value: object, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be an amount of money")
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} must be an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be an amount of money, 0 or more")
    return amount


@dataclass(frozen=True)
class UnitCost:
    """The cost of one unit of healthcare use, in pounds, at ``year`` prices, from ``source``."""

    kind: str
    value: Decimal
    year: str
    source: str
    verified: bool = True

    def __post_init__(self) -> None:
        if self.kind not in UNIT_COST_KINDS:
            raise ValueError(
                f"Unknown unit cost {self.kind!r}: expected one of {', '.join(UNIT_COST_KINDS)}"
            )
        object.__setattr__(self, "value", _money(self.value, "A unit cost"))
        if not str(self.year or "").strip():
            raise ValueError("A unit cost needs the year its prices are for, for example 2023/24")
        if not str(self.source or "").strip():
            raise ValueError(
                "A unit cost needs its source, for example 'PSSRU Unit Costs of Health and "
                "Social Care 2024' or 'NHS National Cost Collection 2022/23'"
            )


#: Default unit costs. Edit them per organisation; each keeps its source and year.
DEFAULT_UNIT_COSTS: tuple[UnitCost, ...] = (
    UnitCost(
        "gp_appointment",
        Decimal("49"),
        "2022/23",
        "PSSRU Unit Costs of Health and Social Care 2023 (Jones et al., University of Kent, "
        "2024): GP, per surgery consultation of about 9 minutes, including direct care staff. "
        "Not verified: Kindred could not check this figure against the publication; check it "
        "against the current PSSRU manual before relying on it.",
        verified=False,
    ),
    UnitCost(
        "ae_attendance",
        Decimal("250"),
        "2022/23",
        "NHS National Cost Collection 2022/23, emergency medicine (A&E), approximate weighted "
        "average of all attendance types. Not verified: a round approximation; replace it with "
        "the figure from the current National Schedule of NHS Costs.",
        verified=False,
    ),
    UnitCost(
        "emergency_admission",
        Decimal("3000"),
        "2022/23",
        "NHS National Cost Collection 2022/23, non-elective spell, approximate average across "
        "short and long stays. Not verified: a round approximation; replace it with the figure "
        "from the current National Schedule of NHS Costs. Used only when hospital use is "
        "costed per admission.",
        verified=False,
    ),
    UnitCost(
        "bed_day",
        Decimal("901"),
        "2020/21",
        "NHS National Cost Collection 2020/21: average cost per non-elective bed day, including "
        "treatment, as given by the Department of Health and Social Care in answer to written "
        "question UIN 165361 (House of Commons, 2022-23 session). The cost of a standard bed day "
        "excluding diagnosis and treatment was given as GBP 345 (answer of 1 March 2023).",
        verified=True,
    ),
)


def unit_cost_table(unit_costs: Iterable[UnitCost]) -> dict[str, UnitCost]:
    """Unit costs by kind; a kind given twice is refused."""
    table: dict[str, UnitCost] = {}
    for unit_cost in unit_costs:
        if unit_cost.kind in table:
            raise ValueError(f"Two unit costs were given for {unit_cost.kind!r}")
        table[unit_cost.kind] = unit_cost
    return table


@dataclass(frozen=True)
class ServiceCost:
    """One line of the service's own costs over the period reported (staff, expenses, overheads)."""

    label: str
    category: str
    amount: Decimal

    def __post_init__(self) -> None:
        if not str(self.label or "").strip():
            raise ValueError("A service cost needs a description")
        if self.category not in SERVICE_COST_CATEGORIES:
            raise ValueError(
                f"Unknown service cost category {self.category!r}: expected one of "
                + ", ".join(SERVICE_COST_CATEGORIES)
            )
        object.__setattr__(self, "amount", _money(self.amount, "A service cost"))


@dataclass(frozen=True)
class CostPerPerson:
    total: Decimal
    people: int
    per_person: Decimal | None


def cost_per_person(service_costs: Iterable[ServiceCost], people_supported: int) -> CostPerPerson:
    """Total service cost over the period divided by the people supported in it."""
    if isinstance(people_supported, bool) or not isinstance(people_supported, int):
        raise ValueError("The number of people supported must be a whole number")
    if people_supported < 0:
        raise ValueError("The number of people supported cannot be negative")
    total = sum((cost.amount for cost in service_costs), Decimal(0))
    per_person = total / people_supported if people_supported else None
    return CostPerPerson(total, people_supported, per_person)


def use_cost(
    use: HealthcareUse,
    unit_costs: Mapping[str, UnitCost] | Iterable[UnitCost],
    hospital: str = "bed_days",
) -> Decimal:
    """The cost of one person's healthcare use over the previous 3 months."""
    if hospital not in HOSPITAL_COSTING:
        raise ValueError(f"Unknown hospital costing {hospital!r}: expected bed_days or admissions")
    table = unit_costs if isinstance(unit_costs, Mapping) else unit_cost_table(unit_costs)
    skip = "emergency_admission" if hospital == "bed_days" else "bed_day"
    total = Decimal(0)
    for kind, count_name in UNIT_COST_KINDS.items():
        if kind == skip:
            continue
        count = use.count(count_name)
        if not count:
            continue
        if kind not in table:
            raise ValueError(f"No unit cost was given for {kind.replace('_', ' ')}")
        total += table[kind].value * count
    return total


def bootstrap_mean_ci(
    values: Sequence[float] | np.ndarray,
    resamples: int = 2000,
    seed: int = 19,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile bootstrap confidence interval of the mean; None below 2 values.

    Seeded, so the same values always give the same interval.
    """
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must be between 0 and 1, for example 0.95")
    if resamples < 100:
        raise ValueError("Use at least 100 bootstrap resamples")
    data = np.asarray(values, dtype=float)
    n = data.size
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class CostChange:
    """Healthcare cost per person over the previous 3 months, before and after.

    ``mean_saving`` = baseline - follow-up (positive: costs fell), with its bootstrap interval.
    """

    n: int
    baseline_mean: float | None
    follow_up_mean: float | None
    mean_saving: float | None
    ci_low: float | None
    ci_high: float | None
    resamples: int
    seed: int
    hospital: str

    @property
    def total_saving(self) -> float | None:
        return None if self.mean_saving is None else self.mean_saving * self.n


def healthcare_cost_change(
    pairs: Sequence[tuple[HealthcareUse, HealthcareUse]],
    unit_costs: Mapping[str, UnitCost] | Iterable[UnitCost],
    hospital: str = "bed_days",
    resamples: int = 2000,
    seed: int = 19,
    confidence: float = 0.95,
) -> CostChange:
    """Change in healthcare cost per person with a seeded percentile bootstrap interval."""
    table = unit_costs if isinstance(unit_costs, Mapping) else unit_cost_table(unit_costs)
    n = len(pairs)
    if n == 0:
        return CostChange(0, None, None, None, None, None, resamples, seed, hospital)
    before = [float(use_cost(b, table, hospital)) for b, _ in pairs]
    after = [float(use_cost(a, table, hospital)) for _, a in pairs]
    savings = [b - a for b, a in zip(before, after, strict=True)]
    interval = bootstrap_mean_ci(savings, resamples, seed, confidence)
    return CostChange(
        n,
        math.fsum(before) / n,
        math.fsum(after) / n,
        math.fsum(savings) / n,
        interval[0] if interval else None,
        interval[1] if interval else None,
        resamples,
        seed,
        hospital,
    )


@dataclass(frozen=True)
class SavingsRatio:
    """Healthcare saving per person against the service's cost per person.

    ``ratio``: pounds saved per pound spent (None when the cost is 0 or unknown); its interval
    divides the saving's bootstrap interval by the (fixed) cost per person.
    """

    saving_per_person: float | None
    cost_per_person: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    n_outcomes: int
    n_supported: int

    def saved_per(self, invested: float) -> float | None:
        """Pounds saved for ``invested`` pounds spent ('GBP 270 saved per GBP 85 invested')."""
        return None if self.ratio is None else self.ratio * invested


def savings_ratio(change: CostChange, cost: CostPerPerson) -> SavingsRatio:
    per_person = None if cost.per_person is None else float(cost.per_person)
    if change.mean_saving is None or not per_person:
        return SavingsRatio(change.mean_saving, per_person, None, None, None, change.n, cost.people)

    def scaled(value: float | None) -> float | None:
        return None if value is None else value / per_person

    return SavingsRatio(
        change.mean_saving,
        per_person,
        change.mean_saving / per_person,
        scaled(change.ci_low),
        scaled(change.ci_high),
        change.n,
        cost.people,
    )


@dataclass(frozen=True)
class Caveat:
    title: str
    text: str


#: Shown beside every cost figure.
CAVEATS: tuple[Caveat, ...] = (
    Caveat(
        "Attribution",
        "These figures compare the same people before and after support, with no comparison "
        "group. Other services, life events and the passing of time also change how people use "
        "healthcare, so not all of the change can be put down to this service.",
    ),
    Caveat(
        "Deadweight",
        "People are often referred at a low point, when their use of healthcare is high, and "
        "many would have used less later anyway (regression to the mean). A before-and-after "
        "saving therefore overstates what the service itself saved.",
    ),
    Caveat(
        "Who saves",
        "Any saving falls to the NHS (GP practices, hospitals, the integrated care board), not "
        "to the organisation that pays for the service, and is rarely cash: freed appointments "
        "and beds are used by other patients.",
    ),
    Caveat(
        "How the figures were made",
        "Healthcare use is self-reported or from the referrer for the previous 3 months. Costs "
        "use national average unit costs (each shown with its source and year), not local "
        "prices. Only people with both a baseline and a follow-up are counted.",
    ),
)
