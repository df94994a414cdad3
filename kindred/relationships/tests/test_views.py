"""The pages: the caseload and each record for coordinators; the contact log, concerns and "My
people" for supporters, who reach only the people they support."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.people.selectors import audit_trail_of
from kindred.people.subject_access import person_data
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import Status as ReferralStatus
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships import selectors
from kindred.relationships.models import ConcernLink, Contact, Relationship, Status
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.safeguarding.models import Concern
from kindred.volunteers.models import SupportRequest
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def contact_url(relationship):
    return reverse("relationships:contact", kwargs={"relationship_id": relationship.pk})


def detail_url(relationship):
    return reverse("relationships:detail", kwargs={"relationship_id": relationship.pk})


def date_boxes(name, day, month, year):
    """A date as someone types it into the NHS.UK date input's three boxes."""
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def a_visit(**changes):
    happened_on = changes.pop("happened_on", today().isoformat())
    if happened_on is not None:
        year, month, day = happened_on.split("-")
        changes.update(date_boxes("happened_on", day, month, year))
    data = {
        "mode": "visit",
        "outcome": "happened",
        "feeling": "fine",
        "duration_minutes": "45",
        "note": "Tea and a chat about her garden",
    }
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


# The contact log


def test_a_supporter_logs_a_visit_from_one_screen(tom, relationship, supporter):
    form = page(tom.get(contact_url(relationship)))
    assert "Log a contact" in form and "Maud Ashworth" in form
    # The date defaults to today, in the NHS.UK date input's boxes
    assert f'name="happened_on_day" type="text" value="{today().day}"' in form
    assert f'name="happened_on_year" type="text" value="{today().year}"' in form
    response = tom.post(contact_url(relationship), a_visit(feeling="a_bit_worried"))
    assert response.status_code == 302 and response["Location"] == reverse("relationships:mine")
    contact = Contact.objects.get()
    assert (contact.volunteer, contact.feeling, contact.duration_minutes) == (
        supporter,
        "a_bit_worried",
        45,
    )
    assert "Contact with Maud logged" in page(tom.get(reverse("relationships:mine")))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"happened_on": "2999-01-01"}, "happened_on", "must be today or in the past"),
        ({"happened_on": "2026-02-30"}, "happened_on", "must be a real date"),
        ({"happened_on": None}, "happened_on", "Enter the date of the contact"),
        ({"mode": "carrier_pigeon"}, "mode", "Select a valid choice"),
        ({"feeling": None}, "feeling", "Choose how it went"),
        ({"duration_minutes": "900"}, "duration_minutes", "720 minutes (12 hours) or fewer"),
        ({"note": "x" * 501}, "note", "500 characters or fewer"),
    ],
)
def test_bad_contacts_are_explained_beside_the_field_and_nothing_is_saved(
    tom, relationship, changes, field, message
):
    response = tom.post(contact_url(relationship), a_visit(**changes))
    body = page(response)
    assert "There is a problem" in body and message in body
    # The summary links to the field (a date, to its first box)
    assert any(f'href="#{target}"' in body for target in (f"id_{field}", field, f"id_{field}_day"))
    assert "nhsuk-error-message" in body
    assert not Contact.objects.exists() and not Concern.objects.exists()


def test_a_date_before_the_introduction_is_refused_with_the_services_message(tom, relationship):
    early = relationship.introduced_on - dt.timedelta(days=1)
    body = page(tom.post(contact_url(relationship), a_visit(happened_on=early.isoformat())))
    assert "must be on or after the introduction" in body and 'href="#id_happened_on_day"' in body
    assert not Contact.objects.exists()


def test_missed_and_cancelled_contacts_count_without_saying_how_it_went(tom, relationship):
    tom.post(contact_url(relationship), a_visit(outcome="missed", feeling=None))
    assert Contact.objects.get().outcome == "missed"


def test_very_worried_offers_a_concern_there_and_then(tom, relationship, coordinator):
    response = tom.post(contact_url(relationship), a_visit(feeling="very_worried"))
    contact = Contact.objects.get()
    concern_url = reverse("relationships:concern", kwargs={"relationship_id": relationship.pk})
    assert response["Location"] == f"{concern_url}?contact={contact.pk}"
    body = page(tom.get(response["Location"]))
    assert "You are very worried: raise a concern now" in body and "Not now" in body
    assert "Contact with Maud logged" in body and "call 999 now" in body
    response = tom.post(
        concern_url,
        {"contact": str(contact.pk), "kind": "safeguarding", "level": "high",
         "detail": "A man shouted at her while I was there"},
    )  # fmt: skip
    concern = Concern.objects.get()
    assert response["Location"] == reverse("safeguarding:detail", kwargs={"concern_id": concern.pk})
    assert concern.raised_by is not None
    assert (ConcernLink.objects.get().contact, concern.raised_by.email) == (
        contact,
        "tom@example.com",
    )
    # No lead: it reaches the coordinators, and the supporter is told so, never "your lead".
    assert Notification.objects.filter(
        kind="safeguarding.concern", recipient=coordinator.email
    ).exists()
    body = page(tom.get(response["Location"]))
    assert "(coordinators): your organisation" in body
    assert "safeguarding lead is not available" in body
    assert "sent to your safeguarding lead" not in body
    assert "A man shouted at her" in body and "waiting for the safeguarding lead" in body


def test_a_bit_worried_goes_back_to_my_people_without_a_concern(tom, relationship):
    response = tom.post(contact_url(relationship), a_visit(feeling="a_bit_worried"))
    assert response["Location"] == reverse("relationships:mine")
    assert Contact.objects.count() == 1 and not Concern.objects.exists()


def test_a_concern_is_never_linked_to_another_relationships_contact(
    tom, organisation, relationship
):
    elsewhere = ContactFactory(relationship=RelationshipFactory(organisation=organisation))
    url = reverse("relationships:concern", kwargs={"relationship_id": relationship.pk})
    assert "You are very worried" not in page(tom.get(f"{url}?contact={elsewhere.pk}"))
    tom.post(
        url,
        {"contact": str(elsewhere.pk), "kind": "safeguarding", "level": "low", "detail": "Worried"},
    )
    assert ConcernLink.objects.get().contact is None


def test_a_volunteer_cannot_log_against_someone_they_do_not_support(tom, organisation, supporter):
    someone_else = RelationshipFactory(organisation=organisation)
    assert tom.get(contact_url(someone_else)).status_code == 404
    assert tom.post(contact_url(someone_else), a_visit()).status_code == 404
    assert not Contact.objects.exists()
    refused = AuditEvent.objects.filter(action="relationship.view_refused")
    assert refused.count() == 2
    # On the person, so their trail shows the attempt, with the relationship it was for.
    assert {e.target_id for e in refused} == {str(someone_else.person_id)}
    assert {e.detail["relationship"] for e in refused} == {str(someone_else.pk)}
    assert {e.actor.email for e in refused} == {"tom@example.com"}


def test_a_supporter_who_has_left_or_an_ended_relationship_is_refused(tom, relationship, supporter):
    relationship.supporter_links.update(left_on=today())
    assert tom.get(contact_url(relationship)).status_code == 404


def test_a_coordinator_logs_for_a_supporter_or_themselves(
    client_as, organisation, relationship, supporter
):
    client = client_as(Role.COORDINATOR)
    body = page(client.get(contact_url(relationship)))
    assert "Who was in touch" in body and "Tom Hughes" in body
    response = client.post(contact_url(relationship), a_visit(volunteer=str(supporter.pk)))
    assert response["Location"] == detail_url(relationship)
    client.post(contact_url(relationship), a_visit(volunteer="", mode="phone"))
    assert sorted((c.mode, c.volunteer_id) for c in Contact.objects.all()) == [
        ("phone", None),
        ("visit", supporter.pk),
    ]


def test_a_coordinator_cannot_log_on_an_ended_relationship(client_as, organisation):
    ended = RelationshipFactory(organisation=organisation, status=Status.ENDED, ended_on=today())
    client = client_as(Role.COORDINATOR)
    response = client.get(contact_url(ended), follow=True)
    assert "no more contacts can be logged" in page(response)


# Concerns


def test_a_supporter_raises_a_concern_and_a_safeguarding_lead_acknowledges_it(
    tom, relationship, make_user, organisation, sign_in
):
    url = reverse("relationships:concern", kwargs={"relationship_id": relationship.pk})
    body = page(tom.post(url, {"kind": "safeguarding", "level": "medium"}))
    assert "Say what worries you" in body
    body = page(tom.post(url, {"kind": "safeguarding", "level": "dire", "detail": "Bruises"}))
    assert "Choose how worried you are" in body and not Concern.objects.exists()
    lead_user = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    response = tom.post(
        url, {"kind": "safeguarding", "level": "medium", "detail": "Bruises on her arm"}
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    lead = sign_in(lead_user, organisation)
    detail = reverse("safeguarding:detail", kwargs={"concern_id": concern.pk})
    assert "Bruises on her arm" in page(lead.get(detail))
    lead.post(
        reverse("safeguarding:acknowledge", kwargs={"concern_id": concern.pk}),
        {"expected": "raised"},
    )
    concern.refresh_from_db()
    assert concern.acknowledged_by == lead_user and concern.status == "acknowledged"
    # The relationship's page shows it, linked to the case.
    coordinator = sign_in(make_user(Role.COORDINATOR, organisation=organisation), organisation)
    body = page(
        coordinator.get(
            reverse("relationships:detail", kwargs={"relationship_id": relationship.pk})
        )
    )
    assert detail in body and "(acknowledged)" in body


# My people


def test_my_people_shows_only_what_a_supporter_needs(tom, organisation, relationship, supporter):
    referral = ReferralFactory(
        organisation=organisation, person=relationship.person, reason="Secret clinical reason"
    )
    relationship.referral = referral
    relationship.save()
    relationship.person.nhs_number = "9434765919"
    relationship.person.save()
    someone_else = RelationshipFactory(organisation=organisation, person__given_name="Gertrude")
    ContactFactory(relationship=relationship, logged_by=tom.session and supporter.user)
    body = page(tom.get(reverse("relationships:mine")))
    assert "Maud Ashworth" in body and "07700 900123" in body
    assert "4 Mill Lane" in body  # she is visited at home
    assert "Every 14 days" in body and "Log a contact" in body
    assert "Secret clinical reason" not in body
    assert "9434765919" not in body and "943 476 5919" not in body
    assert "Gertrude" not in body and str(someone_else.pk) not in body
    # One entry for the page view, naming the relationship and the person (ADR-082, ADR-127):
    # the person's own trail finds it.
    (viewed,) = AuditEvent.objects.filter(action="relationship.viewed")
    assert viewed.detail["where"] == "my people"
    assert viewed.detail["relationships"] == [str(relationship.pk)]
    assert viewed.detail["people"] == [str(relationship.person_id)]
    trail = audit_trail_of(organisation=organisation, person=relationship.person)
    assert trail.filter(pk=viewed.pk).exists()


def test_my_people_audits_one_entry_however_many_it_shows(
    tom, organisation, relationship, supporter, django_assert_max_num_queries
):
    """One `relationship.viewed` entry for the page view (ADR-127), not one per person: the
    audit's queries stay the same however many people a supporter sees."""

    def audit_queries() -> int:
        before = AuditEvent.objects.count()
        with django_assert_max_num_queries(100) as captured:
            assert tom.get(reverse("relationships:mine")).status_code == 200
        assert AuditEvent.objects.count() == before + 1
        return sum("core_audit" in q["sql"] for q in captured.captured_queries)

    few = audit_queries()
    others = [
        RelationshipFactory(organisation=organisation, supporters=[supporter]) for _ in range(3)
    ]
    assert audit_queries() == few
    entry = AuditEvent.objects.filter(action="relationship.viewed").latest("sequence")
    shown = [relationship, *others]
    assert sorted(entry.detail["people"]) == sorted(str(r.person_id) for r in shown)
    assert sorted(entry.detail["relationships"]) == sorted(str(r.pk) for r in shown)
    for r in shown:
        trail = audit_trail_of(organisation=organisation, person=r.person)
        assert trail.filter(pk=entry.pk).exists()


def test_a_phone_befriender_is_not_shown_the_address(tom, relationship):
    relationship.usual_mode = "phone"
    relationship.save()
    assert "4 Mill Lane" not in page(tom.get(reverse("relationships:mine")))


def test_my_people_with_nobody_to_support(client_as):
    body = page(client_as(Role.VOLUNTEER).get(reverse("relationships:mine")))
    assert "You are not supporting anyone at the moment" in body


def test_a_supporter_asks_for_supervision(tom, supporter, coordinator):
    url = reverse("relationships:ask_supervision")
    assert "Tell us a little about what would help" in page(tom.post(url, {"message": ""}))
    response = tom.post(url, {"message": "That last visit stayed with me"})
    assert response["Location"] == reverse("relationships:mine")
    assert SupportRequest.objects.get().volunteer == supporter
    assert Notification.objects.filter(recipient=coordinator.email).exists()


def test_asking_for_supervision_without_a_volunteer_record(client_as):
    body = page(client_as(Role.VOLUNTEER).get(reverse("relationships:ask_supervision")))
    assert "has not set up your volunteer record" in body


# The coordinator's caseload and record


def test_the_caseload_filters_and_paginates_without_n_plus_1(
    client_as, organisation, django_assert_max_num_queries
):
    client = client_as(Role.COORDINATOR)
    for n in range(3):
        RelationshipFactory(organisation=organisation, person__given_name=f"Quiet{n}",
                            last_contact_on=today() - dt.timedelta(days=40))  # fmt: skip
    worried = RelationshipFactory(organisation=organisation, person__given_name="Worried",
                                  last_contact_on=today())  # fmt: skip
    ContactFactory(relationship=worried, feeling="very_worried")
    url = reverse("relationships:caseload")
    client.get(url)  # warm the session
    # 12, and 3 for the audit entry naming the people shown (the entry and its chain's head),
    # 4 on PostgreSQL (its advisory lock on the chain, ADR-080).
    with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 15) as few:
        client.get(url)
    for _ in range(20):
        RelationshipFactory(organisation=organisation, last_contact_on=today(), supporters=[
            VolunteerFactory(organisation=organisation), VolunteerFactory(organisation=organisation)
        ])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = page(client.get(url))
    assert "24 relationships" in body
    body = page(client.get(url, {"worried": "on"}))
    assert "Worried" in body and "Quiet0" not in body and "1 relationship." in body
    body = page(client.get(url, {"quiet": "on"}))
    assert "Quiet0" in body and "Gone quiet" in body and "3 relationships" in body
    body = page(client.get(url, {"status": "paused"}))
    assert "No relationships match" in body


def test_the_caseload_shows_fifty_a_page(client_as, organisation):
    for _ in range(51):
        RelationshipFactory(organisation=organisation)
    client = client_as(Role.COORDINATOR)
    record = re.compile(r'href="/relationships/[0-9a-f-]{36}/"')
    first = page(client.get(reverse("relationships:caseload")))
    assert "51 relationships" in first and len(record.findall(first)) == 50
    second = page(client.get(reverse("relationships:caseload"), {"status": "open", "page": "2"}))
    assert len(record.findall(second)) == 1


def test_the_record_shows_everything_and_its_reading_is_audited(
    client_as, organisation, relationship, coordinator
):
    ContactFactory(relationship=relationship, happened_on=today() - dt.timedelta(days=3),
                   note="Older visit")  # fmt: skip
    ContactFactory(relationship=relationship, happened_on=today(), note="Newest phone call")
    concern = concern_on(relationship)
    client = client_as(Role.COORDINATOR)
    body = page(client.get(detail_url(relationship)))
    assert "Maud Ashworth" in body and "Tom Hughes" in body
    assert body.index("Newest phone call") < body.index("Older visit")
    assert "A safeguarding concern (high)" in body and "Not yet acknowledged" in body
    assert reverse("safeguarding:detail", kwargs={"concern_id": concern.pk}) in body
    assert "Pause support" in body and "End this relationship" in body
    assert reverse("wellbeing:crisis_plan", kwargs={"person_id": relationship.person.pk}) in body
    assert (
        AuditEvent.objects.for_record(relationship.person)
        .filter(action="relationship.viewed", detail__where="record")
        .exists()
    )


def test_pause_resume_and_a_stale_change_is_refused_plainly(client_as, organisation, relationship):
    client = client_as(Role.COORDINATOR)
    url = reverse("relationships:move", kwargs={"relationship_id": relationship.pk})
    client.post(url, {"expected": "active", "to": "paused", "note": "In hospital"})
    relationship.refresh_from_db()
    assert relationship.status == Status.PAUSED
    body = page(client.post(url, {"expected": "active", "to": "paused"}, follow=True))
    assert "Someone else changed this relationship" in body
    assert "Resume support" in body
    client.post(url, {"expected": "paused", "to": "active"})
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE
    assert [c.note for c in relationship.history.all()][-2:] == ["In hospital", ""]
    assert client.post(url, {"expected": "active", "to": "banana"}).status_code == 302


def test_ending_records_why_and_offers_the_next_step(client_as, organisation, relationship):
    client = client_as(Role.COORDINATOR)
    url = reverse("relationships:end", kwargs={"relationship_id": relationship.pk})
    body = page(client.post(url, {"expected": "active"}))
    assert "Choose why the relationship is ending" in body
    assert "Choose the next step offered" in body
    waiting = ReferralFactory(
        organisation=organisation, person=relationship.person, status=ReferralStatus.WAITING
    )
    response = client.post(url, {"expected": "active", "reason": "needs_changed",
                                 "outcome": "same", "next_step": "another_supporter"})  # fmt: skip
    assert response["Location"] == detail_url(relationship)
    relationship.refresh_from_db()
    assert (relationship.status, relationship.end_reason) == (Status.ENDED, "needs_changed")
    body = page(client.get(detail_url(relationship)))
    assert f"/matching/suggest/?referral={waiting.pk}" in body
    assert f"/relationships/add/?person={relationship.person.pk}" in body
    assert "Log a contact" not in body
    assert client.get(url)["Location"] == detail_url(relationship)  # already ended


def test_ending_offers_the_way_in_to_volunteering(client_as, organisation, relationship):
    client = client_as(Role.COORDINATOR)
    url = reverse("relationships:end", kwargs={"relationship_id": relationship.pk})
    client.post(url, {"expected": "active", "reason": "goals_met", "outcome": "better",
                      "next_step": "volunteering"})  # fmt: skip
    body = page(client.get(detail_url(relationship)))
    assert reverse("volunteers:invite", kwargs={"person_id": relationship.person.pk}) in body


def test_ending_a_relationship_someone_else_just_ended(client_as, organisation, relationship):
    client = client_as(Role.COORDINATOR)
    url = reverse("relationships:end", kwargs={"relationship_id": relationship.pk})
    body = page(client.post(url, {"expected": "paused", "reason": "goals_met",
                                  "outcome": "better", "next_step": "none"}))  # fmt: skip
    assert "Someone else changed this relationship" in body
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE


def test_a_coordinator_introduces_someone_by_hand(
    client_as, organisation, coordinator, monkeypatch
):
    person = PersonFactory(organisation=organisation, given_name="Edna", family_name="Platt")
    referral = ReferralFactory(organisation=organisation, person=person,
                               status=ReferralStatus.WAITING)  # fmt: skip
    ready = [VolunteerFactory(organisation=organisation, given_name=name, family_name="Ready")
             for name in ("Ann", "Bob", "Cy")]  # fmt: skip
    monkeypatch.setattr(selectors, "eligible_supporters", lambda **kw: ready)
    client = client_as(Role.COORDINATOR)
    add = reverse("relationships:add")
    assert "Edna Platt" in page(client.get(add, {"q": "platt"}))
    url = f"{add}?person={person.pk}"
    body = page(client.get(url))
    assert "Ann Ready (supports nobody yet)" in body
    body = page(client.post(url, {"kind": "befriending", "rhythm_days": "14",
                                  "usual_mode": "visit"}))  # fmt: skip
    assert "Choose one or two supporters" in body
    body = page(client.post(url, {"supporters": [str(v.pk) for v in ready], "kind": "befriending",
                                  "rhythm_days": "14", "usual_mode": "visit"}))  # fmt: skip
    assert "Choose no more than two supporters" in body
    body = page(client.post(url, {"supporters": [str(ready[0].pk)], "kind": "befriending",
                                  "rhythm_days": "0", "usual_mode": "visit"}))  # fmt: skip
    assert "Enter at least 1 day" in body
    assert not Relationship.objects.exists()
    response = client.post(url, {
        "supporters": [str(ready[0].pk), str(ready[1].pk)], "kind": "peer_mentoring",
        "rhythm_days": "7", "usual_mode": "phone", "referral": str(referral.pk),
    })  # fmt: skip
    relationship = Relationship.objects.get()
    assert response["Location"] == detail_url(relationship)
    assert (relationship.kind, relationship.rhythm_days, relationship.referral) == (
        "peer_mentoring",
        7,
        referral,
    )
    assert {v.given_name for v in relationship.supporters.all()} == {"Ann", "Bob"}
    # The same supporter again is refused by the service, shown in the summary
    body = page(client.post(url, {"supporters": [str(ready[0].pk)], "kind": "befriending",
                                  "rhythm_days": "14", "usual_mode": "visit"}))  # fmt: skip
    assert "Ann Ready already supports Edna Platt" in body
    assert Relationship.objects.count() == 1


def test_introducing_someone_not_in_the_organisation_is_404(client_as, other_organisation):
    client = client_as(Role.COORDINATOR)
    stranger = PersonFactory(organisation=other_organisation)
    add = reverse("relationships:add")
    assert client.get(f"{add}?person={stranger.pk}").status_code == 404
    assert client.get(f"{add}?person=not-a-uuid").status_code == 404


# Other apps' pages


def test_the_person_page_lists_their_relationships_for_coordinators(
    client_as, organisation, relationship
):
    client = client_as(Role.COORDINATOR)
    body = page(client.get(reverse("people:detail", kwargs={"person_id": relationship.person.pk})))
    assert "Support from befrienders and peer supporters" in body
    assert "Befriending with Tom Hughes" in body


def test_a_subject_access_export_includes_relationships_and_contacts(organisation, relationship):
    ContactFactory(relationship=relationship, note="Walked to the park", feeling="fine")
    concern_on(relationship, detail="Private words of the supporter")
    data = person_data(relationship.person)["relationships"]
    assert data[0]["supporters"] == ["Tom Hughes"]
    assert data[0]["contacts"][0]["note"] == "Walked to the park"
    assert data[0]["concerns_raised"][0]["kind"] == "A safeguarding concern"
    assert "Private words" not in str(data)


def test_home_panels(client_as, organisation, tom, relationship, sign_in, make_user):
    quiet = RelationshipFactory(organisation=organisation, person__given_name="Quietly",
                                person__family_name="Hush", last_contact_on=today() - dt.timedelta(days=30))  # fmt: skip
    overdue = RelationshipFactory(organisation=organisation, person__given_name="Reviewless",
                                  person__family_name="Late", next_review_on=today() - dt.timedelta(days=1))  # fmt: skip
    ContactFactory(relationship=relationship, feeling="a_bit_worried")
    coordinator_home = page(client_as(Role.COORDINATOR).get(reverse("core:home")))
    assert "Relationships gone quiet" in coordinator_home and quiet.person.display_name in (
        coordinator_home
    )
    assert "Reviews overdue" in coordinator_home and overdue.person.display_name in (
        coordinator_home
    )
    assert "Worries and concerns from supporters" in coordinator_home
    assert "Maud Ashworth</a>: a bit worried" in coordinator_home
    tom_home = page(tom.get(reverse("core:home")))
    assert "Your next contacts" in tom_home and "Maud Ashworth" in tom_home
    assert "Quietly" not in tom_home


def test_a_safeguarding_lead_sees_concerns_waiting_on_their_home_page(client_as, organisation):
    relationship = RelationshipFactory(organisation=organisation, person__given_name="Winifred")
    concern_on(relationship)
    body = page(client_as(Role.SAFEGUARDING_LEAD).get(reverse("core:home")))
    assert "Safeguarding concerns waiting to be acknowledged" in body
    assert "High: Winifred" in body


def test_my_people_links_to_goals_and_to_the_crisis_plan_only_when_it_is_shared(
    tom, organisation, relationship, coordinator
):
    goals = reverse("wellbeing:goals", kwargs={"person_id": relationship.person.pk})
    plan = reverse("wellbeing:crisis_plan", kwargs={"person_id": relationship.person.pk})
    body = page(tom.get(reverse("relationships:mine")))
    # No plan yet: a coordinator writes the first, recording who she wants to see it (ADR-098).
    assert goals in body and plan not in body
    assert tom.get(plan).status_code == 404
    by = Acting(coordinator, organisation)
    wellbeing.crisis_plan_save(
        by=by, person=relationship.person, based_on=0, own_decision=True,
        content=wellbeing.PlanContent(warning_signs="Stops answering the phone"),
        sharing=wellbeing.Sharing(supporters=False, crisis_line=True, facilitators=False, gp=True),
    )  # fmt: skip
    body = page(tom.get(reverse("relationships:mine")))
    assert goals in body and plan not in body
    wellbeing.crisis_plan_sharing_record(
        by=by, person=relationship.person, based_on=1, own_decision=True,
        sharing=wellbeing.Sharing(supporters=True, crisis_line=True, facilitators=False, gp=True),
    )  # fmt: skip
    body = page(tom.get(reverse("relationships:mine")))
    assert goals in body and plan in body


def test_a_coordinator_says_support_has_started(client_as, organisation):
    relationship = RelationshipFactory(
        organisation=organisation, status=Status.INTRODUCED, started_on=None, next_review_on=None
    )
    client = client_as(Role.COORDINATOR)
    assert "Support has started" in page(client.get(detail_url(relationship)))
    client.post(
        reverse("relationships:move", kwargs={"relationship_id": relationship.pk}),
        {"expected": "introduced", "to": "active", "note": "First visit went well"},
    )
    relationship.refresh_from_db()
    assert (relationship.status, relationship.started_on) == (Status.ACTIVE, today())
    assert relationship.next_review_on == today() + dt.timedelta(days=91)
