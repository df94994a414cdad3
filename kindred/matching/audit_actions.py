"""The audit actions of matching (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

MATCH_PROPOSED = audit_action(
    "match.proposed",
    "A match was proposed",
    legacy=("matching.proposed",),
)
MATCH_ACCEPTED = audit_action(
    "match.accepted",
    "A match was accepted",
    legacy=("matching.match_accepted",),
)
MATCH_REJECTED = audit_action(
    "match.rejected",
    "A match was rejected",
    legacy=("matching.match_rejected",),
)
MATCH_CONFLICT_RECORDED = audit_action(
    "match.conflict_recorded",
    "A reason two people should not be matched was recorded",
    legacy=("matching.conflict_recorded",),
)
NETWORK_SHARING_CHANGED = audit_action(
    "network_sharing.changed",
    "An organisation chose whether to match across its network",
    legacy=("matching.network_sharing_changed",),
)
SUPPORTER_PROFILE_SAVED = audit_action(
    "supporter_profile.saved",
    "A supporter's matching profile was saved",
    legacy=("matching.supporter_profile_saved",),
)
WAITING_PROFILE_SAVED = audit_action(
    "waiting_profile.saved",
    "A waiting person's matching profile was saved",
    legacy=("matching.waiting_profile_saved",),
)
MATCHING_WEIGHTS_SAVED = audit_action(
    "matching_weights.saved",
    "The matching weights were changed",
    legacy=("matching.weights_saved",),
)
MATCH_SUGGESTIONS = audit_view_actions(
    "match_suggestions", "suggested matches", legacy=("matching.suggestions_viewed",)
)
