"""Recruitment: the pipeline state machine, DBS checks, training and roles, with bad input refused
and nothing saved."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from kindred.core.models import AuditEvent
from kindred.volunteers import encryption, selectors, services
from kindred.volunteers.models import (
    DbsCheck,
    JourneyStep,
    RoleAssignment,
    Stage,
    StageChange,
    TrainingRecord,
)
from kindred.volunteers.tests.factories import (
    DbsCheckFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def test_a_volunteer_moves_through_recruitment_with_history(by):
    volunteer = services.volunteer_create(by=by, given_name="Cindy", family_name="Walsh")
    for stage in ["application", "conversation", "references", "dbs_check", "induction"]:
        volunteer = services.volunteer_move(by=by, volunteer=volunteer, to_stage=stage)
    services.dbs_check_record(
        by=by, volunteer=volunteer, level="enhanced", certificate_number="0012 3456 7890",
        issued_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    volunteer = services.volunteer_move(by=by, volunteer=volunteer, to_stage="active")
    history = list(volunteer.history.values_list("from_stage", "to_stage"))
    assert history[0] == ("", "enquiry") and history[-1] == ("induction", "active")
    assert len(history) == 7
    assert volunteer.journey.filter(step=JourneyStep.BECAME_SUPPORTER).exists()
    assert AuditEvent.objects.filter(action="volunteer.moved").count() == 6


def test_skipping_a_stage_is_refused_and_nothing_changes(by):
    volunteer = services.volunteer_create(by=by, given_name="Sam", family_name="Lee")
    with pytest.raises(services.VolunteerError, match="cannot move to active from there"):
        services.volunteer_move(by=by, volunteer=volunteer, to_stage="active")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.ENQUIRY and volunteer.history.count() == 1


def test_leaving_needs_a_reason(by):
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(services.VolunteerError, match="Enter why they are leaving"):
        services.volunteer_move(by=by, volunteer=volunteer, to_stage="left")
    services.volunteer_move(by=by, volunteer=volunteer, to_stage="left", note="Moved away")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.LEFT and volunteer.left_reason == "Moved away"


def test_becoming_active_needs_a_dbs_check(by):
    volunteer = VolunteerFactory(organisation=by.organisation, stage=Stage.INDUCTION)
    with pytest.raises(services.VolunteerError, match="Record their DBS check"):
        services.volunteer_move(by=by, volunteer=volunteer, to_stage="active")


def test_a_stale_version_loses_with_a_clear_message(by):
    volunteer = VolunteerFactory(organisation=by.organisation, stage=Stage.ENQUIRY)
    stale_version = volunteer.version
    services.volunteer_move(by=by, volunteer=volunteer, to_stage="application")
    with pytest.raises(services.VolunteerError, match="Someone else has just changed"):
        services.volunteer_move(
            by=by, volunteer=volunteer, to_stage="left", note="x", version=stale_version
        )
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.APPLICATION


def test_stage_history_is_append_only(by):
    volunteer = services.volunteer_create(by=by, given_name="Ann", family_name="Bell")
    change = StageChange.objects.get(volunteer=volunteer)
    change.note = "rewritten"
    with pytest.raises(ValueError, match="cannot be changed"):
        change.save()
    for attempt in (
        change.delete,
        StageChange.objects.all().delete,
        lambda: StageChange.objects.update(note="x"),
    ):
        with pytest.raises(ValueError, match="cannot be changed"):
            attempt()
    assert StageChange.objects.get().note == "Added by a coordinator"


@pytest.mark.parametrize("number", ["12345", "1234567890123", "12345678901a", ""])
def test_a_certificate_number_in_the_wrong_format_is_refused(by, number):
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(services.VolunteerError, match="12-digit certificate number"):
        services.dbs_check_record(
            by=by, volunteer=volunteer, level="enhanced", certificate_number=number,
            issued_on=dt.date(2025, 1, 1),
        )  # fmt: skip
    assert not DbsCheck.objects.exists()


def test_the_certificate_number_is_encrypted_at_rest(by):
    volunteer = VolunteerFactory(organisation=by.organisation)
    check = services.dbs_check_record(
        by=by, volunteer=volunteer, level="basic", certificate_number="001234567890",
        issued_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT certificate_number FROM volunteers_dbscheck WHERE id = %s", [check.pk.hex]
        )
        rows = cursor.fetchall()
        if not rows:  # PostgreSQL stores UUIDs natively
            cursor.execute(
                "SELECT certificate_number FROM volunteers_dbscheck WHERE id = %s", [check.pk]
            )
            rows = cursor.fetchall()
    stored = rows[0][0]
    assert "001234567890" not in stored and stored.startswith("gAAAAA")
    assert DbsCheck.objects.get(pk=check.pk).certificate_number == "001234567890"
    assert check.certificate_last_digits == "7890"
    assert "001234567890" not in str(AuditEvent.objects.values_list("detail", flat=True)[:])


def test_a_missing_or_bad_key_is_a_clear_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="KINDRED_FIELD_ENCRYPTION_KEY"):
        encryption.check_keys("")
    with pytest.raises(ImproperlyConfigured, match="not a valid Fernet key"):
        encryption.check_keys("not-a-key")


def test_keys_can_be_rotated(settings):
    old = "dGVzdC1vbmx5LW5vdC1zZWNyZXQta2luZHJlZC1rZXk="
    token = encryption.encrypt("001234567890")
    settings.KINDRED_FIELD_ENCRYPTION_KEY = "bG9jYWwtb25seS1ub3Qtc2VjcmV0LWtpbmRyZWQta2U=," + old
    assert encryption.decrypt(token) == "001234567890"
    settings.KINDRED_FIELD_ENCRYPTION_KEY = "bG9jYWwtb25seS1ub3Qtc2VjcmV0LWtpbmRyZWQta2U="
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        encryption.decrypt(token)


def test_an_expiry_before_the_completion_date_is_refused(by, standard_roles):
    volunteer = VolunteerFactory(organisation=by.organisation)
    course = by.organisation.training_courses.get(kind="safeguarding_adults")
    with pytest.raises(services.VolunteerError, match="expiry date must be after"):
        services.training_record(
            by=by, volunteer=volunteer, course=course, completed_on=dt.date(2025, 5, 1),
            expires_on=dt.date(2025, 4, 1),
        )  # fmt: skip
    assert not TrainingRecord.objects.exists()


def test_training_uses_the_course_refresh_period_when_no_expiry_is_given(by, standard_roles):
    volunteer = VolunteerFactory(organisation=by.organisation)
    course = by.organisation.training_courses.get(kind="safeguarding_adults")  # 36 months
    record = services.training_record(
        by=by, volunteer=volunteer, course=course, completed_on=dt.date(2024, 2, 29)
    )
    assert record.expires_on == dt.date(2027, 2, 28)
    assert volunteer.journey.filter(step=JourneyStep.TRAINED).exists()


def qualify(volunteer, role, *, issued=None):
    DbsCheckFactory(
        volunteer=volunteer, level=role.dbs_level or "basic",
        issued_on=issued or timezone.localdate() - dt.timedelta(days=30),
    )  # fmt: skip
    for course in role.courses.all():
        TrainingRecordFactory(volunteer=volunteer, course=course)


@pytest.mark.parametrize("kind", ["befriender", "crisis_line", "group_facilitator", "driver"])
def test_each_role_is_refused_until_every_requirement_is_met(by, standard_roles, kind):
    role = standard_roles[kind]
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(services.NotEligible) as refused:
        services.role_assign(by=by, volunteer=volunteer, role=role)
    assert "DBS check" in str(refused.value)
    assert len(refused.value.reasons) == 1 + role.courses.count()
    assert not RoleAssignment.objects.exists()
    qualify(volunteer, role)
    services.role_assign(by=by, volunteer=volunteer, role=role)
    assert list(volunteer.roles.all()) == [role]


def test_eligible_volunteers_lists_only_those_who_meet_the_role_today(
    by, standard_roles, django_assert_max_num_queries
):
    role = standard_roles["befriender"]
    ready = VolunteerFactory(organisation=by.organisation, given_name="Ready")
    qualify(ready, role)
    services.role_assign(by=by, volunteer=ready, role=role)
    lapsing = VolunteerFactory(organisation=by.organisation, given_name="Lapsing")
    qualify(lapsing, role)
    services.role_assign(by=by, volunteer=lapsing, role=role)
    record = lapsing.training.get(course__kind="befriending")
    record.expires_on = timezone.localdate() + dt.timedelta(days=10)
    record.save()
    paused = VolunteerFactory(organisation=by.organisation, given_name="Paused")
    qualify(paused, role)
    services.role_assign(by=by, volunteer=paused, role=role)
    services.volunteer_move(by=by, volunteer=paused, to_stage="paused")
    for _ in range(5):
        extra = VolunteerFactory(organisation=by.organisation)
        qualify(extra, role)
        services.role_assign(by=by, volunteer=extra, role=role)
    today = timezone.localdate()
    with django_assert_max_num_queries(5):
        now = selectors.eligible_volunteers(by.organisation, role, on=today)
    assert {v.given_name for v in now} >= {"Ready", "Lapsing"} and len(now) == 7
    later = selectors.eligible_volunteers(by.organisation, role, on=today + dt.timedelta(days=11))
    assert "Lapsing" not in {v.given_name for v in later} and len(later) == 6


def test_a_person_is_linked_only_with_consent(by):
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=by.organisation)
    volunteer = VolunteerFactory(organisation=by.organisation, has_had_support=True)
    with pytest.raises(services.VolunteerError, match="agreed to link"):
        services.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=False)
    services.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=True)
    volunteer.refresh_from_db()
    assert volunteer.person == person
    assert volunteer.journey.filter(step=JourneyStep.RECEIVED_SUPPORT).exists()


def test_another_organisations_person_cannot_be_linked(by, other_organisation):
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=other_organisation)
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(services.VolunteerError, match="not supported by this organisation"):
        services.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=True)


def test_a_bad_key_is_reported_by_the_start_up_checks(settings):
    from kindred.volunteers.checks import encryption_key

    assert encryption_key() == []
    settings.KINDRED_FIELD_ENCRYPTION_KEY = "typo"
    [error] = encryption_key()
    assert error.id == "kindred.volunteers.E001" and "not a valid Fernet key" in error.msg


def test_production_refuses_to_start_without_the_encryption_key(tmp_path):
    from kindred.config.tests.test_settings import run

    result = run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.production",
        ALLOWED_HOSTS="kindred.example.nhs.uk",
        SECRET_KEY="x" * 60,
        KINDRED_FIELD_ENCRYPTION_KEY="",
    )
    assert result.returncode != 0
    assert "KINDRED_FIELD_ENCRYPTION_KEY (or KINDRED_FIELD_ENCRYPTION_KEY_FILE) must be set" in (
        result.stderr
    )


def test_every_stage_can_be_reached_from_an_enquiry_and_everyone_can_leave():
    reachable, frontier = {"enquiry"}, ["enquiry"]
    while frontier:
        for following in services.TRANSITIONS[frontier.pop()]:
            if following not in reachable:
                reachable.add(following)
                frontier.append(following)
    assert reachable == set(Stage.values)
    assert all(
        "left" in allowed for stage, allowed in services.TRANSITIONS.items() if stage != "left"
    )
    assert services.TRANSITIONS["left"] == frozenset({"enquiry"})
