"""Who may use safeguarding's routes. How much of one concern someone sees is decided by
`selectors.sight_of` (leads and deputies everything, coordinators a summary unless the
organisation chooses otherwise, a duty professional what was raised to them, a raiser what
they raised); a concern they may not see is answered with 404 and the attempt audited."""

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_duty_professional,
    is_facilitator,
    is_organisation_admin,
    is_safeguarding_lead,
    is_volunteer,
)

#: Everyone who works with people and may raise a concern (referrers and commissioners are
#: outside the organisation's own team).
is_team = (
    is_coordinator
    | is_volunteer
    | is_facilitator
    | is_safeguarding_lead
    | is_duty_professional
    | is_organisation_admin
)

rules.add_perm("safeguarding.raise_concern", is_team)
rules.add_perm("safeguarding.view_concerns", is_team)
# Acknowledge, open an enquiry, add to the timeline, link a record, close: the services refuse
# anyone but the named lead or deputy too.
rules.add_perm("safeguarding.work_concern", is_safeguarding_lead)
rules.add_perm("safeguarding.arrange", is_safeguarding_lead | is_organisation_admin)
# The person's page links to their concerns for those who see concerns about anyone.
rules.add_perm(
    "safeguarding.see_person_concerns",
    is_coordinator | is_safeguarding_lead | is_duty_professional,
)
