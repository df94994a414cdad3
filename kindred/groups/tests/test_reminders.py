"""Members are texted a reminder of tomorrow's session: only those who agreed to it, generic
words (people.messages), once each however often the daily job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kindred.core.services import Acting
from kindred.groups import services, tasks
from kindred.groups.tests.factories import make_group
from kindred.notifications.models import Notification
from kindred.people.models import ConsentKind, ContactMethod
from kindred.people.services import consent_record
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def member(by, group, name, *, agreed=True, prefers=ContactMethod.TEXT):
    person = PersonFactory(
        organisation=group.organisation,
        given_name=name,
        preferred_name="",
        phone="07911 123456" if agreed else "07911 654321",
        preferred_contact=prefers,
    )
    consent_record(by=by, person=person, kind=ConsentKind.CONTACT, given=agreed)
    services.member_add(by=by, group=group, person=person)
    return person


@pytest.fixture
def tomorrows(organisation):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return make_group(organisation, name="Knit and Natter", first_on=tomorrow)


def reminders():
    return Notification.objects.filter(kind=services.REMINDER_KIND)


def test_members_who_agreed_are_texted_once_in_generic_words(organisation, tomorrows):
    by = Acting.system("test", organisation=organisation)
    member(by, tomorrows, "Dorothy")
    member(by, tomorrows, "Bert", agreed=False)
    member(by, tomorrows, "Edna", prefers=ContactMethod.EMAIL)
    assert tasks.remind_tomorrows_sessions() == 1
    assert tasks.remind_tomorrows_sessions() == 0  # the daily job ran twice: one text
    (text,) = reminders()
    assert text.channel == Notification.Channel.SMS and text.recipient == "+447911123456"
    assert "Hello Dorothy" in text.body and "tomorrow, 10:00" in text.body
    assert organisation.name in text.body
    assert "Knit and Natter" not in text.body  # not even which group: no health details
    session = tomorrows.sessions.order_by("starts_at").first()
    assert text.target_id == str(session.pk)


def test_a_cancelled_session_and_other_days_send_nothing(organisation, tomorrows):
    by = Acting.system("test", organisation=organisation)
    member(by, tomorrows, "Dorothy")
    assert tasks.remind_tomorrows_sessions(today=timezone.localdate() + dt.timedelta(days=3)) == 0
    session = tomorrows.sessions.order_by("starts_at").first()
    services.session_cancel(by=by, session=session, reason="Hall flooded", expected="scheduled")
    assert tasks.remind_tomorrows_sessions() == 0
    assert not reminders().exists()
