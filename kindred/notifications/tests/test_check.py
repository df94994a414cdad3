"""`kindred check` on good and bad configurations; `kindred worker` and `kindred serve` refuse to
start on an error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kindred import cli
from kindred.notifications.tests import fake_notify
from kindred.notifications.tests.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify_settings(settings):
    settings.KINDRED_NOTIFICATIONS_BACKEND = "notify"
    settings.NOTIFY_API_KEY = fake_notify.API_KEY
    settings.NOTIFY_SMS_TEMPLATE_ID = fake_notify.SMS_TEMPLATE
    settings.NOTIFY_EMAIL_TEMPLATE_ID = fake_notify.EMAIL_TEMPLATE
    return settings


def test_a_good_configuration_passes(notify_settings, capsys):
    assert cli.main(["check"]) == 0
    assert "no issues" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"NOTIFY_API_KEY": ""}, "kindred.E102"),
        ({"NOTIFY_API_KEY": "not-a-key-at-all"}, "kindred.E103"),
        ({"NOTIFY_API_KEY": fake_notify.API_KEY[:-1]}, "kindred.E103"),
        ({"NOTIFY_SMS_TEMPLATE_ID": ""}, "NOTIFY_SMS_TEMPLATE_ID is not set"),
        ({"NOTIFY_EMAIL_TEMPLATE_ID": "welcome"}, "NOTIFY_EMAIL_TEMPLATE_ID is not a template"),
        ({"NOTIFY_BASE_URL": "notify.local"}, "kindred.E105"),
        ({"KINDRED_NOTIFICATIONS_BACKEND": "pigeon"}, "kindred.E101"),
    ],
)
def test_a_misconfigured_backend_is_an_error_with_exit_status_1(
    notify_settings, capsys, change, says
):
    for name, value in change.items():
        setattr(notify_settings, name, value)
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert says in err
    assert fake_notify.SECRET not in err  # a key, right or wrong, is never repeated


def test_an_smtp_server_that_cannot_be_reached_is_an_error(settings, capsys):
    settings.KINDRED_NOTIFICATIONS_BACKEND = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    assert cli.main(["check"]) == 1
    assert "kindred.E107" in capsys.readouterr().err


def test_the_worker_and_the_server_refuse_to_start_on_an_error(notify_settings, monkeypatch):
    from django.core.management import call_command

    started = []

    def manage(*args, **options):
        if args[0] == "check":
            call_command(*args, **options)
        else:
            started.append(args[0])  # migrate, db_worker, collectstatic: none should run

    monkeypatch.setattr(cli, "manage", manage)
    monkeypatch.setattr(os, "execv", lambda *args: started.append("gunicorn"))
    notify_settings.NOTIFY_API_KEY = ""
    assert cli.main(["worker"]) == 1
    assert cli.main(["serve"]) == 1
    assert started == []
    notify_settings.NOTIFY_API_KEY = fake_notify.API_KEY
    assert cli.main(["serve"]) == 0 and started == ["collectstatic", "gunicorn"]


def test_production_settings_run_the_deployment_checks_too(tmp_path):
    """In a process of its own: production settings are read once, at start-up."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "x" * 10 + "a-real-looking-secret-key-for-this-test-0123456789",
        "ALLOWED_HOSTS": "kindred.example.org",
        "KINDRED_FIELD_ENCRYPTION_KEY": "Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktMTI=",
        "KINDRED_NOTIFICATIONS_BACKEND": "notify",
        "NOTIFY_API_KEY": "wrong",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kindred.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "kindred.E103" in done.stderr and "kindred.E104" in done.stderr
    assert "wrong" not in done.stderr.replace("wrong shape", "")
