"""Large generated data for benchmarks: `kindred seed scale`.

One city-size organisation (by default 50,000 people, 50,000 referrals in every state, 3,000
active befrienders with references, DBS checks, training, roles, availability and matching
profiles, and 15,000 relationships with their contacts) and smaller ones beside it in one network,
each a fraction of the city's size. Everything is drawn from one seeded random source, so the same
options make the same data (names, states and dates relative to today; ids too).

Rows are bulk inserted in batches (`bulk_create`), with a progress bar on stderr. The histories
(referral events, volunteer stage changes, relationship status changes) are append-only tables:
their rows are inserted once, complete, and never updated. Encrypted fields (DBS certificate
numbers) go through the model field, so they are encrypted as the app's own writes are. The
organisations, the staff sign-ins and their roles go through the accounts services (audited);
the bulk rows are recorded as one audit entry per organisation naming the counts.

Sign-ins made for the benchmark (password: the demo password), for each organisation `<slug>`:
`coordinator.<slug>@scale.kindred.example`, `supporter.<slug>@scale.kindred.example` (a
befriender with relationships), and `commissioner.<network>@scale.kindred.example` across the
network.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from kindred.accounts import services as accounts
from kindred.accounts.models import Membership, Network, Organisation, Role, User
from kindred.accounts.reach import operator
from kindred.core.services import Acting, audit_record
from kindred.matching.experiences import CURATED
from kindred.matching.models import FREE_TIMES, SupporterProfile, WaitingProfile
from kindred.nonprod.audit_actions import SCALE_DATA_SEEDED
from kindred.nonprod.constants import DEMO_PASSWORD
from kindred.nonprod.scale_apps import reports_keep, seed_later_apps
from kindred.nonprod.scale_apps import rows_expected as later_rows_expected
from kindred.people.identifiers import Postcode, phone_key, postcodes_in_district
from kindred.people.models import Person
from kindred.referrals import models as referrals
from kindred.referrals.workdays import add_working_days
from kindred.relationships import models as relationships
from kindred.volunteers import models as volunteers
from kindred.volunteers.services.roles import standard_roles_ensure

BATCH = 2_000
EMAIL_DOMAIN = "scale.kindred.example"
LABEL = "kindred seed scale"
#: Postcode districts of the city organisation (Leeds) and of the smaller ones, in turn.
CITY_DISTRICTS = ("LS1", "LS2", "LS4", "LS5", "LS6", "LS7", "LS8", "LS9", "LS10", "LS11",
                  "LS12", "LS13", "LS14", "LS15", "LS16", "LS17")  # fmt: skip
SMALLER_DISTRICTS = (("M14", "M20", "M21"), ("SK4", "SK1", "SK2"), ("SW2", "SE15", "SE5"),
                     ("B15", "B29"), ("NE6", "NE4"), ("BS5", "BS3"), ("L15", "L8"),
                     ("S11", "S7"), ("NG7", "NG5"))  # fmt: skip
INTERESTS = ("gardening", "football", "knitting", "cooking", "walking", "music", "reading",
             "chess", "crafts", "history", "films", "birdwatching")  # fmt: skip
LANGUAGES = ("English", "English", "English", "English", "Urdu", "Polish", "Punjabi", "Welsh")
EXPERIENCES = [c.key for c in CURATED]
REASONS = (
    "Lives alone since their partner died and has stopped going out.",
    "Recently discharged from hospital after a fall; would like someone to visit.",
    "Newly diagnosed with COPD and anxious about managing at home.",
    "Moved to the area to be near family and knows nobody locally.",
    "Low mood after a stroke; keen to meet others who have been through it.",
    "Carer for their husband and wants someone to talk to.",
    "Struggling with loneliness over the winter months.",
)
CONDITIONS = ("", "", "COPD", "stroke", "diabetes", "heart failure", "depression", "dementia")


@dataclass(frozen=True)
class Size:
    """What one organisation holds."""

    people: int
    referrals: int
    befrienders: int
    relationships: int
    contacts: int  # per relationship, on average

    def scaled(self, share: float) -> Size:
        return Size(
            people=max(1, round(self.people * share)),
            referrals=round(self.referrals * share),
            befrienders=round(self.befrienders * share),
            relationships=round(self.relationships * share),
            contacts=self.contacts,
        )


#: The city-size organisation of issue 14.
CITY = Size(people=50_000, referrals=50_000, befrienders=3_000, relationships=15_000, contacts=4)


class ScaleError(ValueError):
    """Options that cannot make consistent data, or a seed already used."""


def check(size: Size) -> None:
    if min(size.people, size.referrals, size.befrienders, size.relationships, size.contacts) < 0:
        raise ScaleError("Every count must be 0 or more.")
    if size.people < 1:
        raise ScaleError("An organisation needs at least one person.")
    if size.relationships > size.referrals:
        raise ScaleError(
            f"{size.relationships:,} relationships need as many referrals (each comes from one); "
            f"only {size.referrals:,} asked for."
        )
    if size.relationships and not size.befrienders:
        raise ScaleError("Relationships need befrienders to support them.")


def sign_in_email(role: str, slug: str) -> str:
    return f"{role}.{slug}@{EMAIL_DOMAIN}"


class _Rows:
    """Bulk inserts in batches, each in its own transaction, counted on the progress bar."""

    def __init__(self, bar: tqdm[Any]) -> None:
        self.bar = bar
        self.counts: dict[str, int] = {}

    def insert(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        copy = connection.vendor == "postgresql"
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            with transaction.atomic():
                if copy:
                    _copy(model, chunk)
                else:
                    model.objects.bulk_create(chunk, batch_size=BATCH)  # type: ignore[attr-defined]
            self.bar.update(len(chunk))
        label = model._meta.label
        self.counts[label] = self.counts.get(label, 0) + len(rows)


def _copy(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """PostgreSQL's COPY, a few times faster than INSERT for many rows. Each value is prepared by
    its model field exactly as `bulk_create` would (defaults and creation times set, related
    objects' ids taken, encrypted fields encrypted), so the rows are the same either way. Every
    row is new (a COPY only adds: the append-only tables' triggers allow it)."""
    # Serial ids (an AutoField) are left to the database, as an INSERT leaves them.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                # Django's own step of bulk_create: ids of related objects saved since assigned.
                row._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in fields]
                )
                row._state.adding = False


class _Draw:
    """Every random choice, from one seeded source: ids, names, dates."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        faker = Faker("en_GB")
        faker.seed_instance(seed)
        self.first_names = [faker.first_name() for _ in range(800)]
        self.last_names = [faker.last_name() for _ in range(1500)]

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def name(self) -> tuple[str, str]:
        return self.rng.choice(self.first_names), self.rng.choice(self.last_names)

    def days_ago(self, low: int, high: int, today: dt.date) -> dt.date:
        return today - dt.timedelta(days=self.rng.randint(low, high))

    def moment(self, day: dt.date) -> dt.datetime:
        hour, minute = self.rng.randint(8, 18), self.rng.randint(0, 59)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def _postcodes(districts: Sequence[str]) -> list[Postcode]:
    pool = [p for district in districts for p in postcodes_in_district(district, 400)]
    if not pool:
        raise ScaleError(f"No postcodes found in {', '.join(districts)}.")
    return pool


@dataclass
class _Org:
    organisation: Organisation
    size: Size
    postcodes: list[Postcode]


def seed_scale(
    *,
    size: Size = CITY,
    organisations: int = 3,
    smaller_share: float = 0.1,
    seed: int = 1,
    password: str = DEMO_PASSWORD,
    progress: bool = True,
    log: Callable[[str], object] = print,
) -> dict[str, int]:
    """Seed one organisation of `size` and `organisations - 1` smaller ones (each
    `smaller_share` of it) in the network `scale-<seed>`. Returns the rows made, by model."""
    if organisations < 1:
        raise ScaleError("organisations must be 1 or more (the first is the city-size one).")
    if not 0 < smaller_share <= 1:
        raise ScaleError("smaller-share must be more than 0 and at most 1.")
    check(size)
    slug = f"scale-{seed}"
    if Network.objects.filter(slug=slug).exists():
        raise ScaleError(
            f"Scale data with seed {seed} is already here (network {slug}): use another --seed."
        )
    draw = _Draw(seed)
    by = operator(LABEL)
    password_hash = make_password(password)  # hashed once: hashing is slow on purpose
    with transaction.atomic():
        network = accounts.network_ensure(by=by, slug=slug, name=f"Scale test network {seed}")
        orgs: list[_Org] = []
        for n in range(organisations):
            org_size = size if n == 0 else size.scaled(smaller_share)
            check(org_size)
            districts = CITY_DISTRICTS if n == 0 else SMALLER_DISTRICTS[(n - 1) % 9]
            name = "City" if n == 0 else f"Neighbourhood {n}"
            organisation = accounts.organisation_ensure(
                by=by,
                slug=f"{slug}-{'city' if n == 0 else n}",
                name=f"{name} peer support (scale {seed})",
                network=network,
            )
            orgs.append(_Org(organisation, org_size, _postcodes(districts)))
        commissioner = accounts.user_ensure(
            by=by,
            email=sign_in_email("commissioner", slug),
            full_name="Scale Commissioner",
            password=None,
            password_hash=password_hash,
        )
        accounts.membership_grant(by=by, user=commissioner, network=network, role=Role.COMMISSIONER)
    total = sum(_rows_expected(o.size) for o in orgs)
    bar = tqdm(total=total, unit="rows", disable=not progress, desc="seed scale", mininterval=1)
    rows = _Rows(bar)
    for org in orgs:
        _seed_organisation(org, draw=draw, by=by, password_hash=password_hash, rows=rows)
    bar.close()
    if connection.vendor == "postgresql":
        # The planner's statistics and the visibility map, as autovacuum keeps them in a database
        # in use: without statistics the planner guesses a few rows per organisation and picks
        # the wrong plans, and without the map no count can read an index alone (ADR-126).
        # VACUUM cannot run in a transaction (the test suite's): there, statistics only.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    # The outcomes reports the benchmark's sign-ins open, kept as the worker keeps them.
    for scope, seconds in reports_keep(orgs[0].organisation, today=timezone.localdate()).items():
        log(f"Outcomes report of {scope}: built in {seconds:.1f} s")
    log(
        f"Network {slug}: {len(orgs)} organisations; sign in as "
        f"{sign_in_email('coordinator', orgs[0].organisation.slug)} (password as the demo's)."
    )
    return {"organisations": len(orgs), **rows.counts}


def _rows_expected(size: Size) -> int:
    """Roughly how many rows an organisation gets (for the progress bar's total)."""
    return (
        size.people
        + size.referrals * 3
        + size.befrienders * 27
        + size.relationships * (5 + size.contacts)
        + later_rows_expected(size.people, size.referrals, size.befrienders)
    )


def _seed_organisation(
    org: _Org, *, draw: _Draw, by: Acting, password_hash: str, rows: _Rows
) -> None:
    organisation, size = org.organisation, org.size
    acting = Acting.system(LABEL, organisation=organisation)
    with transaction.atomic():
        roles = {role.kind: role for role in standard_roles_ensure(by=acting)}
        coordinator = accounts.user_ensure(
            by=by,
            email=sign_in_email("coordinator", organisation.slug),
            full_name=f"{' '.join(draw.name())}",
            password=None,
            password_hash=password_hash,
        )
        accounts.membership_grant(
            by=by, user=coordinator, organisation=organisation, role=Role.COORDINATOR
        )
    today = timezone.localdate()
    people = _people(org, draw, today, rows)
    befrienders = _volunteers(
        org, draw, today, rows, roles["befriender"], password_hash=password_hash, by=by
    )
    made = _referrals_and_relationships(
        org, draw, today, rows, people, befrienders, coordinator=coordinator
    )
    counted = {
        "people": size.people,
        "referrals": size.referrals,
        "befrienders": size.befrienders,
        "relationships": size.relationships,
    }
    # The apps that came later (ADR-129): groups, safeguarding, crisis, outcomes, messages.
    counted |= seed_later_apps(
        org, draw=draw, rows=rows, today=today, by=by, password_hash=password_hash,
        coordinator=coordinator, people=people, befrienders=befrienders, made=made,
    )  # fmt: skip
    audit_record(by=acting, action=SCALE_DATA_SEEDED, target=organisation, detail=counted)


def _people(org: _Org, draw: _Draw, today: dt.date, rows: _Rows) -> list[Person]:
    rng = draw.rng
    people = []
    for i in range(org.size.people):
        postcode = rng.choice(org.postcodes)
        given, family = draw.name()
        people.append(
            Person(
                id=draw.id(),
                organisation=org.organisation,
                given_name=given,
                family_name=family,
                date_of_birth=draw.days_ago(18 * 365, 95 * 365, today),
                postcode=postcode.postcode,
                easting=postcode.easting,
                northing=postcode.northing,
                phone=f"07700 9{i % 100_000:05d}" if rng.random() < 0.7 else "",
                email=f"{given.lower()}.{i}@example.com" if rng.random() < 0.4 else "",
                gp_practice_ods=f"B{rng.randint(82000, 82999)}",
            )
        )
        people[-1].phone_digits = phone_key(people[-1].phone)
    rows.insert(Person, people)
    return people


STAGE_PATH = [
    volunteers.Stage.ENQUIRY,
    volunteers.Stage.APPLICATION,
    volunteers.Stage.CONVERSATION,
    volunteers.Stage.REFERENCES,
    volunteers.Stage.DBS_CHECK,
    volunteers.Stage.INDUCTION,
    volunteers.Stage.ACTIVE,
]


def _volunteers(
    org: _Org,
    draw: _Draw,
    today: dt.date,
    rows: _Rows,
    befriender: volunteers.VolunteeringRole,
    *,
    password_hash: str,
    by: Acting,
) -> list[volunteers.Volunteer]:
    """The active befrienders, with all their paperwork, and a tenth as many still in
    recruitment (with the paperwork of the stages they have passed)."""
    rng, organisation = draw.rng, org.organisation
    slug = organisation.slug
    recruits = org.size.befrienders // 10
    courses = list(befriender.courses.all())
    users, vols, history = [], [], []
    refs, checks, training, assignments, windows, profiles = [], [], [], [], [], []
    active: list[volunteers.Volunteer] = []
    for i in range(org.size.befrienders + recruits):
        given, family = draw.name()
        postcode = rng.choice(org.postcodes)
        is_active = i < org.size.befrienders
        stage_index = len(STAGE_PATH) - 1 if is_active else rng.randrange(len(STAGE_PATH) - 1)
        started = draw.days_ago(60, 6 * 365, today) if is_active else draw.days_ago(3, 90, today)
        user = None
        if is_active:
            email = (
                sign_in_email("supporter", slug)
                if i == 0
                else f"volunteer{i}.{slug}@{EMAIL_DOMAIN}"
            )
            user = User(
                id=draw.id(),
                email=email,
                full_name=f"{given} {family}",
                password=password_hash if i == 0 else make_password(None),
            )
            users.append(user)
        volunteer = volunteers.Volunteer(
            id=draw.id(),
            organisation=organisation,
            user=user,
            given_name=given,
            family_name=family,
            email=f"{given.lower()}.{family.lower()}{i}@example.com",
            phone=f"07700 8{i % 100_000:05d}",
            postcode=postcode.postcode,
            stage=STAGE_PATH[stage_index],
            stage_changed_at=draw.moment(started + dt.timedelta(days=7 * stage_index)),
        )
        vols.append(volunteer)
        for step in range(stage_index + 1):
            history.append(
                volunteers.StageChange(
                    volunteer=volunteer,
                    from_state="" if step == 0 else STAGE_PATH[step - 1],
                    to_state=STAGE_PATH[step],
                    occurred_at=draw.moment(started + dt.timedelta(days=7 * step)),
                    by_label=LABEL,
                )
            )
        if stage_index > STAGE_PATH.index(volunteers.Stage.REFERENCES):
            for n in range(2):
                asked = started + dt.timedelta(days=14 + n)
                refs.append(
                    volunteers.Reference(
                        organisation=organisation, volunteer=volunteer,
                        referee_name=" ".join(draw.name()), relationship="Former employer",
                        contact=f"referee{n}.{i}@example.com", requested_on=asked,
                        received_on=asked + dt.timedelta(days=rng.randint(2, 10)),
                        outcome=volunteers.ReferenceOutcome.SATISFACTORY,
                        outcome_recorded_at=draw.moment(asked + dt.timedelta(days=10)),
                    )
                )  # fmt: skip
        if not is_active:
            continue
        active.append(volunteer)
        # DBS checks renew every three years: issued up to four years ago, so some are due.
        issued = draw.days_ago(20, 4 * 365, today)
        number = f"{rng.randrange(10**12):012d}"
        checks.append(
            volunteers.DbsCheck(
                organisation=organisation, volunteer=volunteer, level=befriender.dbs_level,
                certificate_number=number, certificate_last_digits=number[-4:],
                issued_on=issued, update_service=rng.random() < 0.5,
            )
        )  # fmt: skip
        for course in courses:
            completed = draw.days_ago(10, 3 * 365, today)
            months = course.valid_for_months
            expires = completed + dt.timedelta(days=30 * months) if months else None
            training.append(
                volunteers.TrainingRecord(
                    organisation=organisation, volunteer=volunteer, course=course,
                    completed_on=completed, expires_on=expires,
                )
            )  # fmt: skip
        assignments.append(volunteers.RoleAssignment(volunteer=volunteer, role=befriender))
        for weekday in rng.sample(range(7), 2):
            start = rng.choice((9, 10, 13, 14, 17))
            windows.append(
                volunteers.AvailabilityWindow(
                    volunteer=volunteer, weekday=weekday,
                    starts_at=dt.time(start), ends_at=dt.time(start + 3),
                )
            )  # fmt: skip
        profiles.append(
            SupporterProfile(
                organisation=organisation, volunteer=volunteer,
                experiences=rng.sample(EXPERIENCES[:8], 2), interests=rng.sample(INTERESTS, 3),
                languages=sorted({"English", rng.choice(LANGUAGES)}),
                modes=rng.choice([["visit", "meet_out", "phone"], ["phone", "video"],
                                  ["visit", "meet_out", "phone", "video"]]),
                max_travel_km=rng.choice((3, 5, 8, 10)), capacity=rng.choice((2, 3, 4)),
                gender=rng.choice(("woman", "man", "woman", "")),
                easting=postcode.easting, northing=postcode.northing,
            )
        )  # fmt: skip
    rows.insert(User, users)
    memberships = [
        Membership(user=u, organisation=organisation, role=Role.VOLUNTEER) for u in users
    ]
    rows.insert(Membership, memberships)
    rows.insert(volunteers.Volunteer, vols)
    rows.insert(volunteers.StageChange, history)
    rows.insert(volunteers.Reference, refs)
    rows.insert(volunteers.DbsCheck, checks)
    rows.insert(volunteers.TrainingRecord, training)
    rows.insert(volunteers.RoleAssignment, assignments)
    rows.insert(volunteers.AvailabilityWindow, windows)
    rows.insert(SupporterProfile, profiles)
    return active


# The states of referrals that led to no relationship, as shares of them.
OTHER_STATES = (
    (referrals.Status.RECEIVED, 0.10),
    (referrals.Status.ACCEPTED, 0.06),
    (referrals.Status.WAITING, 0.03),
    (referrals.Status.DECLINED, 0.20),
    (referrals.Status.JOINED, 0.03),
)
# How each state was reached: the steps of its history after "received".
PATHS: dict[str, tuple[str, ...]] = {
    referrals.Status.RECEIVED: (),
    referrals.Status.ACCEPTED: (referrals.Status.ACCEPTED,),
    referrals.Status.WAITING: (referrals.Status.ACCEPTED, referrals.Status.WAITING),
    referrals.Status.DECLINED: (referrals.Status.DECLINED,),
    referrals.Status.JOINED: (referrals.Status.JOINED,),
    referrals.Status.STARTED: (
        referrals.Status.ACCEPTED, referrals.Status.WAITING, referrals.Status.STARTED,
    ),
    referrals.Status.CLOSED: (
        referrals.Status.ACCEPTED, referrals.Status.WAITING, referrals.Status.STARTED,
        referrals.Status.CLOSED,
    ),
}  # fmt: skip


def _states(size: Size, rng: random.Random) -> list[str]:
    """One state per referral: one started for each open relationship, one closed for each
    ended one, the rest shared among every state (most closed)."""
    open_relationships = round(size.relationships * 0.4)
    states = [referrals.Status.STARTED.value] * open_relationships
    states += [referrals.Status.CLOSED.value] * (size.relationships - open_relationships)
    rest = size.referrals - size.relationships
    for state, share in OTHER_STATES:
        states += [state.value] * round(rest * share)
    states += [referrals.Status.CLOSED.value] * (size.referrals - len(states))
    return states[: size.referrals]


def _referrals_and_relationships(
    org: _Org,
    draw: _Draw,
    today: dt.date,
    rows: _Rows,
    people: list[Person],
    befrienders: list[volunteers.Volunteer],
    *,
    coordinator: User,
) -> list[referrals.Referral]:
    rng, organisation, size = draw.rng, org.organisation, org.size
    states = _states(size, rng)
    made: list[referrals.Referral] = []
    events: list[referrals.ReferralEvent] = []
    open_ones: list[referrals.Referral] = []
    waiting_profiles: list[WaitingProfile] = []
    people_order = list(range(len(people)))
    rng.shuffle(people_order)
    joined: list[referrals.Referral] = []
    for n, state in enumerate(states):
        person = people[people_order[n % len(people)]]
        # Open referrals arrived recently; the rest at any time in the last three years.
        if state in (referrals.Status.RECEIVED, referrals.Status.ACCEPTED):
            received_on = draw.days_ago(0, 40, today)
        elif state == referrals.Status.WAITING:
            received_on = draw.days_ago(5, 200, today)
        else:
            received_on = draw.days_ago(30, 3 * 365, today)
        received = draw.moment(received_on)
        urgent = rng.random() < 0.05
        priority = referrals.Priority.URGENT if urgent else referrals.Priority.ROUTINE
        source = rng.choice(referrals.Source.values)
        referral = referrals.Referral(
            id=draw.id(),
            organisation=organisation,
            person=person,
            source=source,
            channel=rng.choice(referrals.Channel.values),
            referrer_name=" ".join(draw.name()) if source != referrals.Source.SELF else "",
            referrer_organisation="Meanwood Health Centre" if source == "gp" else "",
            reason=rng.choice(REASONS),
            wants=rng.choice(referrals.Wants.values),
            priority=priority,
            urgency=referrals.Urgency.URGENT if urgent else referrals.Urgency.ROUTINE,
            conditions=rng.choice(CONDITIONS),
            status=state,
            received_at=received,
            first_contact_due=add_working_days(received_on, 1 if urgent else 5),
            person_as_sent={
                "given_name": person.given_name,
                "family_name": person.family_name,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "postcode": person.postcode,
            },
            consent_contact=True,
            consent_share_with_referrer=rng.random() < 0.8,
            consent_evaluation=rng.random() < 0.7,
        )
        steps = PATHS[state]
        if steps:
            referral.first_contact_at = draw.moment(received_on + dt.timedelta(rng.randint(0, 6)))
        if state == referrals.Status.DECLINED:
            referral.decline_category = rng.choice(referrals.DeclineCategory.values)
            referral.decline_reason = "Talked it through with them."
        if state == referrals.Status.CLOSED:
            referral.outcome = rng.choice(referrals.Outcome.values)
        if state == referrals.Status.JOINED:
            joined.append(referral)
        elif state in referrals.OPEN_STATUSES:
            open_ones.append(referral)
        made.append(referral)
        previous = ""
        for step_number, step in enumerate((referrals.Status.RECEIVED.value, *steps)):
            events.append(
                referrals.ReferralEvent(
                    referral=referral, from_state=previous, to_state=step,
                    occurred_at=received + dt.timedelta(days=step_number * 3),
                    by_user=None if step_number == 0 else coordinator,
                    by_label=LABEL if step_number == 0 else coordinator.full_name,
                )
            )  # fmt: skip
            previous = step
        if state == referrals.Status.WAITING:
            waiting_profiles.append(
                WaitingProfile(
                    organisation=organisation, referral=referral,
                    experiences=rng.sample(EXPERIENCES[:8], 1), interests=rng.sample(INTERESTS, 2),
                    languages=["English"],
                    modes=rng.choice([["visit", "phone"], ["phone", "video"], ["meet_out"]]),
                    free_times=rng.sample([key for key, _ in FREE_TIMES], 4),
                    supporters_needed=2 if rng.random() < 0.05 else 1,
                )
            )  # fmt: skip
    # A repeat referral is joined to an open one, about the same person.
    for referral in joined:
        if open_ones:
            target = rng.choice(open_ones)
            referral.joined_to = target
            referral.person = target.person
        else:
            referral.status = referrals.Status.DECLINED
            referral.decline_category = referrals.DeclineCategory.ELSEWHERE
    rows.insert(referrals.Referral, made)
    rows.insert(referrals.ReferralEvent, events)
    rows.insert(WaitingProfile, waiting_profiles)
    _relationships(org, draw, today, rows, made, befrienders)
    return made


def _relationships(
    org: _Org,
    draw: _Draw,
    today: dt.date,
    rows: _Rows,
    made: list[referrals.Referral],
    befrienders: list[volunteers.Volunteer],
) -> None:
    rng, organisation = draw.rng, org.organisation
    started = [r for r in made if r.status == referrals.Status.STARTED]
    closed = [r for r in made if r.status == referrals.Status.CLOSED]
    ended_count = org.size.relationships - len(started)
    S = relationships.Status
    made_relationships, supporters, history, contacts = [], [], [], []
    # The supporter sign-in (the first befriender) supports a few of the open relationships.
    for n, referral in enumerate(started + closed[:ended_count]):
        is_open = referral.status == referrals.Status.STARTED
        introduced = referral.received_at.date() + dt.timedelta(days=rng.randint(7, 40))
        introduced = min(introduced, today)
        status = (
            rng.choices((S.ACTIVE, S.PAUSED, S.INTRODUCED), (85, 5, 10))[0] if is_open else S.ENDED
        )
        started_on = None if status == S.INTRODUCED else introduced + dt.timedelta(days=7)
        if started_on is not None:
            started_on = min(started_on, today)
        ended_on = None
        if status == S.ENDED:
            assert started_on is not None
            ended_on = min(started_on + dt.timedelta(days=rng.randint(30, 400)), today)
        relationship = relationships.Relationship(
            id=draw.id(), organisation=organisation, person=referral.person, referral=referral,
            status=status, rhythm_days=rng.choice((7, 14, 14, 28)),
            usual_mode=rng.choice(relationships.Mode.values), introduced_on=introduced,
            started_on=started_on,
            next_review_on=(started_on + dt.timedelta(days=91)) if started_on and is_open else None,
            ended_on=ended_on,
            end_reason=rng.choice(relationships.EndReason.values) if ended_on else "",
            outcome=rng.choice(relationships.Outcome.values) if ended_on else "",
            next_step=rng.choice(relationships.NextStep.values) if ended_on else "",
        )  # fmt: skip
        made_relationships.append(relationship)
        team = [befrienders[0]] if n < 5 else [rng.choice(befrienders)]
        if rng.random() < 0.1 and len(befrienders) > 1:
            team.append(rng.choice([b for b in rng.sample(befrienders, 2) if b is not team[0]]))
        for volunteer in team:
            supporters.append(
                relationships.Supporter(
                    relationship=relationship, volunteer=volunteer, joined_on=introduced,
                    left_on=ended_on,
                )
            )  # fmt: skip
        path = [S.INTRODUCED]
        if started_on is not None:
            path.append(S.ACTIVE)
        if status in (S.PAUSED, S.ENDED):
            path.append(status)
        previous = ""
        for step, to_state in enumerate(path):
            day = {0: introduced, 1: started_on}.get(step) or ended_on or today
            history.append(
                relationships.StatusChange(
                    relationship=relationship, from_state=previous, to_state=to_state,
                    occurred_at=draw.moment(day), by_label=LABEL,
                )
            )  # fmt: skip
            previous = to_state
        if started_on is None:
            continue
        last = ended_on or today
        span = max((last - started_on).days, 1)
        latest = None
        for _ in range(rng.randint(0, 2 * org.size.contacts)):
            happened = started_on + dt.timedelta(days=rng.randrange(span))
            outcome = rng.choices(relationships.ContactOutcome.values, (85, 10, 5))[0]
            if outcome == relationships.ContactOutcome.HAPPENED:
                latest = max(latest or happened, happened)
            contacts.append(
                relationships.Contact(
                    organisation=organisation, relationship=relationship, volunteer=team[0],
                    logged_by_id=team[0].user_id, happened_on=happened,
                    mode=rng.choice(relationships.ContactMode.values), outcome=outcome,
                    duration_minutes=rng.choice((20, 30, 45, 60, 90)),
                    feeling=rng.choices(relationships.Feeling.values, (90, 8, 2))[0],
                )
            )  # fmt: skip
        relationship.last_contact_on = latest
    rows.insert(relationships.Relationship, made_relationships)
    rows.insert(relationships.Supporter, supporters)
    rows.insert(relationships.StatusChange, history)
    rows.insert(relationships.Contact, contacts)
