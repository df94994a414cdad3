"""Accepting a referral for one-to-one support or befriending puts the person in matching's
queue in the same step (ADR-097); other kinds of support stay accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.notifications.models import Notification
from kindred.people.services import PersonDetails
from kindred.referrals import selectors, services
from kindred.referrals.models import Channel, Source, Status, Wants
from kindred.referrals.services import ReferralDetails


def receive(organisation, wants):
    return services.referral_receive(
        by=Acting.system("test", organisation=organisation),
        person=PersonDetails(
            given_name="Edna",
            family_name="Moss",
            postcode="SK1 3XE",
            consents={"share_with_referrer": True},
        ),
        details=ReferralDetails(
            source=Source.PRACTICE_NURSE,
            reason="Lonely; COPD",
            wants=wants,
            referrer_email="nurse@practice.example",
        ),
        channel=Channel.COORDINATOR_FORM,
    )


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


@pytest.mark.parametrize("wants", [Wants.ONE_TO_ONE, Wants.BEFRIENDING])
def test_accepting_matched_support_waits_for_a_match_with_history_and_audit(
    organisation, by, wants
):
    referral = receive(organisation, wants)
    moved = services.referral_accept(
        by=by, referral_id=referral.pk, expected="received", note="Rang her"
    )
    referral.refresh_from_db()
    assert moved.status == referral.status == Status.WAITING
    steps = [(e.from_state, e.to_state) for e in selectors.history_of(referral=referral)]
    assert steps == [("", "received"), ("received", "accepted"), ("accepted", "waiting")]
    accepted, waiting = list(selectors.history_of(referral=referral))[1:]
    assert accepted.note == "Rang her"
    assert waiting.note == f"Accepted for {Wants(wants).label.lower()}: waiting for a match"
    assert accepted.by_user == waiting.by_user == by.user
    actions = list(
        AuditEvent.objects.filter(target_id=str(referral.pk))
        .order_by("occurred_at", "pk")
        .values_list("action", "detail")
    )
    assert ("referral.accepted", {"from": "received"}) in actions
    assert ("referral.wait_listed", {"from": "accepted"}) in actions
    # The referrer is told once, of where the referral ended.
    [told] = Notification.objects.filter(kind="referral.status")
    assert "waiting for a match or place" in told.subject


@pytest.mark.parametrize("wants", [Wants.GROUP, Wants.CRISIS, Wants.NOT_SURE])
def test_accepting_other_support_only_accepts(organisation, by, wants):
    referral = receive(organisation, wants)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert [e.to_state for e in selectors.history_of(referral=referral)] == [
        "received",
        "accepted",
    ]
    assert not AuditEvent.objects.filter(action="referral.wait_listed").exists()
    [told] = Notification.objects.filter(kind="referral.status")
    assert "accepted" in told.subject


def test_an_accept_on_a_referral_moved_meanwhile_changes_nothing(organisation, by):
    referral = receive(organisation, Wants.BEFRIENDING)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    with pytest.raises(ChangedSinceYouLooked):
        services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    assert referral.history.count() == 3


def test_accepting_befriending_takes_the_coordinator_to_the_matching_page(client_as, organisation):
    referral = receive(organisation, Wants.BEFRIENDING)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        reverse("referrals:accept", args=[referral.pk]), {"expected": "received"}, follow=True
    )
    matching_page = reverse("matching:waiting_profile", args=[referral.pk])
    assert response.redirect_chain == [(matching_page, 302)]
    page = response.content.decode()
    assert "Referral accepted. Edna Moss is now waiting for a match with a supporter." in page
    referral.refresh_from_db()
    assert referral.status == Status.WAITING

    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Edna is waiting for a match with a supporter" in detail
    assert f'href="{matching_page}"' in detail
    assert "Edna&#39;s matching page" in detail or "Edna's matching page" in detail


def test_accepting_a_group_referral_comes_back_to_the_referral(client_as, organisation):
    referral = receive(organisation, Wants.GROUP)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        reverse("referrals:accept", args=[referral.pk]), {"expected": "received"}, follow=True
    )
    assert response.redirect_chain == [(reverse("referrals:detail", args=[referral.pk]), 302)]
    page = response.content.decode()
    assert "The referral is now: accepted" in page
    assert "waiting for a match with a supporter" not in page


def test_an_accept_refused_says_why_on_the_referral(client_as, organisation, by):
    referral = receive(organisation, Wants.BEFRIENDING)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    response = client_as(Role.COORDINATOR).post(
        reverse("referrals:accept", args=[referral.pk]), {"expected": "received"}, follow=True
    )
    assert response.redirect_chain == [(reverse("referrals:detail", args=[referral.pk]), 302)]
    assert referral.history.count() == 3
