"""`make bench`: every coordinator, supporter and commissioner page at scale, served the way
Kindred is deployed, loaded from a second process, beside two baseline views in the same run.

1. Makes a fresh PostgreSQL database (BENCH_DATABASE, default kindred_bench, on BENCH_POSTGRES,
   default postgres://postgres@127.0.0.1:5432), migrates it and seeds a fixed workload with
   `kindred seed scale`: BENCH_SIZE=city (the default: one organisation of 50,000 people,
   50,000 referrals, 3,000 active befrienders and 15,000 relationships, and two a tenth of it)
   or BENCH_SIZE=small (a tenth of that, for a quick run).
2. Starts `kindred serve --workers 2` (gunicorn) on a free port with kindred.config.settings.bench
   (production settings over plain HTTP, with throwaway secrets).
3. Signs in one session per simulated user for each role (coordinator, supporter, commissioner,
   facilitator; the public pages are asked for signed out),
   then for each page runs locust headless (benchmarks/locustfile.py) with BENCH_USERS (4)
   users asking for that page alone for BENCH_SECONDS (15 at city size, 5 small). The bare
   signed-in view and the one-query view (kindred.nonprod.views) run first and again last, so
   that drift in the machine shows.
4. Prints JSON and writes it to benchmarks/results/pages-<date>.json: for each page p50, p95,
   p99, mean and most, requests per second, failures, and p95 as a multiple of the bare view's
   (the first run of it); the machine, the load and the data size.

Not a test: nothing here asserts a time. The database is dropped and made again on every run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine  # noqa: E402

BIN = Path(sys.executable).parent
SIZES: dict[str, list[str]] = {
    "city": [],  # the seed command's defaults: issue 14's city-size organisation
    "small": [
        "--people=5000",
        "--referrals=5000",
        "--volunteers=300",
        "--relationships=1500",
        "--organisations=2",
    ],
}
SEED = 1
CITY_SLUG = f"scale-{SEED}-city"


def log(line: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (a value that was measured)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fresh_database(server: str, name: str) -> str:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"BENCH_DATABASE must be a plain lower-case name, not {name!r}")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def kindred(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    # Its output goes to stderr: stdout is the JSON report alone.
    subprocess.run([str(BIN / "kindred"), *args], env=env, check=True, stdout=sys.stderr)  # noqa: S603
    return time.perf_counter() - started


def targets(env: dict[str, str]) -> dict[str, Any]:
    """The records the pages are asked about, found in the seeded data: a common surname, the
    person the supporter sees most of, and one of the supporter's relationships."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db.models import Count

    from kindred.accounts.models import Organisation
    from kindred.nonprod.scale import sign_in_email
    from kindred.relationships.models import Relationship

    city = Organisation.objects.get(slug=CITY_SLUG)
    surname = (
        city.people.values("family_name")
        .annotate(n=Count("id"))
        .order_by("-n", "family_name")
        .first()
    )
    assert surname is not None
    supporter_email = sign_in_email("supporter", CITY_SLUG)
    relationship = (
        Relationship.objects.filter(
            organisation=city, supporters__user__email=supporter_email, status="active"
        )
        .order_by("introduced_on", "id")
        .first()
    )
    assert relationship is not None, "the supporter sign-in supports no active relationship"
    found = {
        **later_targets(city),
        "surname": surname["family_name"],
        "surname_people": surname["n"],
        "organisation_id": str(city.pk),
        "person_id": str(relationship.person_id),
        "relationship_id": str(relationship.pk),
        "people": city.people.count(),
        "referrals": city.referrals.count(),
        "waiting": city.referrals.filter(status="waiting").count(),
        "active_befrienders": city.volunteers.filter(stage="active").count(),
        "relationships": city.relationships.count(),
        "emails": {
            "coordinator": sign_in_email("coordinator", CITY_SLUG),
            "supporter": supporter_email,
            "commissioner": sign_in_email("commissioner", f"scale-{SEED}"),
            "facilitator": sign_in_email("facilitator", CITY_SLUG),
        },
    }
    from django.db import connections

    connections.close_all()  # the benchmark's own connection stays out of the way
    return found


def later_targets(city: Any) -> dict[str, str]:
    """The records the later apps' pages are asked about (ADR-129): the published group with
    the most sessions, its latest held session, the facilitator's group and its latest held
    session, an open concern with the longest timeline, the postcode of a venue."""
    from django.db.models import Count, Q

    from kindred.groups.models import Session
    from kindred.nonprod.scale import sign_in_email
    from kindred.safeguarding.models import OPEN

    group = (
        city.peer_groups.filter(published=True)
        .annotate(n=Count("sessions"))
        .order_by("-n", "name")
        .first()
    )
    assert group is not None, "the city has no published group"
    held = Session.objects.filter(group=group, status="held").order_by("-starts_at").first()
    assert held is not None
    facilitator_group = (
        city.peer_groups.filter(facilitators__user__email=sign_in_email("facilitator", CITY_SLUG))
        .order_by("name")
        .first()
    )
    assert facilitator_group is not None, "the facilitator sign-in runs no group"
    facilitator_session = (
        Session.objects.filter(group=facilitator_group, status="held")
        .order_by("-starts_at")
        .first()
    )
    assert facilitator_session is not None
    concern = (
        city.concerns.filter(status__in=OPEN)
        .annotate(n=Count("timeline", filter=Q(timeline__isnull=False)))
        .order_by("-n", "-raised_at")
        .first()
    )
    assert concern is not None, "the city has no open concern"
    return {
        "group_id": str(group.pk),
        "session_id": str(held.pk),
        "facilitator_group_id": str(facilitator_group.pk),
        "facilitator_session_id": str(facilitator_session.pk),
        "concern_id": str(concern.pk),
        "postcode": group.venue.postcode,
    }


def _token(html: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "no CSRF token on the page"
    return token.group(1)


def sign_in(base: str, email: str, password: str, organisation_id: str) -> str:
    """Sign in as a browser would (the form, its CSRF token), acting for the city organisation
    (a network role chooses it among the network's), and return the session cookie."""
    import requests

    client = requests.Session()
    page = client.get(f"{base}/sign-in/", timeout=30)
    done = client.post(
        f"{base}/sign-in/",
        data={"csrfmiddlewaretoken": _token(page.text), "email": email, "password": password},
        timeout=30,
        allow_redirects=False,
    )
    assert done.status_code == 302, f"signing in as {email} failed: {done.status_code}"
    home = client.get(f"{base}/home/", timeout=60, allow_redirects=False)
    if home.status_code == 302 and "/organisation/" in home.headers["Location"]:
        choose = client.get(f"{base}/organisation/", timeout=30)
        client.post(
            f"{base}/organisation/",
            data={"csrfmiddlewaretoken": _token(choose.text), "organisation": organisation_id},
            timeout=30,
            allow_redirects=False,
        )
        home = client.get(f"{base}/home/", timeout=60, allow_redirects=False)
    assert home.status_code == 200, f"{email} cannot open the home page: {home.status_code}"
    return str(client.cookies["sessionid"])


def wait_until_serving(base: str, server: subprocess.Popen[bytes], *, within: float) -> None:
    """Until /health/ answers quickly: at the start, and after a phase whose slow requests may
    still be running in the workers (so that they do not slow the next phase)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("kindred serve stopped")
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/health/", timeout=5) as answer:  # noqa: S310
                if answer.status == 200 and time.perf_counter() - began < 0.5:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base} did not answer /health/ quickly within {within:.0f} s")


def run_phase(
    base: str, page: dict[str, str], sessions: list[str], *, users: int, seconds: int, out: Path
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_PAGE": json.dumps(page),
        "BENCH_SESSIONS": json.dumps(sessions),
        "BENCH_OUT": str(out),
    }
    began = time.perf_counter()
    # --stop-timeout: requests still running when the time is up finish and are counted.
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--stop-timeout", "65", "--host", base,
        "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0",
    ]  # fmt: skip
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    elapsed = time.perf_counter() - began
    responses = json.loads(out.read_text())["responses"]
    times = [r["ms"] for r in responses if r["ok"]]
    failures = [r for r in responses if not r["ok"]]
    result: dict[str, Any] = {
        # Other work on the machine slows every figure: the 1-minute load average at the end.
        "load_average": round(os.getloadavg()[0], 1),
        "path": page["path"],
        "role": page["role"],
        "requests": len(responses),
        "failures": len(failures),
        "requests_per_second": round(len(times) / seconds, 2),
        "phase_seconds": round(elapsed, 1),
    }
    if failures:
        result["failure_kinds"] = sorted({f["error"] or f"status {f['status']}" for f in failures})
    if times:
        result |= {
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
            "mean_ms": round(statistics.fmean(times), 1),
            "max_ms": round(max(times), 1),
        }
    return result


def pages(found: dict[str, Any]) -> list[dict[str, str]]:
    """Every page measured: (name, role, path). Baselines first and last."""
    coordinator = [
        ("coordinator home", "/home/"),
        ("referral inbox", "/referrals/"),
        ("caseload", "/relationships/"),
        ("people list", "/people/"),
        (f"people search ({found['surname']})", f"/people/?q={found['surname']}"),
        ("person record", f"/people/{found['person_id']}/"),
        ("volunteers list", "/volunteers/all/"),
        ("volunteers board", "/volunteers/"),
        ("waiting for a match", "/matching/waiting/"),
        ("matching suggestions", "/matching/suggest/"),
    ]
    supporter = [
        ("supporter home", "/home/"),
        ("supporter: my people", "/relationships/mine/"),
        ("supporter: log a contact", f"/relationships/{found['relationship_id']}/contact/"),
        ("supporter: my volunteering", "/volunteers/me/"),
        ("supporter: my checks", "/volunteers/me/checks/"),
        ("supporter: my hours", "/volunteers/me/hours/"),
    ]
    coordinator += [
        ("groups list", "/groups/"),
        ("group page", f"/groups/{found['group_id']}/"),
        ("session attendance", f"/groups/sessions/{found['session_id']}/attendance/"),
        ("safeguarding concerns", "/safeguarding/"),
        ("concern page", f"/safeguarding/{found['concern_id']}/"),
        ("crisis rota", "/crisis/rota/"),
        ("crisis requests", "/crisis/requests/"),
        ("questionnaires due", "/outcomes/"),
        ("outcomes settings", "/outcomes/settings/"),
        ("outcomes report", "/outcomes/report/"),
        ("messages list", "/messages/"),
    ]
    facilitator = [
        ("facilitator: groups list", "/groups/"),
        ("facilitator: group page", f"/groups/{found['facilitator_group_id']}/"),
        (
            "facilitator: session attendance",
            f"/groups/sessions/{found['facilitator_session_id']}/attendance/",
        ),
    ]
    postcode = found["postcode"].replace(" ", "+")
    public = [
        (f"directory search ({found['postcode']})", f"/directory/?postcode={postcode}"),
        ("Open Referral UK services", "/openreferral/services"),
        ("group's calendar feed", f"/directory/groups/{found['group_id']}/sessions.ics"),
    ]
    commissioner = [
        ("commissioner home", "/home/"),
        ("commissioner: outcomes report", "/outcomes/report/"),
    ]
    baselines = [
        ("bare view (signed in)", "/nonprod/bench/bare/"),
        ("one-query view", "/nonprod/bench/one-query/"),
    ]
    listed = [{"name": n, "role": "coordinator", "path": p} for n, p in baselines]
    listed += [{"name": n, "role": "coordinator", "path": p} for n, p in coordinator]
    listed += [{"name": n, "role": "supporter", "path": p} for n, p in supporter]
    listed += [{"name": n, "role": "commissioner", "path": p} for n, p in commissioner]
    listed += [{"name": n, "role": "facilitator", "path": p} for n, p in facilitator]
    listed += [{"name": n, "role": "public", "path": p} for n, p in public]
    listed += [{"name": f"{n}, again at the end", "role": "coordinator", "path": p}
               for n, p in baselines]  # fmt: skip
    return listed


def table(report: dict[str, Any]) -> str:
    """The README's table (Performance) from a report: `python benchmarks/pages.py --table FILE`."""
    lines = [
        "| page | role | p50 | p95 | p99 | requests/s | p95 ÷ bare view's |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, page in report["pages"].items():
        if "p95_ms" not in page:
            failed = ", ".join(page.get("failure_kinds", [])) or "no response"
            lines.append(f"| {name} | {page['role']} | {failed} | | | 0 | |")
            continue
        note = f" ({page['failures']} failed)" if page["failures"] else ""
        lines.append(
            f"| {name}{note} | {page['role']} | {page['p50_ms']:,.0f} ms | {page['p95_ms']:,.0f} ms"
            f" | {page['p99_ms']:,.0f} ms | {page['requests_per_second']:g}"
            f" | {page.get('p95_times_bare', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--table"] and len(sys.argv) == 3:
        print(table(json.loads(Path(sys.argv[2]).read_text())))
        return
    size = os.environ.get("BENCH_SIZE", "city")
    if size not in SIZES:
        raise SystemExit(f"BENCH_SIZE must be one of {', '.join(SIZES)}, not {size!r}")
    users = int(os.environ.get("BENCH_USERS", "4"))
    seconds = int(os.environ.get("BENCH_SECONDS", "15" if size == "city" else "5"))
    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    database = os.environ.get("BENCH_DATABASE", "kindred_bench")
    from cryptography.fernet import Fernet

    scratch = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.bench",
        "DATABASE_URL": fresh_database(server, database),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KINDRED_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KINDRED_VAR_DIR": str(scratch),
        "KINDRED_NOTIFICATIONS_BACKEND": "file",
    }
    started = time.perf_counter()
    log(f"database {database}: migrating")
    migrate_seconds = kindred("migrate", "--verbosity", "0", env=env)
    log(f"seeding the {size} workload")
    seed_seconds = kindred("seed", "scale", f"--seed={SEED}", *SIZES[size], env=env)
    found = targets(env)
    from kindred.nonprod.constants import DEMO_PASSWORD

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve_log = (scratch / "serve.log").open("wb")
    serve = subprocess.Popen(  # noqa: S603
        [str(BIN / "kindred"), "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=serve_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    results: dict[str, Any] = {}
    try:
        wait_until_serving(base, serve, within=120)
        sessions = {
            role: [
                sign_in(base, email, DEMO_PASSWORD, found["organisation_id"]) for _ in range(users)
            ]
            for role, email in found["emails"].items()
        }
        sessions["public"] = []  # the directory and its feeds: nobody signed in
        for page in pages(found):
            log(f"{page['name']}: {users} users for {seconds} s")
            results[page["name"]] = run_phase(
                base, page, sessions[page["role"]], users=users, seconds=seconds,
                out=scratch / "phase.json",
            )  # fmt: skip
            wait_until_serving(base, serve, within=90)
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        serve_log.close()
    bare = results["bare view (signed in)"].get("p95_ms")
    for result in results.values():
        if bare and "p95_ms" in result:
            result["p95_times_bare"] = round(result["p95_ms"] / bare, 1)
    report = {
        "benchmark": "pages",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": "PostgreSQL",
        "server": "kindred serve --workers 2 (gunicorn), kindred.config.settings.bench",
        "load": {
            "tool": "locust (headless), a second process",
            "users": users,
            "seconds_per_page": seconds,
            "wait_between_requests": 0,
            "each user its own signed-in session": True,
        },
        "size": size,
        "data": {k: v for k, v in found.items() if k not in ("emails",)},
        "migrate_seconds": round(migrate_seconds, 1),
        "seed_seconds": round(seed_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "pages": results,
    }
    text = json.dumps(report, indent=2)
    print(text)
    folder = ROOT / "benchmarks" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    day = dt.datetime.now(dt.UTC).date().isoformat()
    path = folder / f"pages-{day}{'' if size == 'city' else '-' + size}.json"
    path.write_text(text + "\n")
    log(f"written to {path.relative_to(ROOT)}")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
