"""Referrals sent to a network's front door (ADR-092), made through the service itself so that
what is kept is exactly what a form or a ServiceRequest would keep."""

from __future__ import annotations

import datetime as dt

from kindred.accounts.models import Network
from kindred.core.services import Acting
from kindred.people.services import PersonDetails
from kindred.referrals.models import Channel, Source, Wants
from kindred.referrals.models_network import NetworkReferral
from kindred.referrals.network import network_referral_receive
from kindred.referrals.services import ReferralDetails


def network_referral(
    network: Network,
    *,
    given_name: str = "Edna",
    family_name: str = "Moss",
    postcode: str = "LS8 2AP",
    wants: str = Wants.BEFRIENDING,
    reason: str = "Lonely since moving to be near my daughter",
    channel: str = Channel.SELF_REFERRAL,
    received_at: dt.datetime | None = None,
    **details: str,
) -> NetworkReferral:
    return network_referral_receive(
        by=Acting(user=None, organisation=None, label="test"),
        network=network,
        person=PersonDetails(
            given_name=given_name,
            family_name=family_name,
            date_of_birth=dt.date(1948, 3, 9),
            postcode=postcode,
            phone="07700 900123",
            consents={"contact": True, "evaluation": False},
        ),
        details=ReferralDetails(
            source=details.pop("source", Source.SELF), reason=reason, wants=wants, **details
        ),
        channel=channel,
        received_at=received_at,
    )
