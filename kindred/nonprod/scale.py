"""Large generated data for benchmarks: `kindred seed scale --people N --volunteers M --organisations K`.

Bulk inserts in batches, with a progress bar. Names come from Faker en_GB word lists (drawn
directly for speed) and postcodes from real ONS postcodes across England.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from kindred.accounts import services as accounts
from kindred.accounts.models import Membership, Role, User
from kindred.core.services import Acting, audit_record
from kindred.people.identifiers import Postcode, postcodes_in_district
from kindred.people.models import Person

BATCH = 5_000
DISTRICTS = (
    "LS8",
    "LS6",
    "M14",
    "M20",
    "B15",
    "B29",
    "SK4",
    "SW2",
    "SE15",
    "NE6",
    "BS5",
    "L15",
    "S11",
    "NG7",
)


def _postcode_pool() -> list[Postcode]:
    return [p for district in DISTRICTS for p in postcodes_in_district(district, 300)]


def _batches(total: int) -> Iterator[range]:
    for start in range(0, total, BATCH):
        yield range(start, min(start + BATCH, total))


def seed_scale(
    *, people: int, volunteers: int, organisations: int, progress: bool = True
) -> dict[str, int]:
    if people < 0 or volunteers < 0 or organisations < 1:
        raise ValueError("people and volunteers must be 0 or more, and organisations 1 or more")
    by = Acting.system("kindred seed scale")
    run = uuid.uuid4().hex[:8]
    faker = Faker("en_GB")
    rng = random.Random(run)
    first_names = [faker.first_name() for _ in range(1000)]
    last_names = [faker.last_name() for _ in range(2000)]
    pool = _postcode_pool()
    with transaction.atomic():
        network = accounts.network_ensure(
            by=by, slug=f"scale-{run}", name=f"Scale test network {run}"
        )
        orgs = [
            accounts.organisation_ensure(
                by=by,
                slug=f"scale-{run}-{n + 1}",
                name=f"Scale organisation {run} {n + 1}",
                network=network,
            )
            for n in range(organisations)
        ]
    today = timezone.now().date()
    now = timezone.now()
    bar = tqdm(total=people + volunteers, unit="rows", disable=not progress, desc="seed scale")
    for batch in _batches(people):
        rows = []
        for i in batch:
            postcode = rng.choice(pool)
            rows.append(
                Person(
                    organisation=orgs[i % organisations],
                    given_name=rng.choice(first_names),
                    family_name=rng.choice(last_names),
                    date_of_birth=today - dt.timedelta(days=rng.randint(18 * 365, 95 * 365)),
                    postcode=postcode.postcode,
                    easting=postcode.easting,
                    northing=postcode.northing,
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            Person.objects.bulk_create(rows, batch_size=BATCH)
        bar.update(len(rows))
    password = make_password(None)  # unusable: generated volunteers cannot sign in
    for batch in _batches(volunteers):
        users = [
            User(
                email=f"volunteer{i + 1}.{run}@scale.kindred.example",
                full_name=f"{rng.choice(first_names)} {rng.choice(last_names)}",
                password=password,
            )
            for i in batch
        ]
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=BATCH)
            Membership.objects.bulk_create(
                [
                    Membership(user=u, organisation=orgs[i % organisations], role=Role.VOLUNTEER)
                    for i, u in zip(batch, users, strict=True)
                ],
                batch_size=BATCH,
            )
        bar.update(len(users))
    bar.close()
    audit_record(
        by=by,
        action="seed.scale",
        target=network,
        detail={"people": people, "volunteers": volunteers, "organisations": organisations},
    )
    return {"people": people, "volunteers": volunteers, "organisations": len(orgs)}
