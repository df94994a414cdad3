"""Who may do what with referrals."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_facilitator,
    is_network_admin,
    is_referrer,
    is_safeguarding_lead,
    is_volunteer,
)

rules.add_perm("referrals.view_referral", is_coordinator | is_safeguarding_lead)
# Downloading the inbox as a file (ADR-093): coordinators only, though safeguarding leads see it.
rules.add_perm("referrals.export_referrals", is_coordinator)
# Triage: each move has its own rule (and its own route), coordinators' for now.
rules.add_perm("referrals.accept_referral", is_coordinator)
rules.add_perm("referrals.decline_referral", is_coordinator)
rules.add_perm("referrals.wait_list_referral", is_coordinator)
rules.add_perm("referrals.start_referral", is_coordinator)
rules.add_perm("referrals.close_referral", is_coordinator)
# Settling who a referral is about (ADR-075).
rules.add_perm("referrals.confirm_referral_person", is_coordinator)
rules.add_perm("referrals.separate_referral_person", is_coordinator)
# Joining a repeat to the open referral it repeats (ADR-090).
rules.add_perm("referrals.join_referral", is_coordinator)
rules.add_perm("referrals.add_referral", is_coordinator)
rules.add_perm("referrals.refer", is_referrer)
# Coordinators raise a concern for any person's GP. Volunteers and facilitators reach the route
# too, but the view lets them raise one only about someone they currently support (as the apps
# that know say: kindred/referrals/supporters.py); anyone else gets 404, and the attempt is
# audited.
rules.add_perm("referrals.raise_gp_concern", is_coordinator | is_volunteer | is_facilitator)
rules.add_perm("referrals.raise_gp_concern_for_anyone", is_coordinator)
# The network front door (ADR-092): the network admins of the network of the organisation they
# act for read its inbox and send each referral on, or decline it.
rules.add_perm("referrals.view_network_referral", is_network_admin)
rules.add_perm("referrals.route_network_referral", is_network_admin)
rules.add_perm("referrals.decline_network_referral", is_network_admin)
