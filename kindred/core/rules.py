"""Who may search the audit log: organisation admins (their organisation's entries)."""

import rules

from kindred.accounts.predicates import is_organisation_admin

rules.add_perm("core.search_audit_log", is_organisation_admin)
