"""Referral pages: inbox, detail with history, one route for each triage action, the three
forms, the referrer's page, concerns for the GP."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kindred.accounts.models import Organisation
from kindred.core.access import access_rule_of, permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.limits import try_counted
from kindred.core.services import Acting, client_ip
from kindred.core.transitions import DomainError
from kindred.people.models import Person
from kindred.people.selectors import person_of
from kindred.people.services import people_viewed
from kindred.referrals import selectors, services, supporters
from kindred.referrals.forms import (
    CloseForm,
    ConfirmPersonForm,
    FilterForm,
    GpConcernForm,
    NoteForm,
    ReferralDeclineForm,
    ReferralForm,
    SelfReferralForm,
)
from kindred.referrals.models import Channel, PersonLink, Referral, Status
from kindred.referrals.services import REFERRAL_MOVES
from kindred.referrals.waiting_pages import waiting_page_for

SELF_REFERRALS_PER_HOUR = 5


def _referral_or_404(request: OrganisationRequest, referral_id: uuid.UUID) -> Referral:
    try:
        return selectors.referral_of(organisation=request.organisation, referral_id=referral_id)
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral in this organisation") from missing


@permission("referrals.view_referral")
def inbox(request: OrganisationRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    referrals = selectors.referrals_of(organisation=request.organisation, **form.filters())
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    people_viewed(by=Acting.from_request(request), people=[r.person for r in page], page="inbox")
    return render(
        request,
        "referrals/inbox.jinja",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "repeats": selectors.repeats_shown(referrals=list(page)),
        },
    )


#: Each move a coordinator makes on the referral's page (one route each): the status it moves
#: the referral to.
MOVES = {
    "accept": Status.ACCEPTED,
    "wait": Status.WAITING,
    "start": Status.STARTED,
    "decline": Status.DECLINED,
    "close": Status.CLOSED,
}
#: The moves whose form is just an optional note, with what their buttons say.
NOTED_MOVES = {
    "accept": "Accept",
    "wait": "Waiting for a match or place",
    "start": "Support has started",
}


@permission("referrals.view_referral")
@require_safe
def detail(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The referral, its history and what may happen next. Each form on it posts to the route
    of its own action (below), which comes back here."""
    return _detail_page(request, _referral_or_404(request, referral_id))


def _detail_page(
    request: OrganisationRequest,
    referral: Referral,
    *,
    decline_form: ReferralDeclineForm | None = None,
    close_form: CloseForm | None = None,
    note_forms: dict[str, NoteForm] | None = None,
    confirm_form: ConfirmPersonForm | None = None,
) -> HttpResponse:
    """The referral's page; an action whose form had errors passes it in, to show them (in an
    NHS.UK error summary and beside each field)."""
    may = {
        action: request.user.has_perm(rule, request.organisation)
        for action, rule in PERMISSIONS.items()
    }
    allowed = REFERRAL_MOVES.allowed(referral.status)
    moves = {action for action, to in MOVES.items() if to in allowed and may[action]}
    if confirm_form is None and not referral.person_link_confirmed:
        confirm_form = _confirm_form(referral, None)
    note_forms = {action: _note_form(action, None) for action in NOTED_MOVES} | (note_forms or {})
    decline_form = decline_form or ReferralDeclineForm()
    close_form = close_form or CloseForm()
    history = selectors.history_of(referral=referral).select_related("by_user")
    repeat_of = selectors.repeat_of(referral=referral)
    people_viewed(
        by=Acting.from_request(request),
        people=referral.person
        if repeat_of is None or repeat_of.person_id == referral.person_id
        else [referral.person, repeat_of.person],
        page="referral",
    )
    return render(
        request,
        "referrals/detail.jinja",
        {
            "referral": referral,
            "confirm_form": confirm_form,
            "detail_differences": services.detail_differences(referral=referral),
            "consent_differences": services.consent_differences(referral=referral),
            "PersonLink": PersonLink,
            "history": history,
            "moves": moves,
            "noted_moves": NOTED_MOVES,
            "decline_form": decline_form,
            "close_form": close_form,
            "note_forms": note_forms,
            "may_confirm": may["confirm_person"],
            "may_separate": may["separate_person"],
            "repeat_of": repeat_of,
            "repeat_days": selectors.REPEAT_WITHIN.days,
            "may_join": may["join"],
            "repeats": list(referral.repeats.order_by("received_at")),
            "waiting_page": waiting_page_for(request, referral),
            "forms_in_error": [
                form
                for form in (confirm_form, decline_form, close_form, *note_forms.values())
                if form is not None and form.is_bound and form.errors
            ],
        },
    )


def _done(
    request: OrganisationRequest, referral: Referral, change: Callable[[], str]
) -> HttpResponse:
    """Make the change; say what happened, or why it could not be made (someone else moved
    the referral first, say), on the referral's page."""
    try:
        messages.success(request, change())
    except DomainError as refused:
        messages.error(request, str(refused))
    return redirect("referrals:detail", referral_id=referral.pk)


def _expected(request: OrganisationRequest) -> str:
    """The status the user saw when they chose the action (so a change since is caught)."""
    return request.POST.get("expected", "")


def _move_with_note(
    request: OrganisationRequest,
    referral_id: uuid.UUID,
    action: str,
    move: Callable[..., Referral],
) -> HttpResponse:
    """Accept, wait or start: a move whose form is an optional note."""
    referral = _referral_or_404(request, referral_id)
    form = _note_form(action, request.POST)
    if not form.is_valid():
        return _detail_page(request, referral, note_forms={action: form})

    def change() -> str:
        moved = move(
            by=Acting.from_request(request),
            referral_id=referral.pk,
            expected=_expected(request),
            note=form.cleaned_data["note"],
        )
        return f"The referral is now: {moved.get_status_display().lower()}"

    return _done(request, referral, change)


@permission("referrals.accept_referral")
@require_POST
def accept(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    """Accept. A referral for one-to-one support or befriending is then waiting for a match
    (ADR-097): the coordinator is taken to the person's matching page, told so, where they may
    open it; otherwise back to the referral's page, which says where the person is."""
    referral = _referral_or_404(request, referral_id)
    form = _note_form("accept", request.POST)
    if not form.is_valid():
        return _detail_page(request, referral, note_forms={"accept": form})
    try:
        moved = services.referral_accept(
            by=Acting.from_request(request),
            referral_id=referral.pk,
            expected=_expected(request),
            note=form.cleaned_data["note"],
        )
    except DomainError as refused:
        messages.error(request, str(refused))
        return redirect("referrals:detail", referral_id=referral.pk)
    if moved.status != Status.WAITING:
        messages.success(request, f"The referral is now: {moved.get_status_display().lower()}")
        return redirect("referrals:detail", referral_id=referral.pk)
    name = referral.person.display_name
    messages.success(
        request, f"Referral accepted. {name} is now waiting for a match with a supporter."
    )
    page = waiting_page_for(request, moved)
    return redirect(page.href if page else reverse("referrals:detail", args=[referral.pk]))


@permission("referrals.wait_list_referral")
@require_POST
def wait(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _move_with_note(request, referral_id, "wait", services.referral_wait)


@permission("referrals.start_referral")
@require_POST
def start(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _move_with_note(request, referral_id, "start", services.referral_start)


def _move_with_form(
    request: OrganisationRequest,
    referral_id: uuid.UUID,
    form_class: type[ReferralDeclineForm | CloseForm],
    move: Callable[..., Referral],
    done: str,
) -> HttpResponse:
    """Decline or close: a move whose form's answers the service takes as they are."""
    referral = _referral_or_404(request, referral_id)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_page(
            request,
            referral,
            decline_form=form if isinstance(form, ReferralDeclineForm) else None,
            close_form=form if isinstance(form, CloseForm) else None,
        )

    def change() -> str:
        move(
            by=Acting.from_request(request),
            referral_id=referral.pk,
            expected=_expected(request),
            **form.cleaned_data,
        )
        return done

    return _done(request, referral, change)


@permission("referrals.decline_referral")
@require_POST
def decline(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _move_with_form(
        request,
        referral_id,
        ReferralDeclineForm,
        services.referral_decline,
        "The referral has been declined",
    )


@permission("referrals.close_referral")
@require_POST
def close(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _move_with_form(
        request,
        referral_id,
        CloseForm,
        services.referral_close,
        "The referral has been closed",
    )


@permission("referrals.confirm_referral_person")
@require_POST
def confirm_person(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The referral is about the person it is linked to; copy what the coordinator ticked."""
    referral = _referral_or_404(request, referral_id)
    form = _confirm_form(referral, request.POST)
    if not form.is_valid():
        return _detail_page(request, referral, confirm_form=form)

    def change() -> str:
        services.referral_person_confirm(
            by=Acting.from_request(request), referral_id=referral.pk, **form.cleaned_data
        )
        return f"Confirmed: this referral is about {referral.person.display_name}"

    return _done(request, referral, change)


@permission("referrals.separate_referral_person")
@require_POST
def separate_person(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The referral is about someone else: a new record is made from what it sent."""
    referral = _referral_or_404(request, referral_id)

    def change() -> str:
        services.referral_person_separate(by=Acting.from_request(request), referral_id=referral.pk)
        return "A new record was made from the referral, and linked to it"

    return _done(request, referral, change)


@permission("referrals.join_referral")
@require_POST
def join(request: OrganisationRequest, referral_id: uuid.UUID) -> HttpResponse:
    """One click: the repeat is joined to the open referral it repeats, which the page showed."""
    referral = _referral_or_404(request, referral_id)
    try:
        into = uuid.UUID(request.POST.get("into", ""))
    except ValueError:
        into = referral.pk  # refused by the service, with its message

    def change() -> str:
        joined = services.referral_join(
            by=Acting.from_request(request),
            referral_id=referral.pk,
            into_id=into,
            expected=_expected(request),
        )
        return (
            f"This referral was joined to the open referral received on "
            f"{timezone.localdate(joined.joined_to.received_at):%d %B %Y}"
            if joined.joined_to
            else "This referral was joined"
        )

    return _done(request, referral, change)


#: The rule guarding each action's route, read from the route itself: the referral's page offers
#: a user exactly the actions they may take.
PERMISSIONS = {
    view.__name__: rule.permission
    for view in (accept, wait, start, decline, close, confirm_person, separate_person, join)
    if (rule := access_rule_of(view)) is not None
}


def _note_form(action: str, data: QueryDict | None) -> NoteForm:
    """Three note forms share the page: each field gets its own id ("note-accept")."""
    return NoteForm(data, auto_id=f"%s-{action}")


def _confirm_form(referral: Referral, data: QueryDict | None) -> ConfirmPersonForm:
    return ConfirmPersonForm(
        data,
        details=[
            (d.name, f"{d.label}: {d.as_sent} (on record: {d.on_record})")
            for d in services.detail_differences(referral=referral)
        ],
        consents=[
            (d.name, f"{d.label}: {d.as_sent} (on record: {d.on_record})")
            for d in services.consent_differences(referral=referral)
        ],
    )


def _referral_form_view(
    request: OrganisationRequest, *, channel: str, template: str
) -> HttpResponse:
    initial = {}
    if channel == Channel.REFERRER_FORM:
        initial = {"referrer_name": request.user.full_name, "referrer_email": request.user.email}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        referral = services.referral_receive(
            by=Acting.from_request(request),
            person=form.details(),
            details=form.referral_details(),
            channel=channel,
        )
        # The name as the form gave it: never the record the referral was linked to (ADR-075)
        messages.success(
            request,
            f"Your referral of {form.cleaned_data['given_name']} has been sent to "
            f"{referral.organisation.name}",
        )
        if channel == Channel.REFERRER_FORM:
            return redirect("referrals:mine")
        return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, template, {"form": form, "channel": channel})


@permission("referrals.add_referral")
def add(request: OrganisationRequest) -> HttpResponse:
    return _referral_form_view(
        request, channel=Channel.COORDINATOR_FORM, template="referrals/add.jinja"
    )


@permission("referrals.refer")
def refer(request: OrganisationRequest) -> HttpResponse:
    return _referral_form_view(
        request, channel=Channel.REFERRER_FORM, template="referrals/refer.jinja"
    )


@permission("referrals.refer")
def mine(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    referrals = selectors.referrals_made_by(organisation=organisation, user=request.user)
    concerns = selectors.concerns_for_referrer(organisation=organisation, user=request.user)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    return render(request, "referrals/mine.jinja", {"page": page, "concerns": concerns[:50]})


def _organisation_or_404(slug: str) -> Organisation:
    organisation = selectors.organisation_taking_self_referrals(slug=slug)
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


@public
@require_http_methods(["GET", "POST"])
def self_refer(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    """Anyone can refer themselves, without signing in. The page never says whether they are
    already known; too many tries from one address are slowed down."""
    organisation = _organisation_or_404(organisation_slug)
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST":
        within = try_counted(
            scope="self-referral",
            who=client_ip(request),
            limit=SELF_REFERRALS_PER_HOUR,
            per_seconds=3600,
        )
        sent = selectors.self_referrals_from_address(ip_address=client_ip(request))
        if not within or sent >= SELF_REFERRALS_PER_HOUR:
            return render(
                request,
                "referrals/self_refer_slow_down.jinja",
                {"organisation": organisation},
                status=429,
            )
        if form.is_robot():
            return redirect("referrals:self_refer_done", organisation_slug=organisation.slug)
        if form.is_valid():
            by = Acting(
                user=None,
                organisation=organisation,
                ip_address=client_ip(request),
                label="self-referral form",
            )
            services.referral_receive(
                by=by,
                person=form.details(),
                details=form.referral_details(),
                channel=Channel.SELF_REFERRAL,
            )
            return redirect("referrals:self_refer_done", organisation_slug=organisation.slug)
    return render(
        request, "referrals/self_refer.jinja", {"form": form, "organisation": organisation}
    )


@public
def self_refer_done(request: HttpRequest, organisation_slug: str) -> HttpResponse:
    organisation = _organisation_or_404(organisation_slug)
    return render(request, "referrals/self_refer_done.jinja", {"organisation": organisation})


@permission("referrals.raise_gp_concern")
def gp_concern(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """Tell a person's GP something they should know. Coordinators may for anyone; volunteers and
    facilitators only for someone they currently support, as the apps that know who supports
    whom say (`supporters`); anyone else: 404, and the refusal is audited."""
    try:
        person: Person = person_of(organisation=request.organisation, person_id=person_id)
    except Person.DoesNotExist as missing:
        raise Http404("No such person in this organisation") from missing
    for_anyone = request.user.has_perm(
        "referrals.raise_gp_concern_for_anyone", request.organisation
    )
    if not for_anyone and not supporters.supports_person(user=request.user, person=person):
        services.gp_concern_refused(by=Acting.from_request(request), person=person)
        raise Http404("No such person in this organisation")
    form = GpConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gp_concern_raise(
                by=Acting.from_request(request), person=person, **form.cleaned_data
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"Your concern has been shared with {person.given_name}'s GP practice"
            )
            if for_anyone:
                return redirect("people:detail", person_id=person.pk)
            return redirect("relationships:mine")
    people_viewed(by=Acting.from_request(request), people=person, page="concern for the GP")
    return render(
        request,
        "referrals/gp_concern.jinja",
        {"form": form, "person": person, "for_anyone": for_anyone},
    )
