"""The pages: public enquiries (honeypot, rate limit), the coordinator's board and forms, and each
volunteer's own pages, which never show anyone else's checks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers import selectors
from kindred.volunteers.models import (
    DbsCheck,
    Expense,
    HoursSource,
    JourneyStep,
    RoleAssignment,
    Stage,
    SupportRequest,
    TrainingRecord,
    Volunteer,
    VolunteerHours,
    WellbeingCheckIn,
)
from kindred.volunteers.services import expenses, hours, recruitment, roles, support
from kindred.volunteers.tests.factories import (
    CourseFactory,
    DbsCheckFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

ENQUIRY = {
    "given_name": "Cindy",
    "family_name": "Walsh",
    "email": "cindy@example.com",
    "has_had_support": "on",
    "consent_to_link": "on",
}


def enquire_url(organisation):
    return reverse("volunteers:enquire", kwargs={"organisation_slug": organisation.slug})


def test_anyone_can_ask_about_volunteering(client, organisation):
    response = client.post(enquire_url(organisation), ENQUIRY)
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.organisation == organisation and volunteer.stage == Stage.ENQUIRY
    assert volunteer.consent_to_link and volunteer.history.count() == 1
    # the address the enquiry came from is not kept with it, in any form
    assert "127.0.0.1" not in str(Volunteer.objects.filter(pk=volunteer.pk).values().get())


def test_the_enquiry_form_needs_a_way_to_reply(client, organisation):
    response = client.post(enquire_url(organisation), {"given_name": "A", "family_name": "B"})
    assert response.status_code == 200
    assert "Enter an email address or a phone number so we can reply" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_an_enquiry_postcode_must_be_real_and_is_tidied(client, organisation):
    refused = client.post(enquire_url(organisation), {**ENQUIRY, "postcode": "ZZ9 9ZZ"})
    assert "ZZ9 9ZZ is not a postcode we can find" in refused.content.decode()
    assert not Volunteer.objects.exists()
    client.post(enquire_url(organisation), {**ENQUIRY, "postcode": "sk13xe"})
    assert Volunteer.objects.get().postcode == "SK1 3XE"


def test_robots_filling_the_hidden_field_are_thanked_and_ignored(client, organisation):
    response = client.post(enquire_url(organisation), {**ENQUIRY, "website": "http://spam"})
    assert response.status_code == 302
    assert not Volunteer.objects.exists()


def test_enquiries_are_limited_per_address(client, organisation):
    for _ in range(recruitment.ENQUIRIES_PER_ADDRESS_PER_HOUR):
        assert client.post(enquire_url(organisation), ENQUIRY).status_code == 302
    response = client.post(enquire_url(organisation), ENQUIRY)
    assert response.status_code == 429
    assert "several enquiries from your connection" in response.content.decode()
    other = client.post(enquire_url(organisation), ENQUIRY, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert Volunteer.objects.count() == recruitment.ENQUIRIES_PER_ADDRESS_PER_HOUR + 1
    # counted by core.limits in the cache, like the other public forms: a new window starts afresh
    cache.clear()
    assert client.post(enquire_url(organisation), ENQUIRY).status_code == 302


def test_an_unknown_organisation_has_no_form(client):
    assert client.get("/volunteers/join/nowhere/").status_code == 404


def test_the_board_counts_each_stage(client_as, organisation):
    VolunteerFactory.create_batch(3, organisation=organisation, stage=Stage.REFERENCES)
    VolunteerFactory(organisation=organisation, stage=Stage.ACTIVE, given_name="Zebedee")
    page = client_as(Role.COORDINATOR).get(reverse("volunteers:board")).content.decode()
    assert "References (3)" in page and "Active (1)" in page and "Zebedee" in page
    assert "Enquiry (0)" in page


def test_a_coordinator_moves_a_volunteer_on(client_as, organisation):
    volunteer = VolunteerFactory(organisation=organisation, stage=Stage.ENQUIRY)
    client = client_as(Role.COORDINATOR)
    url = reverse("volunteers:move", kwargs={"volunteer_id": volunteer.pk})
    form = client.get(url).content.decode()
    assert 'name="expected" value="enquiry"' in form
    response = client.post(url, {"to_stage": "application", "expected": "enquiry"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.APPLICATION
    # The same form, sent again from a stale page, is refused plainly and changes nothing.
    again = client.post(url, {"to_stage": "left", "note": "x", "expected": "enquiry"})
    assert again.status_code == 200
    assert "they are now at application. Check their record and try again" in (
        again.content.decode()
    )
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.APPLICATION and volunteer.history.count() == 1


def test_a_wrong_certificate_number_is_refused_on_the_form(client_as, organisation):
    volunteer = VolunteerFactory(organisation=organisation)
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:dbs_add", kwargs={"volunteer_id": volunteer.pk}),
        {"level": "enhanced", "certificate_number": "12345", "issued_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Enter the 12-digit certificate number" in response.content.decode()
    assert not DbsCheck.objects.exists()


def test_an_expiry_before_completion_is_refused_on_the_form(client_as, organisation):
    volunteer = VolunteerFactory(organisation=organisation)
    course = CourseFactory(organisation=organisation)
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:training_add", kwargs={"volunteer_id": volunteer.pk}),
        {"course": course.pk, "completed_on": "2025-05-01", "expires_on": "2025-04-01"},
    )
    assert "The expiry date must be after the date they completed it" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_role_needing_more_is_refused_with_the_reasons(
    client_as, organisation, by, standard_roles
):
    volunteer = VolunteerFactory(organisation=organisation)
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:role_assign", kwargs={"volunteer_id": volunteer.pk}),
        {"role": standard_roles["driver"].pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "They cannot be a driver yet" in page and "They need an enhanced DBS check" in page
    assert not volunteer.roles.exists()


def test_a_volunteer_logs_hours_and_sees_what_is_due(
    sign_in, organisation, volunteer, volunteer_user
):
    course = CourseFactory(organisation=organisation, name="Safeguarding adults")
    TrainingRecordFactory(
        volunteer=volunteer, course=course,
        expires_on=timezone.localdate() + dt.timedelta(days=20),
    )  # fmt: skip
    client = sign_in(volunteer_user, organisation)
    response = client.post(
        reverse("volunteers:my_hours"),
        {"form": "hours", "worked_on": timezone.localdate().isoformat(), "hours": "2"},
    )
    assert response.status_code == 302
    assert VolunteerHours.objects.get().minutes == 120
    page = client.get(reverse("volunteers:my_checks")).content.decode()
    assert "Your Safeguarding adults training is due on" in page
    home = client.get(reverse("core:home")).content.decode()
    assert "Your Safeguarding adults training is due on" in home


def test_bad_hours_are_refused_with_a_message(sign_in, organisation, volunteer, volunteer_user):
    response = sign_in(volunteer_user, organisation).post(
        reverse("volunteers:my_hours"), {"form": "hours", "worked_on": "2025-01-01", "hours": "30"}
    )
    assert "Enter 24 hours or fewer" in response.content.decode()
    assert not VolunteerHours.objects.exists()


def test_volunteers_never_see_other_volunteers_checks(
    sign_in, organisation, volunteer, volunteer_user
):
    other = VolunteerFactory(organisation=organisation, given_name="Bartholomew")
    DbsCheckFactory(volunteer=other, certificate_last_digits="4321", level="enhanced_barred")
    TrainingRecordFactory(
        volunteer=other,
        course=CourseFactory(organisation=organisation, kind="crisis_line", name="Night listening"),
    )
    client = sign_in(volunteer_user, organisation)
    for name in ("me", "my_checks", "my_hours", "my_supervision", "my_availability"):
        page = client.get(reverse(f"volunteers:{name}")).content.decode()
        assert "Bartholomew" not in page and "4321" not in page and "Night listening" not in page
    detail = reverse("volunteers:detail", kwargs={"volunteer_id": other.pk})
    assert client.get(detail).status_code == 403


def test_a_volunteer_asks_for_support_and_checks_in(
    sign_in, organisation, volunteer, volunteer_user, coordinator
):
    client = sign_in(volunteer_user, organisation)
    url = reverse("volunteers:my_supervision")
    assert (
        client.post(url, {"form": "support", "support-message": "A hard visit"}).status_code == 302
    )
    assert SupportRequest.objects.get().message == "A hard visit"
    assert Notification.objects.filter(recipient="coordinator@example.com").exists()
    assert client.post(url, {"form": "check_in", "check_in-feeling": "4"}).status_code == 302
    assert client.post(url, {"form": "check_in", "check_in-feeling": "2"}).status_code == 302
    assert list(WellbeingCheckIn.objects.values_list("feeling", flat=True)) == [2]
    empty = client.post(url, {"form": "support", "support-message": ""})
    assert "Tell us a little about what would help" in empty.content.decode()


def test_availability_windows(sign_in, organisation, volunteer, volunteer_user):
    client = sign_in(volunteer_user, organisation)
    url = reverse("volunteers:my_availability")
    assert (
        client.post(url, {"weekday": "1", "starts_at": "09:30", "ends_at": "12:00"}).status_code
        == 302
    )
    bad = client.post(url, {"weekday": "1", "starts_at": "12:00", "ends_at": "09:00"})
    assert "The end time must be after the start time" in bad.content.decode()
    window = volunteer.availability.get()
    assert (window.weekday, window.starts_at) == (1, dt.time(9, 30))
    assert client.post(url, {"remove": str(window.pk)}).status_code == 302
    assert not volunteer.availability.exists()


def test_overdue_supervision_is_on_the_coordinators_home(client_as, organisation, by):
    due = VolunteerFactory(organisation=organisation, given_name="Overdue")
    seen = VolunteerFactory(organisation=organisation, given_name="Recent")
    support.supervision_record(
        by=by, volunteers=[seen], kind="one_to_one", held_on=timezone.localdate()
    )
    page = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert "Volunteers due supervision" in page
    assert f"{due.display_name}</a>, last supervised never" in page
    assert seen.display_name not in page


def test_supervision_one_to_one_with_two_people_is_refused(client_as, organisation):
    a, b = VolunteerFactory.create_batch(2, organisation=organisation)
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:supervision_add"),
        {"kind": "one_to_one", "volunteers": [a.pk, b.pk], "held_on": "2025-01-01"},
    )
    assert "A one-to-one session is with one volunteer" in response.content.decode()


def test_the_value_page_uses_the_configured_rate(client_as, organisation, by, volunteer):
    hours.hours_log(by=by, volunteer=volunteer, worked_on=timezone.localdate(), minutes=600)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        reverse("volunteers:value"),
        {"hourly_value": "15", "supervision_every_days": "31", "references_needed": "3"},
    )
    assert response.status_code == 302
    page = client.get(reverse("volunteers:value")).content.decode()
    assert "£150.00" in page
    assert selectors.references_needed(organisation=organisation) == 3


def test_set_up_the_usual_roles(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    assert client.post(reverse("volunteers:roles")).status_code == 302
    page = client.get(reverse("volunteers:roles")).content.decode()
    assert "Crisis line supporter" in page and "Enhanced with barred list" in page


def test_the_coordinators_home_does_not_grow_queries_with_volunteers(
    client_as, organisation, django_assert_max_num_queries
):
    client = client_as(Role.COORDINATOR)
    course = CourseFactory(organisation=organisation)
    for _ in range(3):
        v = VolunteerFactory(organisation=organisation)
        TrainingRecordFactory(volunteer=v, course=course, expires_on=timezone.localdate())
        DbsCheckFactory(volunteer=v, issued_on=dt.date(2020, 1, 1))
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("core:home"))
    baseline = len(few.captured_queries)
    for _ in range(10):
        v = VolunteerFactory(organisation=organisation)
        TrainingRecordFactory(volunteer=v, course=course, expires_on=timezone.localdate())
        DbsCheckFactory(volunteer=v, issued_on=dt.date(2020, 1, 1))
    with django_assert_max_num_queries(baseline):
        page = client.get(reverse("core:home")).content.decode()
    assert page.count("ran out on") >= 13


def test_the_board_does_not_grow_queries_with_volunteers(
    client_as, organisation, django_assert_max_num_queries
):
    client = client_as(Role.COORDINATOR)
    VolunteerFactory.create_batch(30, organisation=organisation, stage=Stage.REFERENCES)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("volunteers:board")).status_code == 200


def test_a_coordinator_pays_an_expense_once(client_as, organisation, by, volunteer):
    expense = expenses.expense_claim(
        by=by, volunteer=volunteer, spent_on=dt.date(2026, 1, 5), amount=Decimal("6.20"),
        description="Bus fare",
    )  # fmt: skip
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("volunteers:expenses")).content.decode()
    assert "Bus fare" in page and "£6.20" in page
    for _ in range(2):
        assert (
            client.post(reverse("volunteers:expenses"), {"paid": str(expense.pk)}).status_code
            == 302
        )
    expense.refresh_from_db()
    assert expense.status == Expense.Status.PAID
    assert "Bus fare" not in client.get(reverse("volunteers:expenses")).content.decode()
    assert client.post(reverse("volunteers:expenses"), {"paid": "nonsense"}).status_code == 404


def test_another_organisations_expense_cannot_be_paid(client_as, other_organisation, by):
    theirs = VolunteerFactory(organisation=other_organisation)
    expense = expenses.expense_claim(
        by=Acting.system("t", organisation=other_organisation), volunteer=theirs,
        spent_on=dt.date(2026, 1, 5), amount=Decimal("1.00"), description="Tea",
    )  # fmt: skip
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:expenses"), {"paid": str(expense.pk)}
    )
    assert response.status_code == 404


def test_a_volunteer_finding_it_hard_shows_on_the_coordinators_home(
    client_as, organisation, by, volunteer
):
    support.wellbeing_check_in(by=by, volunteer=volunteer, feeling=1, comment="Tiring month")
    page = client_as(Role.COORDINATOR).get(reverse("core:home")).content.decode()
    assert "Finding it hard this month" in page and "Cindy Walsh" in page
    detail = client_as(Role.COORDINATOR).get(
        reverse("volunteers:detail", kwargs={"volunteer_id": volunteer.pk})
    )
    assert "Tiring month" in detail.content.decode()


def test_someone_ending_support_is_invited_and_their_enquiry_links_with_consent(
    client, client_as, organisation, coordinator
):
    person = PersonFactory(organisation=organisation, given_name="Maud", email="maud@example.com")
    coordinator_client = client_as(Role.COORDINATOR)
    invite_url = reverse("volunteers:invite", kwargs={"person_id": person.pk})
    assert coordinator_client.post(invite_url).status_code == 302
    message = Notification.objects.get(recipient="maud@example.com")
    link = next(w for w in message.body.split() if "?invite=" in w)
    token = link.split("?invite=")[1]

    # Without consent: an ordinary enquiry, not linked
    form = client.get(enquire_url(organisation), {"invite": token}).content.decode()
    assert "You were invited because you have had support from us" in form
    details = {"given_name": "Maud", "family_name": "Ashby", "email": "maud@example.com"}
    client.post(enquire_url(organisation), {**details, "invite": token})
    assert Volunteer.objects.get().person is None

    # With consent: linked, and the journey begins with the support they received
    client.post(enquire_url(organisation), {**details, "invite": token, "consent_to_link": "on"})
    linked = Volunteer.objects.get(person=person)
    assert linked.journey.filter(step=JourneyStep.RECEIVED_SUPPORT).exists()


def test_a_forged_or_foreign_invitation_links_nothing(client, organisation, other_organisation):
    theirs = PersonFactory(organisation=other_organisation)
    for token in ["forged", recruitment.invitation_token(theirs)]:
        client.post(
            enquire_url(organisation),
            {**ENQUIRY, "invite": token},
        )
    assert Volunteer.objects.filter(person__isnull=False).count() == 0
    assert Volunteer.objects.count() == 2


def test_inviting_someone_with_no_email_explains_what_to_do(client_as, organisation):
    person = PersonFactory(organisation=organisation, email="")
    response = client_as(Role.COORDINATOR).post(
        reverse("volunteers:invite", kwargs={"person_id": person.pk})
    )
    assert "There is no email address on their record" in response.content.decode()


def test_a_coordinator_connects_a_volunteers_sign_in(client_as, organisation, make_user, charlie):
    volunteer = VolunteerFactory(organisation=organisation)
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="newvol@example.com")
    client = client_as(Role.COORDINATOR)
    url = reverse("volunteers:user_link", kwargs={"volunteer_id": volunteer.pk})
    assert "charlie@example.com" not in client.get(url).content.decode()
    refused = client.post(url, {"user": charlie.pk})
    assert "Choose their sign-in" in refused.content.decode()
    assert client.post(url, {"user": user.pk}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.user == user
    client.get(reverse("volunteers:detail", kwargs={"volunteer_id": volunteer.pk}))
    assert AuditEvent.objects.filter(
        action="volunteer.viewed", target_id=str(volunteer.pk)
    ).exists()


def test_a_roles_renewal_policy_can_be_changed_and_applies_at_once(
    client_as, organisation, by, standard_roles
):
    role = standard_roles["driver"]
    volunteer = VolunteerFactory(organisation=organisation)
    DbsCheckFactory(volunteer=volunteer, issued_on=timezone.localdate() - dt.timedelta(days=800))
    for course in role.courses.all():
        TrainingRecordFactory(volunteer=volunteer, course=course)
    roles.role_assign(by=by, volunteer=volunteer, role=role)
    assert selectors.eligible_volunteers(organisation, role) == [volunteer]
    client = client_as(Role.COORDINATOR)
    url = reverse("volunteers:role_edit", kwargs={"role_id": role.pk})
    bad = client.post(url, {"dbs_level": "enhanced", "dbs_renewal_years": "0"})
    assert "Enter 1 year or more" in bad.content.decode()
    courses = [c.pk for c in role.courses.all()]
    ok = client.post(url, {"dbs_level": "enhanced", "dbs_renewal_years": "2", "courses": courses})
    assert ok.status_code == 302
    role.refresh_from_db()
    assert role.dbs_renewal_years == 2
    assert selectors.eligible_volunteers(organisation, role) == []


def test_a_volunteer_removes_only_their_own_self_logged_hours(
    sign_in, organisation, by, volunteer, volunteer_user
):
    mine = hours.hours_log(by=by, volunteer=volunteer, worked_on=dt.date(2026, 1, 2), minutes=60)
    contact = hours.hours_record(
        by=by, volunteer=volunteer, source=HoursSource.CONTACT, source_ref="c-1",
        worked_on=dt.date(2026, 1, 2), minutes=30,
    )  # fmt: skip
    someone_else = hours.hours_log(
        by=by, volunteer=VolunteerFactory(organisation=organisation),
        worked_on=dt.date(2026, 1, 2), minutes=45,
    )  # fmt: skip
    client = sign_in(volunteer_user, organisation)
    url = reverse("volunteers:my_hours")
    for entry in (contact, someone_else, mine):
        client.post(url, {"form": "remove", "entry": str(entry.pk)})
    assert set(VolunteerHours.objects.values_list("pk", flat=True)) == {contact.pk, someone_else.pk}
    assert client.post(url, {"form": "remove", "entry": "junk"}).status_code == 302


def test_the_list_searches_and_filters_by_stage(
    client_as, organisation, django_assert_max_num_queries
):
    VolunteerFactory(organisation=organisation, given_name="Philippa", family_name="Oddie")
    VolunteerFactory(
        organisation=organisation, given_name="Philippa", family_name="Brand", stage=Stage.PAUSED
    )
    VolunteerFactory.create_batch(20, organisation=organisation)
    client = client_as(Role.COORDINATOR)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("volunteers:list"), {"q": "philippa"}).content.decode()
    assert "Philippa Oddie" in page and "Philippa Brand" in page and "2 volunteers" in page
    paused = client.get(
        reverse("volunteers:list"), {"q": "philippa", "stage": "paused"}
    ).content.decode()
    assert "Philippa Brand" in paused and "Philippa Oddie" not in paused


def test_a_coordinator_stops_one_of_a_volunteers_roles(client_as, organisation, by, standard_roles):
    volunteer = VolunteerFactory(organisation=organisation)
    driver, befriender = standard_roles["driver"], standard_roles["befriender"]
    RoleAssignment.objects.create(volunteer=volunteer, role=driver)
    client = client_as(Role.COORDINATOR)
    url = reverse("volunteers:role_remove", kwargs={"volunteer_id": volunteer.pk})
    page = client.get(url).content.decode()
    assert "Driver" in page and "Befriender" not in page
    refused = client.post(url, {"role": befriender.pk})
    assert "Choose one of their roles" in refused.content.decode()
    assert client.post(url, {"role": driver.pk}).status_code == 302
    assert not volunteer.roles.exists()


def test_a_refused_look_at_a_volunteers_record_is_never_audited_as_a_view(
    client_as, sign_in, organisation, other_organisation, volunteer, volunteer_user
):
    theirs = VolunteerFactory(organisation=other_organisation)
    coordinator = client_as(Role.COORDINATOR)
    detail = "volunteers:detail"
    assert coordinator.get(reverse(detail, kwargs={"volunteer_id": theirs.pk})).status_code == 404
    refused = sign_in(volunteer_user, organisation).get(
        reverse(detail, kwargs={"volunteer_id": volunteer.pk})
    )
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="volunteer.viewed").exists()
    assert (
        coordinator.get(reverse(detail, kwargs={"volunteer_id": volunteer.pk})).status_code == 200
    )
    [viewed] = AuditEvent.objects.filter(action__startswith="volunteer.view")
    assert (viewed.action, viewed.target_id) == ("volunteer.viewed", str(volunteer.pk))
