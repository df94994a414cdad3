import datetime as dt

import factory
from django.utils import timezone

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Channel, Referral, Source, Status


# factory_boy is untyped (Any) to mypy: subclassing it is what a factory is.
class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    source = Source.PRACTICE_NURSE
    channel = Channel.COORDINATOR_FORM
    referrer_name = "Nurse Ratchford"
    reason = "Lonely since her husband died; COPD keeps her at home"
    status = Status.RECEIVED
    received_at = factory.LazyFunction(timezone.now)
    first_contact_due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
