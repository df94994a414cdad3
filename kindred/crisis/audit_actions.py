"""The audit actions of the crisis line: the rota's and the support requests' (ADR-084)."""

from kindred.core.audit_actions import audit_action

# The rota
ROTA_SETTINGS_CHANGED = audit_action(
    "rota_settings.changed", "The crisis line rota settings were changed"
)
ROTA_PATTERNS_SET = audit_action("rota_patterns.set", "The crisis line's shift patterns were set")
ROTA_CREATED = audit_action("rota.created", "A crisis line rota was started")
ROTA_BUILD_ASKED = audit_action("rota.build_asked", "A crisis line rota build was asked for")
ROTA_BUILT = audit_action("rota.solved", "A crisis line rota was built by the solver")
SHIFT_SUPPORTER_ADDED = audit_action("shift.supporter_added", "A supporter was put on a shift")
SHIFT_SUPPORTER_REMOVED = audit_action(
    "shift.supporter_removed", "A supporter was taken off a shift"
)
SHIFT_PROFESSIONAL_SET = audit_action(
    "shift.professional_set", "A shift's duty professional was set"
)
SHIFT_AVAILABILITY_SET = audit_action(
    "shift_availability.set", "A volunteer said which shifts they can do"
)
SHIFT_SWAP_OFFERED = audit_action(
    "shift_swap.offered", "A supporter offered their place on a shift"
)
SHIFT_SWAP_TAKEN = audit_action("shift_swap.taken", "A supporter took a shift offered in a swap")
SHIFT_SWAP_WITHDRAWN = audit_action(
    "shift_swap.withdrawn", "A supporter withdrew a shift swap offer"
)
SHIFT_HOURS_RECORDED = audit_action(
    "shift.hours_recorded", "Ended shifts were counted in volunteers' hours"
)

# The support requests (kindred/crisis/requests_audit_actions.py).
from kindred.crisis.requests_audit_actions import *  # noqa: E402, F403
