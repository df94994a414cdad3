"""Writes for the crisis line's support requests (re-exported by kindred/crisis/services.py).

A request comes in (`support_request_receive`), is offered to every supporter on call at once,
and while nobody takes it climbs the ladder supporters -> backup -> professional, one step every
`KINDRED_CRISIS_OFFER_SECONDS`; a step with nobody on it is passed at once, so a request is never
left with no one. The professional must acknowledge it within the same time again, or a
safeguarding concern (level high) is raised. `support_request_advance` is the one idempotent
"what is due now" (ADR-117): it locks the request's row and takes only what is due and not yet
taken, so a timer that fires twice, late, or in two workers at once does nothing the second
time. Each write locks the row, records the event, tells people and appends its audit entry last,
in one transaction. Messages carry no personal data: people sign in to read the request.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.services import Acting, audit_record, audit_view
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.crisis import requests_audit_actions as audit_actions
from kindred.crisis import selectors as crisis_selectors
from kindred.crisis.models.requests import (
    LADDER,
    MACHINE,
    Channel,
    EventKind,
    RequestEvent,
    RequestOffer,
    RequestStatusChange,
    Status,
    Step,
    SupportRequest,
    next_step,
)
from kindred.notifications.models import Notification
from kindred.notifications.services import NoRecipient, notification_send
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.safeguarding.models import Level, Source
from kindred.safeguarding.services import concern_raise
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers.models import Volunteer
from kindred.volunteers.services import support as volunteer_support
from kindred.wellbeing import audit_actions as wellbeing_audit_actions
from kindred.wellbeing import selectors as wellbeing_selectors
from kindred.wellbeing.models import PLAN_FIELDS

NAME_MAX = 200
MESSAGE_MAX = 5000
OUTCOME_MAX = 5000
LADDER_LABEL = "Kindred (crisis line: nobody took it in time)"
KIND = "crisis.request"


class RequestError(DomainError):
    """Something about a support request that cannot be done, said plainly; `field` names the
    form field the message belongs beside."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NoWayToReach(RequestError):
    """A request needs a phone number or an email address to reach the person."""


class AlreadyTaken(RequestError, ChangedSinceYouLooked):
    """Someone else took the request first."""


def offer_seconds() -> int:
    return int(getattr(settings, "KINDRED_CRISIS_OFFER_SECONDS", 300))


def _step_length() -> dt.timedelta:
    return dt.timedelta(seconds=offer_seconds())


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def _event(
    request: SupportRequest,
    kind: str,
    *,
    by: Acting,
    at: dt.datetime,
    to: str = "",
    people: int = 0,
    text: str = "",
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request,
        kind=kind,
        to=to,
        at=at,
        people=people,
        by_user=by.user,
        by_label=_name(by.user) or by.actor_label,
        text=text,
    )


def _move(by: Acting, request: SupportRequest, to: str, at: dt.datetime, note: str = "") -> None:
    """Change the request's state (the machine checks the move); its history row too."""
    before = request.status
    MACHINE.check(current=before, to=to)
    request.status = to
    RequestStatusChange.objects.create(
        request=request,
        from_state=before,
        to_state=to,
        occurred_at=at,
        by_user=by.user,
        by_label=_name(by.user) or by.actor_label,
        note=note,
    )


# Checking what came in


def _clean_phone(phone: str) -> str:
    phone = phone.strip()
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        raise RequestError(
            "Enter a phone number, like 07700 900 982 or 020 7946 0000", field="phone"
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise RequestError(
            "Enter a phone number, like 07700 900 982 or 020 7946 0000", field="phone"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _clean_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise RequestError(
            "Enter an email address in the correct format, like name@example.com", field="email"
        ) from None
    return email


def _acting(organisation: Organisation, by: Acting | User | None, channel: str) -> Acting:
    if isinstance(by, Acting):
        if by.organisation is not None and by.organisation.pk != organisation.pk:
            raise RequestError("A request is received for the organisation acted for")
        return (
            by
            if by.organisation is not None
            else Acting(
                user=by.user, organisation=organisation, ip_address=by.ip_address, label=by.label
            )
        )
    if isinstance(by, User):
        return Acting(user=by, organisation=organisation)
    return Acting.system(f"crisis line ({Channel(channel).label.lower()})", organisation)


@transaction.atomic
def support_request_receive(
    organisation: Organisation,
    *,
    name: str,
    phone: str = "",
    email: str = "",
    message: str = "",
    channel: str,
    by: Acting | User | None = None,
    at: dt.datetime | None = None,
) -> SupportRequest:
    """Store a request that came in by text message, phone call or the web form, record that it
    was received and offer it at once to every supporter on call (or the next step of the ladder
    when nobody is). Refuses, saving nothing, a request with no way to reach the person
    (`NoWayToReach`) or with a phone number, email address, channel or name that will not do."""
    if channel not in Channel.values:
        raise RequestError("The channel must be one of: sms, call, web", field="channel")
    if not organisation.is_active:
        raise RequestError("This organisation is not taking requests")
    name = " ".join((name or "").split())
    if not name:
        raise RequestError("Enter a name, or what we should call you", field="name")
    if len(name) > NAME_MAX:
        raise RequestError(f"A name must be {NAME_MAX} characters or fewer", field="name")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise RequestError(
            f"The message must be {MESSAGE_MAX} characters or fewer", field="message"
        )
    phone, email = _clean_phone(phone or ""), _clean_email(email or "")
    if not phone and not email:
        raise NoWayToReach(
            "Give a phone number or an email address, so that someone can reach you",
            field="phone",
        )
    acting = _acting(organisation, by, channel)
    now = _when(at)
    request = SupportRequest.objects.create(
        organisation=organisation,
        channel=channel,
        name=name,
        phone=phone,
        email=email,
        message=message,
        received_at=now,
        received_by=acting.user,
        status=Status.WAITING,
        step=Step.SUPPORTERS,
    )
    _event(request, EventKind.RECEIVED, by=acting, at=now, text=Channel(channel).label)
    system = Acting.system(LADDER_LABEL, organisation=organisation)
    _take_step(request, Step.SUPPORTERS, now, system)
    request.save()
    _schedule(request)
    audit_record(by=acting, action=audit_actions.REQUEST_RECEIVED, target=request,
                 detail={"channel": channel})  # fmt: skip
    return request


# The ladder


@dataclass(frozen=True)
class Recipient:
    label: str
    user: User | None = None
    volunteer: Volunteer | None = None
    email: str = ""
    phone: str = ""


def _phone_of_user(organisation: Organisation, user: User) -> str:
    """A user's mobile number, from their volunteer record in the organisation (users have
    none of their own)."""
    volunteer = volunteer_selectors.volunteer_for_user(organisation=organisation, user=user)
    return volunteer.phone if volunteer is not None else ""


def _recipients(request: SupportRequest, step: str, at: dt.datetime) -> list[Recipient]:
    organisation = request.organisation
    on_call = crisis_selectors.on_call(organisation, at)
    if step == Step.SUPPORTERS:
        return [
            Recipient(
                label=v.display_name,
                user=v.user,
                volunteer=v,
                email=v.email or (v.user.email if v.user is not None else ""),
                phone=v.phone,
            )
            for v in on_call.supporters
        ]
    if step == Step.BACKUP:
        return [
            Recipient(label=_name(u), user=u, email=u.email, phone=_phone_of_user(organisation, u))
            for u in on_call.backup
        ]
    if step == Step.PROFESSIONAL and on_call.professional is not None:
        u = on_call.professional
        return [
            Recipient(label=_name(u), user=u, email=u.email, phone=_phone_of_user(organisation, u))
        ]
    return []


def _tell(request: SupportRequest, recipient: Recipient, template: str, **context: object) -> int:
    """Send `template` to the recipient by email and text message, where they have each;
    returns how many messages were queued. An address that cannot take a message is skipped:
    the step still counts the person, and the other channel or the next step reaches someone."""
    sent = 0
    by = Acting.system("crisis line", organisation=request.organisation)
    for channel, to in (
        (Notification.Channel.SMS, recipient.phone),
        (Notification.Channel.EMAIL, recipient.email),
    ):
        if not to:
            continue
        try:
            notification_send(
                by=by,
                to=to,
                kind=KIND,
                channel=channel,
                template=f"crisis/requests/messages/{template}.jinja",
                context={
                    "organisation": request.organisation.name,
                    "received_at": timezone.localtime(request.received_at),
                    "sms": channel == Notification.Channel.SMS,
                    **context,
                },
                about=request,
            )
        except NoRecipient:
            continue
        sent += 1
    return sent


def _take_step(
    request: SupportRequest,
    step: str,
    now: dt.datetime,
    system: Acting,
    *,
    due: dt.datetime | None = None,
) -> None:
    """Offer the request to `step` (or raise the concern, past the professional); a step with
    nobody on it is recorded with 0 people and the next is taken at once. Sets `step` and
    `next_step_at` (the caller saves). The next step falls due one step's time after this one
    was *due* (`due`, else now), so a sweep running late catches up through every step whose
    time has passed; the professional always has a full step's time to acknowledge from when
    they are told."""
    base = due or now
    current: str | None = step
    while current is not None:
        request.step = current
        if current == Step.CONCERN:
            request.next_step_at = None
            _raise_concern(request, now, system, why="nobody on the crisis line took it")
            return
        recipients = _recipients(request, current, now)
        event = _event(request, EventKind.OFFERED, by=system, at=now, to=current,
                       people=len(recipients))  # fmt: skip
        for recipient in recipients:
            RequestOffer.objects.create(
                request=request,
                event=event,
                user=recipient.user,
                volunteer=recipient.volunteer,
                label=recipient.label,
                step=current,
            )
            _tell(request, recipient, "offered", step=current)
        audit_record(by=system, action=audit_actions.REQUEST_OFFERED, target=request,
                     detail={"to": current, "people": len(recipients)})  # fmt: skip
        if recipients:
            if current == Step.PROFESSIONAL:
                request.professional = recipients[0].user
                request.acknowledge_by = now + _step_length()
                # Past the professional, the next step is the concern, at the same time.
                request.next_step_at = request.acknowledge_by
            else:
                request.next_step_at = base + _step_length()
            return
        current = next_step(current)


def _raise_concern(request: SupportRequest, now: dt.datetime, system: Acting, *, why: str) -> None:
    """Raise the one safeguarding concern (level high) about a request nobody has answered."""
    if request.concern_id is not None:
        return
    raised = concern_raise(
        by=system,
        level=Level.HIGH,
        detail=(
            f"A support request to the crisis line, received at "
            f"{timezone.localtime(request.received_at):%H:%M on %d %B %Y}, has not been "
            f"answered: {why}. Open it on the crisis line's requests page."
        ),
        source=Source.CRISIS_CALL,
        person=request.person,
        about="" if request.person is not None else f"{request.name} (a crisis line request)",
    )
    request.concern_id = raised.concern.pk
    _event(request, EventKind.CONCERN_RAISED, by=system, at=now, text=why,
           people=len(raised.reached.people) if raised.reached else 0)  # fmt: skip
    audit_record(by=system, action=audit_actions.REQUEST_CONCERN_RAISED, target=request,
                 detail={"concern": str(raised.concern.pk), "automatic": True})  # fmt: skip


def next_due(request: SupportRequest) -> dt.datetime | None:
    """When something next falls due for this request (a step or the acknowledgement target)."""
    times = []
    if request.status == Status.WAITING and request.next_step_at is not None:
        times.append(request.next_step_at)
    if (
        request.status != Status.CLOSED
        and request.acknowledge_by is not None
        and request.acknowledged_at is None
        and request.concern_id is None
    ):
        times.append(request.acknowledge_by)
    return min(times) if times else None


@transaction.atomic
def support_request_advance(
    *, request_id: uuid.UUID, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Take whatever is due for this request and not yet taken: the next step of the ladder
    (as many as are due), or the concern when the professional has not acknowledged it in time.
    Safe to run any number of times, from the timer, the sweep or two workers at once: the row
    is locked and a step moved on is not taken again. Returns when the next thing falls due."""
    now = now or timezone.now()
    request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return None
    system = Acting.system(LADDER_LABEL, organisation=request.organisation)
    changed = False
    while (
        request.status == Status.WAITING
        and request.next_step_at is not None
        and request.next_step_at <= now
    ):
        following = next_step(request.step)
        if following is None:
            request.next_step_at = None
        else:
            _take_step(request, following, now, system, due=request.next_step_at)
        changed = True
    if (
        request.status != Status.CLOSED
        and request.acknowledge_by is not None
        and request.acknowledge_by <= now
        and request.acknowledged_at is None
        and request.concern_id is None
    ):
        _raise_concern(request, now, system,
                       why="the professional on call did not acknowledge it in time")  # fmt: skip
        changed = True
    if changed:
        request.save()
    return next_due(request)


def due_now(*, now: dt.datetime | None = None) -> list[uuid.UUID]:
    """Requests with something due (the sweep's list), across organisations."""
    now = now or timezone.now()
    return list(
        SupportRequest.objects.filter(
            Q(status=Status.WAITING, next_step_at__lte=now)
            | Q(
                status__in=(Status.WAITING, Status.ACCEPTED),
                acknowledge_by__lte=now,
                acknowledged_at__isnull=True,
                concern_id__isnull=True,
            )
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )


def advance_due(*, now: dt.datetime | None = None) -> int:
    """The sweep: advance every request with something due. Returns how many it advanced."""
    ids = due_now(now=now)
    for request_id in ids:
        support_request_advance(request_id=request_id, now=now)
    return len(ids)


def _schedule(request: SupportRequest) -> None:
    """Queue the request's timer for when its next step falls due, once the write commits."""
    at = next_due(request)
    if at is None:
        return
    from kindred.crisis import requests_tasks  # tasks import this module: import at call time

    request_id = str(request.pk)
    transaction.on_commit(lambda: requests_tasks.queue_advance(request_id, at))


# What the supporter does


def _when(at: dt.datetime | None) -> dt.datetime:
    """When something happened: now, or earlier (a gateway's queued message, the demo's past
    requests), never in the future."""
    now = timezone.now()
    if at is None:
        return now
    if at.tzinfo is None or at > now + dt.timedelta(minutes=5):
        raise RequestError("When it happened must be a time now or in the past")
    return at


def _lock(by: Acting, request_id: uuid.UUID) -> SupportRequest:
    if by.organisation is None:
        raise RequestError("Choose an organisation to act for first")
    try:
        return (
            SupportRequest.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(organisation=by.organisation, pk=request_id)
        )
    except SupportRequest.DoesNotExist:
        raise RequestError("There is no such request") from None


def _roles(by: Acting) -> frozenset[str]:
    return by.user.roles_in(by.organisation) if by.user is not None else frozenset()


def was_offered_to(request: SupportRequest, user: User | None) -> bool:
    return user is not None and RequestOffer.objects.filter(request=request, user=user).exists()


def _tell_taken(request: SupportRequest, taker: User, at: dt.datetime) -> None:
    """Everyone else it was offered to is told that someone has it (by name: they are the
    team)."""
    seen: set[tuple[str, str]] = set()
    for offer in RequestOffer.objects.filter(request=request).select_related("user", "volunteer"):
        if offer.user_id == taker.pk:
            continue
        email = (offer.volunteer.email if offer.volunteer else "") or (
            offer.user.email if offer.user else ""
        )
        phone = offer.volunteer.phone if offer.volunteer else ""
        if (email, phone) in seen:
            continue
        seen.add((email, phone))
        _tell(request, Recipient(label=offer.label, email=email, phone=phone), "taken",
              taker=_name(taker))  # fmt: skip
    if seen:
        _event(request, EventKind.TOLD_TAKEN, by=Acting.system("crisis line", request.organisation),
               at=at, people=len(seen))  # fmt: skip


@transaction.atomic
def support_request_accept(
    *, by: Acting, request_id: uuid.UUID, at: dt.datetime | None = None
) -> SupportRequest:
    """Take a request offered to you. The first to accept takes it: the row is locked, so of
    two accepting at once the second waits, then finds it taken and is told who has it."""
    request = _lock(by, request_id)
    if by.user is None:
        raise RequestError("Sign in to take a request")
    if not was_offered_to(request, by.user) and Role.COORDINATOR not in _roles(by):
        raise RequestError("This request was not offered to you")
    if request.status != Status.WAITING:
        if request.accepted_by_id == by.user.pk:
            raise AlreadyTaken("You have already taken this request")
        who = _name(request.accepted_by) or "someone else"
        raise AlreadyTaken(f"{who} has already taken this request")
    now = _when(at)
    _move(by, request, Status.ACCEPTED, now)
    request.accepted_by = by.user
    request.accepted_at = now
    request.next_step_at = None
    if request.professional_id is not None and request.acknowledged_at is None:
        request.acknowledge_by = None  # the professional is told someone has it
    request.save()
    _event(request, EventKind.ACCEPTED, by=by, at=now)
    _tell_taken(request, by.user, now)
    audit_record(by=by, action=audit_actions.REQUEST_ACCEPTED, target=request)
    return request


def _must_hold(by: Acting, request: SupportRequest, what: str) -> None:
    """Only the supporter who took the request (or a coordinator) works it."""
    if by.user is not None and request.accepted_by_id == by.user.pk:
        return
    if Role.COORDINATOR in _roles(by):
        return
    raise RequestError(f"Only the person who took this request can {what}")


@transaction.atomic
def support_request_escalate(
    *, by: Acting, request_id: uuid.UUID, note: str = "", at: dt.datetime | None = None
) -> SupportRequest:
    """Call in the professional on call now. With no professional on call, a safeguarding
    concern is raised at once instead, so that it still reaches a person."""
    request = _lock(by, request_id)
    _must_hold(by, request, "escalate it")
    if request.status == Status.CLOSED:
        raise RequestError("This request is closed")
    if (
        request.professional_id is not None
        and request.acknowledged_at is None
        and (request.acknowledge_by is not None)
    ):
        raise RequestError(
            "The professional on call has already been told and has not yet acknowledged it"
        )
    now = _when(at)
    recipients = _recipients(request, Step.PROFESSIONAL, now)
    event = _event(request, EventKind.ESCALATED, by=by, at=now, to=Step.PROFESSIONAL,
                   people=len(recipients), text=note.strip()[:OUTCOME_MAX])  # fmt: skip
    if recipients:
        for recipient in recipients:
            RequestOffer.objects.create(request=request, event=event, user=recipient.user,
                                        label=recipient.label, step=Step.PROFESSIONAL)  # fmt: skip
            _tell(request, recipient, "escalated", by_name=_name(by.user))
        request.professional = recipients[0].user
        request.acknowledge_by = now + _step_length()
        request.acknowledged_at = None
        request.acknowledged_by = None
    else:
        _raise_concern(request, now, Acting.system(LADDER_LABEL, organisation=request.organisation),
                       why="it was escalated and no professional is on call")  # fmt: skip
    request.save()
    _schedule(request)
    audit_record(by=by, action=audit_actions.REQUEST_ESCALATED, target=request,
                 detail={"people": len(recipients)})  # fmt: skip
    return request


@transaction.atomic
def support_request_acknowledge(
    *, by: Acting, request_id: uuid.UUID, at: dt.datetime | None = None
) -> SupportRequest:
    """The professional it reached acknowledges it. A request nobody had taken becomes theirs."""
    request = _lock(by, request_id)
    if by.user is None or request.professional_id != by.user.pk:
        raise RequestError("Only the professional this request reached can acknowledge it")
    if request.acknowledged_at is not None:
        raise RequestError("You have already acknowledged this request")
    if request.status == Status.CLOSED:
        raise RequestError("This request is closed")
    now = _when(at)
    request.acknowledged_at = now
    request.acknowledged_by = by.user
    request.acknowledge_by = None
    took = request.status == Status.WAITING
    if took:
        _move(by, request, Status.ACCEPTED, now, note="acknowledged by the professional")
        request.accepted_by = by.user
        request.accepted_at = now
        request.next_step_at = None
    request.save()
    _event(request, EventKind.ACKNOWLEDGED, by=by, at=now)
    if took:
        _tell_taken(request, by.user, now)
    audit_record(by=by, action=audit_actions.REQUEST_ACKNOWLEDGED, target=request)
    return request


@transaction.atomic
def support_request_link_person(
    *, by: Acting, request_id: uuid.UUID, person: Person
) -> SupportRequest:
    """Link the request to the record of the person it is from, as chosen by the supporter who
    took it (never matched automatically)."""
    request = _lock(by, request_id)
    _must_hold(by, request, "link it to a record")
    if person.organisation_id != request.organisation_id or person.merged_into_id is not None:
        raise RequestError("That person's record is not in this organisation", field="person")
    if request.person_id == person.pk:
        raise RequestError("The request is already linked to that record", field="person")
    request.person = person
    request.save(update_fields=["person", "updated_at"])
    _event(request, EventKind.LINKED, by=by, at=timezone.now())
    audit_record(by=by, action=audit_actions.REQUEST_LINKED, target=request,
                 detail={"person": str(person.pk)})  # fmt: skip
    return request


@transaction.atomic
def support_request_concern(
    *, by: Acting, request_id: uuid.UUID, level: str, detail: str
) -> uuid.UUID:
    """The supporter raises a safeguarding concern about the person who asked (the linked
    record, or the name they gave). Returns the concern's id."""
    request = _lock(by, request_id)
    _must_hold(by, request, "raise a concern from it")
    if request.concern_id is not None:
        raise RequestError(
            "A safeguarding concern has already been raised about this request: add to it there"
        )
    if not detail.strip():
        raise RequestError("Say what you saw or heard", field="detail")
    raised = concern_raise(by=by, level=level, detail=detail, source=Source.CRISIS_CALL,
                           person=request.person,
                           about="" if request.person else f"{request.name} (a crisis line request)")  # fmt: skip
    request.concern_id = raised.concern.pk
    request.save(update_fields=["concern_id", "updated_at"])
    _event(request, EventKind.CONCERN_RAISED, by=by, at=timezone.now(),
           people=len(raised.reached.people) if raised.reached else 0)  # fmt: skip
    audit_record(by=by, action=audit_actions.REQUEST_CONCERN_RAISED, target=request,
                 detail={"concern": str(raised.concern.pk), "automatic": False})  # fmt: skip
    return raised.concern.pk


@transaction.atomic
def support_request_close(
    *,
    by: Acting,
    request_id: uuid.UUID,
    outcome: str,
    professional_help: bool,
    hard_call: bool = False,
    at: dt.datetime | None = None,
) -> SupportRequest:
    """Close a request taken, recording what happened, whether professional help was involved
    and whether it was a hard call (the supporter is then offered a debrief)."""
    request = _lock(by, request_id)
    allowed = by.user is not None and by.user.pk in (
        request.accepted_by_id,
        request.professional_id if request.acknowledged_at else None,
    )
    if not allowed and Role.COORDINATOR not in _roles(by):
        raise RequestError("Only the person who took this request can close it")
    outcome = outcome.strip()
    if not outcome:
        raise RequestError("Say what happened", field="outcome")
    if len(outcome) > OUTCOME_MAX:
        raise RequestError(f"Say it in {OUTCOME_MAX} characters or fewer", field="outcome")
    if request.status == Status.CLOSED:
        raise RequestError("This request is already closed")
    now = _when(at)
    _move(by, request, Status.CLOSED, now, note=outcome)
    request.closed_at = now
    request.outcome = outcome
    request.professional_help = professional_help
    request.hard_call = hard_call
    request.next_step_at = None
    request.acknowledge_by = None
    request.save()
    _event(request, EventKind.CLOSED, by=by, at=now, text=outcome)
    audit_record(by=by, action=audit_actions.REQUEST_CLOSED, target=request,
                 detail={"professional_help": professional_help, "hard_call": hard_call})  # fmt: skip
    return request


@transaction.atomic
def support_request_supervision_ask(
    *, by: Acting, request_id: uuid.UUID, note: str = ""
) -> SupportRequest:
    """After a hard call, the supporter asks for supervision: the coordinators are told (by
    email; the message names the supporter and no one else)."""
    request = _lock(by, request_id)
    if by.user is None or request.accepted_by_id != by.user.pk:
        raise RequestError("Only the person who took this request can ask for supervision after it")
    if request.supervision_asked_at is not None:
        raise RequestError("You have already asked for supervision after this call")
    now = timezone.now()
    request.supervision_asked_at = now
    request.save(update_fields=["supervision_asked_at", "updated_at"])
    coordinators = list(
        volunteer_selectors.coordinators_of(organisation=request.organisation).order_by("email")
    )
    volunteer = volunteer_selectors.volunteer_for_user(
        organisation=request.organisation, user=by.user
    )
    if volunteer is not None:
        # The volunteers' own "ask for support": the coordinators hear at once and answer it
        # from the volunteer's page, like any other request for support.
        said = (
            f"Asked for supervision after a hard crisis line call on "
            f"{timezone.localtime(request.received_at):%d %B %Y}. {note.strip()}"
        )
        volunteer_support.support_request(by=by, volunteer=volunteer, message=said.strip())
    else:
        for coordinator in coordinators:
            _tell(request, Recipient(label=_name(coordinator), email=coordinator.email),
                  "supervision", supporter=_name(by.user), note=note.strip()[:1000])  # fmt: skip
    _event(request, EventKind.SUPERVISION_ASKED, by=by, at=now, people=len(coordinators))
    audit_record(by=by, action=audit_actions.REQUEST_SUPERVISION_ASKED, target=request,
                 detail={"coordinators": len(coordinators)})  # fmt: skip
    return request


# Reads that are audited


@dataclass(frozen=True)
class PlanShown:
    """The linked person's crisis plan as the crisis line may see it."""

    shared: bool
    parts: list[tuple[str, str]]
    version: int | None = None


def request_viewed(*, by: Acting, request: SupportRequest) -> None:
    audit_view(by=by, entity=audit_actions.SUPPORT_REQUEST, target=request)


def requests_listed(*, by: Acting, requests: list[SupportRequest]) -> None:
    audit_view(by=by, entity=audit_actions.SUPPORT_REQUEST_LIST,
               detail={"requests": [str(r.pk) for r in requests]})  # fmt: skip


def crisis_plan_for_request(*, by: Acting, request: SupportRequest) -> PlanShown | None:
    """The crisis plan of the person the request is linked to, if they shared it with the
    crisis line (their sharing choice in force, read through wellbeing's selectors). Showing it
    is audited as a read of the plan and of the person; a plan not shared is not shown."""
    person = request.person
    if person is None:
        return None
    organisation = request.organisation
    plan = wellbeing_selectors.crisis_plan_of(organisation=organisation, person=person)
    sharing = wellbeing_selectors.sharing_in_force(plan)
    version = wellbeing_selectors.current_version(plan)
    if version is None or sharing is None or not sharing.crisis_line:
        return PlanShown(shared=False, parts=[])
    content = version.content()
    parts = [(label, content[name]) for name, label, _hint in PLAN_FIELDS if content[name]]
    audit_view(by=by, entity=wellbeing_audit_actions.CRISIS_PLAN, target=person,
               detail={"page": "crisis line request", "because": "crisis line",
                       "version": version.number, "request": str(request.pk)})  # fmt: skip
    people_viewed(by=by, people=person, page="crisis line request")
    return PlanShown(shared=True, parts=parts, version=version.number)


# Merging two records of one person (people.merging, ADR-090)


def person_requests_held(*, person: Person) -> int:
    return SupportRequest.objects.filter(person=person).count()


@transaction.atomic
def person_requests_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """The requests linked to the merged record follow the person to the survivor, each with
    a line on its timeline. Called by people.merging.person_merge only."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    moving = list(
        SupportRequest.objects.select_for_update().filter(organisation=organisation, person=merged)
    )
    now = timezone.now()
    for request in moving:
        request.person = survivor
        request.save(update_fields=["person", "updated_at"])
        _event(request, EventKind.LINKED, by=by, at=now,
               text="Two records of this person were merged: the request moved with them")  # fmt: skip
    return len(moving)


__all__ = [
    "LADDER",
    "AlreadyTaken",
    "NoWayToReach",
    "RequestError",
    "advance_due",
    "support_request_accept",
    "support_request_acknowledge",
    "support_request_advance",
    "support_request_close",
    "support_request_concern",
    "support_request_escalate",
    "support_request_link_person",
    "support_request_receive",
    "support_request_supervision_ask",
]
