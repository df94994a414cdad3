"""The CSV downloads (ADR-093) for a city-size organisation: the caseload, the referrals inbox and
the volunteers list, each as a coordinator asks for it, at two sizes: time to the first chunk and
to the end, the queries, the file's size, the largest Python memory the download took before and
while streaming (tracemalloc, in a second run, since tracing slows Python down) and the size of
the audit entries it wrote.

    .venv/bin/python benchmarks/exports_at_scale.py --people 50000 --volunteers 5000

Every person has one referral and one relationship with one supporter. Uses DATABASE_URL if set
(PostgreSQL for real figures: the rows are read through a server-side cursor), otherwise a fresh
SQLite file in a temporary folder. Prints JSON. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine

BATCH = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--volunteers", type=int, default=5_000)
    parser.add_argument("--small", type=int, default=500, help="people in the smaller organisation")
    parser.add_argument("--profile", action="store_true", help="profile the caseload's download")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kindred-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kindred.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kindred.accounts.middleware import SESSION_KEY
    from kindred.accounts.models import Organisation, Role
    from kindred.accounts.tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )
    from kindred.core.models import AuditEvent
    from kindred.people.models import Person
    from kindred.referrals.models import Referral
    from kindred.relationships.models import Relationship, Supporter
    from kindred.volunteers.models import Volunteer

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    now = timezone.now()

    def seed(organisation: Organisation, people: int, volunteers: int) -> float:
        started = time.perf_counter()
        volunteer_ids = [uuid.uuid4() for _ in range(volunteers)]
        Volunteer.objects.bulk_create(
            [
                Volunteer(id=pk, organisation=organisation, given_name=f"Vol{n}",
                          family_name=f"Unteer{n}", email=f"v{n}@example.com",
                          phone="07700 900000", stage="active", stage_changed_at=now)
                for n, pk in enumerate(volunteer_ids)
            ],
            batch_size=BATCH,
        )  # fmt: skip
        for start in range(0, people, BATCH):
            batch = range(start, min(start + BATCH, people))
            persons = Person.objects.bulk_create(
                [
                    Person(organisation=organisation, given_name=f"Given{n}",
                           family_name=f"Family{n:06}", nhs_number="", postcode="LS8 1AA")
                    for n in batch
                ]
            )  # fmt: skip
            Referral.objects.bulk_create(
                [
                    Referral(organisation=organisation, person=person, source="gp",
                             channel="coordinator_form", reason="Lonely", status="received",
                             received_at=now - dt.timedelta(minutes=n),
                             first_contact_due=today + dt.timedelta(days=n % 14 - 7))
                    for n, person in zip(batch, persons, strict=True)
                ]
            )  # fmt: skip
            relationships = Relationship.objects.bulk_create(
                [
                    Relationship(organisation=organisation, person=person, status="active",
                                 introduced_on=today - dt.timedelta(days=60),
                                 started_on=today - dt.timedelta(days=55),
                                 last_contact_on=today - dt.timedelta(days=n % 40))
                    for n, person in zip(batch, persons, strict=True)
                ]
            )  # fmt: skip
            Supporter.objects.bulk_create(
                [
                    Supporter(relationship=relationship, joined_on=today - dt.timedelta(days=60),
                              volunteer_id=volunteer_ids[n % len(volunteer_ids)])
                    for n, relationship in zip(batch, relationships, strict=True)
                ]
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have by the time anyone downloads
        return time.perf_counter() - started

    def coordinator_for(organisation: Organisation) -> Client:
        user = UserFactory(email=f"bench-{organisation.slug}@example.com")
        MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = str(organisation.pk)
        session.save()
        return client

    def measure(client: Client, url: str) -> dict[str, object]:
        since = timezone.now()
        queries: list[str] = []

        def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            began = time.perf_counter()
            response = client.get(url)
            chunks = iter(response.streaming_content)
            first = next(chunks)
            first_chunk = time.perf_counter() - began
            size = len(first) + sum(len(chunk) for chunk in chunks)
            total = time.perf_counter() - began
        assert response.status_code == 200, (url, response.status_code)
        written = AuditEvent.objects.filter(occurred_at__gte=since)
        audit_bytes = sum(len(json.dumps(entry.detail)) for entry in written)
        # Again, traced, for the memory the download took (the audit and the stream).
        tracemalloc.start()
        response = client.get(url)
        _, audit_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in response.streaming_content:
            pass
        _, stream_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "first_chunk_ms": round(first_chunk * 1000),
            "total_ms": round(total * 1000),
            "bytes": size,
            "queries": len(queries),
            "peak_memory_until_streaming_mib": round(audit_peak / 2**20, 1),
            "peak_memory_while_streaming_mib": round(stream_peak / 2**20, 1),
            "audit_detail_bytes": audit_bytes,
        }

    sizes = {"small": (args.small, max(args.volunteers // 100, 5)),
             "large": (args.people, args.volunteers)}  # fmt: skip
    results: dict[str, object] = {}
    for label, (people, volunteers) in sizes.items():
        organisation = OrganisationFactory(slug=f"bench-{label}", name=f"Bench {label}")
        seed_seconds = seed(organisation, people, volunteers)
        client = coordinator_for(organisation)
        client.get("/home/")  # warm the session
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in client.get("/relationships/export.csv").streaming_content:
                pass
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        results[label] = {
            "people": people,
            "volunteers": volunteers,
            "seed_seconds": round(seed_seconds, 1),
            "caseload": measure(client, "/relationships/export.csv"),
            "caseload_gone_quiet": measure(client, "/relationships/export.csv?quiet=on"),
            "referrals": measure(client, "/referrals/export.csv"),
            "volunteer_list": measure(client, "/volunteers/all/export.csv"),
        }
    print(
        json.dumps(
            {
                "benchmark": "exports_at_scale",
                "machine": machine(),
                "database": connection.vendor,
                "sizes": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
