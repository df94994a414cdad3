"""Recruitment: the pipeline state machine, DBS checks, training and roles, with bad input refused
and nothing saved."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from kindred.config.tests.test_settings import run
from kindred.core.models import AuditEvent
from kindred.core.transitions import (
    ChangedSinceYouLooked,
    DomainError,
    HistoryIsAppendOnly,
    IllegalTransition,
    TransitionRecord,
)
from kindred.people.tests.factories import PersonFactory
from kindred.volunteers import encryption, errors, selectors
from kindred.volunteers.checks import encryption_key
from kindred.volunteers.forms import MoveForm
from kindred.volunteers.models import (
    DbsCheck,
    JourneyStep,
    RoleAssignment,
    Stage,
    StageChange,
    TrainingRecord,
)
from kindred.volunteers.services import checks, profile, recruitment, references, roles
from kindred.volunteers.tests.factories import (
    DbsCheckFactory,
    TrainingRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def test_a_volunteer_moves_through_recruitment_with_history(by):
    volunteer = recruitment.volunteer_create(by=by, given_name="Cindy", family_name="Walsh")
    for stage in ["application", "conversation", "references"]:
        volunteer = recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage=stage)
    for referee in ["Margaret Holt", "Huw Jenkins"]:
        reference = references.reference_request(
            by=by, volunteer=volunteer, referee_name=referee, relationship="Former employer",
            contact="referee@example.com", requested_on=dt.date(2025, 2, 1),
        )  # fmt: skip
        references.reference_receive(
            by=by, volunteer=volunteer, reference_id=reference.pk,
            received_on=dt.date(2025, 2, 10), outcome="satisfactory",
        )  # fmt: skip
    volunteer = recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="dbs_check")
    checks.dbs_check_record(
        by=by, volunteer=volunteer, level="enhanced", certificate_number="0012 3456 7890",
        issued_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    for stage in ["induction", "active"]:
        volunteer = recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage=stage)
    history = list(volunteer.history.values_list("from_state", "to_state"))
    assert history[0] == ("", "enquiry") and history[-1] == ("induction", "active")
    assert len(history) == 7
    assert volunteer.journey.filter(step=JourneyStep.BECAME_SUPPORTER).exists()
    assert AuditEvent.objects.filter(action="volunteer.moved").count() == 6


def test_skipping_a_stage_is_refused_and_nothing_changes(by):
    volunteer = recruitment.volunteer_create(by=by, given_name="Sam", family_name="Lee")
    with pytest.raises(
        IllegalTransition, match="Sam Lee is at enquiry: they cannot move to active"
    ):
        recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="active")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.ENQUIRY and volunteer.history.count() == 1


def test_leaving_needs_a_reason(by):
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(errors.VolunteerError, match="Enter why they are leaving"):
        recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="left")
    recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="left", note="Moved away")
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.LEFT and volunteer.left_reason == "Moved away"


def test_becoming_active_needs_a_dbs_check(by):
    volunteer = VolunteerFactory(organisation=by.organisation, stage=Stage.INDUCTION)
    with pytest.raises(errors.PaperworkMissing, match="DBS check before moving them on to active"):
        recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="active")


def test_a_move_from_a_stage_someone_else_has_left_loses_with_a_clear_message(by):
    volunteer = VolunteerFactory(
        organisation=by.organisation, stage=Stage.ENQUIRY, given_name="Sam", family_name="Lee"
    )
    recruitment.volunteer_move(by=by, volunteer=volunteer, to_stage="application")
    # "left" is allowed from where they are now, but the coordinator saw them at enquiry
    with pytest.raises(ChangedSinceYouLooked, match="Someone else has just moved Sam Lee on: "
                       "they are now at application"):  # fmt: skip
        recruitment.volunteer_move(
            by=by, volunteer=volunteer, to_stage="left", note="x", expected="enquiry"
        )
    volunteer.refresh_from_db()
    assert volunteer.stage == Stage.APPLICATION and volunteer.history.count() == 1
    moved = recruitment.volunteer_move(
        by=by, volunteer=volunteer, to_stage="left", note="x", expected="application"
    )
    assert moved.stage == Stage.LEFT


def test_the_errors_of_the_volunteer_journey_are_domain_errors_views_can_show():
    assert issubclass(errors.VolunteerError, DomainError)
    assert issubclass(errors.NotEligible, errors.VolunteerError)
    assert issubclass(errors.TooManyEnquiries, errors.VolunteerError)


def test_stage_history_is_append_only(by):
    volunteer = recruitment.volunteer_create(by=by, given_name="Ann", family_name="Bell")
    change = StageChange.objects.get(volunteer=volunteer)
    change.note = "rewritten"
    with pytest.raises(HistoryIsAppendOnly, match="cannot be changed"):
        change.save()
    for attempt in (
        change.delete,
        StageChange.objects.all().delete,
        lambda: StageChange.objects.update(note="x"),
    ):
        with pytest.raises(HistoryIsAppendOnly, match="cannot be changed"):
            attempt()
    assert StageChange.objects.get().note == "Added by a coordinator"


@pytest.mark.parametrize("number", ["12345", "1234567890123", "12345678901a", ""])
def test_a_certificate_number_in_the_wrong_format_is_refused(by, number):
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(errors.VolunteerError, match="12-digit certificate number"):
        checks.dbs_check_record(
            by=by, volunteer=volunteer, level="enhanced", certificate_number=number,
            issued_on=dt.date(2025, 1, 1),
        )  # fmt: skip
    assert not DbsCheck.objects.exists()


def test_the_certificate_number_is_encrypted_at_rest(by):
    volunteer = VolunteerFactory(organisation=by.organisation)
    check = checks.dbs_check_record(
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
    with pytest.raises(errors.VolunteerError, match="expiry date must be after"):
        checks.training_record(
            by=by, volunteer=volunteer, course=course, completed_on=dt.date(2025, 5, 1),
            expires_on=dt.date(2025, 4, 1),
        )  # fmt: skip
    assert not TrainingRecord.objects.exists()


def test_training_uses_the_course_refresh_period_when_no_expiry_is_given(by, standard_roles):
    volunteer = VolunteerFactory(organisation=by.organisation)
    course = by.organisation.training_courses.get(kind="safeguarding_adults")  # 36 months
    record = checks.training_record(
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
    with pytest.raises(errors.NotEligible) as refused:
        roles.role_assign(by=by, volunteer=volunteer, role=role)
    assert "DBS check" in str(refused.value)
    assert len(refused.value.reasons) == 1 + role.courses.count()
    assert not RoleAssignment.objects.exists()
    qualify(volunteer, role)
    roles.role_assign(by=by, volunteer=volunteer, role=role)
    assert list(volunteer.roles.all()) == [role]


def test_eligible_volunteers_lists_only_those_who_meet_the_role_today(
    by, standard_roles, django_assert_max_num_queries
):
    role = standard_roles["befriender"]
    ready = VolunteerFactory(organisation=by.organisation, given_name="Ready")
    qualify(ready, role)
    roles.role_assign(by=by, volunteer=ready, role=role)
    lapsing = VolunteerFactory(organisation=by.organisation, given_name="Lapsing")
    qualify(lapsing, role)
    roles.role_assign(by=by, volunteer=lapsing, role=role)
    record = lapsing.training.get(course__kind="befriending")
    record.expires_on = timezone.localdate() + dt.timedelta(days=10)
    record.save()
    paused = VolunteerFactory(organisation=by.organisation, given_name="Paused")
    qualify(paused, role)
    roles.role_assign(by=by, volunteer=paused, role=role)
    recruitment.volunteer_move(by=by, volunteer=paused, to_stage="paused")
    for _ in range(5):
        extra = VolunteerFactory(organisation=by.organisation)
        qualify(extra, role)
        roles.role_assign(by=by, volunteer=extra, role=role)
    today = timezone.localdate()
    with django_assert_max_num_queries(5):
        now = selectors.eligible_volunteers(by.organisation, role, on=today)
    assert {v.given_name for v in now} >= {"Ready", "Lapsing"} and len(now) == 7
    later = selectors.eligible_volunteers(by.organisation, role, on=today + dt.timedelta(days=11))
    assert "Lapsing" not in {v.given_name for v in later} and len(later) == 6


def test_a_person_is_linked_only_with_consent(by):
    person = PersonFactory(organisation=by.organisation)
    volunteer = VolunteerFactory(organisation=by.organisation, has_had_support=True)
    with pytest.raises(errors.VolunteerError, match="agreed to link"):
        profile.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=False)
    profile.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=True)
    volunteer.refresh_from_db()
    assert volunteer.person == person
    assert volunteer.journey.filter(step=JourneyStep.RECEIVED_SUPPORT).exists()


def test_another_organisations_person_cannot_be_linked(by, other_organisation):
    person = PersonFactory(organisation=other_organisation)
    volunteer = VolunteerFactory(organisation=by.organisation)
    with pytest.raises(errors.VolunteerError, match="not supported by this organisation"):
        profile.person_link(by=by, volunteer=volunteer, person=person, consent_confirmed=True)


def test_a_bad_key_is_reported_by_the_start_up_checks(settings):
    assert encryption_key() == []
    settings.KINDRED_FIELD_ENCRYPTION_KEY = "typo"
    [error] = encryption_key()
    assert error.id == "kindred.volunteers.E001" and "not a valid Fernet key" in error.msg


def test_production_refuses_to_start_without_the_encryption_key(tmp_path):
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
    transitions = recruitment.TRANSITIONS
    reachable, frontier = {"enquiry"}, ["enquiry"]
    while frontier:
        for following in transitions.allowed(frontier.pop()):
            if following not in reachable:
                reachable.add(following)
                frontier.append(following)
    assert reachable == set(Stage.values)
    assert all(transitions.can(stage, "left") for stage in Stage.values if stage != "left")
    assert transitions.allowed("left") == frozenset({"enquiry"})


def test_the_move_form_offers_only_the_stages_the_volunteer_may_move_to(organisation):
    for stage in Stage.values:
        form = MoveForm(volunteer=VolunteerFactory(organisation=organisation, stage=stage))
        offered = {value for value, _ in form.fields["to_stage"].choices}  # type: ignore[attr-defined]
        assert offered == recruitment.TRANSITIONS.allowed(stage)
        assert form.fields["expected"].initial == stage


def test_a_stage_change_is_a_transition_record_of_its_volunteer(by):
    volunteer = recruitment.volunteer_create(by=by, given_name="Ann", family_name="Bell")
    recruitment.volunteer_move(
        by=by, volunteer=volunteer, to_stage="left", note="Moved to Leeds\n" + "x" * 600
    )
    change = volunteer.history.last()
    assert isinstance(change, TransitionRecord) and StageChange.subject_field == "volunteer"
    assert (change.from_state, change.to_state, change.to_label) == ("enquiry", "left", "Left")
    assert change.by_user == by.user and change.by_label == by.user.email
    assert change.note.startswith("Moved to Leeds") and len(change.note) > 600  # a text field
