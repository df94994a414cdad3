"""What the audit log's hash chain costs (ADR-080): one audit_record, and a page view that audits,
with the chain and without it (the single INSERT audit_record did before), measured in the same
run; then, on PostgreSQL, N threads appending to N different organisations against N threads
appending to one, to show that organisations do not wait for each other.

    .venv/bin/python benchmarks/audit_chain.py --records 2000 --threads 4
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_bench .venv/bin/python benchmarks/audit_chain.py

Uses DATABASE_URL if set (the database is migrated and written to: use a scratch one), otherwise
a fresh SQLite file in a temporary folder. Prints JSON. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "mean_us": round(statistics.fmean(ordered) * 1e6, 1),
        "p50_us": round(ordered[len(ordered) // 2] * 1e6, 1),
        "p95_us": round(ordered[int(len(ordered) * 0.95)] * 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000, help="audit_record calls timed")
    parser.add_argument("--pages", type=int, default=200, help="page views timed")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--per-thread", type=int, default=200, help="entries each thread adds")
    parser.add_argument(
        "--hold-ms",
        type=float,
        default=2.0,
        help="work each writer's transaction does after its audit entry, holding the lock",
    )
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kindred-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kindred.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kindred.accounts.middleware import SESSION_KEY
    from kindred.accounts.models import Role
    from kindred.accounts.tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )
    from kindred.core import audit_chain
    from kindred.core.models import AuditEvent
    from kindred.core.services import Acting, audit_record
    from kindred.people.tests.factories import PersonFactory

    call_command("migrate", verbosity=0)
    run = time.strftime("%H%M%S")
    counter = itertools.count(10_000_000)  # the baseline's sequence numbers: no chain, no head

    def unchained_append(entries: list[AuditEvent]) -> list[AuditEvent]:
        for entry in entries:  # what audit_record did before the chain: one INSERT
            entry.sequence, entry.previous_hash, entry.entry_hash = next(counter), "", ""
            entry.save(force_insert=True)
        return entries

    @contextmanager
    def chain(on: bool) -> Iterator[None]:
        if on:
            yield
            return
        saved = audit_chain.lock_chain, audit_chain.append
        audit_chain.lock_chain = lambda organisation_id: None  # type: ignore[assignment]
        audit_chain.append = unchained_append  # type: ignore[assignment]
        try:
            yield
        finally:
            audit_chain.lock_chain, audit_chain.append = saved  # type: ignore[assignment]

    def timed(job: Callable[[], object], times: int) -> list[float]:
        seconds = []
        for _ in range(times):
            started = time.perf_counter()
            job()
            seconds.append(time.perf_counter() - started)
        return seconds

    def queries(job: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            job()
        return len(captured.captured_queries)

    # 1. One audit_record, in autocommit as a page view makes it: chained vs one INSERT.
    organisation = OrganisationFactory(slug=f"bench-{run}")
    baseline_organisation = OrganisationFactory(slug=f"bench-baseline-{run}")
    person = PersonFactory(organisation=organisation)
    by = Acting.system("bench", organisation)
    by_baseline = Acting.system("bench", baseline_organisation)
    results: dict[str, Any] = {"machine": machine()}
    results["database"] = {"vendor": connection.vendor, "version": connection.Database.__name__}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        results["database"]["version"] = cursor.fetchone()[0].split(" on ")[0]

    def record(acting: Acting) -> Callable[[], object]:
        return lambda: audit_record(
            by=acting, action="bench.viewed", target=person, detail={"page": "record"}
        )

    for _warm in range(2):  # warm both paths, then alternate rounds so drift hits both alike
        timed(record(by), 50)
        with chain(False):
            timed(record(by_baseline), 50)
    chained: list[float] = []
    baseline: list[float] = []
    rounds = 10
    for _round in range(rounds):
        chained += timed(record(by), args.records // rounds)
        with chain(False):
            baseline += timed(record(by_baseline), args.records // rounds)
    with chain(False):
        baseline_queries = queries(record(by_baseline))
    results["audit_record"] = {
        "calls": len(chained),
        "chained": {**summary(chained), "queries": queries(record(by))},
        "without_chain": {**summary(baseline), "queries": baseline_queries},
        "chain_costs_us": round((statistics.fmean(chained) - statistics.fmean(baseline)) * 1e6, 1),
    }

    # 2. A person's record page (audits the view), signed in as a coordinator.
    user = UserFactory(email=f"bench-{run}@example.com")
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = str(organisation.pk)
    session.save()
    page = f"/people/{person.pk}/"
    assert client.get(page).status_code == 200

    def view() -> None:
        response = client.get(page)
        assert response.status_code == 200

    timed(view, 20)
    page_chained: list[float] = []
    page_baseline: list[float] = []
    for _round in range(rounds):
        page_chained += timed(view, args.pages // rounds)
        with chain(False):
            page_baseline += timed(view, args.pages // rounds)
    results["person_page_view"] = {
        "views": len(page_chained),
        "chained": {**summary(page_chained), "queries": queries(view)},
        "without_chain": summary(page_baseline),
        "chain_costs_us": round(
            (statistics.fmean(page_chained) - statistics.fmean(page_baseline)) * 1e6, 1
        ),
    }

    # 3. Concurrent writers (PostgreSQL: SQLite has one writer at a time whatever we do).
    if connection.vendor == "postgresql":
        organisations = [OrganisationFactory(slug=f"bench-{run}-t{i}") for i in range(args.threads)]
        one = OrganisationFactory(slug=f"bench-{run}-shared")
        hold = args.hold_ms / 1000

        def writer(target: Any) -> Callable[[], None]:
            acting = Acting.system("bench-thread", target)

            def job() -> None:
                try:
                    for _ in range(args.per_thread):
                        with transaction.atomic():
                            audit_record(by=acting, action="bench.concurrent")
                            time.sleep(hold)  # the rest of the service's transaction
                finally:
                    connections.close_all()

            return job

        def wall(jobs: list[Callable[[], None]]) -> float:
            threads = [threading.Thread(target=job) for job in jobs]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.perf_counter() - started

        entries = args.threads * args.per_thread
        different = wall([writer(o) for o in organisations])
        same = wall([writer(one) for _ in range(args.threads)])
        one_thread = wall([writer(one)])  # one writer alone, for scale
        results["concurrent_writers"] = {
            "threads": args.threads,
            "entries_per_thread": args.per_thread,
            "hold_ms_after_each_entry": args.hold_ms,
            "one_thread_alone_s": round(one_thread, 3),
            "different_organisations": {
                "wall_s": round(different, 3),
                "entries_per_s": round(entries / different),
            },
            "one_organisation": {"wall_s": round(same, 3), "entries_per_s": round(entries / same)},
            "serialised_if_near": round(one_thread * args.threads, 3),
        }
        reports = audit_chain.verify(one.slug) + audit_chain.verify(organisations[0].slug)
        results["concurrent_writers"]["chains_hold_after"] = all(r.holds for r in reports)

    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
