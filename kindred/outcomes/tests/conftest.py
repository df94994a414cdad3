import pytest

from kindred.core.services import Acting


@pytest.fixture
def by(coordinator, organisation):
    return Acting(user=coordinator, organisation=organisation, ip_address="192.0.2.1")
