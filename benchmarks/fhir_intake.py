"""FHIR referral intake over HTTP: `kindred serve --workers 2` (gunicorn, production settings) on
PostgreSQL, loaded by concurrent clients posting ServiceRequests (some as Bundles, some urgent,
some re-referring someone already known, some sent twice), beside two baselines measured in the
same run with the same clients: the FHIR 404 (an OperationOutcome with no database and no token)
and a token-checked read of an unknown ServiceRequest (the token look-up and one query).

    .venv/bin/python benchmarks/fhir_intake.py --referrals 3000 --clients 8 --workers 2

Each phase is reported as requests a second with p50/p95/p99 latencies. Afterwards the database
is checked: every identifier sent is stored exactly once, every repeat was answered with the
first copy's Location, no answer was a server error, and the audit chain holds. Then the queries
of one intake are counted in this process (Django's test client on the same database), with the
time spent in the token check, the reading of the body and the service.

The database named by --database-url (default: BENCH_DATABASE_URL, or BENCH_DATABASE on the
local server, or kf_bench) is DROPPED and made again: use a scratch one. Prints JSON (with the machine, benchmarks/machine.py) and writes
benchmarks/results/fhir-intake-<date>.json. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.machine import machine  # noqa: E402

EXAMPLE = ROOT / "docs" / "examples" / "service-request.json"
# Postcode districts across many letters, so that each worker reads several postcode tables.
DISTRICTS = ("SK1", "LS8", "M14", "B12", "E1", "G12", "CF10", "BS1", "NE1", "S10", "L8", "OX1")
SYSTEM = "https://fhir.bench-surgery.example/Id/referral"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nhs_numbers(count: int, start: int = 401023213) -> list[str]:
    from kindred.people.identifiers import nhs_number_check_digit

    found: list[str] = []
    while len(found) < count:
        digit = nhs_number_check_digit(str(start))
        if digit is not None:
            found.append(f"{start}{digit}")
        start += 3
    return found


def postcodes(count: int) -> list[str]:
    from kindred.people.identifiers import postcodes_in_district

    each = max(1, count // len(DISTRICTS) + 1)
    found = [p.postcode for d in DISTRICTS for p in postcodes_in_district(d, each)]
    return found


def referrals(count: int, run: str) -> tuple[list[bytes], list[str], list[int]]:
    """`count` different referrals (bodies and identifiers), then the order to send them in:
    every index once, with every 20th referral sent a second time a little later."""
    template = json.loads(EXAMPLE.read_text())
    numbers = nhs_numbers(count)
    codes = postcodes(count)
    bodies: list[bytes] = []
    identifiers: list[str] = []
    for index in range(count):
        data = json.loads(json.dumps(template))
        identifier = f"{run}-{index:07d}"
        data["identifier"][0] = {"system": SYSTEM, "value": identifier}
        patient = data["contained"][0]
        # Every 10th is a re-referral of someone referred earlier in the run (matched by NHS
        # number); the others are new people.
        person = index - 7 if index % 10 == 9 else index
        patient["identifier"][0]["value"] = numbers[person]
        patient["name"][0] = {"use": "official", "family": f"Bench{person}", "given": ["Ada"]}
        patient["birthDate"] = f"19{40 + person % 60:02d}-0{1 + person % 9}-1{person % 10}"
        patient["address"][0]["postalCode"] = codes[person % len(codes)]
        data["priority"] = "urgent" if index % 10 == 3 else "routine"
        data["reasonCode"][0]["text"] = f"Lonely since moving house ({index})"
        if index % 5 == 4:  # the same referral as a Bundle with the Patient beside it
            contained = data.pop("contained")
            contained[0].pop("id")
            data["subject"] = {"reference": "urn:uuid:patient"}
            data["contained"] = [contained[1]]
            data = {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"fullUrl": "urn:uuid:patient", "resource": contained[0]},
                    {"resource": data},
                ],
            }
        bodies.append(json.dumps(data).encode())
        identifiers.append(identifier)
    order: list[int] = []
    for index in range(count):
        order.append(index)
        if index % 20 == 10 and index >= 30:
            order.append(index - 30)  # a repeat of a referral sent a moment ago
    return bodies, identifiers, order


@dataclass
class Phase:
    name: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        n = len(ordered)

        def at(q: float) -> float:
            return round(ordered[min(n - 1, int(n * q))] * 1000, 1)

        return {
            "clients": self.clients,
            "requests": n,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(n / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": at(0.50),
            "p95_ms": at(0.95),
            "p99_ms": at(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def load(
    name: str,
    port: int,
    clients: int,
    requests: list[tuple[str, str, bytes | None, dict[str, str]]],
    answers: list[tuple[int, str]] | None = None,
) -> Phase:
    """Send `requests` (method, path, body, headers) from `clients` threads, each with its own
    connection, taking the next request from a shared counter; record each latency and, if
    `answers` is given, each (status, Location) at the request's place."""
    phase = Phase(name, clients)
    lock = threading.Lock()
    position = iter(range(len(requests)))
    start = threading.Barrier(clients + 1)
    failures: list[BaseException] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        statuses: dict[int, int] = {}
        start.wait()
        try:
            while True:
                with lock:
                    index = next(position, None)
                if index is None:
                    break
                method, path, body, headers = requests[index]
                began = time.perf_counter()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - began)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                if answers is not None:
                    answers[index] = (response.status, response.headers.get("Location", ""))
                if response.headers.get("Connection", "").lower() == "close":
                    connection.close()
        except BaseException as error:  # reported after the phase
            failures.append(error)
        finally:
            connection.close()
            with lock:
                phase.latencies.extend(mine)
                for status, n in statuses.items():
                    phase.statuses[status] = phase.statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{name}: {failures[0]!r}")
    return phase


class LockSampler(threading.Thread):
    """Every 20 ms, how many of the database's sessions are running a statement and how many of
    them wait for the audit chain's lock (an advisory lock not yet granted): the share of
    intake spent queuing for the chain (ADR-080, ADR-107)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[int, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.done.wait(0.02):
                row = connection.execute(
                    "SELECT count(*) FILTER (WHERE a.state = 'active'), "
                    "count(*) FILTER (WHERE a.wait_event = 'advisory') "
                    "FROM pg_stat_activity a WHERE a.datname = current_database() "
                    "AND a.pid <> pg_backend_pid()"
                ).fetchone()
                if row is not None:
                    self.samples.append((int(row[0]), int(row[1])))

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=5)

    def report(self) -> dict[str, Any]:
        n = len(self.samples) or 1
        return {
            "samples": len(self.samples),
            "mean_sessions_running": round(sum(a for a, _ in self.samples) / n, 2),
            "mean_sessions_waiting_for_the_chain": round(sum(w for _, w in self.samples) / n, 2),
            "share_of_samples_with_a_waiter": round(sum(1 for _, w in self.samples if w) / n, 3),
        }


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def kindred(environment: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "kindred.cli", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kindred {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_serving(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")


def queries_of_one_intake(environment: dict[str, str], token: str, body: bytes) -> dict[str, Any]:
    """In this process, on the same database: the queries one new referral takes, and where the
    time of one goes (token check, reading the body, the service), over 50 referrals."""
    os.environ.update(environment)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kindred.accounts import services
    from kindred.fhir.parse import parse_service_request

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    template = json.loads(body)

    def one(value: str) -> Any:
        data = json.loads(json.dumps(template))
        data["identifier"][0]["value"] = value
        return client.post(
            "/fhir/ServiceRequest", data=json.dumps(data), content_type="application/fhir+json"
        )

    with CaptureQueriesContext(connection) as captured:
        answer = one(f"count-{uuid.uuid4().hex}")
        queries = list(captured.captured_queries)
    assert answer.status_code == 201, answer.content
    counts: dict[str, int] = {}
    for query in queries:
        verb = query["sql"].split(None, 1)[0].upper()
        counts[verb] = counts.get(verb, 0) + 1
    timings: dict[str, list[float]] = {"token": [], "parse": [], "request": []}
    for n in range(50):
        began = time.perf_counter()
        services.api_token_authenticate(raw=token)
        timings["token"].append(time.perf_counter() - began)
        began = time.perf_counter()
        parse_service_request(body)
        timings["parse"].append(time.perf_counter() - began)
        began = time.perf_counter()
        one(f"time-{n}-{uuid.uuid4().hex}")
        timings["request"].append(time.perf_counter() - began)
    return {
        "queries_per_new_referral": len(queries),
        "queries": [q["sql"][:160] for q in queries],
        "by_statement": counts,
        "in_process_ms_p50": {
            name: round(statistics.median(values) * 1000, 2) for name, values in timings.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--first",
        type=int,
        default=200,
        help="referrals sent before the timed intake, while each worker reads postcode tables",
    )
    parser.add_argument("--baseline-requests", type=int, default=2000)
    parser.add_argument(
        "--sequential",
        type=int,
        default=300,
        help="referrals also sent one at a time by a single client (0: none)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/" + os.environ.get("BENCH_DATABASE", "kf_bench"),
        help="a scratch PostgreSQL database: it is dropped and made again",
    )
    parser.add_argument("--output", type=Path, default=None, help="where to write the JSON")
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    scratch = Path(tempfile.mkdtemp(prefix="kindred-fhir-bench-"))
    (scratch / "secret_key").write_text(secrets.token_urlsafe(60))
    (scratch / "field_key").write_text(Fernet.generate_key().decode())
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KINDRED_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.production",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY_FILE": str(scratch / "secret_key"),
        "KINDRED_FIELD_ENCRYPTION_KEY_FILE": str(scratch / "field_key"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # no HTTPS proxy in front here
        "KINDRED_VAR_DIR": str(scratch / "var"),
        "KINDRED_NOTIFICATIONS_BACKEND": "console",
        "LOG_LEVEL": "WARNING",
    }
    fresh_database(args.database_url)
    kindred(environment, "migrate")
    kindred(environment, "organisation", "create", "bench", "--name", "Bench Peer Support")
    token = kindred(environment, "token", "create", "--organisation", "bench", "--name", "Bench")
    token = token.strip().splitlines()[-1].strip()

    total = args.referrals + args.first + args.sequential
    run = uuid.uuid4().hex[:8]
    bodies, identifiers, order = referrals(total, run)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}

    port = free_port()
    log = scratch / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                sys.executable, "-m", "kindred.cli", "serve",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            ],
            env=environment, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        wait_until_serving(port, server, log)
        # Every worker answers a few requests before anything is timed.
        load("warm-up", port, args.clients, [("GET", "/fhir/metadata", None, {})] * 50)
        bare = load(
            "bare",
            port,
            args.clients,
            [("GET", "/fhir/nothing-here", None, {})] * args.baseline_requests,
        )
        read = load(
            "token_read",
            port,
            args.clients,
            [
                ("GET", f"/fhir/ServiceRequest/{uuid.uuid4()}", None, headers)
                for _ in range(args.baseline_requests)
            ],
        )
        # The first referrals of each postcode area make each worker read that area's postcode
        # table (once per process: kindred.people.identifiers); they are sent first and
        # reported apart, so that the timed intake is of workers that have done so.
        warm = list(range(args.referrals, args.referrals + args.first))
        warm_answers: list[tuple[int, str]] = [(0, "")] * len(warm)
        first_requests = load(
            "first_requests",
            port,
            args.clients,
            [("POST", "/fhir/ServiceRequest", bodies[i], headers) for i in warm],
            warm_answers,
        )
        # A deployed database has planner statistics; a new one has none until autovacuum
        # gets to it, and plans made meanwhile scan the organisation's referrals.
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute("ANALYZE")
        concurrent_order = [i for i in order if i < args.referrals]
        answers: list[tuple[int, str]] = [(0, "")] * len(concurrent_order)
        waiting = LockSampler(args.database_url)
        waiting.start()
        intake = load(
            "intake",
            port,
            args.clients,
            [("POST", "/fhir/ServiceRequest", bodies[i], headers) for i in concurrent_order],
            answers,
        )
        waiting.stop()
        sequential = None
        if args.sequential:
            sequential_order = list(range(args.referrals + args.first, total))
            sequential_answers: list[tuple[int, str]] = [(0, "")] * len(sequential_order)
            sequential = load(
                "intake_sequential",
                port,
                1,
                [("POST", "/fhir/ServiceRequest", bodies[i], headers) for i in sequential_order],
                sequential_answers,
            )
            concurrent_order += sequential_order
            answers += sequential_answers
        concurrent_order += warm
        answers += warm_answers
    finally:
        server.terminate()
        server.wait(timeout=30)

    # Exactly once: one stored referral per identifier, a repeat answered with the first copy.
    first: dict[str, str] = {}
    problems: list[str] = []
    for index, (status, location) in zip(concurrent_order, answers, strict=True):
        identifier = identifiers[index]
        if status not in (200, 201):
            problems.append(f"{identifier}: answered {status}")
        elif identifier in first and first[identifier] != location:
            problems.append(f"{identifier}: two Locations")
        else:
            first.setdefault(identifier, location)
    with psycopg.connect(args.database_url) as connection:
        stored = dict(
            connection.execute(
                "SELECT external_id, count(*) FROM referrals_referral WHERE external_system = %s "
                "GROUP BY external_id",
                [SYSTEM],
            ).fetchall()
        )
        people = connection.execute("SELECT count(*) FROM people_person").fetchone()
    missing = [i for i in identifiers if i not in stored]
    twice = [i for i, n in stored.items() if n != 1]
    verified = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "audit", "verify"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    in_process = queries_of_one_intake(environment, token, bodies[0])

    intake_report = intake.report()
    result = {
        "benchmark": "fhir_intake",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_before_and_after": os.getloadavg(),
        "server": f"kindred serve --workers {args.workers} (gunicorn sync workers), "
        "production settings, PostgreSQL",
        "load": f"{args.clients} client threads, one keep-alive connection each",
        "bare_404": bare.report(),
        "token_checked_read_404": read.report(),
        "first_requests": first_requests.report(),
        "intake": intake_report,
        "intake_audit_chain_lock": waiting.report(),
        "intake_sequential": sequential.report() if sequential else None,
        "intake_vs_bare_rate": round(
            intake_report["requests_per_second"] / bare.report()["requests_per_second"], 3
        ),
        "exactly_once": {
            "referrals_sent": len(identifiers),
            "requests_sent": len(concurrent_order),
            "repeats_sent": len(concurrent_order) - len(identifiers),
            "referrals_stored": sum(stored.values()),
            "people_stored": people[0] if people else 0,
            "missing": len(missing),
            "stored_more_than_once": len(twice),
            "answer_problems": problems[:20],
            "audit_chain": verified.stdout.strip().splitlines()[-1:]
            if verified.stdout.strip()
            else [verified.stderr.strip()[-300:]],
            "holds": not missing and not twice and not problems and verified.returncode == 0,
        },
        "one_intake_in_process": in_process,
    }
    text = json.dumps(result, indent=2)
    print(text)
    output = args.output or (
        ROOT
        / "benchmarks"
        / "results"
        / f"fhir-intake-{dt.datetime.now(dt.UTC).date().isoformat()}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")


if __name__ == "__main__":
    main()
