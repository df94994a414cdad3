"""Deny by default: every route declares who may use it, and this test checks each one for an
anonymous visitor, for each role, and for Charlie, who holds every role in another organisation.
Adding a route without adding it here fails the first test."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from kindred.accounts.models import Role
from kindred.core.access import PUBLIC, SIGNED_IN, access_rule_of
from kindred.people.tests.factories import PersonFactory

ALL_ROLES = frozenset(Role)
# route name -> PUBLIC, SIGNED_IN, or the roles (in the organisation acted for) that may use it
EXPECTED: dict[str, object] = {
    "core:root": PUBLIC,
    "core:health": PUBLIC,
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:choose_organisation": SIGNED_IN,
    "core:home": ALL_ROLES,
    "core:audit_log": {Role.ORGANISATION_ADMIN},
    "accounts:members": {Role.ORGANISATION_ADMIN, Role.NETWORK_ADMIN},
    "people:list": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "people:add": {Role.COORDINATOR},
    "people:detail": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
    "people:audit": {Role.COORDINATOR, Role.SAFEGUARDING_LEAD},
}
POST_ONLY = {"accounts:sign_out"}
PROTECTED = sorted(name for name, rule in EXPECTED.items() if rule not in (PUBLIC, SIGNED_IN))


def named_routes(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"route {pattern.pattern} has no name"
            names.append(namespace + pattern.name)
    return names


def url_for(name: str, person) -> str:
    kwargs = (
        {"person_id": person.pk}
        if name.startswith("people:") and name not in {"people:list", "people:add"}
        else {}
    )
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def person(organisation):
    return PersonFactory(organisation=organisation, given_name="Winifred", family_name="Oakhampton")


def test_every_route_is_in_the_access_table():
    assert sorted(named_routes()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_route_declares_its_access_rule(name, person):
    rule = access_rule_of(resolve(url_for(name, person)).func)
    assert rule is not None
    expected = EXPECTED[name]
    assert rule.kind == expected if expected in (PUBLIC, SIGNED_IN) else rule.kind == "permission"


@pytest.mark.parametrize("name", [*PROTECTED, "accounts:choose_organisation"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name, person):
    url = url_for(name, person)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?next=")


@pytest.mark.parametrize("name", PROTECTED)
def test_another_organisations_user_sees_nothing_of_ours(
    sign_in, charlie, other_organisation, organisation, name, person
):
    # Charlie even forges a session that claims to act for our organisation.
    client = sign_in(charlie, organisation)
    response = client.get(url_for(name, person))
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        body = response.content.decode()
        assert "Winifred" not in body and organisation.name not in body
        assert other_organisation.name in body  # they are acting for their own organisation


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("name", PROTECTED)
def test_each_role_gets_exactly_what_its_rule_allows(client_as, role, name, person):
    response = client_as(role).get(url_for(name, person))
    assert response.status_code == (200 if role in EXPECTED[name] else 403)
    if response.status_code == 403:
        assert "You do not have permission to see this page" in response.content.decode()


def test_a_user_with_no_organisation_is_asked_to_choose_one(sign_in, make_user, organisation):
    user = make_user(organisation=organisation)  # no roles at all
    response = sign_in(user).get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:choose_organisation"
    )
    page = sign_in(user).get(reverse("accounts:choose_organisation"))
    assert "You do not have a role in any organisation yet" in page.content.decode()


def test_sign_out_only_accepts_post(client_as):
    client = client_as(Role.COORDINATOR)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302  # signed out


def test_a_view_without_an_access_rule_is_refused(rf, coordinator):
    from django.http import HttpResponse

    from kindred.core.access import AccessMiddleware

    def undeclared(request):
        return HttpResponse("secret")

    request = rf.get("/")
    request.user = coordinator
    middleware = AccessMiddleware(lambda r: HttpResponse())
    with pytest.raises(Exception) as refused:
        middleware.process_view(request, undeclared, (), {})
    assert type(refused.value).__name__ == "PermissionDenied"
