"""Volunteering roles: what each asks for, who holds them (only those who meet it, ADR-031), and
the usual roles and courses an organisation starts with."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kindred.core.services import Acting, audit_record
from kindred.volunteers import eligibility, selectors
from kindred.volunteers.audit_actions import (
    VOLUNTEER_ROLE_ASSIGNED,
    VOLUNTEER_ROLE_REMOVED,
    VOLUNTEER_ROLE_UPDATED,
)
from kindred.volunteers.errors import NotEligible, VolunteerError
from kindred.volunteers.models import (
    RoleAssignment,
    TrainingCourse,
    Volunteer,
    VolunteeringRole,
)
from kindred.volunteers.services._common import organisation_of

STANDARD_COURSES: list[tuple[str, str, int | None]] = [
    ("safeguarding_adults", "Safeguarding adults", 36),
    ("peer_support", "Peer support", None),
    ("befriending", "Befriending", None),
    ("crisis_line", "Crisis line", 24),
    ("lone_working", "Lone working", 36),
    ("data_protection", "Data protection", 12),
]
STANDARD_ROLES: list[tuple[str, str, str, int, tuple[str, ...]]] = [
    ("befriender", "Befriender", "enhanced", 3,
     ("safeguarding_adults", "befriending", "lone_working", "data_protection")),
    ("crisis_line", "Crisis line supporter", "enhanced_barred", 3,
     ("safeguarding_adults", "peer_support", "crisis_line", "data_protection")),
    ("group_facilitator", "Group facilitator", "enhanced", 3,
     ("safeguarding_adults", "peer_support", "data_protection")),
    ("driver", "Driver", "enhanced", 3, ("safeguarding_adults", "lone_working")),
]  # fmt: skip


@transaction.atomic
def role_assign(
    *, by: Acting, volunteer: Volunteer, role: VolunteeringRole, on: dt.date | None = None
) -> RoleAssignment:
    """Give a volunteer a role, only if they meet everything it asks for."""
    if role.organisation_id != volunteer.organisation_id:
        raise VolunteerError("Choose one of your organisation's roles")
    result = selectors.eligibility_for(volunteer=volunteer, role=role, on=on)
    if not result.eligible:
        raise NotEligible(role, result.reasons)
    assignment, created = RoleAssignment.objects.get_or_create(
        volunteer=volunteer, role=role, defaults={"assigned_by": by.user}
    )
    if created:
        audit_record(
            by=by, action=VOLUNTEER_ROLE_ASSIGNED, target=volunteer, detail={"role": role.kind}
        )
    return assignment


@transaction.atomic
def role_update(
    *,
    by: Acting,
    role: VolunteeringRole,
    dbs_level: str,
    dbs_renewal_years: int,
    courses: list[TrainingCourse],
) -> VolunteeringRole:
    """Change what a role asks for. Volunteers who no longer meet it stop being offered for it
    (eligibility is worked out when asked), and keep the role so the gap shows on their record."""
    organisation = organisation_of(by)
    if role.organisation_id != organisation.pk:
        raise VolunteerError("Choose one of your organisation's roles")
    if dbs_level and dbs_level not in eligibility.DBS_LEVELS:
        raise VolunteerError("Choose the level of DBS check the role needs")
    if not 1 <= dbs_renewal_years <= 10:
        raise VolunteerError("Enter a renewal period between 1 and 10 years")
    if any(c.organisation_id != organisation.pk for c in courses):
        raise VolunteerError("Choose your organisation's courses")
    role.dbs_level = dbs_level
    role.dbs_renewal_years = dbs_renewal_years
    role.save(update_fields=["dbs_level", "dbs_renewal_years", "updated_at"])
    role.courses.set(courses)
    audit_record(
        by=by,
        action=VOLUNTEER_ROLE_UPDATED,
        target=role,
        detail={"dbs_level": dbs_level, "renewal_years": dbs_renewal_years},
    )
    return role


@transaction.atomic
def role_remove(*, by: Acting, volunteer: Volunteer, role: VolunteeringRole) -> None:
    deleted, _ = RoleAssignment.objects.filter(volunteer=volunteer, role=role).delete()
    if deleted:
        audit_record(
            by=by, action=VOLUNTEER_ROLE_REMOVED, target=volunteer, detail={"role": role.kind}
        )


@transaction.atomic
def standard_roles_ensure(*, by: Acting) -> list[VolunteeringRole]:
    """The usual courses and roles, for an organisation that has none yet. Running it again
    changes nothing an organisation has already set up."""
    organisation = organisation_of(by)
    courses = {}
    for kind, name, months in STANDARD_COURSES:
        courses[kind], _ = TrainingCourse.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"name": name, "valid_for_months": months},
        )
    roles = []
    for kind, name, level, years, needs in STANDARD_ROLES:
        role, created = VolunteeringRole.objects.get_or_create(
            organisation=organisation,
            kind=kind,
            defaults={"name": name, "dbs_level": level, "dbs_renewal_years": years},
        )
        if created:
            role.courses.set([courses[k] for k in needs])
        roles.append(role)
    return roles
