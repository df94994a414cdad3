"""The audit actions of groups, venues, sessions and attendance (ADR-084)."""

from kindred.core.audit_actions import audit_action

VENUE_ADDED = audit_action("venue.added", "A venue for groups was added")
VENUE_CHANGED = audit_action("venue.changed", "A venue for groups was changed")
GROUP_ADDED = audit_action("group.added", "A group was set up")
GROUP_CHANGED = audit_action("group.changed", "A group's details or schedule were changed")
GROUP_MEMBER_ADDED = audit_action("group_member.added", "A person joined a group")
GROUP_REGULAR_ADDED = audit_action("group_regular.added", "A regular known by a nickname was added")
SESSION_CANCELLED = audit_action("session.cancelled", "A group session was cancelled")
ATTENDANCE_RECORDED = audit_action("attendance.recorded", "A group session's attendance was taken")
