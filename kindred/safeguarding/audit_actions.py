"""The audit actions of safeguarding (ADR-084). The concern actions were the relationships app's
until concerns moved here (their names are kept, so older entries read the same)."""

from kindred.core.audit_actions import audit_action, audit_view_actions

CONCERN_RAISED = audit_action(
    "concern.raised",
    "Someone raised a safeguarding concern",
    legacy=("relationships.concern_raised",),
)
CONCERN_RESPONDED = audit_action(
    "concern.responded",
    "A coordinator responded to a worry (before concerns became cases)",
    legacy=("relationships.concern_responded",),
)
CONCERN_MOVED = audit_action(
    "concern.moved", "A concern was acknowledged, taken into an enquiry or closed"
)
CONCERN_ESCALATED = audit_action(
    "concern.escalated", "A concern missed its acknowledgement target and someone was reminded"
)
CONCERN_LINKED = audit_action(
    "concern.linked", "A lead linked a concern about someone with no record to their record"
)
ENTRY_ADDED = audit_action(
    "concern_entry.added", "Someone added an action or decision to a concern's timeline"
)
ARRANGEMENTS_CHANGED = audit_action(
    "safeguarding_arrangements.changed",
    "The organisation's safeguarding lead, deputy, duty professional or targets were changed",
)
CONCERN = audit_view_actions("concern", "a safeguarding concern")
CONCERN_LIST = audit_view_actions("concern_list", "the list of safeguarding concerns")
