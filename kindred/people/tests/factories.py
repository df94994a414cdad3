import datetime as dt

import factory

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.core.tests.names import PlainName
from kindred.people.identifiers import phone_key
from kindred.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    given_name = PlainName("first_name")
    family_name = PlainName("last_name")
    date_of_birth = dt.date(1948, 5, 17)
    postcode = "LS1 1UR"
    phone = ""
    # Kept from the phone number, as people.services keeps it.
    phone_digits = factory.LazyAttribute(lambda person: phone_key(person.phone))
