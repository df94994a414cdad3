"""Who may do what with organisations and memberships. Deny by default: no rule, no access.
Which roles each may give is decided by `reach.refusal` (ADR-070), in the services."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_member,
    is_network_admin,
    is_organisation_admin,
)

# Any role in the organisation may see its home page.
rules.add_perm("accounts.view_home", is_member)
rules.add_perm("accounts.view_members", is_organisation_admin | is_network_admin)
# Organisation admins give the organisation's roles; network admins the network's (ADR-070).
rules.add_perm("accounts.manage_members", is_organisation_admin | is_network_admin)
rules.add_perm("accounts.reset_two_factor", is_organisation_admin)
# The audit log page: an organisation admin searches their organisation's entries.
rules.add_perm("accounts.search_audit_log", is_organisation_admin)
# A network admin's pages of their network: its organisations, who holds roles across it, and
# inviting an organisation's first admin (ADR-091). Organisation roles see none of it.
rules.add_perm("accounts.view_network", is_network_admin)
rules.add_perm("accounts.invite_first_admin", is_network_admin)
# The organisation's messages and whether each went (kindred.notifications, which sits below
# accounts and so cannot name roles itself): its coordinators, who act on a failed one.
rules.add_perm("notifications.view_notifications", is_coordinator)
