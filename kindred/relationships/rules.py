"""Who may do what with relationships. Coordinators see and manage every relationship in their
organisation. Volunteers (and facilitators who also befriend) see only the relationships they
currently support: the route lets them in, and `relationships.act_on` then checks the record
itself, so anyone else's relationship is answered with 404 (and the attempt is audited)."""

from typing import Any

import rules

from kindred.accounts.predicates import (
    is_coordinator,
    is_facilitator,
    is_volunteer,
)
from kindred.relationships.models import Relationship
from kindred.relationships.selectors import supports

is_supporter = is_volunteer | is_facilitator


@rules.predicate  # type: ignore[untyped-decorator]
def supports_it(user: Any, relationship: Any = None) -> bool:
    """The user is one of the relationship's current supporters."""
    return isinstance(relationship, Relationship) and supports(user=user, relationship=relationship)


# Routes (checked against the organisation acted for).
rules.add_perm("relationships.view_caseload", is_coordinator)
rules.add_perm("relationships.manage", is_coordinator)
# Downloading the caseload as a file (ADR-093): coordinators only, whoever else sees the page.
rules.add_perm("relationships.export_caseload", is_coordinator)
# The note supporters see before they meet the person (ADR-098): coordinators only.
rules.add_perm("relationships.write_note_for_supporters", is_coordinator)
rules.add_perm("relationships.log_contact", is_coordinator | is_supporter)
rules.add_perm("relationships.raise_concern", is_coordinator | is_supporter)
rules.add_perm("relationships.support", is_supporter)
# One relationship (checked against the record): its coordinators, or its current supporters.
rules.add_perm("relationships.act_on", is_coordinator | (is_supporter & supports_it))
