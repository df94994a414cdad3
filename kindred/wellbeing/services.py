"""Every change to goals, reviews and crisis plans. Each checks what it is given and who is
asking, locks what it changes, keeps the history and writes the audit log (never the words
themselves: the audit log holds no personal data)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.core.services import Acting, audit_record
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.people.merging import moving_between
from kindred.people.models import Person
from kindred.relationships.models import Relationship
from kindred.relationships.selectors import supports
from kindred.relationships.services import relationship_lock, relationship_reviewed
from kindred.wellbeing import audit_actions, selectors
from kindred.wellbeing.models import (
    GOAL_MACHINE,
    GOAL_MAX,
    PLAN_FIELD_MAX,
    PLAN_FIELDS,
    WHAT_NEXT_MAX,
    WORDS_MAX,
    CrisisPlan,
    CrisisPlanSharing,
    CrisisPlanVersion,
    Goal,
    GoalChange,
    GoalProgress,
    GoalStatus,
    Progress,
    ProgressReview,
)


class WellbeingError(DomainError):
    """A goal, review or plan change that cannot be made; the message says why, plainly."""


class PlanChanged(WellbeingError, ChangedSinceYouLooked):
    """Someone saved a newer version of the plan than the one this save was based on. Nothing
    was saved; `newer` is the version to merge with."""

    def __init__(self, message: str, *, newer: CrisisPlanVersion) -> None:
        super().__init__(message)
        self.newer = newer


class SharingChanged(WellbeingError, ChangedSinceYouLooked):
    """Someone recorded a newer choice about who may see the plan."""

    def __init__(self, message: str, *, current: CrisisPlanSharing) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class PlanContent:
    warning_signs: str = ""
    what_helps: str = ""
    what_to_avoid: str = ""
    people_to_contact: str = ""
    professional_contacts: str = ""
    practical_things: str = ""

    def tidied(self) -> PlanContent:
        """Line endings made plain and outer spaces trimmed; the person's words are kept."""
        return PlanContent(
            **{
                name: value.replace("\r\n", "\n").replace("\r", "\n").strip()
                for name, value in asdict(self).items()
            }
        )

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Sharing:
    """Who the person says may see their plan (coordinators always can)."""

    supporters: bool
    crisis_line: bool
    facilitators: bool
    gp: bool

    @classmethod
    def of(cls, record: CrisisPlanSharing) -> Sharing:
        """The choice a recorded one holds, to compare with a new one."""
        return cls(**{field.name: getattr(record, field.name) for field in fields(cls)})

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


@dataclass(frozen=True)
class ProgressEntry:
    goal_id: uuid.UUID
    rating: int
    in_their_words: str = ""


def _organisation(by: Acting) -> Organisation:
    if by.organisation is None:
        raise WellbeingError("Choose an organisation to act for first")
    return by.organisation


def _in_organisation(by: Acting, person: Person) -> Organisation:
    organisation = _organisation(by)
    if person.organisation_id != organisation.pk:
        raise WellbeingError("That person is not in this organisation")
    return organisation


def _check_person(by: Acting, person: Person) -> Organisation:
    """Goals and reviews: the person's supporters and coordinators only."""
    organisation = _in_organisation(by, person)
    if by.user is not None and not selectors.may_work_with(
        organisation=organisation, user=by.user, person=person
    ):
        raise WellbeingError(
            f"Only {person.display_name}'s supporters and coordinators can do this"
        )
    return organisation


def _gives(by: Acting, organisation: Organisation, relationship: Relationship) -> bool:
    """Coordinators (and the system) act for any support; a volunteer only for their own."""
    if by.user is None or selectors.holds_record(organisation=organisation, user=by.user):
        return True
    return supports(user=by.user, relationship=relationship)


def _not_future(day: dt.date, what: str) -> None:
    if day > timezone.localdate():
        raise WellbeingError(f"{what} must be today or in the past")


# Goals


@transaction.atomic
def goal_add(
    *,
    by: Acting,
    person: Person,
    text: str,
    relationship: Relationship | None = None,
    set_on: dt.date | None = None,
) -> Goal:
    """Record one of the person's goals, exactly in their words."""
    organisation = _check_person(by, person)
    text = text.strip()
    if not text:
        raise WellbeingError("Enter the goal in their words")
    if len(text) > GOAL_MAX:
        raise WellbeingError(f"The goal must be {GOAL_MAX} characters or fewer")
    day = set_on or timezone.localdate()
    _not_future(day, "The date the goal was set")
    if relationship is not None:
        if relationship.person_id != person.pk or relationship.organisation_id != organisation.pk:
            raise WellbeingError("That support is for someone else")
        if not _gives(by, organisation, relationship):
            raise WellbeingError("You can only link a goal to support you give")
    goal = Goal.objects.create(
        organisation=organisation,
        person=person,
        relationship=relationship,
        text=text,
        set_on=day,
        added_by=by.user,
        added_by_label=by.actor_label,
    )
    GoalChange.record(by=by, subject=goal, from_state="", to_state=goal.status, note="Goal set")
    audit_record(
        by=by,
        action=audit_actions.GOAL_ADDED,
        target=person,
        detail={"goal": str(goal.pk), "relationship": str(relationship.pk) if relationship else ""},
    )
    return goal


def _goal_moved(by: Acting, goal: Goal, to: str, note: str) -> None:
    before = goal.status
    goal.status = to
    goal.save(update_fields=["status", "updated_at"])
    GoalChange.record(by=by, subject=goal, from_state=before, to_state=to, note=note)


@transaction.atomic
def goal_status_change(
    *, by: Acting, goal_id: uuid.UUID, expected: str, to: str, note: str = ""
) -> Goal:
    """Mark a goal achieved, no longer a goal, or back to working on it."""
    organisation = _organisation(by)
    if to not in GoalStatus.values:
        raise WellbeingError("Choose where the goal is now")
    try:
        goal = (
            Goal.objects.select_for_update()
            .select_related("person")
            .get(pk=goal_id, organisation=organisation)
        )
    except Goal.DoesNotExist as missing:
        raise WellbeingError("That goal is not in this organisation") from missing
    _check_person(by, goal.person)
    if to == goal.status == expected:
        raise WellbeingError(f"The goal is already '{goal.get_status_display().lower()}'")
    GOAL_MACHINE.check(current=goal.status, to=to, expected=expected)
    _goal_moved(by, goal, to, note.strip())
    audit_record(
        by=by,
        action=audit_actions.GOAL_CHANGED,
        target=goal.person,
        detail={"goal": str(goal.pk), "from": expected, "to": to},
    )
    return goal


# Progress reviews


@transaction.atomic
def review_record(
    *,
    by: Acting,
    relationship_id: uuid.UUID,
    held_on: dt.date,
    progress: Sequence[ProgressEntry],
    what_next: str,
) -> ProgressReview:
    """A progress review was held with the person and their supporter: how each current goal is
    going, as the person sees it, and what happens next. The relationship's next review is
    planned from it (unless an earlier review is being recorded late)."""
    organisation = _organisation(by)
    try:
        # Locked by the relationships app until this transaction ends: the review and the next
        # review date it sets are recorded against support that does not change meanwhile.
        relationship = relationship_lock(by=by, relationship_id=relationship_id)
    except DomainError as missing:
        raise WellbeingError("That support is not in this organisation") from missing
    person = relationship.person
    _check_person(by, person)
    if not _gives(by, organisation, relationship):
        raise WellbeingError("You can only record reviews of support you give")
    if relationship.status not in selectors.REVIEWABLE or relationship.started_on is None:
        raise WellbeingError(
            "Reviews can only be recorded while support is going on (active or paused); this "
            f"support is '{relationship.get_status_display().lower()}'"
        )
    _not_future(held_on, "The date of the review")
    if held_on < relationship.started_on:
        raise WellbeingError(
            "The date of the review must be on or after support started "
            f"({relationship.started_on.day} {relationship.started_on:%B %Y})"
        )
    if ProgressReview.objects.filter(relationship=relationship, held_on=held_on).exists():
        raise WellbeingError("A review on that date is already recorded for this support")
    what_next = what_next.strip()
    if not what_next:
        raise WellbeingError("Enter what happens next")
    if len(what_next) > WHAT_NEXT_MAX:
        raise WellbeingError(f"What happens next must be {WHAT_NEXT_MAX} characters or fewer")
    goals = {
        g.pk: g for g in selectors.goals_for_review(relationship=relationship).select_for_update()
    }
    given = {entry.goal_id: entry for entry in progress}
    if set(given) != set(goals) or len(given) != len(progress):
        raise WellbeingError(
            "Their goals changed while you were recording this review. Check each goal below "
            "and save again."
        )
    for entry in progress:
        if entry.rating not in Progress.values:
            raise WellbeingError("Choose how each goal is going")
        if len(entry.in_their_words.strip()) > WORDS_MAX:
            raise WellbeingError(f"What they said must be {WORDS_MAX} characters or fewer")
    latest = (
        ProgressReview.objects.filter(relationship=relationship)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if latest is None or held_on > latest:
        try:
            relationship_reviewed(by=by, relationship_id=relationship.pk, on=held_on)
        except DomainError as refused:
            raise WellbeingError(str(refused)) from refused
    review = ProgressReview.objects.create(
        organisation=organisation,
        person=person,
        relationship=relationship,
        held_on=held_on,
        what_next=what_next,
        recorded_at=timezone.now(),
        recorded_by=by.user,
        recorded_by_label=by.actor_label,
    )
    GoalProgress.objects.bulk_create(
        GoalProgress(
            review=review,
            goal=goals[entry.goal_id],
            rating=entry.rating,
            in_their_words=entry.in_their_words.strip(),
        )
        for entry in progress
    )
    for entry in progress:
        if entry.rating == Progress.ACHIEVED:
            _goal_moved(
                by,
                goals[entry.goal_id],
                GoalStatus.ACHIEVED,
                f"Achieved, at the review on {held_on.day} {held_on:%B %Y}",
            )
    audit_record(
        by=by,
        action=audit_actions.REVIEW_RECORDED,
        target=person,
        detail={
            "review": str(review.pk),
            "relationship": str(relationship.pk),
            "goals": len(progress),
        },
    )
    return review


# Crisis plans


def _plan_locked(organisation: Organisation, person: Person) -> CrisisPlan:
    """The plan's head row, made if need be, locked until the end of the transaction: saves of
    the same plan happen one after another, never interleaved."""
    plan, _made = CrisisPlan.objects.get_or_create(organisation=organisation, person=person)
    return CrisisPlan.objects.select_for_update().get(pk=plan.pk)


def _plan_access(by: Acting, organisation: Organisation, person: Person, plan: CrisisPlan) -> None:
    if by.user is None:
        return  # the system itself (demo data, imports)
    access = selectors.crisis_plan_access(
        organisation=organisation,
        user=by.user,
        person=person,
        plan=plan,
        sharing=selectors.sharing_in_force(plan),
    )
    if not access.change:
        raise WellbeingError(
            f"{person.display_name} has not said their supporters may see their plan, so you "
            "cannot change it"
        )


def _may_record_sharing(by: Acting, organisation: Organisation, person: Person) -> None:
    """Who may see the plan is the person's own decision, recorded by a coordinator (or the
    system, for demo data and imports): a supporter is refused (ADR-098)."""
    if by.user is not None and not by.user.has_perm(
        "wellbeing.record_crisis_plan_sharing", organisation
    ):
        raise WellbeingError(
            f"Only a coordinator, recording {person.given_name or 'the person'}'s own decision, "
            "can say who may see the plan"
        )


def _when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


@transaction.atomic
def crisis_plan_save(
    *,
    by: Acting,
    person: Person,
    based_on: int,
    content: PlanContent,
    sharing: Sharing | None = None,
    own_decision: bool = False,
) -> CrisisPlanVersion:
    """Save a new version of the person's plan. `based_on` is the version the person saving
    was looking at (0 for a new plan): if someone saved a newer one meanwhile, nothing is saved
    and PlanChanged carries the newer version so they can merge. The first version needs the
    person's choice of who may see it, which only a coordinator records (`own_decision`: they
    confirmed it is the person's own decision, kept with the choice)."""
    organisation = _in_organisation(by, person)
    if sharing is not None:
        _may_record_sharing(by, organisation, person)
    content = content.tidied()
    labels = {name: label for name, label, _hint in PLAN_FIELDS}
    for name, value in content.as_dict().items():
        if len(value) > PLAN_FIELD_MAX:
            raise WellbeingError(f"{labels[name]} must be {PLAN_FIELD_MAX} characters or fewer")
    if not any(content.as_dict().values()):
        raise WellbeingError("Write at least one part of the plan")
    plan = _plan_locked(organisation, person)
    _plan_access(by, organisation, person, plan)
    if based_on != plan.version_count:
        newer = plan.versions.get(number=plan.version_count)
        raise PlanChanged(
            f"{newer.saved_by_label} saved a newer version of this plan (version {newer.number}, "
            f"{_when(newer.saved_at)}) while you were writing yours. Your changes have not been "
            "saved yet. Their version is shown with each part below: bring anything of theirs "
            "you want to keep into your text, then save again.",
            newer=newer,
        )
    if plan.version_count == 0 and sharing is None:
        raise WellbeingError(f"Say who {person.given_name or 'they'} would like to see the plan")
    current = selectors.current_version(plan)
    if current is not None and current.content() == content.as_dict():
        raise WellbeingError("Nothing in the plan has changed, so no new version was saved")
    version = CrisisPlanVersion.objects.create(
        plan=plan,
        number=plan.version_count + 1,
        based_on=based_on,
        saved_at=timezone.now(),
        saved_by=by.user,
        saved_by_label=by.actor_label,
        **content.as_dict(),
    )
    plan.version_count = version.number
    changed = ["version_count", "updated_at"]
    if plan.sharing_count == 0 and sharing is not None:
        _sharing_add(by, plan, sharing, own_decision)
        changed.append("sharing_count")
    plan.save(update_fields=changed)
    audit_record(
        by=by,
        action=audit_actions.CRISIS_PLAN_SAVED,
        target=person,
        detail={"plan": str(plan.pk), "version": version.number},
    )
    return version


def _sharing_add(
    by: Acting, plan: CrisisPlan, sharing: Sharing, own_decision: bool
) -> CrisisPlanSharing:
    record = CrisisPlanSharing.objects.create(
        plan=plan,
        number=plan.sharing_count + 1,
        recorded_at=timezone.now(),
        recorded_by=by.user,
        recorded_by_label=by.actor_label,
        persons_own_decision=own_decision,
        **sharing.as_dict(),
    )
    plan.sharing_count = record.number
    audit_record(
        by=by,
        action=audit_actions.CRISIS_PLAN_SHARING_RECORDED,
        target=plan.person,
        detail={
            "plan": str(plan.pk),
            "number": record.number,
            "persons_own_decision": own_decision,
            **sharing.as_dict(),
        },
    )
    return record


@transaction.atomic
def crisis_plan_sharing_record(
    *, by: Acting, person: Person, based_on: int, sharing: Sharing, own_decision: bool = False
) -> CrisisPlanSharing:
    """Record who the person now says may see their plan. `based_on` is the choice the person
    recording it was looking at; a newer one recorded meanwhile is not silently overwritten.
    Only a coordinator records it, confirming (`own_decision`) that it is the person's own
    decision, which is kept with it; a supporter is refused (ADR-098)."""
    organisation = _in_organisation(by, person)
    _may_record_sharing(by, organisation, person)
    if by.user is not None and not own_decision:
        raise WellbeingError(
            f"Confirm that this is {person.given_name or 'the person'}'s own decision"
        )
    plan = _plan_locked(organisation, person)
    if plan.version_count == 0:
        raise WellbeingError("Write the plan first: who may see it is asked then")
    _plan_access(by, organisation, person, plan)
    current = selectors.sharing_in_force(plan)
    if based_on != plan.sharing_count and current is not None:
        raise SharingChanged(
            f"{current.recorded_by_label} recorded a newer choice ({_when(current.recorded_at)}) "
            "while you were looking. Check who may see the plan now and save again.",
            current=current,
        )
    if current is not None and Sharing.of(current) == sharing:
        raise WellbeingError("Nothing has changed in who may see the plan")
    record = _sharing_add(by, plan, sharing, own_decision)
    plan.save(update_fields=["sharing_count", "updated_at"])
    return record


# Merging two records of one person (people.merging, ADR-090)


def person_wellbeing_held(*, person: Person) -> int:
    """How many goals, and crisis plans (one or none), the record holds."""
    return person.goals.count() + CrisisPlan.objects.filter(person=person).count()


@transaction.atomic
def person_wellbeing_move(*, by: Acting, merged: Person, survivor: Person) -> int:
    """Two records of one person are being merged: the merged record's goals (with their
    history) move to the survivor, and so does its crisis plan (with every version and sharing
    choice) if the survivor has none. If both have a plan, the survivor's stays the plan in
    force and the other stays with the merged record, unchanged, shown to coordinators on the
    survivor's plan page (`selectors.merged_crisis_plans`). Progress reviews are append-only and
    stay where they were recorded; reads of the survivor include them. Called by
    people.merging.person_merge only, inside its transaction. Returns how many moved."""
    organisation = moving_between(by=by, merged=merged, survivor=survivor)
    goals = list(Goal.objects.select_for_update().filter(organisation=organisation, person=merged))
    for goal in goals:
        goal.person = survivor
        goal.save(update_fields=["person", "updated_at"])
    moved = len(goals)
    plan = CrisisPlan.objects.select_for_update().filter(person=merged).first()
    if plan is not None and not CrisisPlan.objects.filter(person=survivor).exists():
        plan.person = survivor
        plan.save(update_fields=["person", "updated_at"])
        audit_record(
            by=by,
            action=audit_actions.CRISIS_PLAN_MOVED,
            target=survivor,
            detail={"plan": str(plan.pk), "from": str(merged.pk)},
        )
        moved += 1
    return moved


def person_wellbeing_note(*, merged: Person, survivor: Person) -> str:
    """What a coordinator should know before merging: both records have a written plan."""
    written = [
        CrisisPlan.objects.filter(person=p, version_count__gt=0).exists()
        for p in (merged, survivor)
    ]
    if not all(written):
        return ""
    return (
        "Both records have a crisis and wellbeing plan. The plan of the record that stays stays "
        "in force; the other is kept as it is, and shown to coordinators on the plan page of "
        "the record that stays, so anything still needed can be copied in with the person."
    )
