"""Issue 10, item 9: behind the documented proxy, lockout and rate limits counted the proxy's
address, so five wrong passwords locked an account for everyone and five self-referrals blocked
the whole public. The client address now comes from the trusted proxy's header only, in one place
(kindred.core.services.client_ip), and lockout is keyed on account plus address."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kindred.core.addresses import client_address, parse_address, trusted_networks
from kindred.core.environment import env_proxies
from kindred.core.models import AuditEvent
from kindred.core.services import client_ip
from kindred.referrals.models import Referral
from kindred.referrals.tests import test_forms as self_referral_form
from kindred.referrals.views import SELF_REFERRALS_PER_HOUR

PROXY = "10.0.0.10"  # the proxy in .env.tpl
ALICE = "198.51.100.1"
BOB = "198.51.100.2"
MALLORY = "203.0.113.66"  # connects to Kindred directly, not through the proxy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = (PROXY + "/32", "10.0.1.0/24")


def through_proxy(client_address: str, *, forged: str = "") -> dict[str, str]:
    """What the proxy sends Kindred for a client: its own address as REMOTE_ADDR, and the client's
    appended to whatever X-Forwarded-For the client sent (nginx's $proxy_add_x_forwarded_for)."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def address_of(**meta: Any) -> str | None:
    return client_ip(RequestFactory().get("/", **meta))


# The one place: client_ip


def test_behind_the_proxy_the_client_is_the_address_the_proxy_saw():
    assert address_of(**through_proxy(ALICE)) == ALICE
    # a client cannot choose its address by writing the header itself: the proxy appends
    assert address_of(**through_proxy(ALICE, forged=BOB)) == ALICE
    assert address_of(**through_proxy(ALICE, forged="1.2.3.4, 10.0.0.10")) == ALICE


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    # the client -> 10.0.1.5 (an inner proxy) -> 10.0.0.10 -> Kindred
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{BOB}, {ALICE}, 10.0.1.5"}
    assert address_of(**meta) == ALICE


def test_a_forged_header_from_anyone_but_the_proxy_is_ignored():
    assert address_of(REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=ALICE) == MALLORY
    assert address_of(REMOTE_ADDR=MALLORY) == MALLORY


def test_without_a_proxy_the_connection_is_the_client(settings):
    settings.TRUSTED_PROXIES = ()
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE) == PROXY
    assert address_of(REMOTE_ADDR=ALICE) == ALICE


def test_addresses_with_ports_brackets_and_mapped_ipv4_are_understood():
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ALICE}:51234") == ALICE
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="[2001:db8::7]:443") == "2001:db8::7"
    assert address_of(REMOTE_ADDR="::ffff:" + PROXY, HTTP_X_FORWARDED_FOR=ALICE) == ALICE


def test_an_unreadable_hop_stops_the_walk_at_the_proxy_that_passed_it_on():
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="unknown") == PROXY
    assert address_of(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="") == PROXY
    assert address_of(REMOTE_ADDR="not an address", HTTP_X_FORWARDED_FOR=ALICE) is None


def test_a_unix_socket_is_the_local_proxy_as_gunicorn_treats_it():
    assert address_of(REMOTE_ADDR="", HTTP_X_FORWARDED_FOR=f"{BOB}, {ALICE}") == ALICE


addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)


@given(client=addresses, forged=st.lists(st.one_of(addresses, st.text(max_size=20)), max_size=5))
def test_whatever_a_client_writes_behind_the_proxy_it_is_counted_as_itself(client, forged):
    trusted = trusted_networks(("10.0.0.10/32",))
    if parse_address(client) in trusted[0]:
        return
    header = ", ".join([*(f.replace(",", "") for f in forged), client])
    expected = ipaddress.ip_address(client)
    if isinstance(expected, ipaddress.IPv6Address) and expected.ipv4_mapped is not None:
        expected = expected.ipv4_mapped  # ::ffff:1.2.3.4 is 1.2.3.4
    assert client_address(remote_addr=PROXY, forwarded_for=header, trusted=trusted) == str(expected)


@given(peer=st.ip_addresses(v=4).map(str), header=st.text(max_size=60))
def test_whatever_a_direct_client_writes_it_is_counted_as_its_connection(peer, header):
    trusted = trusted_networks(("10.0.0.10/32",))
    if peer == PROXY:
        return
    assert client_address(remote_addr=peer, forwarded_for=header, trusted=trusted) == peer


def test_the_proxy_list_is_checked_when_settings_load(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.10, 10.0.1.0/24,::1")
    assert env_proxies("FORWARDED_ALLOW_IPS") == ("10.0.0.10/32", "10.0.1.0/24", "::1/128")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    with pytest.raises(ImproperlyConfigured, match="would trust any client"):
        env_proxies("FORWARDED_ALLOW_IPS")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "proxy.internal")
    with pytest.raises(
        ImproperlyConfigured, match=r"'proxy\.internal', which is not an IP address"
    ):
        env_proxies("FORWARDED_ALLOW_IPS")


def test_https_is_believed_only_from_the_proxy(client):
    # SECURE_PROXY_SSL_HEADER reads X-Forwarded-Proto: only the proxy may send it
    from django.http import HttpResponse

    from kindred.core.middleware import TrustedProxyHeadersMiddleware

    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    factory = RequestFactory()
    middleware = TrustedProxyHeadersMiddleware(view)
    from django.test import override_settings

    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        middleware(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https"))
        assert seen["secure"] is True
        middleware(factory.get("/", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_PROTO="https"))
        assert seen["secure"] is False


# Sign-in lockout (django-axes through AXES_CLIENT_IP_CALLABLE)


def sign_in(email: str, password: str, **meta: Any):
    return Client().post(
        reverse("accounts:sign_in"), {"email": email, "password": password}, **meta
    )


def test_five_wrong_passwords_behind_the_proxy_lock_that_account_from_that_address_only(
    coordinator, make_user, organisation, password
):
    other = make_user(organisation=organisation, email="other@example.com")
    tries = [sign_in(coordinator.email, "wrong", **through_proxy(ALICE)) for _ in range(5)]
    assert [t.status_code for t in tries] == [200, 200, 200, 200, 429]  # the fifth locks
    locked = sign_in(coordinator.email, password, **through_proxy(ALICE))
    assert locked.status_code == 429
    assert "You cannot sign in for now" in locked.content.decode()
    # the coordinator, signing in from somewhere else through the same proxy, is not locked out
    assert sign_in(coordinator.email, password, **through_proxy(BOB)).status_code == 302
    # nor is anyone else's account from Alice's address
    assert sign_in(other.email, password, **through_proxy(ALICE)).status_code == 302
    # and the audit log says where the sign-in came from, not the proxy
    assert set(
        AuditEvent.objects.filter(action="user.signed_in").values_list("ip_address", flat=True)
    ) == {ALICE, BOB}


def test_without_a_proxy_lockout_is_per_connection(settings, coordinator, password):
    settings.TRUSTED_PROXIES = ()
    for _ in range(5):
        sign_in(coordinator.email, "wrong", REMOTE_ADDR=ALICE)
    assert sign_in(coordinator.email, password, REMOTE_ADDR=ALICE).status_code == 429
    assert sign_in(coordinator.email, password, REMOTE_ADDR=BOB).status_code == 302


def test_a_forged_header_neither_escapes_lockout_nor_locks_out_someone_else(coordinator, password):
    # Mallory guesses passwords directly, claiming a new address each time
    for index in range(5):
        sign_in(
            coordinator.email, "wrong", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=f"192.0.2.{index}"
        )
    assert (
        sign_in(
            coordinator.email, password, REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR="192.0.2.99"
        ).status_code
        == 429
    )
    # Mallory claims to be Alice: Alice, through the proxy, is not locked out
    for _ in range(5):
        sign_in(coordinator.email, "wrong", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=ALICE)
    assert sign_in(coordinator.email, password, **through_proxy(ALICE)).status_code == 302


# The public forms' rate limits


SELF = self_referral_form.SELF  # a valid self-referral, as the referral form tests post it


def test_self_referrals_are_limited_per_real_client_behind_the_proxy(client, organisation):
    url = reverse("referrals:self_refer", kwargs={"organisation_slug": organisation.slug})
    for index in range(SELF_REFERRALS_PER_HOUR):
        sent = client.post(url, {**SELF, "given_name": f"Sam{index}"}, **through_proxy(ALICE))
        assert sent.status_code == 302
    slowed = client.post(url, SELF, **through_proxy(ALICE, forged="192.0.2.1"))
    assert slowed.status_code == 429
    # the rest of the public, through the same proxy, can still ask for support
    assert client.post(url, {**SELF, "given_name": "Bo"}, **through_proxy(BOB)).status_code == 302
    assert Referral.objects.count() == SELF_REFERRALS_PER_HOUR + 1
    received = AuditEvent.objects.filter(action="referral.received")
    assert sorted(received.values_list("ip_address", flat=True)) == sorted(
        [ALICE] * SELF_REFERRALS_PER_HOUR + [BOB]
    )


def test_volunteer_enquiries_are_limited_per_real_client_behind_the_proxy(client, organisation):
    from kindred.volunteers import services
    from kindred.volunteers.models import Volunteer

    url = reverse("volunteers:enquire", kwargs={"organisation_slug": organisation.slug})
    enquiry = {
        "given_name": "Cindy",
        "family_name": "Walsh",
        "email": "cindy@example.com",
        "has_had_support": "on",
        "consent_to_link": "on",
    }
    for _ in range(services.ENQUIRIES_PER_ADDRESS_PER_HOUR):
        assert client.post(url, enquiry, **through_proxy(ALICE)).status_code == 302
    assert client.post(url, enquiry, **through_proxy(ALICE)).status_code == 429
    assert client.post(url, enquiry, **through_proxy(BOB)).status_code == 302
    assert Volunteer.objects.count() == services.ENQUIRIES_PER_ADDRESS_PER_HOUR + 1


def test_nothing_else_in_kindred_reads_the_connection_address():
    """client_ip is the one place: no view or service reads REMOTE_ADDR or X-Forwarded-For."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and ("REMOTE_ADDR" in (text := path.read_text()) or "X_FORWARDED_FOR" in text)
    }
    # the middleware reads REMOTE_ADDR only to decide whether X-Forwarded-Proto came from the proxy
    assert readers == {"core/services.py", "core/middleware.py", "core/addresses.py"}
