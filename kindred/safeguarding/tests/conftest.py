from __future__ import annotations

import pytest

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.safeguarding.models import Arrangements


@pytest.fixture
def lead(make_user, organisation):
    return make_user(Role.SAFEGUARDING_LEAD, organisation=organisation, email="lead@example.com")


@pytest.fixture
def deputy(make_user, organisation):
    return make_user(Role.SAFEGUARDING_LEAD, organisation=organisation, email="deputy@example.com")


@pytest.fixture
def duty(make_user, organisation):
    return make_user(Role.DUTY_PROFESSIONAL, organisation=organisation, email="duty@example.com")


@pytest.fixture
def volunteer(make_user, organisation):
    return make_user(Role.VOLUNTEER, organisation=organisation, email="tom@example.com")


@pytest.fixture
def arranged(organisation, lead, deputy, duty, coordinator):
    """An organisation with a lead, a deputy, a duty professional and a coordinator."""
    return Arrangements.objects.create(
        organisation=organisation, lead=lead, deputy=deputy, duty_professional=duty
    )


@pytest.fixture
def as_lead(lead, organisation):
    return Acting(lead, organisation)


@pytest.fixture
def as_volunteer(volunteer, organisation):
    return Acting(volunteer, organisation)
