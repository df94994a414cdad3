import pytest

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation, ip_address="192.0.2.1")


@pytest.fixture
def supporter_user(make_user, organisation):
    return make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")


@pytest.fixture
def supporter(organisation, supporter_user):
    return VolunteerFactory(
        organisation=organisation,
        user=supporter_user,
        given_name="Tom",
        family_name="Hughes",
        email="tom@example.com",
    )


@pytest.fixture
def relationship(organisation, supporter):
    """Tom befriends Maud: active for 30 days, introduced 35 days ago."""
    return RelationshipFactory(
        organisation=organisation,
        supporters=[supporter],
        person__given_name="Maud",
        person__family_name="Ashworth",
        person__phone="07700 900123",
        person__address="4 Mill Lane",
    )


@pytest.fixture
def tom(sign_in, supporter_user, organisation):
    """Tom's signed-in browser."""
    return sign_in(supporter_user, organisation)
