"""Referrals accepted through the referrals services, and their questionnaires scheduled through
ours, so that every row exists as it would."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.outcomes import services
from kindred.outcomes.models import Collection, TimePoint
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import services as referral_services
from kindred.referrals.models import Referral, Status, Wants
from kindred.referrals.tests.factories import ReferralFactory


def accepted_referral(
    organisation: Organisation, *, on: dt.date | None = None, person: Person | None = None
) -> Referral:
    """A referral accepted (for a group, so it stays accepted) at noon on `on`."""
    on = on or timezone.localdate()
    person = person or PersonFactory(organisation=organisation)
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0)))
    with time_machine.travel(noon, tick=False):
        referral = ReferralFactory(
            organisation=organisation, person=person, wants=Wants.GROUP, received_at=noon
        )
        referral_services.referral_accept(
            by=Acting.system("test", organisation=organisation),
            referral_id=referral.pk,
            expected=Status.RECEIVED,
        )
    referral.refresh_from_db()
    return referral


def scheduled(
    organisation: Organisation, *, on: dt.date | None = None, person: Person | None = None
) -> dict[str, Collection]:
    """An accepted referral's collections, by time point."""
    referral = accepted_referral(organisation, on=on, person=person)
    services.referral_schedule(referral=referral, accepted_on=on or timezone.localdate())
    return {c.time_point: c for c in referral.outcome_collections.all()}


def baseline(organisation: Organisation, **kwargs: object) -> Collection:
    return scheduled(organisation, **kwargs)[TimePoint.BASELINE]  # type: ignore[arg-type]
