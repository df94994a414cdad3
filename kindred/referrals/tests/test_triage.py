"""The triage state machine: transitions, history, concurrency, first-contact dates, the loop back
to the referrer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.people.services import PersonDetails, consent_record
from kindred.referrals import selectors, services
from kindred.referrals.models import (
    Channel,
    HistoryIsAppendOnly,
    Referral,
    ReferralEvent,
    Source,
    Status,
)
from kindred.referrals.services import ReferralDetails
from kindred.referrals.tests.factories import ReferralFactory


def receive(organisation, **person):
    by = Acting.system("test", organisation=organisation)
    return services.referral_receive(
        by=by,
        person=PersonDetails(given_name="Edna", family_name="Moss", postcode="SK1 3XE", **person),
        details=ReferralDetails(
            source=Source.PRACTICE_NURSE,
            reason="Lonely; COPD",
            referrer_name="Nurse Ratchford",
            referrer_email="nurse@practice.example",
        ),
        channel=Channel.COORDINATOR_FORM,
    )


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


@time_machine.travel(dt.datetime(2026, 12, 23, 10, tzinfo=dt.UTC), tick=False)
def test_a_referral_is_due_first_contact_five_working_days_later_bank_holidays_aside(organisation):
    referral = receive(organisation)
    assert referral.status == Status.RECEIVED
    assert referral.first_contact_due == dt.date(2027, 1, 4)
    [event] = referral.history.all()
    assert (event.from_status, event.to_status, event.by_label) == ("", "received", "test")


def test_the_full_journey_writes_history_and_audit(organisation, by):
    referral = receive(organisation)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received", note="Rang her")
    services.referral_wait(by=by, referral_id=referral.pk, expected="accepted")
    services.referral_start(by=by, referral_id=referral.pk, expected="waiting")
    services.referral_close(by=by, referral_id=referral.pk, expected="started", outcome="completed")
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.outcome == "completed"
    assert referral.first_contact_at is not None
    steps = [(e.from_status, e.to_status) for e in selectors.history_of(referral=referral)]
    assert steps == [
        ("", "received"),
        ("received", "accepted"),
        ("accepted", "waiting"),
        ("waiting", "started"),
        ("started", "closed"),
    ]
    assert ReferralEvent.objects.filter(note="Rang her", by_user=by.user).exists()
    actions = set(AuditEvent.objects.for_record(referral).values_list("action", flat=True))
    assert {"referral.received", "referral.accepted", "referral.closed"} <= actions


@pytest.mark.parametrize(
    ("status", "move"),
    [
        ("received", "referral_start"),
        ("declined", "referral_accept"),
        ("closed", "referral_wait"),
        ("started", "referral_accept"),
    ],
)
def test_illegal_moves_are_refused_plainly_and_change_nothing(organisation, by, status, move):
    referral = ReferralFactory(organisation=organisation, status=status)
    with pytest.raises(services.IllegalTransition, match="cannot be moved to"):
        getattr(services, move)(by=by, referral_id=referral.pk, expected=status)
    referral.refresh_from_db()
    assert referral.status == status
    assert not referral.history.exists()


def test_declining_needs_a_reason_and_keeps_the_signposting(organisation, by):
    referral = receive(organisation)
    with pytest.raises(services.ReferralError, match="Say why"):
        services.referral_decline(by=by, referral_id=referral.pk, expected="received", reason=" ")
    services.referral_decline(
        by=by,
        referral_id=referral.pk,
        expected="received",
        reason="Needs a clinical service",
        signposted_to="Stockport IAPT",
    )
    referral.refresh_from_db()
    assert (referral.status, referral.signposted_to) == ("declined", "Stockport IAPT")


def test_the_second_of_two_coordinators_is_told_someone_else_got_there_first(
    organisation, by, make_user
):
    referral = receive(organisation)
    other = Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    with pytest.raises(services.ReferralChanged, match="Someone else changed this referral"):
        services.referral_decline(
            by=other, referral_id=referral.pk, expected="received", reason="Not for us"
        )
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.history.count() == 2


def test_two_coordinators_on_the_page_one_wins_the_other_sees_a_message(client_as, organisation):
    referral = receive(organisation)
    first, second = client_as(Role.COORDINATOR), client_as(Role.COORDINATOR)
    url = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    first.post(url, {"action": "accept", "expected": "received"})
    response = second.post(
        url, {"action": "decline", "expected": "received", "reason": "No"}, follow=True
    )
    page = response.content.decode()
    assert "Someone else changed this referral while you were looking at it" in page
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_history_is_append_only(organisation):
    referral = receive(organisation)
    event = referral.history.get()
    event.note = "changed"
    with pytest.raises(HistoryIsAppendOnly):
        event.save()
    with pytest.raises(HistoryIsAppendOnly):
        event.delete()


def test_the_referrer_hears_about_each_change_only_if_the_person_agreed(outbox, organisation, by):
    quiet = receive(organisation)
    services.referral_accept(by=by, referral_id=quiet.pk, expected="received")
    assert not Notification.objects.exists()

    agreed = receive(organisation, date_of_birth=dt.date(1950, 1, 1))
    consent_record(by=by, person=agreed.person, kind="share_with_referrer", given=True)
    services.referral_decline(
        by=by, referral_id=agreed.pk, expected="received", reason="x", signposted_to="Age UK"
    )
    [sent] = Notification.objects.all()
    assert sent.recipient == "nurse@practice.example"
    assert "declined" in sent.subject and "Age UK" in sent.body
    [line] = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert line["to"] == "nurse@practice.example"


def test_overdue_referrals_are_on_the_coordinators_home_page(client_as, organisation):
    late = ReferralFactory(
        organisation=organisation,
        person__given_name="Latimer",
        first_contact_due=dt.date.today() - dt.timedelta(days=1),
    )
    on_time = ReferralFactory(organisation=organisation, person__given_name="Ontime")
    handled = ReferralFactory(
        organisation=organisation,
        person__given_name="Handled",
        status="accepted",
        first_contact_due=dt.date.today() - dt.timedelta(days=3),
    )
    assert list(selectors.overdue_referrals(organisation=organisation)) == [late]
    page = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert "Referrals past their first-contact date" in page

    def link(referral):
        return reverse("referrals:detail", kwargs={"referral_id": referral.pk})

    assert link(late) in page and link(on_time) not in page and link(handled) not in page


def test_the_inbox_filters_by_status_source_and_overdue(
    client_as, organisation, django_assert_max_num_queries
):
    ReferralFactory(organisation=organisation, person__given_name="Gpone", source="gp")
    ReferralFactory(
        organisation=organisation,
        person__given_name="Jobby",
        source="job_centre",
        status="accepted",
    )
    ReferralFactory(
        organisation=organisation,
        person__given_name="Overdue",
        first_contact_due=dt.date.today() - dt.timedelta(days=2),
    )
    for _ in range(20):
        ReferralFactory(organisation=organisation, source="self")
    client = client_as(Role.COORDINATOR)
    url = reverse("referrals:inbox")
    # 12, and 3 for the audit entry naming the people shown (4 on PostgreSQL: ADR-080's lock).
    with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 15):
        everything = client.get(url).content.decode()
    assert "Gpone" in everything and "Jobby" in everything
    assert "http://testserver/refer-yourself/crafty-needles/" in everything
    accepted = client.get(url, {"status": "accepted"}).content.decode()
    assert "Jobby" in accepted and "Gpone" not in accepted
    from_gp = client.get(url, {"source": "gp"}).content.decode()
    assert "Gpone" in from_gp and "Jobby" not in from_gp
    overdue = client.get(url, {"overdue": "on"}).content.decode()
    assert "Overdue" in overdue and "Gpone" not in overdue


def test_another_organisations_referral_is_not_found(client_as, other_organisation):
    theirs = ReferralFactory(organisation=other_organisation)
    url = reverse("referrals:detail", kwargs={"referral_id": theirs.pk})
    client = client_as(Role.COORDINATOR)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept", "expected": "received"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "received"


def test_a_safeguarding_lead_can_read_but_not_triage(client_as, organisation):
    referral = receive(organisation)
    client = client_as(Role.SAFEGUARDING_LEAD)
    url = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "accept", "expected": "received"}).status_code == 403
    assert Referral.objects.get().status == "received"


def test_the_first_contact_target_is_configurable(organisation, settings):
    settings.KINDRED_FIRST_CONTACT_WORKING_DAYS = 1
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        referral = receive(organisation)
    assert referral.first_contact_due == dt.date(2026, 11, 30)  # Friday -> Monday


def test_when_support_ends_the_coordinator_is_offered_the_way_in_to_volunteering(
    client_as, organisation
):
    open_referral = ReferralFactory(organisation=organisation)
    closed = ReferralFactory(organisation=organisation, status=Status.CLOSED)
    client = client_as(Role.COORDINATOR)
    invite = reverse("volunteers:invite", kwargs={"person_id": closed.person.pk})
    page = client.get(
        reverse("referrals:detail", kwargs={"referral_id": closed.pk})
    ).content.decode()
    assert invite in page and "the way in to volunteering" in page
    still_open = client.get(
        reverse("referrals:detail", kwargs={"referral_id": open_referral.pk})
    ).content.decode()
    assert "the way in to volunteering" not in still_open
