"""Who may do what with referrals."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_referrer,
    is_safeguarding_lead,
)

rules.add_perm("referrals.view_referral", is_coordinator | is_safeguarding_lead)
rules.add_perm("referrals.triage_referral", is_coordinator)
rules.add_perm("referrals.add_referral", is_coordinator)
rules.add_perm("referrals.refer", is_referrer)
# Volunteers and facilitators will raise concerns from the page of someone they support once the
# relationships app says who that is; until then, coordinators raise them.
rules.add_perm("referrals.raise_gp_concern", is_coordinator)
