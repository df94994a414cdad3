"""Links to set a password, attacked as the tester did (issue 10, item 11): no usable link in the
database or the log, short-lived and single-use links, a rate-limited "forgotten password" form
that still says nothing about who has an account, and passwords built from "Kindred" or one's
own name refused (ADR-073)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts import services
from kindred.accounts.models import Organisation, Role, User
from kindred.accounts.tests.factories import PASSWORD
from kindred.accounts.tokens import PasswordLink, token_hash
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications import backends
from kindred.notifications.models import Notification
from kindred.notifications.services import notification_send

GOOD = "tangerine-harbour-lantern"
LINK = re.compile(r"http://testserver(/set-password/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/)")


@pytest.fixture
def nadia(make_user: Callable[..., User], organisation: Organisation) -> User:
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="nadia.hussain@example.com")
    user.full_name = "Nadia Hussain"
    user.save(update_fields=["full_name"])
    return user


def ask_for_reset(email: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:forgotten_password"), {"email": email}
    )


def link_in(message) -> re.Match[str]:
    found = LINK.search(message["body"])
    assert found, message["body"]
    return found


def everything_stored(*models) -> str:
    """Every column of every row of these tables, as the database holds it."""
    with connection.cursor() as cursor:
        rows = []
        for model in models:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - table names
            rows.extend(cursor.fetchall())
    return repr(rows)


# A reset request leaves no usable link in the database or the log


def test_after_a_reset_request_no_stored_row_or_log_line_holds_the_link(nadia, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    response = ask_for_reset(nadia.email)
    assert "Check your email" in response.content.decode()

    [message] = outbox()  # the development file backend is given the real link
    found = link_in(message)
    token = found["token"]
    assert Client().get(found[1]).status_code == 200  # and it works

    stored = everything_stored(Notification, PasswordLink, AuditEvent)
    assert token not in stored and found[1] not in stored
    [notification] = Notification.objects.all()
    assert "/set-password/" not in notification.body and notification.status == "sent"
    # What is kept is a hash of the token, not the token.
    assert PasswordLink.objects.get(user=nadia).token_hash == token_hash(token)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged and "/set-password/" not in logged


def test_a_backend_failure_that_repeats_the_message_keeps_the_link_out_of_the_record(
    nadia, outbox, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    seen = []

    def echoing_failure(self, message):
        seen.append(message.body)
        raise ConnectionError(f"relay refused message: {message.body}")

    monkeypatch.setattr(backends.FileBackend, "send", echoing_failure)
    ask_for_reset(nadia.email)
    [body] = seen
    found = LINK.search(body)
    assert found is not None
    token = found["token"]
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.FAILED
    assert "relay refused" in notification.error and "[link removed]" in notification.error
    assert token not in everything_stored(Notification, PasswordLink, AuditEvent)
    assert token not in "\n".join(r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_real_link_and_its_queue_holds_none(nadia, outbox, settings):
    """With the real database queue: the request stores a reference; the worker, run as
    `kindred worker` runs it, sends a link that works. (Committed data, as the worker sees it:
    the worker closes a connection it finds inside a transaction, which is a test's.)"""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ask_for_reset(nadia.email)
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.QUEUED and outbox() == []
    assert "{link:accounts.password_link:" in notification.body

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    [message] = outbox()
    found = link_in(message)
    assert Client().get(found[1]).status_code == 200
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert found["token"] not in everything_stored(Notification, PasswordLink, DBTaskResult)


def test_a_fresh_worker_process_knows_how_to_make_password_links():
    """The makers are registered when Django starts, not when some module happens to be
    imported, so a worker process that never imports accounts' services can still send."""
    worker = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from kindred.notifications import links\n"
            "print(sorted(links._MAKERS))",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kindred.config.settings.test"},
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
        check=False,
    )
    assert "accounts.password_link" in worker.stdout, worker.stderr


def test_not_even_the_console_backend_logs_a_password_link(nadia, settings, caplog):
    """Issue 15: secrets never reach logs. The console backend logs the message with the link
    taken out (the file backend keeps links, for trying them locally)."""
    settings.KINDRED_NOTIFICATIONS_BACKEND = "console"
    caplog.set_level(logging.DEBUG)
    ask_for_reset(nadia.email)
    assert not [r for r in caplog.records if LINK.search(r.getMessage())]
    [logged] = [r.getMessage() for r in caplog.records if r.name == "kindred.notifications"]
    assert "Set a new Kindred password" in logged and "[link removed" in logged
    assert "/set-password/" not in Notification.objects.get().body


def test_a_forged_reference_in_someone_elses_message_makes_no_link_for_them(
    nadia, coordinator, organisation, outbox
):
    """A body that names someone's password link sends nothing usable to another recipient."""
    placeholder = services.password_link(user=nadia, base_url="http://testserver/")
    notification_send(
        by=Acting(coordinator, organisation),
        to="attacker@example.com",
        subject="Hello",
        body=f"Here you go: {placeholder}",
        kind="test.forged",
    )
    [message] = outbox()
    assert "/set-password/" not in message["body"]
    assert "no longer valid" in message["body"]
    assert PasswordLink.objects.get(user=nadia).token_hash == ""


# Links are short-lived


def test_a_reset_link_works_for_an_hour_and_not_after(nadia, outbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ask_for_reset(nadia.email)
    link = link_in(outbox()[0])[1]
    with time_machine.travel(start + dt.timedelta(minutes=59), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        expired = Client().get(link)
        assert expired.status_code == 400
        assert "expired or has already been used" in expired.content.decode()
        refused = Client().post(link, {"password": GOOD, "confirm": GOOD})
        assert refused.status_code == 400
    nadia.refresh_from_db()
    assert not nadia.check_password(GOOD)


def test_a_first_set_up_link_works_for_a_day_and_not_after(organisation, outbox):
    newcomer = User.objects.create_user(email="new@example.com", full_name="Sam Jones")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        notification_send(
            by=Acting.system("test", organisation),
            to=newcomer.email,
            subject="Welcome",
            body=f"Set your password: {services.password_link(user=newcomer, base_url='http://testserver/')}",
            kind="account.invited",
        )
    link = link_in(outbox()[0])[1]
    with time_machine.travel(start + dt.timedelta(hours=23, minutes=59), tick=False):
        assert Client().get(link).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        assert Client().get(link).status_code == 400
        assert Client().post(link, {"password": GOOD, "confirm": GOOD}).status_code == 400
    newcomer.refresh_from_db()
    assert not newcomer.has_usable_password()


# Links work once


def test_a_used_link_is_refused_and_so_are_the_users_other_open_links(nadia, outbox):
    ask_for_reset(nadia.email, address="203.0.113.1")
    ask_for_reset(nadia.email, address="203.0.113.2")
    first, second = (link_in(message)[1] for message in outbox())
    visitor = Client()
    done = visitor.post(first, {"password": GOOD, "confirm": GOOD})
    assert done["Location"] == reverse("accounts:sign_in")
    nadia.refresh_from_db()
    assert nadia.check_password(GOOD)
    assert AuditEvent.objects.filter(action="user.password_set", target_id=str(nadia.pk)).exists()

    again = "another-lantern-harbour"
    for link in (first, second):
        assert visitor.get(link).status_code == 400
        assert Client().post(link, {"password": again, "confirm": again}).status_code == 400
    nadia.refresh_from_db()
    assert nadia.check_password(GOOD)


def test_a_made_up_or_mangled_link_is_refused_plainly(nadia):
    for uid, token in [("MTIz", "not-a-real-token"), ("!!!", "x"), ("MTIz", "a" * 500)]:
        page = Client().get(reverse("accounts:set_password", kwargs={"uid": uid, "token": token}))
        assert page.status_code == 400
        assert "expired or has already been used" in page.content.decode()


# Forgotten password is rate limited per address, and still says nothing about who has an account


def test_forgotten_password_is_limited_per_address_and_says_nothing_about_accounts(nadia, outbox):
    limit = services.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR
    pages = [
        ask_for_reset(nadia.email if i % 2 else f"nobody{i}@example.com", address="198.51.100.9")
        for i in range(limit)
    ]
    assert {page.status_code for page in pages} == {200}
    texts = {
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p.content.decode()) for p in pages
    }
    texts = {re.sub(r'nonce="[^"]+"', "", text) for text in texts}
    assert len(texts) == 1  # known and unknown addresses get the same page

    sent_before = len(outbox())
    for email in (nadia.email, "nobody@example.com"):
        slowed = ask_for_reset(email, address="198.51.100.9")
        assert slowed.status_code == 429
        assert "Please try again later" in slowed.content.decode()
    assert len(outbox()) == sent_before  # nothing more was sent
    # Someone else, on another connection, is not held up.
    assert ask_for_reset("someone@example.com", address="198.51.100.10").status_code == 200


def test_one_inbox_cannot_be_flooded_from_many_addresses(nadia, outbox):
    for i in range(services.PASSWORD_RESETS_PER_EMAIL_PER_HOUR + 3):
        page = ask_for_reset(nadia.email, address=f"192.0.2.{i + 1}")
        assert page.status_code == 200 and "Check your email" in page.content.decode()
    assert len(outbox()) == services.PASSWORD_RESETS_PER_EMAIL_PER_HOUR


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_limit_holds_across_web_processes_sharing_redis(nadia, outbox, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    for _ in range(services.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR):
        assert ask_for_reset(nadia.email, address="198.51.100.20").status_code == 200
    # Another web process, with nothing in its own memory, sees the same count.
    other_process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from kindred.accounts.services import PASSWORD_RESETS_PER_ADDRESS_PER_HOUR as n\n"
            "from kindred.core.limits import try_counted\n"
            "print(try_counted(scope='password-reset-address', who='198.51.100.20', limit=n,"
            " per_seconds=3600))",
        ],
        env={
            **os.environ,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "kindred.config.settings.test",
        },
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
        check=False,
    )
    assert other_process.stdout.strip() == "False", other_process.stderr
    assert ask_for_reset(nadia.email, address="198.51.100.20").status_code == 429


# Passwords people choose


@pytest.fixture
def set_up_link(nadia, outbox):
    ask_for_reset(nadia.email)
    return link_in(outbox()[0])[1]


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("kindredkindred", "must not contain the name of the service, Kindred"),
        ("K1ndred-harbour-lantern", "must not contain the name of the service, Kindred"),
        ("short-pw", "This password is too short. It must contain at least 12 characters"),
        ("qwertyuiop123", "This password is too common"),
        ("NadiaHussain1990", "must not contain your name or email address"),
        ("lantern hussain harbour", "must not contain your name or email address"),
        ("948217365012", "This password is entirely numeric"),
    ],
)
def test_a_weak_password_is_refused_with_a_specific_error(set_up_link, nadia, password, error):
    page = Client().post(set_up_link, {"password": password, "confirm": password})
    assert page.status_code == 200
    assert error in page.content.decode()
    nadia.refresh_from_db()
    assert not nadia.check_password(password)
    assert Client().get(set_up_link).status_code == 200  # the link still works for a good one


def test_a_good_password_is_accepted(set_up_link, nadia):
    assert Client().post(set_up_link, {"password": GOOD, "confirm": GOOD}).status_code == 302
    nadia.refresh_from_db()
    assert nadia.check_password(GOOD)


def test_the_test_password_passes_the_validators():
    validate_password(PASSWORD, User(email="sam.jones@example.com", full_name="Sam Jones"))


def test_the_service_refuses_a_weak_password_even_without_the_form(nadia, outbox):
    ask_for_reset(nadia.email)
    found = link_in(outbox()[0])
    with pytest.raises(ValidationError):
        services.user_set_password(
            by=Acting.system("test"),
            uid=found["uid"],
            token=found["token"],
            password="kindredkindred",
        )
    nadia.refresh_from_db()
    assert not nadia.check_password("kindredkindred")


def test_createadmin_refuses_a_password_built_from_the_admins_name(organisation, monkeypatch):
    monkeypatch.setenv("KINDRED_ADMIN_PASSWORD", "priya-sharma-2026")
    with pytest.raises(CommandError, match="must not contain your name or email address"):
        call_command(
            "createadmin",
            email="priya@example.com",
            name="Priya Sharma",
            organisation=organisation.slug,
        )
    assert not User.objects.filter(email="priya@example.com").exists()
