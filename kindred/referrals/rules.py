"""Who may do what with referrals."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_facilitator,
    is_referrer,
    is_safeguarding_lead,
    is_volunteer,
)

rules.add_perm("referrals.view_referral", is_coordinator | is_safeguarding_lead)
rules.add_perm("referrals.triage_referral", is_coordinator)
rules.add_perm("referrals.add_referral", is_coordinator)
rules.add_perm("referrals.refer", is_referrer)
# Coordinators raise a concern for any person's GP. Volunteers and facilitators reach the route
# too, but the view lets them raise one only about someone they currently support (relationships
# app); anyone else is answered with 404 and the attempt is audited.
rules.add_perm("referrals.raise_gp_concern", is_coordinator | is_volunteer | is_facilitator)
rules.add_perm("referrals.raise_gp_concern_for_anyone", is_coordinator)
