import pytest

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.volunteers.models import VolunteeringRole
from kindred.volunteers.services import roles
from kindred.volunteers.tests.factories import VolunteerFactory


@pytest.fixture
def by(coordinator, organisation):
    return Acting(user=coordinator, organisation=organisation, ip_address="192.0.2.1")


@pytest.fixture
def standard_roles(by):
    roles.standard_roles_ensure(by=by)
    return {r.kind: r for r in VolunteeringRole.objects.filter(organisation=by.organisation)}


@pytest.fixture
def volunteer_user(make_user, organisation):
    return make_user(Role.VOLUNTEER, organisation=organisation, email="vol@example.com")


@pytest.fixture
def volunteer(organisation, volunteer_user):
    return VolunteerFactory(
        organisation=organisation, user=volunteer_user, given_name="Cindy", family_name="Walsh"
    )
