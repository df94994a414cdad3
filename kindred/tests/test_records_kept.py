"""Nothing deletes a record that matters after the fact (issue 11): concerns, contacts, histories,
consents, the audit log, and every other append-only record. A row is removed by a cascade only
through a ForeignKey of its own with on_delete=CASCADE, so none of these has one: deleting what
they hang on (a relationship, a person, a volunteer) is refused instead (PROTECT), and ending
anything never takes them with it. Each app's tests also try a real delete."""

import pytest
from django.apps import apps
from django.db import models

from kindred.core.models import AppendOnlyModel

#: Records that are not append-only (a coordinator may still update them) but must outlive
#: whatever they are about.
KEPT = {
    "safeguarding.concern",
    "safeguarding.arrangements",
    "crisis.supportrequest",
    "relationships.contact",
    "referrals.gpconcern",
    "volunteers.dbscheck",
    "volunteers.reference",
    "volunteers.trainingrecord",
    "volunteers.volunteerhours",
    "volunteers.expense",
    "volunteers.supportrequest",
    "volunteers.wellbeingcheckin",
    "volunteers.journeyevent",
}


def kept_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, AppendOnlyModel) or model._meta.label_lower in KEPT
        ),
        key=lambda model: model._meta.label,
    )


def test_every_named_record_exists():
    assert {model._meta.label_lower for model in kept_models()} >= KEPT


@pytest.mark.parametrize("model", kept_models(), ids=lambda model: model._meta.label)
def test_no_cascade_can_remove_it(model):
    cascading = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.remote_field.on_delete is models.CASCADE
    ]
    assert cascading == [], f"{model._meta.label} would be deleted with its {cascading}"


def test_a_merged_record_and_a_joined_repeat_keep_what_they_point_at():
    """A record merged into another (a tombstone) points at the record that stays, and a repeat
    referral joined to an open one points at it (ADR-090): no delete may cut either link, so
    neither the record that stays nor the open referral can be deleted from under them."""
    for label, name in (("people.person", "merged_into"), ("referrals.referral", "joined_to")):
        field = apps.get_model(label)._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)
        assert field.remote_field.on_delete is models.PROTECT, f"{label}.{name}"
