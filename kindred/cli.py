"""The `kindred` command: set up, seed, serve and run the worker.

Every subcommand reads the database from DATABASE_URL (SQLite at var/kindred.sqlite3 by default)
and the settings module from DJANGO_SETTINGS_MODULE (local settings by default).

Imports of Django and of Kindred's apps are inside the functions on purpose (ADR-087): the CLI
sits above every app, so no edge is dodged, but models cannot be imported before
`setup_django()` has read the settings, and `kindred match-file` and `kindred --help` start
without loading Django, the database driver or the solvers at all.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
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


SCALE_OPTIONS = ("people", "referrals", "volunteers", "relationships", "contacts",
                 "organisations", "smaller_share", "seed")  # fmt: skip


def cmd_seed(args: argparse.Namespace) -> None:
    check_database()
    from django.conf import settings

    if "kindred.nonprod" not in settings.INSTALLED_APPS:
        raise StartupError("demo and scale data are not available with production settings")
    extra = []
    if args.kind == "scale":
        extra = [
            f"--{name.replace('_', '-')}={getattr(args, name)}"
            for name in SCALE_OPTIONS
            if getattr(args, name) is not None
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


def cmd_network(args: argparse.Namespace) -> None:
    check_database()
    if args.network_command == "create":
        manage("network", "create", args.slug, "--name", args.name)
    elif args.network_command == "add-organisation":
        manage("network", "add-organisation", args.network, args.organisation)
    else:
        manage("network", "list")


def _nhs_options(args: argparse.Namespace) -> list[str]:
    return ["--nhs"] if args.nhs else ["--not-nhs"] if args.not_nhs else []


def cmd_organisation(args: argparse.Namespace) -> None:
    check_database()
    if args.organisation_command == "create":
        options = ["--name", args.name, *_nhs_options(args)]
        options += ["--kind", args.kind] if args.kind else []
        options += ["--network", args.network] if args.network else []
        manage("organisation", "create", args.slug, *options)
    else:
        if args.offers is not None and args.postcode is None:
            raise SystemExit("kindred organisation update: --offers needs --postcode")
        options = [*(["--name", args.name] if args.name is not None else []), *_nhs_options(args)]
        if options or args.postcode is None:
            manage("organisation", "update", args.slug, *options)
        if args.postcode is not None:
            # Where it is based and what it offers belong to referrals' front door (ADR-092).
            offers = ["--offers", args.offers] if args.offers is not None else []
            manage("organisation_place", "--organisation", args.slug, "--postcode", args.postcode,
                   *offers)  # fmt: skip


def _collect_static() -> None:
    manage("collectstatic", "--noinput", verbosity=0)


# The access log names the path, never the query string or the referring page: what people type
# into a search (names, NHS numbers) must not end up in logs (ADR-079). %(U)s is the path alone;
# %(r)s, gunicorn's default, would include the query.
ACCESS_LOG_FORMAT = '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


#: Seconds a web worker may spend on one request before gunicorn restarts it. No page does long
#: work (matching suggestions are worked out by the worker, ADR-101), so a page that takes
#: this long is stuck: better a clear error than a worker held for minutes.
REQUEST_TIMEOUT_SECONDS = 30


def _gunicorn(host: str, port: int, workers: int) -> list[str]:
    from django.conf import settings

    # The proxies gunicorn trusts are the ones client_ip trusts (settings.TRUSTED_PROXIES).
    proxies = ",".join(settings.TRUSTED_PROXIES)
    return [
        sys.executable, "-m", "gunicorn", "kindred.config.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
        "--forwarded-allow-ips", proxies,
        "--timeout", str(REQUEST_TIMEOUT_SECONDS), "--graceful-timeout", "20",
    ]  # fmt: skip


def run_checks() -> None:
    """Django's system checks (with --deploy under production settings) and Kindred's own
    (kindred.core.checks, kindred.notifications.checks). An error raises CommandError: the
    caller stops with exit status 1; warnings are printed and do not stop anything."""
    from django.conf import settings

    deploy = "kindred.nonprod" not in settings.INSTALLED_APPS  # production settings
    manage("check", deploy=deploy, fail_level="ERROR")


def cmd_check(args: argparse.Namespace) -> None:
    check_database()
    run_checks()


def cmd_serve(args: argparse.Namespace) -> None:
    check_database()
    run_checks()
    _collect_static()
    print(f"Kindred is at http://{args.host}:{args.port}/", flush=True)
    os.execv(sys.executable, _gunicorn(args.host, args.port, args.workers))  # noqa: S606


def cmd_worker(args: argparse.Namespace) -> None:
    """django-tasks-db's worker (ADR-104): it claims each task under a row lock, so two workers
    never run the same one, and on SIGTERM or SIGINT it finishes the task it is running and
    stops (a second signal stops it at once)."""
    check_database()
    run_checks()
    # Imported here: models and tasks load only once setup_django() has read the settings.
    from kindred.core.daily import schedule_daily_jobs

    schedule_daily_jobs()  # the daily jobs (reminders): one run waiting, now if none was
    from kindred.crisis.requests_tasks import schedule_sweep  # loads once settings are read

    schedule_sweep()  # the crisis line's sweep for overdue steps (ADR-118): one waiting
    from kindred.notifications import tasks as messages  # loads once settings are read

    messages.schedule_sweep()  # and the messages' sweep for sends a killed worker lost
    manage("tasks_worker", interval=args.interval, verbosity=0 if args.quiet else 1)


def cmd_demo(args: argparse.Namespace) -> None:
    """Everything `make run` needs: migrate, seed if empty, then the web server and the worker."""
    check_database()
    manage("migrate", "--noinput", verbosity=0)
    # Imported here: a model can be imported only once setup_django() has read the settings.
    from kindred.accounts.models import Organisation

    if not Organisation.objects.exists():
        print("Adding demo data (a minute or so the first time)...", flush=True)
        manage("seed", "demo")
    _collect_static()
    from django.conf import settings

    # The messages Kindred sends (the daily jobs' reminders) go to a file, not over the sign-ins.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "KINDRED_NOTIFICATIONS_BACKEND": os.environ.get("KINDRED_NOTIFICATIONS_BACKEND", "file"),
    }
    run_checks()
    # Each in its own process group, so that Ctrl+C reaches only this process, which then asks
    # each of them once to stop (a second signal would stop the worker mid-task).
    worker = subprocess.Popen(
        [sys.executable, "-m", "kindred.cli", "worker", "--quiet"], env=env, process_group=0
    )
    server = subprocess.Popen(  # noqa: S603
        _gunicorn(args.host, args.port, args.workers), env=env, process_group=0
    )
    stopping: list[bool] = []

    def stop(*_: object) -> None:
        if stopping:
            return  # asked once already
        stopping.append(True)
        for process in (server, worker):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        address = f"http://{args.host}:{args.port}"
        _wait_until_serving(address, server)
        manage("demo_sign_ins", "--base-url", address)
        if env["KINDRED_NOTIFICATIONS_BACKEND"] == "file":
            print(f"Messages Kindred sends are written to {settings.KINDRED_NOTIFICATIONS_FILE}")
        print(f"\nKindred is at {address}/ (press Ctrl+C to stop)", flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for process in (server, worker):
            process.wait(timeout=60)


def _wait_until_serving(address: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait (a minute at most) until the web server answers, so that what is printed next comes
    after its start-up lines, not among them."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{address}/health/", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)


def cmd_token(args: argparse.Namespace) -> None:
    check_database()
    where = "--network" if args.network else "--organisation"
    options = [where, args.network or args.organisation]
    if args.name:
        options += ["--name", args.name]
    if args.practice:
        options += ["--practice", args.practice]
    if args.prefix:
        options += ["--prefix", args.prefix]
    for scope in args.scope or []:
        options += ["--scope", scope]
    manage("api_token", args.action, *options)


def cmd_reminders(args: argparse.Namespace) -> None:
    check_database()
    manage("daily_jobs")


def cmd_match(args: argparse.Namespace) -> None:
    check_database()
    manage("match", "--organisation", args.organisation, *(["--dry-run"] if args.dry_run else []))


def cmd_match_file(args: argparse.Namespace) -> None:
    """Pure: no Django, no database, so main() runs it without setup_django()."""
    # Imported here: only this command loads the solvers (SciPy, OR-Tools), slow to import.
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


def cmd_report(args: argparse.Namespace) -> None:
    """The quarterly report of a network (aggregates only, suppressed): CSV files, a PDF, or a
    summary printed. For the operator; the web pages check who may see which report."""
    check_database()
    from django.core.management import CommandError

    # Imported here: models need setup_django() first (ADR-087).
    from kindred.accounts.models import Network  # after setup_django (ADR-087)
    from kindred.outcomes import exports  # after setup_django (ADR-087)
    from kindred.outcomes.report import Quarter, build  # after setup_django (ADR-087)

    try:
        quarter = Quarter.parse(args.quarter)
    except ValueError as error:
        raise CommandError(str(error)) from error
    network = Network.objects.filter(slug=args.network).first()
    if network is None:
        raise CommandError(f"There is no network {args.network!r}")
    organisations = list(network.organisations.filter(is_active=True).order_by("name"))
    report = build(organisations=organisations, quarter=quarter, scope=network.name)
    if args.csv:
        for path in exports.csv_dir(report, Path(args.csv), slug=network.slug):
            print(path)
    if args.pdf:
        Path(args.pdf).write_bytes(exports.pdf_bytes(report))
        print(args.pdf)
    if not args.csv and not args.pdf:
        print(report.title)
        for table in report.tables:
            print()
            print(table.title)
            lines = [table.columns, *table.rows]
            widths = [
                max(len(str(cell)) for cell in column) for column in zip(*lines, strict=False)
            ]
            for row in lines:
                print(
                    "  ".join(
                        str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)
                    )
                )


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
    worker = add(
        "worker",
        cmd_worker,
        "run the background task worker (messages, timers, daily jobs); stops cleanly on "
        "SIGTERM or Ctrl+C",
    )
    worker.add_argument(
        "--interval", type=float, default=1, help="seconds between looks for due tasks (default 1)"
    )
    worker.add_argument(
        "--quiet", action="store_true", help="log only warnings and errors, not a line per task"
    )
    add(
        "check",
        cmd_check,
        "check the configuration (Django's checks, with --deploy under production settings, and "
        "Kindred's: e.g. how messages are sent); exit 1 on an error",
    )
    migrate = add("migrate", cmd_migrate, "create or update the database tables")
    migrate.add_argument("-v", "--verbosity", type=int, default=1)
    seed = add("seed", cmd_seed, "add demo data, or generate large data for benchmarks")
    seed.add_argument("kind", choices=["demo", "scale"])
    # Scale data's sizes (kindred.nonprod.scale): left out, the command's own defaults (one
    # city-size organisation of 50,000 people and two a tenth of it).
    seed.add_argument("--people", type=int, help="people in the city-size organisation")
    seed.add_argument("--referrals", type=int, help="referrals there, in every state")
    seed.add_argument(
        "--volunteers",
        "--befrienders",
        dest="volunteers",
        type=int,
        help="active befrienders there",
    )
    seed.add_argument("--relationships", type=int, help="relationships there")
    seed.add_argument("--contacts", type=int, help="contacts per relationship, on average")
    seed.add_argument(
        "--organisations", type=int, help="organisations: the city-size one and smaller ones"
    )
    seed.add_argument(
        "--smaller-share",
        type=float,
        help="each smaller organisation's size as a share of the city's",
    )
    seed.add_argument("--seed", type=int, help="random seed: the same seed, the same data")  # fmt: skip
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
    network = add(
        "network",
        cmd_network,
        "add networks and put organisations in them, as the operator (see docs/networks.md)",
    )
    network_commands = network.add_subparsers(
        dest="network_command", metavar="ACTION", required=True
    )
    network_create = network_commands.add_parser(
        "create",
        help="add a network; asking again with the same name changes nothing",
        description="Add a network. Asking again with the same slug and name changes nothing.",
    )
    network_create.add_argument("slug", metavar="SLUG", help="e.g. leeds-neighbourhood-networks")
    network_create.add_argument("--name", required=True, help="the network's name")
    network_add = network_commands.add_parser(
        "add-organisation",
        help="put an organisation that is in no network into NETWORK",
        description="Put ORGANISATION, which must be in no network, into NETWORK. Already in "
        "it: nothing changes. In another network: refused.",
    )
    network_add.add_argument("network", metavar="NETWORK", help="the network's slug")
    network_add.add_argument("organisation", metavar="ORGANISATION", help="the organisation's slug")
    network_commands.add_parser(
        "list",
        help="list networks with their organisations, tab-separated",
        description="Each network (slug, name), then its organisations indented by a tab: "
        "slug, name, kind, nhs or not-nhs, active or closed. Organisations in no network last.",
    )

    def nhs_options(sub: argparse.ArgumentParser) -> None:
        nhs = sub.add_mutually_exclusive_group()
        nhs.add_argument("--nhs", action="store_true", help="an NHS body: shows the NHS identity")
        nhs.add_argument(
            "--not-nhs", action="store_true", help="not an NHS body: shows its own name only"
        )

    organisation = add(
        "organisation",
        cmd_organisation,
        "add an organisation or change its name or NHS identity, as the operator",
    )
    organisation_commands = organisation.add_subparsers(
        dest="organisation_command", metavar="ACTION", required=True
    )
    organisation_create = organisation_commands.add_parser(
        "create",
        help="add an organisation, in a network or none",
        description="Add an organisation. An NHS team or GP practice is an NHS body unless "
        "--not-nhs; any other kind is not unless --nhs. Asking again changes nothing, as long "
        "as the name (and the kind, network and NHS identity, when given) match.",
    )
    organisation_create.add_argument("slug", metavar="SLUG", help="e.g. leeds-maecare")
    organisation_create.add_argument("--name", required=True, help="the organisation's name")
    organisation_create.add_argument("--network", help="the slug of its network, if any")
    organisation_create.add_argument(
        "--kind", help="charity (the default), nhs, neighbourhood, council or gp_practice"
    )
    nhs_options(organisation_create)
    organisation_update = organisation_commands.add_parser(
        "update",
        help="rename an organisation, say whether it is an NHS body, or where it is based",
        description="Change an organisation's name (--name) or whether it is an NHS body "
        "(--nhs, --not-nhs), or say where it is based (--postcode) and the support it offers "
        "(--offers), which a network admin uses to route referrals sent to the network's front "
        "door. Audited in its own log.",
    )
    organisation_update.add_argument("slug", metavar="SLUG")
    organisation_update.add_argument("--name", help="its new name")
    nhs_options(organisation_update)
    organisation_update.add_argument("--postcode", help='its base, e.g. "LS8 2AP"')
    organisation_update.add_argument(
        "--offers", help="with --postcode: befriending,group,one_to_one,crisis (comma-separated)"
    )
    token = add(
        "token",
        cmd_token,
        "make an API token for the FHIR and JSON APIs (printed once), for an organisation or "
        "for a network's front door; or revoke one",
    )
    token.add_argument("action", choices=["create", "revoke"])
    token_for = token.add_mutually_exclusive_group(required=True)
    token_for.add_argument("--organisation", help="organisation slug")
    token_for.add_argument(
        "--network", help="network slug: referrals land in its inbox for a network admin"
    )
    token.add_argument("--name", default="", help="which system will use it (create)")
    token.add_argument("--practice", default="", help="the GP practice's ODS code, if any")
    token.add_argument("--prefix", default="", help="the token's first characters (revoke)")
    token.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="what it may do (repeatable): referrals:write, support-requests:write, "
        "support-requests:read; an organisation's token without --scope may do all of them, "
        "a GP practice's or a network's only referrals:write",
    )
    add(
        "reminders",
        cmd_reminders,
        "run the daily jobs now: volunteer and going-quiet reminders, digests (the worker "
        "also does it each morning)",
    )
    report = add(
        "report",
        cmd_report,
        "a network's quarterly report (aggregates only): CSV files, a PDF, or a summary",
    )
    report.add_argument("--network", required=True, metavar="SLUG", help="the network's slug")
    report.add_argument(
        "--quarter", required=True, help="a calendar quarter, e.g. 2026Q3 (July to September)"
    )
    report.add_argument("--pdf", metavar="FILE", help="write the whole report as a PDF")
    report.add_argument("--csv", metavar="DIR", help="write one CSV file per table here")
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
