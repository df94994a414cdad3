"""Who may use the crisis line's pages, by role in the organisation acted for.

The rota: coordinators set it up, build it and adjust it; duty professionals and volunteers see it;
volunteers say when they can do shifts and swap their own shifts."""

import rules

from kindred.accounts.predicates import is_coordinator, is_duty_professional, is_volunteer

rules.add_perm("crisis.view_rota", is_coordinator | is_duty_professional | is_volunteer)
rules.add_perm("crisis.change_rota", is_coordinator)
rules.add_perm("crisis.own_shifts", is_volunteer)

# The support requests' permissions (kindred/crisis/requests_rules.py).
from kindred.crisis import requests_rules  # noqa: E402, F401
