"""The support request pages: the public "ask for support tonight" form, the on-call phone
view (take, link a record and see a plan shared with the crisis line, escalate, raise a
concern, close, debrief and supervision) and the professional's acknowledgement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.crisis import requests_services as services
from kindred.crisis.models.requests import Status, SupportRequest
from kindred.crisis.tests import requests_setup
from kindred.notifications.models import Notification
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers.models import SupportRequest as VolunteerSupportRequest
from kindred.wellbeing import services as wellbeing_services

pytestmark = pytest.mark.django_db


def ask_url(organisation):
    return reverse("crisis:ask", kwargs={"organisation_slug": organisation.slug})


ASK = {"name": "Sam", "phone": "07911 123 456", "email": "", "message": "It is a bad night"}


@pytest.fixture
def team(organisation, coordinator):
    from django.utils import timezone

    return requests_setup.on_call(organisation, timezone.now(), supporters=2)


def test_the_public_form_needs_no_sign_in_and_says_call_999(client, organisation):
    page = client.get(ask_url(organisation)).content.decode()
    assert "Ask for support tonight" in page
    assert "call 999" in page and "NHS 111" in page


def test_asking_offers_the_request_to_the_supporters_on_call(client, organisation, team):
    response = client.post(ask_url(organisation), ASK)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "crisis:ask_sent", kwargs={"organisation_slug": organisation.slug}
    )
    request = SupportRequest.objects.get()
    assert (request.channel, request.name, request.phone) == ("web", "Sam", "+447911123456")
    assert request.offers.count() == 2


def test_asking_without_a_way_to_reach_them_shows_the_error_and_saves_nothing(client, organisation):
    response = client.post(ask_url(organisation), {**ASK, "phone": ""})
    assert response.status_code == 200
    assert "Give a phone number or an email address" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_bad_phone_number_is_shown_beside_the_field(client, organisation):
    response = client.post(ask_url(organisation), {**ASK, "phone": "call me"})
    assert "Enter a phone number" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_too_many_asks_from_one_address_are_slowed_down(client, organisation):
    for _ in range(5):
        assert client.post(ask_url(organisation), ASK).status_code == 302
    response = client.post(ask_url(organisation), ASK)
    assert response.status_code == 429
    assert "call 999" in response.content.decode()
    assert SupportRequest.objects.count() == 5


def test_a_robot_is_thanked_and_nothing_is_saved(client, organisation):
    assert client.post(ask_url(organisation), {**ASK, "website": "http://spam"}).status_code == 302
    assert not SupportRequest.objects.exists()


def test_an_unknown_organisation_is_not_found(client, db):
    assert (
        client.get(reverse("crisis:ask", kwargs={"organisation_slug": "nobody"})).status_code == 404
    )


def _receive(organisation):
    return services.support_request_receive(
        organisation, name="Sam", phone="07911 123 456", channel="sms", message="Hard night"
    )


def test_the_on_call_list_shows_requests_offered_to_me_with_a_take_button(
    sign_in, organisation, team, make_user
):
    request = _receive(organisation)
    me = team.users[0]
    page = sign_in(me, organisation).get(reverse("crisis:requests")).content.decode()
    assert "Sam" in page and "Take this request" in page
    assert 'http-equiv="refresh"' not in page and "Refresh" in page
    stranger = make_user(Role.VOLUNTEER, organisation=organisation)
    other_page = sign_in(stranger, organisation).get(reverse("crisis:requests")).content.decode()
    assert "Sam" not in other_page
    assert (
        sign_in(stranger, organisation)
        .get(reverse("crisis:request", kwargs={"support_request_id": request.pk}))
        .status_code
        == 404
    )


def test_taking_linking_seeing_the_plan_and_closing_after_a_hard_call(
    sign_in, organisation, team, coordinator
):
    request = _receive(organisation)
    me = team.users[0]
    client = sign_in(me, organisation)
    detail = reverse("crisis:request", kwargs={"support_request_id": request.pk})
    assert (
        client.post(
            reverse("crisis:request_accept", kwargs={"support_request_id": request.pk})
        ).status_code
        == 302
    )
    # A second supporter trying is told it is taken.
    other = sign_in(team.users[1], organisation)
    other.post(reverse("crisis:request_accept", kwargs={"support_request_id": request.pk}))
    assert "Supporter 1 has already taken this request" in other.get(detail).content.decode()

    person = PersonFactory(organisation=organisation, given_name="Samantha", family_name="Byers")
    coordinator_acting = Acting(coordinator, organisation)
    wellbeing_services.crisis_plan_save(
        by=coordinator_acting, person=person, based_on=0,
        content=wellbeing_services.PlanContent(what_helps="A cup of tea and talking about the dog"),
        sharing=wellbeing_services.Sharing(
            supporters=False, crisis_line=False, facilitators=False, gp=False),
        own_decision=True,
    )  # fmt: skip
    link = reverse("crisis:request_link", kwargs={"support_request_id": request.pk})
    found = client.get(link, {"q": "Byers"}).content.decode()
    assert "Samantha Byers" in found
    assert client.post(link, {"person": str(person.pk)}).status_code == 302
    page = client.get(detail).content.decode()
    assert "They have not shared a crisis plan with the crisis line" in page
    wellbeing_services.crisis_plan_sharing_record(
        by=coordinator_acting, person=person, based_on=1, sharing=wellbeing_services.Sharing(
            supporters=False, crisis_line=True, facilitators=False, gp=False),
        own_decision=True,
    )  # fmt: skip
    page = client.get(detail).content.decode()
    assert "A cup of tea and talking about the dog" in page
    assert AuditEvent.objects.filter(
        action="crisis_plan.viewed", target_id=str(person.pk), actor=me
    ).exists()

    close = reverse("crisis:request_close", kwargs={"support_request_id": request.pk})
    response = client.post(
        close,
        {"outcome": "Talked for an hour; calmer", "professional_help": "no", "hard_call": "yes"},
    )
    assert response["Location"] == reverse(
        "crisis:request_debrief", kwargs={"support_request_id": request.pk}
    )
    debrief = client.get(response["Location"]).content.decode()
    assert "Ask for supervision" in debrief
    client.post(response["Location"], {"note": "It brought things back"})
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.supervision_asked_at is not None
    assert request.professional_help is False and request.hard_call
    [asked] = VolunteerSupportRequest.objects.filter(volunteer=team.supporters[0])
    assert "supervision" in asked.message
    assert Notification.objects.filter(
        recipient=coordinator.email, kind="volunteer.support_requested"
    ).exists()


def test_closing_needs_what_happened(sign_in, organisation, team):
    request = _receive(organisation)
    me = team.users[0]
    services.support_request_accept(by=Acting(me, organisation), request_id=request.pk)
    response = sign_in(me, organisation).post(
        reverse("crisis:request_close", kwargs={"support_request_id": request.pk}),
        {"outcome": "", "professional_help": "no", "hard_call": "no"},
    )
    assert response.status_code == 200 and "Say what happened" in response.content.decode()


def test_raising_a_concern_from_a_request(sign_in, organisation, team):
    request = _receive(organisation)
    me = team.users[0]
    services.support_request_accept(by=Acting(me, organisation), request_id=request.pk)
    response = sign_in(me, organisation).post(
        reverse("crisis:request_concern", kwargs={"support_request_id": request.pk}),
        {"level": "high", "detail": "Said they had a plan to end their life tonight"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.concern_id is not None


def test_escalating_and_the_professional_acknowledging(sign_in, organisation, team):
    request = _receive(organisation)
    me = team.users[0]
    client = sign_in(me, organisation)
    client.post(reverse("crisis:request_accept", kwargs={"support_request_id": request.pk}))
    client.post(
        reverse("crisis:request_escalate", kwargs={"support_request_id": request.pk}),
        {"note": "Needs a clinician"},
    )
    professional = sign_in(team.professional, organisation)
    listing = professional.get(reverse("crisis:requests")).content.decode()
    assert "Reached you as the professional on call" in listing
    page = professional.get(
        reverse("crisis:request", kwargs={"support_request_id": request.pk})
    ).content.decode()
    assert "Acknowledge this request" in page
    professional.post(
        reverse("crisis:request_acknowledge", kwargs={"support_request_id": request.pk})
    )
    request.refresh_from_db()
    assert request.acknowledged_by == team.professional


def test_a_supporter_logs_a_call_they_took(sign_in, organisation, team):
    me = team.users[0]
    response = sign_in(me, organisation).post(
        reverse("crisis:request_log"),
        {"channel": "call", "name": "Jo", "phone": "020 7946 0000", "email": "", "message": ""},
    )
    request = SupportRequest.objects.get()
    assert response["Location"] == reverse(
        "crisis:request", kwargs={"support_request_id": request.pk}
    )
    assert (request.channel, request.received_by) == ("call", me)


def test_the_on_call_list_costs_the_same_queries_at_two_sizes(sign_in, organisation, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = team.users[0]
    client = sign_in(me, organisation)

    def queries_with(count: int) -> int:
        while SupportRequest.objects.count() < count:
            _receive(organisation)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("crisis:requests"))
        assert page.content.decode().count("Take this request") >= count
        return len(captured)

    assert queries_with(2) == queries_with(7)
