"""Given a network whose organisations recorded questionnaires, when its commissioner signs in,
then they open the network's quarterly report from their home page, choose the quarter, see
each table with its definition and a chart beside it (no names anywhere), and download a table
as CSV (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.outcomes.tests.test_report import _pairs
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_commissioner_opens_the_quarterly_report_and_downloads_the_csv(
    page, make_user, organisation, password
):
    # Given two organisations of a network, one with 8 people's questionnaires answered in July
    OrganisationFactory(slug="maecare", name="MAEcare Leeds", network=organisation.network)
    _pairs(organisation, 8, before=3, after=4)
    organisation.people.update(family_name="Quarrington-Zed")
    helen = make_user(Role.COMMISSIONER, organisation=organisation, email="helen@example.com")

    # When Helen signs in, acting for Crafty Needles
    sign_in(page, helen.email, password)
    page.get_by_role("button", name="Act for Crafty Needles").click()
    expect(page.get_by_role("heading", name="Across the network")).to_be_visible()
    assert_accessible(page)

    # Then her home page leads to the quarterly report, where she chooses July to September
    page.get_by_role("link", name="See the quarterly report").click()
    page.get_by_label("Quarter", exact=True).select_option("2026Q3")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("July to September 2026")
    expect(page.get_by_text("MAEcare Leeds").first).to_be_visible()
    outcomes = page.get_by_role("region", name="Change in wellbeing measures")
    expect(outcomes.get_by_role("row").filter(has_text="Wellbeing (SWEMWBS)")).to_contain_text("10")
    expect(page.get_by_role("img", name="Volunteer hours, by organisation")).to_be_visible()
    assert "Quarrington-Zed" not in page.content()
    assert_accessible(page)

    # And she downloads the outcomes table as CSV
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Change in wellbeing measures, baseline to latest follow-up (CSV)"
        ).click()
    saved = download.value
    assert saved.suggested_filename == "stockport-2026Q3-outcomes.csv"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith('"Change in wellbeing measures, baseline to latest follow-up"')
    assert "Wellbeing (SWEMWBS),10," in text
