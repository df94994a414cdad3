"""Role predicates for `rules`. The object is the organisation the user acts for, or a record that
belongs to one (anything with an `organisation` attribute). No object means no permission."""

from __future__ import annotations

from typing import Any

import rules

from kindred.accounts.models import Organisation, Role


def organisation_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    organisation = getattr(obj, "organisation", None)
    return organisation if isinstance(organisation, Organisation) else None


def has_role(*roles: Role) -> rules.Predicate:
    wanted = frozenset(str(role) for role in roles)
    name = "has_role:" + ",".join(sorted(wanted))

    @rules.predicate(name)  # type: ignore[untyped-decorator]
    def predicate(user: Any, obj: Any = None) -> bool:
        organisation = organisation_of(obj)
        if organisation is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(user.roles_in(organisation) & wanted)

    return predicate


is_coordinator = has_role(Role.COORDINATOR)
is_volunteer = has_role(Role.VOLUNTEER)
is_facilitator = has_role(Role.FACILITATOR)
is_safeguarding_lead = has_role(Role.SAFEGUARDING_LEAD)
is_duty_professional = has_role(Role.DUTY_PROFESSIONAL)
is_referrer = has_role(Role.REFERRER)
is_commissioner = has_role(Role.COMMISSIONER)
is_organisation_admin = has_role(Role.ORGANISATION_ADMIN)
is_network_admin = has_role(Role.NETWORK_ADMIN)
is_member = has_role(*Role)
