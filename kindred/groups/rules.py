"""Who may use the groups pages, by role in the organisation acted for. Facilitators run the
sessions (attendance); coordinators set groups and venues up and cancel sessions."""

import rules

from kindred.accounts.predicates import is_coordinator, is_facilitator

rules.add_perm("groups.view_group", is_coordinator | is_facilitator)
rules.add_perm("groups.change_group", is_coordinator)
rules.add_perm("groups.take_attendance", is_coordinator | is_facilitator)
rules.add_perm("groups.cancel_session", is_coordinator)
