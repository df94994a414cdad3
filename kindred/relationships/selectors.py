"""Reads of relationships. Every query starts from an organisation, so another organisation's
relationship is simply not found."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Coalesce

from kindred.accounts.models import Membership, Organisation, Role, User
from kindred.people.models import Person
from kindred.referrals.models import OPEN_STATUSES, Referral
from kindred.relationships.models import (
    OPEN,
    WORRIED,
    ConcernLink,
    Contact,
    EndReason,
    NoteForSupporters,
    Relationship,
    Status,
    StatusChange,
    Supporter,
    quiet_since_expression,
)
from kindred.safeguarding.models import Status as ConcernStatus
from kindred.volunteers.models import RoleKind, Volunteer
from kindred.volunteers.selectors import eligible_volunteers

#: A contact marked worried counts as a worried flag for this many days.
WORRIED_DAYS = 30
#: "Review due" on the caseload: overdue, or due within this many days.
REVIEW_SOON_DAYS = 14
#: Relationships that can go quiet: support not paused or ended.
CAN_GO_QUIET = (Status.INTRODUCED.value, Status.ACTIVE.value)


def for_organisation(*, organisation: Organisation) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(organisation=organisation)
        .select_related("person")
        .prefetch_related("supporter_links__volunteer")
    )


def supported_by(*, organisation: Organisation, user: User) -> QuerySet[Relationship]:
    """The open relationships of this organisation the signed-in user currently supports, and
    only those: a volunteer sees nobody else. A supporter is who they are, not where their
    volunteer record is: one from another organisation of the network (ADR-013) supports people
    here through their own record, and sees them when acting for this organisation."""
    return for_organisation(organisation=organisation).filter(
        status__in=OPEN,
        supporter_links__volunteer__user=user,
        supporter_links__left_on__isnull=True,
    )


def supports(*, user: Any, relationship: Relationship) -> bool:
    """Whether this user is one of the relationship's current supporters (through their
    volunteer record in whichever organisation it is)."""
    return (
        getattr(user, "is_authenticated", False)
        and relationship.is_open
        and relationship.supporter_links.filter(volunteer__user=user, left_on__isnull=True).exists()
    )


#: The roles with which a user acts as a supporter in an organisation (relationships.rules).
SUPPORTER_ROLES = (Role.VOLUNTEER, Role.FACILITATOR)


def can_support_in(*, organisation: Organisation, user_ids: Iterable[Any]) -> set[Any]:
    """Those of these users who can open a relationship of this organisation as its supporter:
    an active account with an active volunteer or facilitator role here. A supporter whose
    volunteer record is in another organisation of the network needs one too."""
    pairs = can_support_pairs(organisation_ids=[organisation.pk], user_ids=user_ids)
    return {user_id for _, user_id in pairs}


def can_support_pairs(
    *, organisation_ids: Iterable[Any], user_ids: Iterable[Any]
) -> set[tuple[Any, Any]]:
    """(organisation_id, user_id) for each of these organisations in which each of these users
    can open a relationship as its supporter (as `can_support_in`), in one query: network
    suggestions check every pair without a query each (ADR-013)."""
    return set(
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids),
            organisation__is_active=True,
            role__in=SUPPORTER_ROLES,
            is_active=True,
            user__is_active=True,
            user_id__in=[u for u in user_ids if u is not None],
        ).values_list("organisation_id", "user_id")
    )


def supporting_record(*, organisation: Organisation, user: User) -> Volunteer | None:
    """The volunteer record through which this user supports someone of this organisation now.
    For a supporter from another organisation of the network (ADR-013), that is their own
    organisation's record: supervision is asked of that organisation."""
    link = (
        Supporter.objects.filter(
            relationship__organisation=organisation,
            relationship__status__in=OPEN,
            volunteer__user=user,
            left_on__isnull=True,
        )
        .select_related("volunteer__organisation")
        .order_by("joined_on", "id")
        .first()
    )
    return link.volunteer if link is not None else None


def supporter_load(volunteer_ids: Iterable[Any]) -> dict[Any, int]:
    """How many open relationships each volunteer holds: the places taken from their capacity."""
    rows = (
        Supporter.objects.filter(
            volunteer_id__in=list(volunteer_ids),
            left_on__isnull=True,
            relationship__status__in=OPEN,
        )
        .values("volunteer_id")
        .annotate(n=Count("id"))
    )
    return {row["volunteer_id"]: row["n"] for row in rows}


def previous_pairs(person_ids: Iterable[Any]) -> set[tuple[Any, Any]]:
    """(person, volunteer) pairs who supported each other before and did not end badly: the
    continuity a new match can keep."""
    rows = Supporter.objects.filter(relationship__person_id__in=list(person_ids)).exclude(
        relationship__end_reason=EndReason.NOT_RIGHT
    )
    return set(rows.values_list("relationship__person_id", "volunteer_id"))


def _quiet_since() -> Coalesce:
    return quiet_since_expression()


def _only_quiet(relationships: QuerySet[Relationship], today: dt.date) -> QuerySet[Relationship]:
    """Those of `relationships` (annotated with quiet_since) that can go quiet and have: no
    contact for their rhythm plus grace period."""
    candidates = relationships.filter(status__in=CAN_GO_QUIET).annotate(
        allowed=F("rhythm_days") + F("grace_days")
    )
    # Date arithmetic with a column differs between databases; the allowed gaps are few, so
    # each gets its own plain date comparison.
    allowed = set(candidates.order_by().values_list("allowed", flat=True).distinct())
    if not allowed:
        return candidates.none()
    if len(allowed) == 1:
        # Every candidate allows the same gap: one range of the quiet-since index (ADR-126).
        return candidates.filter(Q(quiet_since__lt=today - dt.timedelta(days=allowed.pop())))
    quiet = Q()
    for days in allowed:
        quiet |= Q(allowed=days, quiet_since__lt=today - dt.timedelta(days=days))
    return candidates.filter(quiet)


def gone_quiet(*, organisation: Organisation, today: dt.date) -> QuerySet[Relationship]:
    """Introduced or active relationships with no contact for their rhythm plus the grace period
    (defaults 14 + 7 days), quietest first. Each is annotated with `quiet_since`: the last
    contact that happened, or else the start or introduction."""
    open_ = for_organisation(organisation=organisation).annotate(quiet_since=_quiet_since())
    return _only_quiet(open_, today).order_by("quiet_since")


def reviews_overdue(*, organisation: Organisation, today: dt.date) -> QuerySet[Relationship]:
    """Active or paused relationships whose planned review date has passed unrecorded."""
    return (
        for_organisation(organisation=organisation)
        .filter(status__in=[Status.ACTIVE, Status.PAUSED], next_review_on__lt=today)
        .order_by("next_review_on")
    )


# Flags and dates shown beside a relationship.


class ContactRhythm(Protocol):
    """What the flags beside a relationship read: a Relationship, or a row of its columns (the
    caseload's CSV download reads rows, not records: ADR-093)."""

    @property
    def status(self) -> str: ...
    @property
    def introduced_on(self) -> dt.date: ...
    @property
    def started_on(self) -> dt.date | None: ...
    @property
    def last_contact_on(self) -> dt.date | None: ...
    @property
    def rhythm_days(self) -> int: ...
    @property
    def grace_days(self) -> int: ...
    @property
    def next_review_on(self) -> dt.date | None: ...


def is_quiet(relationship: ContactRhythm, today: dt.date) -> bool:
    """The same rule as `gone_quiet`, for one relationship already loaded."""
    if relationship.status not in CAN_GO_QUIET:
        return False
    since = quiet_since(relationship)
    return since < today - dt.timedelta(days=relationship.rhythm_days + relationship.grace_days)


def quiet_since(relationship: ContactRhythm) -> dt.date:
    """The last contact that happened, or else the start, or else the introduction."""
    return relationship.last_contact_on or relationship.started_on or relationship.introduced_on


def is_review_due(relationship: ContactRhythm, today: dt.date) -> bool:
    """Its planned review date has come: active or paused support only."""
    return (
        relationship.next_review_on is not None
        and relationship.status in (Status.ACTIVE, Status.PAUSED)
        and relationship.next_review_on <= today
    )


def next_contact_due(relationship: ContactRhythm) -> dt.date | None:
    """When the next contact is planned: the rhythm after the last one (or the start). None
    when support is paused or has ended."""
    if relationship.status not in CAN_GO_QUIET:
        return None
    return quiet_since(relationship) + dt.timedelta(days=relationship.rhythm_days)


def _worried_recently(today: dt.date) -> Exists:
    return Exists(
        Contact.objects.filter(
            relationship=OuterRef("pk"),
            feeling__in=WORRIED,
            happened_on__gte=today - dt.timedelta(days=WORRIED_DAYS),
        )
    )


def _open_concern() -> Exists:
    return Exists(
        ConcernLink.objects.filter(
            relationship=OuterRef("pk"), concern__status=ConcernStatus.RAISED
        )
    )


def with_flags(relationships: QuerySet[Relationship], today: dt.date) -> QuerySet[Relationship]:
    """Annotate `quiet_since`, `worried` (a contact marked a bit or very worried in the last 30
    days) and `has_open_concern`, in the same query as the relationships."""
    return relationships.annotate(
        quiet_since=_quiet_since(),
        worried=_worried_recently(today),
        has_open_concern=_open_concern(),
    )


# The coordinator's caseload.


@dataclass(frozen=True)
class CaseloadFilter:
    status: str = "open"  # "open", "" (any) or one Status
    quiet: bool = False
    review_due: bool = False
    worried: bool = False
    search: str = ""


def caseload(
    *, organisation: Organisation, today: dt.date, filters: CaseloadFilter | None = None
) -> QuerySet[Relationship]:
    """Every relationship of the organisation, filtered, longest since contact first, each with
    its flags. The person and supporters come in two more queries, whatever the page size."""
    filters = filters or CaseloadFilter()
    relationships = with_flags(for_organisation(organisation=organisation), today)
    if filters.status == "open":
        relationships = relationships.filter(status__in=OPEN)
    elif filters.status in Status.values:
        relationships = relationships.filter(status=filters.status)
    if filters.quiet:
        relationships = _only_quiet(relationships, today)
    if filters.review_due:
        relationships = relationships.filter(
            status__in=[Status.ACTIVE, Status.PAUSED],
            next_review_on__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS),
        )
    if filters.worried:
        relationships = relationships.filter(Q(worried=True) | Q(has_open_concern=True))
    for word in filters.search.split()[:4]:
        relationships = relationships.filter(
            Q(person__given_name__icontains=word)
            | Q(person__family_name__icontains=word)
            | Q(person__preferred_name__icontains=word)
        )
    return relationships.order_by("quiet_since", "person__family_name", "id")


def relationship_of(*, organisation: Organisation, relationship_id: uuid.UUID) -> Relationship:
    """One relationship of this organisation (Relationship.DoesNotExist otherwise)."""
    return (
        Relationship.objects.filter(organisation=organisation)
        .select_related("person", "referral", "organisation")
        .get(pk=relationship_id)
    )


def notes_for_supporters_of(*, relationship: Relationship) -> QuerySet[NoteForSupporters]:
    """Every version of the note for the relationship's supporters, latest (in force) first."""
    return relationship.notes_for_supporters.order_by("-number")


def note_for_supporters(*, relationship: Relationship) -> NoteForSupporters | None:
    """The version of the note for supporters in force (its text may be blank: taken away)."""
    return notes_for_supporters_of(relationship=relationship).first()


def _note_for_supporters_text() -> Subquery:
    """The text of the note for supporters in force, for each relationship of a query."""
    return Subquery(
        NoteForSupporters.objects.filter(relationship=OuterRef("pk"))
        .order_by("-number")
        .values("text")[:1],
        output_field=TextField(),
    )


def supporter_links_of(*, relationship: Relationship) -> QuerySet[Supporter]:
    """Everyone who has supported the person in this relationship, current first."""
    return relationship.supporter_links.select_related("volunteer").order_by(
        F("left_on").asc(nulls_first=True), "joined_on"
    )


def current_supporters(*, relationship: Relationship) -> list[Volunteer]:
    return [
        link.volunteer
        for link in relationship.supporter_links.filter(left_on__isnull=True).select_related(
            "volunteer"
        )
    ]


def contacts_of(*, relationship: Relationship) -> QuerySet[Contact]:
    """Contacts, latest first."""
    return relationship.contacts.select_related("volunteer", "logged_by").order_by(
        "-happened_on", "-created_at"
    )


def contact_of(*, relationship: Relationship, contact_id: uuid.UUID) -> Contact:
    return relationship.contacts.get(pk=contact_id)


def concerns_of(*, relationship: Relationship) -> QuerySet[ConcernLink]:
    """The concerns raised from this relationship, newest first (with each concern)."""
    return relationship.concern_links.select_related(
        "concern", "concern__raised_by", "concern__acknowledged_by", "contact"
    ).order_by("-concern__raised_at")


def history_of(*, relationship: Relationship) -> QuerySet[StatusChange]:
    return relationship.history.select_related("by_user").order_by("occurred_at", "created_at")


def open_concerns(*, organisation: Organisation) -> QuerySet[ConcernLink]:
    """Concerns raised from relationships that no lead has acknowledged yet, oldest first."""
    return (
        ConcernLink.objects.filter(
            relationship__organisation=organisation, concern__status=ConcernStatus.RAISED
        )
        .select_related("concern", "relationship__person")
        .order_by("concern__raised_at")
    )


def worried_contacts(*, organisation: Organisation, today: dt.date) -> QuerySet[Contact]:
    """Contacts marked a bit or very worried in the last 30 days, latest first."""
    return (
        Contact.objects.filter(
            organisation=organisation,
            feeling__in=WORRIED,
            happened_on__gte=today - dt.timedelta(days=WORRIED_DAYS),
        )
        .select_related("relationship__person", "volunteer")
        .order_by("-happened_on", "-created_at")
    )


def relationships_of_person(
    *, organisation: Organisation, person: Person
) -> QuerySet[Relationship]:
    """The person's relationships, each with its supporters and their volunteer records read in
    one query beside it (the person's page shows two sections of them)."""
    supporters = Prefetch("supporter_links", Supporter.objects.select_related("volunteer"))
    return (
        for_organisation(organisation=organisation)
        .filter(person=person)
        .prefetch_related(None)
        .prefetch_related(supporters)
    )


def supports_person(*, user: Any, person: Person) -> bool:
    """Whether this user currently supports this person in any open relationship of the
    person's organisation (through their volunteer record, wherever it is)."""
    return (
        getattr(user, "is_authenticated", False)
        and Supporter.objects.filter(
            relationship__person=person,
            relationship__organisation_id=person.organisation_id,
            relationship__status__in=OPEN,
            volunteer__user=user,
            left_on__isnull=True,
        ).exists()
    )


def eligible_supporters(*, organisation: Organisation, on: dt.date) -> list[Volunteer]:
    """Active volunteers who meet everything a one-to-one role asks for today (befriender or
    crisis line supporter), by name: whom a coordinator may introduce by hand."""
    found: dict[Any, Volunteer] = {}
    for role in organisation.volunteering_roles.filter(
        kind__in=[RoleKind.BEFRIENDER, RoleKind.CRISIS_LINE]
    ).order_by("name"):
        for volunteer in eligible_volunteers(organisation, role, on=on):
            found.setdefault(volunteer.pk, volunteer)
    return sorted(found.values(), key=lambda v: (v.family_name, v.given_name))


def open_referrals_of(*, organisation: Organisation, person: Person) -> QuerySet[Referral]:
    """The person's referrals that support could still come from (not declined, closed or
    joined to another)."""
    return organisation.referrals.filter(person=person, status__in=OPEN_STATUSES)


# The supporter's own view.


def my_people(*, organisation: Organisation, user: User, today: dt.date) -> list[Relationship]:
    """The open relationships of this organisation this user supports, each with `my_contacts`
    (the last three contacts they logged), `other_supporters` and `note_for_supporters` (the
    coordinator's note for them, or None): four queries however many people."""
    relationships = list(
        with_flags(supported_by(organisation=organisation, user=user), today)
        .annotate(note_for_supporters=_note_for_supporters_text())
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(logged_by=user).order_by(
                    "-happened_on", "-created_at"
                )[:3],
                to_attr="my_contacts",
            )
        )
        .distinct()
    )
    for relationship in relationships:
        links = relationship.supporter_links.all()  # prefetched by for_organisation
        relationship.other_supporters = [  # type: ignore[attr-defined]
            link.volunteer
            for link in links
            if link.left_on is None and link.volunteer.user_id != user.pk
        ]
    return sorted(
        relationships, key=lambda r: (next_contact_due(r) or dt.date.max, r.person.family_name)
    )


# Figures for reports (issue 19): each defined once, here, with its definition beside it. -----

SUPPORTED_ONE_TO_ONE = (
    "People with a one-to-one, befriending or peer mentoring relationship that was open "
    "(introduced, active or paused) on at least one day of the period."
)
MATCHES = "Relationships introduced (a person matched with a supporter) during the period."
ACTIVE_RELATIONSHIPS = (
    "Relationships that had started and had not ended on the last day of the period (paused "
    "ones included)."
)
CONTACTS = "Contacts that happened (not missed or cancelled) on a day in the period."


def relationships_open_between(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> QuerySet[Relationship]:
    """Relationships open on at least one day of start..end (SUPPORTED_ONE_TO_ONE)."""
    return Relationship.objects.filter(
        organisation__in=list(organisation_ids), introduced_on__lte=end
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))


def supported_person_ids(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> Iterable[Mapping[str, Any]]:
    """(organisation, kind, person) of everyone SUPPORTED_ONE_TO_ONE, distinct. Unordered: the
    model's ordering would make its columns part of what is distinct (one row per relationship,
    not per person, and a sort of them all)."""
    return (
        relationships_open_between(organisation_ids=organisation_ids, start=start, end=end)
        .order_by()
        .values("organisation_id", "kind", "person_id")
        .distinct()
    )


def relationship_counts(
    *, organisation_ids: Iterable[uuid.UUID], start: dt.date, end: dt.date
) -> dict[uuid.UUID, dict[str, int]]:
    """Per organisation: matches made (MATCHES), active relationships at the end
    (ACTIVE_RELATIONSHIPS) and contacts (CONTACTS). Three grouped queries."""
    ids = list(organisation_ids)
    figures: dict[uuid.UUID, dict[str, int]] = {
        i: {"matches": 0, "active": 0, "contacts": 0} for i in ids
    }
    matches = (
        Relationship.objects.filter(organisation__in=ids, introduced_on__range=(start, end))
        .values_list("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
    active = (
        Relationship.objects.filter(organisation__in=ids, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .values_list("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
    contacts = (
        Contact.objects.filter(
            organisation__in=ids, happened_on__range=(start, end), outcome="happened"
        )
        .values_list("organisation")
        .annotate(n=Count("id"))
        .values_list("organisation", "n")
    )
    for name, rows in (("matches", matches), ("active", active), ("contacts", contacts)):
        for organisation_id, n in rows:
            figures[organisation_id][name] = n
    return figures
