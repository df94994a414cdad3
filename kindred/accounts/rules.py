"""Who may do what with organisations and memberships. Deny by default: no rule, no access."""

import rules

from kindred.accounts.predicates import is_member, is_network_admin, is_organisation_admin

# Any role in the organisation may see its home page.
rules.add_perm("accounts.view_home", is_member)
rules.add_perm("accounts.view_members", is_organisation_admin | is_network_admin)
rules.add_perm("accounts.manage_members", is_organisation_admin)
