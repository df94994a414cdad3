"""Issue 10 item 6: the database refuses to change or remove rows of every append-only table,
after every migrate, and the only way past it is the test suite's own clean-up (ADR-080)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import purging_append_only_tables
from kindred.core import append_only
from kindred.core.models import AppendOnlyModel

KINDRED = Path(__file__).resolve().parents[2]
#: Every append-only model there is today; a new one is covered without being added here, this
#: list only makes sure the registry search does not silently find fewer.
KNOWN = {
    "core_auditevent",
    "people_consent",
    "referrals_referralevent",
    "volunteers_stagechange",
    "relationships_statuschange",
    "wellbeing_goalchange",
    "wellbeing_progressreview",
    "wellbeing_goalprogress",
    "wellbeing_crisisplanversion",
    "wellbeing_crisisplansharing",
}
REFUSED = re.compile(r"record of what happened|insufficient_privilege", re.IGNORECASE)


def append_only_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, AppendOnlyModel)]


def triggers_in_database() -> dict[str, set[str]]:
    """table -> names of its enabled triggers, read straight from the catalogue."""
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled = 'A'"
            )
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def expected_names(table: str) -> set[str]:
    events = ["update", "delete"] + (["truncate"] if connection.vendor == "postgresql" else [])
    return {f"{table}_no_{event}" for event in events}


def test_every_append_only_model_is_found_from_the_app_registry():
    assert set(append_only.append_only_tables()) >= KNOWN
    assert set(append_only.append_only_tables()) == {
        m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel)
    }


@pytest.mark.django_db(transaction=True)
def test_after_migrate_every_append_only_table_has_all_its_triggers():
    """SQLite drops a table's triggers when a migration rebuilds it: 0005 rebuilds the audit log
    there (a column becomes NOT NULL). Undo it and redo it, and drop another table's trigger as
    a tamperer would; after `migrate` every table has every trigger again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute('DROP TRIGGER "wellbeing_crisisplanversion_no_delete"')
        else:
            cursor.execute(
                'ALTER TABLE "people_consent" DISABLE TRIGGER "people_consent_no_update"'
            )
            cursor.execute(
                'DROP TRIGGER "wellbeing_crisisplanversion_no_delete" ON '
                '"wellbeing_crisisplanversion"'
            )
    assert "wellbeing_crisisplanversion_no_delete" not in triggers_in_database().get(
        "wellbeing_crisisplanversion", set()
    )
    try:
        executor = MigrationExecutor(connection)  # no post_migrate: see what the rebuild did
        executor.migrate([("core", "0004_chain_existing_audit_entries")])
        if connection.vendor == "sqlite":  # the rebuild really did take them away
            assert not triggers_in_database().get("core_auditevent")
    finally:
        call_command("migrate", verbosity=0)

    found = triggers_in_database()
    for table in append_only.append_only_tables():
        assert found.get(table, set()) >= expected_names(table), table
    assert append_only.missing_triggers(connection) == []
    assert append_only.install_triggers(connection) == []  # nothing left to do: idempotent


def a_row(model: type[models.Model]) -> models.Model:
    """A row of any model, its required fields filled with placeholders and its foreign keys
    pointing nowhere: foreign keys are checked at commit, and this never commits."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default():
            continue
        if isinstance(field, models.ForeignKey):
            target = field.target_field
            values[field.attname] = uuid.uuid4() if isinstance(target, models.UUIDField) else 1
        elif isinstance(field, models.DateTimeField):
            values[field.attname] = timezone.now()
        elif isinstance(field, models.DateField):
            values[field.attname] = dt.date(2026, 1, 1)
        elif isinstance(field, models.BooleanField):
            values[field.attname] = False
        elif isinstance(field, models.IntegerField):
            values[field.attname] = 1
        elif isinstance(field, models.JSONField):
            values[field.attname] = {}
        elif isinstance(field, models.GenericIPAddressField):
            values[field.attname] = "192.0.2.1"
        else:
            values[field.attname] = "1" if field.choices is None else field.choices[0][0]
    row = model(**values)
    row.save(force_insert=True)
    return row


@pytest.fixture
def rows(db) -> Iterator[list[models.Model]]:
    """One row in every append-only table, all rolled back at the end."""
    with transaction.atomic():
        made = [a_row(model) for model in append_only_models()]
        yield made
        transaction.set_rollback(True)


def update_sql(row: models.Model) -> str:
    table, pk = row._meta.db_table, row._meta.pk.column
    return f'UPDATE "{table}" SET "{pk}" = "{pk}" WHERE "{pk}" = %s'  # noqa: S608 - registry names


def delete_sql(table: str, pk: str | None = None) -> str:
    where = f' WHERE "{pk}" = %s' if pk else ""
    return f'DELETE FROM "{table}"{where}'  # noqa: S608 - names from the app registry


def refused(sql: str, params: list[Any] | None = None) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    return str(error.value)


def pk_param(row: models.Model) -> Any:
    return row.pk.hex if connection.vendor == "sqlite" and isinstance(row.pk, uuid.UUID) else row.pk


def test_raw_sql_cannot_update_or_delete_a_row_of_any_append_only_table(rows):
    assert {type(row)._meta.db_table for row in rows} >= KNOWN
    for row in rows:
        table, pk = row._meta.db_table, row._meta.pk.column
        message = refused(update_sql(row), [pk_param(row)])
        assert REFUSED.search(message), (table, message)
        message = refused(delete_sql(table, pk), [pk_param(row)])
        assert REFUSED.search(message), (table, message)
        message = refused(delete_sql(table))
        assert REFUSED.search(message), (table, message)
        assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_postgresql_refuses_truncating_any_append_only_table(db):
    """TRUNCATE fires a statement trigger, rows or none. (No rows here: PostgreSQL will not
    truncate a table with foreign-key checks still pending, and `rows` leaves them pending.)"""
    for table in append_only.append_only_tables():
        message = refused(f'TRUNCATE "{table}" CASCADE')
        assert "TRUNCATE is refused" in message, (table, message)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL session setting")
def test_setting_the_purge_switch_alone_is_not_enough_for_a_role_that_owns_nothing(rows):
    """The switch is a plain session setting anyone can set; it only works for the owner. Here
    the same connection drops to a role with every privilege on the table but not ownership."""
    row = rows[0]
    table, pk = row._meta.db_table, row._meta.pk.column
    role = f"kindred_not_owner_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f'GRANT ALL ON "{table}" TO {role}')
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(f"SET LOCAL {append_only.PURGE_SETTING} = 'on'")
    message = refused(delete_sql(table, pk), [row.pk])
    assert "DELETE is refused" in message
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    # (the role goes with the test's transaction: CREATE ROLE is transactional)


def test_the_test_only_purge_allows_delete_but_never_update(rows):
    row = rows[0]
    table, pk = row._meta.db_table, row._meta.pk.column
    with purging_append_only_tables(connection):
        message = refused(update_sql(row), [pk_param(row)])
        assert REFUSED.search(message)
        with connection.cursor() as cursor:
            cursor.execute(delete_sql(table, pk), [pk_param(row)])
    assert not type(row).objects.filter(pk=row.pk).exists()
    # and it lasts only as long as the purge: the next DELETE is refused again
    other = rows[1]
    assert (
        REFUSED.search(refused(delete_sql(other._meta.db_table)))
        and type(other).objects.filter(pk=other.pk).exists()
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite side of the purge switch")
def test_another_program_opening_the_sqlite_file_cannot_delete_either(tmp_path):
    """Without Kindred's function (the sqlite3 shell, a script) the DELETE trigger fails too."""
    import sqlite3

    database = sqlite3.connect(tmp_path / "copy.sqlite3")
    database.execute("CREATE TABLE people_consent (id TEXT PRIMARY KEY)")
    database.execute("INSERT INTO people_consent VALUES ('a')")
    trigger = append_only.Trigger("people_consent", "DELETE")
    database.execute(append_only._sqlite_sql(trigger))
    with pytest.raises(sqlite3.OperationalError, match=append_only.SQLITE_PURGE_FUNCTION):
        database.execute("DELETE FROM people_consent")
    assert database.execute("SELECT count(*) FROM people_consent").fetchone() == (1,)


def test_production_code_never_switches_the_purge_on():
    """Only the root conftest.py may set the switch. In the application, the names appear in
    append_only.py (the triggers that read it) and nowhere else, and that module never sets it."""
    names = (append_only.PURGE_SETTING, append_only.PURGE_FLAG, "PURGE_SETTING", "PURGE_FLAG")
    offenders = []
    for path in KINDRED.rglob("*.py"):
        if "tests" in path.parts or path.name == "append_only.py":
            continue
        text = path.read_text()
        if any(name in text for name in names):
            offenders.append(str(path.relative_to(KINDRED)))
    assert offenders == []
    module = (KINDRED / "core" / "append_only.py").read_text()
    assert "set_config" not in module and "SET LOCAL" not in module
    assert not re.search(r"setattr\(|PURGE_FLAG\s*,\s*True", module)


def test_history_rows_keep_their_parent_rows_from_being_deleted():
    """A deleted referral (or goal, volunteer, relationship...) must not take its history with
    it: every foreign key from an append-only row is PROTECT."""
    cascading = [
        f"{model._meta.label}.{field.name} ({field.remote_field.on_delete.__name__})"
        for model in append_only_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert cascading == []
