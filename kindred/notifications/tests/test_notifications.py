from __future__ import annotations

import datetime as dt
import json

import pytest

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications import backends
from kindred.notifications.models import Notification
from kindred.notifications.services import NoRecipient, notification_send


@pytest.fixture
def outbox(settings, tmp_path):
    settings.KINDRED_NOTIFICATIONS_BACKEND = "file"
    settings.KINDRED_NOTIFICATIONS_FILE = str(tmp_path / "outbox.jsonl")
    return tmp_path / "outbox.jsonl"


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_notification_is_recorded_delivered_and_audited(outbox, coordinator, organisation):
    sent = notification_send(
        by=Acting(coordinator, organisation),
        to="nurse@practice.example",
        subject="Your referral was accepted",
        body="Crafty Needles has accepted your referral.",
        kind="referral.accepted",
    )
    sent.refresh_from_db()
    assert sent.status == Notification.Status.SENT and sent.sent_at is not None
    [line] = lines(outbox)
    assert (line["to"], line["subject"], line["kind"]) == (
        "nurse@practice.example",
        "Your referral was accepted",
        "referral.accepted",
    )
    assert AuditEvent.objects.filter(action="notification.queued", target_id=str(sent.pk)).exists()


def test_a_failed_delivery_is_recorded_not_lost(outbox, coordinator, organisation, monkeypatch):
    def broken(self, notification):
        raise ConnectionError("mail relay refused")

    monkeypatch.setattr(backends.FileBackend, "send", broken)
    # The worker records the failure; the person who acted is not shown a crash.
    notification_send(
        by=Acting(coordinator, organisation), to="x@example.com", subject="s", body="b", kind="k"
    )
    failed = Notification.objects.get()
    assert failed.status == Notification.Status.FAILED
    assert "mail relay refused" in failed.error


@pytest.mark.parametrize("to", ["", "   "])
def test_a_notification_needs_a_recipient(outbox, coordinator, organisation, to):
    with pytest.raises(NoRecipient):
        notification_send(
            by=Acting(coordinator, organisation), to=to, subject="s", body="b", kind="k"
        )
    assert not Notification.objects.exists() and lines(outbox) == []


def test_an_unknown_backend_is_a_clear_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.KINDRED_NOTIFICATIONS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="'pigeon' is not one of: console, file"):
        backends.backend()


def test_the_file_backend_names_the_record_a_message_is_about(outbox, coordinator, organisation):
    sent = notification_send(
        by=Acting(coordinator, organisation),
        to="nurse@practice.example",
        template="referrals/messages/urgent.jinja",
        context={
            "organisation": "Crafty Needles",
            "priority": "urgent",
            "due": dt.date(2026, 3, 2),
        },
        kind="referral.urgent",
        about=organisation,
    )
    [line] = lines(outbox)
    assert line["about"] == str(organisation.pk) == sent.about
    assert (line["to"], line["channel"], line["subject"]) == (
        "nurse@practice.example",
        "email",
        "An urgent referral for Crafty Needles",
    )
    assert line["body"] == (
        "Crafty Needles has received a referral marked urgent. Someone should be in touch by "
        "Monday 02 March 2026. Sign in to Kindred to see it."
    )
