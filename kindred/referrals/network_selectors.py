"""Reads of referrals sent to a network's front door (ADR-092). Every query starts from the
network: a network admin's, the one a public form names, or a FHIR token's."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from kindred.accounts.models import Network, Organisation
from kindred.referrals.models_network import (
    NetworkReferral,
    NetworkReferralEvent,
    NetworkReferralStatus,
)


def network_taking_self_referrals(*, slug: str) -> Network | None:
    """The network with this slug, if any of its organisations is active (the public form of a
    network with nobody to send a referral to would only collect requests nobody answers)."""
    return Network.objects.filter(slug=slug, organisations__is_active=True).distinct().first()


def network_inbox(*, network: Network) -> QuerySet[NetworkReferral]:
    """The network's referrals waiting to be sent to an organisation, oldest first."""
    return network.network_referrals.filter(status=NetworkReferralStatus.RECEIVED).order_by(
        "received_at", "pk"
    )


def network_referral_of(*, network: Network, network_referral_id: uuid.UUID) -> NetworkReferral:
    """The network's referral; NetworkReferral.DoesNotExist if it is not this network's."""
    return network.network_referrals.select_related("routed_to", "decided_by", "referral").get(
        pk=network_referral_id
    )


def history_of(*, network_referral: NetworkReferral) -> QuerySet[NetworkReferralEvent]:
    return network_referral.history.select_related("by_user").order_by("occurred_at")


def organisations_to_route_to(*, network: Network) -> list[Organisation]:
    """The active organisations of the network, which a network referral may be sent to."""
    return list(network.organisations.filter(is_active=True).order_by("name"))


def network_referral_by_identifier(
    *, network: Network, system: str, value: str
) -> NetworkReferral | None:
    return (
        network.network_referrals.select_related("network", "api_token", "routed_to", "referral")
        .filter(external_system=system, external_id=value)
        .first()
    )
