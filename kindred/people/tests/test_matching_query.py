"""Finding the record a referral is about: both rules (NHS number; name, date of birth and
postcode) in one query, the same one however many people the organisation holds, served by
their indexes on PostgreSQL (ADR-128). What the rules decide is tested in test_nhs_number.py and
test_people.py; this is what they cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.accounts.models import Organisation
from kindred.core.services import Acting
from kindred.people import identifiers
from kindred.people.models import Person
from kindred.people.services import MatchedBy, PersonDetails, match_candidates, person_match
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _nhs_number(seed: int) -> str:
    while (digit := identifiers.nhs_number_check_digit(str(seed))) is None:
        seed += 1
    return f"{seed}{digit}"


def _details(**changes: Any) -> PersonDetails:
    values: dict[str, Any] = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": dt.date(1950, 3, 4),
        "postcode": "ls1 1ur",
        "nhs_number": "",
    }
    values.update(changes)
    return PersonDetails(**values)


def _queries(organisation: Organisation, details: PersonDetails) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        match = person_match(by=Acting.system("t", organisation), details=details)
    return len(captured.captured_queries), match


def test_each_rule_and_both_together_take_one_query_at_two_sizes(organisation):
    number = _nhs_number(401023213)
    cases = {
        "both": _details(nhs_number=number),
        "nhs number only": _details(nhs_number=number, postcode=""),
        "name only": _details(),
    }
    small = {name: _queries(organisation, d)[0] for name, d in cases.items()}
    PersonFactory.create_batch(30, organisation=organisation, family_name="Lovelace")
    large = {name: _queries(organisation, d)[0] for name, d in cases.items()}
    assert small == large == {"both": 1, "nhs number only": 1, "name only": 1}
    assert _queries(organisation, _details(postcode="", date_of_birth=None))[0] == 0


def test_the_nhs_number_wins_over_an_older_record_of_the_same_name(organisation):
    number = _nhs_number(401023300)
    older = PersonFactory(organisation=organisation, given_name="Ada", family_name="Lovelace",
                          date_of_birth=dt.date(1950, 3, 4), postcode="LS1 1UR")  # fmt: skip
    theirs = PersonFactory(organisation=organisation, nhs_number=number, family_name="Byron")
    assert older.created_at <= theirs.created_at
    count, match = _queries(organisation, _details(nhs_number=number))
    assert count == 1
    assert match.person == theirs and match.matched_by == MatchedBy.NHS_NUMBER
    # Without the number, the record of the same name, date of birth and postcode is them.
    _count, match = _queries(organisation, _details())
    assert match.person == older and match.matched_by == MatchedBy.NAME_BIRTH_POSTCODE
    # With another number, the one of the same name (who has no number) may be them too.
    _count, match = _queries(organisation, _details(nhs_number=_nhs_number(401023400)))
    assert match.person == older


def test_a_record_with_another_nhs_number_is_only_a_possible_duplicate(organisation):
    other = PersonFactory(organisation=organisation, given_name="Ada", family_name="Lovelace",
                          date_of_birth=dt.date(1950, 3, 4), postcode="LS1 1UR",
                          nhs_number=_nhs_number(401023500))  # fmt: skip
    _count, match = _queries(organisation, _details(nhs_number=_nhs_number(401023600)))
    assert match.person is None and match.possible_duplicate == other


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_the_one_query_reads_an_index_for_each_rule_not_the_table(organisation):
    Person.objects.bulk_create(
        Person(
            organisation=organisation,
            given_name=f"Given{n}",
            family_name=f"Family{n % 500}",
            date_of_birth=dt.date(1940 + n % 60, 1 + n % 12, 1 + n % 28),
            postcode=f"LS{1 + n % 9} {1 + n % 9}UR",
            nhs_number=_nhs_number(500000000 + 17 * n),
        )
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_person")
    candidates = match_candidates(
        organisation=organisation, details=_details(nhs_number=_nhs_number(401023213))
    )
    assert candidates is not None
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Each rule through an index (the name rule through whichever of its indexes is most
    # selective: date of birth and postcode, or a name's), never the organisation's table.
    assert "Seq Scan on people_person" not in plan, plan
    assert "person_unique_nhs_number" in plan or "person_org_nhs_idx" in plan, plan
    assert plan.count("Index Scan on person") + plan.count("Index Scan using person") >= 2, plan
