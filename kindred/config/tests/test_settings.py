"""Settings come from the environment; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from kindred.core import checks
from kindred.core.environment import (
    LOCAL_FIELD_ENCRYPTION_KEY,
    LOCAL_SECRET_KEY,
    PUBLIC_FIELD_ENCRYPTION_KEYS,
    PUBLIC_SECRET_KEYS,
    database_from_url,
    env,
)

ROOT = Path(__file__).resolve().parents[3]


def run(args: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    # A fresh process, as an operator would start it: none of the test run's own variables.
    ours = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **environment},
        # Migrating a new database from scratch takes most of a minute; on a shared, busy
        # machine more. The bound is only there so a hung process fails rather than waits.
        timeout=280,
        check=False,
    )


def production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Good production settings, with fresh secrets nobody else has seen."""
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(60))
    return {
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.production",
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "kindred.example.nhs.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "KINDRED_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        # Messages go out through GOV.UK Notify (the console would warn: ADR-103); a key of the
        # right shape, checked but never used here.
        "KINDRED_NOTIFICATIONS_BACKEND": "notify",
        "NOTIFY_API_KEY": f"kindred_test-{uuid.uuid4()}-{uuid.uuid4()}",
        "NOTIFY_SMS_TEMPLATE_ID": str(uuid.uuid4()),
        "NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
        **overrides,
    }


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# Issue 10, item 11: production accepted the development SECRET_KEY and field-encryption key that
# anyone can read in this repository, and KINDRED_TWO_FACTOR=false, without a word.


def test_the_published_development_secret_key_fails_the_deployment_checks(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy"],
        **production(tmp_path, SECRET_KEY=LOCAL_SECRET_KEY, SECRET_KEY_FILE=""),
    )
    assert result.returncode == 1
    assert "kindred.E001" in result.stderr and "SECRET_KEY is a development value" in result.stderr
    assert "kindred.E002" not in result.stderr


def test_the_published_field_encryption_key_fails_the_deployment_checks(tmp_path):
    rotated = f"{Fernet.generate_key().decode()},{LOCAL_FIELD_ENCRYPTION_KEY}"
    result = run(
        ["manage.py", "check", "--deploy"],
        **production(tmp_path, KINDRED_FIELD_ENCRYPTION_KEY=rotated),
    )
    assert result.returncode == 1
    assert "kindred.E002" in result.stderr and "kindred.E001" not in result.stderr


def test_two_step_verification_switched_off_is_a_deployment_warning(tmp_path):
    environment = production(tmp_path, KINDRED_TWO_FACTOR="false")
    warned = run(["manage.py", "check", "--deploy"], **environment)
    assert warned.returncode == 0  # a warning: the operator may mean it
    assert "kindred.W001" in warned.stderr and "KINDRED_TWO_FACTOR is off" in warned.stderr
    strict = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **environment)
    assert strict.returncode == 1


@pytest.mark.parametrize("key", sorted(PUBLIC_SECRET_KEYS))
def test_every_published_secret_key_is_refused(settings, key):
    settings.KINDRED_FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.SECRET_KEY = key
    assert [m.id for m in checks.public_secrets()] == ["kindred.E001"]
    settings.SECRET_KEY = secrets.token_urlsafe(60)
    settings.SECRET_KEY_FALLBACKS = [key]  # an old key still accepted is as public
    assert [m.id for m in checks.public_secrets()] == ["kindred.E001"]


@pytest.mark.parametrize("key", sorted(PUBLIC_FIELD_ENCRYPTION_KEYS))
def test_every_published_field_key_is_refused(settings, key):
    settings.SECRET_KEY = secrets.token_urlsafe(60)
    settings.KINDRED_FIELD_ENCRYPTION_KEY = key
    assert [m.id for m in checks.public_secrets()] == ["kindred.E002"]
    settings.KINDRED_FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert checks.public_secrets() == []


def test_the_example_in_env_tpl_is_refused_too(settings):
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.tpl").read_text().splitlines() if "=" in line
    )
    settings.KINDRED_FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.SECRET_KEY = example["SECRET_KEY"]
    assert [m.id for m in checks.public_secrets()] == ["kindred.E001"]


def test_local_and_test_settings_use_the_values_the_checks_know(settings):
    from kindred.config.settings import test

    assert test.SECRET_KEY in PUBLIC_SECRET_KEYS
    assert test.KINDRED_FIELD_ENCRYPTION_KEY in PUBLIC_FIELD_ENCRYPTION_KEYS
    probe = (
        "from django.conf import settings; "
        "print(settings.SECRET_KEY); print(settings.KINDRED_FIELD_ENCRYPTION_KEY)"
    )
    local = run(
        ["-c", f"import django; django.setup(); {probe}"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.local",
        SECRET_KEY="",
        KINDRED_FIELD_ENCRYPTION_KEY="",
    )
    assert local.stdout.split() == [LOCAL_SECRET_KEY, LOCAL_FIELD_ENCRYPTION_KEY], local.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.production",
        ALLOWED_HOSTS="kindred.example.nhs.uk",
        SECRET_KEY="",
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "kindred: SECRET_KEY (or SECRET_KEY_FILE) must be set in production."
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql-ish://nope", "DATABASE_URL is not a usable database URL"),
        ("mysql://u@h/db", "DATABASE_URL uses an unsupported database"),
    ],
)
def test_a_misconfigured_database_url_stops_start_up_with_one_clear_line(url, message):
    result = run(["-m", "kindred.cli", "migrate"], DATABASE_URL=url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kindred: " + message)


def test_an_unreachable_database_is_one_clear_line():
    result = run(
        ["-m", "kindred.cli", "migrate"], DATABASE_URL="postgres://nobody@127.0.0.1:1/kindred"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "kindred: cannot connect to the database in DATABASE_URL"
    )


def test_secrets_can_come_from_files(tmp_path, monkeypatch):
    secret = tmp_path / "s"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOMETHING_FILE", str(secret))
    assert env("SOMETHING") == "from-a-file"
    monkeypatch.setenv("SOMETHING_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"SOMETHING_FILE=.* cannot be read"):
        env("SOMETHING")


def test_sqlite_and_postgresql_urls_are_understood():
    assert database_from_url("sqlite:////tmp/k.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"
    pg = database_from_url("postgres://kindred:pw@db.internal:5432/kindred")
    assert (pg["ENGINE"], pg["HOST"], pg["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "kindred",
    )


def test_times_are_stored_in_utc_and_shown_in_london(settings):
    import datetime as dt

    from kindred.core.presenters import local_datetime

    assert settings.USE_TZ and settings.TIME_ZONE == "Europe/London"
    summer = dt.datetime(2026, 7, 1, 12, 30, tzinfo=dt.UTC)
    assert local_datetime(summer) == "1 July 2026 at 13:30"


def test_redis_url_gives_every_web_process_one_shared_cache():
    probe = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    shared = run(
        ["-c", f"import django; django.setup(); {probe}"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.local",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    alone = run(
        ["-c", f"import django; django.setup(); {probe}"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.local",
    )
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shared.stderr
    assert alone.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", alone.stderr
