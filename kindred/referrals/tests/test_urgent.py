"""Urgent referrals (ADR-096): kept with their priority, a first-contact target of their own, the
top of the inbox and of the coordinator's home page, an "Urgent" tag, and the coordinators told at
once. New referrals show on the home page as soon as they arrive."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.people.models import Person
from kindred.people.services import PersonDetails
from kindred.referrals import selectors, services
from kindred.referrals.models import Channel, Priority, Referral, Source, Status
from kindred.referrals.services import ReferralDetails, ReferralError, first_contact_due
from kindred.referrals.tests.factories import ReferralFactory
from kindred.referrals.tests.test_forms import PERSON, REFERRAL
from kindred.referrals.workdays import add_working_days

FRIDAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


def receive(organisation, priority=Priority.ROUTINE, **details):
    return services.referral_receive(
        by=Acting.system("test", organisation=organisation),
        person=PersonDetails(given_name="Edna", family_name="Moss", postcode="SK1 3XE"),
        details=ReferralDetails(
            source=Source.PRACTICE_NURSE, reason="Lonely; COPD", priority=priority, **details
        ),
        channel=Channel.COORDINATOR_FORM,
    )


def urgent_tags(html):
    return len(re.findall(r'nhsuk-tag--red"\s*>\s*Urgent\s*<', html))


def panel(page, key):
    return page.split(f'id="panel-{key}"')[1].split("</section>")[0]


def detail(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


@pytest.mark.parametrize("priority", [Priority.URGENT, Priority.ASAP, Priority.STAT])
def test_an_urgent_referral_is_due_the_next_working_day(priority):
    # Received on a Friday: Monday, not Saturday.
    assert first_contact_due(FRIDAY, priority) == dt.date(2026, 11, 30)
    assert first_contact_due(FRIDAY, Priority.ROUTINE) == dt.date(2026, 12, 4)
    assert first_contact_due(FRIDAY) == dt.date(2026, 12, 4)


def test_the_urgent_target_is_a_setting(settings):
    settings.KINDRED_URGENT_FIRST_CONTACT_WORKING_DAYS = 2
    assert first_contact_due(FRIDAY, Priority.URGENT) == dt.date(2026, 12, 1)


def test_an_urgent_referral_is_kept_with_its_target_and_the_coordinators_are_told(
    organisation, other_organisation, make_user, coordinator
):
    second = make_user(Role.COORDINATOR, organisation=organisation, email="second@example.com")
    gone = make_user(Role.COORDINATOR, organisation=organisation, email="gone@example.com")
    gone.is_active = False
    gone.save()
    make_user(Role.VOLUNTEER, organisation=organisation, email="volunteer@example.com")
    make_user(Role.COORDINATOR, organisation=other_organisation, email="theirs@example.com")
    with time_machine.travel(FRIDAY, tick=False):
        referral = receive(organisation, Priority.ASAP)
    assert (referral.priority, referral.is_urgent) == ("asap", True)
    assert referral.first_contact_due == dt.date(2026, 11, 30)
    notices = Notification.objects.filter(kind="referral.urgent")
    assert sorted(n.recipient for n in notices) == [coordinator.email, second.email]
    assert {n.target_id for n in notices} == {str(referral.pk)}
    notice = notices.first()
    assert notice is not None and "Edna" not in notice.body and "Moss" not in notice.body
    assert "Monday 30 November 2026" in notice.body
    audit = AuditEvent.objects.get(action="referral.received")
    assert audit.detail["priority"] == "asap"


def test_a_routine_referral_tells_nobody_at_once(organisation, coordinator):
    referral = receive(organisation)
    assert referral.priority == "routine" and not referral.is_urgent
    assert not Notification.objects.filter(kind="referral.urgent").exists()


def test_an_unknown_priority_is_refused_and_nothing_is_kept(organisation, coordinator):
    with pytest.raises(ReferralError):
        receive(organisation, "whenever")
    with pytest.raises(ReferralError):
        receive(organisation, authored_on="x" * 41)
    assert not Referral.objects.exists() and not Person.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("url", "role"), [("referrals:refer", Role.REFERRER), ("referrals:add", Role.COORDINATOR)]
)
def test_the_professional_forms_ask_how_urgent_it_is(client_as, organisation, url, role):
    client = client_as(role)
    form = client.get(reverse(url)).content.decode()
    assert "How urgent is this?" in form and "call 999" in form
    response = client.post(reverse(url), {**PERSON, **REFERRAL, "priority": "urgent"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.priority == "urgent" and referral.urgency == "urgent"
    assert referral.first_contact_due == add_working_days(timezone.localdate(), 1)


@pytest.mark.parametrize(
    ("url", "role"), [("referrals:refer", Role.REFERRER), ("referrals:add", Role.COORDINATOR)]
)
def test_an_unknown_priority_on_the_form_is_a_field_error(client_as, organisation, url, role):
    client = client_as(role)
    response = client.post(reverse(url), {**PERSON, **REFERRAL, "priority": "stat-ish"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select routine, urgent or as soon as possible" in page
    assert re.search(r'href="#[^"]*priority', page)  # the error summary links to the field
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_form_sent_without_a_priority_is_routine(client_as, organisation):
    response = client_as(Role.REFERRER).post(reverse("referrals:refer"), {**PERSON, **REFERRAL})
    assert response.status_code == 302
    assert Referral.objects.get().priority == "routine"


def test_the_self_referral_form_points_to_emergency_help_and_asks_no_priority(client, organisation):
    url = reverse("referrals:self_refer", kwargs={"organisation_slug": organisation.slug})
    page = client.get(url).content.decode()
    assert "999" in page and "111" in page and "116 123" in page
    assert "How urgent is this?" not in page and 'name="priority"' not in page


def test_the_inbox_puts_urgent_referrals_waiting_first_then_the_oldest(client_as, organisation):
    now = timezone.now()
    oldest = ReferralFactory(organisation=organisation, received_at=now - dt.timedelta(days=9))
    older = ReferralFactory(organisation=organisation, received_at=now - dt.timedelta(days=5))
    urgent = ReferralFactory(
        organisation=organisation, priority="urgent", received_at=now - dt.timedelta(days=1)
    )
    stat = ReferralFactory(
        organisation=organisation, priority="stat", received_at=now - dt.timedelta(days=2)
    )
    # Someone has been in touch: no longer ahead of the rest.
    handled = ReferralFactory(
        organisation=organisation,
        priority="urgent",
        status=Status.ACCEPTED,
        received_at=now - dt.timedelta(days=3),
    )
    assert list(selectors.referrals_of(organisation=organisation)) == [
        stat,
        urgent,
        oldest,
        older,
        handled,
    ]
    page = client_as(Role.COORDINATOR).get(reverse("referrals:inbox")).content.decode()
    positions = [page.index(detail(r)) for r in (stat, urgent, oldest, older, handled)]
    assert positions == sorted(positions)
    assert urgent_tags(page) == 3  # stat, urgent and the handled one keep their tag


def test_the_referral_page_shows_how_urgent_it_is(client_as, organisation):
    referral = ReferralFactory(
        organisation=organisation, priority="asap", authored_on="2026-11-26T10:30:00+00:00"
    )
    page = client_as(Role.COORDINATOR).get(detail(referral)).content.decode()
    assert urgent_tags(page) == 1 and "As soon as possible" in page
    assert "2026-11-26T10:30:00+00:00" in page


def test_new_referrals_are_on_the_coordinators_home_page_at_once_urgent_first(
    client_as, organisation
):
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("core:home")).content.decode()
    assert "No new referrals are waiting" in panel(page, "referrals-new")
    now = timezone.now()
    routine = ReferralFactory(organisation=organisation, received_at=now - dt.timedelta(hours=2))
    urgent = ReferralFactory(organisation=organisation, priority="urgent", received_at=now)
    accepted = ReferralFactory(organisation=organisation, status=Status.ACCEPTED)
    page = client.get(reverse("core:home")).content.decode()
    new = panel(page, "referrals-new")
    assert "2 new referrals are waiting" in new
    assert detail(urgent) in new and detail(routine) in new and detail(accepted) not in new
    assert new.index(detail(urgent)) < new.index(detail(routine))
    assert urgent_tags(new) == 1
    # It is the first panel: above everything else that needs attention.
    assert page.index('id="panel-referrals-new"') < page.index('id="panel-referrals-overdue"')


def test_an_overdue_urgent_referral_is_first_among_the_overdue(client_as, organisation):
    today = timezone.localdate()
    late = ReferralFactory(organisation=organisation, first_contact_due=today - dt.timedelta(5))
    urgent = ReferralFactory(
        organisation=organisation, priority="urgent", first_contact_due=today - dt.timedelta(1)
    )
    assert list(selectors.overdue_referrals(organisation=organisation)) == [urgent, late]
    page = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    overdue = panel(page, "referrals-overdue")
    assert overdue.index(detail(urgent)) < overdue.index(detail(late))
    assert urgent_tags(overdue) == 1


def test_the_new_referrals_panel_does_not_grow_queries(client_as, organisation):
    client = client_as(Role.COORDINATOR)

    def add(count):
        for index in range(count):
            ReferralFactory(
                organisation=organisation, priority="urgent" if index % 2 else "routine"
            )

    def home():
        client.get(reverse("core:home"))  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("core:home")).content.decode()
        return len(queries.captured_queries), page

    add(2)
    few, _ = home()
    add(20)
    many, page = home()
    assert few == many
    assert "22 new referrals are waiting" in panel(page, "referrals-new")
