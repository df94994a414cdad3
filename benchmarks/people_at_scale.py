"""How Kindred's foundation behaves with a lot of data: bulk seeding speed, then the pages a
coordinator uses most (home, people list, search, a person's record), timed over repeated requests
with their query counts.

    .venv/bin/python benchmarks/people_at_scale.py --people 200000 --volunteers 20000 --organisations 20

Uses DATABASE_URL if set (PostgreSQL for real figures), otherwise a fresh SQLite file in a
temporary folder. Prints JSON. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.machine import machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="kindred-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kindred.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kindred.accounts.middleware import SESSION_KEY
    from kindred.accounts.models import Organisation, Role
    from kindred.accounts.tests.factories import MembershipFactory, UserFactory
    from kindred.nonprod.scale import Size, seed_scale

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    # Organisations of equal size, with people and volunteers only (benchmarks/pages.py loads
    # the whole workload: referrals, relationships and the rest).
    seed_scale(
        size=Size(
            people=args.people // args.organisations,
            referrals=0,
            befrienders=args.volunteers // args.organisations,
            relationships=0,
            contacts=0,
        ),
        organisations=args.organisations,
        smaller_share=1.0,
        progress=False,
        log=lambda line: None,
    )
    seed_seconds = time.perf_counter() - started

    organisation = Organisation.objects.filter(slug__startswith="scale-").order_by("slug").first()
    assert organisation is not None
    user = UserFactory(email="bench-coordinator@example.com")
    MembershipFactory(user=user, organisation=organisation, role=Role.COORDINATOR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = str(organisation.pk)
    session.save()
    person = organisation.people.order_by("family_name").first()
    assert person is not None

    pages = {
        "home": "/home/",
        "people_list": "/people/",
        "people_list_page_100": "/people/?page=100",
        "people_search": f"/people/?q={person.family_name}",
        "person_record": f"/people/{person.pk}/",
    }
    results = {}
    for name, url in pages.items():
        timings = []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        results[name] = {
            "median_ms": round(statistics.median(timings) * 1000, 1),
            "p95_ms": round(sorted(timings)[int(0.95 * (len(timings) - 1))] * 1000, 1),
            "queries": len(queries.captured_queries),
        }
    print(
        json.dumps(
            {
                "benchmark": "people_at_scale",
                "machine": machine(),
                "database": connection.vendor,
                "people": args.people,
                "volunteers": args.volunteers,
                "organisations": args.organisations,
                "people_per_organisation": args.people // args.organisations,
                "seed_seconds": round(seed_seconds, 1),
                "seed_rows_per_second": round((args.people + args.volunteers) / seed_seconds),
                "pages": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
