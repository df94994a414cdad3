"""The benchmark's two baseline views (kindred.nonprod.views): what they cost in queries, who may
open them, and that production settings do not serve them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.accounts.models import Role


def _queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_one_query_view_makes_one_query_more_than_the_bare_view(client_as):
    client = client_as(Role.COORDINATOR)
    bare = _queries(client, "nonprod:bench_bare")
    assert _queries(client, "nonprod:bench_one_query") == bare + 1
    assert client.get(reverse("nonprod:bench_one_query")).content == b"1 roles\n"


def test_the_baselines_are_for_signed_in_users_only(client):
    for name in ("nonprod:bench_bare", "nonprod:bench_one_query"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("settings_module", "served"),
    [("kindred.config.settings.production", False), ("kindred.config.settings.bench", True)],
)
def test_production_does_not_serve_the_baselines_and_the_bench_does(settings_module, served):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "kindred.example.nhs.uk",
        "KINDRED_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import NoReverseMatch, reverse\n"
        "try:\n"
        "    print(reverse('nonprod:bench_bare'))\n"
        "except NoReverseMatch:\n"
        "    print('not served')\n"
        "print(settings.SESSION_COOKIE_SECURE, settings.DEBUG)\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == ("/nonprod/bench/bare/" if served else "not served")
    # The bench is production over plain HTTP: debug stays off, cookies are not HTTPS-only.
    assert out[1] == ("False False" if served else "True False")
