import factory

from kindred.matching.models import Conflict, ConflictReason, SupporterProfile, WaitingProfile
from kindred.referrals.models import Status
from kindred.referrals.tests.factories import ReferralFactory
from kindred.volunteers.tests.factories import VolunteerFactory


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
