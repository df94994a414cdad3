"""The audit actions of outcomes: questionnaires, healthcare use, costs and reports (ADR-084)."""

from kindred.core.audit_actions import audit_action

COLLECTIONS_SCHEDULED = audit_action(
    "outcome_collection.scheduled", "Questionnaires were scheduled for a referral"
)
COLLECTION_COMPLETED = audit_action(
    "outcome_collection.completed", "A questionnaire's answers were recorded"
)
COLLECTION_CLOSED = audit_action(
    "outcome_collection.closed", "A questionnaire was recorded as declined or not possible"
)
HEALTHCARE_USE_RECORDED = audit_action(
    "healthcare_use.recorded", "Healthcare use in the last 3 months was recorded"
)
LINK_MADE = audit_action("outcome_link.made", "A one-time questionnaire link was made")
LINK_USED = audit_action("outcome_link.used", "A one-time questionnaire link was used")
REMINDER_SENT = audit_action("outcome_collection.reminded", "A questionnaire reminder was sent")
UNIT_COST_SAVED = audit_action("unit_cost.saved", "A unit cost was set")
SERVICE_COST_ADDED = audit_action("service_cost.added", "A cost of running the service was added")
SETTINGS_SAVED = audit_action("outcome_settings.saved", "The questionnaires asked were changed")
REPORT_VIEWED = audit_action("outcome_report.viewed", "An aggregate report was opened")
