"""Running Kindred on PostgreSQL as a role that owns nothing (ADR-081).

The owner role (the one `kindred migrate` runs as) owns every table, so it could disable or drop
the append-only triggers. The application role the web server and worker connect as owns
nothing: it may read and write ordinary tables, only read and add rows of append-only tables,
and cannot change a trigger. `grant_app_role` gives it exactly that, now and, through default
privileges, for tables later migrations create. Run it as the owner; it is idempotent.
"""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

from kindred.core.append_only import append_only_tables

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
#: Read-only even for the application role: only `migrate`, run as the owner, writes them.
READ_ONLY_TABLES = ("django_migrations",)


class RoleError(ValueError):
    """The role cannot be made the application role; the message says why."""


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Grant `role` what the application needs and no more; return the statements run."""
    if connection.vendor != "postgresql":
        raise RoleError("a separate application role is for PostgreSQL only")
    if not ROLE_NAME.match(role):
        raise RoleError(
            f"{role!r} is not a plain role name: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)"
        )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, pg_has_role(%s, current_user, 'USAGE') "
            "FROM pg_roles WHERE rolname = %s",
            [role, role],
        )
        found = cursor.fetchone()
        if found is None:
            raise RoleError(
                f"there is no role {role}: create it first, for example "
                f"CREATE ROLE {role} LOGIN PASSWORD '...'"
            )
        superuser, bypass_rls, has_owner_privileges = found
        if superuser or bypass_rls or has_owner_privileges:
            raise RoleError(
                f"{role} is a superuser or has the privileges of the role that owns the tables "
                "(it could drop the triggers); the application role must own nothing"
            )
        cursor.execute("SELECT current_database(), current_schema(), current_user")
        database, schema, owner = cursor.fetchone()
    role_q, schema_q, owner_q = quote(role), quote(schema), quote(owner)
    tables = set(connection.introspection.table_names())
    append_only = [t for t in append_only_tables() if t in tables]
    read_only = [t for t in READ_ONLY_TABLES if t in tables]
    statements = [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {role_q}",
        f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
        f"REVOKE CREATE ON SCHEMA {schema_q} FROM {role_q}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {role_q}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema_q} FROM {role_q}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
        # Tables and sequences later migrations create, as this owner:
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {role_q}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(t)} FROM {role_q}" for t in append_only
    ]
    statements += [f"REVOKE INSERT, UPDATE, DELETE ON {quote(t)} FROM {role_q}" for t in read_only]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
