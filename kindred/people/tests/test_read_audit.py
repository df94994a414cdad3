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
from itertools import product

import pytest
from django.test import Client
from django.urls import resolve

from kindred.accounts.models import Role
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
    if rule in (SIGNED_IN, PASSWORD_CHECKED):
        return sorted(Role)
    return sorted(rule)  # type: ignore[call-overload]


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


def _client_for(role: Role | None, organisation, make_user, sign_in) -> Client:
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
        shown = _people_shown(response.content.decode(errors="replace"), shown_by)
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
