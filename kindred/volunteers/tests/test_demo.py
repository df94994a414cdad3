"""The demo volunteering data: believable, with something due soon, and idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from kindred.nonprod.constants import demo_email
from kindred.volunteers import selectors
from kindred.volunteers.models import (
    AvailabilityWindow,
    DbsCheck,
    JourneyEvent,
    Reference,
    Stage,
    SupportRequest,
    TrainingRecord,
    Volunteer,
    VolunteerHours,
    WellbeingCheckIn,
)

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        m.objects.count()
        for m in (
            Volunteer,
            DbsCheck,
            TrainingRecord,
            VolunteerHours,
            JourneyEvent,
            SupportRequest,
            AvailabilityWindow,
            WellbeingCheckIn,
            Reference,
        )
    )


def test_demo_volunteers_have_checks_training_and_hours_and_seeding_twice_changes_nothing():
    call_command("seed", "demo", verbosity=0)
    first = counts()
    call_command("seed", "demo", verbosity=0)
    assert counts() == first
    tom = Volunteer.objects.get(user__email=demo_email("volunteer"))
    assert tom.stage == Stage.ACTIVE and tom.dbs_checks.exists() and tom.training.exists()
    assert tom.roles.exists() and tom.hours.exists()
    for volunteer in Volunteer.objects.filter(user__isnull=False):
        for role in volunteer.roles.all():
            assert selectors.eligibility_for(volunteer=volunteer, role=role).eligible
    stockport = Volunteer.objects.get(user__email=demo_email("facilitator")).organisation
    assert selectors.due_soon(organisation=stockport, on=timezone.localdate())
    assert selectors.supporters_who_received_support(organisation=stockport).count() >= 1
    assert Volunteer.objects.filter(stage=Stage.REFERENCES).count() == 3
    assert tom.availability.exists()
    assert selectors.struggling_this_month(organisation=stockport).exists() or (
        selectors.struggling_this_month(organisation=tom.organisation).exists()
    )
    assert SupportRequest.objects.exists()


def test_demo_volunteers_past_references_and_dbs_have_the_paperwork_the_pipeline_asks_for():
    call_command("seed", "demo", verbosity=0)
    after_references = [Stage.DBS_CHECK, Stage.INDUCTION, Stage.ACTIVE, Stage.PAUSED]
    past = Volunteer.objects.filter(stage__in=after_references)
    assert past.filter(stage=Stage.DBS_CHECK).exists() and past.filter(stage=Stage.ACTIVE).exists()
    for volunteer in past:
        needed = selectors.references_needed(organisation=volunteer.organisation)
        assert selectors.satisfactory_references(volunteer=volunteer) >= needed, volunteer
        if volunteer.stage != Stage.DBS_CHECK:
            assert volunteer.dbs_checks.exists(), volunteer
    # Someone waiting at references has one back and one still to come: the board shows both.
    waiting = Volunteer.objects.filter(stage=Stage.REFERENCES)
    assert waiting.exists()
    for volunteer in waiting:
        assert selectors.satisfactory_references(volunteer=volunteer) == 1
        assert volunteer.references.filter(received_on__isnull=True).count() == 1
