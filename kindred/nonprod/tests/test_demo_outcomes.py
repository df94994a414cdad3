"""Demo outcomes: a year of questionnaires, healthcare use and costs for the demo network, so
that the current quarter's report has real figures and some suppressed cells; seeding again
changes nothing."""

from django.utils import timezone

from kindred.accounts.tests.factories import NetworkFactory, OrganisationFactory
from kindred.nonprod.demo_outcomes import seed_outcomes
from kindred.outcomes.models import Collection, Response, ServiceCost, UnitCost
from kindred.outcomes.report import Quarter, build
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory


def test_the_current_quarters_report_has_figures_and_seeding_again_changes_nothing(db):
    network = NetworkFactory(slug="demo")
    organisations = [OrganisationFactory(network=network) for _ in range(2)]
    for organisation, how_many in zip(organisations, (30, 6), strict=True):
        ReferralFactory.create_batch(how_many, organisation=organisation, status=Status.ACCEPTED)
    seed_outcomes(network_slug="demo", log=lambda _: None)
    counts = (Collection.objects.count(), Response.objects.count(), ServiceCost.objects.count())
    assert counts[0] > 36 and counts[1] > 36 and UnitCost.objects.count() == 8
    seed_outcomes(network_slug="demo", log=lambda _: None)
    assert counts == (
        Collection.objects.count(), Response.objects.count(), ServiceCost.objects.count(),
    )  # fmt: skip
    report = build(
        organisations=organisations, quarter=Quarter.of(timezone.localdate()), scope="demo"
    )
    outcomes = report.table("outcomes").rows
    assert any(row[0] == "Wellbeing (SWEMWBS)" and row[1] not in ("0", "*") for row in outcomes)
    published = [cell for table in report.tables for row in table.rows for cell in row]
    assert "*" in published  # the smaller organisation's figures are suppressed
