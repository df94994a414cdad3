"""Going quiet: the supporter is reminded once per quiet spell, however often the daily job runs,
and coordinators get one digest a week. Time is frozen and moved on with time_machine."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.accounts.models import Role
from kindred.core.daily import jobs
from kindred.notifications.models import Notification
from kindred.relationships.models import QuietDigest, QuietReminder, Status
from kindred.relationships.tasks import queue_going_quiet, remind_quiet, send_quiet_reminders
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

LAST_CONTACT = dt.date(2026, 3, 2)  # a Monday


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 8, 0, tzinfo=dt.UTC), tick=False
    )


def day(n: int) -> dt.date:
    """n days after the last contact."""
    return LAST_CONTACT + dt.timedelta(days=n)


@pytest.fixture
def befriending(organisation):
    """Tom and Ann visit Maud every 14 days (7 days' grace); last contact on LAST_CONTACT."""
    tom = VolunteerFactory(organisation=organisation, given_name="Tom", email="tom@example.com")
    ann = VolunteerFactory(organisation=organisation, given_name="Ann", email="ann@example.com")
    return RelationshipFactory(
        organisation=organisation,
        supporters=[tom, ann],
        person__given_name="Maud",
        introduced_on=LAST_CONTACT - dt.timedelta(days=60),
        started_on=LAST_CONTACT - dt.timedelta(days=50),
        next_review_on=LAST_CONTACT + dt.timedelta(days=40),
        last_contact_on=LAST_CONTACT,
    )


def reminders():
    return sorted(
        Notification.objects.filter(kind="relationships.gone_quiet").values_list(
            "recipient", flat=True
        )
    )


def test_the_daily_job_is_registered():
    assert "kindred.relationships.tasks.queue_going_quiet" in jobs()


def test_no_reminder_within_the_rhythm_and_grace(befriending):
    with at(day(21)):
        queue_going_quiet()
    assert reminders() == []


def test_both_supporters_are_reminded_once_per_quiet_spell(befriending):
    for n in (22, 22, 23, 30):
        with at(day(n)):
            queue_going_quiet()
    assert reminders() == ["ann@example.com", "tom@example.com"]
    assert QuietReminder.objects.get().quiet_since == LAST_CONTACT
    first = Notification.objects.filter(kind="relationships.gone_quiet").first()
    assert first is not None
    body = first.body
    assert "22 days" in body and "Maud" not in body
    assert "let your coordinator know" in body  # neither signs in: the coordinator logs it

    # A contact ends the spell; going quiet again is a new spell, and a new reminder
    befriending.last_contact_on = day(31)
    befriending.save()
    with at(day(31 + 21)):
        send_quiet_reminders.enqueue()
    assert len(reminders()) == 2
    with at(day(31 + 22)):
        send_quiet_reminders.enqueue()
    assert len(reminders()) == 4
    assert QuietReminder.objects.count() == 2


def test_paused_and_ended_relationships_do_not_go_quiet(befriending):
    befriending.status = Status.PAUSED
    befriending.save()
    with at(day(60)):
        queue_going_quiet()
    assert reminders() == [] and not QuietReminder.objects.exists()


def test_a_supporter_who_left_is_not_reminded(befriending):
    befriending.supporter_links.filter(volunteer__given_name="Ann").update(left_on=day(1))
    with at(day(22)):
        queue_going_quiet()
    assert reminders() == ["tom@example.com"]


def digests():
    return list(
        Notification.objects.filter(kind="relationships.weekly_digest").values_list(
            "recipient", "body"
        )
    )


def test_coordinators_get_one_digest_a_week(befriending, coordinator, make_user, organisation):
    make_user(Role.COORDINATOR, organisation=organisation, email="second@example.com")
    with at(day(14)):  # nothing quiet, overdue or open yet: nothing to say, nothing recorded
        queue_going_quiet()
    assert digests() == [] and not QuietDigest.objects.exists()
    with at(day(23)):  # a Wednesday: quiet now
        queue_going_quiet()
        queue_going_quiet()
    sent = digests()
    assert sorted(r for r, _ in sent) == ["coordinator@example.com", "second@example.com"]
    assert "1 relationship has gone quiet" in sent[0][1] and "0 reviews are overdue" in sent[0][1]
    assert "Maud" not in sent[0][1]
    with at(day(27)):  # the Sunday of the same ISO week
        queue_going_quiet()
    assert len(digests()) == 2
    with at(day(28)):  # Monday: a new week
        queue_going_quiet()
    assert len(digests()) == 4
    assert sorted(QuietDigest.objects.values_list("week_starting", flat=True).distinct()) == [
        day(21),
        day(28),
    ]


def test_another_organisations_coordinator_hears_nothing_of_ours(befriending, charlie):
    with at(day(23)):
        queue_going_quiet()
    assert charlie.email not in [r for r, _ in digests()]


def test_the_command_queues_the_same_job_and_running_it_twice_sends_nothing_twice(befriending):

    out = io.StringIO()
    with at(day(22)):
        call_command("relationship_reminders", stdout=out)
        call_command("relationship_reminders", stdout=out)
    assert "queued" in out.getvalue()
    assert reminders() == ["ann@example.com", "tom@example.com"]


def test_who_can_open_each_quiet_relationship_is_asked_once(organisation, make_user):
    """Supporters who sign in are checked for a supporter role here in one query, however many
    relationships have gone quiet."""
    for n in range(4):
        user = make_user(Role.VOLUNTEER, organisation=organisation, email=f"v{n}@example.com")
        RelationshipFactory(
            organisation=organisation,
            supporters=[VolunteerFactory(organisation=organisation, user=user, email=user.email)],
            introduced_on=LAST_CONTACT - dt.timedelta(days=60),
            started_on=LAST_CONTACT - dt.timedelta(days=50),
            last_contact_on=LAST_CONTACT,
        )
    with CaptureQueriesContext(connection) as queries:
        assert remind_quiet(organisation, day(22)) == 4
    asked = [q for q in queries.captured_queries if "accounts_membership" in q["sql"]]
    assert len(asked) == 1
    assert reminders() == [f"v{n}@example.com" for n in range(4)]
