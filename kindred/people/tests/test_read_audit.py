"""Every page that shows a person's details audits the view (issue 10, item 11).

The pages are not listed here: the test walks every route in the access tables
(`kindred/<app>/tests/access.py`, read by kindred/core/tests/test_routes.py), opens it as each
role allowed to, with the sample records those tables make, and wherever the page shows one of
the sample people (their name, NHS number or date of birth) it checks that the request wrote an
audit entry naming that person: the person as the entry's target, or their id in its detail
(a list page names every person it shows in `detail["people"]`). A new page that shows people
is checked as soon as its route is declared.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import string
from collections.abc import Callable, Collection
from itertools import product

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from kindred.accounts.models import Organisation, Role, User
from kindred.core.access import PASSWORD_CHECKED, PUBLIC, SIGNED_IN
from kindred.core.models import AuditEvent
from kindred.core.presenters import local_date
from kindred.core.tests import test_routes
from kindred.core.tests.test_routes import EXPECTED, POST_ONLY, url_for
from kindred.people.identifiers import format_nhs_number, nhs_number_check_digit
from kindred.people.models import Person
from kindred.relationships.models import OPEN, Relationship, Supporter
from kindred.relationships.selectors import SUPPORTER_ROLES
from kindred.volunteers.tests.factories import VolunteerFactory

PERSON = Person._meta.label_lower
samples = test_routes.samples  # the route test's fixture: one sample record per URL argument


def _roles_allowed(name: str) -> list[Role | None]:
    """Who may GET the route: None is a visitor who is not signed in."""
    rule = EXPECTED[name]
    if rule == PUBLIC:
        return [None]
    roles: list[Role | None] = []
    if rule in (SIGNED_IN, PASSWORD_CHECKED):
        roles.extend(sorted(Role))
    else:
        assert isinstance(rule, set | frozenset)
        roles.extend(sorted(rule))
    return roles


GET_ROUTES = sorted(name for name in EXPECTED if name not in POST_ONLY)
# Query-string arguments some pages take to show someone (a search, a chosen person or
# referral), and the sample that fills each in. A page whose view reads one is opened with it too.
SEARCH_WORD = "Quarrington"  # every sample person's family name starts with it (below)
QUERY_ARGUMENTS = {"q": lambda s: SEARCH_WORD, "person": lambda s: s["person_id"],
                   "referral": lambda s: s["referral_id"]}  # fmt: skip


def _urls(name: str, samples) -> list[str]:
    """The page, and the page with each query argument its view reads."""
    url = url_for(name, samples)
    view = getattr(resolve(url).func, "view_class", resolve(url).func)
    source = inspect.getsource(view)
    module = inspect.getmodule(view)
    for helper in set(re.findall(r"\b(_\w+)\(", source)):  # and the view's own helpers
        if inspect.isfunction(found := getattr(module, helper, None)):
            source += inspect.getsource(found)
    urls = [url]
    for argument, value in QUERY_ARGUMENTS.items():
        reads = re.search(rf"GET\.get\(\s*[\"']{argument}[\"']", source)
        if reads or (argument == "q" and "request.GET or None" in source):
            urls.append(f"{url}?{argument}={value(samples)}")
    return urls


def _nhs_number(n: int) -> str:
    """The n-th valid NHS number of a series nobody else uses."""
    for candidate in range(999_000_000 + n * 20, 999_000_000 + n * 20 + 20):
        check = nhs_number_check_digit(str(candidate))
        if check is not None:
            return f"{candidate}{check}"
    raise AssertionError("no valid NHS number in the range")  # pragma: no cover


def _tell_the_sample_people_apart(organisation) -> dict[str, list[str]]:
    """Give each sample person a name, NHS number and date of birth found nowhere else, and
    return what would show each of them on a page (their id -> the strings)."""
    tags = ("".join(pair) for pair in product(string.ascii_lowercase, repeat=2))
    shown_by: dict[str, list[str]] = {}
    people = list(Person.objects.filter(organisation=organisation).order_by("created_at", "pk"))
    assert len(people) >= 5, "the access tables make several sample people"
    for n, (person, tag) in enumerate(zip(people, tags, strict=False)):
        person.given_name = f"Ysolde{tag}"
        person.family_name = f"Quarrington{tag}"
        person.preferred_name = ""
        person.nhs_number = _nhs_number(n)
        person.date_of_birth = dt.date(1901 + n, 1 + n % 12, 1 + n % 28)
        person.save(
            update_fields=[
                "given_name",
                "family_name",
                "preferred_name",
                "nhs_number",
                "date_of_birth",
            ]
        )
        shown_by[str(person.pk)] = [
            person.given_name,
            person.family_name,
            person.nhs_number,
            format_nhs_number(person.nhs_number),
            local_date(person.date_of_birth),
        ]
    return shown_by


def _client_for(
    role: Role | None,
    organisation: Organisation,
    make_user: Callable[..., User],
    sign_in: Callable[[User, Organisation | None], Client],
) -> Client:
    """A visitor, or a user with `role`. A volunteer or facilitator supports every open sample
    relationship, so the pages a supporter sees only for their own people show them."""
    if role is None:
        return Client()
    user = make_user(role, organisation=organisation)
    if role in SUPPORTER_ROLES:
        volunteer = VolunteerFactory(organisation=organisation, user=user)
        for relationship in Relationship.objects.filter(organisation=organisation, status__in=OPEN):
            Supporter.objects.create(
                relationship=relationship, volunteer=volunteer, joined_on=dt.date(2026, 1, 5)
            )
    return sign_in(user, organisation)


def _people_shown(body: str, shown_by: dict[str, list[str]]) -> set[str]:
    return {
        person_id
        for person_id, words in shown_by.items()
        if any(re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", body) for word in words)
    }


def _ids_in(value: object) -> set[str]:
    """Every string anywhere in an entry's detail (ids of people among them)."""
    if isinstance(value, dict):
        return set().union(*(_ids_in(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_ids_in(v) for v in value)) if value else set()
    return {str(value)} if value is not None else set()


def _people_named(entries) -> set[str]:
    named: set[str] = set()
    for entry in entries:
        if entry.target_type == PERSON:
            named.add(entry.target_id)
        named |= _ids_in(entry.detail)
    return named


@pytest.mark.parametrize("name", GET_ROUTES)
def test_every_page_that_shows_a_person_audits_the_view(
    name, organisation, samples, make_user, sign_in
):
    shown_by = _tell_the_sample_people_apart(organisation)
    unaudited: list[str] = []
    for url, role in product(_urls(name, samples), _roles_allowed(name)):
        client = _client_for(role, organisation, make_user, sign_in)
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        response = client.get(url)
        if response.status_code != 200:
            continue
        # A page, or a download's whole stream (ADR-093).
        shown = _people_shown(response.getvalue().decode(errors="replace"), shown_by)
        written = AuditEvent.objects.exclude(pk__in=before)
        missing = shown - _people_named(written)
        if missing:
            unaudited.append(
                f"{url} as {role or 'anonymous'}: {len(missing)} of the {len(shown)} sample "
                f"people shown with no audit entry naming them; "
                f"entries written: {sorted(e.action for e in written) or 'none'}"
            )
    assert not unaudited, f"{name}: " + "; ".join(unaudited)


def test_the_check_sees_a_person_on_a_page_and_an_unaudited_view(organisation, samples, client_as):
    """The test above can fail: a person's record page shows them, and an entry naming someone
    else would not count."""
    shown_by = _tell_the_sample_people_apart(organisation)
    person_id = str(samples["person_id"])
    response = client_as(Role.COORDINATOR).get(url_for("people:detail", samples))
    assert _people_shown(response.content.decode(), shown_by) == {person_id}
    someone_else = next(pk for pk in shown_by if pk != person_id)
    entry = AuditEvent(target_type=PERSON, target_id=someone_else, detail={"page": "x"})
    assert person_id not in _people_named([entry])
    listed = AuditEvent(target_type="", target_id="", detail={"people": [person_id]})
    assert person_id in _people_named([listed])


def _views_written(before: Collection[object]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).filter(action="person.viewed"))


def test_a_list_page_writes_one_entry_naming_everyone_it_shows_in_fixed_queries(
    client_as, organisation, django_assert_max_num_queries
):
    from kindred.people.selectors import people_of
    from kindred.people.tests.factories import PersonFactory

    client = client_as(Role.COORDINATOR)
    url = url_for("people:list", {})
    PersonFactory.create_batch(3, organisation=organisation)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    PersonFactory.create_batch(60, organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    [entry] = _views_written(before)
    on_page = [str(p.pk) for p in people_of(organisation=organisation)[:50]]  # page 1 of 63
    assert entry.detail == {"page": "people", "people": on_page}
    assert entry.target_id == "" and entry.organisation == organisation


def test_a_persons_trail_shows_the_lists_that_showed_them_and_no_one_elses(
    client_as, organisation, other_organisation, charlie
):
    from kindred.core.services import Acting, audit_record
    from kindred.people import selectors
    from kindred.people.tests.factories import PersonFactory

    shown = PersonFactory(organisation=organisation, family_name="Wetherby")
    not_shown = PersonFactory(organisation=organisation, family_name="Ashdown")
    client = client_as(Role.COORDINATOR)
    client.get(url_for("people:list", {}) + "?q=Wetherby")
    # An entry in another organisation's log naming our person's id is not in our trail.
    audit_record(
        by=Acting(charlie, other_organisation),
        action="person.viewed",
        detail={"page": "x", "people": [str(shown.pk)]},
    )
    trail = list(selectors.audit_trail_of(organisation=organisation, person=shown))
    assert [(e.action, e.detail["page"]) for e in trail] == [("person.viewed", "people")]
    assert list(selectors.audit_trail_of(organisation=organisation, person=not_shown)) == []
    page = client.get(url_for("people:audit", {"person_id": shown.pk})).content.decode()
    assert "1 entry" in page and "person.viewed" in page


def test_a_refused_read_is_not_recorded_as_a_view(client_as, organisation):
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client_as(Role.VOLUNTEER).get(
        url_for("referrals:gp_concern", {"person_id": person.pk})
    )
    assert response.status_code == 404  # they do not support this person
    written = AuditEvent.objects.exclude(pk__in=before)
    assert [e.action for e in written] == ["gp_concern.raise_refused"]


def test_the_home_page_writes_one_entry_for_all_its_panels(client_as, organisation):
    from kindred.people.tests.factories import PersonFactory
    from kindred.relationships.tests.factories import RelationshipFactory

    added = PersonFactory(organisation=organisation)  # "people you support", added recently
    quiet = RelationshipFactory(  # "gone quiet"
        organisation=organisation, last_contact_on=timezone.localdate() - dt.timedelta(days=60)
    )
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    client_as(Role.COORDINATOR).get(url_for("core:home", {}))
    [entry] = _views_written(before)
    assert entry.detail["page"] == "home"
    assert {str(added.pk), str(quiet.person_id)} <= set(entry.detail["people"])


def test_network_matching_records_the_view_in_each_persons_organisation(
    make_user, sign_in, organisation
):
    from kindred.accounts.tests.factories import OrganisationFactory
    from kindred.matching.models import NetworkSharing
    from kindred.matching.tests.factories import eligible_supporter, waiting_referral
    from kindred.people import selectors

    neighbour = OrganisationFactory(slug="maecare", network=organisation.network)
    for place in (organisation, neighbour):
        NetworkSharing.objects.update_or_create(organisation=place, defaults={"shares": True})
    theirs = waiting_referral(neighbour, "Ada")
    eligible_supporter(organisation, "Sam")
    admin = make_user(Role.NETWORK_ADMIN, organisation=organisation)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    page = sign_in(admin, organisation).get(url_for("matching:network_suggest", {}))
    assert theirs.person.display_name in page.content.decode()
    by_organisation = {e.organisation_id: e for e in _views_written(before)}
    assert set(by_organisation) == {organisation.pk, neighbour.pk}
    assert by_organisation[neighbour.pk].detail["people"] == [str(theirs.person_id)]
    assert by_organisation[neighbour.pk].detail["acting_for"] == str(organisation.pk)
    trail = selectors.audit_trail_of(organisation=neighbour, person=theirs.person)
    assert [e.actor for e in trail] == [admin]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_persons_trail_uses_indexes_not_a_scan_of_the_organisations_log(organisation):
    """The trail's two halves (entries on the record, lists that named the person) each have an
    index on PostgreSQL, so opening it in an organisation with a long log reads a few entries,
    not every entry of the organisation."""
    from kindred.people import selectors
    from kindred.people.tests.factories import PersonFactory

    person = PersonFactory(organisation=organisation)
    with connection.cursor() as cursor:
        # 20,000 entries of the organisation about others (a chain of its own is not needed for a
        # plan: these rows are rolled back with the test).
        cursor.execute(
            """
            INSERT INTO core_auditevent (id, occurred_at, actor_label, organisation_id, action,
                target_type, target_id, detail, sequence, previous_hash, entry_hash)
            SELECT gen_random_uuid(), now(), 'x', %s, 'person.viewed', 'people.person',
                gen_random_uuid()::text,
                jsonb_build_object('page', 'people', 'people',
                    jsonb_build_array(gen_random_uuid()::text, gen_random_uuid()::text)),
                1000000 + n, '', ''
            FROM generate_series(1, 20000) AS n
            """,
            [str(organisation.pk)],
        )
        cursor.execute("ANALYZE core_auditevent")
        sql, params = selectors.audit_trail_of(
            organisation=organisation, person=person
        ).query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_people_gin" in plan, plan
    assert "audit_target_idx" in plan, plan
    assert "Seq Scan on core_auditevent" not in plan, plan
