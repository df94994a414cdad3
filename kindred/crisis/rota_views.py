"""Pages of the crisis line rota. Thin: find the record in the organisation acted for, call a
service, say what happened.

Coordinators set the rota up, build it on the worker and adjust it; duty professionals and
volunteers see it; volunteers say which shifts they can do and swap their own shifts, on a phone,
without JavaScript."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.crisis import rota_selectors as selectors
from kindred.crisis import rota_services as services
from kindred.crisis.models.rota import Rota, Shift
from kindred.crisis.rota_forms import (
    AddSupporterForm,
    AvailabilityForm,
    PatternForm,
    ProfessionalForm,
    RotaForm,
    SettingsForm,
    ShiftAddForm,
)
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers.models import Volunteer


def _rota_or_404(request: OrganisationRequest, rota_id: uuid.UUID) -> Rota:
    try:
        return selectors.rota_of(organisation=request.organisation, rota_id=rota_id)
    except Rota.DoesNotExist as missing:
        raise Http404("No such rota in this organisation") from missing


def _shift_or_404(request: OrganisationRequest, shift_id: uuid.UUID) -> Shift:
    try:
        return selectors.shift_of(organisation=request.organisation, shift_id=shift_id)
    except Shift.DoesNotExist as missing:
        raise Http404("No such shift in this organisation") from missing


def _can_change(request: OrganisationRequest) -> bool:
    return bool(request.user.has_perm("crisis.change_rota", request.organisation))


@permission("crisis.view_rota")
def rota_index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    return render(
        request,
        "crisis/rota/index.jinja",
        {
            "rotas": list(selectors.rotas_of(organisation=organisation)[:24]),
            "gaps": selectors.gaps_ahead(organisation=organisation, days=42, limit=60),
            "settings": selectors.settings_of(organisation=organisation),
            "can_change": _can_change(request),
        },
    )


@permission("crisis.change_rota")
def rota_create(request: OrganisationRequest) -> HttpResponse:
    form = RotaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rota = services.rota_create(
                by=Acting.from_request(request), starts_on=form.cleaned_data["month"]
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The rota for {rota.starts_on:%B %Y} has its shifts")
            return redirect("crisis:rota_detail", rota_id=rota.pk)
    return render(request, "crisis/rota/create.jinja", {"form": form})


@permission("crisis.view_rota")
def rota_detail(request: OrganisationRequest, rota_id: uuid.UUID) -> HttpResponse:
    rota = _rota_or_404(request, rota_id)
    shifts = selectors.shifts_of_rota(rota=rota)
    rows = [(s, selectors.gap_of(s, len(s.assignments.all()))) for s in shifts]
    return render(
        request,
        "crisis/rota/detail.jinja",
        {
            "rota": rota,
            "rows": rows,
            "gaps": sum(1 for _, gap in rows if gap is not None),
            "can_change": _can_change(request),
            "now": timezone.now(),
        },
    )


@permission("crisis.change_rota")
def rota_build(request: OrganisationRequest, rota_id: uuid.UUID) -> HttpResponse:
    rota = _rota_or_404(request, rota_id)
    error = ""
    if request.method == "POST":
        try:
            services.rota_build_ask(by=Acting.from_request(request), rota=rota)
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(
                request, "The rota is being built. Refresh this page in a minute to see it."
            )
            return redirect("crisis:rota_detail", rota_id=rota.pk)
    return render(request, "crisis/rota/build.jinja", {"rota": rota, "error": error})


@permission("crisis.change_rota")
def shift_add(request: OrganisationRequest, rota_id: uuid.UUID) -> HttpResponse:
    rota = _rota_or_404(request, rota_id)
    form = ShiftAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["starts_at"]))
        ends_on = data["day"] + dt.timedelta(days=1 if data["ends_at"] <= data["starts_at"] else 0)
        ends_at = timezone.make_aware(dt.datetime.combine(ends_on, data["ends_at"]))
        try:
            shift = services.shift_add(
                by=Acting.from_request(request), rota=rota, starts_at=starts_at, ends_at=ends_at
            )
        except DomainError as refused:
            form.add_error("day", str(refused))
        else:
            messages.success(request, f"Shift added: {shift.when}")
            return redirect("crisis:shift", shift_id=shift.pk)
    return render(request, "crisis/rota/shift_add.jinja", {"rota": rota, "form": form})


@permission("crisis.change_rota")
def shift_detail(request: OrganisationRequest, shift_id: uuid.UUID) -> HttpResponse:
    shift = _shift_or_404(request, shift_id)
    organisation = request.organisation
    by = Acting.from_request(request)
    on_shift = list(
        shift.assignments.select_related("volunteer").order_by("volunteer__family_name")
    )
    here = {a.volunteer_id for a in on_shift}
    role = services.crisis_role_of(organisation)
    choices = (
        [
            v
            for v in volunteer_selectors.eligible_volunteers(
                organisation, role, on=timezone.localdate(shift.ends_at)
            )
            if v.pk not in here
        ]
        if role is not None
        else []
    )
    add_form = AddSupporterForm(
        request.POST if request.POST.get("action") == "add" else None, volunteers=choices,
        prefix="add",
    )  # fmt: skip
    professionals = list(selectors.duty_professionals_of(organisation=organisation))
    professional_form = ProfessionalForm(
        request.POST if request.POST.get("action") == "professional" else None,
        professionals=professionals, prefix="pro",
        initial={"professional": str(shift.professional_id or "")},
    )  # fmt: skip
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add" and add_form.is_valid():
                volunteer = add_form.cleaned_data["volunteer"]
                services.supporter_add(by=by, shift=shift, volunteer=volunteer)
                messages.success(request, f"{volunteer.display_name} is on this shift")
                return redirect("crisis:shift", shift_id=shift.pk)
            if action == "remove":
                try:
                    volunteer_id = uuid.UUID(request.POST.get("volunteer", ""))
                except ValueError:
                    volunteer_id = uuid.UUID(int=0)
                services.supporter_remove(by=by, shift=shift, volunteer_id=volunteer_id)
                messages.success(request, "The supporter is off this shift")
                return redirect("crisis:shift", shift_id=shift.pk)
            if action == "professional" and professional_form.is_valid():
                chosen = professional_form.cleaned_data["professional"]
                services.professional_set(by=by, shift=shift, professional=chosen)
                messages.success(
                    request,
                    "The duty professional is set" if chosen else "This shift has no professional",
                )
                return redirect("crisis:shift", shift_id=shift.pk)
        except DomainError as refused:
            error = str(refused)
            if action == "add":
                add_form.add_error("volunteer", error)
                error = ""
    gap = selectors.gap_of(shift, len(on_shift))
    return render(
        request,
        "crisis/rota/shift.jinja",
        {
            "shift": shift,
            "on_shift": on_shift,
            "add_form": add_form,
            "professional_form": professional_form,
            "error": error,
            "gap": gap,
            "ended": shift.ends_at <= timezone.now(),
        },
    )


@permission("crisis.change_rota")
def rota_settings(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    current = selectors.settings_of(organisation=organisation)
    professionals = list(selectors.duty_professionals_of(organisation=organisation))
    form = SettingsForm(
        request.POST or None, professionals=professionals,
        initial={
            "supporters_wanted": current.supporters_wanted,
            "max_shifts_a_week": current.max_shifts_a_week,
            "rest_hours_after_night": current.rest_hours_after_night,
            "professional": str(current.professional_id or ""),
        },
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.rota_settings_update(by=Acting.from_request(request), **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The rota settings are saved")
            return redirect("crisis:rota_settings")
    if current.pk is None:
        services.rota_settings_ensure(organisation=organisation)  # the default shift patterns
    return render(
        request,
        "crisis/rota/settings.jinja",
        {
            "form": form,
            "patterns": list(selectors.patterns_of(organisation=organisation)),
            "pattern_form": PatternForm(),
        },
    )


@permission("crisis.change_rota")
def rota_patterns(request: OrganisationRequest) -> HttpResponse:
    """Add or remove a weekly shift (the forms are on the settings page)."""
    organisation = request.organisation
    by = Acting.from_request(request)
    services.rota_settings_ensure(organisation=organisation)
    patterns = list(selectors.patterns_of(organisation=organisation))
    current = [(p.weekday, p.starts_at, p.ends_at) for p in patterns]
    form = PatternForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        keep = [
            (p.weekday, p.starts_at, p.ends_at)
            for p in patterns
            if str(p.pk) != request.POST["remove"]
        ]
        services.patterns_set(by=by, patterns=keep)
        messages.success(request, "That shift is removed from the week")
        return redirect("crisis:rota_settings")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.patterns_set(
                by=by, patterns=[*current, (data["weekday"], data["starts_at"], data["ends_at"])]
            )
        except DomainError as refused:
            form.add_error("starts_at", str(refused))
        else:
            messages.success(request, "The shift is added to the week")
            return redirect("crisis:rota_settings")
    return render(request, "crisis/rota/pattern_add.jinja", {"pattern_form": form})


# A volunteer's own shifts


def _my_record(request: OrganisationRequest) -> Volunteer | None:
    return volunteer_selectors.volunteer_for_user(
        organisation=request.organisation, user=request.user
    )


@permission("crisis.own_shifts")
def my_shifts(request: OrganisationRequest) -> HttpResponse:
    volunteer = _my_record(request)
    if volunteer is None:
        return render(request, "crisis/rota/no_record.jinja", {})
    by = Acting.from_request(request)
    if request.method == "POST":
        try:
            if "offer" in request.POST:
                shift = _shift_or_404(request, _uuid(request.POST["offer"]))
                services.swap_offer(by=by, volunteer=volunteer, shift=shift)
                messages.success(request, "Your shift is offered to the other supporters")
            elif "withdraw" in request.POST:
                services.swap_withdraw(
                    by=by, volunteer=volunteer, swap_id=_uuid(request.POST["withdraw"])
                )
                messages.success(request, "Your offer is withdrawn: the shift is still yours")
            elif "take" in request.POST:
                services.swap_take(by=by, volunteer=volunteer, swap_id=_uuid(request.POST["take"]))
                messages.success(request, "The shift is yours. Your coordinator has been told.")
        except DomainError as refused:
            messages.error(request, str(refused))
        return redirect("crisis:my_shifts")
    return render(
        request,
        "crisis/rota/my_shifts.jinja",
        {
            "volunteer": volunteer,
            "shifts": selectors.shifts_of_volunteer(volunteer=volunteer),
            "swaps": selectors.swaps_open_to(volunteer=volunteer),
            "now_time": timezone.now(),
        },
    )


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as bad:
        raise Http404("No such record") from bad


@permission("crisis.own_shifts")
def my_shift_availability(request: OrganisationRequest) -> HttpResponse:
    volunteer = _my_record(request)
    if volunteer is None:
        return render(request, "crisis/rota/no_record.jinja", {})
    services.rota_settings_ensure(organisation=request.organisation)
    patterns = list(selectors.patterns_of(organisation=request.organisation))
    form = AvailabilityForm(
        request.POST or None, patterns=patterns,
        initial={"patterns": [str(p) for p in selectors.volunteer_pattern_ids(volunteer=volunteer)]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set(
                by=Acting.from_request(request), volunteer=volunteer,
                pattern_ids=[uuid.UUID(p) for p in form.cleaned_data["patterns"]],
            )  # fmt: skip
        except DomainError as refused:
            form.add_error("patterns", str(refused))
        else:
            messages.success(request, "Thank you: your coordinator will use this for the rota")
            return redirect("crisis:my_shifts")
    return render(request, "crisis/rota/my_availability.jinja", {"form": form})
