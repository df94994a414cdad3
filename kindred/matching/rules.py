"""Who may match: coordinators within their organisation; network admins across the sharing
organisations of their network; organisation admins decide whether their organisation shares."""

import rules

from kindred.accounts.predicates import is_coordinator, is_network_admin, is_organisation_admin

rules.add_perm("matching.view_matching", is_coordinator)
rules.add_perm("matching.edit_profile", is_coordinator)
rules.add_perm("matching.decide", is_coordinator)
rules.add_perm("matching.tune", is_coordinator)
rules.add_perm("matching.match_network", is_network_admin)
rules.add_perm("matching.share", is_organisation_admin)
