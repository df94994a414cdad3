"""The audit actions of team members, organisations and networks (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action

USER_CREATED = audit_action("user.created", "A user account was made")
USER_SIGNED_IN = audit_action("user.signed_in", "Someone signed in")
USER_SIGNED_OUT = audit_action("user.signed_out", "Someone signed out")
USER_PASSWORD_SET = audit_action("user.password_set", "Someone set their password from a link")
USER_TWO_FACTOR_FAILED = audit_action(
    "user.two_factor_failed",
    "A wrong two-step verification code was entered",
)
USER_TWO_FACTOR_SET_UP = audit_action(
    "user.two_factor_set_up",
    "Someone set up two-step verification",
)
USER_TWO_FACTOR_VERIFIED = audit_action(
    "user.two_factor_verified",
    "Someone passed two-step verification",
)
USER_TWO_FACTOR_RESET = audit_action(
    "user.two_factor_reset",
    "Someone's two-step verification was reset",
)
USER_TWO_FACTOR_RESET_REFUSED = audit_action(
    "user.two_factor_reset_refused",
    "A reset of two-step verification was refused",
)
MEMBERSHIP_GRANTED = audit_action("membership.granted", "A role was given")
MEMBERSHIP_GRANT_REFUSED = audit_action("membership.grant_refused", "Giving a role was refused")
MEMBERSHIP_ENDED = audit_action("membership.ended", "A role was taken away")
MEMBERSHIP_END_REFUSED = audit_action("membership.end_refused", "Taking a role away was refused")
INVITATION_SENT = audit_action("invitation.sent", "Someone was invited to a team")
INVITATION_ACCEPTED = audit_action("invitation.accepted", "An invitation was accepted")
INVITATION_DECLINED = audit_action("invitation.declined", "An invitation was declined")
INVITATION_WITHDRAWN = audit_action("invitation.withdrawn", "An invitation was withdrawn")
INVITATION_WITHDRAW_REFUSED = audit_action(
    "invitation.withdraw_refused",
    "Withdrawing an invitation was refused",
)
ORGANISATION_CREATED = audit_action("organisation.created", "An organisation was added")
ORGANISATION_SWITCHED = audit_action(
    "organisation.switched",
    "Someone chose which organisation to act for",
)
NETWORK_CREATED = audit_action("network.created", "A network was added")
ORGANISATION_UPDATED = audit_action(
    "organisation.updated",
    "An organisation's name or NHS identity was changed",
)
NETWORK_ORGANISATION_ADDED = audit_action(
    "network.organisation_added",
    "An organisation joined a network",
)
ORGANISATION_PLACE_SET = audit_action(
    "organisation.place_set",
    "Where an organisation is based, or the support it offers, was set",
)
# Moved from the FHIR app with the tokens (ADR-119): same names, so older entries still match.
API_TOKEN_CREATED = audit_action("api_token.created", "An API token was made")
API_TOKEN_REVOKED = audit_action("api_token.revoked", "An API token was revoked")
