"""Rota and (later) support request records for tests. Shifts are made in the organisation's
time zone: `shift_at(organisation, day, "18:00", "08:00")` is the overnight shift starting that
evening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import factory
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from kindred.crisis.models.rota import Rota, RotaSettings, Shift, ShiftAssignment, ShiftPattern
from kindred.volunteers.models import CourseKind, RoleKind, Volunteer
from kindred.volunteers.tests.factories import (
    CourseFactory,
    DbsCheckFactory,
    RoleFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)


def local(day: dt.date, time: str) -> dt.datetime:
    """An aware datetime in the current time zone (Europe/London)."""
    hour, minute = (int(part) for part in time.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class RotaSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaSettings
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)


class ShiftPatternFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftPattern
        django_get_or_create = ("organisation", "weekday", "starts_at")

    organisation = factory.SubFactory(OrganisationFactory)
    weekday = 0
    starts_at = dt.time(18, 0)
    ends_at = dt.time(8, 0)


class RotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rota
        django_get_or_create = ("organisation", "starts_on")

    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    ends_on = factory.LazyAttribute(
        lambda o: (
            (o.starts_on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            - dt.timedelta(days=1)
        )
    )
    build = Rota.Build.BUILT


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    organisation = factory.SubFactory(OrganisationFactory)
    rota = factory.SubFactory(
        RotaFactory,
        organisation=factory.SelfAttribute("..organisation"),
        starts_on=factory.LazyAttribute(
            lambda o: timezone.localdate(o.factory_parent.starts_at).replace(day=1)
        ),
    )
    starts_at = factory.LazyFunction(lambda: local(timezone.localdate(), "18:00"))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=14))
    overnight = factory.LazyAttribute(
        lambda o: timezone.localdate(o.starts_at) != timezone.localdate(o.ends_at)
    )
    weekend = False
    supporters_wanted = 2
    professional = None


class ShiftAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftAssignment

    shift = factory.SubFactory(ShiftFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, organisation=factory.SelfAttribute("..shift.organisation")
    )


def duty_professional(organisation, **kwargs):
    """A user with the duty professional role in `organisation`."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Role.DUTY_PROFESSIONAL)
    return user


def crisis_role(organisation):
    """The organisation's crisis line role: an enhanced DBS check and crisis line training."""
    role = RoleFactory(organisation=organisation, kind=RoleKind.CRISIS_LINE, dbs_level="enhanced")
    role.courses.add(CourseFactory(organisation=organisation, kind=CourseKind.CRISIS_LINE))
    return role


def crisis_supporter(
    organisation, *, dbs: bool = True, trained: bool = True, **kwargs
) -> Volunteer:
    """An active volunteer holding the crisis line role, DBS-current and trained unless told."""
    role = crisis_role(organisation)
    volunteer = VolunteerFactory(organisation=organisation, **kwargs)
    volunteer.roles.add(role)
    if dbs:
        DbsCheckFactory(volunteer=volunteer)
    if trained:
        TrainingRecordFactory(
            volunteer=volunteer,
            course=CourseFactory(organisation=organisation, kind=CourseKind.CRISIS_LINE),
        )
    return volunteer


def assign(shift: Shift, volunteers: Iterable[Volunteer]) -> list[ShiftAssignment]:
    return [ShiftAssignmentFactory(shift=shift, volunteer=v) for v in volunteers]
