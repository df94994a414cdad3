"""The Messages page: a coordinator sees whether each message went, and why one did not."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import DeliveryAttempt, Notification
from kindred.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def message(organisation, n=0, **fields):
    return Notification.objects.create(
        organisation=organisation,
        recipient=f"someone{n}@example.com",
        subject=fields.pop("subject", f"Reminder {n}"),
        body=fields.pop("body", "See you on Tuesday."),
        kind="test.reminder",
        **fields,
    )


def test_the_list_shows_each_messages_status_and_why_one_failed(sign_in, coordinator, organisation):
    message(organisation, 1, status=Notification.Status.DELIVERED)
    message(
        organisation,
        2,
        status=Notification.Status.FAILED,
        error="400 BadRequestError: phone_number Not a UK mobile number",
    )
    page = sign_in(coordinator, organisation).get(reverse("notifications:list"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Reminder 1" in text and "Delivered" in text
    assert "400 BadRequestError: phone_number Not a UK mobile number" in text

    failed_only = sign_in(coordinator, organisation).get(
        reverse("notifications:list"), {"status": "failed"}
    )
    assert "Reminder 2" in failed_only.content.decode()
    assert "Reminder 1" not in failed_only.content.decode()


def test_a_message_page_shows_its_attempts_and_no_link(sign_in, coordinator, organisation):
    failed = message(
        organisation,
        body="Choose a password: {link:accounts.password:0b4f3c2a-9d8e-4f7a-b6c5-1e2d3c4b5a69}",
        status=Notification.Status.FAILED,
        error="Could not send after 3 tries: 500 Exception: Internal server error",
    )
    DeliveryAttempt.objects.create(
        notification=failed,
        at=failed.created_at,
        step="send",
        outcome="retry",
        answer="429 RateLimitError",
    )
    page = sign_in(coordinator, organisation).get(reverse("notifications:detail", args=[failed.pk]))
    text = page.content.decode()
    assert "Could not send after 3 tries" in text and "429 RateLimitError" in text
    assert "Choose a password: [link]" in text and "0b4f3c2a" not in text
    assert AuditEvent.objects.filter(
        action="notification.viewed", target_id=str(failed.pk)
    ).exists()


def test_another_organisations_message_is_not_found(
    sign_in, charlie, other_organisation, organisation
):
    theirs = message(organisation)
    page = sign_in(charlie, other_organisation).get(
        reverse("notifications:detail", args=[theirs.pk])
    )
    assert page.status_code in (403, 404)


def test_the_list_takes_the_same_queries_for_5_messages_as_for_50(
    sign_in, coordinator, organisation
):
    client = sign_in(coordinator, organisation)
    for n in range(5):
        message(organisation, n)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    for n in range(5, 50):
        message(organisation, n)
    with CaptureQueriesContext(connection) as many:
        assert "Reminder 49" in client.get(reverse("notifications:list")).content.decode()
    assert len(many) == len(few)


def test_a_message_queued_by_a_service_is_listed(sign_in, coordinator, organisation):
    notification_send(
        by=Acting(coordinator, organisation),
        to="nurse@practice.example",
        subject="Your referral",
        body="Accepted.",
        kind="referral.status",
        about=organisation,
    )
    text = sign_in(coordinator, organisation).get(reverse("notifications:list")).content.decode()
    assert "nurse@practice.example" in text and "Sent" in text
