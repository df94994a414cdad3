"""Issue 11: nothing deletes a record of a person's goals, reviews or crisis plan. Each is
PROTECTed from what it hangs on: removing the person, the relationship or a goal is refused, and
every row is still there."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from kindred.wellbeing import services
from kindred.wellbeing.services import PlanContent, ProgressEntry, Sharing

pytestmark = pytest.mark.django_db

WELLBEING = list(apps.get_app_config("wellbeing").get_models())


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in WELLBEING}


@pytest.fixture
def recorded(by, person, relationship):
    goal = services.goal_add(
        by=by, person=person, text="Walk to the shops", relationship=relationship
    )
    services.review_record(
        by=by,
        relationship_id=relationship.pk,
        held_on=timezone.localdate(),
        progress=[ProgressEntry(goal.pk, 3, "Halfway there")],
        what_next="Try the longer way round",
    )
    services.crisis_plan_save(
        by=by,
        person=person,
        based_on=0,
        content=PlanContent(what_helps="A cup of tea with Jo"),
        sharing=Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
    )
    return goal


@pytest.mark.parametrize("what", ["person", "relationship", "goal", "plan"])
def test_nothing_a_wellbeing_record_hangs_on_can_be_deleted(recorded, person, relationship, what):
    before = _counts()
    assert all(before.values()), before  # a row of every model
    instance = {
        "person": person,
        "relationship": relationship,
        "goal": recorded,
        "plan": person.crisis_plan,
    }[what]
    with pytest.raises(ProtectedError), transaction.atomic():
        instance.delete()
    assert _counts() == before


@pytest.mark.parametrize("model", WELLBEING, ids=lambda m: m.__name__)
def test_no_wellbeing_record_cascades_from_what_it_hangs_on(model):
    cascading = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert cascading == []
