"""The audit actions of the crisis line's support requests (ADR-084), `<entity>.<past verb>`.
Imported by kindred/crisis/audit_actions.py so that core loads them when Django starts."""

from kindred.core.audit_actions import audit_action, audit_view_actions

REQUEST_RECEIVED = audit_action("support_request.received", "A support request came in")
REQUEST_OFFERED = audit_action(
    "support_request.offered", "A support request was offered to a step of the on-call ladder"
)
REQUEST_ACCEPTED = audit_action("support_request.accepted", "A supporter took a support request")
REQUEST_ESCALATED = audit_action(
    "support_request.escalated", "A support request was escalated to the professional on call"
)
REQUEST_ACKNOWLEDGED = audit_action(
    "support_request.acknowledged", "The professional on call acknowledged a support request"
)
REQUEST_LINKED = audit_action(
    "support_request.linked", "A support request was linked to a person's record"
)
REQUEST_CONCERN_RAISED = audit_action(
    "support_request.concern_raised", "A safeguarding concern was raised about a support request"
)
REQUEST_CLOSED = audit_action("support_request.closed", "A support request was closed")
REQUEST_SUPERVISION_ASKED = audit_action(
    "support_request.supervision_asked", "A supporter asked for supervision after a call"
)
SUPPORT_REQUEST = audit_view_actions("support_request", "a support request")
SUPPORT_REQUEST_LIST = audit_view_actions("support_request_list", "the crisis line's requests")
