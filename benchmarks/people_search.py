"""How fast the people list finds someone (ADR-089) by phone number, NHS number, postcode, email
and name, among a lot of people: each search as the list runs it (a count and the first page of
50), with its index, and, as the baseline in the same run, the same search with that index
dropped (inside a transaction that is rolled back, so the database keeps it). Then the people
list page itself for each kind of search, with its query count, and the plan PostgreSQL chose.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kindred_bench \\
        .venv/bin/python benchmarks/people_search.py --people 1000000

Uses DATABASE_URL if set (the database is migrated and written to: use a scratch one; each run
adds its own organisations and people), otherwise a fresh SQLite file in a temporary folder.
Prints JSON. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine

BATCH = 5_000
DISTRICTS = ("LS8", "LS6", "M14", "M20", "B15", "B29", "SK4", "SW2", "SE15", "NE6", "BS5", "S11")

#: Each kind of search, the indexes that serve it (dropped for the baseline), and how a query
#: of that kind is written from a person (not the way their record has it, where that differs).
KINDS: dict[str, tuple[str, ...]] = {
    "phone": ("person_org_phone_idx",),
    "nhs_number": ("person_org_nhs_idx", "person_unique_nhs_number"),
    "postcode": ("person_org_postcode_idx",),
    "email": ("person_org_email_idx",),
    "name": (
        "person_org_given_name_prefix_idx",
        "person_org_family_name_prefix_idx",
        "person_org_preferred_name_prefix_idx",
        "person_org_postcode_prefix_idx",
    ),
}


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--searches", type=int, default=30, help="searches timed of each kind")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kindred-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kindred.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from faker import Faker

    from kindred.accounts.middleware import SESSION_KEY
    from kindred.accounts.models import Role
    from kindred.accounts.tests.factories import (
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )
    from kindred.people import identifiers, selectors
    from kindred.people.identifiers import (
        nhs_number_check_digit,
        phone_key,
        postcodes_in_district,
    )
    from kindred.people.models import Person

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    rng = random.Random(run)
    faker = Faker("en_GB")
    first_names = [faker.first_name() for _ in range(1000)]
    last_names = [faker.last_name() for _ in range(2000)]
    pool = [p for district in DISTRICTS for p in postcodes_in_district(district, 300)]
    organisations = [
        OrganisationFactory(slug=f"bench-search-{run}-{n}", name=f"Search bench {run} {n}")
        for n in range(args.organisations)
    ]

    def nhs_number(i: int) -> str:
        first_nine = f"{100_000_000 + i:09d}"
        check = nhs_number_check_digit(first_nine)
        return "" if check is None else f"{first_nine}{check}"

    def phone(i: int) -> str:
        """Numbers written the ways people write them; every one different."""
        local = f"{i:07d}"
        shape = i % 4
        if shape == 0:
            return f"0161 {local[:3]} {local[3:]}"
        if shape == 1:
            return f"07{i:09d}"
        if shape == 2:
            return f"+44 113 {local[:3]} {local[3:]}"
        return f"(0114) {local[:3]}-{local[3:]}"

    # Seed: every person has a phone number, an NHS number (where nine digits have a check
    # digit), an email address and a real postcode. On PostgreSQL the people table's indexes
    # (all but its primary key) are dropped while loading and built again afterwards from their
    # own definitions, as a bulk load is done: updating four trigram indexes row by row is what
    # makes loading slow, not what is measured here.
    definitions: list[tuple[str, str]] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people_person' "
                "AND indexname <> 'people_person_pkey' ORDER BY indexname"
            )
            definitions = list(cursor.fetchall())
            for name, _definition in definitions:
                cursor.execute(f"DROP INDEX {name}")
    started = time.perf_counter()
    now = timezone.now()

    def person(i: int) -> Person:
        postcode = rng.choice(pool)
        written = phone(i)
        given, family = rng.choice(first_names), rng.choice(last_names)
        return Person(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            organisation=organisations[i % args.organisations],
            given_name=given,
            family_name=family,
            nhs_number=nhs_number(i),
            postcode=postcode.postcode,
            easting=postcode.easting,
            northing=postcode.northing,
            phone=written,
            phone_digits=phone_key(written),
            email=f"{given}.{family}.{i}@example.com".lower(),
            created_at=now,
            updated_at=now,
        )

    columns = [
        f.column
        for f in Person._meta.concrete_fields
        if f.column not in ("date_of_birth", "created_by_id")  # left empty (NULL)
    ]
    attributes = [Person._meta.get_field(c.removesuffix("_id")).attname for c in columns]
    for begin in range(0, args.people, BATCH):
        rows = [person(i) for i in range(begin, min(begin + BATCH, args.people))]
        if connection.vendor == "postgresql":
            # COPY, as a bulk load is done; bulk_create would be the bottleneck measured.
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY people_person ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([getattr(row, name) for name in attributes])
        else:
            with transaction.atomic():
                Person.objects.bulk_create(rows, batch_size=BATCH)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for _name, definition in definitions:
            cursor.execute(definition)
    seed_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person" if connection.vendor == "postgresql" else "ANALYZE")

    organisation = organisations[0]
    sample = list(
        organisation.people.exclude(nhs_number="").order_by("?")[: args.searches]
        if connection.vendor == "sqlite"
        else organisation.people.exclude(nhs_number="").extra(where=["random() < 0.01"])[
            : args.searches
        ]
    )
    assert len(sample) == args.searches, "not enough people for that many searches"

    def written(kind: str, person: Person) -> str:
        """How someone might type what they know about the person into the search box."""
        if kind == "phone":  # international, when the record has it nationally, and back
            digits = person.phone_digits
            return f"+44 {digits[1:4]} {digits[4:7]} {digits[7:]}"
        if kind == "nhs_number":
            return identifiers.format_nhs_number(person.nhs_number)
        if kind == "postcode":
            return person.postcode.replace(" ", "").lower()
        if kind == "email":
            return person.email.upper()
        return f"{person.given_name} {person.family_name}"

    def search(query: str) -> int:
        """What the people list asks: how many, and the first page."""
        people = selectors.people_of(organisation=organisation, search=query)
        found = people.count()
        list(people[:50])
        return found

    def timed(kind: str) -> tuple[list[float], list[int]]:
        queries = [written(kind, person) for person in sample]
        search(queries[0])  # warm
        seconds, found = [], []
        for query in queries:
            began = time.perf_counter()
            found.append(search(query))
            seconds.append(time.perf_counter() - began)
        return seconds, found

    def plan(kind: str) -> str:
        """How the database reads the people table for the search (its scans only)."""
        sql, params = selectors.people_of(
            organisation=organisation, search=written(kind, sample[0])
        ).query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN {sql}", params)
                lines = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                lines = [row[-1] for row in cursor.fetchall()]
        return " | ".join(
            line.strip() for line in lines if "SCAN" in line.upper() or "SEARCH" in line
        )

    def without(indexes: tuple[str, ...], measure: Callable[[], Any]) -> Any:
        """`measure()` with `indexes` dropped, then put back by rolling the transaction back."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                for index in indexes:
                    cursor.execute(f"DROP INDEX IF EXISTS {index}")
            result = measure()
            transaction.set_rollback(True)
        return result

    results: dict[str, Any] = {}
    for kind, indexes in KINDS.items():
        indexed, found = timed(kind)
        indexed_plan = plan(kind)
        baseline, baseline_found = without(indexes, lambda kind=kind: timed(kind))
        baseline_plan = without(indexes, lambda kind=kind: plan(kind))
        assert baseline_found == found, f"{kind}: the index changed what was found"
        results[kind] = {
            "example": written(kind, sample[0]),
            "found_median": statistics.median(found),
            "with_index": {**summary(indexed), "plan": indexed_plan},
            "baseline_index_dropped": {**summary(baseline), "plan": baseline_plan},
            "speed_up": round(statistics.median(baseline) / statistics.median(indexed), 1),
        }
    assert all(results[k]["found_median"] == 1 for k in ("phone", "nhs_number", "email"))

    # The people list page, as a coordinator sees it, for each kind of search.
    user = UserFactory(email=f"bench-search-{run}@example.com")
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = str(organisation.pk)
    session.save()
    pages: dict[str, Any] = {}
    for kind in KINDS:
        timings = []
        for person in sample[:10]:
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get("/people/", {"q": written(kind, person)})
                timings.append(time.perf_counter() - began)
            assert response.status_code == 200
        pages[kind] = {**summary(timings), "queries": len(queries.captured_queries)}

    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database += " " + cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "benchmark": "people_search",
                "machine": machine(),
                "database": database,
                "people": args.people,
                "organisations": args.organisations,
                "people_in_searched_organisation": organisation.people.count(),
                "seed_seconds": round(seed_seconds, 1),
                "seed_load_seconds_before_indexes": round(load_seconds, 1),
                "indexes_rebuilt_after_load": [name for name, _d in definitions],
                "seed_rows_per_second": round(args.people / seed_seconds),
                "searches_of_each_kind": args.searches,
                "search": results,
                "people_list_page": pages,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
