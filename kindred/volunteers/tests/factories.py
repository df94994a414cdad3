import datetime as dt

import factory
from django.utils import timezone

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core.tests.names import PlainName
from kindred.volunteers.models import (
    CourseKind,
    DbsCheck,
    RoleKind,
    Stage,
    TrainingCourse,
    TrainingRecord,
    Volunteer,
    VolunteeringRole,
)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    organisation = factory.SubFactory(OrganisationFactory)
    given_name = PlainName("first_name")
    family_name = PlainName("last_name")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.com")
    stage = Stage.ACTIVE
    stage_changed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=90))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse
        django_get_or_create = ("organisation", "kind")

    organisation = factory.SubFactory(OrganisationFactory)
    kind = CourseKind.SAFEGUARDING_ADULTS
    name = factory.LazyAttribute(lambda o: CourseKind(o.kind).label)
    valid_for_months = 36


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteeringRole
        django_get_or_create = ("organisation", "kind")

    organisation = factory.SubFactory(OrganisationFactory)
    kind = RoleKind.BEFRIENDER
    name = factory.LazyAttribute(lambda o: RoleKind(o.kind).label)
    dbs_level = "enhanced"
    dbs_renewal_years = 3


class DbsCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DbsCheck

    volunteer = factory.SubFactory(VolunteerFactory)
    organisation = factory.SelfAttribute("volunteer.organisation")
    level = "enhanced"
    certificate_number = "001234567890"
    certificate_last_digits = "7890"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    organisation = factory.SelfAttribute("volunteer.organisation")
    course = factory.SubFactory(CourseFactory, organisation=factory.SelfAttribute("..organisation"))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=100))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=900))
