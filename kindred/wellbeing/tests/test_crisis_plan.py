"""The person's crisis and wellbeing plan: versions never changed, no edit lost silently, and
only those the person chose (and coordinators) may see it."""

from __future__ import annotations

import pytest
from django.db import connection

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people.tests.factories import PersonFactory
from kindred.wellbeing import selectors, services
from kindred.wellbeing.models import (
    CrisisPlan,
    CrisisPlanSharing,
    CrisisPlanVersion,
    WellbeingRecordIsAppendOnly,
)
from kindred.wellbeing.services import PlanContent, Sharing, WellbeingError

pytestmark = pytest.mark.django_db

SUPPORTERS = Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False)
NOBODY = Sharing(supporters=False, crisis_line=False, facilitators=False, gp=False)
CAT = PlanContent(warning_signs="I stop answering the phone", practical_things="Jo feeds the cat")


def _save(by, person, based_on, content=CAT, sharing=SUPPORTERS):
    return services.crisis_plan_save(
        by=by,
        person=person,
        based_on=based_on,
        content=content,
        sharing=sharing if based_on == 0 else None,
        own_decision=True,
    )


def _share(by, person, based_on, sharing):
    return services.crisis_plan_sharing_record(
        by=by, person=person, based_on=based_on, sharing=sharing, own_decision=True
    )


def test_every_save_is_a_new_version_kept_for_good(as_supporter, by, person):
    first = _save(by, person, 0)
    assert (first.number, first.based_on, first.saved_by_label) == (
        1,
        0,
        "coordinator@example.com",
    )
    second = _save(
        as_supporter,
        person,
        1,
        PlanContent(warning_signs="I stop answering the phone\r\nand stay in bed"),
    )
    assert (
        second.number == 2 and second.warning_signs == "I stop answering the phone\nand stay in bed"
    )
    assert second.practical_things == ""
    plan = CrisisPlan.objects.get(person=person)
    assert plan.version_count == 2
    assert [v.number for v in selectors.versions_of(plan)] == [2, 1]
    assert selectors.current_version(plan) == second
    first.refresh_from_db()
    assert first.practical_things == "Jo feeds the cat"  # the earlier version is unchanged
    with pytest.raises(WellbeingRecordIsAppendOnly):
        first.save()
    with pytest.raises(WellbeingRecordIsAppendOnly):
        plan.versions.update(what_helps="rewritten")
    with pytest.raises(WellbeingRecordIsAppendOnly):
        first.delete()
    saved = AuditEvent.objects.filter(action="crisis_plan.saved").order_by("occurred_at")
    assert [e.detail["version"] for e in saved] == [1, 2]
    assert all("phone" not in str(e.detail) for e in AuditEvent.objects.all())


def test_the_plan_is_encrypted_in_the_database(by, person):
    version = _save(by, person, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT warning_signs, what_helps FROM wellbeing_crisisplanversion WHERE id = %s",
            [version.pk.hex if connection.vendor == "sqlite" else version.pk],
        )
        stored, blank = cursor.fetchone()
    assert "phone" not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert blank == ""


def test_a_save_based_on_an_older_version_is_refused_showing_the_newer(as_supporter, by, person):
    _save(by, person, 0)
    _save(
        by,
        person,
        1,
        PlanContent(warning_signs="Not sleeping", practical_things="Jo feeds the cat"),
    )
    with pytest.raises(services.PlanChanged) as stale:
        _save(as_supporter, person, 1, PlanContent(what_helps="A walk by the river"))
    assert stale.value.newer.number == 2
    assert stale.value.newer.warning_signs == "Not sleeping"
    message = str(stale.value)
    assert "coordinator@example.com saved a newer version of this plan (version 2" in message
    assert "Your changes have not been saved yet" in message
    assert CrisisPlanVersion.objects.count() == 2  # nothing saved
    # Once they have merged, saving on the newer version works.
    merged = _save(
        as_supporter, person, 2, PlanContent(warning_signs="Not sleeping", what_helps="A walk")
    )
    assert (merged.number, merged.based_on) == (3, 2)


def test_two_people_writing_a_first_plan_at_once_do_not_overwrite_each_other(
    by, person, make_user, organisation
):
    other = Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)
    _save(other, person, 0)
    with pytest.raises(services.PlanChanged):
        _save(by, person, 0, PlanContent(what_helps="Music"))
    assert CrisisPlanVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PlanContent(what_helps="  \n "), "Write at least one part of the plan"),
        (PlanContent(what_helps="x" * 2001), "What helps must be 2000 characters or fewer"),
    ],
)
def test_an_empty_or_overlong_plan_is_refused(by, person, content, message):
    with pytest.raises(WellbeingError, match=message):
        _save(by, person, 0, content)
    assert not CrisisPlan.objects.exists()  # not even the head row is left behind


def test_the_first_version_needs_the_persons_choice_and_an_unchanged_plan_is_not_saved_again(
    by, person
):
    with pytest.raises(WellbeingError, match="Say who Nicole would like to see the plan"):
        _save(by, person, 0, sharing=None)
    _save(by, person, 0)
    with pytest.raises(WellbeingError, match="Nothing in the plan has changed"):
        _save(
            by,
            person,
            1,
            PlanContent(
                warning_signs=" I stop answering the phone ", practical_things="Jo feeds the cat"
            ),
        )
    assert CrisisPlanVersion.objects.count() == 1


def _access(user, person):
    plan = selectors.crisis_plan_of(organisation=person.organisation, person=person)
    return selectors.crisis_plan_access(
        organisation=person.organisation,
        user=user,
        person=person,
        plan=plan,
        sharing=selectors.sharing_in_force(plan),
    )


def test_who_may_see_and_change_the_plan(
    by, person, supporter_user, other_volunteer, make_user, organisation, charlie
):
    facilitator = make_user(Role.FACILITATOR, organisation=organisation)
    lead = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    # No plan yet: only coordinators, who record who the person says may see it (ADR-098).
    assert not _access(supporter_user, person).see
    assert not _access(facilitator, person).see
    assert not _access(other_volunteer, person).see
    _save(by, person, 0, sharing=NOBODY)
    assert _access(by.user, person) == selectors.PlanAccess(True, True, "coordinator")
    assert not _access(supporter_user, person).see  # the person has not let supporters see it
    _share(by, person, 1, Sharing(supporters=True, crisis_line=True, facilitators=True, gp=False))
    assert _access(supporter_user, person) == selectors.PlanAccess(True, True, "supporter")
    assert _access(facilitator, person) == selectors.PlanAccess(True, False, "facilitator")
    assert not _access(other_volunteer, person).see  # supports someone else
    assert not _access(lead, person).see  # not among the people the person chose
    assert not _access(charlie, person).see  # another organisation


def test_who_may_see_it_is_recorded_with_who_and_when_and_never_silently_overwritten(
    by, as_supporter, person
):
    with pytest.raises(WellbeingError, match="Write the plan first"):
        _share(by, person, 0, NOBODY)
    _save(by, person, 0)
    everyone = Sharing(supporters=True, crisis_line=True, facilitators=True, gp=True)
    record = _share(by, person, 1, everyone)
    assert (record.number, record.recorded_by_label) == (2, "coordinator@example.com")
    assert record.audiences() == ["supporters", "crisis_line", "facilitators", "gp"]
    assert record.persons_own_decision
    with pytest.raises(services.SharingChanged) as stale:
        _share(by, person, 1, NOBODY)
    assert stale.value.current == record
    with pytest.raises(WellbeingError, match="Nothing has changed"):
        _share(by, person, 2, everyone)
    assert CrisisPlanSharing.objects.count() == 2
    events = AuditEvent.objects.filter(action="crisis_plan.sharing_recorded")
    assert [e.detail["gp"] for e in events.order_by("occurred_at")] == [False, True]


def test_a_supporter_the_person_stopped_sharing_with_can_no_longer_save(by, as_supporter, person):
    _save(by, person, 0)
    _share(by, person, 1, NOBODY)
    with pytest.raises(WellbeingError, match="has not said their supporters may see their plan"):
        _save(as_supporter, person, 1, PlanContent(what_helps="Tea"))
    with pytest.raises(WellbeingError, match="Only a coordinator"):
        _share(as_supporter, person, 2, SUPPORTERS)
    assert CrisisPlanVersion.objects.count() == 1


def test_a_facilitator_may_read_but_never_change(by, person, make_user, organisation):
    facilitator = make_user(Role.FACILITATOR, organisation=organisation)
    _save(
        by,
        person,
        0,
        sharing=Sharing(supporters=False, crisis_line=False, facilitators=True, gp=False),
    )
    with pytest.raises(WellbeingError):
        _save(Acting(facilitator, organisation), person, 1, PlanContent(what_helps="Tea"))


def test_a_plan_for_a_person_of_another_organisation_is_refused(by):
    elsewhere = PersonFactory()  # another organisation
    with pytest.raises(WellbeingError, match="not in this organisation"):
        _save(by, elsewhere, 0)
    with pytest.raises(WellbeingError, match="not in this organisation"):
        _share(by, elsewhere, 0, NOBODY)
    assert not CrisisPlan.objects.exists()


# Only the person, through a coordinator, decides who may see the plan (ADR-098)


def test_a_supporter_cannot_write_the_first_version_which_says_who_may_see_it(as_supporter, person):
    with pytest.raises(WellbeingError, match="Only a coordinator, recording Nicole's own"):
        _save(as_supporter, person, 0)
    assert not CrisisPlan.objects.exists()


def test_a_supporter_the_person_shares_with_still_cannot_change_who_may_see_it(
    by, as_supporter, person
):
    _save(by, person, 0)
    assert _access(as_supporter.user, person).change  # they may change the plan itself...
    with pytest.raises(WellbeingError, match="Only a coordinator"):
        _share(as_supporter, person, 1, NOBODY)  # ...never who may see it
    assert CrisisPlanSharing.objects.count() == 1


def test_a_coordinator_must_confirm_it_is_the_persons_own_decision(by, person):
    _save(by, person, 0)
    with pytest.raises(WellbeingError, match="Confirm that this is Nicole's own decision"):
        services.crisis_plan_sharing_record(by=by, person=person, based_on=1, sharing=NOBODY)
    assert CrisisPlanSharing.objects.count() == 1
    record = _share(by, person, 1, NOBODY)
    assert record.persons_own_decision and record.recorded_by == by.user
    first = CrisisPlanSharing.objects.get(number=1)
    assert first.persons_own_decision  # the first version's choice, confirmed too
