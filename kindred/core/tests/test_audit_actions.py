"""The audit log's one vocabulary (ADR-084)."""

from __future__ import annotations

import pytest

from kindred.core import audit_actions
from kindred.core.audit_actions import (
    UnknownAuditAction,
    audit_action,
    audit_view_actions,
    current_name,
    declared,
    is_past_verb,
    names_for_search,
)
from kindred.core.services import Acting, audit_record, audit_view


@pytest.mark.parametrize(
    "verb",
    ["received", "grant_refused", "two_factor_set_up", "signed_in", "sent", "withdrawn", "paid"],
)
def test_past_verbs(verb):
    assert is_past_verb(verb)


@pytest.mark.parametrize("verb", ["status", "waiting", "view", "match_accepted_by"])
def test_not_past_verbs(verb):
    assert not is_past_verb(verb)


@pytest.mark.parametrize("name", ["referral.waiting", "Referral.received", "received", "a.b.c"])
def test_a_name_of_another_shape_is_refused(name):
    with pytest.raises(ValueError, match=r"<entity>\.<past verb>"):
        audit_action(name, "Something happened")


def test_every_declared_action_has_the_shape_and_a_description():
    assert len(declared()) > 50
    for action in declared():
        assert audit_actions.NAME.match(action.name), action
        assert is_past_verb(action.name.split(".", 1)[1]), action
        assert action.description, action


def test_an_old_name_maps_to_the_current_one_and_a_search_finds_both():
    assert current_name("relationships.contact_logged") == "contact.logged"
    assert names_for_search("contact.logged") == ["contact.logged", "relationships.contact_logged"]
    assert names_for_search("relationships.contact_logged")[0] == "contact.logged"


def test_an_old_name_cannot_be_taken_by_another_action():
    with pytest.raises(ValueError, match="already names"):
        audit_action("contact.noted", "A contact", legacy=("relationships.contact_logged",))


def test_a_view_has_two_actions_and_a_refusal_is_never_a_view():
    entity = audit_view_actions("test_record", "a test record")
    assert {"test_record.viewed", "test_record.view_refused"} <= {a.name for a in declared()}
    assert entity == "test_record"


@pytest.mark.django_db
def test_an_undeclared_action_is_not_written(organisation):
    with pytest.raises(UnknownAuditAction, match="not declared"):
        audit_record(by=Acting.system(organisation=organisation), action="thing.happened")
    assert not organisation.audit_events.exists()


@pytest.mark.django_db
def test_audit_view_writes_a_view_or_a_refusal(organisation):
    audit_view_actions("test_record", "a test record")
    by = Acting.system(organisation=organisation)
    audit_view(by=by, entity="test_record")
    audit_view(by=by, entity="test_record", refused=True)
    assert sorted(organisation.audit_events.values_list("action", flat=True)) == [
        "test_record.view_refused",
        "test_record.viewed",
    ]
