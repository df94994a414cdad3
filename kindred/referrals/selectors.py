"""Reads of referrals. Every query starts from the organisation (or, for a referrer, from the
referrals they made within it)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.models import AuditEvent
from kindred.people.models import Consent, ConsentKind, Person
from kindred.referrals import audit_actions
from kindred.referrals.models import (
    AWAITING_FIRST_CONTACT,
    OPEN_STATUSES,
    GpConcern,
    PersonLink,
    Referral,
    ReferralEvent,
    Source,
    Status,
    urgent_first,
)

#: A new referral this soon after an open one for the same person is likely a repeat of it.
REPEAT_WITHIN = dt.timedelta(days=30)


def _outer(name: str) -> OuterRef:
    """The referral's person's field, from a subquery two levels down (the people who may be the
    same person, inside the earlier referrals)."""
    return OuterRef(OuterRef(f"person__{name}"))


def _same_person() -> QuerySet[Person, dict[str, Any]]:
    """For a subquery two levels down: the people who are likely the referral's person. That is
    its record, or a record the duplicate rules match (the same name ignoring case, date of birth
    and postcode, and no two NHS numbers that differ: people.services.person_match, ADR-074), or,
    because the self-referral form does not ask for a date of birth, the same name and postcode
    with the same email address or phone number where no two dates of birth differ. Found from
    the organisation's postcode index, so a few rows however busy the organisation is."""
    same_name_and_postcode = Q(
        organisation=OuterRef(OuterRef("organisation")),
        postcode=_outer("postcode"),
        given=Lower(_outer("given_name")),
        family=Lower(_outer("family_name")),
    ) & ~Q(postcode="")
    nhs_numbers_agree = (
        Q(nhs_number="") | Exact(_outer("nhs_number"), "") | Q(nhs_number=_outer("nhs_number"))
    )
    same_birth = Q(date_of_birth=_outer("date_of_birth"))
    births_agree = (
        same_birth | Q(date_of_birth__isnull=True) | IsNull(_outer("date_of_birth"), True)
    )
    same_contact = (Q(email=_outer("email")) & ~Q(email="")) | (
        Q(phone=_outer("phone")) & ~Q(phone="")
    )
    rules = (
        same_name_and_postcode & nhs_numbers_agree & (same_birth | (births_agree & same_contact))
    )
    return (
        Person.objects.alias(given=Lower("given_name"), family=Lower("family_name"))
        .filter(Q(pk=OuterRef(OuterRef("person"))) | rules)
        .values("pk")
    )


def _open_earlier() -> QuerySet[Referral]:
    """For a subquery on a referral (OuterRef): the open referrals of its organisation received
    in the REPEAT_WITHIN days before it, about the same person (_same_person). Only a flag for a
    coordinator: nothing is linked or joined by it (ADR-090). Earliest first."""
    return Referral.objects.filter(
        organisation=OuterRef("organisation"),
        status__in=OPEN_STATUSES,
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WITHIN,
        person__in=_same_person(),
    ).order_by("received_at", "pk")


#: The annotation with_repeat_of adds.
REPEAT_OF = "repeat_of_id"


def repeat_id(referral: Referral | None) -> uuid.UUID | None:
    """The open referral an annotated referral likely repeats (see with_repeat_of), if any."""
    found: uuid.UUID | None = getattr(referral, REPEAT_OF, None)
    return found


def with_repeat_of(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each referral still to be triaged (received) carrying `repeat_of_id`: the open referral
    it likely repeats (see _open_earlier), or None. One subquery, however many referrals."""
    return referrals.annotate(
        **{
            REPEAT_OF: Case(
                When(
                    status=Status.RECEIVED,
                    then=Subquery(_open_earlier().values("pk")[:1], output_field=UUIDField()),
                ),
                default=None,
                output_field=UUIDField(),
            )
        }
    )


def repeat_of(*, referral: Referral) -> Referral | None:
    """The open referral this one likely repeats, if it is still to be triaged (None if not)."""
    found = repeat_id(
        with_repeat_of(
            Referral.objects.filter(pk=referral.pk, organisation=referral.organisation_id)
        ).first()
    )
    if found is None:
        return None
    return (
        Referral.objects.select_related("person")
        .filter(organisation=referral.organisation_id, pk=found)
        .first()
    )


def referrals_of(
    *, organisation: Organisation, status: str = "", source: str = "", overdue: bool = False
) -> QuerySet[Referral]:
    """The organisation's referrals, urgent ones waiting for first contact first, then oldest
    first (ADR-096). Which of them are likely repeats is asked of the page's referrals only,
    through `repeats_shown`: a subquery on this query would be paid for by every row its count
    reads, and joins the person to that count (ADR-127)."""
    referrals = organisation.referrals.select_related("person")
    if status:
        referrals = referrals.filter(status=status)
    if source:
        referrals = referrals.filter(source=source)
    if overdue:
        referrals = referrals.filter(
            status__in=AWAITING_FIRST_CONTACT, first_contact_due__lt=timezone.localdate()
        )
    return referrals.order_by(_urgent_first(), "received_at", "pk")


def _urgent_first() -> Case:
    return urgent_first()


def repeats_shown(*, referrals: list[Referral]) -> dict[uuid.UUID, Referral]:
    """The open referral that each referral shown likely repeats (with_repeat_of), by the id of
    the referral shown: only those still to be triaged are looked at, in one query for the
    page's referrals, and the open ones they repeat in one more (none if nothing is to be
    triaged or nothing repeats)."""
    triage = [r.pk for r in referrals if r.status == Status.RECEIVED]
    if not triage:
        return {}
    organisation_ids = {r.organisation_id for r in referrals}
    repeated = {
        shown: found
        for shown, found in with_repeat_of(
            Referral.objects.filter(pk__in=triage, organisation__in=organisation_ids)
        ).values_list("pk", REPEAT_OF)
        if found is not None
    }
    if not repeated:
        return {}
    open_ones = Referral.objects.filter(
        pk__in=set(repeated.values()), organisation__in=organisation_ids
    ).in_bulk()
    return {shown: open_ones[found] for shown, found in repeated.items() if found in open_ones}


def overdue_referrals(*, organisation: Organisation) -> QuerySet[Referral]:
    """Referrals nobody has acted on by their first-contact date: urgent first, then oldest due
    first, read in that order from the partial index ref_awaiting_overdue_idx, which holds only
    referrals still waiting (never the organisation's whole history: ADR-100)."""
    return (
        organisation.referrals.select_related("person")
        .filter(status__in=AWAITING_FIRST_CONTACT, first_contact_due__lt=timezone.localdate())
        .order_by(_urgent_first(), "first_contact_due", "received_at")
    )


def new_referrals(*, organisation: Organisation) -> QuerySet[Referral]:
    """Referrals waiting for first contact whose first-contact date has not yet passed (the
    overdue ones are overdue_referrals): urgent first, then oldest, read in that order from
    ref_inbox_status_order_idx. A panel takes a few and counts the rest in SQL (ADR-100)."""
    return (
        organisation.referrals.select_related("person")
        .filter(status__in=AWAITING_FIRST_CONTACT, first_contact_due__gte=timezone.localdate())
        .order_by(_urgent_first(), "received_at", "pk")
    )


def referral_of(*, organisation: Organisation, referral_id: uuid.UUID) -> Referral:
    """The referral, if it is for this organisation; Referral.DoesNotExist otherwise."""
    return organisation.referrals.select_related("person", "referrer_user", "joined_to").get(
        pk=referral_id
    )


def history_of(*, referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.history.order_by("occurred_at")


def referrals_made_by(*, organisation: Organisation, user: User) -> QuerySet[Referral]:
    """The referrals this referrer made, each with `told`: whether the referrer may be told what
    happened to it, worked out in the query exactly as services.referrer_may_be_told does (a
    decision about sharing with the referrer recorded on the person's record after the referral
    arrived, else the referral's own answer; never for a self-referral). One query however many.
    Show them `name_as_sent`, never the linked record."""
    later = (
        Consent.objects.filter(
            person=OuterRef("person"),
            kind=ConsentKind.SHARE_WITH_REFERRER,
            recorded_at__gt=OuterRef("received_at"),
        )
        .order_by("-recorded_at")
        .values("given")[:1]
    )
    return (
        organisation.referrals.filter(referrer_user=user)
        .annotate(
            told=Case(
                When(source=Source.SELF, then=Value(False)),
                default=Coalesce(
                    Subquery(later, output_field=BooleanField()),
                    "consent_share_with_referrer",
                    Value(False),
                ),
                output_field=BooleanField(),
            )
        )
        .order_by("-received_at")
    )


def concerns_for_referrer(*, organisation: Organisation, user: User) -> QuerySet[GpConcern]:
    """Concerns for the GP that this referrer may see: about the person of one of their own
    referrals that says the person agreed to updates going to the referrer, raised after that
    referral arrived, and only once that person is known to be the one they referred (a record
    made from their referral, or a link a coordinator confirmed), or raised on the referral
    itself. Each carries `as_sent`: the person as that referral described them (ADR-075)."""
    visible = organisation.referrals.filter(
        Q(pk=OuterRef("referral"))
        | Q(person=OuterRef("person"), received_at__lte=OuterRef("created_at")),
        referrer_user=user,
        consent_share_with_referrer=True,
        person_link__in=[PersonLink.NEW, PersonLink.CONFIRMED],
    ).order_by("received_at")
    return (
        organisation.gp_concerns.filter(Exists(visible))
        .annotate(as_sent=Subquery(visible.values("person_as_sent")[:1], output_field=JSONField()))
        .order_by("-created_at")
    )


def referrals_of_person(*, organisation: Organisation, person: Person) -> QuerySet[Referral]:
    return organisation.referrals.filter(person=person).order_by("-received_at")


def concerns_about(*, organisation: Organisation, person: Person) -> QuerySet[GpConcern]:
    return organisation.gp_concerns.filter(person=person).order_by("-created_at")


def organisation_taking_self_referrals(*, slug: str) -> Organisation | None:
    """The active organisation with this slug (the public self-referral form is per organisation)."""
    return Organisation.objects.filter(slug=slug, is_active=True).first()


def self_referrals_from_address(*, ip_address: str | None, hours: int = 1) -> int:
    """How many self-referrals this address has sent lately, to an organisation or to a network's
    front door, from the audit log, which every web process shares (the cache-based limit alone
    would be per process). Only those nobody signed in sent: a network admin sending a
    self-referral on to an organisation is not sending one (ADR-092)."""
    if not ip_address:
        return 0
    since = timezone.now() - dt.timedelta(hours=hours)
    return AuditEvent.objects.filter(
        action__in=[audit_actions.REFERRAL_RECEIVED, audit_actions.NETWORK_REFERRAL_RECEIVED],
        occurred_at__gte=since,
        ip_address=ip_address,
        actor__isnull=True,
        detail__channel="self_referral",
    ).count()


# Figures for reports (issue 19): each defined once, here, with its definition beside it. -----

REFERRALS_RECEIVED = (
    "Referrals received during the period, by where they came from and where each stands now. "
    "A repeat joined to an open referral is not counted again."
)
WAITING_TIME = (
    "Days from a referral being received to the first contact with the person, for referrals "
    "first contacted during the period."
)


def referrals_received_between(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.datetime, end: dt.datetime
) -> list[tuple[uuid.UUID, str, str, int]]:
    """(organisation, source, status, count) of REFERRALS_RECEIVED in [start, end). One query."""
    return list(
        Referral.objects.filter(
            organisation__in=list(organisation_ids), received_at__gte=start, received_at__lt=end
        )
        .exclude(status=Status.JOINED)
        .values_list("organisation", "source", "status")
        .annotate(n=Count("id"))
        .values_list("organisation", "source", "status", "n")
        .order_by()
    )


def waits_between(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.datetime, end: dt.datetime
) -> list[tuple[uuid.UUID, float]]:
    """(organisation, days waited) of each referral first contacted in [start, end)
    (WAITING_TIME). One query; the days are whole and part days."""
    rows = Referral.objects.filter(
        organisation__in=list(organisation_ids),
        first_contact_at__gte=start,
        first_contact_at__lt=end,
    ).values_list("organisation", "received_at", "first_contact_at")
    return [
        (organisation_id, max((contacted - received).total_seconds(), 0) / 86400)
        for organisation_id, received, contacted in rows
        if contacted is not None
    ]
