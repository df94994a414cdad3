"""Goals in the person's words, and progress reviews that plan the next one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, HistoryIsAppendOnly
from kindred.people.tests.factories import PersonFactory
from kindred.relationships.models import Status
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.models import Volunteer
from kindred.wellbeing import services
from kindred.wellbeing.models import (
    GoalProgress,
    GoalStatus,
    ProgressReview,
    WellbeingRecordIsAppendOnly,
)
from kindred.wellbeing.services import ProgressEntry, WellbeingError
from kindred.wellbeing.tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_a_supporter_records_a_goal_in_the_persons_own_words(as_supporter, person, relationship):
    words = "  Get back on the bus to see my sister.\nOn my own!  "
    goal = services.goal_add(by=as_supporter, person=person, text=words, relationship=relationship)
    assert goal.text == "Get back on the bus to see my sister.\nOn my own!"  # only trimmed
    assert (goal.status, goal.set_on, goal.relationship) == (
        GoalStatus.WORKING_ON,
        TODAY(),
        relationship,
    )
    assert goal.added_by_label == "emilio@example.com"
    assert [c.to_state for c in goal.history.all()] == ["working_on"]
    event = AuditEvent.objects.get(action="goal.added")
    assert event.target_id == str(person.pk)
    assert "sister" not in str(event.detail)  # the audit log holds no personal words


@pytest.mark.parametrize(
    ("text", "days_ahead", "message"),
    [
        ("   ", 0, "Enter the goal in their words"),
        ("x" * 501, 0, "500 characters or fewer"),
        ("Walk to the shops", 1, "The date the goal was set must be today or in the past"),
    ],
)
def test_a_goal_that_makes_no_sense_is_refused(by, person, text, days_ahead, message):
    with pytest.raises(WellbeingError, match=message):
        services.goal_add(
            by=by, person=person, text=text, set_on=TODAY() + dt.timedelta(days=days_ahead)
        )
    assert not person.goals.exists()


def test_only_the_persons_supporters_and_coordinators_record_goals(
    person, other_volunteer, organisation, by
):
    stranger = Acting(user=other_volunteer, organisation=organisation)
    with pytest.raises(WellbeingError, match="Only Nicole Adebayo's supporters and coordinators"):
        services.goal_add(by=stranger, person=person, text="Go swimming")
    someone_else = RelationshipFactory(organisation=organisation)
    with pytest.raises(WellbeingError, match="That support is for someone else"):
        services.goal_add(by=by, person=person, text="Go swimming", relationship=someone_else)
    elsewhere = PersonFactory()  # another organisation
    with pytest.raises(WellbeingError, match="not in this organisation"):
        services.goal_add(by=by, person=elsewhere, text="Go swimming")
    assert not person.goals.exists()


def test_a_goal_moves_on_with_its_history_and_a_stale_change_is_refused(as_supporter, person):
    goal = services.goal_add(by=as_supporter, person=person, text="Sleep better")
    services.goal_status_change(
        by=as_supporter, goal_id=goal.pk, expected="working_on", to="achieved", note="Most nights"
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert [(c.from_state, c.to_state, c.note) for c in goal.history.all()] == [
        ("", "working_on", "Goal set"),
        ("working_on", "achieved", "Most nights"),
    ]
    # Someone still looking at "working on it" is told, not obeyed.
    with pytest.raises(ChangedSinceYouLooked, match="it is now 'achieved'"):
        services.goal_status_change(
            by=as_supporter, goal_id=goal.pk, expected="working_on", to="dropped"
        )
    with pytest.raises(WellbeingError, match="already 'achieved'"):
        services.goal_status_change(
            by=as_supporter, goal_id=goal.pk, expected="achieved", to="achieved"
        )
    with pytest.raises(WellbeingError, match="Choose where the goal is now"):
        services.goal_status_change(
            by=as_supporter, goal_id=goal.pk, expected="achieved", to="done"
        )
    assert goal.history.count() == 2
    with pytest.raises(HistoryIsAppendOnly):
        goal.history.update(note="rewritten")


def _review(by, relationship, goals, *, held_on=None, ratings=None, what_next="Keep going"):
    return services.review_record(
        by=by,
        relationship_id=relationship.pk,
        held_on=held_on or TODAY(),
        progress=[
            ProgressEntry(goal_id=g.pk, rating=r, in_their_words=f"Words {i}")
            for i, (g, r) in enumerate(zip(goals, ratings or [3] * len(goals), strict=True))
        ],
        what_next=what_next,
    )


def test_a_review_records_progress_as_they_see_it_and_plans_the_next(as_supporter, relationship):
    walk = GoalFactory(relationship=relationship, text="Walk to the park")
    cook = GoalFactory(relationship=relationship, text="Cook for friends")
    own = GoalFactory(relationship=relationship, text="Unlinked", person=relationship.person)
    own.relationship = None
    own.save(update_fields=["relationship"])
    GoalFactory(relationship=relationship, status=GoalStatus.DROPPED)  # not talked about
    held_on = TODAY() - dt.timedelta(days=2)

    review = _review(
        as_supporter, relationship, [walk, cook, own], held_on=held_on, ratings=[5, 2, 1]
    )

    relationship.refresh_from_db()
    assert relationship.next_review_on == held_on + dt.timedelta(days=91)
    assert review.recorded_by_label == "emilio@example.com"
    assert {(p.goal.text, p.rating) for p in review.progress.all()} == {
        ("Walk to the park", 5),
        ("Cook for friends", 2),
        ("Unlinked", 1),
    }
    walk.refresh_from_db()
    assert walk.status == GoalStatus.ACHIEVED  # "achieved" on the scale closes the goal
    assert walk.history.last().note.startswith("Achieved, at the review on")
    cook.refresh_from_db()
    assert cook.status == GoalStatus.WORKING_ON
    assert AuditEvent.objects.filter(action="relationship.reviewed").count() == 1
    with pytest.raises(WellbeingRecordIsAppendOnly):
        review.save()
    with pytest.raises(WellbeingRecordIsAppendOnly):
        GoalProgress.objects.filter(review=review).delete()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "The date of the review must be today or in the past"),
        (-31, "The date of the review must be on or after support started"),
    ],
)
def test_a_review_dated_in_the_future_or_before_support_started_is_refused(
    by, relationship, days, message
):
    goal = GoalFactory(relationship=relationship)
    before = relationship.next_review_on
    with pytest.raises(WellbeingError, match=message):
        _review(by, relationship, [goal], held_on=TODAY() + dt.timedelta(days=days))
    relationship.refresh_from_db()
    assert relationship.next_review_on == before
    assert not ProgressReview.objects.exists() and not GoalProgress.objects.exists()


def test_a_review_must_cover_exactly_the_current_goals(by, relationship):
    first = GoalFactory(relationship=relationship)
    second = GoalFactory(relationship=relationship)
    with pytest.raises(WellbeingError, match="Their goals changed while you were recording"):
        _review(by, relationship, [first])
    with pytest.raises(WellbeingError, match="Their goals changed"):
        services.review_record(
            by=by,
            relationship_id=relationship.pk,
            held_on=TODAY(),
            progress=[
                ProgressEntry(first.pk, 3),
                ProgressEntry(first.pk, 3),
                ProgressEntry(second.pk, 3),
            ],
            what_next="More",
        )
    with pytest.raises(WellbeingError, match="Choose how each goal is going"):
        _review(by, relationship, [first, second], ratings=[3, 9])
    with pytest.raises(WellbeingError, match="Enter what happens next"):
        _review(by, relationship, [first, second], what_next="  ")
    assert not ProgressReview.objects.exists()


def test_reviews_are_only_for_support_that_is_going_on(by, organisation):
    introduced = RelationshipFactory(
        organisation=organisation, status=Status.INTRODUCED, started_on=None
    )
    with pytest.raises(WellbeingError, match="this support is 'introduced'"):
        _review(by, introduced, [])
    ended = RelationshipFactory(organisation=organisation, status=Status.ENDED, ended_on=TODAY())
    with pytest.raises(WellbeingError, match="this support is 'ended'"):
        _review(by, ended, [])
    paused = RelationshipFactory(organisation=organisation, status=Status.PAUSED)
    assert _review(by, paused, []).relationship == paused  # a review with no goals is fine


def test_one_review_per_day_and_a_late_earlier_review_does_not_move_the_next_back(by, relationship):
    _review(by, relationship, [], held_on=TODAY())
    with pytest.raises(WellbeingError, match="already recorded"):
        _review(by, relationship, [], held_on=TODAY())
    _review(by, relationship, [], held_on=TODAY() - dt.timedelta(days=10))
    relationship.refresh_from_db()
    assert relationship.next_review_on == TODAY() + dt.timedelta(days=91)
    assert ProgressReview.objects.count() == 2


def test_a_volunteer_records_reviews_only_for_support_they_give(
    organisation, relationship, other_volunteer
):
    stranger = Acting(user=other_volunteer, organisation=organisation)
    with pytest.raises(WellbeingError, match="supporters and coordinators"):
        _review(stranger, relationship, [])
    # Even when they support the same person in another relationship.

    mine = Volunteer.objects.get(user=other_volunteer)
    RelationshipFactory(organisation=organisation, person=relationship.person, supporters=[mine])
    with pytest.raises(WellbeingError, match="only record reviews of support you give"):
        _review(stranger, relationship, [])
    assert not ProgressReview.objects.exists()
