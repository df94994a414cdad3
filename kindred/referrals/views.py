"""Referral pages: inbox, detail with history and triage, the three forms, the referrer's page,
concerns for the GP."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kindred.accounts.models import Organisation
from kindred.core.access import permission, public
from kindred.core.limits import try_counted
from kindred.core.services import Acting, client_ip
from kindred.people.models import Person
from kindred.people.selectors import person_of
from kindred.people.services import people_viewed
from kindred.referrals import selectors, services
from kindred.referrals.forms import (
    CloseForm,
    ConfirmPersonForm,
    DeclineForm,
    FilterForm,
    GpConcernForm,
    NoteForm,
    ReferralForm,
    SelfReferralForm,
)
from kindred.referrals.models import Channel, PersonLink, Referral, Status
from kindred.relationships.selectors import supports_person

SELF_REFERRALS_PER_HOUR = 5


def _referral_or_404(request: HttpRequest, referral_id: uuid.UUID) -> Referral:
    try:
        return selectors.referral_of(organisation=request.organisation, referral_id=referral_id)  # type: ignore[attr-defined]
    except Referral.DoesNotExist as missing:
        raise Http404("No such referral in this organisation") from missing


@permission("referrals.view_referral")
def inbox(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    referrals = selectors.referrals_of(
        organisation=request.organisation,  # type: ignore[attr-defined]
        status=filters.get("status", ""),
        source=filters.get("source", ""),
        overdue=bool(filters.get("overdue")),
    )
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    people_viewed(by=Acting.from_request(request), people=[r.person for r in page], page="inbox")
    return render(
        request,
        "referrals/inbox.jinja",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


ACTIONS = {"accept", "decline", "wait", "start", "close"}


@permission("referrals.view_referral")
def detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    referral = _referral_or_404(request, referral_id)
    by = Acting.from_request(request)
    decline_form, close_form, note_form = DeclineForm(), CloseForm(), NoteForm()
    confirm_form: ConfirmPersonForm | None = None
    if request.method == "POST":
        if not request.user.has_perm("referrals.triage_referral", request.organisation):  # type: ignore[attr-defined]
            raise PermissionDenied("Needs referrals.triage_referral")
        action = request.POST.get("action", "")
        expected = request.POST.get("expected", "")
        try:
            if action == "decline":
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    services.referral_decline(
                        by=by,
                        referral_id=referral.pk,
                        expected=expected,
                        **decline_form.cleaned_data,
                    )
                    messages.success(request, "The referral has been declined")
                    return redirect("referrals:detail", referral_id=referral.pk)
            elif action == "close":
                close_form = CloseForm(request.POST)
                if close_form.is_valid():
                    services.referral_close(
                        by=by, referral_id=referral.pk, expected=expected, **close_form.cleaned_data
                    )
                    messages.success(request, "The referral has been closed")
                    return redirect("referrals:detail", referral_id=referral.pk)
            elif action in {"confirm_person", "separate_person"}:
                response = _settle_person(request, by, referral, action)
                if response is not None:
                    return response
                confirm_form = _confirm_form(referral, request.POST)
            elif action in {"accept", "wait", "start"}:
                note_form = NoteForm(request.POST)
                if note_form.is_valid():
                    move = {
                        "accept": services.referral_accept,
                        "wait": services.referral_wait,
                        "start": services.referral_start,
                    }[action]
                    moved = move(
                        by=by,
                        referral_id=referral.pk,
                        expected=expected,
                        note=note_form.cleaned_data["note"],
                    )
                    messages.success(
                        request, f"The referral is now: {moved.get_status_display().lower()}"
                    )
                    return redirect("referrals:detail", referral_id=referral.pk)
            else:
                messages.error(request, "Choose what to do with the referral")
                return redirect("referrals:detail", referral_id=referral.pk)
        except services.ReferralError as refused:
            messages.error(request, str(refused))
            return redirect("referrals:detail", referral_id=referral.pk)
    history = selectors.history_of(referral=referral).select_related("by_user")
    if confirm_form is None and not referral.person_link_confirmed:
        confirm_form = _confirm_form(referral, None)
    people_viewed(by=by, people=referral.person, page="referral")
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
            "allowed": services.ALLOWED[referral.status],
            "Status": Status,
            "decline_form": decline_form,
            "close_form": close_form,
            "note_form": note_form,
            "can_triage": request.user.has_perm("referrals.triage_referral", request.organisation),  # type: ignore[attr-defined]
        },
    )


def _confirm_form(referral: Referral, data: object) -> ConfirmPersonForm:
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


def _settle_person(
    request: HttpRequest, by: Acting, referral: Referral, action: str
) -> HttpResponse | None:
    """Confirm who the referral is about, or say it is someone else. None: the form had errors."""
    if action == "separate_person":
        services.referral_person_separate(by=by, referral_id=referral.pk)
        messages.success(request, "A new record was made from the referral, and linked to it")
        return redirect("referrals:detail", referral_id=referral.pk)
    form = _confirm_form(referral, request.POST)
    if not form.is_valid():
        return None
    services.referral_person_confirm(by=by, referral_id=referral.pk, **form.cleaned_data)
    messages.success(request, f"Confirmed: this referral is about {referral.person.display_name}")
    return redirect("referrals:detail", referral_id=referral.pk)


def _referral_form_view(request: HttpRequest, *, channel: str, template: str) -> HttpResponse:
    initial = {}
    if channel == Channel.REFERRER_FORM:
        user = request.user
        initial = {
            "referrer_name": getattr(user, "full_name", ""),
            "referrer_email": getattr(user, "email", ""),
        }
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
def add(request: HttpRequest) -> HttpResponse:
    return _referral_form_view(
        request, channel=Channel.COORDINATOR_FORM, template="referrals/add.jinja"
    )


@permission("referrals.refer")
def refer(request: HttpRequest) -> HttpResponse:
    return _referral_form_view(
        request, channel=Channel.REFERRER_FORM, template="referrals/refer.jinja"
    )


@permission("referrals.refer")
def mine(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    referrals = selectors.referrals_made_by(organisation=organisation, user=request.user)  # type: ignore[arg-type]
    concerns = selectors.concerns_for_referrer(organisation=organisation, user=request.user)  # type: ignore[arg-type]
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
def gp_concern(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Tell a person's GP something they should know. Coordinators may for anyone; volunteers and
    facilitators only for someone they currently support (anyone else: 404, audited)."""
    try:
        person: Person = person_of(organisation=request.organisation, person_id=person_id)  # type: ignore[attr-defined]
    except Person.DoesNotExist as missing:
        raise Http404("No such person in this organisation") from missing
    for_anyone = request.user.has_perm(
        "referrals.raise_gp_concern_for_anyone",
        request.organisation,  # type: ignore[attr-defined]
    )
    if not for_anyone and not supports_person(user=request.user, person=person):
        services.gp_concern_refused(by=Acting.from_request(request), person=person)
        raise Http404("No such person in this organisation")
    form = GpConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gp_concern_raise(
                by=Acting.from_request(request), person=person, **form.cleaned_data
            )
        except services.ReferralError as refused:
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
