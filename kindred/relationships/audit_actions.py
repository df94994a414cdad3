"""The audit actions of befriending and one-to-one support (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

RELATIONSHIP_INTRODUCED = audit_action(
    "relationship.introduced",
    "A person was introduced to their supporters",
    legacy=("relationships.introduced",),
)
RELATIONSHIP_MOVED = audit_action(
    "relationship.moved",
    "A relationship was started, paused or resumed",
    legacy=("relationships.moved",),
)
RELATIONSHIP_ENDED = audit_action(
    "relationship.ended",
    "A relationship ended",
    legacy=("relationships.ended",),
)
RELATIONSHIP_REVIEWED = audit_action(
    "relationship.reviewed",
    "A relationship's progress was reviewed",
    legacy=("relationships.reviewed",),
)
CONTACT_LOGGED = audit_action(
    "contact.logged",
    "A supporter logged a contact",
    legacy=("relationships.contact_logged",),
)
NOTE_FOR_SUPPORTERS_CHANGED = audit_action(
    "note_for_supporters.changed",
    "A coordinator wrote, changed or took away the note a relationship's supporters see",
)
CASELOAD_EXPORTED = audit_action(
    "caseload.exported",
    "A coordinator downloaded the caseload, as filtered, as a CSV file",
)
RELATIONSHIP = audit_view_actions(
    "relationship",
    "a relationship and the person in it",
    legacy=("relationships.viewed",),
    refused_legacy=("relationships.refused",),
)
