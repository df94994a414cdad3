"""Finding people on the people list by phone, NHS number, email, postcode or name, however
they are written (issue 12, ADR-089), with an index doing the finding on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.people import selectors, services
from kindred.people.tests.factories import PersonFactory


@pytest.fixture
def edna(organisation):
    return PersonFactory(
        organisation=organisation,
        given_name="Edna",
        family_name="Pickles",
        phone="01614960000",
        nhs_number="9434765919",
        email="Edna.Pickles@Example.com",
        postcode="LS8 2AP",
    )


@pytest.fixture
def others(organisation, other_organisation):
    """Someone else of ours, and someone of another organisation with Edna's details."""
    return [
        PersonFactory(
            organisation=organisation,
            given_name="Arthur",
            family_name="Pendle",
            phone="0161 496 0001",
            postcode="SK1 3XE",
        ),
        PersonFactory(
            organisation=other_organisation,
            given_name="Edna",
            family_name="Pickles",
            phone="01614960000",
            nhs_number="9434765919",
            email="edna.pickles@example.com",
            postcode="LS8 2AP",
        ),
    ]


def found(organisation, search):
    return list(selectors.people_of(organisation=organisation, search=search))


@pytest.mark.parametrize(
    "search",
    [
        # phone, however it is written
        "01614960000",
        "0161 496 0000",
        "0161-496-0000",
        "+44 161 496 0000",
        "+44 (0)161 496 0000",
        "0044 161 496 0000",
        # NHS number, with or without spaces
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        # email, in any case
        "edna.pickles@example.com",
        "EDNA.PICKLES@EXAMPLE.COM",
        # postcode, any spacing or case
        "LS8 2AP",
        "ls82ap",
        " ls8 2ap ",
        # names and parts of postcodes, as before
        "Pickles",
        "edna pick",
        "LS8",
    ],
)
def test_each_way_of_writing_what_is_known_finds_them_and_only_them(
    organisation, edna, others, search
):
    assert found(organisation, search) == [edna]


def test_a_phone_number_kept_with_spaces_is_found_without(organisation, others):
    arthur = others[0]
    assert found(organisation, "01614960001") == [arthur]
    assert found(organisation, "+441614960001") == [arthur]


@pytest.mark.parametrize(
    "search", ["0161 496", "9434765918", "ednapickles@example.com", "LS8 2AQ", "Smith"]
)
def test_near_misses_find_nobody(organisation, edna, others, search):
    assert found(organisation, search) == []


def test_a_changed_phone_number_is_found_and_the_old_one_is_not(organisation, coordinator, edna):
    services.person_details_update(
        by=Acting(coordinator, organisation), person=edna, changes={"phone": "+44 7700 900123"}
    )
    assert found(organisation, "07700 900123") == [edna]
    assert found(organisation, "0161 496 0000") == []


def test_someone_added_through_the_form_is_found_by_their_phone(client_as, organisation):
    client = client_as(Role.COORDINATOR)
    client.post(
        reverse("people:add"),
        {"given_name": "Ada", "family_name": "Lowe", "phone": "+44 (0)113 496 0123"},
    )
    page = client.get(reverse("people:list"), {"q": "0113 496 0123"}).content.decode()
    assert "Ada Lowe" in page and '1 person found for "0113 496 0123"' in page


def test_the_list_says_what_can_be_searched(client_as, edna):
    page = client_as(Role.COORDINATOR).get(reverse("people:list")).content.decode()
    assert "Search by name, postcode, phone number, NHS number or email address" in page


@pytest.mark.parametrize("search", ["", "Pickles", "0161 496 0000"])
def test_the_list_costs_the_same_queries_for_3_people_as_for_60(client_as, organisation, search):
    client = client_as(Role.COORDINATOR)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("people:list"), {"q": search} if search else {})
        assert response.status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            PersonFactory(organisation=organisation, family_name="Pickles", phone="0161 496 0000")

    add(3)
    few = queries()
    add(57)
    page = client.get(reverse("people:list"), {"q": search} if search else {}).content.decode()
    assert "60 people" in page
    assert queries() == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
@pytest.mark.parametrize(
    ("search", "indexes"),
    [
        ("+44 161 496 0000", ["person_org_phone_idx"]),
        # Ten digits may be a phone number or an NHS number: both indexes, or'ed (the NHS
        # number's is either of the two that begin with the organisation and the number).
        ("943 476 5919", ["person_org_phone_idx"]),
        ("943 476 5919", ["person_org_nhs_idx", "person_unique_nhs_number"]),
        ("Edna.Pickles@example.com", ["person_org_email_idx"]),
        ("ls82ap", ["person_org_postcode_idx"]),
    ],
)
def test_a_search_by_what_is_known_is_an_index_look_up_not_a_scan(organisation, search, indexes):
    """With 30,000 people in the organisation, each search reads its index: the plan never scans
    the people table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_person (id, created_at, updated_at, organisation_id, given_name,
                family_name, preferred_name, nhs_number, address, postcode, phone, phone_digits,
                email, preferred_contact, language, gender, gender_described, gp_practice_ods)
            SELECT gen_random_uuid(), now(), now(), %s, 'Given' || n, 'Family' || (n %% 997), '',
                (1000000000 + n)::text, '', 'LS' || (n %% 20) || ' ' || (n %% 9) || 'AB',
                '0161 ' || (4000000 + n), '0161' || (4000000 + n), 'p' || n || '@example.com',
                '', '', '', '', ''
            FROM generate_series(1, 30000) AS n
            """,
            [str(organisation.pk)],
        )
        cursor.execute("ANALYZE people_person")
        queryset = selectors.people_of(organisation=organisation, search=search)
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert any(index in plan for index in indexes), plan
    assert "Seq Scan on people_person" not in plan, plan
