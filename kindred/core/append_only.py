"""The database itself refuses to change or remove rows of append-only tables (ADR-080).

Every concrete `AppendOnlyModel` (found from the app registry, so a new one is covered the day
it is written) gets triggers that refuse UPDATE and DELETE, and on PostgreSQL TRUNCATE too.
`install_triggers` creates whatever is missing; it runs after every `migrate` (a post_migrate
handler in `CoreConfig.ready`), because SQLite drops a table's triggers whenever a migration
rebuilds the table, and it repairs a trigger that was disabled or dropped.

There is exactly one way past the triggers, and it is for the test suite only: emptying tables
between tests (Django's `flush`, which pytest-django runs after each transactional test). It
allows DELETE and TRUNCATE, never UPDATE, and only when the connection has switched it on:

- PostgreSQL: the session setting `kindred.purge` is `on` (for one transaction only)
  AND the current user has the privileges of the table's owner, who could drop the trigger
  anyway. An application role that owns nothing cannot use it, whatever it sets.
- SQLite: the function `kindred_may_purge()`, which Kindred registers on each of its
  connections, returns 1 only while `PURGE_FLAG` is set on that connection. Any other program
  opening the file (the sqlite3 shell) has no such function, so its DELETE fails as well.

Only the root `conftest.py` switches it on. Production code never does; a test checks that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from kindred.core.models import AppendOnlyModel

#: PostgreSQL session setting and SQLite connection attribute of the test-only purge path.
PURGE_SETTING = "kindred.purge"
PURGE_FLAG = "kindred_purge_allowed"
SQLITE_PURGE_FUNCTION = "kindred_may_purge"
POSTGRES_FUNCTION = "kindred_append_only"
#: The trigger functions and trigger names of migration 0002, replaced by these.
OLD_POSTGRES_TRIGGER = "core_auditevent_append_only"
OLD_POSTGRES_FUNCTION = "kindred_audit_append_only"

POSTGRES_FUNCTION_BODY = """
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('kindred.purge', true), '') = 'on'
       AND pg_has_role(
           current_user,
           (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
           'USAGE'
       )
    THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'rows of % are a record of what happened: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Append-only tables take INSERT only (ADR-080).';
END;
"""

assert f"'{PURGE_SETTING}'" in POSTGRES_FUNCTION_BODY

#: pg_trigger.tgtype bits: ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32.
_POSTGRES_TGTYPE = {"UPDATE": 1 | 2 | 16, "DELETE": 1 | 2 | 8, "TRUNCATE": 2 | 32}


@dataclass(frozen=True)
class Trigger:
    table: str
    event: str  # UPDATE, DELETE or TRUNCATE

    @property
    def name(self) -> str:
        return f"{self.table}_no_{self.event.lower()}"


def append_only_tables() -> list[str]:
    """The table of every concrete append-only model in the app registry, sorted."""
    from django.apps import apps

    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if issubclass(model, AppendOnlyModel)
            and model._meta.managed
            and not model._meta.proxy
            and not model._meta.abstract
        }
    )


def events_for(vendor: str) -> tuple[str, ...]:
    """SQLite has no TRUNCATE (its `DELETE FROM t` fires the DELETE trigger row by row)."""
    return ("UPDATE", "DELETE", "TRUNCATE") if vendor == "postgresql" else ("UPDATE", "DELETE")


def expected_triggers(connection: BaseDatabaseWrapper) -> list[Trigger]:
    existing = set(connection.introspection.table_names())
    return [
        Trigger(table, event)
        for table in append_only_tables()
        if table in existing
        for event in events_for(connection.vendor)
    ]


# --- SQLite ------------------------------------------------------------------------------


def _sqlite_sql(trigger: Trigger) -> str:
    table = trigger.table
    if trigger.event == "UPDATE":
        return (
            f'CREATE TRIGGER "{trigger.name}" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are a record of what happened: "
            "UPDATE is refused'); END"
        )
    return (
        f'CREATE TRIGGER "{trigger.name}" BEFORE DELETE ON "{table}" '
        f"WHEN NOT {SQLITE_PURGE_FUNCTION}() "
        f"BEGIN SELECT RAISE(ABORT, 'rows of {table} are a record of what happened: "
        "DELETE is refused'); END"
    )


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created handler: the function the SQLite DELETE triggers ask."""
    if connection.vendor != "sqlite":
        return

    def may_purge() -> int:
        return 1 if getattr(connection, PURGE_FLAG, False) else 0

    connection.connection.create_function(SQLITE_PURGE_FUNCTION, 0, may_purge)


def _sqlite_existing(connection: BaseDatabaseWrapper) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {name: sql for name, sql in cursor.fetchall()}


# --- PostgreSQL --------------------------------------------------------------------------


def _postgres_sql(trigger: Trigger) -> list[str]:
    table = f'"{trigger.table}"'
    name = f'"{trigger.name}"'
    when = "FOR EACH STATEMENT" if trigger.event == "TRUNCATE" else "FOR EACH ROW"
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} BEFORE {trigger.event} ON {table} {when} "
        f"EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
        # ALWAYS: the trigger fires even with session_replication_role = replica.
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}",
    ]


def _postgres_existing(connection: BaseDatabaseWrapper) -> dict[str, tuple[str, int, str]]:
    """trigger name -> (enabled, tgtype, function) for triggers on visible tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgname, t.tgenabled, t.tgtype, p.proname
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)
            """
        )
        return {
            f"{table}.{name}": (str(enabled), int(tgtype), str(function))
            for table, name, enabled, tgtype, function in cursor.fetchall()
        }


def _postgres_function_is_current(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = %s AND pronamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
            [POSTGRES_FUNCTION],
        )
        row = cursor.fetchone()
    return row is not None and row[0] == POSTGRES_FUNCTION_BODY


def _postgres_function_sql() -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger "
        f"LANGUAGE plpgsql SET search_path = pg_catalog AS $kindred${POSTGRES_FUNCTION_BODY}$kindred$"
    )


def _postgres_trigger_is_current(trigger: Trigger, found: tuple[str, int, str] | None) -> bool:
    return found == ("A", _POSTGRES_TGTYPE[trigger.event], POSTGRES_FUNCTION)


def _postgres_revoke_changes_from_non_owners(
    connection: BaseDatabaseWrapper, tables: list[str]
) -> list[str]:
    """No role but the owner may UPDATE, DELETE or TRUNCATE an append-only table, whatever was
    granted before (a default privilege, a hand-written GRANT ALL)."""
    if not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT c.relname, CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                            ELSE quote_ident(r.rolname) END
            FROM pg_class c
            CROSS JOIN LATERAL aclexplode(c.relacl) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
              AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
              AND a.grantee <> c.relowner
            """,
            [tables],
        )
        grants = cursor.fetchall()
        statements = [
            f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM {grantee}'
            for table, grantee in grants
        ]
        for statement in statements:
            cursor.execute(statement)
    return statements


# --- both --------------------------------------------------------------------------------


def missing_triggers(connection: BaseDatabaseWrapper) -> list[Trigger]:
    """Every trigger an append-only table should have and does not (or has, but disabled)."""
    expected = expected_triggers(connection)
    if connection.vendor == "sqlite":
        sqlite_found = _sqlite_existing(connection)
        return [t for t in expected if sqlite_found.get(t.name) != _sqlite_sql(t)]
    if connection.vendor == "postgresql":
        postgres_found = _postgres_existing(connection)
        missing = [
            t
            for t in expected
            if not _postgres_trigger_is_current(t, postgres_found.get(f"{t.table}.{t.name}"))
        ]
        if expected and not _postgres_function_is_current(connection):
            return expected
        return missing
    return []


def install_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Create (or repair) every missing trigger; returns the statements run. Idempotent: a
    second run with nothing missing runs none (on PostgreSQL, except revoking changes from
    non-owners when any were granted)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return []
    missing = missing_triggers(connection)
    statements: list[str] = []
    if connection.vendor == "sqlite":
        for trigger in missing:
            statements += [f'DROP TRIGGER IF EXISTS "{trigger.name}"', _sqlite_sql(trigger)]
    else:
        if missing and not _postgres_function_is_current(connection):
            statements.append(_postgres_function_sql())
        for trigger in missing:
            statements += _postgres_sql(trigger)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    if connection.vendor == "postgresql":
        tables = sorted({t.table for t in expected_triggers(connection)})
        statements += _postgres_revoke_changes_from_non_owners(connection, tables)
    return statements


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate handler (ADR-080)."""
    from django.db import connections, transaction

    connection = connections[using]
    with transaction.atomic(using=using):
        install_triggers(connection)
