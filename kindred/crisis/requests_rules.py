"""Who may use the crisis line's requests pages (imported by kindred/crisis/rules.py). Which
requests someone sees is decided by `requests_selectors.requests_for_user`: coordinators every
one, anyone else those offered or escalated to them or that they took (404 otherwise); the
services check again who may accept, escalate, acknowledge or close."""

import rules

from kindred.accounts.predicates import is_coordinator, is_duty_professional, is_volunteer

rules.add_perm("crisis.view_requests", is_volunteer | is_coordinator | is_duty_professional)
rules.add_perm("crisis.log_request", is_volunteer | is_coordinator)
rules.add_perm("crisis.acknowledge_request", is_duty_professional)
