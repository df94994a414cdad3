"""The caseload as a CSV file (issue 12 item 6, ADR-093): the relationships the page lists with its
filters, every page of them; the columns the page shows and no more; audited, people recorded as
viewed; coordinators only; the same queries whatever the caseload's size."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.tests.csv_files import as_dicts, csv_rows, download
from kindred.relationships import selectors
from kindred.relationships.exports import HEADER, caseload_rows
from kindred.relationships.models import Status
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
URL = reverse("relationships:caseload_export")


def today():
    return timezone.localdate()


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


def page_ids(client, query=""):
    """The relationships the caseload page lists with this query, every page of them."""
    ids, number = [], 1
    while True:
        body = client.get(f"{reverse('relationships:caseload')}?{query}&page={number}").content
        found = re.findall(r'href="/relationships/([0-9a-f-]{36})/"', body.decode())
        ids += [i for i in found if i not in ids]
        if f"page={number + 1}" not in body.decode():
            return ids
        number += 1


def test_the_file_holds_every_page_of_what_the_caseload_lists_with_its_filters(
    coordinator_client, organisation
):
    quiet = [
        RelationshipFactory(organisation=organisation, last_contact_on=today() - dt.timedelta(days=40))
        for _ in range(3)
    ]  # fmt: skip
    worried = RelationshipFactory(organisation=organisation, last_contact_on=today())
    ContactFactory(relationship=worried, feeling="very_worried")
    paused = RelationshipFactory(organisation=organisation, status=Status.PAUSED,
                                 person__given_name="Zephyrine", last_contact_on=today())  # fmt: skip
    ended = RelationshipFactory(organisation=organisation, status=Status.ENDED,
                                ended_on=today(), last_contact_on=today())  # fmt: skip
    for _ in range(52):  # more than one page of fifty
        RelationshipFactory(organisation=organisation, last_contact_on=today(), supporters=[])
    RelationshipFactory(last_contact_on=today())  # another organisation's: never in the file
    queries = ["", "worried=on", "quiet=on", "status=paused", "status=", "status=ended",
               "q=Zephyrine", "status=bogus", "review_due=on", "quiet=on&status=active"]  # fmt: skip
    expected_sizes = {"": 57, "worried=on": 1, "quiet=on": 3, "status=paused": 1, "status=": 58,
                      "status=ended": 1, "q=Zephyrine": 1}  # fmt: skip
    for query in queries:
        rows = as_dicts(csv_rows(coordinator_client.get(f"{URL}?{query}")))
        in_file = [row["Relationship id"] for row in rows]
        assert in_file == page_ids(coordinator_client, query), query  # same rows, same order
        if query in expected_sizes:
            assert len(in_file) == expected_sizes[query], query
    assert {r["Relationship id"] for r in as_dicts(csv_rows(coordinator_client.get(
        URL, {"quiet": "on"})))} == {str(r.pk) for r in quiet}  # fmt: skip
    only = as_dicts(csv_rows(coordinator_client.get(URL, {"status": "paused"})))
    assert [r["Relationship id"] for r in only] == [str(paused.pk)]
    assert str(ended.pk) not in {r["Relationship id"] for r in as_dicts(csv_rows(
        coordinator_client.get(URL)))}  # fmt: skip


def test_the_columns_are_what_the_page_shows_and_nothing_the_page_does_not(
    coordinator_client, organisation, relationship, supporter
):
    relationship.last_contact_on = today() - dt.timedelta(days=40)
    relationship.next_review_on = today() - dt.timedelta(days=1)
    relationship.save()
    second = VolunteerFactory(organisation=organisation, given_name="Asha", family_name="Patel")
    gone = VolunteerFactory(organisation=organisation, given_name="Gone", family_name="Before")
    relationship.supporter_links.create(volunteer=second, joined_on=today())
    relationship.supporter_links.create(volunteer=gone, joined_on=today() - dt.timedelta(days=90),
                                        left_on=today() - dt.timedelta(days=31))  # fmt: skip
    contact = ContactFactory(relationship=relationship, feeling="a_bit_worried",
                             happened_on=today() - dt.timedelta(days=41),
                             note="=HYPERLINK(\"http://evil.example\")")  # fmt: skip
    concern_on(relationship, contact=contact, detail="Maud mentioned money worries")
    relationship.person.preferred_name = "=Mo"
    relationship.person.save()

    rows = csv_rows(coordinator_client.get(URL))
    assert tuple(rows[0]) == HEADER
    (row,) = as_dicts(rows)
    assert row == {
        "Relationship id": str(relationship.pk),
        "Person id": str(relationship.person_id),
        "Given name": "Maud",
        "Family name": "Ashworth",
        "Preferred name": "'=Mo",  # a formula, written as text
        "Kind of support": relationship.get_kind_display(),
        "Supporters": "Tom Hughes, Asha Patel",  # current supporters only, as on the page
        "Status": "Active",
        "Last contact": (today() - dt.timedelta(days=40)).isoformat(),
        "Next contact due": (today() - dt.timedelta(days=26)).isoformat(),
        "Gone quiet": "Yes",
        "Concern not yet answered": "Yes",
        "Worried in the last 30 days": "No",  # the worried contact was 41 days ago
        "Review due": "Yes",
    }
    text = coordinator_client.get(URL).getvalue().decode()
    for not_shown in ["07700 900123", "Mill Lane", "money worries", "evil.example",
                      relationship.person.nhs_number or "no-nhs-number", "Gone Before"]:  # fmt: skip
        assert not_shown not in text


def test_a_person_whose_name_starts_a_formula_is_written_as_text(coordinator_client, organisation):
    RelationshipFactory(organisation=organisation, person__given_name="=cmd|' /C calc'!A0",
                        person__family_name="Smith")  # fmt: skip
    (row,) = as_dicts(csv_rows(coordinator_client.get(URL)))
    assert row["Given name"] == "'=cmd|' /C calc'!A0" and row["Family name"] == "Smith"


def test_the_download_is_named_for_the_organisation_and_day_and_never_cached(
    coordinator_client, organisation, relationship
):
    response = coordinator_client.get(URL)
    assert response["Content-Disposition"] == (
        f'attachment; filename="crafty-needles-caseload-{today().isoformat()}.csv"'
    )
    assert "no-store" in response["Cache-Control"]


def test_each_download_is_audited_with_its_filters_and_the_people_in_it_as_viewed(
    coordinator_client, coordinator, organisation
):
    worried = [RelationshipFactory(organisation=organisation) for _ in range(2)]
    for relationship in worried:
        ContactFactory(relationship=relationship, feeling="very_worried")
    RelationshipFactory(organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    rows = as_dicts(csv_rows(coordinator_client.get(URL, {"worried": "on", "q": ""})))
    written = AuditEvent.objects.exclude(pk__in=before)
    exported = written.get(action="caseload.exported")
    assert exported.actor == coordinator and exported.organisation == organisation
    assert exported.detail == {
        "filters": {"status": "open", "quiet": False, "review_due": False, "worried": True,
                    "search": ""},
        "rows": 2,
    }  # fmt: skip
    viewed = written.get(action="person.viewed")
    assert viewed.detail["page"] == "caseload (CSV download)"
    assert (
        set(viewed.detail["people"])
        == {row["Person id"] for row in rows}
        == {str(r.person_id) for r in worried}
    )
    assert written.count() == 2


def test_the_file_never_holds_someone_the_audit_did_not_record(organisation):
    """A relationship that comes to match the filters between the audit and the file (a second
    person here) is left out of the file."""
    recorded = RelationshipFactory(organisation=organisation)
    arrived = RelationshipFactory(organisation=organisation)
    relationships = selectors.caseload(organisation=organisation, today=today())
    rows = list(caseload_rows(relationships, today=today(), people={recorded.person_id}))
    assert [row[0] for row in rows] == [recorded.pk]
    assert arrived.pk not in {row[0] for row in rows}


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COORDINATOR}))
def test_only_coordinators_may_download_the_caseload(client_as, organisation, relationship, role):
    client = client_as(role)
    before = AuditEvent.objects.count()
    response = client.get(URL)
    assert response.status_code == 403
    assert not response.streaming
    assert AuditEvent.objects.filter(action="caseload.exported").count() == 0
    assert AuditEvent.objects.count() == before


def test_another_organisations_coordinator_downloads_only_their_own(
    sign_in, make_user, other_organisation, organisation, relationship
):
    theirs = RelationshipFactory(organisation=other_organisation)
    client = sign_in(make_user(Role.COORDINATOR, organisation=other_organisation),
                     other_organisation)  # fmt: skip
    response = client.get(URL)
    assert response["Content-Disposition"].endswith(f'elsewhere-caseload-{today()}.csv"')
    rows = as_dicts(csv_rows(response))
    assert [r["Relationship id"] for r in rows] == [str(theirs.pk)]


def test_posting_is_refused(coordinator_client):
    assert coordinator_client.post(URL).status_code == 405


def test_the_same_queries_whatever_the_caseloads_size(coordinator_client, organisation):
    def grow(n):
        for _ in range(n):
            RelationshipFactory(organisation=organisation, last_contact_on=today(), supporters=[
                VolunteerFactory(organisation=organisation),
                VolunteerFactory(organisation=organisation),
            ])  # fmt: skip

    grow(3)
    coordinator_client.get(URL).getvalue()  # warm the session
    # Unfiltered, and with the filter whose selector first reads the rhythms in use.
    few = {query: download(coordinator_client, URL, {query: "on"} if query else None)
           for query in ("", "worried")}  # fmt: skip
    grow(25)
    many = {query: download(coordinator_client, URL, {query: "on"} if query else None)
            for query in ("", "worried")}  # fmt: skip
    assert len(few[""][0]) - 1 == 3 and len(many[""][0]) - 1 == 28
    assert all(len(row["Supporters"].split(", ")) == 2 for row in as_dicts(many[""][0]))
    assert many[""][1] == few[""][1] and many["worried"][1] == few["worried"][1]


def test_the_caseload_page_links_to_the_file_with_its_filters(
    client_as, organisation, relationship
):
    body = (
        client_as(Role.COORDINATOR)
        .get(reverse("relationships:caseload"), {"worried": "", "status": "active", "page": "1"})
        .content.decode()
    )
    link = re.search(r'<a href="([^"]*export\.csv[^"]*)">([^<]*)</a>', body)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith(URL + "?") and "status=active" in href and "page=" not in href
    assert link.group(2) == "Download the 1 relationship as a CSV file"
    assert (
        "export.csv"
        not in client_as(Role.COORDINATOR)
        .get(reverse("relationships:caseload"), {"status": "paused"})
        .content.decode()
    )  # nothing to download


def test_someone_in_two_relationships_is_recorded_once(coordinator_client, organisation):
    person = RelationshipFactory(organisation=organisation, status=Status.ENDED).person
    RelationshipFactory(organisation=organisation, person=person)
    assert len(csv_rows(coordinator_client.get(URL, {"status": ""}))) == 3
    viewed = AuditEvent.objects.get(action="person.viewed", detail__page="caseload (CSV download)")
    assert viewed.detail["people"] == [str(person.pk)]
    assert AuditEvent.objects.get(action="caseload.exported").detail["rows"] == 2
