"""The pages: questionnaires recorded by a coordinator with NHS.UK field errors, costs, and the
report refused outside what the user may see; commissioners see only aggregates."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import OrganisationFactory
from kindred.outcomes.models import CollectionStatus, OutcomeSettings, UnitCost
from kindred.outcomes.tests.factories import baseline
from kindred.outcomes.tests.test_collection import GOOD
from kindred.outcomes.tests.test_report import _pairs


def _form(answers):
    return {f"{code}_{n}": str(v) for code, values in answers.items()
            for n, v in enumerate(values, start=1)}  # fmt: skip


def test_a_coordinator_records_answers_and_healthcare_use(client_as, organisation):
    collection = baseline(organisation)
    client = client_as(Role.COORDINATOR)
    url = reverse("outcomes:collection", kwargs={"collection_id": collection.pk})
    assert collection.person.given_name in client.get(reverse("outcomes:due")).content.decode()
    bad = {**_form(GOOD), "gp_appointments": "2"}  # the other three left empty
    page = client.post(url, bad)
    assert page.status_code == 200 and "Enter a number, or 0 if none" in page.content.decode()
    done = client.post(url, {**_form(GOOD), "gp_appointments": "2", "ae_attendances": "0",
                             "emergency_admissions": "0", "bed_days": "0", "source": "self"})  # fmt: skip
    assert done.status_code == 302
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.COMPLETED
    assert collection.healthcare_use.gp_appointments == 2


def test_declined_is_recorded_from_the_page(client_as, organisation):
    collection = baseline(organisation)
    client = client_as(Role.COORDINATOR)
    url = reverse("outcomes:collection_close", kwargs={"collection_id": collection.pk})
    assert client.post(url, {"status": "declined"}).status_code == 302
    collection.refresh_from_db()
    assert collection.status == CollectionStatus.DECLINED


def test_a_unit_cost_without_a_source_shows_a_field_error(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.post(
        reverse("outcomes:costs"),
        {"form": "unit", "item": "gp_appointment", "value": "42", "year": "2023/24", "source": ""},
    )
    assert page.status_code == 400
    assert "Enter where the cost comes from" in page.content.decode()
    assert not UnitCost.objects.exists()
    client.post(reverse("outcomes:costs"), {"form": "defaults"})
    assert UnitCost.objects.filter(organisation=organisation).count() == 4


def test_a_commissioner_sees_the_networks_report_with_no_names(client_as, organisation):
    neighbour = OrganisationFactory(network=organisation.network, name="MAEcare Leeds")
    _pairs(organisation, 8, before=3, after=4)
    organisation.people.update(family_name="Quarrington-Zed")  # a name no page says otherwise
    with time_machine.travel(dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)):
        client = client_as(Role.COMMISSIONER)
        page = client.get(reverse("outcomes:report") + "?quarter=2026Q3")
        body = page.content.decode()
        assert page.status_code == 200
        assert "Peer support report" in body and "July to September 2026" in body
        assert "MAEcare Leeds" in body and "What this counts" in body
        assert "Quarrington-Zed" not in body
        one = client.get(
            reverse("outcomes:report") + f"?quarter=2026Q3&organisation={neighbour.pk}"
        )
        assert one.status_code == 200
        csv = client.get(
            reverse("outcomes:report_csv", kwargs={"key": "outcomes"}) + "?quarter=2026Q3"
        )
        assert csv["Content-Type"].startswith("text/csv")
        assert "Wellbeing (SWEMWBS),10," in csv.content.decode()
        pdf = client.get(reverse("outcomes:report_pdf") + "?quarter=2026Q3")
        assert pdf.content.startswith(b"%PDF")
        chart = client.get(reverse("outcomes:report_chart", kwargs={"key": "volunteers"}))
        svg = chart.content.decode()
        assert chart["Content-Type"] == "image/svg+xml"
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "<script" not in svg


def test_a_report_outside_what_the_user_may_see_is_refused(
    client_as, organisation, other_organisation
):
    neighbour = OrganisationFactory(network=organisation.network, name="MAEcare Leeds")
    coordinator = client_as(Role.COORDINATOR)
    own = coordinator.get(reverse("outcomes:report"))
    assert own.status_code == 200 and "MAEcare Leeds" not in own.content.decode()
    assert (
        coordinator.get(reverse("outcomes:report") + f"?organisation={neighbour.pk}").status_code
        == 403
    )
    commissioner = client_as(Role.COMMISSIONER)
    assert (
        commissioner.get(
            reverse("outcomes:report") + f"?organisation={other_organisation.pk}"
        ).status_code
        == 403
    )
    assert commissioner.get(reverse("outcomes:report") + "?quarter=2026Q9").status_code == 404
    for role in (Role.VOLUNTEER, Role.FACILITATOR, Role.REFERRER, Role.SAFEGUARDING_LEAD):
        assert client_as(role).get(reverse("outcomes:report")).status_code == 403


def test_an_admin_chooses_which_questionnaires_are_asked_and_when(client_as, organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    url = reverse("outcomes:settings")
    page = client.get(url).content.decode()
    assert 'name="measures"' in page and 'value="12"' in page
    refused = client.post(url, {"follow_up_months": ["6"]})
    assert refused.status_code == 400
    assert "Select at least one questionnaire" in refused.content.decode()
    assert not OutcomeSettings.objects.filter(organisation=organisation).exists()
    assert client.post(url, {"measures": ["gad7"], "follow_up_months": ["4"]}).status_code == 400
    saved = client.post(url, {"measures": ["swemwbs", "ucla3"], "follow_up_months": ["6", "12"]})
    assert saved.status_code == 302
    chosen = OutcomeSettings.objects.get(organisation=organisation)
    assert chosen.measures == ["swemwbs", "ucla3"] and chosen.follow_up_months == [6, 12]
