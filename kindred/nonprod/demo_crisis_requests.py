"""Demo support requests (issue 18) for Solidarity in a Crisis, Lambeth, after the rota's demo:
a few requests from the last few hours with their timelines, each made through the crisis
services at its own time (nothing written behind their backs): one taken by a supporter within a
minute and closed; one nobody took, which climbed to the backup step and the professional on
call, who acknowledged it; one a supporter escalated, then closed after a hard call, asking for
supervision. Seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.services import Acting
from kindred.crisis import requests_services as services
from kindred.crisis import selectors as crisis_selectors
from kindred.crisis.models.requests import SupportRequest
from kindred.nonprod.constants import demo_email

LAMBETH = "lambeth-crisis-line"


def _times(organisation: Organisation, now: dt.datetime) -> list[dt.datetime]:
    """Three moments in the last few hours, inside the shift on call now where it began long
    enough ago (so the timelines show the rota's own supporters and professional), each leaving
    an hour before now for what followed."""
    shifts = crisis_selectors.on_call(organisation, now).shifts
    latest = now - dt.timedelta(hours=1)
    earliest = min((s.starts_at for s in shifts), default=now - dt.timedelta(hours=4))
    earliest = max(earliest, now - dt.timedelta(hours=4)) + dt.timedelta(minutes=5)
    if earliest >= latest:
        earliest = now - dt.timedelta(hours=4)
    span = latest - earliest
    return [earliest + span * fraction for fraction in (0.0, 0.5, 1.0)]


def _taker(request: SupportRequest, fallback: User) -> User:
    """The first supporter it was offered to who can sign in, else the coordinator."""
    offer = request.offers.filter(user__isnull=False).order_by("created_at").first()
    return offer.user if offer is not None and offer.user is not None else fallback


@transaction.atomic
def seed_crisis_requests(*, log: Callable[[str], object] = print) -> None:
    lambeth = Organisation.objects.filter(slug=LAMBETH).first()
    if lambeth is None or SupportRequest.objects.filter(organisation=lambeth).exists():
        return
    coordinator = User.objects.get(email=demo_email("crisis-coordinator"))
    now = timezone.now().replace(second=0, microsecond=0)
    step = dt.timedelta(seconds=services.offer_seconds())
    times = _times(lambeth, now)

    # Taken within a minute, talked through, closed.
    at = times[0]
    first = services.support_request_receive(
        lambeth, name="Dee", phone="07911 123 461", channel="sms",
        message="Can't settle tonight, everything feels too loud", at=at,
    )  # fmt: skip
    taker = Acting(_taker(first, coordinator), lambeth, label="demo seed")
    services.support_request_accept(by=taker, request_id=first.pk, at=at + dt.timedelta(minutes=1))
    services.support_request_close(
        by=taker, request_id=first.pk, at=at + dt.timedelta(minutes=40),
        outcome="Talked for half an hour about the week; Dee made a plan for tomorrow morning "
        "and felt calmer.", professional_help=False,
    )  # fmt: skip

    # Nobody took it: the backup step, then the professional on call, who acknowledged it.
    at = times[1]
    second = services.support_request_receive(
        lambeth, name="Kofi", phone="07911 123 462", channel="call", at=at,
        message="Called and hung up; asked for a call back",
    )  # fmt: skip
    reached = at
    for later in (1, 2):  # each step in its time, until it reaches the professional
        second.refresh_from_db()
        if second.step == "professional" or second.next_step_at is None:
            break
        reached = at + later * step
        services.support_request_advance(request_id=second.pk, now=reached)
    second.refresh_from_db()
    closer = coordinator
    if second.professional is not None:
        professional = Acting(second.professional, lambeth, label="demo seed")
        services.support_request_acknowledge(
            by=professional, request_id=second.pk, at=reached + dt.timedelta(minutes=2)
        )
        closer = second.professional
    else:
        services.support_request_accept(
            by=Acting(coordinator, lambeth, label="demo seed"), request_id=second.pk,
            at=reached + dt.timedelta(minutes=2),
        )  # fmt: skip
    services.support_request_close(
        by=Acting(closer, lambeth, label="demo seed"), request_id=second.pk,
        at=at + dt.timedelta(minutes=45), professional_help=True,
        outcome="Called Kofi back; he is safe tonight and agreed to call his crisis team in the "
        "morning.",
    )  # fmt: skip

    # Escalated by the supporter, closed after a hard call; supervision asked for.
    at = times[2]
    third = services.support_request_receive(
        lambeth, name="Ash", email="ash@example.com", channel="web", at=at,
        message="I don't know who else to talk to",
    )  # fmt: skip
    supporter = Acting(_taker(third, coordinator), lambeth, label="demo seed")
    services.support_request_accept(
        by=supporter, request_id=third.pk, at=at + dt.timedelta(minutes=2)
    )
    services.support_request_escalate(
        by=supporter, request_id=third.pk, at=at + dt.timedelta(minutes=15),
        note="Talking about not wanting to be here",
    )  # fmt: skip
    third.refresh_from_db()
    if third.professional is not None:
        services.support_request_acknowledge(
            by=Acting(third.professional, lambeth, label="demo seed"), request_id=third.pk,
            at=at + dt.timedelta(minutes=18),
        )  # fmt: skip
    services.support_request_close(
        by=supporter, request_id=third.pk, at=at + dt.timedelta(minutes=55),
        professional_help=True, hard_call=True,
        outcome="Stayed on the line until the professional on call rang Ash; Ash agreed to the "
        "crisis team visiting tomorrow.",
    )  # fmt: skip
    if supporter.user is not None and supporter.user.pk != coordinator.pk:
        services.support_request_supervision_ask(
            by=supporter, request_id=third.pk, note="A hard one: it brought back my own year."
        )
    log(f"{lambeth.name}: 3 past support requests with their timelines")
