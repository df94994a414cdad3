"""The audit actions of referrals and concerns for the GP (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

REFERRAL_RECEIVED = audit_action("referral.received", "A referral arrived")
REFERRAL_ACCEPTED = audit_action("referral.accepted", "A referral was accepted")
REFERRAL_DECLINED = audit_action("referral.declined", "A referral was declined")
REFERRAL_WAIT_LISTED = audit_action(
    "referral.wait_listed",
    "A referral was put on the waiting list",
    legacy=("referral.waiting",),
)
REFERRAL_STARTED = audit_action("referral.started", "Support began for a referral")
REFERRAL_CLOSED = audit_action("referral.closed", "A referral was closed")
REFERRAL_PERSON_CONFIRMED = audit_action(
    "referral.person_confirmed",
    "A coordinator confirmed who a referral is about",
)
REFERRAL_PERSON_SEPARATED = audit_action(
    "referral.person_separated",
    "A coordinator said a referral is about someone else",
)
REFERRAL_INBOX_EXPORTED = audit_action(
    "referral_inbox.exported",
    "A coordinator downloaded the referrals inbox, as filtered, as a CSV file",
)
REFERRAL_JOINED = audit_action(
    "referral.joined",
    "A repeat referral was joined to the open referral it repeated",
)
GP_CONCERN_RAISED = audit_action("gp_concern.raised", "A concern for a person's GP was raised")
GP_CONCERN_RAISE_REFUSED = audit_action(
    "gp_concern.raise_refused",
    "Raising a concern for a GP was refused",
    legacy=("gp_concern.refused",),
)
# The network front door (ADR-092).
NETWORK_REFERRAL_RECEIVED = audit_action(
    "network_referral.received", "A referral arrived at a network's front door"
)
NETWORK_REFERRAL_ROUTED = audit_action(
    "network_referral.routed", "A network admin sent a network's referral to an organisation"
)
NETWORK_REFERRAL_DECLINED = audit_action(
    "network_referral.declined", "A network admin declined a referral sent to the network"
)
NETWORK_REFERRAL_ROUTE_REFUSED = audit_action(
    "network_referral.route_refused",
    "Sending on, or declining, a network's referral was refused",
)
NETWORK_REFERRAL = audit_view_actions("network_referral", "a referral sent to a network")
