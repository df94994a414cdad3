"""Pages of outcomes: questionnaires due and their entry, the person's one-time link page, unit
and service costs, and the quarterly report (page, charts, CSV, PDF). Thin: find the record in
the organisation acted for, call a service or build the report, say what happened."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from kindred.accounts import selectors as accounts_selectors
from kindred.accounts.models import Organisation
from kindred.core.access import permission, public
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_record, client_ip
from kindred.core.transitions import DomainError
from kindred.outcomes import audit_actions, charts, exports, selectors, services
from kindred.outcomes.forms import (
    CloseForm,
    QuestionnaireForm,
    ServiceCostForm,
    SettingsForm,
    UnitCostForm,
    UseForm,
)
from kindred.outcomes.models import Collection, CollectionStatus, StoredReport
from kindred.outcomes.report import Quarter, Report, from_json
from kindred.people.services import people_viewed

#: How many quarters back the report page offers.
QUARTERS_OFFERED = 8


def _collection_or_404(request: OrganisationRequest, collection_id: uuid.UUID) -> Collection:
    try:
        return selectors.collection_of(
            organisation=request.organisation, collection_id=collection_id
        )
    except Collection.DoesNotExist as missing:
        raise Http404("No such questionnaire in this organisation") from missing


@permission("outcomes.record_outcomes")
def due(request: OrganisationRequest) -> HttpResponse:
    collections = list(
        selectors.collections_due(organisation=request.organisation, on=timezone.localdate())
    )
    people_viewed(
        by=Acting.from_request(request),
        people=[c.person for c in collections],
        page="questionnaires due",
    )
    return render(request, "outcomes/due.jinja", {"collections": collections})


def _add_answer_error(form: QuestionnaireForm, refused: DomainError) -> None:
    field = getattr(refused, "field", None)
    form.add_error(field if field in form.fields else None, str(refused))


@permission("outcomes.record_outcomes")
def collection(request: OrganisationRequest, collection_id: uuid.UUID) -> HttpResponse:
    """A coordinator records the answers (given on the phone, or on paper), or why not."""
    found = _collection_or_404(request, collection_id)
    people_viewed(by=Acting.from_request(request), people=[found.person], page="questionnaire")
    form = QuestionnaireForm(request.POST or None, measure_codes=found.measures)
    if request.method == "POST" and found.status == CollectionStatus.DUE and form.is_valid():
        try:
            done = services.collection_complete(
                by=Acting.from_request(request),
                collection_id=found.pk,
                answers=form.answers(),
                use=form.use(),
            )
        except DomainError as refused:
            _add_answer_error(form, refused)
        else:
            if done.needs_help_now:
                messages.warning(
                    request,
                    "An answer says they have had thoughts of being better off dead or of "
                    "hurting themselves. A safeguarding concern has been raised: make sure "
                    "they know where to get help now.",
                )
            else:
                messages.success(request, "The answers are saved")
            return redirect("outcomes:due")
    return render(
        request,
        "outcomes/collection.jinja",
        {"collection": found, "form": form, "close_form": CloseForm(), "link": None},
    )


@require_POST
@permission("outcomes.record_outcomes")
def collection_close(request: OrganisationRequest, collection_id: uuid.UUID) -> HttpResponse:
    found = _collection_or_404(request, collection_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.collection_close(
                by=Acting.from_request(request),
                collection_id=found.pk,
                status=form.cleaned_data["status"],
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Recorded as not completed, and why")
            return redirect("outcomes:due")
    return render(
        request,
        "outcomes/collection.jinja",
        {
            "collection": found,
            "form": QuestionnaireForm(measure_codes=found.measures),
            "close_form": form,
            "link": None,
        },
        status=400,
    )


@never_cache
@require_POST
@permission("outcomes.record_outcomes")
def link_make(request: OrganisationRequest, collection_id: uuid.UUID) -> HttpResponse:
    """Make a one-time link for the person (shown once, to give or send them)."""
    found = _collection_or_404(request, collection_id)
    try:
        _link, token = services.link_make(by=Acting.from_request(request), collection_id=found.pk)
    except DomainError as refused:
        messages.error(request, str(refused))
        return redirect("outcomes:collection", collection_id=found.pk)
    link = request.build_absolute_uri(f"/outcomes/answer/{token}/")
    return render(
        request,
        "outcomes/collection.jinja",
        {
            "collection": found,
            "form": QuestionnaireForm(measure_codes=found.measures),
            "close_form": CloseForm(),
            "link": link,
            "link_lifetime": services.LINK_LIFETIME_IN_WORDS,
        },
    )


@permission("outcomes.record_outcomes")
def use(request: OrganisationRequest, collection_id: uuid.UUID) -> HttpResponse:
    """Healthcare use on its own: from the referrer, or told separately."""
    found = _collection_or_404(request, collection_id)
    people_viewed(by=Acting.from_request(request), people=[found.person], page="healthcare use")
    form = UseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.healthcare_use_record(
                by=Acting.from_request(request), collection_id=found.pk, figures=form.figures()
            )
        except DomainError as refused:
            form.add_error(getattr(refused, "field", None), str(refused))
        else:
            messages.success(request, "Healthcare use saved")
            return redirect("outcomes:collection", collection_id=found.pk)
    return render(request, "outcomes/use.jinja", {"collection": found, "form": form})


# The person's own page: no account, a one-time link, nothing else about them shown. --------


@never_cache
@csrf_protect
@public
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.link_open(token=token)
    except services.LinkRefused as refused:
        return render(
            request, "outcomes/answer_refused.jinja", {"reason": str(refused)}, status=404
        )
    found = link.collection
    form = QuestionnaireForm(request.POST or None, measure_codes=found.measures, ask_use=False)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.link_complete(
                token=token, answers=form.answers(), ip_address=client_ip(request)
            )
        except services.LinkRefused as refused:
            return render(
                request, "outcomes/answer_refused.jinja", {"reason": str(refused)}, status=404
            )
        except DomainError as refused:
            _add_answer_error(form, refused)
        else:
            return render(
                request,
                "outcomes/answer_done.jinja",
                {"needs_help_now": done.needs_help_now, "organisation": found.organisation},
            )
    return render(
        request,
        "outcomes/answer.jinja",
        {"form": form, "organisation": found.organisation},
        status=400 if form.errors else 200,
    )


# Settings ----------------------------------------------------------------------------------


@permission("outcomes.manage_costs")
def outcome_settings(request: OrganisationRequest) -> HttpResponse:
    """What the organisation asks and when. New schedules follow it; questionnaires already
    scheduled keep what was set when they were."""
    current = selectors.settings_of(organisation=request.organisation)
    form = SettingsForm(
        request.POST or None,
        initial={"measures": current.measures, "follow_up_months": current.follow_up_months},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                by=Acting.from_request(request),
                measure_codes=form.cleaned_data["measures"],
                follow_up_months=form.cleaned_data["follow_up_months"],
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "What you ask and when has been saved")
            return redirect("outcomes:settings")
    return render(
        request, "outcomes/settings.jinja", {"form": form}, status=400 if form.errors else 200
    )


# Costs -------------------------------------------------------------------------------------


@permission("outcomes.manage_costs")
def costs(request: OrganisationRequest) -> HttpResponse:
    by = Acting.from_request(request)
    unit_form = UnitCostForm(request.POST if request.POST.get("form") == "unit" else None)
    service_form = ServiceCostForm(request.POST if request.POST.get("form") == "service" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "defaults":
                saved = services.unit_costs_seed(by=by)
                messages.success(request, f"{len(saved)} published unit costs added")
                return redirect("outcomes:costs")
            if request.POST.get("form") == "unit" and unit_form.is_valid():
                data = unit_form.cleaned_data
                services.unit_cost_save(
                    by=by, item=data["item"], value=data["value"], year=data["year"],
                    source=data["source"],
                )  # fmt: skip
                messages.success(request, "Unit cost saved")
                return redirect("outcomes:costs")
            if request.POST.get("form") == "service" and service_form.is_valid():
                data = service_form.cleaned_data
                services.service_cost_add(
                    by=by, kind=data["kind"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], amount=data["amount"], note=data["note"],
                )  # fmt: skip
                messages.success(request, "Cost added")
                return redirect("outcomes:costs")
        except services.AnswerError as refused:
            target = unit_form if request.POST.get("form") == "unit" else service_form
            target.add_error(
                refused.field if refused.field in target.fields else None, str(refused)
            )
    return render(
        request,
        "outcomes/costs.jinja",
        {
            "unit_costs": list(selectors.unit_costs_of(organisation=request.organisation)),
            "service_costs": list(
                selectors.service_costs_of(organisation=request.organisation)[:40]
            ),
            "unit_form": unit_form,
            "service_form": service_form,
        },
        status=400 if (unit_form.errors or service_form.errors) else 200,
    )


# Reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    quarter: Quarter
    organisations: list[Organisation]
    scope: str
    slug: str
    choices: list[Organisation]
    chosen: str


def _report_request(request: OrganisationRequest) -> ReportRequest:
    """What the user asked for, within what they may see: a commissioner or network admin any
    of the network's organisations (or all), a coordinator only their own. Anything else is
    refused (PermissionDenied)."""
    organisation = request.organisation
    network_wide = request.user.has_perm("outcomes.view_network_report", organisation)
    choices = (
        accounts_selectors.network_scope(organisation=organisation)
        if network_wide
        else [organisation]
    )
    text = request.GET.get("quarter", "")
    try:
        quarter = Quarter.parse(text) if text else Quarter.of(timezone.localdate())
    except ValueError as bad:
        raise Http404("No such quarter") from bad
    chosen = request.GET.get("organisation", "")
    if chosen:
        picked = [o for o in choices if str(o.pk) == chosen]
        if not picked:
            raise PermissionDenied("That organisation's figures are not yours to see")
        return ReportRequest(quarter, picked, picked[0].name, picked[0].slug, choices, chosen)
    if network_wide and organisation.network is not None:
        network = organisation.network
        return ReportRequest(quarter, choices, network.name, network.slug, choices, "")
    return ReportRequest(quarter, [organisation], organisation.name, organisation.slug, choices, "")


def _report(
    request: OrganisationRequest, *, audit: bool = True
) -> tuple[ReportRequest, Report | None, StoredReport]:
    """The report asked for as the worker last built it (None until it has, ADR-129)."""
    asked = _report_request(request)
    stored = services.report_stored(
        quarter=asked.quarter.code, organisations=asked.organisations, scope=asked.scope
    )
    report = from_json(stored.content) if stored.content is not None else None
    if audit and report is not None:
        audit_record(
            by=Acting.from_request(request),
            action=audit_actions.REPORT_VIEWED,
            detail={"quarter": asked.quarter.code, "scope": asked.slug, "as": request.path},
        )
    return asked, report, stored


def _quarters() -> list[Quarter]:
    quarter = Quarter.of(timezone.localdate())
    offered = []
    for _ in range(QUARTERS_OFFERED):
        offered.append(quarter)
        quarter = quarter.previous()
    return offered


@permission("outcomes.view_report")
def report(request: OrganisationRequest) -> HttpResponse:
    asked, built, stored = _report(request)
    query = f"quarter={asked.quarter.code}" + (
        f"&organisation={asked.chosen}" if asked.chosen else ""
    )
    return render(
        request,
        "outcomes/report.jinja" if built is not None else "outcomes/report_building.jinja",
        {
            "report": built,
            "stored": stored,
            "asked": asked,
            "quarters": _quarters(),
            "query": query,
        },
    )


def _built(request: OrganisationRequest, *, audit: bool = True) -> tuple[ReportRequest, Report]:
    """For the downloads and charts: the kept report, or 404 while it is being built."""
    asked, built, _stored = _report(request, audit=audit)
    if built is None:
        raise Http404("The report is being built: try again in a minute")
    return asked, built


@permission("outcomes.view_report")
def report_csv(request: OrganisationRequest, key: str) -> HttpResponse:
    """One table of the report as CSV (one file per table)."""
    asked, built = _built(request)
    table = next((t for t in built.tables if t.key == key), None)
    if table is None:
        raise Http404("No such table")
    response = HttpResponse(exports.csv_text(table), content_type="text/csv; charset=utf-8")
    name = exports.file_name(built, table, slug=asked.slug)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission("outcomes.view_report")
def report_pdf(request: OrganisationRequest) -> HttpResponse:
    asked, built = _built(request)
    response = HttpResponse(exports.pdf_bytes(built), content_type="application/pdf")
    name = f"{asked.slug}-{asked.quarter.code}-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@csp_update({"style-src": [SELF, UNSAFE_INLINE]})  # type: ignore[arg-type]
@permission("outcomes.view_report")
def report_chart(request: OrganisationRequest, key: str) -> HttpResponse:
    """A chart as an SVG image (pygal's styles sit inside the SVG, so only this image allows
    them; it holds no script). The page it is on recorded the view; an image of it does not."""
    _asked, built = _built(request, audit=False)
    table = next((t for t in built.tables if t.key == key and t.chart is not None), None)
    if table is None or table.chart is None:
        raise Http404("No such chart")
    response = HttpResponse(charts.svg(table.chart, key=key), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    return response
