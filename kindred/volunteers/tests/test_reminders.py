"""Reminders 30 days before training or a DBS check runs out: to the volunteer and coordinators,
once per expiry however often the daily task runs."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from kindred.config.tests.test_settings import run
from kindred.notifications.models import Notification
from kindred.volunteers.models import ExpiryReminder, RoleAssignment
from kindred.volunteers.services import support
from kindred.volunteers.tasks import send_expiry_reminders, send_wellbeing_prompts
from kindred.volunteers.tests.factories import (
    CourseFactory,
    DbsCheckFactory,
    RoleFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC), tick=False
    )


@pytest.fixture
def safeguarding_due(organisation, coordinator):
    volunteer = VolunteerFactory(
        organisation=organisation, given_name="Cindy", email="cindy@example.com"
    )
    course = CourseFactory(
        organisation=organisation, kind="safeguarding_adults", name="Safeguarding adults"
    )
    TrainingRecordFactory(
        volunteer=volunteer, course=course, completed_on=dt.date(2023, 7, 1),
        expires_on=dt.date(2026, 7, 1),
    )  # fmt: skip
    DbsCheckFactory(volunteer=volunteer, issued_on=dt.date(2025, 1, 1))
    return volunteer


def sent(kind=None):
    notifications = Notification.objects.filter(**({"kind": kind} if kind else {}))
    return list(notifications.order_by("recipient").values_list("recipient", "subject"))


def test_nothing_is_sent_more_than_30_days_before(safeguarding_due):
    with at(dt.date(2026, 5, 31)):
        send_expiry_reminders.enqueue()
    assert sent() == []


def test_the_volunteer_and_coordinator_hear_30_days_before_and_only_once(safeguarding_due):
    with at(dt.date(2026, 6, 1)):
        send_expiry_reminders.enqueue()
    assert sent() == [
        ("cindy@example.com", "Your Safeguarding adults training needs renewing by 1 July 2026"),
        (
            "coordinator@example.com",
            f"{safeguarding_due.display_name}'s Safeguarding adults training runs out on 1 July 2026",
        ),
    ]
    assert all(
        status == Notification.Status.SENT
        for status in Notification.objects.values_list("status", flat=True)
    )
    for day in (dt.date(2026, 6, 1), dt.date(2026, 6, 2), dt.date(2026, 6, 20)):
        with at(day):
            send_expiry_reminders.enqueue()
            call_command("volunteer_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(sent("volunteer.expiry_reminder")) == 2
    assert ExpiryReminder.objects.count() == 1


def test_renewing_then_expiring_again_gives_a_new_reminder(safeguarding_due):
    with at(dt.date(2026, 6, 1)):
        send_expiry_reminders.enqueue()
    course = safeguarding_due.training.get().course
    TrainingRecordFactory(
        volunteer=safeguarding_due, course=course, completed_on=dt.date(2026, 6, 15),
        expires_on=dt.date(2029, 6, 15),
    )  # fmt: skip
    with at(dt.date(2026, 6, 16)):
        send_expiry_reminders.enqueue()
    assert len(sent()) == 2  # the renewed course is not due; the old record no longer counts
    with at(dt.date(2027, 12, 5)):  # the DBS check, issued 1 January 2025, renews after 3 years
        send_expiry_reminders.enqueue()
    assert ("cindy@example.com", "Your DBS check needs renewing by 1 January 2028") in sent()
    with at(dt.date(2029, 5, 20)):
        send_expiry_reminders.enqueue()
    subjects = [s for _, s in sent()]
    assert "Your Safeguarding adults training needs renewing by 15 June 2029" in subjects
    assert len(subjects) == 6


def test_a_dbs_check_is_reminded_by_the_renewal_policy_of_their_roles(organisation, coordinator):
    volunteer = VolunteerFactory(organisation=organisation, email="dev@example.com")
    DbsCheckFactory(volunteer=volunteer, issued_on=dt.date(2024, 3, 10))
    RoleAssignment.objects.create(
        volunteer=volunteer, role=RoleFactory(organisation=organisation, dbs_renewal_years=2)
    )
    with at(dt.date(2026, 2, 7)):
        send_expiry_reminders.enqueue()
    assert sent() == []
    with at(dt.date(2026, 2, 8)):
        send_expiry_reminders.enqueue()
    assert ("dev@example.com", "Your DBS check needs renewing by 10 March 2026") in sent()


def test_things_already_run_out_and_other_organisations_are_not_reminded(
    safeguarding_due, other_organisation
):
    other = VolunteerFactory(organisation=other_organisation, email="other@example.com")
    TrainingRecordFactory(
        volunteer=other, completed_on=dt.date(2023, 1, 1), expires_on=dt.date(2026, 6, 20)
    )
    with at(dt.date(2026, 7, 2)):
        send_expiry_reminders.enqueue()
    recipients = {r for r, _ in sent()}
    assert "cindy@example.com" not in recipients and "other@example.com" not in recipients


def test_active_volunteers_are_asked_how_they_are_finding_it_once_a_month(organisation, by):
    asked = VolunteerFactory(organisation=organisation, email="asked@example.com")
    answered = VolunteerFactory(organisation=organisation, email="answered@example.com")
    VolunteerFactory(organisation=organisation, email="paused@example.com", stage="paused")
    with at(dt.date(2026, 3, 1)):
        support.wellbeing_check_in(by=by, volunteer=answered, feeling=4)
        send_wellbeing_prompts.enqueue()
    with at(dt.date(2026, 3, 2)):
        send_wellbeing_prompts.enqueue()
    assert sent() == [("asked@example.com", "How are you finding volunteering?")]
    with at(dt.date(2026, 4, 1)):
        send_wellbeing_prompts.enqueue()
    assert [r for r, _ in sent()] == [
        "answered@example.com",
        "asked@example.com",
        "asked@example.com",
    ]
    assert asked.prompts.count() == 2


def test_the_kindred_command_queues_the_daily_run(tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert run(["-m", "kindred.cli", "migrate", "-v", "0"], DATABASE_URL=database).returncode == 0
    result = run(["-m", "kindred.cli", "reminders"], DATABASE_URL=database)
    assert result.returncode == 0, result.stderr
    assert "ok     kindred.volunteers.tasks." in result.stdout
    assert "ok     kindred.relationships.tasks." in result.stdout
    assert "daily jobs ran." in result.stdout
