"""Issue 11: a match, a recorded conflict ("never match these two"), a rejection and an
organisation's choice about sharing are decisions someone made: each is PROTECTed from what it
hangs on, and removing the person, supporter, referral or organisation is refused."""

from __future__ import annotations

import pytest
from django.db import models, transaction
from django.db.models import ProtectedError

from kindred.matching.models import Conflict, Match, NetworkSharing, Rejection
from kindred.matching.tests.factories import ConflictFactory
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.tests.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

DECISIONS: list[type[models.Model]] = [Match, Conflict, Rejection, NetworkSharing]


def _refused(instance: models.Model, model: type[models.Model]) -> None:
    before = model._default_manager.count()
    with pytest.raises(ProtectedError), transaction.atomic():
        instance.delete()
    assert model._default_manager.count() == before == 1


def test_a_conflict_keeps_the_person_and_the_supporter(organisation):
    conflict = ConflictFactory(volunteer__organisation=organisation)
    _refused(conflict.person, Conflict)
    _refused(conflict.volunteer, Conflict)


def test_a_rejection_keeps_the_referral_and_the_supporter(organisation, coordinator):
    referral = ReferralFactory(organisation=organisation)
    volunteer = VolunteerFactory(organisation=organisation)
    Rejection.objects.create(
        organisation=organisation,
        referral=referral,
        volunteer=volunteer,
        reason="Too far",
        rejected_by=coordinator,
    )
    _refused(referral, Rejection)
    _refused(volunteer, Rejection)
    _refused(coordinator, Rejection)


def test_a_sharing_decision_keeps_its_organisation(organisation, coordinator):
    NetworkSharing.objects.create(organisation=organisation, shares=True, changed_by=coordinator)
    _refused(organisation, NetworkSharing)


@pytest.mark.parametrize("model", DECISIONS, ids=lambda m: m.__name__)
def test_no_matching_decision_cascades_from_what_it_hangs_on(model):
    loose = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert loose == []
