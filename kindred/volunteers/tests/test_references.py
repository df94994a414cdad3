"""References as records, and the paperwork the pipeline asks for before a volunteer moves on:
enough satisfactory references to leave the references stage, a DBS check to leave the DBS stage
(ADR-095). Bad input is refused plainly and changes nothing."""

import datetime as dt
import html

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.volunteers import errors, selectors
from kindred.volunteers.models import Reference, Stage
from kindred.volunteers.services import hours, recruitment, references
from kindred.volunteers.tests.factories import DbsCheckFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ASKED = TODAY - dt.timedelta(days=20)


def ask(by, volunteer, referee="Margaret Holt", requested_on=ASKED):
    return references.reference_request(
        by=by, volunteer=volunteer, referee_name=referee, relationship="Former employer",
        contact="m.holt@example.com", requested_on=requested_on,
    )  # fmt: skip


def receive(by, volunteer, reference, outcome="satisfactory", notes="", received_on=TODAY):
    return references.reference_receive(
        by=by, volunteer=volunteer, reference_id=reference.pk, received_on=received_on,
        outcome=outcome, notes=notes,
    )  # fmt: skip


@pytest.fixture
def erin(organisation):
    return VolunteerFactory(
        organisation=organisation, stage=Stage.REFERENCES, given_name="Erin", family_name="Doyle"
    )


# The records


def test_a_reference_is_asked_for_then_received_with_who_and_when(by, erin, coordinator):
    reference = ask(by, erin)
    assert reference.received_on is None and reference.outcome == ""
    assert reference.recorded_by == coordinator and reference.organisation == erin.organisation
    receive(by, erin, reference, outcome="with_notes", notes="  Late  twice, \n always kind ")
    reference.refresh_from_db()
    assert reference.received_on == TODAY and reference.is_satisfactory
    assert reference.notes == "Late twice, always kind"
    assert reference.outcome_recorded_by == coordinator and reference.outcome_recorded_at
    actions = list(AuditEvent.objects.for_record(erin).values_list("action", "detail"))
    assert ("volunteer.reference_requested", {"reference": str(reference.pk)}) in actions
    assert (
        "volunteer.reference_received",
        {"reference": str(reference.pk), "outcome": "with_notes"},
    ) in actions


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"referee_name": "  "}, "Enter the referee's name"),
        ({"relationship": ""}, "Enter how the referee knows the volunteer"),
        ({"contact": ""}, "Enter how to contact the referee"),
        ({"referee_name": "x" * 201}, "in 200 characters or fewer"),
        ({"requested_on": TODAY + dt.timedelta(days=1)}, "must be today or in the past"),
    ],
)
def test_a_reference_asked_for_with_bad_details_is_refused_and_nothing_saved(
    by, erin, change, message
):
    details = {
        "referee_name": "Margaret Holt", "relationship": "Former employer",
        "contact": "m.holt@example.com", "requested_on": ASKED, **change,
    }  # fmt: skip
    with pytest.raises(errors.VolunteerError, match=message):
        references.reference_request(by=by, volunteer=erin, **details)
    assert not Reference.objects.exists()
    assert not AuditEvent.objects.filter(action="volunteer.reference_requested").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"outcome": "brilliant"}, "Choose whether the reference is satisfactory"),
        ({"outcome": "not_satisfactory"}, "Enter notes on what the reference said"),
        ({"outcome": "with_notes", "notes": "   "}, "Enter notes on what the reference said"),
        ({"received_on": TODAY + dt.timedelta(days=1)}, "must be today or in the past"),
        ({"received_on": ASKED - dt.timedelta(days=1)}, "on or after the date it was asked for"),
    ],
)
def test_a_reference_received_with_bad_details_is_refused_and_nothing_changes(
    by, erin, change, message
):
    reference = ask(by, erin)
    details = {"received_on": TODAY, "outcome": "satisfactory", "notes": "", **change}
    with pytest.raises(errors.VolunteerError, match=message):
        references.reference_receive(by=by, volunteer=erin, reference_id=reference.pk, **details)
    reference.refresh_from_db()
    assert reference.received_on is None and reference.outcome == ""
    assert not AuditEvent.objects.filter(action="volunteer.reference_received").exists()


def test_a_reference_is_received_once_and_the_second_is_told_by_whom(
    by, erin, organisation, make_user
):
    reference = ask(by, erin)
    receive(by, erin, reference)
    other = make_user(Role.COORDINATOR, organisation=organisation)
    with pytest.raises(errors.VolunteerError, match=r"already recorded as received on .* by"):
        receive(Acting(other, organisation), erin, reference, outcome="not_satisfactory", notes="x")
    reference.refresh_from_db()
    assert reference.outcome == "satisfactory" and reference.outcome_recorded_by == by.user


def test_another_volunteers_or_organisations_reference_cannot_be_recorded(
    by, erin, organisation, other_organisation
):
    reference = ask(by, erin)
    someone_else = VolunteerFactory(organisation=organisation)
    with pytest.raises(errors.VolunteerError, match="not one of this volunteer's"):
        receive(by, someone_else, reference)
    elsewhere = Acting(user=None, organisation=other_organisation)
    with pytest.raises(errors.VolunteerError, match="not one of this organisation's"):
        receive(elsewhere, erin, reference)
    with pytest.raises(errors.VolunteerError, match="not one of this organisation's"):
        ask(elsewhere, erin)
    reference.refresh_from_db()
    assert reference.received_on is None and Reference.objects.count() == 1


def test_a_reference_outlives_any_attempt_to_remove_its_volunteer(by, erin):
    ask(by, erin)
    with pytest.raises(ProtectedError):
        erin.delete()


# The pipeline's rules


def test_leaving_the_references_stage_needs_two_satisfactory_references(by, erin):
    with pytest.raises(errors.PaperworkMissing) as refused:
        recruitment.volunteer_move(
            by=by, volunteer=erin, to_stage="dbs_check", expected="references"
        )
    assert str(refused.value) == (
        "Erin Doyle needs 2 satisfactory references before moving on to the DBS check. "
        "None has been recorded as received yet."
    )
    first = ask(by, erin)
    receive(by, erin, first)
    unhappy = ask(by, erin, "Sandra Mills")
    receive(by, erin, unhappy, outcome="not_satisfactory", notes="Did not know them well")
    ask(by, erin, "Huw Jenkins")  # asked for, not back yet
    with pytest.raises(errors.PaperworkMissing, match="1 has been recorded as received, so 1 more"):
        recruitment.volunteer_move(
            by=by, volunteer=erin, to_stage="dbs_check", expected="references"
        )
    erin.refresh_from_db()
    assert erin.stage == Stage.REFERENCES and erin.history.count() == 0
    assert not AuditEvent.objects.filter(action="volunteer.moved").exists()
    with_notes = ask(by, erin, "Tariq Hussain")
    receive(by, erin, with_notes, outcome="with_notes", notes="Reliable; shy at first")
    moved = recruitment.volunteer_move(
        by=by, volunteer=erin, to_stage="dbs_check", expected="references"
    )
    assert moved.stage == Stage.DBS_CHECK


def test_the_number_needed_is_the_organisations_own(by, erin, other_organisation):
    hours.programme_update(
        by=by, hourly_value=selectors.programme_of(organisation=by.organisation).hourly_value,
        supervision_every_days=31, references_needed=1,
    )  # fmt: skip
    assert selectors.references_needed(organisation=by.organisation) == 1
    assert selectors.references_needed(organisation=other_organisation) == 2  # the default
    with pytest.raises(errors.PaperworkMissing, match="needs 1 satisfactory reference before"):
        recruitment.volunteer_move(by=by, volunteer=erin, to_stage="dbs_check")
    receive(by, erin, ask(by, erin))
    assert recruitment.volunteer_move(by=by, volunteer=erin, to_stage="dbs_check").stage == (
        Stage.DBS_CHECK
    )
    with pytest.raises(errors.VolunteerError, match="between 1 and 5 references"):
        hours.programme_update(
            by=by, hourly_value=selectors.programme_of(organisation=by.organisation).hourly_value,
            supervision_every_days=31, references_needed=0,
        )  # fmt: skip
    assert selectors.references_needed(organisation=by.organisation) == 1


def test_leaving_the_dbs_stage_needs_a_dbs_check_on_record(by, organisation):
    fola = VolunteerFactory(
        organisation=organisation, stage=Stage.DBS_CHECK, given_name="Fola", family_name="Adebayo"
    )
    with pytest.raises(errors.PaperworkMissing) as refused:
        recruitment.volunteer_move(
            by=by, volunteer=fola, to_stage="induction", expected="dbs_check"
        )
    assert str(refused.value) == (
        "Record Fola Adebayo's DBS check before moving them on to induction and training: "
        "there is no DBS check on their record."
    )
    fola.refresh_from_db()
    assert fola.stage == Stage.DBS_CHECK
    DbsCheckFactory(volunteer=fola)
    assert recruitment.volunteer_move(by=by, volunteer=fola, to_stage="induction").stage == (
        Stage.INDUCTION
    )


@pytest.mark.parametrize("stage", [Stage.REFERENCES, Stage.DBS_CHECK])
def test_leaving_from_either_stage_needs_no_paperwork(by, organisation, stage):
    volunteer = VolunteerFactory(organisation=organisation, stage=stage)
    moved = recruitment.volunteer_move(
        by=by, volunteer=volunteer, to_stage="left", note="Changed their mind", expected=stage
    )
    assert moved.stage == Stage.LEFT


def test_the_stage_the_user_saw_is_checked_before_the_paperwork(by, erin):
    recruitment.volunteer_move(by=by, volunteer=erin, to_stage="left", note="Moved away")
    with pytest.raises(ChangedSinceYouLooked, match="they are now at left"):
        recruitment.volunteer_move(
            by=by, volunteer=erin, to_stage="dbs_check", expected="references"
        )


# The pages


def test_a_coordinator_asks_for_and_records_a_reference_from_the_record(client_as, erin):
    client = client_as(Role.COORDINATOR)
    detail = reverse("volunteers:detail", kwargs={"volunteer_id": erin.pk})
    page = client.get(detail).content.decode()
    assert "0 of the 2 satisfactory references needed before their DBS check have been" in page
    assert "No references asked for yet" in page
    add = reverse("volunteers:reference_add", kwargs={"volunteer_id": erin.pk})
    response = client.post(
        add,
        {"referee_name": "Margaret Holt", "relationship": "Former employer",
         "contact": "m.holt@example.com", "requested_on": ASKED.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == detail
    reference = Reference.objects.get()
    page = client.get(detail).content.decode()
    assert "Margaret Holt" in page and "Record it received" in page
    url = reverse(
        "volunteers:reference_receive",
        kwargs={"volunteer_id": erin.pk, "reference_id": reference.pk},
    )
    form = client.get(url).content.decode()
    assert "Record the reference from Margaret Holt" in form and "m.holt@example.com" in form
    response = client.post(url, {"received_on": TODAY.isoformat(), "outcome": "satisfactory"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "1 of the 2 satisfactory references" in page and "Satisfactory" in page
    # Opening the form again for a reference already received goes back to the record.
    assert client.get(url)["Location"] == detail


def test_the_reference_forms_show_each_mistake_and_save_nothing(client_as, by, erin):
    client = client_as(Role.COORDINATOR)
    response = client.post(
        reverse("volunteers:reference_add", kwargs={"volunteer_id": erin.pk}),
        {"referee_name": "", "relationship": "", "contact": "", "requested_on": "31-02-2025"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "There is a problem" in page
    for message in [
        "Enter the referee's name", "Enter how the referee knows the volunteer",
        "Enter how to contact the referee", "Date you asked for it must be a real date",
    ]:  # fmt: skip
        assert message in page
    assert not Reference.objects.exists()
    reference = ask(by, erin)
    url = reverse(
        "volunteers:reference_receive",
        kwargs={"volunteer_id": erin.pk, "reference_id": reference.pk},
    )
    response = client.post(url, {"received_on": ASKED.isoformat(), "outcome": "not_satisfactory"})
    assert "Enter notes on what the reference said" in response.content.decode()
    early = (ASKED - dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"received_on": early, "outcome": "satisfactory"})
    assert "on or after the date it was asked for" in response.content.decode()
    reference.refresh_from_db()
    assert reference.received_on is None


def test_another_volunteers_reference_is_not_found_from_this_record(client_as, by, erin):
    reference = ask(by, erin)
    someone_else = VolunteerFactory(organisation=erin.organisation)
    url = reverse(
        "volunteers:reference_receive",
        kwargs={"volunteer_id": someone_else.pk, "reference_id": reference.pk},
    )
    client = client_as(Role.COORDINATOR)
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"received_on": TODAY.isoformat(), "outcome": "satisfactory"}).status_code
        == 404
    )
    reference.refresh_from_db()
    assert reference.received_on is None


def test_moving_on_without_the_paperwork_says_what_is_missing_and_changes_nothing(
    client_as, by, erin
):
    receive(by, erin, ask(by, erin))
    client = client_as(Role.COORDINATOR)
    url = reverse("volunteers:move", kwargs={"volunteer_id": erin.pk})
    response = client.post(url, {"to_stage": "dbs_check", "expected": "references"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Erin Doyle needs 2 satisfactory references before moving on to the DBS check" in page
    assert "1 has been recorded as received, so 1 more is needed" in page
    erin.refresh_from_db()
    assert erin.stage == Stage.REFERENCES
    receive(by, erin, ask(by, erin, "Huw Jenkins"))
    assert client.post(url, {"to_stage": "dbs_check", "expected": "references"}).status_code == 302
    response = client.post(url, {"to_stage": "induction", "expected": "dbs_check"})
    page = html.unescape(response.content.decode())
    assert "Record Erin Doyle's DBS check before moving them on" in page
    erin.refresh_from_db()
    assert erin.stage == Stage.DBS_CHECK


def test_the_record_shows_who_checked_the_dbs_certificate_and_when(client_as, by, erin):
    by.user.full_name = "Priya Shah"
    by.user.save(update_fields=["full_name"])
    DbsCheckFactory(volunteer=erin, recorded_by=by.user)
    page = (
        client_as(Role.COORDINATOR)
        .get(reverse("volunteers:detail", kwargs={"volunteer_id": erin.pk}))
        .content.decode()
    )
    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y} by Priya Shah" in page
