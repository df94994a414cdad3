"""Role fixtures shared by every test.

`organisation` is where the user under test works; `other_organisation` belongs to a different
network and `charlie` holds every role there: whatever Charlie can see of `organisation` is a leak.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    UserFactory,
)
from kindred.core.middleware import SESSION_KEY


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory(
        slug="crafty-needles", name="Crafty Needles", network=NetworkFactory(slug="stockport")
    )


@pytest.fixture
def other_organisation(db) -> Organisation:
    return OrganisationFactory(
        slug="elsewhere", name="Elsewhere Trust", network=NetworkFactory(slug="elsewhere")
    )


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(*roles: Role, organisation: Organisation, email: str | None = None) -> User:
        user = UserFactory(**({"email": email} if email else {}))
        for role in roles:
            MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def sign_in() -> Callable[[User, Organisation | None], Client]:
    def signed_in(user: User, organisation: Organisation | None = None) -> Client:
        client = Client()
        client.force_login(user)
        if organisation is not None:
            session = client.session
            session[SESSION_KEY] = str(organisation.pk)
            session.save()
        return client

    return signed_in


@pytest.fixture
def client_as(make_user, sign_in, organisation) -> Callable[..., Client]:
    """A signed-in client acting for `organisation` with the given roles."""

    def make(*roles: Role) -> Client:
        return sign_in(make_user(*roles, organisation=organisation), organisation)

    return make


@pytest.fixture
def coordinator(make_user, organisation) -> User:
    return make_user(Role.COORDINATOR, organisation=organisation, email="coordinator@example.com")


@pytest.fixture
def charlie(make_user, other_organisation) -> User:
    """Every role, but in another organisation in another network."""
    return make_user(*Role, organisation=other_organisation, email="charlie@example.com")


@pytest.fixture
def password() -> str:
    return PASSWORD
