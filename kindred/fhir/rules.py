"""Who may manage the organisation's API tokens."""

import rules

from kindred.accounts.predicates import is_coordinator, is_organisation_admin

rules.add_perm("fhir.manage_tokens", is_coordinator | is_organisation_admin)
