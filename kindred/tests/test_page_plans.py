"""Each coordinator page's main query is served by the index made for it (ADR-100), checked
with EXPLAIN on PostgreSQL once the organisation has city-size tables: no sequential scan of a
big table, and no sort where an index gives the order. Plans, not timings: the benchmarks time."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.accounts.models import Organisation
from kindred.people import selectors as people_selectors
from kindred.people.models import Person
from kindred.referrals import selectors as referral_selectors
from kindred.referrals.models import Channel, Referral, Source, Status
from kindred.relationships import selectors as relationship_selectors
from kindred.relationships.models import Contact, Relationship
from kindred.volunteers import selectors as volunteer_selectors
from kindred.volunteers.models import (
    DbsCheck,
    RoleAssignment,
    Stage,
    TrainingRecord,
    Volunteer,
)
from kindred.volunteers.tests.factories import CourseFactory, RoleFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")

PEOPLE = 30_000
VOLUNTEERS = 3_000
COMMON_SURNAME = "Smith"  # one person in fifty


def _insert_select(model: type[Any], exprs: dict[str, str], source: str, params: list[Any]) -> None:
    """INSERT INTO the model's table SELECT one row per row of `source`: the columns named in
    `exprs` from their SQL (which takes no parameters: `params` are `source`'s), every other
    column its field's default (NULL where it may be)."""
    columns, values, defaults = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(field.column)
        if field.column in exprs:
            values.append(exprs[field.column])
        elif field.null:
            values.append("NULL")
        else:
            values.append("%s")
            defaults.append(field.get_db_prep_save(field.get_default(), connection))
    # Names from the model, SQL written in this file: nothing from outside goes into it.
    table, names, selected = model._meta.db_table, ", ".join(columns), ", ".join(values)
    sql = f"INSERT INTO {table} ({names}) SELECT {selected} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*defaults, *params])


def _fill(organisation: Organisation) -> None:
    """City-size tables, written by INSERT ... SELECT (bulk_create takes minutes on a busy
    machine): people, a referral each (mostly closed history, a few waiting, one in ten urgent),
    and volunteers with roles, DBS checks and training."""
    rng = random.Random(14)
    now = timezone.now()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.14)")
    _insert_select(
        Person,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "s.organisation_id", "given_name": "'Given' || (n %% 1500)",
            "family_name": f"CASE WHEN n %% 50 = 0 THEN '{COMMON_SURNAME}' "
            "ELSE 'Family' || (n %% 997) END",
            "postcode": "'LS' || (n %% 20) || ' ' || (n %% 9) || 'AB'",
        },
        "(SELECT %s::uuid AS organisation_id, n FROM generate_series(1, %s) AS n) AS s",
        [str(organisation.pk), PEOPLE],
    )  # fmt: skip
    # Statuses: 14 in 19 closed, then one each of started, accepted, waiting, declined, received.
    status = (
        "(ARRAY['closed','closed','closed','closed','closed','closed','closed','closed','closed',"
        "'closed','closed','closed','closed','closed','started','accepted','waiting','declined',"
        "'received'])[1 + floor(random() * 19)::int]"
    )
    _insert_select(
        Referral,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "p.organisation_id", "person_id": "p.id",
            "source": f"'{Source.PRACTICE_NURSE.value}'",
            "channel": f"'{Channel.COORDINATOR_FORM.value}'", "reason": "'Lonely'",
            "status": status,
            "priority": "CASE WHEN random() < 0.1 THEN 'urgent' ELSE 'routine' END",
            "received_at": "p.received", "first_contact_due": "(p.received + interval '7 days')::date",
        },
        "(SELECT id, organisation_id, now() - random() * interval '1826 days' AS received "
        "FROM people_person WHERE organisation_id = %s) AS p",
        [str(organisation.pk)],
    )  # fmt: skip
    volunteers = Volunteer.objects.bulk_create(
        (
            Volunteer(
                organisation=organisation,
                given_name=f"V{n % 300}",
                family_name=f"Vol{n % 911}",
                stage=Stage.ACTIVE,
                stage_changed_at=now,
            )
            for n in range(VOLUNTEERS)
        ),
        batch_size=5_000,
    )
    role = RoleFactory(organisation=organisation)
    course = CourseFactory(organisation=organisation)
    RoleAssignment.objects.bulk_create(RoleAssignment(volunteer=v, role=role) for v in volunteers)
    DbsCheck.objects.bulk_create(
        DbsCheck(
            organisation=organisation,
            volunteer=v,
            level="enhanced",
            certificate_number="001234567890",
            certificate_last_digits="7890",
            issued_on=today - dt.timedelta(days=rng.randint(0, 3 * 365)),
        )
        for v in volunteers
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            organisation=organisation,
            volunteer=v,
            course=course,
            completed_on=today - dt.timedelta(days=rng.randint(101, 3 * 365)),
            expires_on=today + dt.timedelta(days=rng.randint(-100, 3 * 365)),
        )
        for v in volunteers
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plan(queryset: QuerySet[Any]) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plans_that_miss(cases: dict[str, tuple[QuerySet[Any], str, str, bool]]) -> dict[str, str]:
    """The plans, by page, of the `cases` (queryset, the index it should read, its table,
    whether a sort may follow) that do not read that index, scan that table or sort."""
    wrong = {}
    for page, (queryset, index, table, may_sort) in cases.items():
        plan = _plan(queryset)
        # What reads the page's rows, not a per-row subquery.
        main = re.split(r"\n\s*SubPlan \d+\n", plan)[0]
        if (
            index not in main
            # The page's own table (a subquery's alias may read one organisation's few rows).
            or f"Seq Scan on {table}  (" in plan
            or (not may_sort and "Sort Key" in main)
        ):
            wrong[page] = plan
    return wrong


def test_each_pages_main_query_reads_its_index(organisation: Organisation) -> None:
    _fill(organisation)
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=volunteer_selectors.REMINDER_DAYS)
    someone = Person.objects.filter(organisation=organisation).first()
    assert someone is not None
    # (query, the index it should read, the big table it must not scan, whether a sort is fine)
    cases: dict[str, tuple[QuerySet[Any], str, str, bool]] = {
        "referral inbox": (
            referral_selectors.referrals_of(organisation=organisation)[:50],
            "ref_inbox_order_idx", "referrals_referral", False,
        ),
        "referral inbox, one status": (
            referral_selectors.referrals_of(organisation=organisation, status=Status.ACCEPTED)[:50],
            "ref_inbox_status_order_idx", "referrals_referral", False,
        ),
        "home: new referrals": (
            # Only the waiting few: the partial index, then a sort within each urgency.
            referral_selectors.new_referrals(organisation=organisation)[:10],
            "ref_awaiting_overdue_idx", "referrals_referral", True,
        ),
        "home: overdue referrals": (
            referral_selectors.overdue_referrals(organisation=organisation)[:10],
            "ref_awaiting_overdue_idx", "referrals_referral", False,
        ),
        "people list": (
            people_selectors.people_of(organisation=organisation)[:50],
            "person_org_name_idx", "people_person", False,
        ),
        "people search, common surname": (
            people_selectors.people_of(organisation=organisation, search=COMMON_SURNAME)[:50],
            "person_org_family_name_prefix_idx", "people_person", True,
        ),
        "person record": (
            Person.objects.filter(organisation=organisation, pk=someone.pk).order_by(),
            "people_person_pkey", "people_person", False,
        ),
        "volunteers list": (
            volunteer_selectors.volunteers_of(organisation=organisation)[:50],
            "volunteer_org_name_idx", "volunteers_volunteer", False,
        ),
        "volunteers board, one stage": (
            volunteer_selectors.longest_at(organisation=organisation, stage=Stage.ACTIVE)[:20],
            "volunteer_org_stage_since_idx", "volunteers_volunteer", False,
        ),
        "home: training running out": (
            volunteer_selectors._training_running_out(organisation, horizon)[:15],
            "training_expiry_idx", "volunteers_trainingrecord", True,
        ),
        "home: DBS checks running out": (
            volunteer_selectors._dbs_checks_running_out(organisation, horizon)[:15],
            "dbs_org_issued_idx", "volunteers_dbscheck", True,
        ),
    }  # fmt: skip
    wrong = plans_that_miss(cases)
    # A common surname's few hundred are found by their prefix, never by walking the name
    # index past everyone before them.
    search = _plan(people_selectors.people_of(organisation=organisation, search="smi")[:50])
    if "person_org_name_idx" in search:
        wrong["people search walks the name index"] = search
    assert not wrong, "\n\n".join(f"{page}:\n{plan}" for page, plan in wrong.items())


def _fill_contacts(organisation: Organisation, *, each: int) -> None:
    """`each` contacts for every relationship of `organisation`, on days of the last year, one in
    ten marked worried."""
    _insert_select(
        Contact,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "r.organisation_id", "relationship_id": "r.id",
            "happened_on": "current_date - floor(random() * 365)::int", "mode": "'phone'",
            "feeling": "CASE WHEN random() < 0.1 THEN 'a_bit_worried' ELSE 'fine' END",
        },
        "(SELECT id, organisation_id FROM relationships_relationship, generate_series(1, %s) "
        "WHERE organisation_id = %s) AS r",
        [each, str(organisation.pk)],
    )  # fmt: skip


def _fill_relationships(organisation: Organisation) -> None:
    """City-size relationships (one for each of PEOPLE // 2 people: most ended, the rest
    introduced, active or paused, with reviews and last contacts spread over the past year) and
    four contacts each, one in ten of them worried."""
    _insert_select(
        Relationship,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "p.organisation_id", "person_id": "p.id", "status": "p.status",
            "introduced_on": "current_date - 400", "started_on": "current_date - 390",
            "ended_on": "CASE WHEN p.status = 'ended' THEN current_date - 30 END",
            "next_review_on": "current_date - 200 + floor(random() * 300)::int",
            "last_contact_on": "current_date - floor(random() * 365)::int",
        },
        "(SELECT id, organisation_id, (ARRAY['ended','ended','ended','introduced','active',"
        "'active','active','paused'])[1 + floor(random() * 8)::int] AS status "
        "FROM people_person WHERE organisation_id = %s LIMIT %s) AS p",
        [str(organisation.pk), PEOPLE // 2],
    )  # fmt: skip
    _fill_contacts(organisation, each=4)
    with connection.cursor() as cursor:
        # Outside a transaction (the test's database is transactional), as autovacuum would:
        # a count reads an index alone only where the visibility map says it may.
        cursor.execute("VACUUM ANALYZE")


def _count_plan(queryset: QuerySet[Any]) -> str:
    """The plan of `queryset.count()`: the query it sends, explained."""
    with CaptureQueriesContext(connection) as sent:
        queryset.count()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sent.captured_queries[-1]['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_home_panels_read_their_indexes(organisation: Organisation) -> None:
    """The coordinator home page's panels over thousands of open relationships, contacts and
    people (ADR-126): each reads the ten it shows in the order of its index, and counts from
    an index, never from the table."""
    _fill(organisation)
    _fill_relationships(organisation)
    today = timezone.localdate()
    quiet = relationship_selectors.gone_quiet(organisation=organisation, today=today)
    reviews = relationship_selectors.reviews_overdue(organisation=organisation, today=today)
    worried = relationship_selectors.worried_contacts(organisation=organisation, today=today)
    people = people_selectors.people_of(organisation=organisation)
    shown: dict[str, tuple[str, str]] = {
        # (the plan, the index it should read): no sort, no scan of the table.
        "reviews overdue": (_plan(reviews[:10]), "relationship_review_due_idx"),
        "relationships gone quiet": (_plan(quiet[:10]), "relationship_quiet_since_idx"),
        "worried contacts": (_plan(worried[:10]), "contact_org_worried_idx"),
    }
    counted: dict[str, tuple[str, str]] = {
        "reviews overdue, counted": (_count_plan(reviews), "relationship_review_due_idx"),
        "worried contacts, counted": (_count_plan(worried), "contact_org_worried_idx"),
        "people supported, counted": (_count_plan(people), "person_org_unmerged_idx"),
    }
    wrong = {
        name: plan
        for name, (plan, index) in {**shown, **counted}.items()
        if index not in plan
        or "Seq Scan on relationships_" in plan
        or "Seq Scan on people_person" in plan
        or (name in shown and "Sort Key" in plan)
    }
    assert not wrong, "\n\n".join(f"{name}:\n{plan}" for name, plan in wrong.items())


RELATIONSHIPS = 15_000
CONTACTS = 60_000


def _fill_caseload(organisation: Organisation) -> None:
    """A city's relationships, by INSERT ... SELECT: one for each of RELATIONSHIPS people, three
    in five ended (the history: those went quiet longest ago), the rest introduced, active or
    paused, each last contacted some day of the last year; and CONTACTS contacts among them,
    one in ten marked worried."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.27)")
    _insert_select(
        Person,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "s.organisation_id", "given_name": "'Given' || (n %% 1500)",
            "family_name": "'Family' || (n %% 997)", "postcode": "'LS1 1AB'",
        },
        "(SELECT %s::uuid AS organisation_id, n FROM generate_series(1, %s) AS n) AS s",
        [str(organisation.pk), RELATIONSHIPS],
    )  # fmt: skip
    _insert_select(
        Relationship,
        {
            "id": "gen_random_uuid()", "created_at": "now()", "updated_at": "now()",
            "organisation_id": "p.organisation_id", "person_id": "p.id", "status": "p.status",
            "introduced_on": "(now() - interval '400 days')::date",
            "started_on": "CASE WHEN p.status = 'introduced' THEN NULL "
            "ELSE (now() - interval '390 days')::date END",
            "last_contact_on": "CASE WHEN p.status = 'introduced' THEN NULL "
            "ELSE (now() - random() * interval '365 days')::date END",
            "ended_on": "CASE WHEN p.status = 'ended' THEN (now() - interval '1 day')::date END",
        },
        "(SELECT id, organisation_id, CASE WHEN random() < 0.6 THEN 'ended' ELSE (ARRAY["
        "'introduced','active','active','active','paused'])[1 + floor(random() * 5)::int] END "
        "AS status FROM people_person WHERE organisation_id = %s) AS p",
        [str(organisation.pk)],
    )  # fmt: skip
    _fill_contacts(organisation, each=CONTACTS // RELATIONSHIPS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_the_caseload_reads_its_order_from_its_index(organisation: Organisation) -> None:
    """Open relationships, longest since contact first (ADR-127): read in that order from
    relationship_caseload_idx, people joined by their key, then only ties on the day sorted (an
    incremental sort), never a sort of every open relationship; the worried flag reads the
    recent worried contacts from contact_worried_idx, never every contact."""
    _fill_caseload(organisation)
    plan = _plan(
        relationship_selectors.caseload(organisation=organisation, today=timezone.localdate())[:50]
    )
    assert "relationship_caseload_idx" in plan, plan
    assert "Presorted Key" in plan, plan  # an incremental sort of the ties only
    assert not re.search(r"(^|->  )Sort  \(", plan, re.MULTILINE), plan
    assert "Seq Scan on relationships_relationship " not in plan, plan
    assert "Seq Scan on people_person " not in plan, plan
    assert "Seq Scan on relationships_contact " not in plan, plan
