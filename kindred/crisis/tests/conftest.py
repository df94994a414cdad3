import pytest

from kindred.core.services import Acting
from kindred.crisis.tests import factories


@pytest.fixture
def by(coordinator, organisation):
    return Acting(user=coordinator, organisation=organisation, ip_address="192.0.2.1")


@pytest.fixture
def professional(organisation):
    return factories.duty_professional(organisation, email="duty@example.com")
