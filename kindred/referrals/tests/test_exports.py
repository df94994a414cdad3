"""The referrals inbox as a CSV file (issue 12 item 6, ADR-093): the referrals the inbox lists with
its filters, every page of them; the columns the inbox shows and no more (no reasons, no triage
notes); audited, people recorded as viewed; coordinators only; the same queries whatever the
inbox's size."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.tests.csv_files import as_dicts, csv_rows, download
from kindred.referrals import selectors
from kindred.referrals.exports import HEADER, inbox_rows
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
URL = reverse("referrals:inbox_export")


def today():
    return timezone.localdate()


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


def inbox_ids(client, query=""):
    """The referrals the inbox lists with this query, every page of them, in order."""
    ids, number = [], 1
    while True:
        body = client.get(f"{reverse('referrals:inbox')}?{query}&page={number}").content.decode()
        # Each row's first cell links to its referral; a "likely a repeat of" link is not a row.
        ids += re.findall(r'<td><a href="/referrals/([0-9a-f-]{36})/"', body)
        if f"page={number + 1}" not in body:
            return ids
        number += 1


def test_the_file_holds_every_page_of_what_the_inbox_lists_with_its_filters(
    coordinator_client, organisation
):
    ReferralFactory(organisation=organisation, source="gp")
    ReferralFactory(organisation=organisation, source="job_centre", status=Status.ACCEPTED)
    late = ReferralFactory(
        organisation=organisation, first_contact_due=today() - dt.timedelta(days=2)
    )
    for n in range(52):  # more than one page of fifty
        ReferralFactory(organisation=organisation, source="self",
                        received_at=timezone.now() - dt.timedelta(minutes=n + 1))  # fmt: skip
    ReferralFactory()  # another organisation's: never in the file
    sizes = {"": 55, "status=accepted": 1, "source=gp": 1, "overdue=on": 1, "source=self": 52,
             "status=bogus": 55, "status=received&source=self": 52}  # fmt: skip
    for query, size in sizes.items():
        rows = as_dicts(csv_rows(coordinator_client.get(f"{URL}?{query}")))
        in_file = [row["Referral id"] for row in rows]
        assert len(in_file) == size, query
        assert in_file == inbox_ids(coordinator_client, query), query  # same rows, same order
    (overdue,) = as_dicts(csv_rows(coordinator_client.get(URL, {"overdue": "on"})))
    assert overdue["Referral id"] == str(late.pk) and overdue["Overdue"] == "Yes"


def test_the_columns_are_what_the_inbox_shows_and_no_reason_or_triage_note(
    coordinator_client, organisation
):
    referral = ReferralFactory(
        organisation=organisation,
        person__given_name="Edna",
        person__family_name="Moss",
        person__preferred_name="Eddie",
        person__phone="07700 900456",
        person__nhs_number="9434765919",
        source="gp",
        status=Status.DECLINED,
        reason="Secretly struggling with drink",
        decline_reason="Needs the crisis team instead",
        referrer_email="dr.who@practice.example",
        received_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC),  # 1 July in London
        first_contact_due=dt.date(2026, 7, 8),
    )
    rows = csv_rows(coordinator_client.get(URL))
    assert tuple(rows[0]) == HEADER
    (row,) = as_dicts(rows)
    assert row == {
        "Referral id": str(referral.pk),
        "Person id": str(referral.person_id),
        "Given name": "Edna",
        "Family name": "Moss",
        "Preferred name": "Eddie",
        "Referred by": "GP",
        "Received": "2026-07-01",
        "First contact by": "2026-07-08",
        "Overdue": "No",  # declined: nobody is waiting for first contact
        "Status": "Declined",
    }
    text = coordinator_client.get(URL).getvalue().decode()
    for not_shown in ["drink", "crisis team", "practice.example", "07700", "9434765919",
                      "943 476 5919"]:  # fmt: skip
        assert not_shown not in text


def test_a_referral_whose_name_starts_a_formula_is_written_as_text(
    coordinator_client, organisation
):
    ReferralFactory(organisation=organisation, person__given_name="@SUM(A1:A9)",
                    person__family_name="X")  # fmt: skip
    (row,) = as_dicts(csv_rows(coordinator_client.get(URL)))
    assert row["Given name"] == "'@SUM(A1:A9)" and row["Family name"] == "X"


def test_each_download_is_audited_with_its_filters_and_the_people_in_it_as_viewed(
    coordinator_client, coordinator, organisation
):
    from_gp = [ReferralFactory(organisation=organisation, source="gp") for _ in range(2)]
    ReferralFactory(organisation=organisation, source="self")
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = coordinator_client.get(URL, {"source": "gp"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="crafty-needles-referrals-{today().isoformat()}.csv"'
    )
    rows = as_dicts(csv_rows(response))
    written = AuditEvent.objects.exclude(pk__in=before)
    assert sorted(written.values_list("action", flat=True)) == [
        "person.viewed",
        "referral_inbox.exported",
    ]
    exported = written.get(action="referral_inbox.exported")
    assert exported.actor == coordinator and exported.organisation == organisation
    assert exported.detail == {
        "filters": {"status": "", "source": "gp", "overdue": False},
        "rows": 2,
    }
    viewed = written.get(action="person.viewed")
    assert viewed.detail["page"] == "referrals inbox (CSV download)"
    assert (
        set(viewed.detail["people"])
        == {row["Person id"] for row in rows}
        == {str(r.person_id) for r in from_gp}
    )


def test_the_file_never_holds_someone_the_audit_did_not_record(organisation):
    recorded = ReferralFactory(organisation=organisation)
    ReferralFactory(organisation=organisation)  # arrived between the audit and the file
    referrals = selectors.referrals_of(organisation=organisation)
    rows = list(inbox_rows(referrals, people={recorded.person_id}))
    assert [row[0] for row in rows] == [recorded.pk]


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COORDINATOR}))
def test_only_coordinators_may_download_the_inbox(client_as, organisation, role):
    """Even safeguarding leads, who read the inbox."""
    ReferralFactory(organisation=organisation)
    before = AuditEvent.objects.count()
    response = client_as(role).get(URL)
    assert response.status_code == 403 and not response.streaming
    assert AuditEvent.objects.count() == before


def test_a_safeguarding_lead_is_offered_no_download(client_as, organisation):
    ReferralFactory(organisation=organisation)
    body = client_as(Role.SAFEGUARDING_LEAD).get(reverse("referrals:inbox")).content.decode()
    assert "export.csv" not in body and "CSV" not in body


def test_the_inbox_links_to_the_file_with_its_filters(coordinator_client, organisation):
    for _ in range(3):
        ReferralFactory(organisation=organisation, source="gp")
    body = coordinator_client.get(
        reverse("referrals:inbox"), {"source": "gp", "page": "1"}
    ).content.decode()
    link = re.search(r'<a href="([^"]*export\.csv[^"]*)">([^<]*)</a>', body)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith(URL + "?") and "source=gp" in href and "page=" not in href
    assert link.group(2) == "Download all 3 referrals as a CSV file"
    rows = csv_rows(coordinator_client.get(href))
    assert len(rows) - 1 == 3


def test_the_same_queries_whatever_the_inboxs_size(coordinator_client, organisation):
    for n in range(3):
        ReferralFactory(organisation=organisation,
                        first_contact_due=today() + dt.timedelta(days=n - 1))  # fmt: skip
    coordinator_client.get(URL).getvalue()  # warm the session
    few = {q: download(coordinator_client, f"{URL}?{q}")[1] for q in ("", "overdue=on")}
    for _ in range(25):
        ReferralFactory(organisation=organisation,
                        first_contact_due=today() - dt.timedelta(days=1))  # fmt: skip
    for query in ("", "overdue=on"):
        rows, many = download(coordinator_client, f"{URL}?{query}")
        assert len(rows) - 1 == (28 if not query else 26)
        assert many == few[query], query
