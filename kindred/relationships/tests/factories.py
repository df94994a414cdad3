import datetime as dt

import factory
from django.utils import timezone

from kindred.accounts.tests.factories import OrganisationFactory
from kindred.people.tests.factories import PersonFactory
from kindred.relationships.models import Contact, Relationship, Status, Supporter
from kindred.volunteers.tests.factories import VolunteerFactory

# factory_boy has no types (mypy skips it), so its base class is Any: the ignores below say so.


class RelationshipFactory(factory.django.DjangoModelFactory):
    """An active befriending relationship that started 30 days ago. Pass `supporters=[...]`
    (volunteers) to add them; by default one new volunteer supports the person."""

    class Meta:
        model = Relationship
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    status = Status.ACTIVE
    introduced_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=35))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=61))

    @factory.post_generation
    def supporters(self, create, extracted, **kwargs):
        if not create:
            return
        volunteers = (
            extracted
            if extracted is not None
            else [VolunteerFactory(organisation=self.organisation)]
        )
        for volunteer in volunteers:
            Supporter.objects.create(
                relationship=self, volunteer=volunteer, joined_on=self.introduced_on
            )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    relationship = factory.SubFactory(RelationshipFactory)
    organisation = factory.SelfAttribute("relationship.organisation")
    happened_on = factory.LazyFunction(timezone.localdate)
    mode = "visit"
    duration_minutes = 60


def concern_on(relationship, *, contact=None, level="high", detail="Seemed frightened"):
    """A concern raised from a relationship (and a contact), as a supporter raises one."""
    from kindred.core.services import Acting
    from kindred.relationships import services

    by = Acting.system("tests", organisation=relationship.organisation)
    return services.concern_raise(
        by=by, relationship_id=relationship.pk, kind="safeguarding", detail=detail,
        level=level, contact=contact,
    ).concern  # fmt: skip
