"""Who may use the groups pages, by role in the organisation acted for. Facilitators run the
sessions (attendance, the safety net, calling in a professional); coordinators set groups and
venues up, cancel sessions and keep the waiting lists. Least privilege (ADR-113): a facilitator
sees only the groups they facilitate (`groups.run_group`, checked on the group itself)."""

from typing import Any

import rules

from kindred.accounts.predicates import is_coordinator, is_facilitator
from kindred.groups.models import Group


@rules.predicate  # type: ignore[untyped-decorator]
def facilitates(user: Any, group: Any = None) -> bool:
    """The user is one of the group's facilitators (the object must be a group)."""
    if not isinstance(group, Group) or not getattr(user, "is_authenticated", False):
        return False
    return group.facilitators.filter(user=user).exists()


rules.add_perm("groups.view_group", is_coordinator | is_facilitator)
rules.add_perm("groups.change_group", is_coordinator)
rules.add_perm("groups.take_attendance", is_coordinator | is_facilitator)
rules.add_perm("groups.cancel_session", is_coordinator)
rules.add_perm("groups.move_session", is_coordinator)
rules.add_perm("groups.keep_waiting_list", is_coordinator)
# On a group: coordinators run every group of their organisation, facilitators their own.
rules.add_perm("groups.run_group", is_coordinator | (is_facilitator & facilitates))
