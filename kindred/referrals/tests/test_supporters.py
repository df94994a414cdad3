"""Who supports whom is answered by the apps that know (relationships registers its answer when
Django starts), so referrals imports none of them; with no answer, nobody supports anyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import supporters
from kindred.referrals.models import GpConcern


@pytest.fixture
def nobody_registered(monkeypatch):
    """The registry as it is before any app has registered (whatever this project installs)."""
    checks: list[supporters.SupportsPerson] = []
    monkeypatch.setattr(supporters, "_checks", checks)
    return checks


@pytest.fixture
def supported(organisation):
    return PersonFactory(organisation=organisation, given_name="Maud", gp_practice_ods="P84001")


def concern_url(person):
    return reverse("referrals:gp_concern", kwargs={"person_id": person.pk})


def test_with_no_answer_registered_a_volunteer_supports_nobody(
    nobody_registered, make_user, sign_in, organisation, supported
):
    volunteer = make_user(Role.VOLUNTEER, organisation=organisation)
    assert not supporters.supports_person(user=volunteer, person=supported)
    client = sign_in(volunteer, organisation)
    assert client.get(concern_url(supported)).status_code == 404
    assert (
        client.post(concern_url(supported), {"noticed": "x", "urgency": "routine"}).status_code
        == 404
    )
    assert not GpConcern.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["gp_concern.raise_refused"] * 2  # refusals, never a view of the person


def test_a_registered_answer_lets_a_supporter_raise_a_concern_for_their_person_only(
    nobody_registered, make_user, sign_in, organisation, supported
):
    volunteer = make_user(Role.VOLUNTEER, organisation=organisation)

    @supporters.supporter_check
    def supports(*, user, person):
        return user == volunteer and person == supported

    supporters.supporter_check(supports)  # ready() may run twice: registered once
    assert nobody_registered == [supports]
    client = sign_in(volunteer, organisation)
    page = client.get(concern_url(supported)).content.decode()
    assert "Raise a concern for their GP" in page and "Back to my people" in page
    response = client.post(concern_url(supported), {"noticed": "Breathless", "urgency": "urgent"})
    assert response["Location"] == reverse("relationships:mine")
    assert GpConcern.objects.get().person == supported
    stranger = PersonFactory(organisation=organisation, gp_practice_ods="P1")
    assert client.get(concern_url(stranger)).status_code == 404


def test_a_coordinator_raises_one_for_anyone_without_asking(
    nobody_registered, client_as, supported
):
    page = client_as(Role.COORDINATOR).get(concern_url(supported))
    assert page.status_code == 200 and "Back to Maud" in page.content.decode()
