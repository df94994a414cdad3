"""Issue 11: what happened to a volunteer is kept. Removing a volunteer who has a history,
checks, references, training, supervision, check-ins, requests for support, hours, expenses or a
journey is refused (PROTECT), and every one of those rows stays; only working state goes with
them."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone

from kindred.core.services import Acting
from kindred.volunteers.models import (
    AvailabilityWindow,
    ExpiryReminder,
    RoleAssignment,
    StageChange,
    Volunteer,
    WellbeingPrompt,
)
from kindred.volunteers.services import (
    checks,
    expenses,
    hours,
    profile,
    recruitment,
    references,
    support,
)
from kindred.volunteers.tests.factories import (
    RoleFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=3)

RECORDS = [
    "stage history",
    "a DBS check",
    "training",
    "supervision",
    "a check-in",
    "a request for support",
    "hours",
    "an expense",
    "their journey",
    "a reference",
]


def add_record(record: str, by: Acting, volunteer: Volunteer) -> models.QuerySet[Any]:
    """Give the volunteer one record of what happened; return where to find it again."""
    if record == "stage history":
        recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="paused")
        return StageChange.objects.filter(volunteer=volunteer)
    if record == "a DBS check":
        checks.dbs_check_record(
            by=by, volunteer=volunteer, level="enhanced", certificate_number="001234567890",
            issued_on=DAY,
        )  # fmt: skip
        return volunteer.dbs_checks.all()
    if record == "training":
        TrainingRecordFactory(volunteer=volunteer)
        return volunteer.training.all()
    if record == "supervision":
        support.supervision_record(
            by=by, volunteers=[volunteer], kind="one_to_one", held_on=DAY, notes="Endings"
        )
        return volunteer.supervision_sessions.filter(notes="Endings")
    if record == "a check-in":
        support.wellbeing_check_in(by=by, volunteer=volunteer, feeling=1, comment="Hard month")
        return volunteer.check_ins.all()
    if record == "a request for support":
        support.support_request(by=by, volunteer=volunteer, message="Could we talk?")
        return volunteer.support_requests.all()
    if record == "hours":
        hours.hours_log(by=by, volunteer=volunteer, worked_on=DAY, minutes=90)
        return volunteer.hours.all()
    if record == "an expense":
        expenses.expense_claim(
            by=by, volunteer=volunteer, spent_on=DAY, amount=Decimal("3.40"), description="Bus"
        )
        return volunteer.expenses.all()
    if record == "a reference":
        reference = references.reference_request(
            by=by, volunteer=volunteer, referee_name="Margaret Holt", relationship="Employer",
            contact="m.holt@example.com", requested_on=DAY,
        )  # fmt: skip
        references.reference_receive(
            by=by, volunteer=volunteer, reference_id=reference.pk, received_on=DAY,
            outcome="satisfactory",
        )  # fmt: skip
        return volunteer.references.all()
    assert record == "their journey"
    profile.journey_event_add(by=by, volunteer=volunteer, step="led_group", occurred_on=DAY)
    return volunteer.journey.all()


@pytest.mark.parametrize("record", RECORDS)
def test_a_volunteer_with_a_record_of_what_happened_cannot_be_removed(by, record):
    volunteer = VolunteerFactory(organisation=by.organisation)
    kept = add_record(record, by, volunteer)
    assert kept.count() == 1
    with pytest.raises(ProtectedError):
        volunteer.delete()
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert kept.count() == 1


def test_only_working_state_goes_with_a_volunteer_who_has_no_record(by, organisation):
    volunteer = VolunteerFactory(organisation=organisation)
    RoleAssignment.objects.create(volunteer=volunteer, role=RoleFactory(organisation=organisation))
    profile.availability_set(by=by, volunteer=volunteer, windows=[(0, dt.time(9), dt.time(12))])
    ExpiryReminder.objects.create(
        organisation=organisation, volunteer=volunteer, subject="dbs:1", expires_on=TODAY
    )
    WellbeingPrompt.objects.create(volunteer=volunteer, month=TODAY.replace(day=1))
    volunteer.delete()
    for model in (RoleAssignment, AvailabilityWindow, ExpiryReminder, WellbeingPrompt):
        assert not model.objects.exists()


OURS = set(apps.get_app_config("volunteers").get_models())
#: What may go with a volunteer: what they do now, not what happened.
WORKING_STATE = {RoleAssignment, AvailabilityWindow, ExpiryReminder, WellbeingPrompt}


def test_every_record_pointing_at_a_volunteer_protects_it_unless_it_is_working_state():
    """A new model of this app about volunteers PROTECTs them unless it is added to
    WORKING_STATE above (supervision's attendance included: it is an explicit through model)."""
    relations = [
        field
        for field in Volunteer._meta.get_fields()
        if isinstance(field, models.ForeignObjectRel)
        and not field.many_to_many
        and field.related_model in OURS  # other apps answer for theirs
    ]
    assert len(relations) >= 12
    for relation in relations:
        expected = models.CASCADE if relation.related_model in WORKING_STATE else models.PROTECT
        assert relation.on_delete is expected, relation.related_model
