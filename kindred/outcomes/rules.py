"""Who may use the outcomes pages, by role in the organisation acted for.

Coordinators schedule and record questionnaires and healthcare use; coordinators and
organisation admins keep the unit costs and the service's own costs. Reports: commissioners and
network admins see their network's aggregates, coordinators their own organisation's. Nobody
sees a person's answers through a report: it holds suppressed aggregates only (ADR-123)."""

import rules

from kindred.accounts.predicates import (
    is_commissioner,
    is_coordinator,
    is_network_admin,
    is_organisation_admin,
)

rules.add_perm("outcomes.record_outcomes", is_coordinator)
rules.add_perm("outcomes.manage_costs", is_coordinator | is_organisation_admin)
rules.add_perm("outcomes.view_report", is_commissioner | is_network_admin | is_coordinator)
#: Choosing any organisation of the network in a report (coordinators see only their own).
rules.add_perm("outcomes.view_network_report", is_commissioner | is_network_admin)
