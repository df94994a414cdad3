import factory
from django.utils import timezone

from kindred.relationships.tests.factories import RelationshipFactory
from kindred.wellbeing.models import Goal

# factory_boy has no types (mypy skips it), so its base class is Any: the ignores below say so.


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal the person is working on, part of a relationship (one is made if not given)."""

    class Meta:
        model = Goal

    relationship = factory.SubFactory(RelationshipFactory)
    organisation = factory.SelfAttribute("relationship.organisation")
    person = factory.SelfAttribute("relationship.person")
    text = "Get back to the allotment by the spring"
    set_on = factory.LazyFunction(timezone.localdate)
    added_by_label = "test"
