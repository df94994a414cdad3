"""Pages for coordinators and facilitators: groups, venues, sessions and attendance. Thin: find
the record in the organisation acted for, call a service, say what happened."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_view
from kindred.core.transitions import DomainError
from kindred.groups import chart, schedule, selectors, services
from kindred.groups.forms import (
    AnswerForm,
    AttendanceForm,
    CancelForm,
    CrisisCallForm,
    GroupForm,
    LeaveForm,
    MoveForm,
    PromptForm,
    RegularForm,
    VenueForm,
)
from kindred.groups.models import (
    Group,
    GroupMember,
    GroupRegular,
    MissingPrompt,
    Session,
    SessionStatus,
    Venue,
    WaitingPlace,
)
from kindred.people import selectors as people
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.wellbeing import audit_actions as wellbeing_audit
from kindred.wellbeing import selectors as wellbeing
from kindred.wellbeing.models import PLAN_FIELDS

SEARCH_LIMIT = 20


def _group_or_404(request: OrganisationRequest, group_id: uuid.UUID) -> Group:
    """A group of the organisation that this user runs (facilitators: only their own groups)."""
    try:
        group = selectors.group_of(
            organisation=request.organisation, group_id=group_id, user=request.user
        )
    except Group.DoesNotExist as missing:
        raise Http404("No such group in this organisation") from missing
    if not request.user.has_perm("groups.run_group", group):
        raise Http404("No such group in this organisation")
    return group


def _session_or_404(request: OrganisationRequest, session_id: uuid.UUID) -> Session:
    try:
        session = selectors.session_of(
            organisation=request.organisation, session_id=session_id, user=request.user
        )
    except Session.DoesNotExist as missing:
        raise Http404("No such session in this organisation") from missing
    if not request.user.has_perm("groups.run_group", session.group):
        raise Http404("No such session in this organisation")
    return session


def _refused(form: Any, refused: DomainError) -> None:
    """Show a refusal beside its field when it names one the form has."""
    name = getattr(refused, "field", None)
    form.add_error(name if name in form.fields else None, str(refused))


@permission("groups.view_group")
def group_list(request: OrganisationRequest) -> HttpResponse:
    groups = list(selectors.groups_of(organisation=request.organisation, user=request.user))
    upcoming = selectors.next_sessions(organisation=request.organisation, groups=groups)
    return render(
        request,
        "groups/list.jinja",
        {
            "rows": [
                (g, schedule.describe(g.rule, g.first_on), upcoming.get(g.pk)) for g in groups
            ],
        },
    )


@permission("groups.view_group")
def group_detail(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    members = list(selectors.members_of(group=group))
    facilitators = selectors.facilitators_of(group=group)
    waiting = selectors.waiting_list_of(group=group)
    calls = selectors.crisis_calls_of(group=group)
    shown = [m.person for m in members] + [p.person for p in waiting]
    shown += [c.member.person for c in calls if c.member is not None]
    people_viewed(by=Acting.from_request(request), people=shown, page="group")
    trend = selectors.attendance_trend(group=group)
    return render(
        request,
        "groups/detail.jinja",
        {
            "group": group,
            "when": schedule.describe(group.rule, group.first_on),
            "facilitators": facilitators,
            "co_facilitated": len({kind for _name, kind in facilitators}) > 1,
            "sessions": selectors.upcoming_sessions(group=group),
            "members": members,
            "regulars": list(selectors.regulars_of(group=group)),
            "trend": trend,
            "chart": chart.trend_svg(trend, title=f"Attendance at {group.name}") if trend else "",
            "waiting": waiting,
            "prompts": selectors.prompts_of(group=group),
            "calls": calls,
            "duty": services.duty_professional_for(group),
        },
    )


def _group_form(request: OrganisationRequest, **kwargs: Any) -> GroupForm:
    organisation = request.organisation
    return GroupForm(
        request.POST or None,
        venues=list(selectors.venues_of(organisation=organisation)),
        people=list(selectors.possible_facilitators(organisation=organisation)),
        duty=list(selectors.duty_professionals(organisation=organisation)),
        **kwargs,
    )


@permission("groups.change_group")
def group_create(request: OrganisationRequest) -> HttpResponse:
    form = _group_form(request, initial={"cost": "Free"})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(by=Acting.from_request(request), details=form.details())
        except DomainError as refused:
            _refused(form, refused)
        else:
            messages.success(
                request, f"{group.name} is set up, with its sessions for the coming weeks"
            )
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_form.jinja", {"form": form, "group": None})


@permission("groups.change_group")
def group_edit(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    initial = GroupForm.initial_for(
        group, [(str(f.user_id), f.kind) for f in group.facilitators.all()]
    )
    form = _group_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(
                by=Acting.from_request(request), group=group, details=form.details()
            )
        except DomainError as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"{group.name} is changed")
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/group_form.jinja", {"form": form, "group": group})


@permission("groups.change_group")
def venue_list(request: OrganisationRequest) -> HttpResponse:
    venues = selectors.venues_of(organisation=request.organisation)
    return render(request, "groups/venues.jinja", {"venues": list(venues)})


@permission("groups.change_group")
def venue_create(request: OrganisationRequest) -> HttpResponse:
    return _venue_form(request, None)


@permission("groups.change_group")
def venue_edit(request: OrganisationRequest, venue_id: uuid.UUID) -> HttpResponse:
    try:
        venue = selectors.venue_of(organisation=request.organisation, venue_id=venue_id)
    except Venue.DoesNotExist as missing:
        raise Http404("No such venue in this organisation") from missing
    return _venue_form(request, venue)


def _venue_form(request: OrganisationRequest, venue: Venue | None) -> HttpResponse:
    initial = VenueForm.initial_for(venue) if venue else None
    form = VenueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.venue_save(
                by=Acting.from_request(request), details=form.details(), venue=venue
            )
        except DomainError as refused:
            form.add_error("postcode", str(refused))
        else:
            messages.success(request, f"{saved.name} is saved")
            return redirect("groups:venues")
    return render(request, "groups/venue_form.jinja", {"form": form, "venue": venue})


@permission("groups.cancel_session")
def session_cancel(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    form = CancelForm(request.POST or None, initial={"expected": session.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                by=Acting.from_request(request), session=session,
                expected=form.cleaned_data["expected"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The session is cancelled")
            return redirect("groups:detail", group_id=session.group_id)
    return render(request, "groups/cancel.jinja", {"session": session, "form": form})


@permission("groups.move_session")
def session_move(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    venues = list(selectors.venues_of(organisation=request.organisation))
    form = MoveForm(request.POST or None, venues=venues, initial=MoveForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_move(
                by=Acting.from_request(request), session=session, expected=data["expected"],
                seen_starts_at=data["seen"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                venue=form.venues[data["venue"]], reason=data["reason"],
            )  # fmt: skip
        except DomainError as refused:
            _refused(form, refused)
        else:
            messages.success(request, "The session is moved, and whoever asked to be told is told")
            return redirect("groups:detail", group_id=session.group_id)
    return render(request, "groups/move.jinja", {"session": session, "form": form})


@permission("groups.take_attendance")
def attendance(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    group = session.group
    members = list(selectors.members_of(group=group))
    regulars = list(selectors.regulars_of(group=group))
    named, present = selectors.attendance_of(session=session)
    initial = {
        "expected": session.status,
        "members": [str(pk) for pk in named],
        "regulars": [str(pk) for pk in present],
        "headcount": session.headcount,
    }
    form = AttendanceForm(request.POST or None, members=members, regulars=regulars, initial=initial)
    if session.status == SessionStatus.CANCELLED:
        form = None  # type: ignore[assignment]
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.attendance_record(
                by=Acting.from_request(request), session=session, expected=data["expected"],
                members=[form.member_choices[k] for k in data["members"]],
                regulars=[form.regular_choices[k] for k in data["regulars"]],
                new_regulars=data["new_regulars"], headcount=data["headcount"],
            )  # fmt: skip
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Attendance saved: {count.total} came")
            return redirect("groups:detail", group_id=group.pk)
    people_viewed(
        by=Acting.from_request(request), people=[m.person for m in members], page="attendance"
    )
    return render(
        request, "groups/attendance.jinja", {"session": session, "group": group, "form": form}
    )


@permission("groups.change_group")
def member_add(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    search = request.GET.get("q", "").strip()
    found: list[Person] = []
    error = ""
    if request.method == "POST":
        try:
            person = people.person_of(
                organisation=request.organisation,
                person_id=uuid.UUID(request.POST.get("person", "")),
            )
            referred = services.member_refer(
                by=Acting.from_request(request), group=group, person=person
            )
        except (ValueError, ObjectDoesNotExist):
            error = "Choose who is joining from the people found"
        except DomainError as refused:
            error = str(refused)
        else:
            if referred.member is not None:
                messages.success(request, f"{person.display_name} has joined {group.name}")
            else:
                messages.success(
                    request,
                    f"{group.name} is full, so {person.display_name} is on its waiting list, "
                    f"number {referred.position}",
                )
            return redirect("groups:detail", group_id=group.pk)
    elif search:
        found = list(
            people.people_of(organisation=request.organisation, search=search)[:SEARCH_LIMIT]
        )
        people_viewed(by=Acting.from_request(request), people=found, page="add a group member")
    return render(
        request, "groups/member_add.jinja",
        {"group": group, "search": search, "found": found, "error": error},
    )  # fmt: skip


@permission("groups.take_attendance")
def regular_add(request: OrganisationRequest, group_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    form = RegularForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regular = services.regular_add(
                by=Acting.from_request(request), group=group, nickname=form.cleaned_data["nickname"]
            )
        except DomainError as refused:
            form.add_error("nickname", str(refused))
        else:
            messages.success(request, f"{regular.nickname} is added as a regular")
            return redirect("groups:detail", group_id=group.pk)
    return render(request, "groups/regular_add.jinja", {"group": group, "form": form})


def _member_or_404(group: Group, member_id: uuid.UUID) -> GroupMember:
    try:
        return selectors.member_of(group=group, member_id=member_id)
    except GroupMember.DoesNotExist as missing:
        raise Http404("No such member of this group") from missing


def _regular_or_404(group: Group, regular_id: uuid.UUID) -> GroupRegular:
    try:
        return selectors.regular_of(group=group, regular_id=regular_id)
    except GroupRegular.DoesNotExist as missing:
        raise Http404("No such regular of this group") from missing


# Leaving and the waiting list (ADR-114)


@permission("groups.change_group")
def member_leave(
    request: OrganisationRequest, group_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    group = _group_or_404(request, group_id)
    member = _member_or_404(group, member_id)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offered = services.member_leave(
                by=Acting.from_request(request), member=member, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            _refused(form, refused)
        else:
            said = f"{member.person.display_name} has left {group.name}"
            if offered:
                names = ", ".join(p.person.display_name for p in offered)
                said += f". The place is offered to {names}: record their answer below"
            messages.success(request, said)
            return redirect("groups:detail", group_id=group.pk)
    people_viewed(by=Acting.from_request(request), people=member.person, page="leave a group")
    return render(request, "groups/leave.jinja", {"group": group, "member": member, "form": form})


@permission("groups.keep_waiting_list")
def place_answer(
    request: OrganisationRequest, group_id: uuid.UUID, place_id: uuid.UUID
) -> HttpResponse:
    group = _group_or_404(request, group_id)
    try:
        place = selectors.place_of(group=group, place_id=place_id)
    except WaitingPlace.DoesNotExist as missing:
        raise Http404("No such place on this group's waiting list") from missing
    form = AnswerForm(request.POST or None, initial={"expected": place.status})
    if request.method == "POST" and form.is_valid():
        accepted = form.cleaned_data["answer"] == "yes"
        try:
            services.offer_answer(
                by=Acting.from_request(request), place=place,
                expected=form.cleaned_data["expected"], accepted=accepted,
            )  # fmt: skip
        except DomainError as refused:
            _refused(form, refused)
        else:
            name = place.person.display_name
            messages.success(
                request,
                f"{name} has joined {group.name}" if accepted
                else f"{name} said no: the place goes to the next person waiting",
            )  # fmt: skip
            return redirect("groups:detail", group_id=group.pk)
    people_viewed(by=Acting.from_request(request), people=place.person, page="waiting list")
    return render(request, "groups/answer.jinja", {"group": group, "place": place, "form": form})


# The safety net (ADR-113)


def _safety_net(
    request: OrganisationRequest, group: Group, subject: GroupMember | GroupRegular
) -> HttpResponse:
    if request.method == "POST":
        wanted = request.POST.get("watched") == "yes"
        services.safety_net_set(by=Acting.from_request(request), subject=subject, watched=wanted)
        messages.success(
            request,
            f"{subject.name} will be missed: the facilitators are prompted if they stop coming"
            if wanted else f"{subject.name} is no longer on the safety net",
        )  # fmt: skip
        return redirect("groups:detail", group_id=group.pk)
    if isinstance(subject, GroupMember):
        people_viewed(by=Acting.from_request(request), people=subject.person, page="safety net")
    return render(request, "groups/safety_net.jinja", {"group": group, "subject": subject})


@permission("groups.take_attendance")
def member_safety_net(
    request: OrganisationRequest, group_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    group = _group_or_404(request, group_id)
    return _safety_net(request, group, _member_or_404(group, member_id))


@permission("groups.take_attendance")
def regular_safety_net(
    request: OrganisationRequest, group_id: uuid.UUID, regular_id: uuid.UUID
) -> HttpResponse:
    group = _group_or_404(request, group_id)
    return _safety_net(request, group, _regular_or_404(group, regular_id))


@permission("groups.take_attendance")
def prompt(request: OrganisationRequest, group_id: uuid.UUID, prompt_id: uuid.UUID) -> HttpResponse:
    group = _group_or_404(request, group_id)
    try:
        found = selectors.prompt_of(group=group, prompt_id=prompt_id)
    except MissingPrompt.DoesNotExist as missing:
        raise Http404("No such prompt for this group") from missing
    form = PromptForm(request.POST or None, initial={"expected": found.status})
    if request.method == "POST" and form.is_valid():
        worried = request.POST.get("decision") == "worried"
        try:
            raised = services.prompt_resolve(
                by=Acting.from_request(request), prompt=found,
                expected=form.cleaned_data["expected"], worried=worried,
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except DomainError as refused:
            _refused(form, refused)
        else:
            messages.success(
                request, raised.message if raised else f"Thank you: {found.subject.name} is fine"
            )
            return redirect("groups:detail", group_id=group.pk)
    if found.member is not None:
        people_viewed(by=Acting.from_request(request), people=found.member.person, page="prompt")
    return render(request, "groups/prompt.jinja", {"group": group, "prompt": found, "form": form})


# Calling in a professional


@permission("groups.take_attendance")
def call_in(request: OrganisationRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session_or_404(request, session_id)
    group = session.group
    members = list(selectors.members_of(group=group))
    regulars = list(selectors.regulars_of(group=group))
    form = CrisisCallForm(
        request.POST or None, members=members, regulars=regulars, initial={"level": "high"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _call, raised = services.crisis_call_record(
                by=Acting.from_request(request), session=session, called=data["called"],
                detail=data["detail"], level=data["level"],
                member=form.member_choices.get(data["who"]),
                regular=form.regular_choices.get(data["who"]),
                description=data["description"] if data["who"] == "other" else "",
            )  # fmt: skip
        except DomainError as refused:
            _refused(form, refused)
        else:
            messages.success(request, raised.message)
            return redirect("groups:detail", group_id=group.pk)
    people_viewed(
        by=Acting.from_request(request), people=[m.person for m in members], page="call in"
    )
    return render(
        request,
        "groups/call_in.jinja",
        {"session": session, "group": group, "form": form,
         "duty": services.duty_professional_for(group)},
    )  # fmt: skip


# Crisis plans made in the group (SUN)


@permission("groups.view_group")
def member_plan(
    request: OrganisationRequest, group_id: uuid.UUID, member_id: uuid.UUID
) -> HttpResponse:
    """A member's crisis plan, for the group's facilitators if the member shared it with group
    facilitators (wellbeing decides); refused otherwise. Each look is audited, as wellbeing's
    own page does: a view, or a refused view."""
    group = _group_or_404(request, group_id)
    member = _member_or_404(group, member_id)
    person = member.person
    organisation = request.organisation
    plan = wellbeing.crisis_plan_of(organisation=organisation, person=person)
    sharing = wellbeing.sharing_in_force(plan)
    access = wellbeing.crisis_plan_access(
        organisation=organisation, user=request.user, person=person, plan=plan, sharing=sharing
    )
    by = Acting.from_request(request)
    if not access.see:
        audit_view(
            by=by, entity=wellbeing_audit.CRISIS_PLAN, target=person, refused=True,
            detail={"page": "group", "because": access.because, "group": str(group.pk)},
        )  # fmt: skip
        raise Http404("No such plan that you may see")
    current = wellbeing.current_version(plan)
    audit_view(
        by=by, entity=wellbeing_audit.CRISIS_PLAN, target=person,
        detail={"page": "group", "because": access.because, "group": str(group.pk),
                "version": current.number if current else None},
    )  # fmt: skip
    return render(
        request,
        "groups/member_plan.jinja",
        {"group": group, "member": member, "current": current, "parts": PLAN_FIELDS},
    )
