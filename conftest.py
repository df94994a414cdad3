"""Role fixtures shared by every test.

`organisation` is where the user under test works; `other_organisation` belongs to a different
network and `charlie` holds every role there: whatever Charlie can see of `organisation` is a leak.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client

from kindred.accounts.middleware import SESSION_KEY
from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.tests.factories import (
    PASSWORD,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    UserFactory,
)
from kindred.core import append_only

#: Fixtures that give a test the database. A test with none of them (and no django_db mark) runs
#: the same code whichever database is configured.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)
#: Tests without the database that still run on PostgreSQL: the settings and the production
#: deployment (followed word for word, in processes that read DATABASE_URL themselves), and a
#: fresh worker process.
RUN_ON_EVERY_DATABASE = ("kindred/config/", "kindred/accounts/tests/test_password_links.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (.ci/run's second pass), leave out the tests that never touch a database:
    they ran in the SQLite pass already, and would only run again unchanged."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        every = item.nodeid.startswith(RUN_ON_EVERY_DATABASE)
        (kept if uses_database or every else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@contextmanager
def purging_append_only_tables(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """THE test-only way past the append-only triggers (ADR-080), for one transaction: DELETE
    and TRUNCATE (never UPDATE) of append-only tables are allowed on this connection. Only
    Django's flush, which empties the database after each transactional test, goes through it."""
    postgresql = connection.vendor == "postgresql"

    def switch(on: bool) -> None:
        setattr(connection, append_only.PURGE_FLAG, on)
        if postgresql:  # is_local true: it ends with the transaction at the latest
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config(%s, %s, true)",
                    [append_only.PURGE_SETTING, "on" if on else "off"],
                )

    with transaction.atomic(using=connection.alias):
        switch(True)
        try:
            yield
        except BaseException:  # the savepoint's rollback takes the setting back with it
            setattr(connection, append_only.PURGE_FLAG, False)
            raise
        if connection.needs_rollback:
            setattr(connection, append_only.PURGE_FLAG, False)
        else:
            switch(False)


@pytest.fixture(scope="session", autouse=True)
def _flush_empties_append_only_tables() -> Iterator[None]:
    """pytest-django empties the tables after a transactional_db or live_server test with
    Django's flush (DELETE on SQLite, TRUNCATE on PostgreSQL); let it past the triggers."""
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Any) -> None:
        with purging_append_only_tables(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


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
def client_as(
    make_user: Callable[..., User],
    sign_in: Callable[[User, Organisation | None], Client],
    organisation: Organisation,
) -> Callable[..., Client]:
    """A signed-in client acting for `organisation` with the given roles."""

    def make(*roles: Role) -> Client:
        return sign_in(make_user(*roles, organisation=organisation), organisation)

    return make


@pytest.fixture
def coordinator(make_user: Callable[..., User], organisation: Organisation) -> User:
    return make_user(Role.COORDINATOR, organisation=organisation, email="coordinator@example.com")


@pytest.fixture
def charlie(make_user: Callable[..., User], other_organisation: Organisation) -> User:
    """Every role, but in another organisation in another network."""
    return make_user(*Role, organisation=other_organisation, email="charlie@example.com")


@pytest.fixture
def password() -> str:
    return PASSWORD
