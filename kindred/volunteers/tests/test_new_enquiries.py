"""New volunteer enquiries show on the coordinator's home page as soon as they arrive (ADR-096)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.volunteers.models import Stage
from kindred.volunteers.tests.factories import VolunteerFactory


def panel(page):
    return page.split('id="panel-volunteers-new-enquiries"')[1].split("</section>")[0]


def detail(volunteer):
    return reverse("volunteers:detail", kwargs={"volunteer_id": volunteer.pk})


def test_a_new_enquiry_is_on_the_coordinators_home_at_once_oldest_first(
    client_as, organisation, other_organisation
):
    client = client_as(Role.COORDINATOR)
    assert "No new volunteer enquiries are waiting" in panel(
        client.get(reverse("core:home")).content.decode()
    )
    now = timezone.now()
    just_now = VolunteerFactory(
        organisation=organisation, stage=Stage.ENQUIRY, stage_changed_at=now
    )
    yesterday = VolunteerFactory(
        organisation=organisation, stage=Stage.ENQUIRY, stage_changed_at=now - dt.timedelta(1)
    )
    moved_on = VolunteerFactory(organisation=organisation, stage=Stage.APPLICATION)
    theirs = VolunteerFactory(organisation=other_organisation, stage=Stage.ENQUIRY)
    shown = panel(client.get(reverse("core:home")).content.decode())
    assert "2 people have asked about volunteering" in shown
    assert detail(just_now) in shown and detail(yesterday) in shown
    assert detail(moved_on) not in shown and detail(theirs) not in shown
    assert shown.index(detail(yesterday)) < shown.index(detail(just_now))


def test_only_coordinators_see_enquiries_on_their_home(client_as, organisation):
    VolunteerFactory(organisation=organisation, stage=Stage.ENQUIRY)
    page = client_as(Role.VOLUNTEER).get(reverse("core:home")).content.decode()
    assert "New volunteer enquiries" not in page


def test_the_enquiries_panel_does_not_grow_queries(client_as, organisation):
    client = client_as(Role.COORDINATOR)

    def home():
        client.get(reverse("core:home"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("core:home")).content.decode()
        return len(queries.captured_queries), page

    VolunteerFactory.create_batch(2, organisation=organisation, stage=Stage.ENQUIRY)
    few, _ = home()
    VolunteerFactory.create_batch(20, organisation=organisation, stage=Stage.ENQUIRY)
    many, page = home()
    assert few == many
    assert "22 people have asked about volunteering" in panel(page)
