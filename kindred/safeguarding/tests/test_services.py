"""Raising a concern from anywhere, whom it reaches, and the case's life: every refusal says
why and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, IllegalTransition
from kindred.notifications.models import Notification
from kindred.people.tests.factories import PersonFactory
from kindred.safeguarding import services
from kindred.safeguarding.models import Concern, Entry, StatusChange
from kindred.safeguarding.services import ConcernError

pytestmark = pytest.mark.django_db


def _raise(by, **changes):
    arguments: dict[str, Any] = {"level": "high", "detail": "Bruises on her arm", "source": "from_scratch",
                 "about": "Maggie, the regular in the red coat"}  # fmt: skip
    arguments.update(changes)
    return services.concern_raise(by=by, **arguments)


def _nothing_saved():
    assert not Concern.objects.exists()
    assert not Entry.objects.exists() and not StatusChange.objects.exists()
    assert not Notification.objects.exists()


def test_a_concern_from_scratch_about_someone_with_no_record(arranged, as_volunteer, lead, duty):
    raised = _raise(as_volunteer, detail="  She said her son takes her pension  ")
    concern = raised.concern
    assert concern.person is None and concern.about == "Maggie, the regular in the red coat"
    assert concern.detail == "She said her son takes her pension"
    assert (concern.status, concern.source, concern.raised_by_label) == (
        "raised", "from_scratch", as_volunteer.user.full_name,
    )  # fmt: skip
    assert concern.acknowledge_by == concern.raised_at + dt.timedelta(hours=1)
    # The lead hears at once, and the duty professional for a high concern: both on the timeline.
    told = Notification.objects.filter(kind="safeguarding.concern")
    assert sorted(told.values_list("recipient", flat=True)) == [duty.email, lead.email]
    assert all("Maggie" not in n.body and "pension" not in n.body for n in told)
    assert sorted(concern.timeline.values_list("told_label", flat=True)) == sorted([
        f"{duty.full_name} (duty professional)",
        f"{lead.full_name} (safeguarding lead)",
    ])  # fmt: skip
    assert [c.to_state for c in concern.history.all()] == ["raised"]
    assert raised.message.startswith(f"Your concern has been sent to {lead.full_name}")
    assert AuditEvent.objects.for_record(concern).get().action == "concern.raised"


def test_a_concern_from_a_persons_record(arranged, organisation, coordinator):
    person = PersonFactory(organisation=organisation)
    concern = _raise(Acting(coordinator, organisation), person=person, about="",
                     source="person_record", level="low").concern  # fmt: skip
    assert (concern.person, concern.about, concern.source) == (person, "", "person_record")
    assert concern.duty_professional is None  # low: the duty professional is not called in


def test_a_duty_professional_called_in_by_the_raiser_is_told_whatever_the_level(
    arranged, organisation, coordinator, make_user, duty
):
    """A group names its own duty professional (issue 17): told instead of the organisation's,
    even at a low level; someone without the role is refused."""
    own = make_user(Role.DUTY_PROFESSIONAL, organisation=organisation, email="own@example.com")
    by = Acting(coordinator, organisation)
    concern = _raise(by, level="low", duty_professional=own).concern
    assert concern.duty_professional == own
    assert Notification.objects.filter(recipient="own@example.com").exists()
    assert not Notification.objects.filter(recipient=duty.email).exists()
    with pytest.raises(ConcernError, match="not a duty professional"):
        _raise(by, level="high", duty_professional=coordinator)


def test_the_deputy_hears_while_the_lead_is_away(arranged, as_volunteer, deputy):
    today = timezone.localdate()
    arranged.lead_away_from, arranged.lead_away_until = today, today + dt.timedelta(days=7)
    arranged.save()
    raised = _raise(as_volunteer, level="medium")
    assert raised.reached is not None and raised.reached.people == (deputy,)
    assert "safeguarding lead is not available" in raised.message
    assert list(Notification.objects.values_list("recipient", flat=True)) == [deputy.email]


def test_with_no_lead_the_coordinators_hear_and_nobody_says_lead(
    organisation, as_volunteer, coordinator
):
    raised = _raise(as_volunteer, level="low")
    assert raised.reached is not None and raised.reached.name == "coordinators"
    assert "sent to your safeguarding lead" not in raised.message
    assert "(coordinators)" in raised.message
    assert list(Notification.objects.values_list("recipient", flat=True)) == [coordinator.email]


def test_with_nobody_to_tell_the_concern_is_kept_and_the_raiser_told_plainly(
    organisation, as_volunteer
):
    raised = _raise(as_volunteer)
    assert raised.reached is None and Concern.objects.count() == 1
    assert "nobody to send it to" in raised.message


def test_a_lead_who_lost_the_role_is_not_the_lead(arranged, lead, as_volunteer, deputy):
    lead.memberships.update(is_active=False)
    assert _raise(as_volunteer).reached.people == (deputy,)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"detail": "   "}, "detail", "Say what you saw or heard"),
        ({"level": "dire"}, "level", "low, medium, high or immediate danger"),
        ({"level": ""}, "level", "Choose how worried you are"),
        ({"about": "  "}, "about", "Say who the concern is about"),
        ({"kind": "gossip"}, "kind", "Choose what kind"),
        ({"source": "rumour"}, None, "where it was raised from"),
        ({"happened_at": timezone.now() + dt.timedelta(days=2)}, "happened_at", "in the past"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(arranged, as_volunteer, changes, field, message):
    with pytest.raises(ConcernError, match=message) as refused:
        _raise(as_volunteer, **changes)
    assert refused.value.field == field
    _nothing_saved()


def test_another_organisations_person_is_refused(arranged, as_volunteer, other_organisation):
    with pytest.raises(ConcernError, match="not in this organisation"):
        _raise(as_volunteer, person=PersonFactory(organisation=other_organisation), about="")
    _nothing_saved()


def test_only_the_lead_or_deputy_acknowledges(arranged, organisation, coordinator, deputy):
    concern = _raise(Acting(coordinator, organisation)).concern
    for by in (Acting(coordinator, organisation), Acting.system("tests", organisation)):
        with pytest.raises(ConcernError, match="Only the safeguarding lead or their deputy"):
            services.concern_acknowledge(by=by, concern_id=concern.pk, expected="raised")
    concern.refresh_from_db()
    assert concern.status == "raised" and concern.acknowledged_at is None
    assert concern.history.count() == 1
    services.concern_acknowledge(
        by=Acting(deputy, organisation), concern_id=concern.pk, expected="raised"
    )
    concern.refresh_from_db()
    assert (concern.status, concern.acknowledged_by) == ("acknowledged", deputy)
    assert concern.timeline.get(kind="acknowledged").text == "Acknowledged within its target"


def test_a_safeguarding_lead_not_named_cannot_acknowledge_when_one_is(
    arranged, organisation, make_user, as_volunteer
):
    unnamed = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    concern = _raise(as_volunteer).concern
    with pytest.raises(ConcernError, match="Only the safeguarding lead"):
        services.concern_acknowledge(
            by=Acting(unnamed, organisation), concern_id=concern.pk, expected="raised"
        )


def test_the_case_runs_its_course_on_the_timeline(arranged, as_lead, as_volunteer):
    concern = _raise(as_volunteer).concern
    with pytest.raises(IllegalTransition):
        services.concern_close(by=as_lead, concern_id=concern.pk, expected="raised", outcome="x")
    services.concern_acknowledge(by=as_lead, concern_id=concern.pk, expected="raised")
    with pytest.raises(ChangedSinceYouLooked):
        services.concern_acknowledge(by=as_lead, concern_id=concern.pk, expected="raised")
    with pytest.raises(ConcernError, match="what the enquiry"):
        services.concern_enquire(by=as_lead, concern_id=concern.pk, expected="acknowledged",
                                 note=" ")  # fmt: skip
    services.concern_enquire(by=as_lead, concern_id=concern.pk, expected="acknowledged",
                             note="Speak to her and her son")  # fmt: skip
    s42 = services.entry_add(by=as_lead, concern_id=concern.pk, kind="section_42",
                             text="Referred to Leeds adult social care, ref 123")  # fmt: skip
    services.entry_add(by=as_lead, concern_id=concern.pk, kind="persons_view",
                       text="She wants her son kept out of it")  # fmt: skip
    with pytest.raises(ConcernError, match="Choose what you are recording"):
        services.entry_add(by=as_lead, concern_id=concern.pk, kind="told", text="x")
    with pytest.raises(ConcernError, match="Say what was done"):
        services.entry_add(by=as_lead, concern_id=concern.pk, kind="police", text="  ")
    with pytest.raises(ConcernError, match="Say what the outcome"):
        services.concern_close(by=as_lead, concern_id=concern.pk, expected="enquiry", outcome="")
    services.concern_close(by=as_lead, concern_id=concern.pk, expected="enquiry",
                           outcome="Pension now paid to her own account")  # fmt: skip
    with pytest.raises(ConcernError, match="only corrections"):
        services.entry_add(by=as_lead, concern_id=concern.pk, kind="note", text="Later")
    fix = services.entry_add(by=as_lead, concern_id=concern.pk, kind="", corrects_id=s42.pk,
                             text="The reference was 124")  # fmt: skip
    assert (fix.kind, fix.corrects) == ("correction", s42)
    s42.refresh_from_db()
    assert s42.text == "Referred to Leeds adult social care, ref 123"  # never changed
    concern.refresh_from_db()
    assert (concern.status, concern.outcome) == ("closed", "Pension now paid to her own account")
    assert [c.to_state for c in concern.history.all()] == [
        "raised", "acknowledged", "enquiry", "closed",
    ]  # fmt: skip
    assert [e.kind for e in concern.timeline.exclude(kind="told")] == [
        "acknowledged", "enquiry", "section_42", "persons_view", "closed", "correction",
    ]  # fmt: skip


def test_a_lead_links_a_described_person_to_their_record_later(
    arranged, as_lead, as_volunteer, organisation, other_organisation
):
    concern = _raise(as_volunteer).concern
    with pytest.raises(ConcernError, match="not in this organisation"):
        services.concern_link_person(by=as_lead, concern_id=concern.pk,
                                     person=PersonFactory(organisation=other_organisation))  # fmt: skip
    person = PersonFactory(organisation=organisation)
    services.concern_link_person(by=as_lead, concern_id=concern.pk, person=person)
    concern.refresh_from_db()
    assert concern.person == person and concern.about == "Maggie, the regular in the red coat"
    assert "Maggie" in concern.timeline.get(kind="record_linked").text
    with pytest.raises(ConcernError, match="already linked"):
        services.concern_link_person(by=as_lead, concern_id=concern.pk, person=person)


def test_arrangements_refuse_people_without_the_role(organisation, coordinator, lead, duty):
    by = Acting(lead, organisation)
    targets: dict[str, Any] = {"immediate_minutes": 15, "high_minutes": 60, "medium_working_days": 1,
               "low_working_days": 5, "coordinators_see_detail": False}  # fmt: skip
    with pytest.raises(ConcernError, match="must hold the safeguarding lead role") as refused:
        services.arrangements_set(by=by, lead=coordinator, deputy=None, lead_away_from=None,
                                  lead_away_until=None, duty_professional=None, **targets)  # fmt: skip
    assert refused.value.field == "lead"
    with pytest.raises(ConcernError, match="both dates"):
        services.arrangements_set(by=by, lead=lead, deputy=None,
                                  lead_away_from=timezone.localdate(), lead_away_until=None,
                                  duty_professional=duty, **targets)  # fmt: skip
    with pytest.raises(ConcernError, match="between 1 and 60"):
        services.arrangements_set(by=by, lead=lead, deputy=None, lead_away_from=None,
                                  lead_away_until=None, duty_professional=duty,
                                  **{**targets, "immediate_minutes": 0})  # fmt: skip
    saved = services.arrangements_set(by=by, lead=lead, deputy=None, lead_away_from=None,
                                      lead_away_until=None, duty_professional=duty, **targets)  # fmt: skip
    assert (saved.lead, saved.duty_professional) == (lead, duty)
    assert AuditEvent.objects.filter(action="safeguarding_arrangements.changed").count() == 1
