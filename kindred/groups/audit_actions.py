"""The audit actions of groups, venues, sessions and attendance (ADR-084)."""

from kindred.core.audit_actions import audit_action

VENUE_ADDED = audit_action("venue.added", "A venue for groups was added")
VENUE_CHANGED = audit_action("venue.changed", "A venue for groups was changed")
GROUP_ADDED = audit_action("group.added", "A group was set up")
GROUP_CHANGED = audit_action("group.changed", "A group's details or schedule were changed")
GROUP_MEMBER_ADDED = audit_action("group_member.added", "A person joined a group")
GROUP_REGULAR_ADDED = audit_action("group_regular.added", "A regular known by a nickname was added")
SESSION_CANCELLED = audit_action("session.cancelled", "A group session was cancelled")
SESSION_MOVED = audit_action("session.moved", "A group session was moved to another time or venue")
ATTENDANCE_RECORDED = audit_action("attendance.recorded", "A group session's attendance was taken")
GROUP_MEMBER_LEFT = audit_action(
    "group_member.removed", "A person left a group (removed from its members, kept with the reason)"
)
PLACE_ADDED = audit_action("waiting_place.added", "A person was put on a group's waiting list")
PLACE_OFFERED = audit_action("waiting_place.offered", "A freed place was offered to a person")
PLACE_ANSWERED = audit_action("waiting_place.answered", "An offered place was taken or declined")
PLACE_LAPSED = audit_action("waiting_place.lapsed", "An offered place was not answered in time")
SAFETY_NET_ON = audit_action(
    "safety_net.opted_in", "Someone asked to be missed if they stop coming"
)
SAFETY_NET_OFF = audit_action("safety_net.opted_out", "Someone no longer asks to be missed")
PROMPT_RAISED = audit_action("missing_prompt.raised", "Facilitators were prompted to check in")
PROMPT_RESOLVED = audit_action("missing_prompt.resolved", "A missing-regular prompt was answered")
CRISIS_CALL_RECORDED = audit_action(
    "crisis_call.recorded", "A professional was called to someone in crisis at a session"
)
