"""A facilitator takes attendance for a knitting session on a phone: two named members, one
regular known only by a nickname, and a headcount of four; the coordinator's trend then shows
seven, as a chart and a table. The facilitator answers a safety-net prompt and calls in a
professional. Every page is checked with axe; the same page works with JavaScript switched off."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.groups import services
from kindred.groups.models import MissingPrompt
from kindred.groups.tests.factories import make_group
from kindred.people.tests.factories import PersonFactory
from kindred.tests.system.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def knitting(organisation, make_user):
    cindy = make_user(Role.FACILITATOR, organisation=organisation, email="cindy@example.com")
    make_user(Role.COORDINATOR, organisation=organisation, email="cora@example.com")
    # Facilitators see only the groups they run (ADR-113): Cindy runs this one.
    group = make_group(organisation, name="Crafty Needles", peer_leaders=[cindy])
    by = Acting.system("test", organisation=organisation)
    for given, family in (("Ann", "Briggs"), ("Raj", "Patel"), ("Doreen", "Holt")):
        person = PersonFactory(organisation=organisation, given_name=given, family_name=family)
        services.member_add(by=by, group=group, person=person)
    return group


def test_a_facilitator_takes_attendance_on_a_phone(page, knitting, password):
    page.set_viewport_size(PHONE)
    sign_in(page, "cindy@example.com", password)
    page.goto("/groups/")
    assert_accessible(page)
    page.get_by_role("link", name="Crafty Needles", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crafty Needles")
    assert_accessible(page)

    # When she takes attendance for today's session
    page.get_by_role("link", name="Take attendance").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who came on")
    assert_accessible(page)
    page.get_by_label("Ann Briggs").check()
    page.get_by_label("Raj Patel").check()
    page.get_by_label("Other regulars, by the name they go by (optional)").fill("Bev")
    page.get_by_label("How many others came?").fill("4")
    page.get_by_role("button", name="Save attendance").click()

    # Then the group's trend shows seven: two members, one regular and four others
    expect(page.get_by_text("Attendance saved: 7 came")).to_be_visible()
    row = page.locator("table tbody tr").first
    expect(row.locator("td")).to_have_text(["2", "1", "4", "7"])
    expect(page.get_by_role("listitem").filter(has_text="Bev")).to_be_visible()
    assert_accessible(page)


def test_the_coordinators_trend_shows_seven(browser, live_server, knitting, password):
    by = Acting.system("test", organisation=knitting.organisation)
    session = knitting.sessions.order_by("starts_at")[0]
    members = list(knitting.members.order_by("person__given_name"))[:2]  # Ann and Doreen
    services.attendance_record(
        by=by, session=session, expected="scheduled", members=members, regulars=[],
        new_regulars=["Bev"], headcount=4,
    )  # fmt: skip
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, "cora@example.com", password)
        page.goto(f"/groups/{knitting.pk}/")
        chart = page.get_by_role("img", name="Attendance at Crafty Needles")
        expect(chart).to_be_visible()
        expect(page.locator("#attendance-chart-desc")).to_contain_text("(7 came)")
        expect(page.locator("table tbody tr").first.locator("td")).to_have_text(
            ["2", "1", "4", "7"]
        )
        assert_accessible(page)
        # The waiting list, a member's safety net and leaving are all on her pages too.
        page.get_by_role("link", name="Safety net for Ann Briggs").click()
        assert_accessible(page)
        page.get_by_role("button", name="Ann Briggs asked for this").click()
        expect(page.get_by_text("Ann Briggs will be missed")).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Leaving\W+Doreen Holt$")).click()
        assert_accessible(page)
    finally:
        context.close()


def test_a_facilitator_answers_a_prompt_and_calls_in_a_professional(page, knitting, password):
    by = Acting.system("test", organisation=knitting.organisation)
    bev = services.regular_add(by=by, group=knitting, nickname="Bev")
    prompt = MissingPrompt.objects.create(
        organisation=knitting.organisation, group=knitting, regular=bev, missed=3,
        since=timezone.now(), raised_at=timezone.now(),
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in(page, "cindy@example.com", password)
    page.goto("/")
    page.get_by_role("link", name="Bev").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check in with Bev")
    assert_accessible(page)
    page.get_by_role("button", name="Checked in, all fine").click()
    expect(page.get_by_text("Thank you: Bev is fine")).to_be_visible()
    prompt.refresh_from_db()
    assert prompt.status == "all_fine"

    page.get_by_role("link", name="Someone is in crisis").first.click()
    assert_accessible(page)
    page.get_by_label("Raj Patel").check()
    page.get_by_label("Who was called?").fill("The crisis team upstairs")
    page.get_by_label("What is happening?").fill("Very distressed")
    page.get_by_role("button", name="Record and tell the duty professional").click()
    expect(
        page.get_by_text("Your concern has been saved").or_(
            page.get_by_text("Your concern has been sent")
        )
    ).to_be_visible()
    assert_accessible(page)


def test_attendance_works_without_javascript(browser, live_server, knitting, password):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        sign_in(page, "cindy@example.com", password, audit=False)
        session = knitting.sessions.order_by("starts_at")[0]
        page.goto(f"/groups/sessions/{session.pk}/attendance/")
        page.get_by_label("Doreen Holt").check()
        page.get_by_label("How many others came?").fill("lots")
        page.get_by_role("button", name="Save attendance").click()
        expect(
            page.get_by_text("The headcount must be a whole number, like 4").first
        ).to_be_visible()
        page.get_by_label("How many others came?").fill("2")
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance saved: 3 came")).to_be_visible()
    finally:
        context.close()


def test_a_coordinator_moves_a_session(page, knitting, password):
    sign_in(page, "cora@example.com", password)
    page.goto(f"/groups/{knitting.pk}/")
    page.get_by_role("link", name=re.compile(r"^Move")).nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move the session")
    assert_accessible(page)
    page.get_by_label("End time").fill("09:00")
    page.get_by_label("Why is it moved?").fill("The hall is booked")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text("The end time must be after the start time").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Start time").fill("13:00")
    page.get_by_label("End time").fill("15:00")
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_text("The session is moved")).to_be_visible()
    expect(page.get_by_text("The hall is booked")).to_be_visible()
    assert_accessible(page)
