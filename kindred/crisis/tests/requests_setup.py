"""Setting up who is on call, for the support requests' tests: a shift covering a moment, with
supporters who can sign in (a volunteer record with a user, a mobile and an email) and, unless
told, a professional on call behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.tests.factories import MembershipFactory, UserFactory
from kindred.crisis.models.rota import Shift
from kindred.crisis.tests.factories import ShiftAssignmentFactory, ShiftFactory, duty_professional
from kindred.volunteers.models import Volunteer
from kindred.volunteers.tests.factories import VolunteerFactory


@dataclass
class Team:
    shift: Shift
    supporters: list[Volunteer] = field(default_factory=list)
    professional: User | None = None

    @property
    def users(self) -> list[User]:
        return [v.user for v in self.supporters if v.user is not None]


def supporter(organisation: Organisation, n: int) -> Volunteer:
    user = UserFactory(email=f"supporter{n}@example.com", full_name=f"Supporter {n}")
    MembershipFactory(user=user, organisation=organisation, role=Role.VOLUNTEER)
    return VolunteerFactory(
        organisation=organisation,
        user=user,
        given_name="Supporter",
        family_name=str(n),
        email=user.email,
        phone=f"07911 123 {100 + n:03d}",
    )


def on_call(
    organisation: Organisation,
    at: dt.datetime,
    *,
    supporters: int = 3,
    professional: bool = True,
    hours: int = 14,
) -> Team:
    """A shift from an hour before `at`, `hours` long, with `supporters` on it."""
    pro = (
        duty_professional(organisation, email="duty@example.com", full_name="Dr Duty")
        if professional
        else None
    )
    shift = ShiftFactory(
        organisation=organisation,
        starts_at=at - dt.timedelta(hours=1),
        ends_at=at - dt.timedelta(hours=1) + dt.timedelta(hours=hours),
        professional=pro,
    )
    team = Team(shift=shift, professional=pro)
    for n in range(supporters):
        volunteer = supporter(organisation, n + 1)
        ShiftAssignmentFactory(shift=shift, volunteer=volunteer)
        team.supporters.append(volunteer)
    return team
