"""The note a coordinator writes for a relationship's supporters (issue 13, item 5b; ADR-098):
shown on "My people" and the relationship's page, kept apart from internal notes, every version
kept and audited, coordinators only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked
from kindred.relationships import selectors, services
from kindred.relationships.models import NoteForSupporters, NoteForSupportersIsAppendOnly
from kindred.relationships.tests.factories import RelationshipFactory
from kindred.volunteers.tests.factories import VolunteerFactory

NOTE = "Hard of hearing: speak slowly and face her"
MINE = reverse("relationships:mine")


def note_url(relationship):
    return reverse("relationships:note_for_supporters", kwargs={"relationship_id": relationship.pk})


def detail_url(relationship):
    return reverse("relationships:detail", kwargs={"relationship_id": relationship.pk})


def write(by, relationship, text, based_on=None):
    if based_on is None:
        current = selectors.note_for_supporters(relationship=relationship)
        based_on = current.number if current else 0
    return services.note_for_supporters_write(
        by=by, relationship_id=relationship.pk, based_on=based_on, text=text
    )


def test_each_change_is_a_new_version_kept_and_audited(by, relationship):
    first = write(by, relationship, f"  {NOTE}  ")
    second = write(by, relationship, "Prefers mornings")
    gone = write(by, relationship, "")
    assert [n.number for n in selectors.notes_for_supporters_of(relationship=relationship)] == [
        3,
        2,
        1,
    ]
    assert first.text == NOTE and second.text == "Prefers mornings" and gone.text == ""
    assert first.written_by == by.user and first.written_by_label
    entries = AuditEvent.objects.for_record(relationship).filter(
        action="note_for_supporters.changed"
    )
    assert sorted(e.detail["number"] for e in entries) == [1, 2, 3]
    assert all(NOTE not in str(e.detail) for e in entries)
    assert entries.get(detail__number=3).detail["taken_away"] is True


def test_versions_cannot_be_changed_or_deleted(by, relationship):
    note = write(by, relationship, NOTE)
    note.text = "rewritten"
    with pytest.raises(NoteForSupportersIsAppendOnly):
        note.save()
    with pytest.raises(NoteForSupportersIsAppendOnly):
        note.delete()
    with pytest.raises(NoteForSupportersIsAppendOnly):
        NoteForSupporters.objects.filter(pk=note.pk).update(text="x")


def test_a_note_written_meanwhile_is_not_overwritten(by, relationship):
    write(by, relationship, NOTE)
    with pytest.raises(ChangedSinceYouLooked):
        write(by, relationship, "Mine", based_on=0)
    current = selectors.note_for_supporters(relationship=relationship)
    assert current is not None and current.text == NOTE


@pytest.mark.parametrize(
    ("text", "message"), [(NOTE, "the same as before"), ("x" * 1001, "1000 characters")]
)
def test_no_change_or_too_long_is_refused(by, relationship, text, message):
    write(by, relationship, NOTE)
    with pytest.raises(services.RelationshipError, match=message):
        write(by, relationship, text)
    assert NoteForSupporters.objects.count() == 1


def test_a_supporter_is_refused_by_the_service(relationship, supporter_user, organisation):
    with pytest.raises(services.RelationshipError, match="Only a coordinator"):
        write(Acting(supporter_user, organisation), relationship, NOTE)
    assert not NoteForSupporters.objects.exists()


def test_another_organisations_relationship_is_refused(by, other_organisation):
    elsewhere = RelationshipFactory(organisation=other_organisation)
    with pytest.raises(services.RelationshipError, match="not in this organisation"):
        write(by, elsewhere, NOTE, based_on=0)
    assert not NoteForSupporters.objects.exists()


def test_the_coordinator_writes_it_on_the_relationships_page_and_the_supporter_sees_it(
    client_as, tom, relationship
):
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(detail_url(relationship)).content.decode()
    assert "There is no note for supporters" in page and note_url(relationship) in page
    response = coordinator.post(note_url(relationship), {"based_on": "0", "text": NOTE})
    assert response.status_code == 302 and response["Location"] == detail_url(relationship)
    assert NOTE in coordinator.get(detail_url(relationship)).content.decode()

    mine = tom.get(MINE).content.decode()
    assert "Note from your coordinator" in mine and NOTE in mine

    coordinator.post(note_url(relationship), {"based_on": "1", "text": ""})
    assert NOTE not in tom.get(MINE).content.decode()
    page = coordinator.get(detail_url(relationship)).content.decode()
    assert "Earlier notes for supporters" in page and NOTE in page


def test_internal_notes_are_not_shown_to_the_supporter(by, tom, relationship):
    services.relationship_move(
        by=by,
        relationship_id=relationship.pk,
        expected=relationship.status,
        to="paused",
        note="Internal: family dispute, do not discuss",
    )
    services.relationship_move(
        by=by, relationship_id=relationship.pk, expected="paused", to="active"
    )
    write(by, relationship, NOTE)
    mine = tom.get(MINE).content.decode()
    assert NOTE in mine and "family dispute" not in mine


def test_bad_input_shows_errors_and_changes_nothing(client_as, relationship):
    coordinator = client_as(Role.COORDINATOR)
    too_long = coordinator.post(note_url(relationship), {"based_on": "0", "text": "x" * 1001})
    assert too_long.status_code == 200
    page = too_long.content.decode()
    assert "There is a problem" in page and "1000 characters or fewer" in page
    stale = coordinator.post(note_url(relationship), {"based_on": "7", "text": NOTE})
    assert stale.status_code == 200 and "Someone changed the note" in stale.content.decode()
    missing = coordinator.post(note_url(relationship), {"text": NOTE})
    assert missing.status_code == 200
    assert not NoteForSupporters.objects.exists()


def test_a_supporter_cannot_post_a_note(tom, relationship):
    assert tom.post(note_url(relationship), {"based_on": "0", "text": NOTE}).status_code == 403
    assert not NoteForSupporters.objects.exists()


def test_my_people_reads_the_notes_in_the_same_queries_however_many(
    organisation, by, tom, supporter, supporter_user, django_assert_num_queries
):
    """The note comes with each relationship in my_people's own query (the page's other parts,
    such as the wellbeing links, are counted elsewhere)."""

    def add(count):
        for number in range(count):
            relationship = RelationshipFactory(
                organisation=organisation, supporters=[supporter], person__given_name=f"P{number}"
            )
            write(by, relationship, f"Note number {number}.")
            write(by, relationship, f"Note number {number}!")

    def read():
        return selectors.my_people(
            organisation=organisation, user=supporter_user, today=timezone.localdate()
        )

    add(2)
    with django_assert_num_queries(4):
        read()
    add(10)
    with django_assert_num_queries(4):
        people = read()
    assert len(people) == 12
    assert {r.note_for_supporters for r in people} == {f"Note number {n}!" for n in range(10)}
    page = tom.get(MINE).content.decode()
    assert page.count("Note from your coordinator") == 12
    assert "Note number 0!" in page and "Note number 0." not in page


def test_a_supporter_of_someone_else_does_not_see_the_note(
    organisation, by, make_user, sign_in, relationship
):
    write(by, relationship, NOTE)
    other_user = make_user(Role.VOLUNTEER, organisation=organisation)
    VolunteerFactory(organisation=organisation, user=other_user)
    assert NOTE not in sign_in(other_user, organisation).get(MINE).content.decode()
