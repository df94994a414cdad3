"""Who may use the wellbeing pages, by role in the organisation acted for. Which person's goals or
plan a user may open is decided record by record in selectors (a volunteer only for the people
they support; a plan only as the person chose, ADR-045): a role allowed here but not for that
record gets "page not found"."""

import rules

from kindred.accounts.predicates import is_coordinator, is_facilitator, is_volunteer

rules.add_perm("wellbeing.view_goals", is_coordinator | is_volunteer)
rules.add_perm("wellbeing.change_goals", is_coordinator | is_volunteer)
rules.add_perm("wellbeing.view_crisis_plan", is_coordinator | is_volunteer | is_facilitator)
rules.add_perm("wellbeing.change_crisis_plan", is_coordinator | is_volunteer)
# Who may see the plan is the person's decision, recorded by a coordinator: never a supporter's
# (ADR-098). The services check it again.
rules.add_perm("wellbeing.record_crisis_plan_sharing", is_coordinator)
rules.add_perm("wellbeing.print_crisis_plan", is_coordinator)
# Coordinators hold the person's record: their goals and plan show on the person page.
rules.add_perm("wellbeing.hold_record", is_coordinator)
