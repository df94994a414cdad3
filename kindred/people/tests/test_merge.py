"""Merging two records of one person (ADR-090): what moves, what stays, the tombstone every read
follows, the refusals, what the coordinator saw, and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.crisis.models.requests import SupportRequest
from kindred.crisis.services import support_request_receive
from kindred.matching.models import Conflict
from kindred.matching.tests.factories import ConflictFactory
from kindred.people import merging, selectors, services
from kindred.people.merging import MergeRefused
from kindred.people.models import ConsentKind, Person
from kindred.people.services import PersonDetails, PersonDetailsRefused
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.models import GpConcern, ReferralEvent
from kindred.referrals.tests.factories import ReferralFactory
from kindred.relationships.models import StatusChange
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.safeguarding.tests.factories import raise_concern
from kindred.volunteers.tests.factories import VolunteerFactory
from kindred.wellbeing import selectors as wellbeing_selectors
from kindred.wellbeing import services as wellbeing
from kindred.wellbeing.models import CrisisPlan, ProgressReview
from kindred.wellbeing.tests.factories import GoalFactory

NHS_NUMBER = "9434765919"
OTHER_NHS_NUMBER = "9434765870"


@pytest.fixture
def by(make_user, organisation) -> Acting:
    return Acting(make_user(Role.COORDINATOR, organisation=organisation), organisation)


def two_records(organisation, **merged_details):
    """Two records of Edith Shaw: the one kept, and a later one to merge into it."""
    survivor = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    merged = PersonFactory(
        organisation=organisation, given_name="edith", family_name="SHAW", **merged_details
    )
    return survivor, merged


def merge(by: Acting, survivor: Person, merged: Person) -> merging.Merged:
    """Merge as a coordinator who has just compared the two records."""
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return merging.person_merge(
        by=by,
        survivor_id=survivor.pk,
        merged_id=merged.pk,
        survivor_seen=survivor.updated_at,
        merged_seen=merged.updated_at,
    )


def test_every_app_that_keeps_changeable_records_about_someone_registered_a_mover():
    assert [r.key for r in merging.registered()] == [
        "referrals",
        "safeguarding",
        "relationships",
        "wellbeing",
        "crisis_requests",
        "matching",
        "volunteers",
    ]


def test_changeable_records_move_to_the_survivor_and_append_only_ones_stay(by, organisation):
    survivor, merged = two_records(organisation)
    referral = ReferralFactory(organisation=organisation, person=merged)
    flagged = ReferralFactory(organisation=organisation, person=survivor, possible_duplicate=merged)
    concern = GpConcern.objects.create(
        organisation=organisation,
        person=merged,
        practice_ods="P84001",
        noticed="Breathless",
        raised_by_label="test",
    )
    relationship = RelationshipFactory(organisation=organisation, person=merged)
    goal = GoalFactory(relationship=relationship)
    review = wellbeing.review_record(
        by=by,
        relationship_id=relationship.pk,
        held_on=timezone.localdate(),
        progress=[wellbeing.ProgressEntry(goal_id=goal.pk, rating=3)],
        what_next="Keep going",
    )
    version = wellbeing.crisis_plan_save(
        by=by,
        person=merged,
        based_on=0,
        content=wellbeing.PlanContent(what_helps="A walk by the canal"),
        sharing=wellbeing.Sharing(supporters=True, crisis_line=False, facilitators=False, gp=False),
    )
    volunteer = VolunteerFactory(organisation=organisation, person=merged)
    conflict = ConflictFactory(person=merged, volunteer__organisation=organisation)
    services.consent_record(by=by, person=merged, kind=ConsentKind.CONTACT, given=True)
    safeguarding_concern = raise_concern(organisation, person=merged)
    support_request = support_request_receive(
        organisation, name="Edna", email="edna@example.com", message="Cannot sleep", channel="web"
    )
    SupportRequest.objects.filter(pk=support_request.pk).update(
        person=merged
    )  # linked by a supporter

    done = merge(by, survivor, merged)

    assert done.moved == {
        "referrals": 2,
        "safeguarding": 1,
        "relationships": 1,
        "wellbeing": 2,
        "crisis_requests": 1,
        "matching": 1,
        "volunteers": 1,
    }
    for record in (
        referral,
        concern,
        relationship,
        goal,
        volunteer,
        conflict,
        safeguarding_concern,
        support_request,
    ):
        record.refresh_from_db()
        assert record.person_id == survivor.pk, type(record).__name__
    assert CrisisPlan.objects.get(person=survivor).versions.get() == version
    flagged.refresh_from_db()
    assert flagged.possible_duplicate is None  # the flagged record is now this one
    # Histories say so, on the records that moved.
    notes = [
        *ReferralEvent.objects.filter(referral=referral).values_list("note", flat=True),
        *StatusChange.objects.filter(relationship=relationship).values_list("note", flat=True),
    ]
    assert sum("merged into another record" in note for note in notes) == 2
    # Append-only records stay where they were recorded...
    assert ProgressReview.objects.get(pk=review.pk).person_id == merged.pk
    assert merged.consents.count() == 1 and survivor.consents.count() == 0
    # ...and reads of the survivor include them.
    assert list(wellbeing_selectors.reviews_of(organisation=organisation, person=survivor)) == [
        review
    ]
    in_force = selectors.consents_in_force(person=survivor)[ConsentKind.CONTACT]
    assert in_force is not None and in_force.given is True


def test_the_merged_record_becomes_a_tombstone_every_read_follows(by, organisation):
    survivor, merged = two_records(organisation)
    merge(by, survivor, merged)
    merged.refresh_from_db()
    assert merged.merged_into == survivor and merged.merged_at is not None
    # Opened by its id, any page gets the survivor; lists and the duplicate rules never show it.
    assert selectors.person_of(organisation=organisation, person_id=merged.pk) == survivor
    assert list(selectors.people_of(organisation=organisation)) == [survivor]
    assert list(selectors.people_of(organisation=organisation, search="edith")) == [survivor]
    assert list(selectors.people_added_recently(organisation=organisation)) == [survivor]
    assert selectors.likely_duplicates_of(organisation=organisation, person=survivor) == []
    assert selectors.merged_into_this(person=survivor) == [merged]


def test_the_record_that_stays_can_never_be_deleted_from_under_its_tombstone(by, organisation):
    survivor, merged = two_records(organisation)
    merge(by, survivor, merged)
    with pytest.raises(ProtectedError), transaction.atomic():
        survivor.delete()
    assert Person.objects.filter(pk=survivor.pk).exists()


def test_a_referral_arriving_for_a_merged_record_links_to_the_survivor(by, organisation):
    # The tombstone is the older record: the duplicate rules still never pick it.
    merged = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    survivor = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    merge(by, survivor, merged)
    details = PersonDetails(
        given_name="Edith",
        family_name="Shaw",
        date_of_birth=merged.date_of_birth,
        postcode="LS1 1UR",
    )
    assert services.person_for_referral(by=by, details=details).person == survivor


def test_a_merged_record_cannot_be_changed_nor_consent_recorded_on_it(by, organisation):
    survivor, merged = two_records(organisation)
    merge(by, survivor, merged)
    merged.refresh_from_db()
    with pytest.raises(PersonDetailsRefused, match="merged into another record"):
        services.person_details_update(by=by, person=merged, changes={"phone": "0113"}, reason="x")
    with pytest.raises(PersonDetailsRefused, match="merged into another record"):
        services.consent_record(by=by, person=merged, kind=ConsentKind.CONTACT, given=True)


def test_the_survivor_takes_the_details_it_lacks_and_the_nhs_number_moves(by, organisation):
    survivor, merged = two_records(
        organisation, nhs_number=NHS_NUMBER, phone="07700 900123", postcode="LS8 2AP"
    )
    survivor.phone = "0113 496 0000"
    survivor.postcode = ""
    survivor.save()
    merged.easting, merged.northing = 431000, 436000
    merged.save()

    done = merge(by, survivor, merged)

    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert set(done.filled) == {"nhs_number", "postcode"}
    assert (survivor.nhs_number, survivor.postcode, survivor.easting) == (
        NHS_NUMBER,
        "LS8 2AP",
        431000,
    )
    assert survivor.phone == "0113 496 0000"  # its own details are never overwritten
    assert merged.nhs_number == ""  # released: still one record per NHS number
    assert organisation.people.filter(nhs_number=NHS_NUMBER).get() == survivor


def test_the_database_refuses_a_tombstone_that_holds_an_nhs_number(organisation):
    survivor, merged = two_records(organisation, nhs_number=NHS_NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=merged.pk).update(merged_into=survivor, merged_at=timezone.now())


@pytest.mark.parametrize(
    ("survivor_details", "merged_details", "refusal"),
    [
        ({"nhs_number": NHS_NUMBER}, {"nhs_number": OTHER_NHS_NUMBER}, "different NHS numbers"),
        (
            {"date_of_birth": dt.date(1950, 1, 1)},
            {"date_of_birth": dt.date(1951, 1, 1)},
            "different dates of birth",
        ),
    ],
)
def test_records_that_cannot_be_one_person_are_never_merged(
    by, organisation, survivor_details, merged_details, refusal
):
    survivor = PersonFactory(organisation=organisation, **survivor_details)
    merged = PersonFactory(organisation=organisation, **merged_details)
    referral = ReferralFactory(organisation=organisation, person=merged)
    with pytest.raises(MergeRefused, match=refusal):
        merge(by, survivor, merged)
    merged.refresh_from_db()
    referral.refresh_from_db()
    assert merged.merged_into is None and referral.person == merged
    assert not AuditEvent.objects.filter(action="person.merged").exists()


def test_records_of_another_organisation_are_never_merged(by, organisation, other_organisation):
    ours = PersonFactory(organisation=organisation)
    theirs = PersonFactory(organisation=other_organisation)
    with pytest.raises(MergeRefused, match="different organisations"):
        merge(by, ours, theirs)
    with pytest.raises(MergeRefused, match="different organisations"):
        merge(by, theirs, ours)
    theirs.refresh_from_db()
    assert theirs.merged_into is None


def test_a_tombstone_is_never_merged_again_nor_merged_into(by, organisation):
    survivor, merged = two_records(organisation)
    third = PersonFactory(organisation=organisation)
    merge(by, survivor, merged)
    with pytest.raises(MergeRefused, match="already merged"):
        merge(by, third, merged)
    with pytest.raises(MergeRefused, match="already merged"):
        merge(by, merged, third)
    with pytest.raises(MergeRefused, match="same record"):
        merge(by, survivor, survivor)


def test_merging_a_survivor_on_points_its_tombstones_at_the_new_survivor(by, organisation):
    first = PersonFactory(organisation=organisation)
    second = PersonFactory(organisation=organisation)
    third = PersonFactory(organisation=organisation)
    merge(by, second, first)
    merge(by, third, second)
    first.refresh_from_db()
    assert first.merged_into == third  # no chains: one step from any tombstone
    assert set(selectors.record_ids_of(person=third)) == {first.pk, second.pk, third.pk}


def test_a_change_since_the_coordinator_compared_them_stops_the_merge(by, organisation):
    survivor, merged = two_records(organisation)
    seen = merged.updated_at
    services.person_details_update(by=by, person=merged, changes={"phone": "0113"}, reason="x")
    survivor.refresh_from_db()
    with pytest.raises(ChangedSinceYouLooked, match="while you were looking"):
        merging.person_merge(
            by=by,
            survivor_id=survivor.pk,
            merged_id=merged.pk,
            survivor_seen=survivor.updated_at,
            merged_seen=seen,
        )
    merged.refresh_from_db()
    assert merged.merged_into is None


def test_a_failing_mover_undoes_the_whole_merge(by, organisation, monkeypatch):
    survivor, merged = two_records(organisation)
    referral = ReferralFactory(organisation=organisation, person=merged)

    def fails(*, by, merged, survivor):
        raise MergeRefused("Something in another app refused")

    monkeypatch.setitem(
        merging._records,
        "zz-failing",
        merging.PersonRecords("zz-failing", "Failing", lambda *, person: 0, fails, None, 999),
    )
    with pytest.raises(MergeRefused, match="another app refused"):
        merge(by, survivor, merged)
    referral.refresh_from_db()
    merged.refresh_from_db()
    assert referral.person == merged and merged.merged_into is None


def test_a_mover_refuses_to_run_outside_a_merge(by, organisation, other_organisation):
    from kindred.referrals.services import person_referrals_move

    ours = PersonFactory(organisation=organisation)
    theirs = PersonFactory(organisation=other_organisation)
    with pytest.raises(MergeRefused), transaction.atomic():
        person_referrals_move(by=by, merged=theirs, survivor=ours)


def test_a_merge_is_audited_once_and_shown_in_both_records_trails(by, organisation):
    survivor, merged = two_records(organisation, phone="07700 900123")
    ReferralFactory(organisation=organisation, person=merged)
    services.people_viewed(by=by, people=merged, page="person")
    looked = AuditEvent.objects.get(action="person.viewed")
    merge(by, survivor, merged)
    entry = AuditEvent.objects.get(action="person.merged")
    assert entry.target_id == str(survivor.pk) and entry.actor == by.user
    assert entry.detail["merged"] == str(merged.pk)
    assert entry.detail["moved"]["referrals"] == 1
    assert entry.detail["details_copied"] == ["phone"]  # names of fields, never their values
    assert "07700" not in str(entry.detail)
    for person in (survivor, merged):
        assert entry in selectors.audit_trail_of(organisation=organisation, person=person)
    # The survivor's trail holds what happened to the merged record before, too.
    assert looked in selectors.audit_trail_of(organisation=organisation, person=survivor)


def test_both_plans_are_kept_and_the_survivors_stays_in_force(by, organisation):
    survivor, merged = two_records(organisation)
    sharing = wellbeing.Sharing(supporters=False, crisis_line=False, facilitators=False, gp=False)
    for person, words in ((survivor, "Call my sister"), (merged, "Tea and a walk")):
        wellbeing.crisis_plan_save(
            by=by,
            person=person,
            based_on=0,
            content=wellbeing.PlanContent(what_helps=words),
            sharing=sharing,
        )
    preview = merging.merge_preview(survivor=survivor, merged=merged)
    assert any("Both records have a crisis and wellbeing plan" in note for note in preview.notes)
    merge(by, survivor, merged)
    in_force = wellbeing_selectors.crisis_plan_of(organisation=organisation, person=survivor)
    kept = wellbeing_selectors.merged_crisis_plans(organisation=organisation, person=survivor)
    plans_words = [
        getattr(wellbeing_selectors.current_version(plan), "what_helps", None)
        for plan in [in_force, *kept]
    ]
    assert plans_words == ["Call my sister", "Tea and a walk"]


def test_a_conflict_the_survivor_already_has_stays_on_the_tombstone(by, organisation):
    survivor, merged = two_records(organisation)
    volunteer = VolunteerFactory(organisation=organisation)
    ConflictFactory(person=survivor, volunteer=volunteer)
    kept = ConflictFactory(person=merged, volunteer=volunteer)
    done = merge(by, survivor, merged)
    assert done.moved["matching"] == 0
    assert Conflict.objects.get(pk=kept.pk).person_id == merged.pk
    assert Conflict.objects.filter(person=survivor, volunteer=volunteer).count() == 1


def test_open_support_on_both_records_moves_and_the_coordinator_is_told_first(by, organisation):
    survivor, merged = two_records(organisation)
    RelationshipFactory(organisation=organisation, person=survivor)
    RelationshipFactory(organisation=organisation, person=merged)
    preview = merging.merge_preview(survivor=survivor, merged=merged)
    assert any("Both records have support going on" in note for note in preview.notes)
    merge(by, survivor, merged)
    assert survivor.relationships.count() == 2


def test_the_copy_of_their_data_includes_the_merged_record(by, organisation):
    survivor, merged = two_records(organisation, phone="07700 900123")
    services.consent_record(by=by, person=merged, kind=ConsentKind.EVALUATION, given=True)
    merge(by, survivor, merged)
    data = services.person_export(by=by, person=survivor, file_format="json")
    (record,) = data["merged_records"]
    assert record["person"]["phone"] == "07700 900123"
    assert record["consents"][0]["consent"] == str(ConsentKind.EVALUATION.label)
