"""Demo safeguarding (issue 16): MAEcare in Leeds names a lead, a deputy and a duty professional,
and has concerns in different states: the one a befriender raised after a very worried visit
(raised, from the relationships demo), one about a man known only by a description (under
enquiry, with a section 42 referral on its timeline), and one about a person with a record
(closed, with its outcome). Stockport has a safeguarding lead by role but names none; Lambeth
has none at all, so its coordinator sees the warning. Seeding twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from kindred.accounts.models import Organisation, User
from kindred.core.services import Acting
from kindred.nonprod.constants import demo_email
from kindred.safeguarding import selectors, services
from kindred.safeguarding.models import Concern, Source

LEEDS = "leeds-maecare"
DESCRIBED = (
    "A man who sleeps in the bus shelter on Harehills Lane, about 60, grey beard, calls himself "
    "Mick. Came to the Tuesday lunch club"
)


def _user(local: str) -> User:
    return User.objects.get(email=demo_email(local))


@transaction.atomic
def seed_safeguarding_arrangements(*, log: Callable[[str], object] = print) -> None:
    leeds = Organisation.objects.get(slug=LEEDS)
    lead = _user("safeguarding-lead")
    by = Acting(lead, leeds, label="demo seed")
    current = selectors.arrangements_of(organisation=leeds)
    services.arrangements_set(
        by=by, lead=lead, deputy=_user("safeguarding-deputy"), lead_away_from=None,
        lead_away_until=None, duty_professional=_user("duty"),
        immediate_minutes=current.immediate_minutes, high_minutes=current.high_minutes,
        medium_working_days=current.medium_working_days,
        low_working_days=current.low_working_days, coordinators_see_detail=False,
    )  # fmt: skip
    log(f"{leeds.name}: safeguarding lead, deputy and duty professional named")


@transaction.atomic
def seed_safeguarding(*, log: Callable[[str], object] = print) -> None:
    leeds = Organisation.objects.get(slug=LEEDS)
    if Concern.objects.filter(organisation=leeds, about=DESCRIBED).exists():
        return
    lead = Acting(_user("safeguarding-lead"), leeds, label="demo seed")
    coordinator = Acting(_user("coordinator"), leeds, label="demo seed")
    described = services.concern_raise(
        by=coordinator, level="medium", source=Source.FROM_SCRATCH, about=DESCRIBED,
        detail="He told the lunch club volunteers that two men take his money each week when "
        "his benefits are paid, and that he is frightened to go to the post office.",
    ).concern  # fmt: skip
    services.concern_acknowledge(by=lead, concern_id=described.pk, expected="raised")
    services.concern_enquire(
        by=lead, concern_id=described.pk, expected="acknowledged",
        note="Find out who he is and whether he has a record; ask him what he wants to happen.",
    )  # fmt: skip
    services.entry_add(
        by=lead, concern_id=described.pk, kind="persons_view",
        text="Mick wants help but does not want the police involved yet.",
    )  # fmt: skip
    services.entry_add(
        by=lead, concern_id=described.pk, kind="section_42",
        text="Referred to Leeds adult social care (Care Act 2014, section 42): financial abuse.",
    )  # fmt: skip
    person = leeds.people.order_by("family_name", "given_name").first()
    if person is not None:
        closed = services.concern_raise(
            by=coordinator, level="low", source=Source.PERSON_RECORD, person=person,
            detail="Post piling up behind the door and the curtains closed for three days.",
        ).concern  # fmt: skip
        services.concern_acknowledge(by=lead, concern_id=closed.pk, expected="raised")
        services.entry_add(
            by=lead, concern_id=closed.pk, kind="gp",
            text="Spoke to the GP surgery: she has been in hospital since Monday.",
        )  # fmt: skip
        services.concern_close(
            by=lead, concern_id=closed.pk, expected="acknowledged",
            outcome="She was in hospital and is home now. No safeguarding concern.",
        )  # fmt: skip
    log(f"{leeds.name}: safeguarding concerns under enquiry and closed")
