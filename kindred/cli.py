"""The `kindred` command: set up, seed, serve and run the worker.

Every subcommand reads the database from DATABASE_URL (SQLite at var/kindred.sqlite3 by default)
and the settings module from DJANGO_SETTINGS_MODULE (local settings by default).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

DEFAULT_SETTINGS = "kindred.config.settings.local"


class StartupError(Exception):
    """A problem with configuration or the database, reported as one line."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise StartupError(str(error)) from error


def check_database() -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.utils import OperationalError

    database = settings.DATABASES["default"]
    if str(database["ENGINE"]).endswith("sqlite3"):
        from pathlib import Path

        Path(str(database["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    try:
        connection.ensure_connection()
    except OperationalError as error:
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        raise StartupError(
            f"cannot connect to the database in DATABASE_URL: {first_line}"
        ) from error


def manage(*args: str, **options: Any) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def run_django(argv: Sequence[str]) -> int:
    """manage.py: Django's own commands, with the same one-line start-up errors as `kindred`."""
    try:
        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(list(argv))
    except StartupError as error:
        print(f"kindred: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_migrate(args: argparse.Namespace) -> None:
    check_database()
    manage("migrate", "--noinput", verbosity=args.verbosity)


def cmd_seed(args: argparse.Namespace) -> None:
    check_database()
    from django.conf import settings

    if "kindred.nonprod" not in settings.INSTALLED_APPS:
        raise StartupError("demo and scale data are not available with production settings")
    extra = []
    if args.kind == "scale":
        extra = [
            f"--people={args.people}",
            f"--volunteers={args.volunteers}",
            f"--organisations={args.organisations}",
        ]
    manage("seed", args.kind, *extra)


def cmd_createadmin(args: argparse.Namespace) -> None:
    check_database()
    options = ["--email", args.email, "--name", args.name, "--organisation", args.organisation]
    if args.organisation_name:
        options += ["--organisation-name", args.organisation_name]
    manage("createadmin", *options)


def cmd_role(args: argparse.Namespace) -> None:
    check_database()
    where = (
        ["--organisation", args.organisation] if args.organisation else ["--network", args.network]
    )
    manage("role", args.action, "--email", args.email, "--role", args.role, *where)


def cmd_two_factor(args: argparse.Namespace) -> None:
    check_database()
    manage("two_factor", args.action, "--email", args.email)


def cmd_organisations(args: argparse.Namespace) -> None:
    check_database()
    manage("organisations")


def _collect_static() -> None:
    manage("collectstatic", "--noinput", verbosity=0)


# The access log names the path, never the query string or the referring page: what people type
# into a search (names, NHS numbers) must not end up in logs (ADR-079). %(U)s is the path alone;
# %(r)s, gunicorn's default, would include the query.
ACCESS_LOG_FORMAT = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def _gunicorn(host: str, port: int, workers: int) -> list[str]:
    from django.conf import settings

    # The proxies gunicorn trusts are the ones client_ip trusts (settings.TRUSTED_PROXIES).
    proxies = ",".join(settings.TRUSTED_PROXIES)
    return [
        sys.executable, "-m", "gunicorn", "kindred.config.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
        "--forwarded-allow-ips", proxies,
    ]  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> None:
    check_database()
    _collect_static()
    print(f"Kindred is at http://{args.host}:{args.port}/", flush=True)
    os.execv(sys.executable, _gunicorn(args.host, args.port, args.workers))  # noqa: S606


def cmd_worker(args: argparse.Namespace) -> None:
    check_database()
    from kindred.core.daily import DailyScheduler

    DailyScheduler().start()  # the daily jobs (reminders): now, then each morning
    manage("db_worker")


def cmd_demo(args: argparse.Namespace) -> None:
    """Everything `make run` needs: migrate, seed if empty, then the web server and the worker."""
    check_database()
    manage("migrate", "--noinput", verbosity=0)
    from kindred.accounts.models import Organisation

    if not Organisation.objects.exists():
        print("Adding demo data (a minute or so the first time)...", flush=True)
        manage("seed", "demo")
    manage("demo_sign_ins")
    _collect_static()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    worker = subprocess.Popen([sys.executable, "-m", "kindred.cli", "worker"], env=env)
    server = subprocess.Popen(_gunicorn(args.host, args.port, args.workers), env=env)  # noqa: S603
    print(f"Kindred is at http://{args.host}:{args.port}/ (press Ctrl+C to stop)", flush=True)

    def stop(*_: object) -> None:
        for process in (server, worker):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in (server, worker):
            process.wait(timeout=20)


def cmd_token(args: argparse.Namespace) -> None:
    check_database()
    options = ["--organisation", args.organisation, "--name", args.name]
    if args.practice:
        options += ["--practice", args.practice]
    manage("api_token", args.action, *options)


def cmd_reminders(args: argparse.Namespace) -> None:
    check_database()
    manage("daily_jobs")


def cmd_match(args: argparse.Namespace) -> None:
    check_database()
    manage("match", "--organisation", args.organisation, *(["--dry-run"] if args.dry_run else []))


def cmd_match_file(args: argparse.Namespace) -> None:
    """Pure: no Django, no database, so main() runs it without setup_django()."""
    from kindred.matching.engine.cli import match_file

    code = match_file(args.instance, args.out)  # the message is already on stderr
    if code:
        raise SystemExit(code)


def cmd_audit(args: argparse.Namespace) -> None:
    check_database()
    options = ["--organisation", args.organisation] if args.organisation else []
    manage("audit_verify", *options, *(["--show-heads"] if args.show_heads else []))


def cmd_db(args: argparse.Namespace) -> None:
    check_database()
    manage("db_grant_app_role", args.role)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kindred",
        description="Kindred: peer support at scale. The database comes from DATABASE_URL.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, handler: Callable[[argparse.Namespace], None], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def server_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
        )
        sub.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        sub.add_argument("--workers", type=int, default=2, help="web worker processes (default 2)")

    server_options(
        add("demo", cmd_demo, "set up, add demo data if empty, and start the web server and worker")
    )
    server_options(add("serve", cmd_serve, "start the web server (gunicorn)"))
    add("worker", cmd_worker, "run the background task worker")
    migrate = add("migrate", cmd_migrate, "create or update the database tables")
    migrate.add_argument("-v", "--verbosity", type=int, default=1)
    seed = add("seed", cmd_seed, "add demo data, or generate large data for benchmarks")
    seed.add_argument("kind", choices=["demo", "scale"])
    seed.add_argument("--people", type=int, default=10_000)
    seed.add_argument("--volunteers", type=int, default=1_000)
    seed.add_argument("--organisations", type=int, default=10)
    admin = add(
        "createadmin",
        cmd_createadmin,
        "create an organisation admin (password from KINDRED_ADMIN_PASSWORD or a prompt)",
    )
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True, help="their full name")
    admin.add_argument("--organisation", required=True, help="organisation slug")
    admin.add_argument(
        "--organisation-name", help="create the organisation with this name if it does not exist"
    )
    role = add(
        "role",
        cmd_role,
        "give or take away a role, as the operator: a network role (network_admin, "
        "commissioner) with --network, any other with --organisation",
    )
    role.add_argument("action", choices=["grant", "revoke"])
    role.add_argument("--email", required=True)
    role.add_argument("--role", required=True, help="e.g. coordinator, network_admin")
    role_where = role.add_mutually_exclusive_group(required=True)
    role_where.add_argument("--organisation", help="organisation slug, for a role in it")
    role_where.add_argument("--network", help="network slug, for a role across it")
    two_factor = add(
        "two-factor",
        cmd_two_factor,
        "reset someone's two-step verification, as the operator: they set up a new app",
    )
    two_factor.add_argument("action", choices=["reset"])
    two_factor.add_argument("--email", required=True)
    add(
        "organisations",
        cmd_organisations,
        "list organisations: slug, name and network slug, tab-separated",
    )
    token = add("token", cmd_token, "make an API token for the FHIR API (printed once)")
    token.add_argument("action", choices=["create"])
    token.add_argument("--organisation", required=True, help="organisation slug")
    token.add_argument("--name", required=True, help="which system will use it")
    token.add_argument("--practice", default="", help="the GP practice's ODS code, if any")
    add(
        "reminders",
        cmd_reminders,
        "run the daily jobs now: volunteer and going-quiet reminders, digests (the worker "
        "also does it each morning)",
    )
    suggest = add("match", cmd_match, "print suggested matches; coordinators accept them")
    suggest.add_argument("--organisation", required=True, help="organisation slug")
    suggest.add_argument("--dry-run", action="store_true", help="record nothing")
    match = add("match-file", cmd_match_file, "solve a matching instance file (no database)")
    match.add_argument("instance", metavar="INSTANCE", help="the instance, a JSON file")
    match.add_argument("--out", metavar="RESULT", help="write the result here, not to stdout")
    audit = add("audit", cmd_audit, "check the audit log (see docs/adr/ADR-080)")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help="walk every organisation's hash chain; exit 1 and name the first broken link",
        description="Walk every organisation's audit chain and report the first broken link "
        "(edited, missing, reordered entries, or a chain head that does not match); exit 1 "
        "if any chain is broken or an append-only table lacks its triggers.",
    )
    verify.add_argument("--organisation", metavar="SLUG", help="check this organisation only")
    verify.add_argument(
        "--show-heads", action="store_true", help="print each chain's last number and hash"
    )
    db = add("db", cmd_db, "set up PostgreSQL roles (see docs/adr/ADR-081)")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    grant = db_commands.add_parser(
        "grant-app-role",
        help="let ROLE, which owns nothing, run Kindred; run as the owner, safe to repeat",
        description="Grant ROLE what the web server and worker need and no more: read and "
        "write ordinary tables, only read and add to append-only ones, no triggers, nothing "
        "owned; also for tables later migrations create. Run as the role that owns the tables.",
    )
    grant.add_argument("role", metavar="ROLE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.handler is cmd_match_file:
        cmd_match_file(args)
        return 0
    try:
        setup_django()
        from django.core.management import CommandError

        try:
            args.handler(args)
        except CommandError as error:
            print(f"kindred: {error}", file=sys.stderr)
            return 1
    except StartupError as error:
        print(f"kindred: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
