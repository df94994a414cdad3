"""Goals, progress reviews and crisis plans. Thin: find the person in the organisation acted for,
check this user may work with them (a volunteer only with the people they support; a plan only
as the person chose), call a service, say what happened. Every look at a plan is audited,
refused ones too."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kindred.core.access import permission
from kindred.core.http import OrganisationRequest
from kindred.core.services import Acting, audit_view
from kindred.core.transitions import DomainError
from kindred.people import selectors as people
from kindred.people.models import Person
from kindred.people.services import people_viewed
from kindred.relationships.models import Relationship
from kindred.wellbeing import audit_actions, selectors, services
from kindred.wellbeing.forms import (
    CrisisPlanForm,
    GoalForm,
    GoalStatusForm,
    ReviewForm,
    SharingForm,
    support_label,
)
from kindred.wellbeing.models import PLAN_FIELDS, CrisisPlan, CrisisPlanSharing, Goal


def _person_or_404(request: OrganisationRequest, person_id: uuid.UUID) -> Person:
    try:
        return people.person_of(organisation=request.organisation, person_id=person_id)
    except Person.DoesNotExist as missing:
        raise Http404("No such person in this organisation") from missing


def _goals_viewed(request: OrganisationRequest, person: Person, page: str) -> None:
    audit_view(
        by=Acting.from_request(request),
        entity=audit_actions.GOALS,
        target=person,
        detail={"page": page},
    )


def _working_with_or_404(request: OrganisationRequest, person: Person, page: str) -> None:
    """Coordinators, and the volunteers supporting the person; anyone else is told the page is
    not there, and the attempt is audited as refused."""
    if not selectors.may_work_with(
        organisation=request.organisation, user=request.user, person=person
    ):
        audit_view(
            by=Acting.from_request(request),
            entity=audit_actions.GOALS,
            target=person,
            refused=True,
            detail={"page": page},
        )
        raise Http404("No such person among the people you support")


def _back(request: OrganisationRequest, person: Person) -> dict[str, str]:
    """Where the back link goes: the person page for those who may see it, a supporter's own
    list of the people they support, else home."""
    organisation = request.organisation
    if request.user.has_perm("people.view_person", organisation):
        return {"href": reverse("people:detail", args=[person.pk]), "text": "Back to their record"}
    if request.user.has_perm("relationships.support", organisation):
        return {"href": reverse("relationships:mine"), "text": "Back to the people you support"}
    return {"href": reverse("core:home"), "text": "Back to home"}


# Goals and progress reviews


@permission("wellbeing.view_goals")
def goals(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    person = _person_or_404(request, person_id)
    _working_with_or_404(request, person, "goals")
    _goals_viewed(request, person, "goals")
    seen = selectors.relationships_of(organisation=organisation, person=person, user=request.user)
    return render(
        request,
        "wellbeing/goals.jinja",
        {
            "person": person,
            "goals": list(selectors.goals_of(organisation=organisation, person=person)),
            "reviews": list(selectors.reviews_of(organisation=organisation, person=person)),
            "reviewable": selectors.reviewable(seen),
            "relationships": seen,
            "back": _back(request, person),
        },
    )


@permission("wellbeing.change_goals")
def goal_add(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    organisation = request.organisation
    person = _person_or_404(request, person_id)
    _working_with_or_404(request, person, "goal_add")
    seen = selectors.relationships_of(organisation=organisation, person=person, user=request.user)
    open_ = [r for r in seen if r.is_open]
    form = GoalForm(request.POST or None, relationships=open_, initial=_today())
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(
                by=Acting.from_request(request),
                person=person,
                text=form.cleaned_data["text"],
                relationship=form.chosen_relationship(),
                set_on=form.cleaned_data["set_on"],
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Goal added for {person.given_name}")
            return redirect("wellbeing:goals", person_id=person.pk)
    people_viewed(by=Acting.from_request(request), people=person, page="add a goal")
    return render(request, "wellbeing/goal_add.jinja", {"person": person, "form": form})


def _today() -> dict[str, Any]:
    return {"set_on": timezone.localdate()}


@permission("wellbeing.change_goals")
def goal_change(request: OrganisationRequest, goal_id: uuid.UUID) -> HttpResponse:
    try:
        goal = selectors.goal_of(organisation=request.organisation, goal_id=goal_id)
    except Goal.DoesNotExist as missing:
        raise Http404("No such goal in this organisation") from missing
    person = goal.person
    _working_with_or_404(request, person, "goal_change")
    if request.method == "GET":
        _goals_viewed(request, person, "goal_change")
    form = GoalStatusForm(
        request.POST or None, initial={"status": goal.status, "expected": goal.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_status_change(
                by=Acting.from_request(request),
                goal_id=goal.pk,
                expected=form.cleaned_data["expected"],
                to=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            # Show the goal as it is now; their choice stays, ready to save again.
            goal.refresh_from_db()
            form = GoalStatusForm({**form.cleaned_data, "expected": goal.status})
            form.is_valid()
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Goal updated")
            return redirect("wellbeing:goals", person_id=person.pk)
    return render(
        request,
        "wellbeing/goal_change.jinja",
        {"person": person, "goal": goal, "history": list(goal.history.all()), "form": form},
    )


@permission("wellbeing.change_goals")
def review_add(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """Record a progress review. With more than one support that can be reviewed, first choose
    which (the goals talked about depend on it)."""
    organisation = request.organisation
    person = _person_or_404(request, person_id)
    _working_with_or_404(request, person, "review_add")
    if request.method == "GET":
        _goals_viewed(request, person, "review_add")
    seen = selectors.relationships_of(organisation=organisation, person=person, user=request.user)
    reviewable = selectors.reviewable(seen)
    chosen = _chosen(request, reviewable)
    if chosen is None:
        return render(
            request,
            "wellbeing/review_choose.jinja",
            {
                "person": person,
                "reviewable": [(r, support_label(r)) for r in reviewable],
                "others": [r for r in seen if r not in reviewable],
            },
        )
    goal_list = list(
        selectors.goals_for_review(relationship=chosen).order_by("set_on", "created_at")
    )
    form = ReviewForm(request.POST or None, goals=goal_list, started_on=chosen.started_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                by=Acting.from_request(request),
                relationship_id=chosen.pk,
                held_on=form.cleaned_data["held_on"],
                progress=form.entries(),
                what_next=form.cleaned_data["what_next"],
            )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            chosen.refresh_from_db()
            next_review = chosen.next_review_on
            messages.success(
                request,
                "Review recorded."
                + (
                    f" The next is due by {next_review.day} {next_review:%B %Y}."
                    if next_review
                    else ""
                ),
            )
            return redirect("wellbeing:goals", person_id=person.pk)
    return render(
        request,
        "wellbeing/review_add.jinja",
        {
            "person": person,
            "relationship": chosen,
            "support": support_label(chosen),
            "form": form,
            "several": len(reviewable) > 1,
        },
    )


def _chosen(request: OrganisationRequest, reviewable: list[Relationship]) -> Relationship | None:
    wanted = request.GET.get("relationship", "")
    if wanted:
        found = next((r for r in reviewable if str(r.pk) == wanted), None)
        if found is None:
            raise Http404("No such support to review")
        return found
    return reviewable[0] if len(reviewable) == 1 else None


# Crisis and wellbeing plans


def _plan_viewed(
    request: OrganisationRequest,
    person: Person,
    page: str,
    because: str,
    *,
    version: int | None = None,
    refused: bool = False,
    merged_plans: list[str] | None = None,
) -> None:
    """Every look at a plan is audited: `crisis_plan.viewed` once it is shown, or
    `crisis_plan.view_refused` when it was not (never recorded as a view)."""
    detail: dict[str, Any] = {"page": page, "because": because}
    if not refused:
        detail["version"] = version
    if merged_plans:
        detail["merged_plans"] = merged_plans
    audit_view(
        by=Acting.from_request(request),
        entity=audit_actions.CRISIS_PLAN,
        target=person,
        refused=refused,
        detail=detail,
    )


def _plan_context(
    request: OrganisationRequest, person_id: uuid.UUID, page: str, *, change: bool = False
) -> tuple[Person, CrisisPlan | None, CrisisPlanSharing | None, selectors.PlanAccess]:
    """The person, their plan and who may see it, if this user may; otherwise page not found,
    and the refused attempt is audited as refused."""
    organisation = request.organisation
    person = _person_or_404(request, person_id)
    plan = selectors.crisis_plan_of(organisation=organisation, person=person)
    sharing = selectors.sharing_in_force(plan)
    access = selectors.crisis_plan_access(
        organisation=organisation, user=request.user, person=person, plan=plan, sharing=sharing
    )
    if not (access.change if change else access.see):
        _plan_viewed(request, person, page, access.because, refused=True)
        raise Http404("No such plan that you may see")
    return person, plan, sharing, access


@permission("wellbeing.view_crisis_plan")
def crisis_plan(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    person, plan, sharing, access = _plan_context(request, person_id, "plan")
    versions = selectors.versions_of(plan)
    # Plans of records merged into this one that had their own (ADR-090): coordinators only.
    merged = (
        [
            (kept, selectors.current_version(kept))
            for kept in selectors.merged_crisis_plans(
                organisation=request.organisation, person=person
            )
        ]
        if access.coordinator
        else []
    )
    _plan_viewed(
        request,
        person,
        "plan",
        access.because,
        version=versions[0].number if versions else None,
        merged_plans=[str(kept.pk) for kept, _version in merged],
    )
    return render(
        request,
        "wellbeing/crisis_plan.jinja",
        {
            "person": person,
            "current": versions[0] if versions else None,
            "earlier": versions[1:],
            "sharing": sharing,
            "sharing_history": selectors.sharing_history_of(plan),
            "access": access,
            "parts": PLAN_FIELDS,
            "back": _back(request, person),
            "merged": merged,
        },
    )


@permission("wellbeing.change_crisis_plan")
def crisis_plan_edit(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    person, plan, _sharing, access = _plan_context(request, person_id, "edit", change=True)
    current = selectors.current_version(plan)
    by = Acting.from_request(request)
    form = CrisisPlanForm(
        request.POST or None, new=current is None, initial=CrisisPlanForm.initial_from(current)
    )
    newer, changed_by_them = None, set()
    if request.method == "POST" and form.is_valid():
        try:
            version = services.crisis_plan_save(
                by=by,
                person=person,
                based_on=form.cleaned_data["based_on"],
                content=form.content(),
                sharing=form.sharing(),
                own_decision=bool(form.cleaned_data.get("own_decision")),
            )
        except services.PlanChanged as stale:
            # Keep what they wrote; base it on the newer version, shown beside each part the
            # other person changed since the version this form was opened on.
            newer = stale.newer
            base = selectors.version_numbered(newer.plan, form.cleaned_data["based_on"])
            before = base.content() if base else dict.fromkeys(newer.content(), "")
            changed_by_them = {n for n, text in newer.content().items() if text != before[n]}
            data = request.POST.copy()
            data["based_on"] = str(newer.number)
            was_new = form.cleaned_data["based_on"] == 0
            form = CrisisPlanForm(data, new=False)
            form.is_valid()
            form.add_error(None, str(stale))
            if was_new:
                form.add_error(
                    None,
                    "Who may see the plan was recorded with their version. Check it on the plan "
                    "page after you save.",
                )
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{person.given_name}'s plan saved as version {version.number}"
            )
            return redirect("wellbeing:crisis_plan", person_id=person.pk)
    if request.method == "GET":
        _plan_viewed(
            request, person, "edit", access.because, version=current.number if current else None
        )
    return render(
        request,
        "wellbeing/crisis_plan_edit.jinja",
        {
            "person": person,
            "form": form,
            "current": current,
            "newer": newer,
            "changed_by_them": changed_by_them,
        },
    )


@permission("wellbeing.record_crisis_plan_sharing")
def crisis_plan_sharing(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    person, plan, sharing, _access = _plan_context(request, person_id, "sharing", change=True)
    if plan is None or plan.version_count == 0:
        messages.info(request, "Write the plan first: you will be asked who may see it then")
        return redirect("wellbeing:crisis_plan_edit", person_id=person.pk)
    form = SharingForm(request.POST or None, initial=SharingForm.initial_from(sharing))
    newer = None
    if request.method == "POST" and form.is_valid():
        try:
            services.crisis_plan_sharing_record(
                by=Acting.from_request(request),
                person=person,
                based_on=form.cleaned_data["based_on"],
                sharing=form.sharing(),
                own_decision=form.cleaned_data["own_decision"],
            )
        except services.SharingChanged as stale:
            # Keep their choice, based now on the newer one, which the page shows.
            newer = stale.current
            data = request.POST.copy()
            data["based_on"] = str(newer.number)
            form = SharingForm(data)
            form.is_valid()
            form.add_error(None, str(stale))
        except DomainError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Who may see {person.given_name}'s plan has been recorded")
            return redirect("wellbeing:crisis_plan", person_id=person.pk)
    people_viewed(by=Acting.from_request(request), people=person, page="crisis plan sharing")
    return render(
        request,
        "wellbeing/crisis_plan_sharing.jinja",
        {"person": person, "form": form, "sharing": newer or sharing},
    )


@permission("wellbeing.print_crisis_plan")
def crisis_plan_print(request: OrganisationRequest, person_id: uuid.UUID) -> HttpResponse:
    """A printable copy for the person's GP, only if the person agreed to share it with them:
    otherwise the page says so, and the attempt is audited as refused."""
    person, plan, sharing, access = _plan_context(request, person_id, "print")
    current = selectors.current_version(plan)
    agreed = sharing is not None and sharing.gp and current is not None
    if agreed and current is not None:
        _plan_viewed(request, person, "print", access.because, version=current.number)
    else:
        _plan_viewed(request, person, "print", "GP sharing not agreed", refused=True)
    return render(
        request,
        "wellbeing/crisis_plan_print.jinja",
        {
            "person": person,
            "current": current if agreed else None,
            "sharing": sharing,
            "parts": PLAN_FIELDS,
        },
    )
