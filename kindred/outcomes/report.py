"""The commissioner's and network's quarterly report (issue 19, ADR-123): aggregate tables only,
each with its definition, every figure passed through small-number suppression
(`kindred.outcomes.suppression`) before it leaves this module. Nothing here names a person.

Each figure's definition lives once, beside the selector of the app that owns the data
(referrals, relationships, groups, volunteers); this module only combines and publishes them.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from kindred.accounts.models import Organisation
from kindred.groups import selectors as groups_selectors
from kindred.groups.models import GroupModel
from kindred.outcomes import analysis, economics, suppression
from kindred.outcomes.models import Collection as CollectionModel
from kindred.outcomes.models import (
    CollectionStatus,
    CostItem,
    HealthcareUse,
    Response,
    ServiceCost,
    TimePoint,
    UnitCost,
)
from kindred.referrals import selectors as referrals_selectors
from kindred.referrals.models import Source, Status
from kindred.relationships import selectors as relationships_selectors
from kindred.relationships.models import Kind
from kindred.volunteers import selectors as volunteers_selectors

LONDON = ZoneInfo("Europe/London")
QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<number>[1-4])$")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip

#: A figure with nobody behind it (no follow-ups yet, say).
NOT_AVAILABLE = "-"

PEOPLE_SUPPORTED = (
    "Distinct people who, during the period, had a one-to-one, befriending or peer mentoring "
    "relationship open on at least one day, or were named at a group session that was held. A "
    "referral that was declined, or never accepted, does not make anyone supported; merged "
    "records count once. "
)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q3' is July to September 2026."""
        match = QUARTER.match(text.strip().upper())
        if match is None:
            raise ValueError("Give the quarter as a year and quarter, like 2026Q3")
        return cls(int(match["year"]), int(match["number"]))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        following = (
            dt.date(self.year + 1, 1, 1)
            if self.number == 4
            else dt.date(self.year, 3 * self.number + 1, 1)
        )
        return following - dt.timedelta(days=1)

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=LONDON)

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the quarter."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        first, last = MONTH_NAMES[3 * self.number - 3], MONTH_NAMES[3 * self.number - 1]
        return f"{first} to {last} {self.year}"

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


@dataclass(frozen=True)
class Chart:
    """A bar chart of one published column: labels and the published (suppressed) values."""

    title: str
    description: str
    labels: list[str]
    values: list[float | None]


@dataclass
class Table:
    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[list[str]]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    scope: str
    quarter: Quarter
    organisations: list[str]
    tables: list[Table]
    caveats: list[str]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# Publishing: every number leaves through one of these ------------------------------------


def _counts_table(
    *,
    key: str,
    title: str,
    definition: str,
    row_labels: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    first_column: str,
    chart_column: int | None = 0,
    chart_title: str = "",
) -> Table:
    """A table of counts with a total row and column, suppressed as one (primary and secondary
    suppression: no suppressed cell can be worked out from the totals)."""
    if not counts:
        return Table(
            key=key, title=title, definition=definition,
            columns=[first_column, *columns, "Total"],
            rows=[["Total", *("0" for _ in range(len(columns) + 1))]],
        )  # fmt: skip
    published = suppression.publish_table(
        [list(row) for row in counts], rows=list(row_labels), columns=list(columns)
    )
    rows = published.as_rows()[1:]  # the header is the table's own columns
    chart = None
    if chart_column is not None and row_labels:
        values = [_number(row[chart_column + 1]) for row in rows[:-1]]
        chart = Chart(
            title=chart_title or title,
            description=(
                f"Bar chart of {columns[chart_column].lower()} by {first_column.lower()}. "
                "The table beside it holds the same figures; * marks a suppressed count."
            ),
            labels=list(row_labels),
            values=values,
        )
    return Table(
        key=key,
        title=title,
        definition=definition,
        columns=[first_column, *columns, "Total"],
        rows=rows,
        chart=chart,
    )


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("£", ""))
    except ValueError:
        return None


def _column(counts: list[int], labels: list[str]) -> list[str]:
    """One column of counts and its total, suppressed together (so the total gives no hidden
    count away): the published cells, the total last."""
    if not counts:
        return ["0"]
    published = suppression.publish_table(
        [[n] for n in counts], rows=labels, columns=["n"], row_totals=False
    )
    return [row[1] for row in published.as_rows()[1:]]


def suppression_count(n: int) -> str:
    """A count as published: 1 to 7 as *, others rounded to the nearest 5."""
    return str(suppression.publish_count(n))


def _mean_of(value: float | None, n: int, places: int = 1) -> str:
    """A mean, median or percentile of `n` people as published: not shown below 8."""
    published = suppression.publish_statistic(value, n, places=places)
    if published is None:
        return NOT_AVAILABLE
    if isinstance(published, str):
        return published
    return f"{published:.{places}f}"


def _mean(values: Sequence[float], *, places: int = 1) -> str:
    return _mean_of(statistics.fmean(values) if values else None, len(values), places=places)


# Building the report ----------------------------------------------------------------------


def to_json(report: Report) -> dict[str, Any]:
    """A built report as JSON (every figure is already published text), to keep (ADR-129)."""
    data = asdict(report)
    data["quarter"] = report.quarter.code
    return data


def from_json(data: dict[str, Any]) -> Report:
    tables = [
        Table(**{**t, "chart": Chart(**t["chart"]) if t.get("chart") else None})
        for t in data["tables"]
    ]
    return Report(
        title=data["title"],
        scope=data["scope"],
        quarter=Quarter.parse(data["quarter"]),
        organisations=list(data["organisations"]),
        tables=tables,
        caveats=list(data["caveats"]),
    )


def build(*, organisations: Sequence[Organisation], quarter: Quarter, scope: str) -> Report:
    """The whole report for these organisations (a network, or some of it) and quarter."""
    orgs = list(organisations)
    ids = [o.pk for o in orgs]
    names = [o.name for o in orgs]
    tables = [
        _referrals(ids, quarter),
        _waiting(orgs, quarter),
        _people_supported(ids, quarter),
        _relationships(orgs, quarter),
        _groups(orgs, quarter),
        _volunteers(orgs, quarter),
        *_outcomes(ids, quarter),
        _healthcare(ids, quarter),
        _costs(orgs, quarter),
        _unit_costs_used(ids),
    ]
    return Report(
        title=f"Peer support report: {scope}, {quarter.label}",
        scope=scope,
        quarter=quarter,
        organisations=names,
        tables=tables,
        caveats=[f"{c.title}: {c.text}" for c in economics.CAVEATS],
    )


def _referrals(ids: list[uuid.UUID], quarter: Quarter) -> Table:
    rows = referrals_selectors.referrals_received_between(
        organisation_ids=ids, start=quarter.starts_at, end=quarter.ends_at
    )
    outcome_of = {
        Status.RECEIVED: "Not yet decided",
        Status.ACCEPTED: "Accepted",
        Status.WAITING: "Accepted",
        Status.STARTED: "Accepted",
        Status.CLOSED: "Accepted",
        Status.DECLINED: "Declined",
    }
    columns = ["Accepted", "Declined", "Not yet decided"]
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _organisation, source, status, n in rows:
        by_source[source][columns.index(outcome_of.get(Status(status), "Not yet decided"))] += n
    sources = [s for s in Source if s.value in by_source]
    return _counts_table(
        key="referrals",
        title="Referrals received, by source and outcome",
        definition=referrals_selectors.REFERRALS_RECEIVED,
        row_labels=[str(s.label) for s in sources],
        columns=columns,
        counts=[by_source[s.value] for s in sources],
        first_column="Source",
        chart_title="Referrals accepted, by source",
    )


def _waiting(orgs: list[Organisation], quarter: Quarter) -> Table:
    waits = referrals_selectors.waits_between(
        organisation_ids=[o.pk for o in orgs], start=quarter.starts_at, end=quarter.ends_at
    )
    by_org: dict[object, list[float]] = defaultdict(list)
    for organisation_id, days in waits:
        by_org[organisation_id].append(days)
    everyone = [days for _o, days in waits]
    counted = _column([len(by_org[o.pk]) for o in orgs], [o.name for o in orgs])
    rows = []
    labelled = [*((o.name, by_org[o.pk]) for o in orgs), ("All", everyone)]
    for (label, values), published in zip(labelled, counted, strict=True):
        rows.append(
            [
                label,
                published,
                _mean_of(_median(values), len(values), places=1),
                _mean_of(_percentile(values, 90), len(values), places=1),
            ]
        )
    return Table(
        key="waiting",
        title="Waiting times to first contact (days)",
        definition=referrals_selectors.WAITING_TIME,
        columns=["Organisation", "Referrals", "Median days", "90th percentile days"],
        rows=rows,
        notes=["Medians and percentiles of fewer than 8 referrals are not shown (*)."],
    )


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _percentile(values: Sequence[float], percent: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _people_supported(ids: list[uuid.UUID], quarter: Quarter) -> Table:
    start, end = quarter.start, quarter.end
    one_to_one = relationships_selectors.supported_person_ids(
        organisation_ids=ids, start=start, end=end
    )
    at_groups = groups_selectors.supported_person_ids(organisation_ids=ids, start=start, end=end)
    by_model: dict[str, set[uuid.UUID]] = defaultdict(set)
    everyone: set[uuid.UUID] = set()
    for row in one_to_one:
        by_model[str(Kind(row["kind"]).label)].add(row["person_id"])
        everyone.add(row["person_id"])
    for row in at_groups:
        by_model[f"Groups: {GroupModel(row['model']).label}"].add(row["person_id"])
        everyone.add(row["person_id"])
    labels = [str(k.label) for k in Kind] + [f"Groups: {m.label}" for m in GroupModel]
    labels = [label for label in labels if by_model.get(label)]
    rows = [[label, suppression_count(len(by_model[label]))] for label in labels]
    rows.append(["Everyone (counted once)", suppression_count(len(everyone))])
    return Table(
        key="people_supported",
        title="People supported, by model of support",
        definition=(
            PEOPLE_SUPPORTED
            + relationships_selectors.SUPPORTED_ONE_TO_ONE
            + " "
            + groups_selectors.SUPPORTED_AT_GROUPS
        ),
        columns=["Model of support", "People"],
        rows=rows,
        chart=Chart(
            title="People supported, by model of support",
            description=(
                "Bar chart of people supported by each model of support in the quarter. "
                "The table beside it holds the same figures; * marks a suppressed count."
            ),
            labels=labels,
            values=[_number(row[1]) for row in rows[:-1]],
        ),
        notes=["One person supported in two ways appears in both rows, and once in the last row."],
    )


def _relationships(orgs: list[Organisation], quarter: Quarter) -> Table:
    figures = relationships_selectors.relationship_counts(
        organisation_ids=[o.pk for o in orgs], start=quarter.start, end=quarter.end
    )
    return _counts_table(
        key="relationships",
        title="Matches, active relationships and contacts",
        definition=" ".join(
            [
                "Matches: " + relationships_selectors.MATCHES,
                "Active: " + relationships_selectors.ACTIVE_RELATIONSHIPS,
                "Contacts: " + relationships_selectors.CONTACTS,
            ]
        ),
        row_labels=[o.name for o in orgs],
        columns=["Matches made", "Active relationships", "Contacts"],
        counts=[
            [figures[o.pk]["matches"], figures[o.pk]["active"], figures[o.pk]["contacts"]]
            for o in orgs
        ],
        first_column="Organisation",
        chart_column=2,
        chart_title="Contacts, by organisation",
    )


def _groups(orgs: list[Organisation], quarter: Quarter) -> Table:
    figures = groups_selectors.attendance_counts(
        organisation_ids=[o.pk for o in orgs], start=quarter.start, end=quarter.end
    )
    return _counts_table(
        key="groups",
        title="Group attendance",
        definition=groups_selectors.GROUP_ATTENDANCE,
        row_labels=[o.name for o in orgs],
        columns=["Sessions held", "Named", "Regulars", "Headcount"],
        counts=[
            [
                figures[o.pk]["sessions"],
                figures[o.pk]["named"],
                figures[o.pk]["regulars"],
                figures[o.pk]["headcount"],
            ]
            for o in orgs
        ],
        first_column="Organisation",
        chart_column=None,
    )


def _volunteers(orgs: list[Organisation], quarter: Quarter) -> Table:
    ids = [o.pk for o in orgs]
    active = volunteers_selectors.active_volunteer_counts(organisation_ids=ids)
    hours = volunteers_selectors.volunteer_hours_between(
        organisation_ids=ids, start=quarter.start, end=quarter.end
    )
    none = volunteers_selectors.HoursFigure(Decimal(0), Decimal(0))
    counted = _column([active.get(o.pk, 0) for o in orgs], [o.name for o in orgs])
    rows = []
    for o, published in zip(orgs, counted, strict=False):
        figure = hours.get(o.pk, none)
        rows.append([o.name, published, f"{figure.hours:,.0f}", f"£{figure.value:,.0f}"])
    total_hours = sum((f.hours for f in hours.values()), Decimal(0))
    total_value = sum((f.value for f in hours.values()), Decimal(0))
    rows.append(["All", counted[-1], f"{total_hours:,.0f}", f"£{total_value:,.0f}"])
    return Table(
        key="volunteers",
        title="Volunteers and their hours",
        definition=(
            "Active volunteers: "
            + volunteers_selectors.ACTIVE_VOLUNTEERS
            + " Hours: "
            + volunteers_selectors.VOLUNTEER_HOURS
        ),
        columns=["Organisation", "Active volunteers", "Hours", "Value of the hours"],
        rows=rows,
        chart=Chart(
            title="Volunteer hours, by organisation",
            description=(
                "Bar chart of the hours volunteers gave in the quarter, by organisation. "
                "The table beside it holds the same figures."
            ),
            labels=[o.name for o in orgs],
            values=[_number(row[2]) for row in rows[:-1]],
        ),
        notes=["Hours are a total of many entries, not a count of people, so are not rounded."],
    )


# Outcomes, healthcare use and costs -------------------------------------------------------


def _follow_ups_in(ids: list[uuid.UUID], quarter: Quarter) -> list[CollectionModel]:
    """Follow-ups completed in the quarter (the latest per referral), with their baselines."""
    return list(
        CollectionModel.objects.filter(
            organisation__in=ids,
            status=CollectionStatus.COMPLETED,
            closed_at__gte=quarter.starts_at,
            closed_at__lt=quarter.ends_at,
        )
        .exclude(time_point=TimePoint.BASELINE)
        .order_by("referral_id", "-due_on")
    )


def _pairs(
    ids: list[uuid.UUID], quarter: Quarter
) -> tuple[dict[str, list[tuple[object, float, float]]], int]:
    """Per measure: (baseline, follow-up) values of each referral with a follow-up completed
    in the quarter (its latest), and how many referrals that is."""
    follow_ups: dict[object, CollectionModel] = {}
    for collection in _follow_ups_in(ids, quarter):
        follow_ups.setdefault(collection.referral_id, collection)
    responses = Response.objects.filter(
        collection__referral_id__in=list(follow_ups),
        collection__status=CollectionStatus.COMPLETED,
    ).values_list("collection__referral_id", "collection_id", "collection__time_point",
                  "measure", "raw", "value")  # fmt: skip
    baseline: dict[tuple[object, str], float] = {}
    later: dict[tuple[object, str], float] = {}
    for referral_id, collection_id, point, measure, raw, value in responses:
        number = _score_number(raw, value)
        if number is None:
            continue
        if point == TimePoint.BASELINE:
            baseline[(referral_id, measure)] = number
        elif collection_id == follow_ups[referral_id].pk:
            later[(referral_id, measure)] = number
    pairs: dict[str, list[tuple[object, float, float]]] = defaultdict(list)
    for key, after in later.items():
        if key in baseline:
            pairs[key[1]].append((key[0], baseline[key], after))
    return pairs, len(follow_ups)


def _score_number(raw: object, value: object) -> float | None:
    """The number a measure reports: its value where that is one number, else its raw total."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(raw, int | float):
        return float(raw)
    return None


def _outcomes(ids: list[uuid.UUID], quarter: Quarter) -> list[Table]:
    pairs, _referrals = _pairs(ids, quarter)
    rows = []
    for measure in sorted(pairs):
        paired = [
            analysis.Pair(person=person, baseline=before, follow_up=after)
            for person, before, after in pairs[measure]
        ]
        change = analysis.paired_change(paired)
        n = change.n
        rows.append(
            [
                measures_name(measure),
                suppression_count(n),
                _mean_of(change.baseline_mean, n),
                _mean_of(change.follow_up_mean, n),
                _mean_of(change.mean_change, n),
                _interval(change.ci_low, change.ci_high, n),
                _share(_improved(paired, measure), n),
            ]
        )
    outcomes = Table(
        key="outcomes",
        title="Change in wellbeing measures, baseline to latest follow-up",
        definition=(
            "For each person with a follow-up completed in the quarter: their latest follow-up "
            "compared with their own baseline (paired). The interval is the 95% confidence "
            "interval of the mean change. A meaningful change uses the threshold documented "
            "for each measure in docs/outcomes.md."
        ),
        columns=[
            "Measure",
            "People",
            "Mean at baseline",
            "Mean at follow-up",
            "Mean change",
            "95% interval",
            "Share with a meaningful improvement",
        ],
        rows=rows,
    )
    completeness = _completeness(ids, quarter)
    return [outcomes, completeness]


def _improved(paired: list[analysis.Pair], measure: str) -> int | None:
    """How many improved by at least the measure's meaningful change; None where the measure
    defines none."""
    try:
        return analysis.meaningful_change(paired, measure).improved
    except ValueError:
        return None


def measures_name(code: str) -> str:
    from kindred.outcomes import measures  # the pure module; only its names are needed here

    instrument = measures.MEASURES.get(code)
    return instrument.short_title if instrument is not None else code


def _interval(low: float | None, high: float | None, n: int) -> str:
    if low is None or high is None or n < suppression.MIN_PEOPLE_FOR_STATISTIC:
        return suppression.SUPPRESSED
    return f"{low:.1f} to {high:.1f}"


def _share(count: int | None, n: int) -> str:
    if count is None:
        return "Not defined"
    share = suppression.publish_share(count, n)
    if share is None:
        return NOT_AVAILABLE
    return share if isinstance(share, str) else f"{share}%"


def _completeness(ids: list[uuid.UUID], quarter: Quarter) -> Table:
    """Time points due in the quarter, and what became of them: honest about missing data."""
    rows = (
        CollectionModel.objects.filter(
            organisation__in=ids, due_on__range=(quarter.start, quarter.end)
        )
        .values_list("time_point", "status")
        .order_by()
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    order = [CollectionStatus.COMPLETED, CollectionStatus.DECLINED,
             CollectionStatus.COULD_NOT_CONTACT, CollectionStatus.DUE]  # fmt: skip
    for point, status in rows:
        counts[point][order.index(CollectionStatus(status))] += 1
    points = [p for p in TimePoint if p.value in counts]
    return _counts_table(
        key="completeness",
        title="Questionnaires due in the quarter, and what became of them",
        definition=(
            "Time points (baseline, and follow-ups at the months each organisation chose) that "
            "fell due in the quarter: completed, declined, could not contact, or still due."
        ),
        row_labels=[str(p.label) for p in points],
        columns=["Completed", "Declined", "Could not contact", "Still due"],
        counts=[counts[p.value] for p in points],
        first_column="Time point",
        chart_column=None,
    )


USE_FIELDS = (
    ("gp_appointments", "GP appointments"),
    ("ae_attendances", "A&E attendances"),
    ("emergency_admissions", "Emergency admissions"),
    ("bed_days", "Bed days"),
)


UsePair = tuple[analysis.HealthcareUse, analysis.HealthcareUse]


def _use_pairs(ids: list[uuid.UUID], quarter: Quarter) -> list[UsePair]:
    """Each referral with a follow-up completed in the quarter: its baseline healthcare use
    and its latest follow-up's, where both were recorded."""
    follow_ups: dict[object, CollectionModel] = {}
    for collection in _follow_ups_in(ids, quarter):
        follow_ups.setdefault(collection.referral_id, collection)
    uses = HealthcareUse.objects.filter(
        collection__referral_id__in=list(follow_ups)
    ).values_list("collection__referral_id", "collection_id", "collection__time_point",
                  "collection__due_on", "source", *(name for name, _label in USE_FIELDS))  # fmt: skip
    baseline: dict[object, analysis.HealthcareUse] = {}
    later: dict[object, analysis.HealthcareUse] = {}
    for referral_id, collection_id, point, due_on, source, gp, ae, admissions, beds in uses:
        use = analysis.HealthcareUse(
            person=referral_id,
            occasion=point,
            recorded_on=due_on,
            gp_appointments=gp,
            ae_attendances=ae,
            emergency_admissions=admissions,
            bed_days=beds,
            reported_by=source,
        )
        if point == TimePoint.BASELINE:
            baseline[referral_id] = use
        elif collection_id == follow_ups[referral_id].pk:
            later[referral_id] = use
    return [(baseline[r], after) for r, after in later.items() if r in baseline]


def _healthcare(ids: list[uuid.UUID], quarter: Quarter) -> Table:
    pairs = _use_pairs(ids, quarter)
    n = len(pairs)
    rows = []
    for name, label in USE_FIELDS:
        before = [float(b.count(name)) for b, _a in pairs]
        after = [float(a.count(name)) for _b, a in pairs]
        rows.append([label, suppression_count(n), _mean(before, places=2), _mean(after, places=2)])
    return Table(
        key="healthcare",
        title="Healthcare use in the 3 months before baseline and before the latest follow-up",
        definition=(
            "GP appointments, A&E attendances, emergency admissions and hospital bed days in "
            "the previous 3 months, self-reported or from the referrer, for each person with a "
            "follow-up completed in the quarter and healthcare use at both time points. Means "
            "per person."
        ),
        columns=["Healthcare", "People", "Mean before", "Mean after"],
        rows=rows,
    )


def _costs(orgs: list[Organisation], quarter: Quarter) -> Table:
    ids = [o.pk for o in orgs]
    service_costs = [
        economics.ServiceCost(cost.note or cost.kind, cost.kind, _overlap_share(cost, quarter))
        for cost in ServiceCost.objects.filter(
            organisation__in=ids, starts_on__lte=quarter.end, ends_on__gte=quarter.start
        )
    ]
    supported = _supported_count(ids, quarter)
    cost = economics.cost_per_person(service_costs, supported)
    pairs = _use_pairs(ids, quarter)
    n = len(pairs)
    change = economics.healthcare_cost_change(
        pairs, _unit_costs(ids), seed=quarter.year * 10 + quarter.number
    )
    ratio = economics.savings_ratio(change, cost)
    per_person = float(cost.per_person) if cost.per_person is not None else None
    rows = [
        ["Cost of the service in the quarter", f"£{cost.total:,.0f}"],
        ["People supported", suppression_count(supported)],
        ["Cost per person supported", _money(per_person, supported)],
        ["People with healthcare use before and after", suppression_count(n)],
        ["Healthcare cost per person before (3 months)", _money(change.baseline_mean, n)],
        ["Healthcare cost per person after (3 months)", _money(change.follow_up_mean, n)],
        ["Saving in healthcare cost per person", _money(change.mean_saving, n)],
        [
            "95% interval of the saving (bootstrap)",
            _money_interval(change.ci_low, change.ci_high, n),
        ],
        ["Saved for each £1 spent", _ratio(ratio.ratio, n)],
    ]
    return Table(
        key="costs",
        title="Costs and value for money",
        definition=(
            "The service's own costs (staff, expenses, overheads) for days in the quarter; the "
            "cost per person supported; the change in each person's healthcare cost (their use "
            "priced with the unit costs, each with its value, year and source; hospital use per "
            "bed day) from baseline to the latest follow-up, with a seeded bootstrap 95% "
            "interval; and the saving for each £1 of the service's cost. Read with the caveats."
        ),
        columns=["Figure", "Value"],
        rows=rows,
        notes=["Read these figures with the caveats at the end of the report."],
    )


def _unit_costs_used(ids: list[uuid.UUID]) -> Table:
    """The unit costs that priced the healthcare use above, each with its year and source, so a
    reader can check them (a default Kindred could not check says so in its source)."""
    used = _unit_costs(ids)
    rows = [
        [str(CostItem(kind).label), f"£{used[kind].value:,.2f}", used[kind].year, used[kind].source]
        for kind in economics.UNIT_COST_KINDS
        if kind in used
    ]
    return Table(
        key="unit_costs",
        title="Unit costs used",
        definition=(
            "What one unit of each kind of healthcare was priced at: the organisations' own unit "
            "costs (their mean where they differ), else Kindred's published default, each with "
            "its price year and source."
        ),
        columns=["Cost of", "Value", "Price year", "Source"],
        rows=rows,
    )


def _overlap_share(cost: ServiceCost, quarter: Quarter) -> Decimal:
    """The part of a cost that falls in the quarter, by days."""
    days = (cost.ends_on - cost.starts_on).days + 1
    inside = (min(cost.ends_on, quarter.end) - max(cost.starts_on, quarter.start)).days + 1
    return (cost.amount * inside / days).quantize(Decimal("0.01")) if days > 0 else Decimal(0)


def _supported_count(ids: list[uuid.UUID], quarter: Quarter) -> int:
    return len(
        {
            p
            for people in supported_by_organisation(ids, quarter.start, quarter.end).values()
            for p in people
        }
    )


def supported_by_organisation(
    ids: list[uuid.UUID], start: dt.date, end: dt.date
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The people each organisation supported between start and end (PEOPLE_SUPPORTED), by
    id: the one definition the home page and the report share. Two queries."""
    people: dict[uuid.UUID, set[uuid.UUID]] = {i: set() for i in ids}
    for selector in (relationships_selectors, groups_selectors):
        for row in selector.supported_person_ids(organisation_ids=ids, start=start, end=end):
            people[row["organisation_id"]].add(row["person_id"])
    return people


def supported_counts(ids: list[uuid.UUID], start: dt.date, end: dt.date) -> dict[uuid.UUID, int]:
    """How many people each organisation supported between start and end (PEOPLE_SUPPORTED):
    what `supported_by_organisation` finds, counted in one query (the home page shows counts,
    and at city size that is ten thousand ids not read: ADR-126)."""
    ids = list(ids)
    each = [
        selector.supported_person_ids(organisation_ids=ids, start=start, end=end).values(
            "organisation_id", "person_id"
        )
        for selector in (relationships_selectors, groups_selectors)
    ]
    # UNION keeps each (organisation, person) once, whichever kind of support it came from.
    supported, params = each[0].union(each[1]).query.sql_with_params()
    counts = dict.fromkeys(ids, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, COUNT(*) FROM ({supported}) AS supported "  # noqa: S608
            "GROUP BY organisation_id",
            params,
        )
        for organisation_id, n in cursor.fetchall():
            counts[uuid.UUID(str(organisation_id))] = n
    return counts


def _unit_costs(ids: list[uuid.UUID]) -> dict[str, economics.UnitCost]:
    """Each kind's unit cost: the organisations' own (their mean, with every source named, where
    they differ), else the published default."""
    table = {cost.kind: cost for cost in economics.DEFAULT_UNIT_COSTS}
    found: dict[str, list[UnitCost]] = defaultdict(list)
    for cost in UnitCost.objects.filter(organisation__in=ids).order_by("item", "organisation_id"):
        found[cost.item].append(cost)
    for kind, costs in found.items():
        if kind not in economics.UNIT_COST_KINDS:
            continue
        value = sum((c.value for c in costs), Decimal(0)) / len(costs)
        table[kind] = economics.UnitCost(
            kind,
            value.quantize(Decimal("0.01")),
            max(c.year for c in costs),
            "; ".join(sorted({c.source for c in costs})),
        )
    return table


def _money(value: float | None, n: int) -> str:
    if value is None or n < suppression.MIN_PEOPLE_FOR_STATISTIC:
        return suppression.SUPPRESSED
    return f"£{value:,.0f}"


def _money_interval(low: float | None, high: float | None, n: int) -> str:
    if low is None or high is None or n < suppression.MIN_PEOPLE_FOR_STATISTIC:
        return suppression.SUPPRESSED
    return f"£{low:,.0f} to £{high:,.0f}"


def _ratio(ratio: float | None, n: int) -> str:
    if ratio is None or n < suppression.MIN_PEOPLE_FOR_STATISTIC:
        return suppression.SUPPRESSED
    return f"£{ratio:,.2f}"


def organisations_named(organisations: Iterable[Organisation]) -> str:
    return ", ".join(o.name for o in organisations)
