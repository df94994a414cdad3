"""The list of volunteers as a CSV file (issue 12 item 6, ADR-093): the volunteers the list shows
with its stage and search, every page of them; name, stage, since when and how to reach them,
and nothing else of the record; audited with who was in it; coordinators only; the same queries
whatever the list's size."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.tests.csv_files import as_dicts, csv_rows, download
from kindred.volunteers import selectors
from kindred.volunteers.models import Stage
from kindred.volunteers.tests.factories import DbsCheckFactory, VolunteerFactory
from kindred.volunteers.views.exports import HEADER, volunteer_rows

pytestmark = pytest.mark.django_db
URL = reverse("volunteers:list_export")


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


def list_ids(client, query=""):
    """The volunteers the list shows with this query, every page of them, in order."""
    ids, number = [], 1
    while True:
        body = client.get(f"{reverse('volunteers:list')}?{query}&page={number}").content.decode()
        ids += re.findall(r'href="/volunteers/([0-9a-f-]{36})/"', body)
        if f"page={number + 1}" not in body:
            return ids
        number += 1


def test_the_file_holds_every_page_of_what_the_list_shows_with_its_filters(
    coordinator_client, organisation
):
    VolunteerFactory(organisation=organisation, given_name="Philippa", family_name="Oddie")
    VolunteerFactory(organisation=organisation, given_name="Philippa", family_name="Brand",
                     stage=Stage.PAUSED)  # fmt: skip
    VolunteerFactory(organisation=organisation, email="philippa.k@example.com",
                     stage=Stage.ENQUIRY)  # fmt: skip
    for n in range(52):  # more than one page of fifty
        VolunteerFactory(organisation=organisation, family_name=f"Zed{n:02}", given_name="Kim")
    VolunteerFactory(given_name="Philippa")  # another organisation's: never in the file
    sizes = {"": 55, "q=philippa": 3, "q=philippa&stage=paused": 1, "stage=enquiry": 1,
             "stage=bogus": 55, "stage=active&q=": 53}  # fmt: skip
    for query, size in sizes.items():
        in_file = [r["Volunteer id"] for r in as_dicts(csv_rows(coordinator_client.get(
            f"{URL}?{query}")))]  # fmt: skip
        assert len(in_file) == size, query
        assert in_file == list_ids(coordinator_client, query), query  # same rows, same order


def test_the_columns_are_name_stage_and_contact_details_and_nothing_else(
    coordinator_client, organisation
):
    volunteer = VolunteerFactory(
        organisation=organisation,
        given_name="Siân",
        family_name="Llewellyn",
        email="sian@example.com",
        phone="+44 7700 900789",
        postcode="SK4 1AA",
        why="I was helped through my own depression",
        has_had_support=True,
        stage=Stage.DBS_CHECK,
        stage_changed_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC),  # 1 July in London
    )
    DbsCheckFactory(volunteer=volunteer, certificate_number="009988776655")
    rows = csv_rows(coordinator_client.get(URL))
    assert tuple(rows[0]) == HEADER
    (row,) = as_dicts(rows)
    assert row == {
        "Volunteer id": str(volunteer.pk),
        "Given name": "Siân",
        "Family name": "Llewellyn",
        "Stage": "DBS check",
        "At this stage since": "2026-07-01",
        "Email": "sian@example.com",
        "Phone": "'+44 7700 900789",  # a leading + starts a formula in a spreadsheet
    }
    text = coordinator_client.get(URL).getvalue().decode()
    for not_shown in ["SK4", "depression", "009988776655", "7890"]:
        assert not_shown not in text


def test_each_download_is_audited_with_its_filters_and_who_is_in_it(
    coordinator_client, coordinator, organisation
):
    paused = [VolunteerFactory(organisation=organisation, stage=Stage.PAUSED) for _ in range(2)]
    VolunteerFactory(organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = coordinator_client.get(URL, {"stage": "paused", "q": " "})
    assert response["Content-Disposition"] == (
        f'attachment; filename="crafty-needles-volunteers-{timezone.localdate().isoformat()}.csv"'
    )
    rows = as_dicts(csv_rows(response))
    (exported,) = AuditEvent.objects.exclude(pk__in=before)
    assert exported.action == "volunteer_list.exported"
    assert exported.actor == coordinator and exported.organisation == organisation
    assert exported.detail == {
        "filters": {"stage": "paused", "search": ""},
        "rows": 2,
        "volunteers": sorted(str(v.pk) for v in paused),
    }
    assert {row["Volunteer id"] for row in rows} == set(exported.detail["volunteers"])


def test_the_file_never_holds_someone_the_audit_did_not_record(organisation):
    recorded = VolunteerFactory(organisation=organisation)
    VolunteerFactory(organisation=organisation)  # arrived between the audit and the file
    volunteers = selectors.volunteers_of(organisation=organisation)
    rows = list(volunteer_rows(volunteers, recorded={recorded.pk}))
    assert [row[0] for row in rows] == [recorded.pk]


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COORDINATOR}))
def test_only_coordinators_may_download_the_list(client_as, organisation, role):
    VolunteerFactory(organisation=organisation)
    before = AuditEvent.objects.count()
    response = client_as(role).get(URL)
    assert response.status_code == 403 and not response.streaming
    assert AuditEvent.objects.count() == before


def test_the_list_links_to_the_file_with_its_filters(coordinator_client, organisation):
    VolunteerFactory(
        organisation=organisation, given_name="Philippa", family_name="Okafor", stage=Stage.PAUSED
    )
    VolunteerFactory(organisation=organisation, given_name="Philippa", family_name="Okafor")
    body = coordinator_client.get(
        reverse("volunteers:list"), {"stage": "paused", "q": "Philippa Jo", "page": "1"}
    ).content.decode()
    assert "Download" not in body  # nobody is called "Philippa Jo": nothing to download
    body = coordinator_client.get(
        reverse("volunteers:list"), {"stage": "paused", "q": "philippa", "page": "1"}
    ).content.decode()
    link = re.search(r'<a href="([^"]*export\.csv[^"]*)">([^<]*)</a>', body)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href == f"{URL}?stage=paused&q=philippa"
    assert link.group(2) == "Download the 1 volunteer as a CSV file"
    assert len(csv_rows(coordinator_client.get(href))) - 1 == 1


def test_the_same_queries_whatever_the_lists_size(coordinator_client, organisation):
    VolunteerFactory.create_batch(3, organisation=organisation)
    coordinator_client.get(URL).getvalue()  # warm the session
    small, few = download(coordinator_client, URL)
    VolunteerFactory.create_batch(25, organisation=organisation)
    rows, many = download(coordinator_client, URL)
    assert len(small) - 1 == 3 and len(rows) - 1 == 28
    assert many == few
