"""Who may see and add person records. Volunteers see only the people they support (relationships
issue); until then they see no person records at all."""

import rules

from kindred.accounts.predicates import is_coordinator, is_safeguarding_lead

rules.add_perm("people.view_person", is_coordinator | is_safeguarding_lead)
rules.add_perm("people.add_person", is_coordinator)
rules.add_perm("people.view_person_audit", is_coordinator | is_safeguarding_lead)
rules.add_perm("people.export_person", is_coordinator)
rules.add_perm("people.record_consent", is_coordinator)
rules.add_perm("people.change_person", is_coordinator)
rules.add_perm("people.merge_person", is_coordinator)  # merging two records of one person
