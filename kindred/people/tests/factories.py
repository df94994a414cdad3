import datetime as dt

import factory

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.people.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(1948, 5, 17)
    postcode = "LS1 1UR"
