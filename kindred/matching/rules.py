"""Who may see and edit matching profiles: coordinators only."""

import rules

from kindred.accounts.predicates import is_coordinator

rules.add_perm("matching.view_matching", is_coordinator)
rules.add_perm("matching.edit_profile", is_coordinator)
rules.add_perm("matching.decide", is_coordinator)
rules.add_perm("matching.tune", is_coordinator)
