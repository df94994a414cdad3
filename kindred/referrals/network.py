"""The network front door (ADR-092): referrals sent to a network rather than to one of its
organisations, kept as sent in the network's inbox until a network admin sends each one on to
the right organisation (or declines it).

- `network_referral_receive`: the network's public self-referral form and its FHIR token.
- `network_referral_route`: one transaction that locks the network referral, checks it is still
  as the admin saw it, makes the organisation's Referral through `referral_receive` (acting for
  that organisation, by the network admin, with the original time of arrival and the referrer),
  records the move in both histories, tells the organisation's coordinators and audits it.
- `network_referral_decline`: the network cannot help (or it is not a real request).
- `suggestions`: which organisations to send it to, and why (distance, support offered).
- `organisation_place_locate`: where an organisation is based and what it offers, located
  with the postcode look-up people use, then set through accounts' service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from kindred.accounts.models import Network, Organisation, Role
from kindred.accounts.selectors import contacts_with_role
from kindred.accounts.services import PlaceRefused, organisation_place_set
from kindred.core.services import Acting, audit_record, audit_view
from kindred.core.transitions import DomainError, machine
from kindred.notifications.services import notification_send
from kindred.people import identifiers
from kindred.people.models import ConsentKind
from kindred.people.services import UPDATABLE_DETAILS, PersonDetails
from kindred.referrals import audit_actions
from kindred.referrals.models import (
    Channel,
    Referral,
    ReferralEvent,
    Source,
    Status,
    Urgency,
    Wants,
)
from kindred.referrals.models_network import (
    NetworkReferral,
    NetworkReferralEvent,
    NetworkReferralStatus,
)
from kindred.referrals.services import ReferralDetails, _as_sent, referral_receive

#: The moves a network referral may make (ADR-083): sent on once, or declined.
NETWORK_REFERRAL_MOVES = machine(
    "referral",
    {
        NetworkReferralStatus.RECEIVED: {
            NetworkReferralStatus.ROUTED,
            NetworkReferralStatus.DECLINED,
        },
        NetworkReferralStatus.ROUTED: set(),
        NetworkReferralStatus.DECLINED: set(),
    },
    label=lambda status: str(NetworkReferralStatus(status).label).lower(),
)

#: The ways into a network's front door.
FRONT_DOOR_CHANNELS = frozenset({Channel.SELF_REFERRAL, Channel.FHIR})
#: The kinds of support an organisation may say it offers (every kind a referral may ask for,
#: but "not sure").
SUPPORT_KINDS = [kind for kind in Wants if kind != Wants.NOT_SURE]
#: The details of a person kept as sent, besides their names and date of birth.
_PERSON_TEXT = tuple(
    name
    for name in (*UPDATABLE_DETAILS, "language", "preferred_contact", "gender", "gender_described")
    if name not in ("given_name", "family_name", "date_of_birth")
)


class NetworkReferralError(DomainError):
    """A change to a network referral that cannot be made; the message says why."""


class NotANetworkAdmin(NetworkReferralError):
    """Only a network admin of the referral's network, acting for one of its organisations."""


class PlaceError(DomainError):
    """Where an organisation is based, or what it offers, cannot be set that way."""


# --- arriving ----------------------------------------------------------------------------


@transaction.atomic
def network_referral_receive(
    *,
    by: Acting,
    network: Network,
    person: PersonDetails,
    details: ReferralDetails,
    channel: str,
    api_token_id: uuid.UUID | None = None,
    received_at: dt.datetime | None = None,
) -> NetworkReferral:
    """A referral for the network as a whole. Nothing is looked up or linked: it belongs to no
    organisation yet, so no person record is made; what was sent is kept exactly as sent.
    `received_at`: when it arrived, if earlier than now (demo data); never later."""
    if channel not in FRONT_DOOR_CHANNELS:
        raise NetworkReferralError("A network takes referrals from its form or from FHIR only")
    Source(details.source)
    Wants(details.wants)
    Urgency(details.urgency)
    now = timezone.now()
    if received_at is not None:
        if received_at > now:
            raise NetworkReferralError("A referral cannot be received in the future")
        now = received_at
    sent = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in dataclasses.asdict(details).items()
    }
    sent["referrer_ods_code"] = str(sent["referrer_ods_code"]).upper()
    sent["referrer_email"] = str(sent["referrer_email"]).lower()
    network_referral = NetworkReferral.objects.create(
        network=network,
        channel=channel,
        source=details.source,
        person_as_sent=_as_sent(person),
        consent_contact=person.consents.get(ConsentKind.CONTACT.value),
        consent_share_with_referrer=person.consents.get(ConsentKind.SHARE_WITH_REFERRER.value),
        consent_evaluation=person.consents.get(ConsentKind.EVALUATION.value),
        details_as_sent=sent,
        wants=details.wants,
        external_system=details.external_system,
        external_id=details.external_id,
        api_token_id=api_token_id,
        received_at=now,
    )
    NetworkReferralEvent.record(
        by=by,
        subject=network_referral,
        from_state="",
        to_state=NetworkReferralStatus.RECEIVED,
        note=f"Received through the {Channel(channel).label.lower()}",
        at=now,
    )
    audit_record(
        by=by,
        action=audit_actions.NETWORK_REFERRAL_RECEIVED,
        target=network_referral,
        detail={"channel": str(channel), "network": network.slug},
    )
    return network_referral


# --- deciding ----------------------------------------------------------------------------


def admin_network(*, by: Acting) -> Network | None:
    """The network `by` is a network admin of, acting for one of its organisations; else None."""
    organisation = by.organisation
    if by.user is None or organisation is None or organisation.network is None:
        return None
    if Role.NETWORK_ADMIN not in by.user.roles_in(organisation):
        return None
    return organisation.network


def _network_for(*, by: Acting, network_referral_id: uuid.UUID, doing: str) -> Network:
    """The admin's network, or NotANetworkAdmin, audited (outside the change's transaction, so
    the entry stays)."""
    network = admin_network(by=by)
    if network is not None:
        return network
    reason = "Only a network admin of the referral's network can send it on or decline it"
    audit_record(
        by=by,
        action=audit_actions.NETWORK_REFERRAL_ROUTE_REFUSED,
        detail={"network_referral": str(network_referral_id), "doing": doing, "reason": reason},
    )
    raise NotANetworkAdmin(reason)


def _locked(*, network: Network, network_referral_id: uuid.UUID) -> NetworkReferral:
    """The network's referral, locked (NetworkReferral.DoesNotExist if not this network's)."""
    return network.network_referrals.select_for_update().get(pk=network_referral_id)


def _person_details(network_referral: NetworkReferral) -> PersonDetails:
    sent = network_referral.person_as_sent or {}
    return PersonDetails(
        given_name=str(sent.get("given_name") or ""),
        family_name=str(sent.get("family_name") or ""),
        date_of_birth=network_referral.date_of_birth_as_sent,
        **{name: str(sent.get(name) or "") for name in _PERSON_TEXT},
        consents={
            kind.value: given
            for kind in ConsentKind
            if (given := getattr(network_referral, f"consent_{kind.value}")) is not None
        },
    )


def _referral_details(network_referral: NetworkReferral) -> ReferralDetails:
    sent = network_referral.details_as_sent or {}
    given = {
        field.name: str(sent[field.name])
        for field in dataclasses.fields(ReferralDetails)
        if sent.get(field.name) not in (None, "")
    }
    given.update(source=network_referral.source, wants=network_referral.wants)
    return ReferralDetails(**given)


def _already_there(organisation: Organisation) -> str:
    return (
        f"{organisation.name} already has a referral with this ServiceRequest's identifier: the "
        "sender may have sent it there too. Check with them, then choose another organisation "
        "or decline this one"
    )


def _tell_coordinators(*, by: Acting, referral: Referral, network: Network) -> None:
    """The usual notice of a new referral, to each of the organisation's coordinators. It names
    nobody: they see who on the referral's page, once signed in. An urgent one has had its own
    notice from referral_receive already, at once: one notice each, not two."""
    if referral.is_urgent:
        return
    organisation = referral.organisation
    received = timezone.localdate(referral.received_at)
    for membership in contacts_with_role(organisation=organisation, roles=[Role.COORDINATOR]):
        user = membership.user
        if not user.is_active or not user.email:
            continue
        notification_send(
            by=by,
            to=user.email,
            template="referrals/messages/received_from_network.jinja",
            context={
                "organisation": organisation.name,
                "network": network.name,
                "received": received,
            },
            kind="referral.received",
            about=referral,
        )


def network_referral_route(
    *,
    by: Acting,
    network_referral_id: uuid.UUID,
    expected: str,
    organisation_id: uuid.UUID,
    note: str = "",
) -> Referral:
    """A network admin sends a network referral to one of the network's organisations: it
    becomes that organisation's referral, as if it had arrived there when it reached the front
    door, from the same referrer. The organisation's coordinators are told. Refused (and
    audited) for anyone but a network admin of the network; a referral someone else has routed
    or declined meanwhile raises ChangedSinceYouLooked."""
    network = _network_for(by=by, network_referral_id=network_referral_id, doing="route")
    assert by.organisation is not None  # admin_network checked it
    with transaction.atomic():
        network_referral = _locked(network=network, network_referral_id=network_referral_id)
        NETWORK_REFERRAL_MOVES.check(
            current=network_referral.status, expected=expected, to=NetworkReferralStatus.ROUTED
        )
        organisation = network.organisations.filter(is_active=True, pk=organisation_id).first()
        if organisation is None:
            raise NetworkReferralError(f"Choose one of the organisations of {network.name}")
        for_them = Acting(
            user=by.user, organisation=organisation, ip_address=by.ip_address, label=by.label
        )
        if (
            network_referral.external_id
            and organisation.referrals.filter(
                external_system=network_referral.external_system,
                external_id=network_referral.external_id,
            ).exists()
        ):
            raise NetworkReferralError(_already_there(organisation))
        try:
            with transaction.atomic():
                referral = referral_receive(
                    by=for_them,
                    person=_person_details(network_referral),
                    details=_referral_details(network_referral),
                    channel=network_referral.channel,
                    api_token_id=network_referral.api_token_id,
                    received_at=network_referral.received_at,
                )
        except IntegrityError as clash:  # the same identifier reached them a moment ago
            raise NetworkReferralError(_already_there(organisation)) from clash
        except (identifiers.PostcodeError, identifiers.NhsNumberError) as unusable:
            raise NetworkReferralError(
                f"A record cannot be made from what was sent: {unusable}"
            ) from unusable
        extra = f": {note.strip()}" if note.strip() else ""
        # No names: the history is part of the person's subject access export.
        ReferralEvent.record(
            by=for_them,
            subject=referral,
            from_state=Status.RECEIVED,
            to_state=Status.RECEIVED,
            note=f"Came through the {network.name} front door; sent here by a network admin"
            + extra,
        )
        now = timezone.now()
        network_referral.status = NetworkReferralStatus.ROUTED
        network_referral.routed_to = organisation
        network_referral.referral = referral
        network_referral.decided_at = now
        network_referral.decided_by = by.user
        network_referral.save(
            update_fields=[
                "status",
                "routed_to",
                "referral",
                "decided_at",
                "decided_by",
                "updated_at",
            ]
        )
        NetworkReferralEvent.record(
            by=by,
            subject=network_referral,
            from_state=expected,
            to_state=NetworkReferralStatus.ROUTED,
            note=f"Sent to {organisation.name}{extra}",
            at=now,
        )
        _tell_coordinators(by=for_them, referral=referral, network=network)
        detail = {
            "network": network.slug,
            "organisation": str(organisation.pk),
            "referral": str(referral.pk),
            "acting_for": str(by.organisation.pk),
        }
        # In the log of the organisation it went to, and of the one the admin acted for.
        audit_record(
            by=for_them,
            action=audit_actions.NETWORK_REFERRAL_ROUTED,
            target=network_referral,
            detail=detail,
        )
        if by.organisation.pk != organisation.pk:
            audit_record(
                by=by,
                action=audit_actions.NETWORK_REFERRAL_ROUTED,
                target=network_referral,
                detail=detail,
            )
    return referral


def network_referral_decline(
    *,
    by: Acting,
    network_referral_id: uuid.UUID,
    expected: str,
    reason: str,
    signposted_to: str = "",
) -> NetworkReferral:
    """A network admin declines a network referral (no organisation of the network can help, or
    it is not a real request). Nothing is made in any organisation."""
    network = _network_for(by=by, network_referral_id=network_referral_id, doing="decline")
    if not reason.strip():
        raise NetworkReferralError("Say why the referral is declined")
    with transaction.atomic():
        network_referral = _locked(network=network, network_referral_id=network_referral_id)
        NETWORK_REFERRAL_MOVES.check(
            current=network_referral.status, expected=expected, to=NetworkReferralStatus.DECLINED
        )
        now = timezone.now()
        network_referral.status = NetworkReferralStatus.DECLINED
        network_referral.decline_reason = reason.strip()
        network_referral.signposted_to = signposted_to.strip()
        network_referral.decided_at = now
        network_referral.decided_by = by.user
        network_referral.save(
            update_fields=[
                "status",
                "decline_reason",
                "signposted_to",
                "decided_at",
                "decided_by",
                "updated_at",
            ]
        )
        NetworkReferralEvent.record(
            by=by,
            subject=network_referral,
            from_state=expected,
            to_state=NetworkReferralStatus.DECLINED,
            note=reason,
            at=now,
        )
        audit_record(
            by=by,
            action=audit_actions.NETWORK_REFERRAL_DECLINED,
            target=network_referral,
            detail={"network": network.slug},
        )
    return network_referral


def network_referrals_viewed(
    *, by: Acting, network_referrals: NetworkReferral | Sequence[NetworkReferral], page: str
) -> None:
    """A network admin was shown what these network referrals sent (a person's details): one
    entry per page view, in the log of the organisation they act for (ADR-082, ADR-084). Call
    it only once the page is shown."""
    if isinstance(network_referrals, NetworkReferral):
        audit_view(
            by=by,
            entity=audit_actions.NETWORK_REFERRAL,
            target=network_referrals,
            detail={"page": page},
        )
        return
    if not network_referrals:
        return
    audit_view(
        by=by,
        entity=audit_actions.NETWORK_REFERRAL,
        detail={"page": page, "network_referrals": [str(n.pk) for n in network_referrals]},
    )


# --- where to send it ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """One organisation of the network, and why it would (or would not) suit the referral."""

    organisation: Organisation
    distance_km: float | None  # from the postcode sent to where the organisation is based
    offers: bool | None  # offers the kind of support asked for; None: no kind asked for
    wanted: str = ""  # the kind of support asked for, in words ("befriending")
    nearest: bool = False
    suggested: bool = False

    @property
    def reasons(self) -> list[str]:
        """Why, in words: the distance and whether it offers what was asked for."""
        found = []
        if self.distance_km is not None:
            found.append(
                f"{self.distance_km:.1f} km from the postcode sent"
                + (" (the nearest)" if self.nearest else "")
            )
        elif self.organisation.base_easting is None:
            found.append("Where it is based is not recorded")
        else:
            found.append("No distance: the postcode sent could not be found")
        if self.offers is True:
            found.append(f"Offers {self.wanted}")
        elif self.offers is False:
            found.append(f"Does not say it offers {self.wanted}")
        return found


def _located(postcode: str) -> tuple[int, int] | None:
    if not postcode:
        return None
    try:
        found = identifiers.lookup(postcode)
    except identifiers.PostcodeError:
        return None
    if found.easting is None or found.northing is None:
        return None
    return found.easting, found.northing


def suggestions(
    *, network_referral: NetworkReferral, organisations: Sequence[Organisation]
) -> list[Suggestion]:
    """The organisations, best first: those offering the kind of support asked for (when one
    was), then the nearest to the postcode sent. The first is marked `suggested` when something
    speaks for it (it offers that support, or it is the nearest). A network admin decides."""
    here = _located(network_referral.postcode_as_sent)
    wanted = network_referral.wants if network_referral.wants != Wants.NOT_SURE else ""
    wanted_words = str(Wants(wanted).label).lower() if wanted else ""
    rows: list[tuple[Organisation, float | None, bool | None]] = []
    for organisation in organisations:
        distance = None
        if here is not None and organisation.base_easting is not None:
            assert organisation.base_northing is not None  # a check constraint: both or neither
            metres = math.hypot(
                organisation.base_easting - here[0], organisation.base_northing - here[1]
            )
            distance = round(metres / 1000, 1)
        offers = wanted in (organisation.support_offered or []) if wanted else None
        rows.append((organisation, distance, offers))
    rows.sort(
        key=lambda row: (
            row[2] is False,
            row[1] is None,
            row[1] if row[1] is not None else 0.0,
            row[0].name,
        )
    )
    distances = [row[1] for row in rows if row[1] is not None]
    nearest = min(distances) if distances else None
    result = []
    for index, (organisation, distance, offers) in enumerate(rows):
        is_nearest = distance is not None and distance == nearest
        result.append(
            Suggestion(
                organisation=organisation,
                distance_km=distance,
                offers=offers,
                wanted=wanted_words,
                nearest=is_nearest,
                suggested=index == 0 and (offers is True or is_nearest),
            )
        )
    return result


# --- where an organisation is ----------------------------------------------------------------


def organisation_place_locate(
    *, by: Acting, organisation: Organisation, postcode: str, support_offered: Sequence[str]
) -> Organisation:
    """Where an organisation is based (a postcode, located with the ONS data people's postcodes
    use; blank to clear it) and the kinds of support it offers (referrals' Wants), set through
    `accounts.services.organisation_place_set`, which decides who may."""
    unknown = sorted(set(support_offered) - {str(kind) for kind in SUPPORT_KINDS})
    if unknown:
        offered = ", ".join(str(kind) for kind in SUPPORT_KINDS)
        raise PlaceError(f"Unknown kinds of support: {', '.join(unknown)}. Use {offered}")
    easting = northing = None
    shown = ""
    if postcode.strip():
        try:
            found = identifiers.lookup(postcode)
        except identifiers.PostcodeError as bad:
            raise PlaceError(str(bad)) from bad
        shown, easting, northing = found.postcode, found.easting, found.northing
        if easting is None or northing is None:
            raise PlaceError(f"{shown} has no grid reference in the ONS data: use another nearby")
    ordered = [str(kind) for kind in SUPPORT_KINDS if kind in set(support_offered)]
    try:
        return organisation_place_set(
            by=by,
            organisation=organisation,
            postcode=shown,
            easting=easting,
            northing=northing,
            support_offered=ordered,
        )
    except PlaceRefused as refused:
        raise PlaceError(str(refused)) from refused
