"""A believable demo network modelled on the report "People Helping People".

Three organisations in one network: a wellbeing centre with a knitting group (Crafty Needles,
Stockport), an out-of-hours peer crisis line (Solidarity in a Crisis, Lambeth) and a neighbourhood
network with befriending (MAEcare, Leeds). About 300 people and 40 volunteers with Faker en_GB
names and real postcodes from the ONS data. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from kindred.accounts import services as accounts
from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.reach import operator
from kindred.core.services import Acting
from kindred.nonprod.constants import DEMO_PASSWORD, demo_email
from kindred.nonprod.demo_crisis_requests import seed_crisis_requests
from kindred.nonprod.demo_groups import seed_groups
from kindred.nonprod.demo_matching import seed_matching
from kindred.nonprod.demo_network import seed_network
from kindred.nonprod.demo_outcomes import seed_outcomes
from kindred.nonprod.demo_referrals import seed_referrals
from kindred.nonprod.demo_relationships import seed_relationships
from kindred.nonprod.demo_rota import seed_rota
from kindred.nonprod.demo_safeguarding import seed_safeguarding, seed_safeguarding_arrangements
from kindred.nonprod.demo_volunteers import seed_volunteers
from kindred.nonprod.demo_wellbeing import seed_wellbeing
from kindred.people import services as people_services
from kindred.people.identifiers import Postcode, postcodes_in_district
from kindred.people.models import Person

NAMESPACE = uuid.UUID("6f0d3c55-5b1e-4d7e-9a31-2b8f9d6c1a00")


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    postcode_areas: tuple[str, ...]
    people: int
    volunteers: int
    facilitators: int


NETWORK = ("people-helping-people", "People Helping People demo network")
ORGANISATIONS = [
    DemoOrganisation(
        "stockport-wellbeing", "Stockport Wellbeing Centre", Organisation.Kind.NHS,
        ("SK1", "SK2", "SK3", "SK4", "SK5"), people=100, volunteers=8, facilitators=2,
    ),
    DemoOrganisation(
        "lambeth-crisis-line", "Solidarity in a Crisis, Lambeth", Organisation.Kind.CHARITY,
        ("SW2", "SW9", "SE11", "SE27"), people=100, volunteers=18, facilitators=0,
    ),
    DemoOrganisation(
        "leeds-maecare", "MAEcare Neighbourhood Network, Leeds", Organisation.Kind.NEIGHBOURHOOD,
        ("LS8", "LS7", "LS17", "LS14"), people=100, volunteers=12, facilitators=2,
    ),
]  # fmt: skip

# One demo sign-in for each role, so anyone can see what each person sees.
STAFF = [
    ("coordinator", "Priya Shah", "stockport-wellbeing", Role.COORDINATOR),
    ("coordinator", "Priya Shah", "leeds-maecare", Role.COORDINATOR),
    ("safeguarding", "Gareth Evans", "stockport-wellbeing", Role.SAFEGUARDING_LEAD),
    ("facilitator", "Cindy Walsh", "stockport-wellbeing", Role.FACILITATOR),
    ("volunteer", "Tom Hughes", "leeds-maecare", Role.VOLUNTEER),
    ("referrer", "Dr Aisha Okafor", "stockport-wellbeing", Role.REFERRER),
    ("commissioner", "Helen Marsh", "leeds-maecare", Role.COMMISSIONER),
    ("admin", "Sam Whitaker", "stockport-wellbeing", Role.ORGANISATION_ADMIN),
    ("network", "Jo Bennett", "leeds-maecare", Role.NETWORK_ADMIN),
    ("crisis-coordinator", "Marcus Reid", "lambeth-crisis-line", Role.COORDINATOR),
    ("crisis-admin", "Ruth Adeyemi", "lambeth-crisis-line", Role.ORGANISATION_ADMIN),
    # Leeds names its safeguarding lead, a deputy and a duty professional (issue 16).
    ("safeguarding-lead", "Grace Okoro", "leeds-maecare", Role.SAFEGUARDING_LEAD),
    ("safeguarding-deputy", "Daniel Price", "leeds-maecare", Role.SAFEGUARDING_LEAD),
    ("duty", "Dr Nadia Rahman", "leeds-maecare", Role.DUTY_PROFESSIONAL),
    # Lambeth's crisis line has a duty professional on call behind every shift (issue 18).
    ("crisis-duty", "Dr Kwame Mensah", "lambeth-crisis-line", Role.DUTY_PROFESSIONAL),
]


def sign_ins() -> list[tuple[str, str, str]]:
    """(role, email, organisation) for each demo sign-in, in the order shown to people. A network
    role (network admin, commissioner) is held across the whole network (ADR-070)."""
    names = {o.slug: o.name for o in ORGANISATIONS}
    return [
        (role.label, demo_email(local), NETWORK[1] if role.reaches_network else names[slug])
        for local, _, slug, role in STAFF
    ]


def _person(
    faker: Faker, organisation: Organisation, postcode: Postcode, index: int, today: dt.date
) -> Person:
    female = faker.random.random() < 0.55
    given = faker.first_name_female() if female else faker.first_name_male()
    age_days = faker.random.randint(18 * 365, 92 * 365)
    return Person(
        id=uuid.uuid5(NAMESPACE, f"{organisation.slug}/person/{index}"),
        organisation=organisation,
        given_name=given,
        family_name=faker.last_name(),
        preferred_name=given[:3] if faker.random.random() < 0.1 else "",
        date_of_birth=today - dt.timedelta(days=age_days),
        postcode=postcode.postcode,
        easting=postcode.easting,
        northing=postcode.northing,
        phone=f"07700 900{faker.random.randint(0, 999):03d}",  # Ofcom's range for drama and demos
        email=f"{given.lower()}.{index}@example.com" if faker.random.random() < 0.6 else "",
    )


def _demo_user(by: Acting, email: str, full_name: str, password_hash: str) -> User:
    return accounts.user_ensure(
        by=by, email=email, full_name=full_name, password=None, password_hash=password_hash
    )


@transaction.atomic
def seed_demo(*, log: Callable[[str], object] = print) -> None:
    by = operator("kindred seed demo")  # the operator may give every role, network ones too
    faker = Faker("en_GB")
    faker.seed_instance(2013)  # the year of the report: the same people every time
    random_source = random.Random(2013)
    network = accounts.network_ensure(by=by, slug=NETWORK[0], name=NETWORK[1])
    organisations: dict[str, Organisation] = {}
    today = dt.date(2026, 1, 1)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    for spec in ORGANISATIONS:
        organisation = accounts.organisation_ensure(
            by=by, slug=spec.slug, name=spec.name, kind=spec.kind, network=network
        )
        organisations[spec.slug] = organisation
        pool = [p for district in spec.postcode_areas for p in postcodes_in_district(district, 400)]
        people = [
            _person(faker, organisation, random_source.choice(pool), index, today)
            for index in range(spec.people)
        ]
        new_people = people_services.people_add_many(
            by=replace(by, organisation=organisation), people=people
        )
        for index in range(spec.volunteers):
            name = f"{faker.first_name()} {faker.last_name()}"
            user = _demo_user(
                by, demo_email(f"{spec.slug}.volunteer{index + 1}"), name, password_hash
            )
            role = Role.FACILITATOR if index < spec.facilitators else Role.VOLUNTEER
            accounts.membership_grant(
                by=by, user=user, organisation=organisation, role=Role.VOLUNTEER
            )
            if role == Role.FACILITATOR:
                accounts.membership_grant(by=by, user=user, organisation=organisation, role=role)
        log(f"{spec.name}: {len(new_people)} people added, {spec.volunteers} volunteers")
    for local, name, slug, role in STAFF:
        user = _demo_user(by, demo_email(local), name, password_hash)
        if role.reaches_network:
            accounts.membership_grant(by=by, user=user, network=network, role=role)
        else:
            accounts.membership_grant(by=by, user=user, organisation=organisations[slug], role=role)
    seed_volunteers(log=log)
    seed_referrals(log=log)
    seed_network(network_slug=NETWORK[0], log=log)
    seed_matching(log=log)
    seed_safeguarding_arrangements(log=log)  # before relationships: its concern reaches the lead
    seed_relationships(log=log)
    seed_safeguarding(log=log)
    seed_wellbeing(log=log)  # after relationships: goals and plans are for people with support
    seed_groups(log=log)
    seed_rota(log=log)  # after volunteers: the supporters on the crisis line rota
    seed_crisis_requests(log=log)  # after the rota: past requests offered to who was on call
    seed_outcomes(network_slug=NETWORK[0], log=log)  # after referrals: questionnaires follow them
