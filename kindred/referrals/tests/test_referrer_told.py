"""What the referrer is told on their "Your referrals" page (issue 13, item 5a; ADR-098): what
happened to each referral, within what the person agreed to share; a declined referral's reason
as a category, never the coordinator's own note."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people.services import consent_record
from kindred.referrals import selectors, services
from kindred.referrals.models import DeclineCategory, Referral, Source, Status
from kindred.referrals.tests.factories import ReferralFactory

MINE = reverse("referrals:mine")
NOTE = "Coordinator's private note: she swore at our volunteer"


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


@pytest.fixture
def nurse(make_user, organisation):
    return make_user(Role.REFERRER, organisation=organisation)


@pytest.fixture
def nurse_client(sign_in, nurse, organisation):
    return sign_in(nurse, organisation)


def referral_by(nurse, organisation, *, shared=True, name="Edna", **fields):
    return ReferralFactory(
        organisation=organisation,
        referrer_user=nurse,
        consent_share_with_referrer=shared,
        person_as_sent={"given_name": name, "family_name": "Moss"},
        **fields,
    )


def row_of(page: str, name: str) -> str:
    start = page.index(f"<td>{name} Moss</td>")
    return page[start : page.index("</tr>", start)]


def test_declining_records_the_category_and_audits_it(organisation, by):
    referral = ReferralFactory(organisation=organisation)
    services.referral_decline(
        by=by,
        referral_id=referral.pk,
        expected="received",
        category=DeclineCategory.COULD_NOT_CONTACT,
        reason=NOTE,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_category, referral.decline_reason) == (
        Status.DECLINED,
        "could_not_contact",
        NOTE,
    )
    entry = AuditEvent.objects.for_record(referral).get(action="referral.declined")
    assert entry.detail["category"] == "could_not_contact"


@pytest.mark.parametrize("category", ["", "because", "declined"])
def test_declining_without_a_known_category_is_refused_and_changes_nothing(
    organisation, by, category
):
    referral = ReferralFactory(organisation=organisation)
    with pytest.raises(services.ReferralError, match="Choose why"):
        services.referral_decline(
            by=by, referral_id=referral.pk, expected="received", category=category, reason="x"
        )
    referral.refresh_from_db()
    assert (referral.status, referral.decline_category) == (Status.RECEIVED, "")
    assert not AuditEvent.objects.filter(action="referral.declined").exists()


def test_the_decline_form_asks_for_a_category_and_bad_input_changes_nothing(
    client_as, organisation
):
    referral = ReferralFactory(organisation=organisation)
    client = client_as(Role.COORDINATOR)
    url = reverse("referrals:decline", kwargs={"referral_id": referral.pk})
    page = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    assert 'name="category"' in page.content.decode()
    refused = client.post(url, {"expected": "received", "category": "made_up", "reason": "x"})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert Referral.objects.get().status == Status.RECEIVED
    client.post(url, {"expected": "received", "category": "no_capacity", "reason": NOTE})
    referral.refresh_from_db()
    assert referral.decline_category == "no_capacity"
    shown = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    assert "We have no capacity at the moment" in shown.content.decode()


def test_the_referrer_sees_each_step_and_the_decline_category_never_the_note(
    organisation, by, nurse, nurse_client
):
    accepted = referral_by(nurse, organisation, name="Ada")
    waiting = referral_by(nurse, organisation, name="Bea")
    started = referral_by(nurse, organisation, name="Cat")
    declined = referral_by(nurse, organisation, name="Dot")
    closed = referral_by(nurse, organisation, name="Eve")
    services.referral_accept(by=by, referral_id=accepted.pk, expected="received")
    for referral in (waiting, started, closed):
        services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    services.referral_wait(by=by, referral_id=waiting.pk, expected="accepted")
    services.referral_start(by=by, referral_id=started.pk, expected="accepted")
    services.referral_close(
        by=by, referral_id=closed.pk, expected="accepted", outcome="completed", note="Secret close"
    )
    services.referral_decline(
        by=by,
        referral_id=declined.pk,
        expected="received",
        category=DeclineCategory.ELSEWHERE,
        reason=NOTE,
        signposted_to="Stockport IAPT",
    )
    referral_by(nurse, organisation, name="Fay")

    page = nurse_client.get(MINE).content.decode()
    assert "Accepted" in row_of(page, "Ada")
    assert "Waiting for a match or place" in row_of(page, "Bea")
    assert "Support started" in row_of(page, "Cat")
    dot = row_of(page, "Dot")
    assert "Declined" in dot and "Better served by another service" in dot
    assert "Stockport IAPT" in dot
    assert "Closed" in row_of(page, "Eve") and "Support finished as planned" in row_of(page, "Eve")
    assert "Received" in row_of(page, "Fay")
    assert "private note" not in page and "Secret close" not in page


def test_without_consent_the_referrer_sees_only_received(organisation, by, nurse, nurse_client):
    referral = referral_by(nurse, organisation, shared=False)
    services.referral_decline(
        by=by,
        referral_id=referral.pk,
        expected="received",
        category=DeclineCategory.NOT_ELIGIBLE,
        reason=NOTE,
        signposted_to="Stockport IAPT",
    )
    row = row_of(nurse_client.get(MINE).content.decode(), "Edna")
    assert "Received" in row and "Updates are not shared" in row
    assert "Declined" not in row and "Not eligible" not in row and "IAPT" not in row


def test_a_later_withdrawal_on_the_record_stops_what_the_referrer_sees(
    organisation, by, nurse, nurse_client
):
    referral = referral_by(nurse, organisation)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    assert "Accepted" in row_of(nurse_client.get(MINE).content.decode(), "Edna")
    consent_record(by=by, person=referral.person, kind="share_with_referrer", given=False)
    row = row_of(nurse_client.get(MINE).content.decode(), "Edna")
    assert "Accepted" not in row and "Updates are not shared" in row


@pytest.mark.parametrize(
    ("on_referral", "later", "source"),
    [
        (True, None, Source.PRACTICE_NURSE),
        (False, None, Source.PRACTICE_NURSE),
        (None, None, Source.PRACTICE_NURSE),
        (False, True, Source.PRACTICE_NURSE),
        (True, False, Source.PRACTICE_NURSE),
        (True, None, Source.SELF),
        (True, True, Source.SELF),
    ],
)
def test_the_page_decides_exactly_as_referrer_may_be_told(
    organisation, by, nurse, on_referral, later, source
):
    referral = referral_by(nurse, organisation, shared=on_referral, source=source)
    if later is not None:
        consent_record(by=by, person=referral.person, kind="share_with_referrer", given=later)
    [row] = selectors.referrals_made_by(organisation=organisation, user=nurse)
    assert row.told is services.referrer_may_be_told(referral=referral)  # type: ignore[attr-defined]


def test_an_answer_recorded_before_the_referral_arrived_does_not_count(organisation, by, nurse):
    referral = referral_by(nurse, organisation, shared=False)
    consent_record(by=by, person=referral.person, kind="share_with_referrer", given=True)
    referral.received_at = referral.received_at + dt.timedelta(hours=1)
    referral.save(update_fields=["received_at"])
    [row] = selectors.referrals_made_by(organisation=organisation, user=nurse)
    assert row.told is False is services.referrer_may_be_told(referral=referral)  # type: ignore[attr-defined]


def test_the_page_takes_the_same_queries_however_many_referrals(
    organisation, nurse, nurse_client, django_assert_max_num_queries
):
    def add(count):
        for number in range(count):
            referral_by(nurse, organisation, shared=number % 2 == 0, name=f"P{number}")

    add(2)
    with django_assert_max_num_queries(30) as few:
        nurse_client.get(MINE)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = nurse_client.get(MINE).content.decode()
    assert page.count("Updates are not shared") == 11
