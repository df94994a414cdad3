"""Demo goals, reviews and plans: for people with support, through the services, idempotent."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from kindred.nonprod.demo_wellbeing import seed_wellbeing
from kindred.relationships.models import Relationship, Status
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.wellbeing.models import CrisisPlanSharing, CrisisPlanVersion, Goal, ProgressReview


def _counts():
    return (
        Goal.objects.count(),
        ProgressReview.objects.count(),
        CrisisPlanVersion.objects.count(),
        CrisisPlanSharing.objects.count(),
    )


def test_with_no_relationships_it_does_nothing(db):
    seed_wellbeing(log=lambda _: None)
    assert _counts() == (0, 0, 0, 0)


def test_people_with_support_get_goals_a_review_and_a_plan_and_seeding_again_changes_nothing(
    organisation, coordinator
):
    today = timezone.localdate()
    for days, review_in in ((120, -29), (60, 31), (20, 71)):
        RelationshipFactory(
            organisation=organisation,
            introduced_on=today - dt.timedelta(days=days + 5),
            started_on=today - dt.timedelta(days=days),
            next_review_on=today + dt.timedelta(days=review_in),
        )
    RelationshipFactory(organisation=organisation, status=Status.ENDED, ended_on=today)
    seed_wellbeing(log=lambda _: None)
    counts = _counts()
    assert Goal.objects.count() == 6  # two each, for the three with support going on
    # Only the one far enough in and not already overdue has a review (14 days ago).
    review = ProgressReview.objects.get()
    assert review.relationship.started_on == today - dt.timedelta(days=60)
    assert review.held_on == today - dt.timedelta(days=14)
    assert CrisisPlanVersion.objects.count() == 4  # three plans, one with a second version
    seed_wellbeing(log=lambda _: None)
    assert _counts() == counts


def test_the_whole_demo_seeds_wellbeing_once(db):
    call_command("seed", "demo", verbosity=0)
    counts = _counts()
    assert Relationship.objects.filter(status=Status.ACTIVE).exists()
    assert counts[0] > 0 and counts[2] > 0
    call_command("seed", "demo", verbosity=0)
    assert _counts() == counts
