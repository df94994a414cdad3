"""Part 2 of issue 17: the safety net for missing regulars (with a frozen clock), calling in a
professional, waiting lists, crisis plans shared with facilitators, the trend chart and least
privilege for facilitators."""

import datetime as dt
import re
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, DomainError
from kindred.groups import services, tasks
from kindred.groups.models import (
    GroupFacilitator,
    MissingPrompt,
    PlaceStatus,
    PromptStatus,
)
from kindred.groups.tests.access import ROUTES
from kindred.groups.tests.factories import details, make_group
from kindred.notifications.models import Notification
from kindred.people.tests.factories import PersonFactory
from kindred.safeguarding.models import Arrangements, Concern, Level, Source
from kindred.wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
#: A Monday morning in winter; the group meets on Mondays at 10:00.
START = dt.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)


def _week(n: int, hour: int = 12) -> dt.datetime:
    return START + dt.timedelta(weeks=n, hours=hour - 9)


def _take(by, group, week, *, members=(), regulars=(), headcount=0):
    session = group.sessions.get(starts_at=START.replace(hour=10) + dt.timedelta(weeks=week))
    return services.attendance_record(
        by=by, session=session, expected=session.status, members=list(members),
        regulars=list(regulars), headcount=headcount,
    )  # fmt: skip


@pytest.fixture
def facilitator(make_user, organisation):
    return make_user(Role.FACILITATOR, organisation=organisation, email="fay@example.com")


def _run_by(group, user):
    GroupFacilitator.objects.create(group=group, user=user, kind="peer_leader")


# The safety net (ADR-113)


def test_missed_in_a_row_counts_back_to_the_last_time_they_came():
    at = [START + dt.timedelta(weeks=n) for n in range(5)][::-1]  # newest first
    came: list[set[uuid.UUID]] = [set(), set(), {uuid.uuid4()}, set(), set()]
    streak = services.missed_in_a_row(held=list(zip(at, came, strict=True)), since=START)
    assert (streak.missed, streak.since) == (2, at[1])
    later = services.missed_in_a_row(held=list(zip(at, came, strict=True)), since=at[0])
    assert later.missed == 1  # sessions before opting in (or the last prompt) do not count


def test_an_opted_in_regular_who_misses_three_held_sessions_prompts_the_facilitators(
    by, organisation, facilitator
):
    with time_machine.travel(START, tick=False) as clock:
        group = make_group(organisation, first_on=START.date())
        _run_by(group, facilitator)
        ann = services.member_add(
            by=by, group=group, person=PersonFactory(organisation=organisation, given_name="Ann")
        )
        bev = services.regular_add(by=by, group=group, nickname="Bev")
        services.safety_net_set(by=by, subject=bev, watched=True)
        services.safety_net_set(by=by, subject=ann, watched=True)
        bev.refresh_from_db()
        assert bev.watched_since == START and bev.watched_by_label

        clock.move_to(_week(0))
        _take(by, group, 0, members=[ann], regulars=[bev])
        for week in (1, 2):
            clock.move_to(_week(week))
            _take(by, group, week, members=[ann], headcount=2)
        clock.move_to(_week(3))
        session = group.sessions.get(starts_at=START.replace(hour=10) + dt.timedelta(weeks=3))
        services.session_cancel(by=by, session=session, expected="scheduled", reason="Snow")
        clock.move_to(_week(4))
        # Week 4: nobody took attendance, so it does not count either.
        assert tasks.check_missing_regulars() == 0
        clock.move_to(_week(5))
        _take(by, group, 5, members=[ann], headcount=1)
        assert tasks.check_missing_regulars() == 1
        assert tasks.check_missing_regulars() == 0  # one open prompt at a time

    prompt = MissingPrompt.objects.get()
    assert (prompt.regular, prompt.member, prompt.missed) == (bev, None, 3)
    assert prompt.since == START.replace(hour=10) + dt.timedelta(weeks=1)
    sent = Notification.objects.filter(kind="groups.missing_regular")
    assert [n.recipient for n in sent] == ["fay@example.com"]
    assert "Bev" not in sent[0].body  # messages name nobody
    assert Concern.objects.count() == 0  # nothing leaves the group without a person deciding


def test_checked_in_all_fine_starts_the_count_again_and_a_worried_facilitator_raises_a_concern(
    by, organisation, facilitator
):
    with time_machine.travel(START, tick=False) as clock:
        group = make_group(organisation, first_on=START.date(), missed_before_prompt=2)
        _run_by(group, facilitator)
        ann = services.member_add(
            by=by, group=group, person=PersonFactory(organisation=organisation)
        )
        services.safety_net_set(by=by, subject=ann, watched=True)
        for week in (0, 1):
            clock.move_to(_week(week))
            _take(by, group, week, headcount=3)
        assert tasks.check_missing_regulars() == 1
        prompt = MissingPrompt.objects.get()
        as_fay = Acting(user=facilitator, organisation=organisation)
        assert services.prompt_resolve(by=as_fay, prompt=prompt, expected="open", worried=False,
                                       note="Rang her: on holiday") is None  # fmt: skip
        with pytest.raises(ChangedSinceYouLooked):
            services.prompt_resolve(by=as_fay, prompt=prompt, expected="open", worried=True)
        clock.move_to(_week(2))
        _take(by, group, 2, headcount=3)
        assert tasks.check_missing_regulars() == 0  # one miss since the prompt
        clock.move_to(_week(3))
        _take(by, group, 3, headcount=3)
        assert tasks.check_missing_regulars() == 1
        second = MissingPrompt.objects.get(status=PromptStatus.OPEN)
        raised = services.prompt_resolve(by=as_fay, prompt=second, expected="open", worried=True)
    assert raised is not None
    concern = raised.concern
    assert (concern.source, concern.person, concern.level) == (
        Source.MISSING_REGULAR,
        ann.person,
        Level.MEDIUM,
    )
    second.refresh_from_db()
    assert (second.status, second.concern) == (PromptStatus.CONCERN, concern)


def test_a_worried_facilitator_raises_a_concern_about_a_regular_by_description(by, organisation):
    group = make_group(organisation)
    bev = services.regular_add(by=by, group=group, nickname="Bev")
    prompt = MissingPrompt.objects.create(
        organisation=organisation, group=group, regular=bev, missed=3, since=timezone.now(),
        raised_at=timezone.now(),
    )  # fmt: skip
    raised = services.prompt_resolve(by=by, prompt=prompt, expected="open", worried=True)
    assert raised is not None
    assert raised.concern.person is None
    assert raised.concern.about == "Bev, a regular at Crafty Needles"


def test_the_prompt_is_on_the_facilitators_home_page_and_answered_in_one_tap(
    sign_in, organisation, facilitator
):
    group = make_group(organisation)
    _run_by(group, facilitator)
    by = Acting.system("test", organisation=organisation)
    bev = services.regular_add(by=by, group=group, nickname="Bev")
    prompt = MissingPrompt.objects.create(
        organisation=organisation, group=group, regular=bev, missed=3, since=timezone.now(),
        raised_at=timezone.now(),
    )  # fmt: skip
    client = sign_in(facilitator, organisation)
    home = client.get(reverse("core:home")).content.decode()
    url = reverse("groups:prompt", args=[group.pk, prompt.pk])
    assert url in home and "Bev" in home
    response = client.post(url, {"expected": "open", "decision": "worried"})
    assert response.status_code == 302
    prompt.refresh_from_db()
    assert prompt.status == PromptStatus.CONCERN
    assert prompt.concern is not None and prompt.concern.source == Source.MISSING_REGULAR
    assert "Bev" not in client.get(reverse("core:home")).content.decode()


# Calling in a professional


def test_a_crisis_at_a_session_reaches_the_groups_duty_professional_at_once(
    by, organisation, make_user, client_as, sign_in
):
    theirs = make_user(Role.DUTY_PROFESSIONAL, organisation=organisation, email="org@example.com")
    Arrangements.objects.create(organisation=organisation, duty_professional=theirs)
    own = make_user(Role.DUTY_PROFESSIONAL, organisation=organisation, email="own@example.com")
    group = make_group(organisation, duty_professional=own)
    ann = services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
    session = group.sessions.order_by("starts_at")[0]
    call, raised = services.crisis_call_record(
        by=by, session=session, member=ann, called="The crisis team upstairs",
        detail="Very distressed, talking of ending it",
    )  # fmt: skip
    concern = raised.concern
    assert (concern.level, concern.source, concern.person) == ("high", "group_session", ann.person)
    assert concern.duty_professional == own and call.professional == own
    assert Notification.objects.filter(recipient="own@example.com").exists()
    home = sign_in(own, organisation).get(reverse("core:home")).content.decode()
    assert ann.person.display_name in home  # safeguarding's panel of concerns raised to them
    # A lower level chosen by the facilitator still reaches the duty professional.
    _call, low = services.crisis_call_record(
        by=by, session=session, description="A man in his 50s", called="999", detail="Chest pain",
        level=Level.MEDIUM,
    )  # fmt: skip
    assert (low.concern.level, low.concern.duty_professional) == ("medium", own)
    assert low.concern.about == "A man in his 50s, at Crafty Needles"


def test_without_a_groups_own_the_organisations_duty_professional_is_called(
    by, organisation, make_user
):
    theirs = make_user(Role.DUTY_PROFESSIONAL, organisation=organisation)
    Arrangements.objects.create(organisation=organisation, duty_professional=theirs)
    group = make_group(organisation)
    bev = services.regular_add(by=by, group=group, nickname="Bev")
    _call, raised = services.crisis_call_record(
        by=by, session=group.sessions.order_by("starts_at")[0], regular=bev, called="GP",
        detail="Confused", level=Level.LOW,
    )  # fmt: skip
    assert raised.concern.duty_professional == theirs
    assert raised.concern.about == "Bev, a regular at Crafty Needles"


def test_the_crisis_page_says_what_is_wrong_beside_each_field(sign_in, organisation, facilitator):
    group = make_group(organisation)
    _run_by(group, facilitator)
    client = sign_in(facilitator, organisation)
    url = reverse("groups:call_in", args=[group.sessions.order_by("starts_at")[0].pk])
    page = client.post(url, {"who": "other", "level": "high"}).content.decode()
    for said in ("Describe the person in crisis", "Say who was called", "Say what is happening"):
        assert said in page
    assert Concern.objects.count() == 0
    response = client.post(url, {"who": "other", "description": "A woman", "called": "999",
                                 "detail": "Fainted", "level": "high"})  # fmt: skip
    assert response.status_code == 302
    assert Concern.objects.get().source == Source.GROUP_SESSION


def test_a_duty_professional_from_elsewhere_cannot_be_the_groups(by, organisation, make_user):
    not_duty = make_user(Role.FACILITATOR, organisation=organisation)
    with pytest.raises(DomainError, match="duty professional of your organisation"):
        make_group(organisation, duty_professional=not_duty)


# Waiting lists (ADR-114)


def test_a_full_group_keeps_a_waiting_list_and_offers_a_freed_place_in_order(by, organisation):
    group = make_group(organisation, capacity=2)
    people = [PersonFactory(organisation=organisation) for _ in range(4)]
    first, second = (services.member_refer(by=by, group=group, person=p).member for p in people[:2])
    assert first is not None and second is not None
    third = services.member_refer(by=by, group=group, person=people[2])
    fourth = services.member_refer(by=by, group=group, person=people[3])
    assert (third.member, third.position, fourth.position) == (None, 1, 2)
    with pytest.raises(DomainError, match="already on the waiting list"):
        services.member_refer(by=by, group=group, person=people[2])
    today = timezone.localdate()
    offered = services.member_leave(by=by, member=first, reason="Moved away", today=today)
    assert [p.person for p in offered] == [people[2]]
    assert offered[0].answer_by == today + dt.timedelta(days=7)
    first.refresh_from_db()
    assert (first.left_on, first.left_reason) == (today, "Moved away")
    # The offer holds the place: someone new still waits.
    with pytest.raises(DomainError, match="is full"):
        services.member_add(by=by, group=group, person=PersonFactory(organisation=organisation))
    # Not answered in time: it passes to the next person (the daily job).
    assert tasks.lapse_offers(today=today + dt.timedelta(days=7)) == 0
    assert tasks.lapse_offers(today=today + dt.timedelta(days=8)) == 1
    lapsed, next_up = (group.waiting.get(person=p) for p in people[2:])
    assert (lapsed.status, next_up.status) == (PlaceStatus.LAPSED, PlaceStatus.OFFERED)
    services.offer_answer(by=by, place=next_up, expected="offered", accepted=True)
    assert group.members.filter(left_on__isnull=True).count() == 2
    assert group.members.get(person=people[3]).left_on is None


def test_declining_passes_the_place_on_and_a_member_who_left_can_come_back(by, organisation):
    group = make_group(organisation, capacity=1)
    ann, raj, sue = (PersonFactory(organisation=organisation) for _ in range(3))
    member = services.member_refer(by=by, group=group, person=ann).member
    assert member is not None
    services.member_refer(by=by, group=group, person=raj)
    services.member_refer(by=by, group=group, person=sue)
    services.member_leave(by=by, member=member, reason="Feels better")
    services.offer_answer(by=by, place=group.waiting.get(person=raj), expected="offered",
                          accepted=False)  # fmt: skip
    place = group.waiting.get(person=sue)
    assert place.status == PlaceStatus.OFFERED
    with pytest.raises(ChangedSinceYouLooked):
        services.offer_answer(by=by, place=place, expected="waiting", accepted=True)
    services.offer_answer(by=by, place=place, expected="offered", accepted=True)
    # Ann comes back later: she is referred again and waits like anyone else.
    again = services.member_refer(by=by, group=group, person=ann)
    assert again.place is not None and again.position == 1


def test_raising_the_capacity_offers_the_new_places(by, organisation):
    group = make_group(organisation, capacity=1)
    people = [PersonFactory(organisation=organisation) for _ in range(3)]
    for person in people:
        services.member_refer(by=by, group=group, person=person)
    services.group_update(by=by, group=group, details=details(group.venue, capacity=3))
    assert sorted(group.waiting.values_list("status", flat=True)) == ["offered", "offered"]


def test_a_coordinator_sees_the_waiting_list_records_an_answer_and_a_leaver(
    sign_in, coordinator, organisation
):
    group = make_group(organisation, capacity=1)
    by = Acting.system("test", organisation=organisation)
    ann = PersonFactory(organisation=organisation, given_name="Ann")
    raj = PersonFactory(organisation=organisation, given_name="Raj")
    member = services.member_refer(by=by, group=group, person=ann).member
    assert member is not None
    client = sign_in(coordinator, organisation)
    response = client.post(reverse("groups:member_add", args=[group.pk]), {"person": str(raj.pk)})
    page = client.get(response["Location"]).content.decode()
    assert "is on its waiting list, number 1" in page
    leave = reverse("groups:member_leave", args=[group.pk, member.pk])
    assert "Enter why they are leaving" in client.post(leave, {"reason": ""}).content.decode()
    page = client.get(client.post(leave, {"reason": "Moved"})["Location"]).content.decode()
    assert "The place is offered to" in page and "Record their answer" in page
    place = group.waiting.get(person=raj)
    answer = reverse("groups:place_answer", args=[group.pk, place.pk])
    assert (
        "Choose whether they took the place"
        in client.post(answer, {"expected": "offered"}).content.decode()
    )
    assert client.post(answer, {"expected": "offered", "answer": "yes"}).status_code == 302
    assert group.members.get(person=raj).left_on is None


# Crisis plans shared with facilitators


def _plan(organisation, person, *, facilitators: bool):
    wellbeing.crisis_plan_save(
        by=Acting.system("test", organisation=organisation), person=person, based_on=0,
        content=wellbeing.PlanContent(what_helps="A cup of tea and a quiet room"),
        sharing=wellbeing.Sharing(supporters=False, crisis_line=False, facilitators=facilitators,
                                  gp=False),
    )  # fmt: skip


def test_a_facilitator_opens_a_members_plan_only_if_shared_with_facilitators(
    sign_in, organisation, facilitator
):
    group = make_group(organisation)
    _run_by(group, facilitator)
    by = Acting.system("test", organisation=organisation)
    shared, private = (PersonFactory(organisation=organisation) for _ in range(2))
    _plan(organisation, shared, facilitators=True)
    _plan(organisation, private, facilitators=False)
    members = [services.member_add(by=by, group=group, person=p) for p in (shared, private)]
    client = sign_in(facilitator, organisation)
    page = client.get(reverse("groups:member_plan", args=[group.pk, members[0].pk]))
    assert page.status_code == 200 and "A cup of tea and a quiet room" in page.content.decode()
    viewed = AuditEvent.objects.get(action="crisis_plan.viewed")
    assert viewed.target_id == str(shared.pk)
    refused = client.get(reverse("groups:member_plan", args=[group.pk, members[1].pk]))
    assert refused.status_code == 404
    assert AuditEvent.objects.get(action="crisis_plan.view_refused").target_id == str(private.pk)


# The group page: chart, table, least privilege


def test_the_trend_is_an_accessible_svg_chart_beside_its_table(
    by, sign_in, coordinator, organisation
):
    with time_machine.travel(START, tick=False) as clock:
        group = make_group(organisation, first_on=START.date())
        for week in range(3):
            clock.move_to(_week(week))
            _take(by, group, week, headcount=week + 4)
        page = (
            sign_in(coordinator, organisation)
            .get(reverse("groups:detail", args=[group.pk]))
            .content.decode()
        )
    svg = re.search(r"<svg[^>]*kindred-chart.*?</svg>", page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert (
        'role="img"' in chart
        and 'aria-labelledby="attendance-chart-title attendance-chart-desc"' in chart
    )
    assert '<title id="attendance-chart-title">Attendance at Crafty Needles</title>' in chart
    assert "3 sessions, from 04 January 2027 (4 came) to 18 January 2027 (6 came)" in chart
    assert "<script" not in chart and "style=" not in chart and "<style" not in chart
    assert page.count("data-total>") == 3


def test_a_facilitator_sees_only_the_groups_they_facilitate(sign_in, organisation, facilitator):
    mine = make_group(organisation, name="Mine")
    theirs = make_group(organisation, name="Not mine")
    _run_by(mine, facilitator)
    client = sign_in(facilitator, organisation)
    listed = client.get(reverse("groups:list")).content.decode()
    assert "Mine" in listed and "Not mine" not in listed
    assert client.get(reverse("groups:detail", args=[theirs.pk])).status_code == 404
    session = theirs.sessions.order_by("starts_at")[0]
    assert client.get(reverse("groups:attendance", args=[session.pk])).status_code == 404
    assert not facilitator.has_perm("groups.run_group", theirs)
    assert facilitator.has_perm("groups.run_group", mine)


def test_the_groups_own_facilitator_gets_every_page_the_route_table_hides_from_others(
    sign_in, organisation, facilitator
):
    """The other half of OWN_ONLY in access.py: the sample group's own facilitator is let in."""
    # Imported here: the route table's helpers, used by this one test only.
    from kindred.core.tests.test_routes import route_arguments
    from kindred.groups.tests.access import url_kwargs

    samples = url_kwargs(organisation)
    _run_by(organisation.peer_groups.get(pk=samples["group_id"]), facilitator)
    client = sign_in(facilitator, organisation)
    for name, roles in ROUTES.items():
        if Role.FACILITATOR not in roles:
            continue
        url = reverse(name, kwargs={a: samples[a] for a in route_arguments()[name]})
        assert client.get(url).status_code == 200, name


def test_the_group_form_sets_the_safety_net_offers_and_duty_professional(
    sign_in, coordinator, organisation, make_user
):
    own = make_user(Role.DUTY_PROFESSIONAL, organisation=organisation, email="own@example.com")
    group = make_group(organisation, capacity=5)
    client = sign_in(coordinator, organisation)
    url = reverse("groups:edit", args=[group.pk])
    page = client.get(url).content.decode()
    assert "Prompt the facilitators after how many missed sessions" in page
    assert own.full_name in page
    form = {
        "name": "Crafty Needles", "description": "Knitting", "model": "activity",
        "venue": str(group.venue_id), "pattern": "weekly", "first_on_day": group.first_on.day,
        "first_on_month": group.first_on.month, "first_on_year": group.first_on.year,
        "starts": "10:00", "ends": "12:00", "joining": "open_door", "cost": "Free",
        "enquiries": "0161 496 0000", "capacity": "5", "missed_before_prompt": "13",
        "offer_days": "0", "duty_professional": str(own.pk),
    }  # fmt: skip
    page = client.post(url, form).content.decode()
    assert "Enter 12 sessions or fewer" in page and "Enter at least 1 day" in page
    response = client.post(url, {**form, "missed_before_prompt": "2", "offer_days": "3"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.missed_before_prompt, group.offer_days, group.duty_professional) == (2, 3, own)
