"""The merge pages (ADR-090): a coordinator chooses, compares, confirms; the old record's link then
opens the record that stays. Who else may not is in access.py (core/tests/test_routes.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.tests.factories import ReferralFactory


@pytest.fixture
def edith(organisation):
    """Two records of Edith Shaw: the first added by hand, the second made by a referral."""
    first = PersonFactory(
        organisation=organisation, given_name="Edith", family_name="Shaw", phone="0113 496 0000"
    )
    second = PersonFactory(
        organisation=organisation, given_name="Edith", family_name="Shaw", nhs_number="9434765919"
    )
    ReferralFactory(organisation=organisation, person=second)
    return first, second


def confirm_url(first, second):
    return reverse("people:merge_confirm", kwargs={"person_id": first.pk, "other_id": second.pk})


def test_a_coordinator_merges_two_records_and_the_old_link_opens_the_survivor(client_as, edith):
    first, second = edith
    client = client_as(Role.COORDINATOR)

    page = client.get(reverse("people:merge", kwargs={"person_id": first.pk})).content.decode()
    assert "Likely the same person" in page
    assert (
        reverse("people:merge_compare", kwargs={"person_id": first.pk, "other_id": second.pk})
        in page
    )

    compare = client.get(
        reverse("people:merge_compare", kwargs={"person_id": first.pk, "other_id": second.pk})
    ).content.decode()
    assert "943 476 5919" in compare and "0113 496 0000" in compare
    assert "Which record stays?" in compare

    confirm = client.get(confirm_url(first, second), {"keep": str(first.pk)}).content.decode()
    assert "Referrals and concerns for the GP: 1 moves to the record that stays" in confirm
    assert "NHS number" in confirm

    response = client.post(
        confirm_url(first, second),
        {
            "keep": str(first.pk),
            "survivor_seen": first.updated_at.isoformat(),
            "merged_seen": second.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"person_id": first.pk})
    survivor_page = client.get(response["Location"]).content.decode()
    assert "was merged into this one" in survivor_page
    assert "Other records of this person" in survivor_page and "943 476 5919" in survivor_page

    old = client.get(reverse("people:detail", kwargs={"person_id": second.pk}))
    assert old.status_code == 302 and old["Location"] == response["Location"]
    assert (
        "The record you opened was merged into this one"
        in client.get(old["Location"]).content.decode()
    )
    assert AuditEvent.objects.filter(action="person.merged").count() == 1


def test_choosing_no_record_to_keep_asks_again_and_changes_nothing(client_as, edith):
    first, second = edith
    response = client_as(Role.COORDINATOR).get(confirm_url(first, second))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose which record stays" in page and "nhsuk-error-summary" in page
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_record_changed_since_the_comparison_is_not_merged(client_as, edith):
    first, second = edith
    seen = second.updated_at.isoformat()
    second.phone = "07700 900999"  # someone else changes it, after the page was shown
    second.save()
    response = client_as(Role.COORDINATOR).post(
        confirm_url(first, second),
        {"keep": str(first.pk), "survivor_seen": first.updated_at.isoformat(), "merged_seen": seen},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "while you were looking at it" in page and "nhsuk-error-summary" in page
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    # The page shows the records as they are now, so confirming again merges them.
    assert second.updated_at.isoformat() in page


def test_records_with_different_nhs_numbers_are_shown_but_cannot_be_merged(client_as, organisation):
    first = PersonFactory(organisation=organisation, nhs_number="9434765919")
    second = PersonFactory(organisation=organisation, nhs_number="9434765870")
    client = client_as(Role.COORDINATOR)
    compare = client.get(
        reverse("people:merge_compare", kwargs={"person_id": first.pk, "other_id": second.pk})
    ).content.decode()
    assert "These records cannot be merged" in compare and "Which record stays?" not in compare
    response = client.post(
        confirm_url(first, second),
        {
            "keep": str(first.pk),
            "survivor_seen": first.updated_at.isoformat(),
            "merged_seen": second.updated_at.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "different NHS numbers" in response.content.decode()
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize("role", [Role.SAFEGUARDING_LEAD, Role.VOLUNTEER])
def test_only_coordinators_merge(client_as, edith, role):
    first, second = edith
    response = client_as(role).post(
        confirm_url(first, second),
        {
            "keep": str(first.pk),
            "survivor_seen": first.updated_at.isoformat(),
            "merged_seen": second.updated_at.isoformat(),
        },
    )
    assert response.status_code == 403
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_another_organisations_coordinator_cannot_merge_ours(sign_in, charlie, edith, organisation):
    first, second = edith
    response = sign_in(charlie, organisation).post(
        confirm_url(first, second),
        {
            "keep": str(first.pk),
            "survivor_seen": first.updated_at.isoformat(),
            "merged_seen": second.updated_at.isoformat(),
        },
    )
    assert response.status_code == 404
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_the_choose_page_costs_the_same_queries_however_many_records_it_lists(
    client_as, organisation
):
    person = PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    client = client_as(Role.COORDINATOR)
    url = reverse("people:merge", kwargs={"person_id": person.pk})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"q": "shaw"}).status_code == 200
        return len(captured)

    PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    one = queries()
    for _ in range(5):
        PersonFactory(organisation=organisation, given_name="Edith", family_name="Shaw")
    assert queries() == one
