import pytest

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory


@pytest.fixture
def by(coordinator, organisation):
    return Acting(user=coordinator, organisation=organisation, ip_address="192.0.2.1")


@pytest.fixture
def supporter_user(make_user, organisation):
    return make_user(Role.VOLUNTEER, organisation=organisation, email="emilio@example.com")


@pytest.fixture
def relationship(organisation, supporter_user):
    """Emilio supports Nicole: active befriending that started 30 days ago."""
    volunteer = VolunteerFactory(
        organisation=organisation, user=supporter_user, given_name="Emilio"
    )
    return RelationshipFactory(
        organisation=organisation,
        person__given_name="Nicole",
        person__family_name="Adebayo",
        supporters=[volunteer],
    )


@pytest.fixture
def person(relationship):
    return relationship.person


@pytest.fixture
def as_supporter(supporter_user, organisation):
    return Acting(user=supporter_user, organisation=organisation)


@pytest.fixture
def other_volunteer(make_user, organisation):
    """A volunteer of the same organisation who supports someone else."""
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")
    RelationshipFactory(
        organisation=organisation,
        supporters=[VolunteerFactory(organisation=organisation, user=user)],
    )
    return user
