"""Reads of referrals. Every query starts from the organisation (or, for a referrer, from the
referrals they made within it)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Count, Exists, JSONField, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone

from kindred.accounts.models import Organisation, User
from kindred.core.models import AuditEvent
from kindred.people.models import Person
from kindred.referrals.models import GpConcern, PersonLink, Referral, ReferralEvent, Status

AWAITING_FIRST_CONTACT = (Status.RECEIVED,)


def referrals_of(
    *, organisation: Organisation, status: str = "", source: str = "", overdue: bool = False
) -> QuerySet[Referral]:
    referrals = organisation.referrals.select_related("person")
    if status:
        referrals = referrals.filter(status=status)
    if source:
        referrals = referrals.filter(source=source)
    if overdue:
        referrals = referrals.filter(
            status__in=AWAITING_FIRST_CONTACT, first_contact_due__lt=timezone.localdate()
        )
    return referrals.order_by("-received_at")


def overdue_referrals(*, organisation: Organisation) -> QuerySet[Referral]:
    """Referrals nobody has acted on by their first-contact date, oldest due first."""
    return (
        organisation.referrals.select_related("person")
        .filter(status__in=AWAITING_FIRST_CONTACT, first_contact_due__lt=timezone.localdate())
        .order_by("first_contact_due", "received_at")
    )


def overdue_referrals_counted(*, organisation: Organisation) -> QuerySet[Referral]:
    """The same, each row carrying `overdue_total` (all of them), so a panel needs one query."""
    return overdue_referrals(organisation=organisation).annotate(
        overdue_total=Window(expression=Count("id"))
    )


def referral_of(*, organisation: Organisation, referral_id: uuid.UUID) -> Referral:
    """The referral, if it is for this organisation; Referral.DoesNotExist otherwise."""
    return organisation.referrals.select_related("person", "referrer_user").get(pk=referral_id)


def history_of(*, referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.history.order_by("occurred_at")


def referrals_made_by(*, organisation: Organisation, user: User) -> QuerySet[Referral]:
    """The referrals this referrer made. Show them `name_as_sent`, never the linked record."""
    return organisation.referrals.filter(referrer_user=user).order_by("-received_at")


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
    """How many self-referrals this address has sent lately, from the audit log, which every web
    process shares (the cache-based limit alone would be per process)."""
    if not ip_address:
        return 0
    since = timezone.now() - dt.timedelta(hours=hours)
    return AuditEvent.objects.filter(
        action="referral.received",
        occurred_at__gte=since,
        ip_address=ip_address,
        detail__channel="self_referral",
    ).count()
