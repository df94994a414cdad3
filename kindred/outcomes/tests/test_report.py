"""The quarterly report on a small data set checked by hand, suppression on every published
table, the counts that mean what they say (the commissioner's home page), and the report's
query count at two sizes."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core.services import Acting
from kindred.outcomes import economics, measures, services
from kindred.outcomes.models import TimePoint, UnitCost
from kindred.outcomes.report import Quarter, build
from kindred.outcomes.tests.factories import scheduled
from kindred.referrals.models import Source, Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.models import Stage
from kindred.volunteers.tests.factories import VolunteerFactory

Q3 = Quarter.parse("2026Q3")
COUNT_TABLES = ("referrals", "relationships", "groups", "completeness", "people_supported")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def test_a_quarter_is_three_calendar_months():
    assert (Q3.start, Q3.end, Q3.label) == (
        dt.date(2026, 7, 1), dt.date(2026, 9, 30), "July to September 2026",
    )  # fmt: skip
    assert Quarter.parse("2026q4").end == dt.date(2026, 12, 31)
    assert Quarter.of(dt.date(2026, 2, 14)) == Quarter(2026, 1)
    for bad in ("2026Q5", "26Q1", "2026-07"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def _answers(swemwbs: int) -> dict[str, list[int]]:
    return {"swemwbs": [swemwbs] * 7, "ucla3": [2, 2, 2], "ons_lonely": [3], "phq9": [0] * 9}


def _pairs(organisation, count: int, *, before: int, after: int) -> None:
    """`count` people with a baseline in April and a 3-month follow-up answered in July."""
    by = Acting.system("test", organisation=organisation)
    for _ in range(count):
        points = scheduled(organisation, on=dt.date(2026, 4, 1))
        use = services.UseFigures(4, 2, 1, 3)
        with time_machine.travel(_at(dt.date(2026, 4, 2)), tick=False):
            services.collection_complete(
                by=by, collection_id=points[TimePoint.BASELINE].pk, answers=_answers(before),
                use=use,
            )  # fmt: skip
        with time_machine.travel(_at(dt.date(2026, 7, 3)), tick=False):
            services.collection_complete(
                by=by, collection_id=points[TimePoint.MONTH_3].pk, answers=_answers(after),
                use=services.UseFigures(2, 0, 0, 0),
            )  # fmt: skip


@pytest.fixture
def hand_checked(organisation):
    """12 GP referrals accepted and 3 self-referrals declined in July; 10 first contacted after
    1 to 10 days; 9 befriending relationships; 8 people with SWEMWBS 21 -> 28."""
    july = _at(dt.date(2026, 7, 6))
    for days in range(1, 11):
        ReferralFactory(
            organisation=organisation, source=Source.GP, status=Status.ACCEPTED,
            received_at=july, first_contact_at=july + dt.timedelta(days=days),
        )  # fmt: skip
    ReferralFactory.create_batch(
        2, organisation=organisation, source=Source.GP, status=Status.ACCEPTED, received_at=july
    )
    ReferralFactory.create_batch(
        3, organisation=organisation, source=Source.SELF, status=Status.DECLINED, received_at=july
    )
    RelationshipFactory.create_batch(
        9, organisation=organisation, introduced_on=dt.date(2026, 5, 1),
        started_on=dt.date(2026, 5, 8),
    )  # fmt: skip
    _pairs(organisation, 8, before=3, after=4)
    return organisation


def test_the_hand_checked_figures(hand_checked):
    report = build(organisations=[hand_checked], quarter=Q3, scope="Crafty Needles")
    referrals = {row[0]: row[1:] for row in report.table("referrals").rows}
    # columns: accepted, declined, not yet decided, total
    assert referrals["Themselves"][1] == "*"  # 3 declined: a small number
    assert referrals["Total"][-1] == "15"  # 15 referrals in all
    # 12 GP referrals accepted: rounded to 10, unless hidden so the 3 cannot be worked out
    assert referrals["GP"][0] in ("10", "*")
    waiting = {row[0]: row[1:] for row in report.table("waiting").rows}
    waits = list(range(1, 11))
    assert waiting["All"] == [
        "10",
        f"{statistics.median(waits):.1f}",  # 5.5
        f"{statistics.quantiles(waits, n=100, method='inclusive')[89]:.1f}",  # 9.1
    ]
    supported = {row[0]: row[1] for row in report.table("people_supported").rows}
    assert supported["Befriending"] == "10"  # 9 people, rounded
    assert supported["Everyone (counted once)"] == "10"
    outcomes = {row[0]: row[1:] for row in report.table("outcomes").rows}
    wellbeing = outcomes["Wellbeing (SWEMWBS)"]
    change = measures.SWEMWBS_METRIC[28] - measures.SWEMWBS_METRIC[21]
    assert wellbeing[0] == "10"  # 8 people
    assert wellbeing[1] == f"{measures.SWEMWBS_METRIC[21]:.1f}"
    assert wellbeing[2] == f"{measures.SWEMWBS_METRIC[28]:.1f}"
    assert wellbeing[3] == f"{change:.1f}"
    assert wellbeing[5] == "100%"  # everyone improved by more than the threshold
    healthcare = {row[0]: row[1:] for row in report.table("healthcare").rows}
    assert healthcare["GP appointments"] == ["10", "4.00", "2.00"]
    assert healthcare["Bed days"] == ["10", "3.00", "0.00"]
    completeness = {row[0]: row[1:] for row in report.table("completeness").rows}
    assert completeness[str(TimePoint.MONTH_3.label)][0] == "10"  # 8 completed, rounded
    # Nothing in it names anyone.
    hand_checked.people.update(family_name="Quarrington-Zed")
    again = build(organisations=[hand_checked], quarter=Q3, scope="Crafty Needles")
    assert "Quarrington-Zed" not in repr(again)


def test_means_of_fewer_than_8_people_are_not_shown(organisation):
    _pairs(organisation, 7, before=3, after=4)
    report = build(organisations=[organisation], quarter=Q3, scope="x")
    wellbeing = {row[0]: row[1:] for row in report.table("outcomes").rows}["Wellbeing (SWEMWBS)"]
    assert wellbeing[:5] == ["*", "*", "*", "*", "*"]
    costs = dict(report.table("costs").rows)
    assert costs["Saving in healthcare cost per person"] == "*"


def _published_counts_are_safe(report) -> None:
    for key in COUNT_TABLES:
        for row in report.table(key).rows:
            for cell in row[1:]:
                assert cell == "*" or (cell.isdigit() and int(cell) % 5 == 0), (key, row)


def test_suppression_is_applied_to_every_published_table(hand_checked):
    neighbour = OrganisationFactory(network=hand_checked.network, name="MAEcare")
    ReferralFactory.create_batch(
        4, organisation=neighbour, source=Source.GP, received_at=_at(dt.date(2026, 8, 1))
    )
    report = build(organisations=[hand_checked, neighbour], quarter=Q3, scope="network")
    _published_counts_are_safe(report)
    for table in report.tables:
        assert table.definition, table.key
        for row in table.rows:
            for cell in row:
                assert not (cell.isdigit() and 1 <= int(cell) <= 7), (table.key, row)


def test_people_supported_counts_neither_declined_nor_unaccepted_referrals(
    organisation, make_user, sign_in
):
    """Issue 19 item 8: the commissioner's home page used to count everyone with a record."""
    ReferralFactory.create_batch(9, organisation=organisation, status=Status.DECLINED)
    ReferralFactory.create_batch(9, organisation=organisation, source=Source.SELF)  # never seen
    VolunteerFactory.create_batch(9, organisation=organisation, stage=Stage.ENQUIRY)
    commissioner = make_user(Role.COMMISSIONER, organisation=organisation)
    page = sign_in(commissioner, organisation).get(reverse("core:home")).content.decode()
    numeric = '<td class="nhsuk-table__cell--numeric">'
    assert f"<tr><td>Crafty Needles</td>{numeric}0</td>{numeric}0</td>" in page
    RelationshipFactory.create_batch(10, organisation=organisation)  # 10 supported, 10 volunteers
    VolunteerFactory.create_batch(2, organisation=organisation, stage=Stage.ACTIVE)
    page = sign_in(commissioner, organisation).get(reverse("core:home")).content.decode()
    assert f"<tr><td>Crafty Needles</td>{numeric}10</td>{numeric}10</td>" in page
    assert "What these figures count" in page


def test_the_home_pages_active_volunteers_match_the_recruitment_board(organisation):
    from kindred.volunteers import selectors as volunteers_selectors  # the board's own count

    VolunteerFactory.create_batch(3, organisation=organisation, stage=Stage.ACTIVE)
    VolunteerFactory.create_batch(2, organisation=organisation, stage=Stage.INDUCTION)
    board = {
        column.stage: column.count
        for column in volunteers_selectors.pipeline_board(organisation=organisation)
    }
    counts = volunteers_selectors.active_volunteer_counts(organisation_ids=[organisation.pk])
    assert counts[organisation.pk] == board[Stage.ACTIVE] == 3


def _queries_for_report(organisations) -> int:
    with CaptureQueriesContext(connection) as queries:
        build(organisations=organisations, quarter=Q3, scope="network")
    return len(queries)


def test_the_reports_queries_do_not_grow_with_the_data(organisation):
    _pairs(organisation, 1, before=2, after=3)
    small = _queries_for_report([organisation])
    _pairs(organisation, 3, before=2, after=3)
    RelationshipFactory.create_batch(5, organisation=organisation)
    others = [OrganisationFactory(network=organisation.network) for _ in range(3)]
    for other in others:
        _pairs(other, 2, before=3, after=4)
    large = _queries_for_report([organisation, *others])
    assert large == small


def test_the_report_names_each_unit_cost_it_used_with_its_year_and_source(hand_checked):
    UnitCost.objects.create(
        organisation=hand_checked, item="gp_appointment", value=Decimal("42.00"), year="2024/25",
        source="Our practice's own costing",
    )  # fmt: skip
    report = build(organisations=[hand_checked], quarter=Q3, scope="network")
    used = {row[0]: row[1:] for row in report.table("unit_costs").rows}
    assert used["GP appointment"] == ["£42.00", "2024/25", "Our practice's own costing"]
    # Where the organisation set none, Kindred's default, whose source says if it was checked.
    default = economics.DEFAULT_UNIT_COSTS
    bed_day = next(c for c in default if c.kind == "bed_day")
    assert used["Hospital bed day"] == [f"£{bed_day.value:,.2f}", bed_day.year, bed_day.source]


def test_the_home_pages_count_of_people_supported_is_the_reports(organisation, coordinator):
    """The network panel counts in SQL (ADR-126) exactly whom the report's definition finds:
    someone supported both one to one and at a group once, each organisation apart."""
    from kindred.groups import services as groups_services
    from kindred.groups.tests.factories import make_group
    from kindred.outcomes.report import supported_by_organisation, supported_counts
    from kindred.people.tests.factories import PersonFactory

    by = Acting(user=coordinator, organisation=organisation, ip_address="192.0.2.1")
    both = PersonFactory(organisation=organisation)
    RelationshipFactory(organisation=organisation, person=both)
    RelationshipFactory.create_batch(3, organisation=organisation)
    group = make_group(organisation)
    members = [
        groups_services.member_add(by=by, group=group, person=person)
        for person in (both, PersonFactory(organisation=organisation))
    ]
    groups_services.attendance_record(
        by=by, session=group.sessions.order_by("starts_at")[0], expected="scheduled",
        members=members, regulars=[], headcount=0,
    )  # fmt: skip
    other = OrganisationFactory()
    RelationshipFactory(organisation=other)
    ids = [organisation.pk, other.pk]
    today = timezone.localdate()
    found = supported_by_organisation(ids, Quarter.of(today).start, today)
    counted = supported_counts(ids, Quarter.of(today).start, today)
    assert counted == {i: len(people) for i, people in found.items()}
    assert counted == {organisation.pk: 5, other.pk: 1}
