"""Settings come from the environment; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kindred.config.settings.environment import database_from_url, env

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
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x7!Rk2$wq9Lm@4Zp8#Vn6&Tb1^Yc5*Hd3(Jf0)Gs-Ue_Qa+Oi=Pl" * 2)
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="kindred.config.settings.production",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="kindred.example.nhs.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        KINDRED_FIELD_ENCRYPTION_KEY="cHJvZHVjdGlvbi1jaGVjay1vbmx5LWtpbmRyZWQta3k=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


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
