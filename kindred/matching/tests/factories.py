import datetime as dt

import factory
from django.utils import timezone

from kindred.matching.models import Conflict, ConflictReason, SupporterProfile, WaitingProfile
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.tests.factories import DbsCheckFactory, RoleFactory, VolunteerFactory

# factory_boy has no types (mypy skips it), so its base class is Any: the ignores below say so.


class WaitingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingProfile

    referral = factory.SubFactory(ReferralFactory, status=Status.WAITING)
    organisation = factory.SelfAttribute("referral.organisation")
    experiences = factory.LazyFunction(lambda: ["stroke"])
    interests = factory.LazyFunction(lambda: ["gardening"])
    languages = factory.LazyFunction(lambda: ["English"])
    modes = factory.LazyFunction(lambda: ["phone"])


class SupporterProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupporterProfile

    volunteer = factory.SubFactory(VolunteerFactory)
    organisation = factory.SelfAttribute("volunteer.organisation")
    experiences = factory.LazyFunction(lambda: ["stroke"])
    interests = factory.LazyFunction(lambda: ["gardening"])
    languages = factory.LazyFunction(lambda: ["English"])
    modes = factory.LazyFunction(lambda: ["phone", "visit"])
    max_travel_km = 5
    capacity = 2


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    organisation = factory.SelfAttribute("volunteer.organisation")
    volunteer = factory.SubFactory(VolunteerFactory)
    person = factory.SubFactory(
        "kindred.people.tests.factories.PersonFactory",
        organisation=factory.SelfAttribute("..organisation"),
    )
    reason = ConflictReason.KNOWN


def eligible_supporter(organisation, given_name="Sam", **profile):
    """A volunteer with a matching profile, eligible for the organisation's befriender role
    (basic DBS check), so that suggestions may use them."""
    role = RoleFactory(organisation=organisation, dbs_level="basic")
    volunteer = SupporterProfileFactory(
        volunteer__organisation=organisation, volunteer__given_name=given_name, **profile
    ).volunteer
    volunteer.roles.add(role)
    DbsCheckFactory(volunteer=volunteer, level="basic")
    return volunteer


def waiting_referral(organisation, given_name="Ada", days=10, **profile):
    """A referral waiting for a match `days` days, with a matching profile."""
    return WaitingProfileFactory(
        referral__organisation=organisation,
        referral__person__given_name=given_name,
        referral__received_at=timezone.now() - dt.timedelta(days=days),
        **profile,
    ).referral
