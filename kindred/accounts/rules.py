"""Who may do what with organisations and memberships. Deny by default: no rule, no access.
Which roles each may give is decided by `reach.refusal` (ADR-070), in the services."""

import rules

from kindred.accounts.predicates import is_member, is_network_admin, is_organisation_admin

# Any role in the organisation may see its home page.
rules.add_perm("accounts.view_home", is_member)
rules.add_perm("accounts.view_members", is_organisation_admin | is_network_admin)
# Organisation admins give the organisation's roles; network admins the network's (ADR-070).
rules.add_perm("accounts.manage_members", is_organisation_admin | is_network_admin)
rules.add_perm("accounts.reset_two_factor", is_organisation_admin)
