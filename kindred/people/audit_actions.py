"""The audit actions of people's records (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

PERSON_CREATED = audit_action("person.created", "A person's record was made")
PERSON_DETAILS_CHANGED = audit_action("person.details_changed", "A person's details were changed")
PERSON_CONSENT_RECORDED = audit_action(
    "person.consent_recorded",
    "A person's consent answer was recorded",
)
PERSON_MATCHED = audit_action("person.matched", "An arrival was matched to a person's record")
PERSON_DUPLICATE_FLAGGED = audit_action(
    "person.duplicate_flagged",
    "A record was flagged as possibly the same person as another",
    legacy=("person.possible_duplicate",),
)
PERSON_MERGED = audit_action(
    "person.merged",
    "A person's record was merged into another record of the same person",
)
PERSON_EXPORTED = audit_action("person.exported", "Everything held about a person was exported")
PERSON = audit_view_actions("person", "a person's details")
