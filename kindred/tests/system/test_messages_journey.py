"""A coordinator sees that a message could not be sent, and why, on the Messages page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.notifications.models import DeliveryAttempt, Notification
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_finds_a_failed_message_and_why(page, coordinator, organisation, password):
    # Given a text message GOV.UK Notify refused, and an email that was delivered
    failed = Notification.objects.create(
        organisation=organisation,
        channel=Notification.Channel.SMS,
        recipient="+447911123456",
        subject="A reminder from Crafty Needles",
        body="Hello Dorothy, this is Crafty Needles reminding you of your visit tomorrow.",
        kind="visit.reminder",
        status=Notification.Status.FAILED,
        error="400 BadRequestError: phone_number Not a UK mobile number",
    )
    DeliveryAttempt.objects.create(
        notification=failed,
        at=timezone.now() - dt.timedelta(minutes=1),
        step=DeliveryAttempt.Step.SEND,
        outcome=DeliveryAttempt.Outcome.FAILED,
        answer="400 BadRequestError: phone_number Not a UK mobile number",
    )
    Notification.objects.create(
        organisation=organisation,
        recipient="nurse@practice.example",
        subject="Your referral to Crafty Needles: accepted",
        body="Accepted.",
        kind="referral.status",
        status=Notification.Status.DELIVERED,
    )

    # When the coordinator opens Messages from the header
    sign_in(page, coordinator.email, password)
    more = page.get_by_role("button", name="More")  # the header folds what does not fit
    if more.is_visible():
        more.click()
    page.get_by_role("link", name="Messages", exact=True).click()

    # Then they see each message's status, and why the text message could not be sent
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Delivered")
    expect(table).to_contain_text("Not a UK mobile number")
    assert_accessible(page)

    # And only the failed ones, when they ask
    page.get_by_role("link", name="Could not send").click()
    expect(page.get_by_role("table")).not_to_contain_text("nurse@practice.example")

    # And the message's own page shows each attempt and Notify's answer
    page.get_by_role("link", name="A reminder from Crafty Needles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A reminder from Crafty Needles")
    expect(page.get_by_role("table")).to_contain_text("400 BadRequestError")
    assert_accessible(page)
