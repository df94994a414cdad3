"""One course recorded for everyone who attended it: chosen from those who still need it, one
submission, all or nothing, each volunteer's record and audit entry added; the page's queries do
not grow with the number listed."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.volunteers import errors, selectors
from kindred.volunteers.models import JourneyEvent, JourneyStep, Stage, TrainingRecord
from kindred.volunteers.services import checks
from kindred.volunteers.tests.factories import (
    CourseFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
COURSE_DAY = TODAY - dt.timedelta(days=2)
URL = reverse("volunteers:training_bulk")


@pytest.fixture
def course(organisation):
    return CourseFactory(organisation=organisation, kind="safeguarding_adults", valid_for_months=36)


@pytest.fixture
def group(organisation):
    """Three who need the course: never done, done and run out, and running out next week."""
    never, ran_out, running_out = (
        VolunteerFactory(organisation=organisation, given_name=name, family_name="Tait",
                         stage=stage)
        for name, stage in [("Ann", Stage.INDUCTION), ("Bea", Stage.ACTIVE), ("Cal", Stage.PAUSED)]
    )  # fmt: skip
    return never, ran_out, running_out


@pytest.fixture
def needs_it(course, group):
    _, ran_out, running_out = group
    TrainingRecordFactory(
        volunteer=ran_out, course=course, completed_on=TODAY - dt.timedelta(days=1200),
        expires_on=TODAY - dt.timedelta(days=5),
    )  # fmt: skip
    TrainingRecordFactory(
        volunteer=running_out, course=course, completed_on=TODAY - dt.timedelta(days=1000),
        expires_on=TODAY + dt.timedelta(days=7),
    )  # fmt: skip
    return group


@pytest.fixture
def do_not_need_it(organisation, course):
    current = VolunteerFactory(organisation=organisation, given_name="Dot", family_name="Current")
    TrainingRecordFactory(volunteer=current, course=course)  # runs out in 900 days
    left = VolunteerFactory(
        organisation=organisation, given_name="Eve", family_name="Gone", stage=Stage.LEFT
    )
    elsewhere = VolunteerFactory(given_name="Fay", family_name="Elsewhere")
    return current, left, elsewhere


def test_only_those_who_still_need_the_course_are_listed(
    organisation, course, needs_it, do_not_need_it
):
    listed = list(selectors.volunteers_needing_course(organisation=organisation, course=course))
    assert listed == list(needs_it)
    never, ran_out, running_out = listed
    assert getattr(never, "last_completed") is None  # noqa: B009 - annotated by the query
    assert getattr(ran_out, "last_expires") == TODAY - dt.timedelta(days=5)  # noqa: B009
    assert getattr(running_out, "last_expires") == TODAY + dt.timedelta(days=7)  # noqa: B009
    active = selectors.volunteers_needing_course(
        organisation=organisation, course=course, stage=Stage.ACTIVE
    )
    assert list(active) == [ran_out]


def test_one_course_is_recorded_for_everyone_who_attended(by, course, needs_it):
    records = checks.training_record_many(
        by=by, course=course, completed_on=COURSE_DAY, volunteers=list(needs_it)
    )
    assert len(records) == 3
    for volunteer in needs_it:
        record = volunteer.training.get(completed_on=COURSE_DAY)
        assert record.course == course and record.recorded_by == by.user
        assert record.expires_on == checks.add_months(COURSE_DAY, 36)
        assert volunteer.journey.filter(step=JourneyStep.TRAINED).count() == 1
        [entry] = AuditEvent.objects.for_record(volunteer).filter(
            action="volunteer.training_recorded"
        )
        assert entry.detail == {"course": "safeguarding_adults", "attended": 3}
    assert not selectors.volunteers_needing_course(organisation=by.organisation, course=course)


def test_trained_goes_on_the_journey_only_the_first_time(by, course, organisation):
    volunteer = VolunteerFactory(organisation=organisation)
    JourneyEvent.objects.create(
        organisation=organisation, volunteer=volunteer, step=JourneyStep.TRAINED,
        occurred_on=TODAY - dt.timedelta(days=400),
    )  # fmt: skip
    checks.training_record_many(by=by, course=course, completed_on=TODAY, volunteers=[volunteer])
    assert volunteer.journey.filter(step=JourneyStep.TRAINED).count() == 1


def refused(by, course, volunteers, message, completed_on=COURSE_DAY):
    before = (
        TrainingRecord.objects.count(),
        JourneyEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(errors.VolunteerError, match=message):
        checks.training_record_many(
            by=by, course=course, completed_on=completed_on, volunteers=volunteers
        )
    after = (
        TrainingRecord.objects.count(),
        JourneyEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_bad_input_records_nobodys_training(
    by, course, needs_it, do_not_need_it, other_organisation
):
    _, left, elsewhere = do_not_need_it
    people = list(needs_it)
    refused(by, course, [], "Choose who attended")
    refused(by, course, [*people, left], "Eve Gone has left")
    refused(by, course, [*people, elsewhere], "Choose volunteers from your organisation")
    refused(by, course, people, "must be today or in the past", TODAY + dt.timedelta(days=1))
    their_course = CourseFactory(organisation=other_organisation)
    refused(by, their_course, people, "Choose one of your organisation's courses")


def test_the_same_course_on_the_same_day_twice_is_refused_naming_who(by, course, needs_it):
    never, ran_out, running_out = needs_it
    checks.training_record_many(
        by=by, course=course, completed_on=COURSE_DAY, volunteers=[never, ran_out]
    )
    refused(
        by, course, list(needs_it),
        r"Safeguarding adults on .* is already recorded for Ann Tait and Bea Tait\. Untick them",
    )  # fmt: skip
    assert not running_out.training.filter(completed_on=COURSE_DAY).exists()


# The page


def test_a_coordinator_chooses_the_course_ticks_who_came_and_saves_once(
    client_as, course, needs_it, do_not_need_it
):
    client = client_as(Role.COORDINATOR)
    start = client.get(URL).content.decode()
    assert "Show who needs it" in start and "Who attended" not in start
    page = html.unescape(client.get(URL, {"course": course.pk}).content.decode())
    for listed in ["Ann Tait (induction and training, not done yet)",
                   "Bea Tait (active, ran out on", "Cal Tait (paused, runs out on"]:  # fmt: skip
        assert listed in page
    for not_listed in ["Dot Current", "Eve Gone", "Fay Elsewhere"]:
        assert not_listed not in page
    never, ran_out, _ = needs_it
    response = client.post(
        f"{URL}?course={course.pk}",
        {"completed_on": COURSE_DAY.isoformat(), "volunteers": [never.pk, ran_out.pk]},
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?course={course.pk}"
    assert TrainingRecord.objects.filter(completed_on=COURSE_DAY).count() == 2
    after = client.get(response["Location"]).content.decode()
    assert "Safeguarding adults has been recorded for 2 volunteers" in after
    assert "Cal Tait" in after and "Ann Tait" not in after


def test_mistakes_on_the_page_are_shown_and_nothing_is_saved(
    client_as, course, needs_it, do_not_need_it
):
    client = client_as(Role.COORDINATOR)
    url = f"{URL}?course={course.pk}"
    before = TrainingRecord.objects.count()
    page = client.post(url, {"completed_on": ""}).content.decode()
    assert "There is a problem" in page
    assert "Enter the date of the course" in page and "Choose who attended" in page
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    page = client.post(
        url, {"completed_on": future, "volunteers": [needs_it[0].pk]}
    ).content.decode()
    assert "The date of the course must be today or in the past" in page
    current, _, elsewhere = do_not_need_it
    for outsider in (current, elsewhere, "not-a-uuid"):
        page = client.post(
            url, {"completed_on": COURSE_DAY.isoformat(), "volunteers": [outsider]}
        ).content.decode()
        assert "Choose from the list" in page
    assert TrainingRecord.objects.count() == before
    page = client.get(URL, {"course": "not-a-course"}).content.decode()
    assert "Choose the course" in page


def test_a_form_sent_twice_is_refused_the_second_time(client_as, course, needs_it):
    client = client_as(Role.COORDINATOR)
    url = f"{URL}?course={course.pk}"
    data = {"completed_on": COURSE_DAY.isoformat(), "volunteers": [needs_it[0].pk]}
    assert client.post(url, data).status_code == 302
    # Ann's training is now current, so she no longer needs it: the same form sent again is
    # refused as not on the list, and nothing is added.
    again = client.post(url, data).content.decode()
    assert "Choose from the list" in again
    assert needs_it[0].training.count() == 1


def test_an_organisation_with_no_courses_is_told_where_to_add_them(client_as):
    page = client_as(Role.COORDINATOR).get(URL).content.decode()
    assert "Your organisation has no training courses yet" in page


def test_the_page_does_not_grow_queries_with_the_volunteers_listed(
    client_as, organisation, course, django_assert_max_num_queries
):
    client = client_as(Role.COORDINATOR)
    VolunteerFactory.create_batch(3, organisation=organisation, stage=Stage.INDUCTION)
    client.get(URL, {"course": course.pk})
    with django_assert_max_num_queries(30) as few:
        page = client.get(URL, {"course": course.pk}).content.decode()
    assert page.count('name="volunteers"') == 3
    baseline = len(few.captured_queries)
    for volunteer in VolunteerFactory.create_batch(20, organisation=organisation):
        TrainingRecordFactory(volunteer=volunteer, course=course, expires_on=TODAY)
    with django_assert_max_num_queries(baseline):
        page = client.get(URL, {"course": course.pk}).content.decode()
    assert page.count('name="volunteers"') == 23


def test_a_long_list_shows_a_page_of_people_and_says_how_many_more(
    client_as, organisation, course, monkeypatch
):
    from kindred.volunteers.views import checks as pages

    monkeypatch.setattr(pages, "ATTENDANCE_LIST_LIMIT", 2)
    VolunteerFactory.create_batch(5, organisation=organisation)
    page = client_as(Role.COORDINATOR).get(URL, {"course": course.pk}).content.decode()
    assert page.count('name="volunteers"') == 2
    assert "Showing the first 2 of 5" in page
