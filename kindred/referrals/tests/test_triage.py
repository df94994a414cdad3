"""The triage state machine: transitions, history, concurrency, first-contact dates, the loop back
to the referrer."""

from __future__ import annotations

import datetime as dt
import html
import json
import uuid

import pytest
import time_machine
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.access import access_rule_of
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, HistoryIsAppendOnly, IllegalTransition
from kindred.notifications.models import Notification
from kindred.people.services import PersonDetails, consent_record
from kindred.referrals import selectors, services, views
from kindred.referrals.models import Channel, Referral, ReferralEvent, Source, Status
from kindred.referrals.services import REFERRAL_MOVES, ReferralDetails
from kindred.referrals.tests.factories import ReferralFactory

ACTIONS = (
    "accept",
    "wait",
    "start",
    "decline",
    "close",
    "confirm_person",
    "separate_person",
    "join",
)


def detail_url(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


def action_url(action, referral):
    return reverse(f"referrals:{action}", kwargs={"referral_id": referral.pk})


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
    assert (event.from_state, event.to_state, event.by_label) == ("", "received", "test")


def test_the_full_journey_writes_history_and_audit(organisation, by):
    referral = receive(organisation)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received", note="Rang her")
    services.referral_wait(by=by, referral_id=referral.pk, expected="accepted")
    services.referral_start(by=by, referral_id=referral.pk, expected="waiting")
    services.referral_close(by=by, referral_id=referral.pk, expected="started", outcome="completed")
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and referral.outcome == "completed"
    assert referral.first_contact_at is not None
    steps = [(e.from_state, e.to_state) for e in selectors.history_of(referral=referral)]
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
    with pytest.raises(IllegalTransition, match="cannot become"):
        getattr(services, move)(by=by, referral_id=referral.pk, expected=status)
    referral.refresh_from_db()
    assert referral.status == status
    assert not referral.history.exists()


def test_declining_needs_a_reason_and_keeps_the_signposting(organisation, by):
    referral = receive(organisation)
    with pytest.raises(services.ReferralError, match="Say why"):
        services.referral_decline(
            by=by, referral_id=referral.pk, expected="received", category="elsewhere", reason=" "
        )
    services.referral_decline(
        by=by,
        referral_id=referral.pk,
        expected="received",
        category="elsewhere",
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
    with pytest.raises(ChangedSinceYouLooked, match="Someone else changed this referral"):
        services.referral_decline(
            by=other,
            referral_id=referral.pk,
            expected="received",
            category="no_capacity",
            reason="Not for us",
        )
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.history.count() == 2


def test_two_coordinators_on_the_page_one_wins_the_other_sees_a_message(client_as, organisation):
    referral = receive(organisation)
    first, second = client_as(Role.COORDINATOR), client_as(Role.COORDINATOR)
    first.post(action_url("accept", referral), {"expected": "received"})
    response = second.post(
        action_url("decline", referral),
        {"expected": "received", "category": "no_capacity", "reason": "No"},
        follow=True,
    )
    assert response.redirect_chain == [(detail_url(referral), 302)]
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
        by=by,
        referral_id=agreed.pk,
        expected="received",
        category="elsewhere",
        reason="x",
        signposted_to="Age UK",
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
        first_contact_due=timezone.localdate() - dt.timedelta(days=1),
    )
    on_time = ReferralFactory(organisation=organisation, person__given_name="Ontime")
    handled = ReferralFactory(
        organisation=organisation,
        person__given_name="Handled",
        status="accepted",
        first_contact_due=timezone.localdate() - dt.timedelta(days=3),
    )
    assert list(selectors.overdue_referrals(organisation=organisation)) == [late]
    page = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert "Referrals past their first-contact date" in page

    def link(referral):
        return reverse("referrals:detail", kwargs={"referral_id": referral.pk})

    overdue = page.split('id="panel-referrals-overdue"')[1].split("</section>")[0]
    assert link(late) in overdue and link(on_time) not in overdue and link(handled) not in page
    # Not yet overdue, it is under the new referrals, which show at once (ADR-096).
    new = page.split('id="panel-referrals-new"')[1].split("</section>")[0]
    assert link(on_time) in new and link(late) not in new


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
        first_contact_due=timezone.localdate() - dt.timedelta(days=2),
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
    client = client_as(Role.COORDINATOR)
    assert client.get(detail_url(theirs)).status_code == 404
    for action in ACTIONS:
        response = client.post(action_url(action, theirs), {"expected": "received"})
        assert response.status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.status == "received"


def test_a_safeguarding_lead_can_read_but_not_triage(client_as, organisation):
    referral = receive(organisation)
    client = client_as(Role.SAFEGUARDING_LEAD)
    page = client.get(detail_url(referral))
    assert page.status_code == 200
    assert "What happens next" not in page.content.decode()  # no action is offered
    for action in ACTIONS:
        response = client.post(action_url(action, referral), {"expected": "received"})
        assert response.status_code == 403, action
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


def test_the_moves_are_the_triage_state_machine():
    assert set(REFERRAL_MOVES.moves) == set(Status.values)
    assert REFERRAL_MOVES.allowed("received") == {"accepted", "declined", "joined"}
    assert REFERRAL_MOVES.allowed("accepted") == {"waiting", "started", "closed"}
    assert REFERRAL_MOVES.allowed("waiting") == {"started", "closed"}
    assert REFERRAL_MOVES.allowed("started") == {"closed"}
    assert REFERRAL_MOVES.allowed("declined") == REFERRAL_MOVES.allowed("closed") == set()
    assert REFERRAL_MOVES.allowed("joined") == set()
    assert REFERRAL_MOVES.label("waiting") == "Waiting for a match or place"


def test_each_move_has_its_own_route_which_comes_back_to_the_referral(client_as, organisation):
    referral = receive(organisation)
    client = client_as(Role.COORDINATOR)
    steps = [
        ("accept", {"expected": "received", "note": "Rang her"}, "The referral is now: accepted"),
        ("wait", {"expected": "accepted"}, "The referral is now: waiting for a match or place"),
        (
            "start",
            {"expected": "waiting", "note": "Met Tom"},
            "The referral is now: support started",
        ),
        ("close", {"expected": "started", "outcome": "completed"}, "The referral has been closed"),
    ]
    for action, data, message in steps:
        response = client.post(action_url(action, referral), data, follow=True)
        assert response.redirect_chain == [(detail_url(referral), 302)], action
        assert message in response.content.decode(), action
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("closed", "completed")
    notes = [e.note for e in selectors.history_of(referral=referral)]
    assert "Rang her" in notes and "Met Tom" in notes

    declined = receive(organisation, date_of_birth=dt.date(1950, 1, 1))
    response = client.post(
        action_url("decline", declined),
        {
            "expected": "received",
            "category": "elsewhere",
            "reason": "Needs a clinical service",
            "signposted_to": "IAPT",
        },
        follow=True,
    )
    assert "The referral has been declined" in response.content.decode()
    declined.refresh_from_db()
    assert (declined.status, declined.signposted_to) == ("declined", "IAPT")


def test_the_referrals_page_only_shows_the_actions_post_to_their_own_routes(
    client_as, organisation
):
    referral = receive(organisation)
    client = client_as(Role.COORDINATOR)
    assert client.post(detail_url(referral), {"action": "accept"}).status_code == 405
    for action in ACTIONS:
        assert client.get(action_url(action, referral)).status_code == 405, action
    assert Referral.objects.get().status == "received"


def test_the_page_offers_only_the_moves_the_referral_may_make_now(client_as, organisation):
    referral = receive(organisation)
    client = client_as(Role.COORDINATOR)

    def offered():
        page = client.get(detail_url(referral)).content.decode()
        return {action for action in ACTIONS if f'action="{action_url(action, referral)}"' in page}

    assert offered() == {"accept", "decline"}
    client.post(action_url("accept", referral), {"expected": "received"})
    assert offered() == {"wait", "start", "close"}
    client.post(action_url("close", referral), {"expected": "accepted", "outcome": "withdrew"})
    assert offered() == set()
    assert "What happens next" not in client.get(detail_url(referral)).content.decode()


def test_a_form_in_error_is_shown_on_the_referrals_page_with_an_error_summary(
    client_as, organisation
):
    referral = receive(organisation)
    client = client_as(Role.COORDINATOR)
    declined = client.post(action_url("decline", referral), {"expected": "received"})
    assert declined.status_code == 200
    page = declined.content.decode()
    assert "There is a problem" in page and 'href="#id_reason"' in page
    assert "Enter why the referral is declined" in page
    assert "Select why the referral is declined" in page
    assert "Referral of Edna Moss" in page and "History" in page

    too_long = client.post(
        action_url("accept", referral), {"expected": "received", "note": "x" * 2001}
    )
    page = too_long.content.decode()
    assert 'href="#note-accept"' in page and 'id="note-accept"' in page
    assert page.count("Ensure this value has at most 2000 characters") == 2  # summary and field
    assert Referral.objects.get().status == "received"

    client.post(action_url("accept", referral), {"expected": "received"})
    unclosed = client.post(action_url("close", referral), {"expected": "accepted"}).content.decode()
    assert "There is a problem" in unclosed and "Select the outcome" in unclosed
    assert Referral.objects.get().status == "accepted"


def test_a_move_the_referral_cannot_make_is_refused_plainly_on_its_page(client_as, organisation):
    referral = receive(organisation)
    response = client_as(Role.COORDINATOR).post(
        action_url("start", referral), {"expected": "received"}, follow=True
    )
    assert response.redirect_chain == [(detail_url(referral), 302)]
    page = html.unescape(response.content.decode())
    assert "A referral that is 'Received' cannot become 'Support started'." in page
    referral.refresh_from_db()
    assert referral.status == "received" and referral.history.count() == 1


def test_each_action_route_has_a_rule_of_its_own():
    rules = {
        action: access_rule_of(resolve(action_url(action, Referral(pk=uuid.uuid4()))).func)
        for action in ACTIONS
    }
    assert all(rule is not None and rule.kind == "permission" for rule in rules.values())
    assert len({rule.permission for rule in rules.values() if rule}) == len(ACTIONS)
    assert {action: rule.permission for action, rule in rules.items() if rule} == views.PERMISSIONS
