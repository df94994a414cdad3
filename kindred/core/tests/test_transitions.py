"""The one transition mechanism (ADR-083): the state machine's checks, and that every history
built on it is append-only, protected in the database and never removed with its subject."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from kindred.core.append_only import append_only_tables
from kindred.core.transitions import (
    ChangedSinceYouLooked,
    DomainError,
    IllegalTransition,
    StateMachine,
    TransitionRecord,
    machine,
)


class Colour(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


LIGHTS = machine(
    "traffic light",
    {Colour.RED: {Colour.GREEN}, Colour.GREEN: {Colour.AMBER}, Colour.AMBER: {Colour.RED}},
    label=lambda state: Colour(state).label.lower(),
)


def test_an_allowed_move_passes():
    LIGHTS.check(current="red", to="green", expected="red")
    LIGHTS.check(current=Colour.GREEN, to=Colour.AMBER)
    assert LIGHTS.allowed("red") == {"green"}
    assert LIGHTS.can("amber", "red")


def test_a_move_the_workflow_does_not_allow_is_illegal():
    with pytest.raises(
        IllegalTransition, match="A traffic light that is 'red' cannot become 'amber'"
    ):
        LIGHTS.check(current="red", to="amber")
    assert not LIGHTS.can("red", "amber")


def test_a_record_changed_since_the_user_looked_is_refused_before_the_move_is_judged():
    with pytest.raises(ChangedSinceYouLooked, match="it is now 'green'"):
        LIGHTS.check(current="green", to="green", expected="red")


def test_both_errors_are_domain_errors_a_view_can_show():
    assert issubclass(IllegalTransition, DomainError)
    assert issubclass(ChangedSinceYouLooked, DomainError)


def test_a_state_with_no_moves_is_final():
    door = machine("door", {"open": {"shut"}, "shut": set()})
    assert door.allowed("shut") == frozenset()
    with pytest.raises(IllegalTransition, match="A door that is 'shut' cannot become 'open'"):
        door.check(current="shut", to="open")


def test_moves_to_an_undeclared_state_are_a_mistake_in_the_machine():
    with pytest.raises(ValueError, match="undeclared states"):
        StateMachine(noun="door", moves={"open": frozenset({"shut"})})


def histories() -> list[type[TransitionRecord]]:
    return [model for model in apps.get_models() if issubclass(model, TransitionRecord)]


def test_referrals_relationships_and_volunteers_keep_their_history_this_way():
    assert {model._meta.app_label for model in histories()} >= {
        "referrals",
        "relationships",
        "volunteers",
    }


@pytest.mark.parametrize("history", histories(), ids=lambda model: model._meta.label)
def test_each_history_names_its_subject_and_is_never_removed_with_it(history):
    subject = history._meta.get_field(history.subject_field)
    assert isinstance(subject, models.ForeignKey)
    assert subject.remote_field.on_delete is models.PROTECT
    for field in history._meta.get_fields():
        if isinstance(field, models.ForeignKey):
            assert field.remote_field.on_delete is models.PROTECT, field


@pytest.mark.parametrize("history", histories(), ids=lambda model: model._meta.label)
def test_each_history_gets_the_databases_append_only_protection(history):
    assert history._meta.db_table in append_only_tables()
