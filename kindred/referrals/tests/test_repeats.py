"""Repeat referrals (ADR-090): a new referral for the same person within 30 days of an open one
is shown to the coordinator as likely a repeat of it, and joined with one click; nothing joins by
itself, and the person who referred themselves is told what they are always told."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, IllegalTransition
from kindred.fhir.resources import task
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import selectors, services
from kindred.referrals.models import Referral, ReferralEvent, Status
from kindred.referrals.tests.factories import ReferralFactory

SELF = {
    "given_name": "Sam",
    "family_name": "Okafor",
    "postcode": "LS8 2AP",
    "email": "sam@example.com",
    "reason": "I have been very low since losing my job",
    "wants": "group",
    "consent_contact": "on",
}


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


def self_refer(client, organisation):
    return client.post(
        reverse("referrals:self_refer", kwargs={"organisation_slug": organisation.slug}), SELF
    )


def detail(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_three_identical_self_referrals_are_shown_as_repeats_of_the_first(
    client, client_as, organisation
):
    # No date of birth on the public form: three records, but the same name, postcode and email.
    answers = [self_refer(client, organisation) for _ in range(3)]
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1  # the same confirmation, every time
    first, second, third = Referral.objects.order_by("received_at")
    assert {r.status for r in (first, second, third)} == {Status.RECEIVED}  # nothing joined
    assert selectors.repeat_of(referral=first) is None
    assert selectors.repeat_of(referral=second) == first
    assert selectors.repeat_of(referral=third) == first

    inbox = client_as(Role.COORDINATOR).get(reverse("referrals:inbox")).content.decode()
    assert inbox.count("Likely a repeat of") == 2
    page = client_as(Role.COORDINATOR).get(detail(third)).content.decode()
    assert "Likely a repeat of an open referral" in page and detail(first) in page
    assert "Join it to the open referral" in page


def test_one_click_joins_the_repeat_with_history_on_both_and_an_audit_entry(
    client_as, organisation
):
    person = PersonFactory(organisation=organisation)
    open_one = ReferralFactory(organisation=organisation, person=person, received_at=ago(10))
    repeat = ReferralFactory(organisation=organisation, person=person)
    client = client_as(Role.COORDINATOR)

    response = client.post(
        reverse("referrals:join", kwargs={"referral_id": repeat.pk}),
        {"into": str(open_one.pk), "expected": "received"},
        follow=True,
    )

    assert response.redirect_chain == [(detail(repeat), 302)]
    assert "This referral was joined to the open referral received on" in response.content.decode()
    repeat.refresh_from_db()
    assert (repeat.status, repeat.joined_to) == (Status.JOINED, open_one)
    (joined,) = ReferralEvent.objects.filter(referral=repeat, to_state=Status.JOINED)
    assert joined.from_state == Status.RECEIVED and "joined to it" in joined.note
    assert ReferralEvent.objects.filter(
        referral=open_one, note__contains="was joined to this one"
    ).exists()
    entry = AuditEvent.objects.get(action="referral.joined")
    assert entry.target_id == str(repeat.pk) and entry.detail["into"] == str(open_one.pk)
    open_page = client.get(detail(open_one)).content.decode()
    assert "Repeats joined to this referral" in open_page and detail(repeat) in open_page
    assert selectors.repeat_of(referral=repeat) is None  # no longer flagged
    assert "Likely a repeat" not in client.get(reverse("referrals:inbox")).content.decode()


@pytest.mark.parametrize(
    ("earlier", "later_person", "repeat"),
    [
        ({"received_at": ago(29)}, "same", True),
        ({"received_at": ago(31)}, "same", False),  # more than 30 days before
        ({"received_at": ago(5), "status": Status.CLOSED}, "same", False),  # no longer open
        ({"received_at": ago(5), "status": Status.DECLINED}, "same", False),
        ({"received_at": ago(5), "status": Status.WAITING}, "same", True),
        ({"received_at": ago(5)}, "rules", True),  # another record, the duplicate rules match
        ({"received_at": ago(5)}, "other_nhs", False),  # two NHS numbers are two people
        ({"received_at": ago(5)}, "other_birth", False),
        ({"received_at": ago(5)}, "stranger", False),
    ],
)
def test_what_counts_as_a_repeat(organisation, earlier, later_person, repeat):
    person = PersonFactory(
        organisation=organisation,
        given_name="Edna",
        family_name="Moss",
        nhs_number="9434765919",
        postcode="SK1 3XE",
    )
    open_one = ReferralFactory(organisation=organisation, person=person, **earlier)
    others = {
        "same": person,
        "rules": PersonFactory(
            organisation=organisation, given_name="EDNA", family_name="moss", postcode="SK1 3XE"
        ),
        "other_nhs": PersonFactory(
            organisation=organisation,
            given_name="Edna",
            family_name="Moss",
            postcode="SK1 3XE",
            nhs_number="9434765870",
        ),
        "other_birth": PersonFactory(
            organisation=organisation,
            given_name="Edna",
            family_name="Moss",
            postcode="SK1 3XE",
            date_of_birth=dt.date(1960, 1, 1),
        ),
        "stranger": PersonFactory(organisation=organisation, postcode="SK1 3XE"),
    }
    later = ReferralFactory(organisation=organisation, person=others[later_person])
    assert (selectors.repeat_of(referral=later) == open_one) is repeat


def test_a_referral_already_triaged_is_not_flagged(organisation):
    person = PersonFactory(organisation=organisation)
    ReferralFactory(organisation=organisation, person=person, received_at=ago(3))
    later = ReferralFactory(organisation=organisation, person=person, status=Status.ACCEPTED)
    assert selectors.repeat_of(referral=later) is None


def test_a_join_after_the_open_referral_closed_is_refused(by, organisation):
    person = PersonFactory(organisation=organisation)
    open_one = ReferralFactory(
        organisation=organisation, person=person, received_at=ago(4), status=Status.STARTED
    )
    repeat = ReferralFactory(organisation=organisation, person=person)
    services.referral_close(by=by, referral_id=open_one.pk, expected="started", outcome="completed")
    with pytest.raises(ChangedSinceYouLooked, match="has changed since you looked"):
        services.referral_join(
            by=by, referral_id=repeat.pk, into_id=open_one.pk, expected="received"
        )
    repeat.refresh_from_db()
    assert repeat.status == Status.RECEIVED and repeat.joined_to is None


def test_a_join_of_a_referral_someone_triaged_meanwhile_is_refused(by, organisation):
    person = PersonFactory(organisation=organisation)
    open_one = ReferralFactory(organisation=organisation, person=person, received_at=ago(4))
    repeat = ReferralFactory(organisation=organisation, person=person)
    services.referral_accept(by=by, referral_id=repeat.pk, expected="received")
    with pytest.raises(ChangedSinceYouLooked):
        services.referral_join(
            by=by, referral_id=repeat.pk, into_id=open_one.pk, expected="received"
        )
    with pytest.raises(IllegalTransition):
        services.referral_join(
            by=by, referral_id=repeat.pk, into_id=open_one.pk, expected="accepted"
        )


def test_the_page_says_why_a_join_was_refused(client_as, organisation):
    person = PersonFactory(organisation=organisation)
    repeat = ReferralFactory(organisation=organisation, person=person)
    stranger = ReferralFactory(organisation=organisation, received_at=ago(2))
    response = client_as(Role.COORDINATOR).post(
        reverse("referrals:join", kwargs={"referral_id": repeat.pk}),
        {"into": str(stranger.pk), "expected": "received"},
        follow=True,
    )
    assert "has changed since you looked" in html.unescape(response.content.decode())
    repeat.refresh_from_db()
    assert repeat.status == Status.RECEIVED


def test_a_joined_referral_tells_the_referrers_system_through_its_task(by, organisation):
    person = PersonFactory(organisation=organisation)
    open_one = ReferralFactory(organisation=organisation, person=person, received_at=ago(4))
    repeat = ReferralFactory(organisation=organisation, person=person)
    services.referral_join(by=by, referral_id=repeat.pk, into_id=open_one.pk, expected="received")
    repeat.refresh_from_db()
    resource = task(repeat)
    assert resource["status"] == "cancelled"
    assert "joined to it" in resource["statusReason"]["text"]


def test_the_inbox_costs_the_same_queries_however_many_repeats_it_shows(client_as, organisation):
    client = client_as(Role.COORDINATOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("referrals:inbox")).status_code == 200
        return len(captured)

    def repeated_pair() -> None:
        person = PersonFactory(organisation=organisation)
        ReferralFactory(organisation=organisation, person=person, received_at=ago(3))
        ReferralFactory(organisation=organisation, person=person)

    repeated_pair()
    few = queries()
    for _ in range(6):
        repeated_pair()
    assert queries() == few
    assert client.get(reverse("referrals:inbox")).content.decode().count("Likely a repeat of") == 7


def test_the_inbox_counts_referrals_without_the_repeat_check(client_as, organisation):
    """The repeat check is asked of the page's referrals alone (ADR-127): the inbox's count reads
    the referrals only, never joined to people or running the check for every referral."""
    person = PersonFactory(organisation=organisation)
    ReferralFactory(organisation=organisation, person=person, received_at=ago(3))
    ReferralFactory(organisation=organisation, person=person)
    with CaptureQueriesContext(connection) as captured:
        page = client_as(Role.COORDINATOR).get(reverse("referrals:inbox")).content.decode()
    assert page.count("Likely a repeat of") == 1
    (count,) = [
        q["sql"] for q in captured if "COUNT(" in q["sql"] and "referrals_referral" in q["sql"]
    ]
    assert "people_person" not in count and "SELECT V0" not in count
