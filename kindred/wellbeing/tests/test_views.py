"""The pages: who gets them, what they show, errors in NHS.UK style, every look at a plan
audited (refused ones too)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.wellbeing import services
from kindred.wellbeing.models import CrisisPlanVersion, Goal, GoalStatus, ProgressReview
from kindred.wellbeing.services import PlanContent, Sharing
from kindred.wellbeing.tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

EVERYONE = Sharing(supporters=True, crisis_line=True, facilitators=True, gp=True)


def url(name, **kwargs):
    return reverse(f"wellbeing:{name}", kwargs=kwargs)


@pytest.fixture
def supporter(sign_in, supporter_user, organisation, relationship):
    return sign_in(supporter_user, organisation)


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


def _plan(by, person, sharing=EVERYONE, **content):
    return services.crisis_plan_save(
        by=by,
        person=person,
        based_on=0,
        content=PlanContent(**(content or {"what_helps": "Walking the dog, Biscuit"})),
        sharing=sharing,
        own_decision=True,
    )


def _viewed(person):
    """Each look at the person's plan: who, on which page, and whether it was shown (a view) or
    refused (recorded as a refusal, never as a view)."""
    return [
        (e.actor_label, e.detail["page"], e.action == "crisis_plan.viewed")
        for e in AuditEvent.objects.for_record(person)
        .filter(action__in=["crisis_plan.viewed", "crisis_plan.view_refused"])
        .order_by("occurred_at")
    ]


# Goals and reviews


def test_a_supporter_sees_the_goals_and_reviews_and_the_look_is_audited(
    supporter, person, relationship, by, django_assert_max_num_queries
):
    goals = [GoalFactory(relationship=relationship, text=f"Goal number {i}") for i in range(8)]
    for days in range(1, 6):
        services.review_record(
            by=by,
            relationship_id=relationship.pk,
            held_on=timezone.localdate() - dt.timedelta(days=days),
            progress=[services.ProgressEntry(g.pk, 3, "Slowly") for g in goals],
            what_next=f"Meet again in week {days}",
        )
    with django_assert_max_num_queries(20):
        response = supporter.get(url("goals", person_id=person.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Goal number 7" in body and "Meet again in week 5" in body and "Getting there" in body
    assert "Record a progress review" in body
    assert "Back to the people you support" in body  # volunteers do not see the person page
    events = AuditEvent.objects.for_record(person).filter(action__startswith="goals.")
    assert [(e.action, e.detail) for e in events] == [("goals.viewed", {"page": "goals"})]


def test_a_volunteer_who_does_not_support_the_person_gets_not_found_and_it_is_audited(
    sign_in, other_volunteer, organisation, person, relationship
):
    goal = GoalFactory(relationship=relationship)
    client = sign_in(other_volunteer, organisation)
    for address in (
        url("goals", person_id=person.pk),
        url("goal_add", person_id=person.pk),
        url("goal_change", goal_id=goal.pk),
        url("review_add", person_id=person.pk),
    ):
        assert client.get(address).status_code == 404
    assert client.post(url("goal_add", person_id=person.pk), {"text": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action="goals.viewed").exists()  # refused: no view
    refused = AuditEvent.objects.for_record(person).filter(action="goals.view_refused")
    assert [e.detail["page"] for e in refused.order_by("occurred_at")] == [
        "goals",
        "goal_add",
        "goal_change",
        "review_add",
        "goal_add",
    ]
    assert Goal.objects.count() == 1


def test_adding_a_goal_and_its_errors(supporter, person, relationship):
    response = supporter.post(
        url("goal_add", person_id=person.pk),
        {"text": "", "relationship": "", "set_on": "2099-01-01"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter their goal, in their words" in body
    assert "The date the goal was set must be today or in the past" in body
    assert not Goal.objects.exists()
    response = supporter.post(
        url("goal_add", person_id=person.pk),
        {"text": "Go to the stroke club", "relationship": str(relationship.pk),
         "set_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.text, goal.relationship) == ("Go to the stroke club", relationship)
    response = supporter.post(
        url("goal_add", person_id=person.pk),
        {"text": "Another", "relationship": "not-a-choice", "set_on": "2025-01-01"},
    )
    assert "Choose one of the supports listed" in response.content.decode()


def test_changing_a_goal_someone_else_already_changed_shows_it(supporter, by, person, relationship):
    goal = GoalFactory(relationship=relationship)
    page = supporter.get(url("goal_change", goal_id=goal.pk))
    assert page.status_code == 200 and "Get back to the allotment" in page.content.decode()
    services.goal_status_change(by=by, goal_id=goal.pk, expected="working_on", to="dropped")
    response = supporter.post(
        url("goal_change", goal_id=goal.pk), {"status": "achieved", "expected": "working_on"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this goal while you were looking at it" in body
    assert 'name="expected" value="dropped"' in body  # saving again is based on what is there now
    goal.refresh_from_db()
    assert goal.status == GoalStatus.DROPPED
    response = supporter.post(
        url("goal_change", goal_id=goal.pk), {"status": "achieved", "expected": "dropped"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED


def _review_data(goals, **overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "what_next": "Try the bus together",
        "goals": ",".join(str(g.pk) for g in goals),
    }
    for goal in goals:
        data[f"rating_{goal.pk}"] = "4"
        data[f"words_{goal.pk}"] = "Much better than I was"
    return {**data, **overrides}


def test_recording_a_review_moves_the_next_review(supporter, person, relationship):
    goal = GoalFactory(relationship=relationship)
    page = supporter.get(url("review_add", person_id=person.pk))
    assert (
        page.status_code == 200
        and "Goal 1: how is it going, as they see it?" in page.content.decode()
    )
    response = supporter.post(url("review_add", person_id=person.pk), _review_data([goal]))
    assert response.status_code == 302
    review = ProgressReview.objects.get()
    assert review.progress.get().in_their_words == "Much better than I was"
    relationship.refresh_from_db()
    assert relationship.next_review_on == timezone.localdate() + dt.timedelta(days=91)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2999-01-01"}, "The date of the review must be today or in the past"),
        ({"held_on": "2000-01-01"}, "The date of the review must be on or after support started"),
        ({"held_on": "31/02/2026"}, "Date of the review must be a real date"),
        ({"what_next": ""}, "Enter what happens next"),
    ],
)
def test_a_review_with_a_bad_date_or_missing_answers_is_explained_not_saved(
    supporter, person, relationship, overrides, message
):
    goal = GoalFactory(relationship=relationship)
    before = relationship.next_review_on
    response = supporter.post(
        url("review_add", person_id=person.pk), _review_data([goal], **overrides)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not ProgressReview.objects.exists()
    relationship.refresh_from_db()
    assert relationship.next_review_on == before


def test_a_goal_added_while_the_review_form_was_open_is_noticed(supporter, person, relationship):
    first = GoalFactory(relationship=relationship)
    data = _review_data([first])
    GoalFactory(relationship=relationship, text="Join the walking group")
    response = supporter.post(url("review_add", person_id=person.pk), data)
    body = response.content.decode()
    assert "Their goals changed while you were recording this review" in body
    assert "Join the walking group" in body and "Choose how goal 2 is going" in body
    assert not ProgressReview.objects.exists()


def test_with_two_supports_the_review_asks_which(
    coordinator_client, person, relationship, organisation
):
    second = RelationshipFactory(organisation=organisation, person=person, kind="peer_mentoring")
    page = coordinator_client.get(url("review_add", person_id=person.pk))
    body = page.content.decode()
    assert "Which support is this review for?" in body and "Peer mentoring with" in body
    chosen = coordinator_client.get(
        url("review_add", person_id=person.pk) + f"?relationship={second.pk}"
    )
    assert chosen.status_code == 200 and "Choose another support" in chosen.content.decode()
    other = RelationshipFactory(organisation=organisation)
    assert (
        coordinator_client.get(
            url("review_add", person_id=person.pk) + f"?relationship={other.pk}"
        ).status_code
        == 404
    )


def test_a_facilitator_cannot_open_goals(client_as, person):
    assert client_as(Role.FACILITATOR).get(url("goals", person_id=person.pk)).status_code == 403


# Crisis plans


def test_a_coordinator_writes_the_first_plan_confirming_who_may_see_it_is_the_persons_decision(
    supporter, coordinator_client, person
):
    # The first version records who may see it: a supporter cannot write it (ADR-098).
    page = supporter.get(url("crisis_plan", person_id=person.pk))
    assert page.status_code == 404
    assert supporter.get(url("crisis_plan_edit", person_id=person.pk)).status_code == 404
    assert coordinator_client.get(url("crisis_plan", person_id=person.pk)).status_code == 200
    form = coordinator_client.get(url("crisis_plan_edit", person_id=person.pk)).content.decode()
    assert "Who would they like to be able to see their plan?" in form
    assert "own decision" in form
    data = {"based_on": "0", "warning_signs": "Not eating", "practical_things": "Jo feeds the cat",
            "audiences": ["supporters", "gp"]}  # fmt: skip
    unconfirmed = coordinator_client.post(url("crisis_plan_edit", person_id=person.pk), data)
    assert unconfirmed.status_code == 200
    assert "Confirm that this is the person" in unconfirmed.content.decode()
    assert not CrisisPlanVersion.objects.exists()
    response = coordinator_client.post(
        url("crisis_plan_edit", person_id=person.pk), {**data, "own_decision": "on"}
    )
    assert response.status_code == 302
    version = CrisisPlanVersion.objects.get()
    assert (version.number, version.warning_signs) == (1, "Not eating")
    choice = version.plan.sharing_history.get()
    assert choice.audiences() == ["supporters", "gp"] and choice.persons_own_decision
    body = supporter.get(url("crisis_plan", person_id=person.pk)).content.decode()
    assert "Jo feeds the cat" in body and "Version 1, saved" in body
    assert "own decision" in body
    assert "Change who may see it" not in body and "ask a coordinator" in body
    assert "Print a copy for their GP" not in body  # coordinators send it


def test_a_stale_save_is_refused_with_the_newer_text_to_merge(supporter, by, person):
    _plan(by, person, warning_signs="Not sleeping", what_helps="Music")
    # The supporter opens the form on version 1; meanwhile the coordinator saves version 2.
    supporter.get(url("crisis_plan_edit", person_id=person.pk))
    services.crisis_plan_save(
        by=by, person=person, based_on=1,
        content=PlanContent(warning_signs="Not sleeping, not eating", what_helps="Music"),
    )  # fmt: skip
    response = supporter.post(
        url("crisis_plan_edit", person_id=person.pk),
        {"based_on": "1", "warning_signs": "Not sleeping", "what_helps": "Music and a bath"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "saved a newer version of this plan (version 2" in body
    assert "Early warning signs in version 2, saved by coordinator@example.com" in body
    assert "Not sleeping, not eating" in body  # their text, to merge
    assert body.count("kindred-newer-version") == 1  # only the part they changed
    assert "Music and a bath" in body  # the supporter's own text is kept in the form
    assert 'name="based_on" value="2"' in body
    assert CrisisPlanVersion.objects.count() == 2
    # They merge and save again: version 3, based on 2.
    response = supporter.post(
        url("crisis_plan_edit", person_id=person.pk),
        {
            "based_on": "2",
            "warning_signs": "Not sleeping, not eating",
            "what_helps": "Music and a bath",
        },
    )
    assert response.status_code == 302
    latest = CrisisPlanVersion.objects.get(number=3)
    assert (latest.based_on, latest.warning_signs, latest.what_helps) == (
        2, "Not sleeping, not eating", "Music and a bath"
    )  # fmt: skip


def test_two_first_plans_the_second_is_told_who_may_see_it_was_recorded_with_the_first(
    coordinator_client, by, person
):
    coordinator_client.get(url("crisis_plan_edit", person_id=person.pk))
    _plan(by, person, what_helps="Tea with Jo")
    response = coordinator_client.post(
        url("crisis_plan_edit", person_id=person.pk),
        {"based_on": "0", "what_helps": "Music", "audiences": ["supporters"], "own_decision": "on"},
    )
    body = response.content.decode()
    assert "saved a newer version of this plan (version 1" in body
    assert "Who may see the plan was recorded with their version" in body
    assert "Tea with Jo" in body and "Music" in body
    assert 'name="based_on" value="1"' in body
    assert "Who would they like to be able to see their plan?" not in body
    assert CrisisPlanVersion.objects.count() == 1


def test_plan_form_errors_are_shown_and_nothing_is_saved(supporter, by, person):
    _plan(by, person)
    response = supporter.post(
        url("crisis_plan_edit", person_id=person.pk), {"based_on": "1", "what_helps": "x" * 2001}
    )
    body = response.content.decode()
    assert "What helps must be 2000 characters or fewer" in body and "There is a problem" in body
    response = supporter.post(url("crisis_plan_edit", person_id=person.pk), {"based_on": "1"})
    assert "Write at least one part of the plan" in response.content.decode()
    response = supporter.post(
        url("crisis_plan_edit", person_id=person.pk), {"based_on": "x", "what_helps": "Tea"}
    )
    assert "This page was out of date" in response.content.decode()
    assert CrisisPlanVersion.objects.count() == 1


def test_refused_looks_at_a_plan_are_not_found_and_audited(
    sign_in, by, person, other_volunteer, make_user, organisation, supporter_user
):
    _plan(
        by,
        person,
        sharing=Sharing(supporters=False, crisis_line=False, facilitators=False, gp=False),
    )
    facilitator = make_user(Role.FACILITATOR, organisation=organisation, email="fay@example.com")
    for user in (other_volunteer, facilitator, supporter_user):
        client = sign_in(user, organisation)
        assert client.get(url("crisis_plan", person_id=person.pk)).status_code == 404
    supporter = sign_in(supporter_user, organisation)
    assert supporter.get(url("crisis_plan_edit", person_id=person.pk)).status_code == 404
    assert (
        supporter.post(
            url("crisis_plan_edit", person_id=person.pk), {"based_on": "1", "what_helps": "Tea"}
        ).status_code
        == 404
    )
    assert _viewed(person) == [
        ("tom@example.com", "plan", False),
        ("fay@example.com", "plan", False),
        ("emilio@example.com", "plan", False),
        ("emilio@example.com", "edit", False),
        ("emilio@example.com", "edit", False),
    ]
    assert CrisisPlanVersion.objects.count() == 1


def test_a_supporter_refused_the_plan_is_recorded_as_refused_never_as_viewed(
    supporter, coordinator_client, by, person
):
    """Issue 11: a volunteer the person did not share their plan with used to show as
    "crisis_plan_viewed" in the person's access log. The attempt is a refusal, and the person's
    trail says so."""
    _plan(
        by,
        person,
        sharing=Sharing(supporters=False, crisis_line=False, facilitators=False, gp=False),
    )
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    assert supporter.get(url("crisis_plan", person_id=person.pk)).status_code == 404
    written = AuditEvent.objects.exclude(pk__in=before)
    assert [(e.action, e.actor_label, e.target_id) for e in written] == [
        ("crisis_plan.view_refused", "emilio@example.com", str(person.pk))
    ]
    assert written.get().detail == {"page": "plan", "because": "not shared with them"}
    assert not AuditEvent.objects.filter(action="crisis_plan.viewed").exists()

    trail = coordinator_client.get(reverse("people:audit", kwargs={"person_id": person.pk}))
    body = trail.content.decode()
    assert trail.status_code == 200
    assert "crisis_plan.view_refused" in body and "emilio@example.com" in body
    assert "crisis_plan.viewed" not in body


def test_a_facilitator_the_person_shared_with_reads_the_plan(
    sign_in, by, person, make_user, organisation
):
    _plan(
        by,
        person,
        sharing=Sharing(supporters=False, crisis_line=False, facilitators=True, gp=False),
    )
    client = sign_in(make_user(Role.FACILITATOR, organisation=organisation), organisation)
    body = client.get(url("crisis_plan", person_id=person.pk)).content.decode()
    assert "Walking the dog, Biscuit" in body
    assert "chose to share it with group facilitators" in body
    assert "Change the plan" not in body


def test_the_plan_page_shows_the_history_and_who_may_see_it(coordinator_client, by, person):
    _plan(by, person, what_helps="First words")
    services.crisis_plan_save(
        by=by, person=person, based_on=1, content=PlanContent(what_helps="Second words")
    )
    services.crisis_plan_sharing_record(
        by=by, person=person, based_on=1, own_decision=True,
        sharing=Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
    )  # fmt: skip
    body = coordinator_client.get(url("crisis_plan", person_id=person.pk)).content.decode()
    assert body.index("Second words") < body.index("Earlier versions") < body.index("First words")
    assert "Version 1, saved" in body
    assert "Their supporters" in body and "Earlier choices" in body
    assert "Print a copy for their GP" not in body  # the GP is no longer among them


def test_a_coordinator_changes_who_may_see_it_confirming_it_is_the_persons_decision(
    coordinator_client, by, person
):
    _plan(by, person)
    page = coordinator_client.get(url("crisis_plan_sharing", person_id=person.pk))
    assert page.status_code == 200 and 'name="own_decision"' in page.content.decode()
    unconfirmed = coordinator_client.post(
        url("crisis_plan_sharing", person_id=person.pk),
        {"based_on": "1", "audiences": ["supporters", "crisis_line"]},
    )
    assert unconfirmed.status_code == 200
    assert "Confirm that this is the person" in unconfirmed.content.decode()
    assert person.crisis_plan.sharing_history.count() == 1
    response = coordinator_client.post(
        url("crisis_plan_sharing", person_id=person.pk),
        {"based_on": "1", "audiences": ["supporters", "crisis_line"], "own_decision": "on"},
    )
    assert response.status_code == 302
    latest = person.crisis_plan.sharing_history.first()
    assert latest.number == 2 and latest.persons_own_decision
    assert latest.audiences() == ["supporters", "crisis_line"]
    entry = AuditEvent.objects.filter(action="crisis_plan.sharing_recorded").latest("occurred_at")
    assert entry.detail["persons_own_decision"] is True
    body = coordinator_client.get(url("crisis_plan", person_id=person.pk)).content.decode()
    assert "who confirmed it was Nicole" in body
    stale = coordinator_client.post(
        url("crisis_plan_sharing", person_id=person.pk),
        {"based_on": "1", "audiences": ["gp"], "own_decision": "on"},
    )
    body = stale.content.decode()
    assert "recorded a newer choice" in body and 'name="based_on" value="2"' in body
    assert person.crisis_plan.sharing_history.count() == 2


def test_a_supporter_cannot_change_who_may_see_it(supporter, by, person):
    """Item 5c: before, a supporter the person shared with could change who may see the plan."""
    _plan(by, person)
    page = supporter.get(url("crisis_plan", person_id=person.pk)).content.decode()
    assert "Biscuit" in page and url("crisis_plan_sharing", person_id=person.pk) not in page
    assert supporter.get(url("crisis_plan_sharing", person_id=person.pk)).status_code == 403
    refused = supporter.post(
        url("crisis_plan_sharing", person_id=person.pk),
        {"based_on": "1", "audiences": ["supporters"], "own_decision": "on"},
    )
    assert refused.status_code == 403
    assert person.crisis_plan.sharing_history.count() == 1


def test_the_sharing_page_without_a_plan_sends_you_to_write_one(coordinator_client, person):
    response = coordinator_client.get(url("crisis_plan_sharing", person_id=person.pk))
    assert response.status_code == 302
    assert response["Location"] == url("crisis_plan_edit", person_id=person.pk)


def test_a_printable_copy_for_the_gp_only_if_the_person_agreed(coordinator_client, by, person):
    _plan(
        by,
        person,
        sharing=Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
    )
    body = coordinator_client.get(url("crisis_plan_print", person_id=person.pk)).content.decode()
    assert "has not agreed to share their plan with their GP" in body
    assert "Biscuit" not in body
    services.crisis_plan_sharing_record(
        by=by, person=person, based_on=1, sharing=EVERYONE, own_decision=True
    )
    body = coordinator_client.get(url("crisis_plan_print", person_id=person.pk)).content.decode()
    assert "Walking the dog, Biscuit" in body and "agreed on" in body
    assert _viewed(person)[-2:] == [
        ("coordinator@example.com", "print", False),
        ("coordinator@example.com", "print", True),
    ]


# The person page and their copy of their data


def test_the_person_page_shows_goals_and_the_plan_to_coordinators_only(
    coordinator_client, client_as, by, person, relationship
):
    GoalFactory(relationship=relationship, text="Visit my grandson")
    _plan(by, person)
    body = coordinator_client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Goals and progress reviews" in body and "Visit my grandson" in body
    assert "Crisis and wellbeing plan" in body and "Version 1, saved" in body
    assert "Biscuit" not in body  # the plan itself only on its own, audited, page
    lead = client_as(Role.SAFEGUARDING_LEAD).get(reverse("people:detail", args=[person.pk]))
    assert lead.status_code == 200 and "Crisis and wellbeing plan" not in lead.content.decode()


def test_their_copy_of_their_data_has_every_plan_version_and_review(
    coordinator_client, by, person, relationship
):
    goal = GoalFactory(relationship=relationship, text="Swim a length")
    services.review_record(
        by=by, relationship_id=relationship.pk, held_on=timezone.localdate(),
        progress=[services.ProgressEntry(goal.pk, 2, "I went once")], what_next="Go weekly",
    )  # fmt: skip
    _plan(by, person, what_helps="First words")
    services.crisis_plan_save(
        by=by, person=person, based_on=1, content=PlanContent(what_helps="Second words")
    )
    response = coordinator_client.get(
        reverse("people:export", kwargs={"person_id": person.pk, "file_format": "json"})
    )
    data = json.loads(response.content)
    assert data["wellbeing_goals"]["goals"][0]["goal"] == "Swim a length"
    review = data["wellbeing_goals"]["reviews"][0]
    assert review["progress"] == [
        {"goal": "Swim a length", "progress": "Made a start", "in_your_words": "I went once"}
    ]
    versions = data["wellbeing_crisis_plan"]["versions"]
    assert [(v["version"], v["What helps"]) for v in versions] == [
        (1, "First words"),
        (2, "Second words"),
    ]
    assert data["wellbeing_crisis_plan"]["who_may_see_it"][0]["your_gp"] is True
    pdf = coordinator_client.get(
        reverse("people:export", kwargs={"person_id": person.pk, "file_format": "pdf"})
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
