"""The audit actions of volunteers (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

VOLUNTEER_CREATED = audit_action("volunteer.created", "A volunteer's record was made")
VOLUNTEER_ENQUIRED = audit_action("volunteer.enquired", "Someone asked about volunteering")
VOLUNTEER_INVITED = audit_action(
    "volunteer.invited",
    "Someone the organisation supports was invited to volunteer",
)
VOLUNTEER_MOVED = audit_action("volunteer.moved", "A volunteer moved stage")
VOLUNTEER_DETAILS_UPDATED = audit_action(
    "volunteer.details_updated",
    "A volunteer's details were changed",
)
VOLUNTEER_USER_LINKED = audit_action("volunteer.user_linked", "A volunteer was linked to a sign-in")
VOLUNTEER_PERSON_LINKED = audit_action(
    "volunteer.person_linked",
    "A volunteer was linked to their record as a person supported",
)
VOLUNTEER_JOURNEY_ADDED = audit_action(
    "volunteer.journey_added",
    "A step of a volunteer's journey was added",
)
VOLUNTEER_SIGN_IN_INVITED = audit_action(
    "volunteer.sign_in_invited",
    "A volunteer was invited to sign in, with the volunteer role",
)
VOLUNTEER_REFERENCE_REQUESTED = audit_action(
    "volunteer.reference_requested",
    "A reference for a volunteer was asked for",
)
VOLUNTEER_REFERENCE_RECEIVED = audit_action(
    "volunteer.reference_received",
    "A volunteer's reference was received and its outcome recorded",
)
VOLUNTEER_DBS_RECORDED = audit_action("volunteer.dbs_recorded", "A DBS check was recorded")
VOLUNTEER_TRAINING_RECORDED = audit_action("volunteer.training_recorded", "Training was recorded")
VOLUNTEER_PROGRAMME_UPDATED = audit_action(
    "volunteer.programme_updated",
    "A training programme was changed",
)
VOLUNTEER_ROLE_ASSIGNED = audit_action("volunteer.role_assigned", "A volunteering role was given")
VOLUNTEER_ROLE_UPDATED = audit_action("volunteer.role_updated", "A volunteering role was changed")
VOLUNTEER_ROLE_REMOVED = audit_action(
    "volunteer.role_removed",
    "A volunteering role was taken away",
)
VOLUNTEER_AVAILABILITY_SET = audit_action(
    "volunteer.availability_set",
    "A volunteer's availability was set",
)
VOLUNTEER_HOURS_LOGGED = audit_action("volunteer.hours_logged", "Volunteering hours were logged")
VOLUNTEER_HOURS_UPDATED = audit_action("volunteer.hours_updated", "Logged hours were changed")
VOLUNTEER_HOURS_REMOVED = audit_action("volunteer.hours_removed", "Logged hours were removed")
VOLUNTEER_EXPENSE_CLAIMED = audit_action("volunteer.expense_claimed", "An expense was claimed")
VOLUNTEER_EXPENSE_PAID = audit_action("volunteer.expense_paid", "An expense was paid")
VOLUNTEER_SUPERVISED = audit_action("volunteer.supervised", "A supervision was recorded")
VOLUNTEER_CHECKED_IN = audit_action(
    "volunteer.checked_in",
    "A volunteer checked in on how they are",
)
VOLUNTEER_SUPPORT_REQUESTED = audit_action(
    "volunteer.support_requested",
    "A volunteer asked for support",
)
VOLUNTEER_SUPPORT_ANSWERED = audit_action(
    "volunteer.support_answered",
    "A volunteer's request for support was answered",
)
VOLUNTEER_LIST_EXPORTED = audit_action(
    "volunteer_list.exported",
    "A coordinator downloaded the list of volunteers, as filtered, as a CSV file",
)
VOLUNTEER = audit_view_actions("volunteer", "a volunteer's record")
