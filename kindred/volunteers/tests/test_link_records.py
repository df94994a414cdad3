"""Linking a volunteer to their support record: find it by a search that lists at most a page
of matches, then confirm (ADR-100). No page lists everyone the organisation supports."""

from __future__ import annotations

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.volunteers.views.profile import LINK_MATCHES


def _url(volunteer) -> str:
    return reverse("volunteers:person_link", kwargs={"volunteer_id": volunteer.pk})


def test_the_first_step_is_a_search_and_lists_nobody_until_asked(client_as, organisation):
    PersonFactory(organisation=organisation, given_name="Gwen", family_name="Ashby")
    volunteer = VolunteerFactory(organisation=organisation, consent_to_link=True)
    page = client_as(Role.COORDINATOR).get(_url(volunteer)).content.decode()
    assert 'role="search"' in page and "Ashby" not in page and "<select" not in page


def test_a_search_lists_at_most_a_page_of_matches(client_as, organisation):
    PersonFactory.create_batch(LINK_MATCHES + 5, organisation=organisation, family_name="Ashby")
    volunteer = VolunteerFactory(organisation=organisation, consent_to_link=True)
    page = client_as(Role.COORDINATOR).get(_url(volunteer), {"q": "ash"}).content.decode()
    assert page.count("?person=") == LINK_MATCHES
    assert f"Only the first {LINK_MATCHES} are shown" in page


def test_another_organisations_people_are_never_found_or_linked(
    client_as, organisation, other_organisation
):
    theirs = PersonFactory(organisation=other_organisation, family_name="Ashby")
    volunteer = VolunteerFactory(organisation=organisation, consent_to_link=True)
    client = client_as(Role.COORDINATOR)
    page = client.get(_url(volunteer), {"q": "Ashby"}).content.decode()
    assert "?person=" not in page and "Nobody matches that search" in page
    assert client.get(_url(volunteer), {"person": theirs.pk}).status_code == 404
    assert client.post(_url(volunteer), {"person": theirs.pk}).status_code == 404
    assert client.get(_url(volunteer), {"person": "not-an-id"}).status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.person is None


def test_choosing_a_match_and_confirming_links_the_records(client_as, organisation):
    gwen = PersonFactory(organisation=organisation, given_name="Gwen", family_name="Ashby")
    volunteer = VolunteerFactory(organisation=organisation, consent_to_link=False)
    client = client_as(Role.COORDINATOR)
    page = client.get(_url(volunteer), {"person": gwen.pk}).content.decode()
    assert "Gwen Ashby" in page and 'type="hidden" name="person"' in page
    refused = client.post(_url(volunteer), {"person": gwen.pk})
    assert "Confirm that they agreed to link their records" in refused.content.decode()
    response = client.post(_url(volunteer), {"person": gwen.pk, "consent_confirmed": "on"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.person == gwen


def test_the_people_shown_are_recorded(client_as, organisation):
    gwen = PersonFactory(organisation=organisation, family_name="Ashby")
    volunteer = VolunteerFactory(organisation=organisation, consent_to_link=True)
    client_as(Role.COORDINATOR).get(_url(volunteer), {"q": "Ashby"})
    assert AuditEvent.objects.filter(detail__people__icontains=str(gwen.pk)).exists()
