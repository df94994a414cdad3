"""Who may do what with volunteer records. Coordinators run recruitment, checks and supervision;
volunteers see and change only their own record (never anyone else's checks)."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_facilitator,
    is_organisation_admin,
    is_volunteer,
)

rules.add_perm("volunteers.view_volunteer", is_coordinator)
rules.add_perm("volunteers.manage_volunteer", is_coordinator)
# Downloading the list as a file (ADR-093): coordinators only.
rules.add_perm("volunteers.export_volunteers", is_coordinator)
rules.add_perm("volunteers.view_value", is_coordinator | is_organisation_admin)
rules.add_perm("volunteers.configure", is_coordinator | is_organisation_admin)
rules.add_perm("volunteers.self_service", is_volunteer | is_facilitator)
