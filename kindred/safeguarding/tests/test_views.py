"""The pages: who sees how much of a concern, every view audited, 999 first, the list's filters,
the person's page, the home page panels, and raising from scratch with bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.safeguarding import services
from kindred.safeguarding.models import Concern
from kindred.safeguarding.tests.factories import raise_concern

pytestmark = pytest.mark.django_db

WORDS = "He shouted at her and took her purse"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def detail(concern) -> str:
    return reverse("safeguarding:detail", kwargs={"concern_id": concern.pk})


@pytest.fixture
def maud(organisation):
    return PersonFactory(organisation=organisation, given_name="Maud", family_name="Ashworth")


@pytest.fixture
def concern(arranged, organisation, volunteer, maud):
    return raise_concern(organisation, by=Acting(volunteer, organisation), person=maud,
                         detail=WORDS, level="high")  # fmt: skip


def test_the_lead_sees_everything_and_the_view_is_audited(concern, sign_in, lead, organisation):
    body = page(sign_in(lead, organisation).get(detail(concern)))
    assert WORDS in body and "Timeline" in body and "Acknowledge this concern" in body
    seen = AuditEvent.objects.for_record(concern).filter(action="concern.viewed").get()
    assert seen.actor == lead and seen.detail == {"sight": "FULL"}
    assert AuditEvent.objects.for_record(concern.person).filter(action="person.viewed").exists()


def test_coordinators_see_a_summary_unless_the_organisation_chooses_otherwise(
    concern, sign_in, coordinator, organisation, arranged
):
    client = sign_in(coordinator, organisation)
    body = page(client.get(detail(concern)))
    assert "Maud Ashworth" in body and "High" in body and WORDS not in body
    assert "You see a summary" in body and "Timeline" not in body
    arranged.coordinators_see_detail = True
    arranged.save()
    assert WORDS in page(client.get(detail(concern)))


def test_the_raiser_sees_what_they_raised_and_that_it_is_being_looked_at(
    concern, sign_in, volunteer, organisation, lead
):
    client = sign_in(volunteer, organisation)
    body = page(client.get(detail(concern)))
    assert WORDS in body and "waiting for the safeguarding lead" in body
    assert "Timeline" not in body and "Acknowledge" not in body
    services.concern_acknowledge(by=Acting(lead, organisation), concern_id=concern.pk,
                                 expected="raised")  # fmt: skip
    assert "being looked at by the safeguarding lead" in page(client.get(detail(concern)))


def test_another_volunteer_is_refused_and_the_attempt_audited(
    concern, client_as, make_user, organisation
):
    response = client_as(Role.VOLUNTEER).get(detail(concern))
    assert response.status_code == 404
    assert AuditEvent.objects.for_record(concern).filter(action="concern.view_refused").exists()


def test_the_duty_professional_sees_what_was_raised_to_them_on_their_home_page(
    concern, sign_in, duty, organisation, as_volunteer
):
    low = raise_concern(organisation, by=as_volunteer, level="low", about="Somebody else")
    client = sign_in(duty, organisation)
    home = page(client.get(reverse("core:home")))
    assert "Concerns raised to you as duty professional" in home
    assert detail(concern) in home and detail(low) not in home
    assert WORDS in page(client.get(detail(concern)))
    assert client.get(detail(low)).status_code == 404


def test_immediate_danger_says_call_999_first_at_the_top(
    arranged, organisation, sign_in, volunteer
):
    client = sign_in(volunteer, organisation)
    form = page(client.get(reverse("safeguarding:raise")))
    assert form.index("call 999 now") < form.index("<h1")
    response = client.post(reverse("safeguarding:raise"),
                           {"about": "The caller, Jim", "level": "immediate", "detail": "Has a knife"})  # fmt: skip
    assert Concern.objects.get().level == "immediate"
    body = page(client.get(response["Location"]))
    assert body.index("call 999 now") < body.index("<h1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"about": "Jim", "level": "high", "detail": ""}, "Say what you saw or heard"),
        ({"about": "Jim", "level": "dire", "detail": "x"}, "Choose how worried you are"),
        ({"about": "", "level": "high", "detail": "x"}, "Say who the concern is about"),
    ],
)
def test_bad_input_on_the_page_is_explained_and_nothing_saved(
    arranged, organisation, sign_in, volunteer, data, message
):
    body = page(sign_in(volunteer, organisation).post(reverse("safeguarding:raise"), data))
    assert "There is a problem" in body and message in body
    assert not Concern.objects.exists()


def test_raising_from_a_persons_page(arranged, organisation, sign_in, coordinator, maud):
    client = sign_in(coordinator, organisation)
    person_page = page(client.get(reverse("people:detail", kwargs={"person_id": maud.pk})))
    raise_url = f"{reverse('safeguarding:raise')}?person={maud.pk}"
    assert raise_url.replace("&", "&amp;") in person_page or raise_url in person_page
    assert "Raise a safeguarding concern about Maud" in page(client.get(raise_url))
    client.post(reverse("safeguarding:raise"),
                {"person": str(maud.pk), "level": "medium", "detail": "Not eating"})  # fmt: skip
    concern = Concern.objects.get()
    assert (concern.person, concern.source) == (maud, "person_record")
    person_page = page(client.get(reverse("people:detail", kwargs={"person_id": maud.pk})))
    assert detail(concern) in person_page


def test_a_volunteer_cannot_name_a_record_they_may_not_see(
    arranged, organisation, sign_in, volunteer, maud
):
    client = sign_in(volunteer, organisation)
    body = page(client.get(f"{reverse('safeguarding:raise')}?person={maud.pk}"))
    assert "Maud" not in body and "Who is it about?" in body


def test_the_list_filters_open_and_past_and_by_level(concern, sign_in, lead, organisation, as_lead):
    low = raise_concern(organisation, level="low", about="Somebody else")
    services.concern_acknowledge(by=as_lead, concern_id=low.pk, expected="raised")
    services.concern_close(by=as_lead, concern_id=low.pk, expected="acknowledged", outcome="Fine")
    client = sign_in(lead, organisation)
    url = reverse("safeguarding:list")
    open_list = page(client.get(url))
    assert detail(concern) in open_list and detail(low) not in open_list
    past = page(client.get(url, {"state": "closed"}))
    assert detail(low) in past and detail(concern) not in past
    high_only = page(client.get(url, {"state": "all", "level": "high"}))
    assert detail(concern) in high_only and detail(low) not in high_only
    assert AuditEvent.objects.filter(action="concern_list.viewed").count() == 3


def test_a_volunteer_lists_only_what_they_raised(concern, client_as):
    body = page(client_as(Role.VOLUNTEER).get(reverse("safeguarding:list")))
    assert detail(concern) not in body and "concerns you raised" in body


def test_every_coordinator_is_warned_while_there_is_no_lead(organisation, client_as, make_user):
    body = page(client_as(Role.COORDINATOR).get(reverse("core:home")))
    assert "Your organisation has no safeguarding lead" in body
    lead = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    body = page(client_as(Role.COORDINATOR).get(reverse("core:home")))
    assert "Your organisation has no safeguarding lead" not in body
    assert f"{lead.full_name} is your organisation" in body


def test_acknowledging_as_a_lead_who_is_not_the_named_one_is_refused_plainly(
    concern, sign_in, make_user, organisation
):
    other = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    client = sign_in(other, organisation)
    url = reverse("safeguarding:acknowledge", kwargs={"concern_id": concern.pk})
    response = client.post(url, {"expected": "raised"}, follow=True)
    assert response.status_code == 404  # they do not see it at all, let alone act on it
    concern.refresh_from_db()
    assert concern.status == "raised"


def test_the_lead_records_and_corrects_on_the_timeline(
    concern, sign_in, lead, organisation, as_lead
):
    services.concern_acknowledge(by=as_lead, concern_id=concern.pk, expected="raised")
    client = sign_in(lead, organisation)
    url = reverse("safeguarding:entry", kwargs={"concern_id": concern.pk})
    assert "Say what was done" in page(client.post(url, {"kind": "section_42", "text": ""}))
    client.post(url, {"kind": "section_42", "text": "Referred to adult social care"})
    entry = concern.timeline.get(kind="section_42")
    body = page(client.get(url, {"corrects": entry.pk}))
    assert "Entries are never changed" in body
    client.post(url, {"corrects": str(entry.pk), "text": "It was the duty team"})
    body = page(client.get(detail(concern)))
    assert "Referred to adult social care" in body and "It was the duty team" in body
    assert f"#entry-{entry.pk}" in body


def test_the_arrangements_page_names_the_lead(organisation, sign_in, make_user):
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    lead = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    client = sign_in(admin, organisation)
    url = reverse("safeguarding:arrangements")
    assert lead.full_name in page(client.get(url))
    data = {"lead": str(lead.pk), "immediate_minutes": "10", "high_minutes": "45",
            "medium_working_days": "1", "low_working_days": "5"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert (
        organisation.safeguarding.lead == lead and organisation.safeguarding.immediate_minutes == 10
    )
    body = page(client.post(url, {**data, "lead_away_from_day": "1", "lead_away_from_month": "1",
                                  "lead_away_from_year": "2027"}))  # fmt: skip
    assert "Give both dates" in body


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page(client.get(url))
    return len(captured)


def test_the_list_and_the_home_page_cost_the_same_queries_for_more_concerns(
    arranged, organisation, sign_in, lead
):
    client = sign_in(lead, organisation)
    for index in range(2):
        raise_concern(organisation, person=PersonFactory(organisation=organisation),
                      detail=f"Worry {index}")  # fmt: skip
    list_url, home = reverse("safeguarding:list"), reverse("core:home")
    page(client.get(list_url)), page(client.get(home))  # warm the session and caches
    few = (_queries(client, list_url), _queries(client, home))
    for index in range(6):
        raise_concern(organisation, person=PersonFactory(organisation=organisation),
                      detail=f"More {index}", about="")  # fmt: skip
    assert (_queries(client, list_url), _queries(client, home)) == few
