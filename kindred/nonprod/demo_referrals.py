"""Demo referrals in every state, a concern for the GP, and an API token for the FHIR API.

The token's value is fixed (demo only), so `kindred demo` can print it at every start-up and the
example in docs/examples/service-request.json can be sent with it. Running this again changes
nothing: each demo referral belongs to a known demo person, and is skipped if they have one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kindred.accounts import api_tokens as tokens
from kindred.accounts.models import ApiToken, Organisation, User
from kindred.accounts.services import api_token_create
from kindred.core.services import Acting
from kindred.people import services as people_services
from kindred.people.models import Person
from kindred.people.services import PersonDetails
from kindred.referrals import services
from kindred.referrals.models import Channel, Source, Wants
from kindred.referrals.services import ReferralDetails

DEMO_API_TOKEN = "kindred_demo-stockport-not-secret-0000000000000000000"
DEMO_TOKEN_ORGANISATION = "stockport-wellbeing"
DEMO_TOKEN_PRACTICE = "P88015"
NAMESPACE = uuid.UUID("6f0d3c55-5b1e-4d7e-9a31-2b8f9d6c1a00")  # the same as kindred.nonprod.demo


@dataclass(frozen=True)
class DemoReferral:
    person_index: int
    path: tuple[str, ...]  # transitions after "received"
    source: str
    reason: str
    wants: str
    days_ago: int
    by_referrer: bool = False


SCENARIOS = [
    DemoReferral(0, (), Source.PRACTICE_NURSE, "Lonely since her husband died; COPD keeps her at home", Wants.BEFRIENDING, 9, by_referrer=True),
    DemoReferral(1, (), Source.SELF, "I have been very low since losing my job and want to meet people", Wants.GROUP, 1),
    DemoReferral(2, (), Source.JOB_CENTRE, "Struggling with confidence after a long time out of work", Wants.GROUP, 12),
    DemoReferral(3, ("accepted",), Source.GP, "Recovering from depression; would like to knit again", Wants.GROUP, 6, by_referrer=True),
    DemoReferral(4, ("declined",), Source.FAMILY_OR_FRIEND, "Daughter worried about his drinking", Wants.NOT_SURE, 20),
    # Accepting befriending or one-to-one support puts them in matching's queue (ADR-097).
    DemoReferral(5, ("accepted",), Source.COMMUNITY_MATRON, "Housebound after a stroke; would like a visitor", Wants.BEFRIENDING, 15),
    DemoReferral(6, ("accepted", "started"), Source.MENTAL_HEALTH_TEAM, "Leaving hospital after a crisis; needs someone to talk to", Wants.ONE_TO_ONE, 30),
    DemoReferral(7, ("accepted", "waiting", "started", "closed"), Source.MEMBER, "Friend from the walking group thought she would enjoy it", Wants.GROUP, 90),
]  # fmt: skip


def _details(person: Person, *, share_with_referrer: bool = False) -> PersonDetails:
    return PersonDetails(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        postcode=person.postcode,
        consents={"share_with_referrer": True} if share_with_referrer else {},
    )


def _seed_token(by: Acting, organisation: Organisation) -> None:
    digest = tokens.token_hash(DEMO_API_TOKEN)
    if not ApiToken.objects.filter(token_hash=digest).exists():
        api_token_create(
            by=by,
            name="Brinnington Surgery (demo)",
            practice_ods=DEMO_TOKEN_PRACTICE,
            raw=DEMO_API_TOKEN,
        )


@transaction.atomic
def seed_referrals(*, log: Callable[[str], object] = print) -> None:
    organisations = {o.slug: o for o in Organisation.objects.all()}
    referrer = User.objects.filter(email__startswith="referrer@").first()
    coordinator = User.objects.filter(email__startswith="coordinator@").first()
    for slug, organisation in organisations.items():
        system = Acting.system("demo data", organisation=organisation)
        triage = Acting(coordinator, organisation) if coordinator else system
        added = 0
        for scenario in SCENARIOS:
            person_id = uuid.uuid5(NAMESPACE, f"{slug}/person/{scenario.person_index}")
            person = organisation.people.filter(pk=person_id).first()
            if person is None or organisation.referrals.filter(person=person).exists():
                continue
            from_referrer = (
                scenario.by_referrer and referrer is not None and slug == DEMO_TOKEN_ORGANISATION
            )
            by = Acting(referrer, organisation) if from_referrer else system
            referral = services.referral_receive(
                by=by,
                person=_details(person, share_with_referrer=from_referrer),
                details=ReferralDetails(
                    source=scenario.source,
                    reason=scenario.reason,
                    wants=scenario.wants,
                    referrer_name="Dr Aisha Okafor" if from_referrer else "",
                    referrer_organisation="Brinnington Surgery" if from_referrer else "",
                    referrer_ods_code=DEMO_TOKEN_PRACTICE if from_referrer else "",
                ),
                channel=Channel.REFERRER_FORM if from_referrer else Channel.COORDINATOR_FORM,
                # Demo only: as if it arrived `days_ago` days ago, so its story starts then
                received_at=timezone.now() - dt.timedelta(days=scenario.days_ago),
            )
            if triage.user is not None and not referral.person_link_confirmed:
                # A referral never changes the record it is linked to; the coordinator confirms
                # the link and records the consent the referrer said the person gave (ADR-075).
                services.referral_person_confirm(
                    by=triage,
                    referral_id=referral.pk,
                    record_consents=[
                        d.name for d in services.consent_differences(referral=referral)
                    ],
                )
            status = "received"
            for step in scenario.path:
                if step == "accepted":
                    # Befriending and one-to-one support go on to wait for a match (ADR-097).
                    status = services.referral_accept(
                        by=triage,
                        referral_id=referral.pk,
                        expected=status,
                        note="Phoned; keen to start",
                    ).status
                    continue
                elif step == "declined":
                    services.referral_decline(
                        by=triage,
                        referral_id=referral.pk,
                        expected=status,
                        category="elsewhere",
                        reason="Needs specialist alcohol support first",
                        signposted_to="Local drug and alcohol service",
                    )
                elif step == "waiting":
                    services.referral_wait(
                        by=triage,
                        referral_id=referral.pk,
                        expected=status,
                        note="Looking for a befriender nearby",
                    )
                elif step == "started":
                    services.referral_start(by=triage, referral_id=referral.pk, expected=status)
                elif step == "closed":
                    services.referral_close(
                        by=triage,
                        referral_id=referral.pk,
                        expected=status,
                        outcome="completed",
                        note="Now comes to the group every week",
                    )
                status = step
            if scenario.person_index == 6 and triage.user is not None:
                # The coordinator records the GP practice, so a concern can go to the GP.
                people_services.person_details_update(
                    by=triage,
                    person=person,
                    changes={"gp_practice_ods": DEMO_TOKEN_PRACTICE},
                    reason="Registered with Brinnington Surgery",
                )
                person.refresh_from_db()
                services.gp_concern_raise(
                    by=triage,
                    person=person,
                    noticed="Seemed breathless and confused at the last visit",
                    urgency="routine",
                    referral=referral,
                )
            added += 1
        if slug == DEMO_TOKEN_ORGANISATION:
            _seed_token(system, organisation)
        log(f"{organisation.name}: {added} referrals added")


def demo_token_line() -> str:
    """What `kindred demo` prints about the demo API token."""
    if not ApiToken.objects.filter(
        token_hash=tokens.token_hash(DEMO_API_TOKEN), revoked_at__isnull=True
    ).exists():
        return ""
    return (
        f"Demo FHIR API token ({DEMO_TOKEN_ORGANISATION}): {DEMO_API_TOKEN}\n"
        f"  Try: curl -X POST -H 'Authorization: Bearer {DEMO_API_TOKEN}' "
        "-H 'Content-Type: application/fhir+json' "
        "--data @docs/examples/service-request.json http://127.0.0.1:8000/fhir/ServiceRequest"
    )
