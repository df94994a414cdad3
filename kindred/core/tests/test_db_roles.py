"""Issue 10 item 6: on PostgreSQL Kindred runs as a role that owns nothing. It can add to the
append-only tables and read them, and nothing else there: no UPDATE, DELETE or TRUNCATE, and it
cannot disable or drop a trigger, which the owner could (ADR-081)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kindred.core import append_only

if TYPE_CHECKING:
    from psycopg import Connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and privileges are PostgreSQL's"
)
psycopg = pytest.importorskip("psycopg")
sql = psycopg.sql
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def app_role(transactional_db) -> Iterator[str]:
    """A login role that owns nothing, dropped with everything granted to it at the end."""
    role = f"kindred_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS kindred_later_{role}")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str) -> Connection[Any]:
    settings = connection.settings_dict
    connected: Connection[Any] = psycopg.connect(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )
    return connected


def refused_as(db: Connection[Any], statement: Any) -> str:
    with pytest.raises(psycopg.Error) as error:
        db.execute(statement)
    return str(error.value)


def test_the_application_role_can_add_to_the_log_and_cannot_rewrite_it(app_role, capsys):
    call_command("db_grant_app_role", app_role)
    call_command("db_grant_app_role", app_role)  # idempotent
    assert f"{app_role} may now run Kindred" in capsys.readouterr().out

    # Kindred itself, connected as the role: writes audit entries (advisory lock, the entry,
    # the chain's head), changes an ordinary row, and the chain still verifies.
    settings = connection.settings_dict
    url = f"postgres://{app_role}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    script = (
        "import django; django.setup()\n"
        "from kindred.accounts.models import Organisation\n"
        "from kindred.core.services import Acting, audit_record\n"
        "from kindred.core import audit_chain\n"
        "from kindred.core.audit_actions import audit_action\n"
        "wrote = audit_action('test.recorded', \"Written by Kindred's own tests\")\n"
        "o = Organisation.objects.create(slug='app-role', name='App role')\n"
        "o.name = 'App role renamed'; o.save()\n"
        "for i in range(3): audit_record(by=Acting.system('app', o), action=wrote)\n"
        "assert all(r.holds for r in audit_chain.verify()), audit_chain.verify()\n"
        "print('wrote as', __import__('django.db').db.connection.cursor().connection.info.user)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "kindred.config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"wrote as {app_role}" in result.stdout

    with connect_as(app_role) as db:
        for table in append_only.append_only_tables():
            privileges = db.execute(
                "SELECT p, has_table_privilege(%s, %s, p) FROM unnest(%s::text[]) p",
                [app_role, table, ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"]],
            ).fetchall()
            assert dict(privileges) == {
                "SELECT": True,
                "INSERT": True,
                "UPDATE": False,
                "DELETE": False,
                "TRUNCATE": False,
                "TRIGGER": False,
            }, table
            name = sql.Identifier(table)
            assert "permission denied" in refused_as(
                db, sql.SQL("UPDATE {} SET id = id").format(name)
            )
            assert "permission denied" in refused_as(db, sql.SQL("DELETE FROM {}").format(name))
            assert "permission denied" in refused_as(db, f'TRUNCATE "{table}" CASCADE')
            assert "must be owner" in refused_as(
                db, f'ALTER TABLE "{table}" DISABLE TRIGGER "{table}_no_delete"'
            )
            assert "must be owner" in refused_as(db, f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
            assert "must be owner" in refused_as(
                db, f'DROP TRIGGER "{table}_no_update" ON "{table}"'
            )
        # The test-only purge switch is a setting anyone may set; for this role it does nothing.
        db.execute(f"SET {append_only.PURGE_SETTING} = 'on'")
        assert "permission denied" in refused_as(db, 'DELETE FROM "core_auditevent"')
        assert "must be owner" in refused_as(db, f"DROP FUNCTION {append_only.POSTGRES_FUNCTION}()")
        assert "permission denied" in refused_as(db, "CREATE TABLE kindred_mine (id int)")
        # Ordinary tables and the chain heads: read and write.
        assert db.execute("SELECT count(*) FROM core_auditevent").fetchone() == (3,)
        db.execute("UPDATE accounts_organisation SET name = name WHERE slug = 'app-role'")
        assert "permission denied" in refused_as(db, "DELETE FROM django_migrations")

    # A table a later migration adds (as the owner) is open to the role without granting again.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE kindred_later_{app_role} (id serial PRIMARY KEY, n int)")
    with connect_as(app_role) as db:
        later = sql.Identifier(f"kindred_later_{app_role}")
        db.execute(sql.SQL("INSERT INTO {} (n) VALUES (1)").format(later))
        db.execute(sql.SQL("UPDATE {} SET n = 2").format(later))
        db.execute(sql.SQL("DELETE FROM {}").format(later))


def test_a_role_granted_too_much_loses_it_at_the_next_migrate(app_role):
    """A hand-written GRANT ALL (or a default privilege) on an append-only table is taken back
    after every migrate: only the owner may change those tables."""
    call_command("db_grant_app_role", app_role)
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT ALL ON "people_consent" TO {app_role}')
    call_command("migrate", verbosity=0)
    with connect_as(app_role) as db:
        assert db.execute(
            "SELECT has_table_privilege(%s, 'people_consent', 'DELETE')", [app_role]
        ).fetchone() == (False,)


def test_the_owner_cannot_become_the_application_role_and_bad_names_are_refused(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match="must own nothing"):
        call_command("db_grant_app_role", owner)
    with pytest.raises(CommandError, match="there is no role kindred_nobody"):
        call_command("db_grant_app_role", "kindred_nobody")
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("db_grant_app_role", "x; DROP TABLE people_person")
