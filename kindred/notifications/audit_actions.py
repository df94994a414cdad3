"""The audit actions of messages (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

NOTIFICATION_QUEUED = audit_action("notification.queued", "A message was queued to send")
MESSAGE = audit_view_actions("notification", "a message Kindred sent and its delivery attempts")
