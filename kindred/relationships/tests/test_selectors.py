"""Reads: the caseload's filters and flags, the supporter's own list, the quiet rule for one
relationship, and who may be introduced by hand."""

import datetime as dt
from typing import Any, cast

import pytest
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.relationships import selectors
from kindred.relationships.models import Relationship, Status
from kindred.relationships.tests.factories import ContactFactory, RelationshipFactory, concern_on
from kindred.safeguarding.services import concern_acknowledge
from kindred.volunteers import services as volunteer_services
from kindred.volunteers.models import RoleKind, VolunteeringRole
from kindred.volunteers.tests.factories import (
    DbsCheckFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def days_ago(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def caseload(organisation, make_user):
    """One relationship for each flag, named by the flag."""
    quiet = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(30))
    fine = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(3))
    worried = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(3))
    ContactFactory(relationship=worried, happened_on=days_ago(3), feeling="a_bit_worried")
    worried_long_ago = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(3))
    ContactFactory(relationship=worried_long_ago, happened_on=days_ago(31), feeling="very_worried")
    concern = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(3))
    concern_on(concern)
    answered = RelationshipFactory(organisation=organisation, last_contact_on=days_ago(3))
    lead = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
    concern_acknowledge(
        by=Acting(lead, organisation), concern_id=concern_on(answered).pk, expected="raised"
    )
    review = RelationshipFactory(
        organisation=organisation, last_contact_on=days_ago(3), next_review_on=TODAY
    )
    paused = RelationshipFactory(
        organisation=organisation, status=Status.PAUSED, last_contact_on=days_ago(90)
    )
    ended = RelationshipFactory(
        organisation=organisation, status=Status.ENDED, ended_on=days_ago(1)
    )
    RelationshipFactory()  # another organisation's
    return {
        "quiet": quiet, "fine": fine, "worried": worried, "worried_long_ago": worried_long_ago,
        "concern": concern, "answered": answered, "review": review, "paused": paused,
        "ended": ended,
    }  # fmt: skip


def names(found, caseload):
    by_pk = {r.pk: name for name, r in caseload.items()}
    return sorted(by_pk[r.pk] for r in found)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["answered", "concern", "fine", "paused", "quiet", "review", "worried",
              "worried_long_ago"]),
        ({"status": ""}, ["answered", "concern", "ended", "fine", "paused", "quiet", "review",
                          "worried", "worried_long_ago"]),
        ({"status": "paused"}, ["paused"]),
        ({"status": "ended"}, ["ended"]),
        ({"quiet": True}, ["quiet"]),
        ({"worried": True}, ["concern", "worried"]),
        ({"review_due": True}, ["review"]),
        ({"quiet": True, "worried": True}, []),
    ],
)  # fmt: skip
def test_caseload_filters(organisation, caseload, filters, expected):
    found = selectors.caseload(
        organisation=organisation, today=TODAY, filters=selectors.CaseloadFilter(**filters)
    )
    assert names(found, caseload) == expected


def test_caseload_searches_by_name_and_flags_each_row(organisation, caseload):
    caseload["worried"].person.given_name = "Bathsheba"
    caseload["worried"].person.save()
    found = list(
        selectors.caseload(
            organisation=organisation,
            today=TODAY,
            filters=selectors.CaseloadFilter(search="bathsheba"),
        )
    )
    assert [r.pk for r in found] == [caseload["worried"].pk]
    flagged = cast(Any, found[0])  # annotated by the selector
    assert flagged.worried and not flagged.has_open_concern


def test_the_caseload_is_longest_since_contact_first_in_a_fixed_number_of_queries(
    organisation, caseload, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the allowed gaps are not needed unfiltered
        rows = list(selectors.caseload(organisation=organisation, today=TODAY))
        shown = [
            (
                r.person.display_name,
                [link.volunteer.display_name for link in r.supporter_links.all()],
            )
            for r in rows
        ]
    assert len(shown) == 8
    assert rows[0].pk == caseload["paused"].pk  # 90 days
    assert rows[1].pk == caseload["quiet"].pk


def test_quiet_and_next_contact_for_one_relationship():
    r = Relationship(
        status=Status.ACTIVE, rhythm_days=14, grace_days=7, introduced_on=days_ago(60),
        started_on=days_ago(50), last_contact_on=days_ago(21),
    )  # fmt: skip
    assert selectors.next_contact_due(r) == days_ago(7)
    assert not selectors.is_quiet(r, TODAY)
    r.last_contact_on = days_ago(22)
    assert selectors.is_quiet(r, TODAY)
    r.last_contact_on = None
    assert selectors.quiet_since(r) == days_ago(50)
    r.status = Status.PAUSED
    assert not selectors.is_quiet(r, TODAY) and selectors.next_contact_due(r) is None


def test_a_supporter_sees_only_their_own_people_with_their_own_contacts(
    organisation, supporter, supporter_user, make_user, django_assert_num_queries
):
    partner_user = make_user(Role.VOLUNTEER, organisation=organisation)
    partner = VolunteerFactory(organisation=organisation, user=partner_user, given_name="Ann")
    mine = RelationshipFactory(organisation=organisation, supporters=[supporter, partner])
    also_mine = RelationshipFactory(organisation=organisation, supporters=[supporter])
    RelationshipFactory(organisation=organisation)  # someone else's
    RelationshipFactory(
        organisation=organisation, supporters=[supporter], status=Status.ENDED, ended_on=TODAY
    )
    for n in range(5):
        ContactFactory(relationship=mine, happened_on=days_ago(n), logged_by=supporter_user)
    ContactFactory(relationship=mine, happened_on=TODAY, logged_by=partner_user)
    with django_assert_num_queries(4):  # relationships, supporters, volunteers, contacts
        people = selectors.my_people(organisation=organisation, user=supporter_user, today=TODAY)
        assert {r.pk for r in people} == {mine.pk, also_mine.pk}
        shown = {r.pk: cast(Any, r) for r in people}  # annotated by the selector
        assert [c.happened_on for c in shown[mine.pk].my_contacts] == [
            TODAY,
            days_ago(1),
            days_ago(2),
        ]
        assert [v.given_name for v in shown[mine.pk].other_supporters] == ["Ann"]


def test_supports_person_only_while_supporting(organisation, supporter, supporter_user):
    relationship = RelationshipFactory(organisation=organisation, supporters=[supporter])
    assert selectors.supports_person(user=supporter_user, person=relationship.person)
    relationship.supporter_links.update(left_on=TODAY)
    assert not selectors.supports_person(user=supporter_user, person=relationship.person)


def test_only_volunteers_eligible_for_a_one_to_one_role_can_be_introduced(
    organisation, coordinator
):
    by = Acting(coordinator, organisation)
    volunteer_services.standard_roles_ensure(by=by)
    befriender = VolunteeringRole.objects.get(organisation=organisation, kind=RoleKind.BEFRIENDER)
    driver = VolunteeringRole.objects.get(organisation=organisation, kind=RoleKind.DRIVER)
    ready = VolunteerFactory(organisation=organisation, given_name="Ready")
    DbsCheckFactory(volunteer=ready)
    for course in befriender.courses.all():
        volunteer_services.training_record(
            by=by, volunteer=ready, course=course, completed_on=timezone.localdate()
        )
    volunteer_services.role_assign(by=by, volunteer=ready, role=befriender)
    only_drives = VolunteerFactory(organisation=organisation, given_name="Driver")
    DbsCheckFactory(volunteer=only_drives)
    only_drives.roles.add(driver)
    found = selectors.eligible_supporters(organisation=organisation, on=timezone.localdate())
    assert [v.given_name for v in found] == ["Ready"]
