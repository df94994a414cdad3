"""Issue 10, item 8: after `collectstatic`, production settings answered every HTML page with a 500
(`Missing staticfiles manifest entry for 'nhsuk/assets'`), and no test ran them.

This test deploys Kindred the way README.md's "Deploying on PostgreSQL" says, running each
command of steps 2 to 5 as written there (only the port, the number of workers and the names
are this test's own), on a fresh database: PostgreSQL when DATABASE_URL names one, else SQLite.
It then acts as the HTTPS proxy in front of gunicorn (connecting from 127.0.0.1, the address in
FORWARDED_ALLOW_IPS, and sending X-Forwarded-Proto and X-Forwarded-For) and checks that every
public page, every static file those pages name, and the signed-in pages after two-step
verification answer 200; that the access log records the client's address but never a query
string; and that no page may be cached.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from cryptography.fernet import Fernet

from kindred.cli import ACCESS_LOG_FORMAT

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
HOST = "kindred.example.nhs.uk"
CLIENT = "203.0.113.7"  # the member of the public or the user, as the proxy saw them
PROXY = "127.0.0.1"  # this test, acting as the proxy
ADMIN_EMAIL = "you@example.nhs.uk"
SEARCHED = "Bartholomew 9434765919"  # a name and an NHS number someone types into a search


def readme_deploy_commands() -> list[str]:
    """The commands in README.md's deployment steps 2 to 5, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Deploying on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    steps = re.split(r"\n(?=\d\. )", section)
    commands = []
    for step in steps:
        if not re.match(r"\d\. ", step) or step.startswith("1. "):
            continue  # step 1 builds the release: the test suite runs inside that build
        for span in re.findall(r"`([^`]+)`", step):
            if span.split()[0] in {"python", "kindred", "gunicorn"}:
                commands.append(span)
    return commands


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A database of its own: a new PostgreSQL database beside the test run's, or SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'kindred.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"kindred_production_test_{uuid.uuid4().hex[:8]}"
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def environment(tmp_path, database_url) -> dict[str, str]:
    """Step 2's settings, with secrets made for this run (the published ones fail the checks)."""
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(60))
    (tmp_path / "field_key").write_text(Fernet.generate_key().decode())
    ours = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
    return {
        **{k: v for k, v in os.environ.items() if k not in ours and not k.startswith("KINDRED_")},
        "DJANGO_SETTINGS_MODULE": "kindred.config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "KINDRED_FIELD_ENCRYPTION_KEY_FILE": str(tmp_path / "field_key"),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "FORWARDED_ALLOW_IPS": PROXY,
        "KINDRED_VAR_DIR": str(tmp_path / "var"),  # collectstatic writes to var/static
        "KINDRED_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        # Messages through GOV.UK Notify (docs/notifications.md); a key of the right shape.
        "KINDRED_NOTIFICATIONS_BACKEND": "notify",
        "NOTIFY_API_KEY": f"kindred_test-{uuid.uuid4()}-{uuid.uuid4()}",
        "NOTIFY_SMS_TEMPLATE_ID": str(uuid.uuid4()),
        "NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def as_run_here(command: str, environment: dict[str, str], port: int) -> list[str]:
    """The README's command, with this test's port and worker count, and its programs from the
    virtual environment the tests run in."""
    words = [os.path.expandvars(word) for word in shlex.split(command)]
    with_env = {**os.environ, **environment}
    words = [
        word.replace("$FORWARDED_ALLOW_IPS", with_env["FORWARDED_ALLOW_IPS"]) for word in words
    ]
    if words[0] == "python":
        words[0] = sys.executable
    else:
        words[0] = str(BIN / words[0])
    if "--bind" in words:
        words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
    if "--workers" in words:
        words[words.index("--workers") + 1] = "2"
    return words


class Proxy:
    """What an HTTPS proxy in front of gunicorn sends: the public host name, X-Forwarded-Proto and
    the client's address in X-Forwarded-For. Keeps the cookies as the user's browser would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": CLIENT,
            **headers,
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{HOST}"
            sent["Referer"] = f"https://{HOST}{path}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, None, **headers)

    def post(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        page = self.get(path)[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"{path} has no CSRF token"
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **form})


def wait_for(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")


def static_files_named_by(page: str, base: str) -> set[str]:
    return {
        urlsplit(urljoin(base, link)).path
        for link in re.findall(r'(?:href|src)="([^"]+)"', page)
        if urlsplit(urljoin(base, link)).path.startswith("/static/")
    }


@pytest.mark.timeout(900)  # migrate and collectstatic in fresh processes take a minute or two
def test_the_readme_deployment_steps_work_with_production_settings(tmp_path, environment):
    port = free_port()
    commands = readme_deploy_commands()
    programs = [shlex.split(c)[0:3] for c in commands]
    assert ["python", "manage.py", "check"] in programs
    assert ["python", "manage.py", "collectstatic"] in programs
    assert any(c.startswith("gunicorn ") for c in commands)
    server_command = None
    for command in commands:
        if command.startswith("gunicorn "):
            server_command = as_run_here(command, environment, port)
            continue
        if command == "kindred worker" or command.startswith("kindred serve"):
            continue  # the worker serves no pages; `kindred serve` is the same gunicorn (below)
        result = subprocess.run(  # noqa: S603
            as_run_here(command, environment, port),
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        if "check --deploy" in command:
            assert "System check identified no issues" in result.stdout, result.stderr
            assert "WARNING" not in result.stderr.upper(), result.stderr
    assert server_command is not None
    assert (tmp_path / "var" / "static" / "staticfiles.json").exists()  # collectstatic's manifest

    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            server_command, cwd=tmp_path, env=environment, stdout=output, stderr=output
        )
    try:
        wait_for(port, server, log)
        check_the_running_service(Proxy(port), environment)
    finally:
        server.terminate()
        server.wait(timeout=30)
    access_log = log.read_text()
    assert f"{CLIENT} " in access_log  # who asked, as the proxy saw them
    assert '"GET /people/ HTTP/1.1" 403' in access_log
    for word in SEARCHED.split():
        assert word not in access_log, "a search reached the log"
    assert '" 500 ' not in access_log and "Internal Server Error" not in access_log


def check_the_running_service(proxy: Proxy, environment: dict[str, str]) -> None:
    public = [
        "/sign-in/",
        "/forgotten-password/",
        "/refer-yourself/your-org/",
        "/volunteers/join/your-org/",
    ]
    static: set[str] = set()
    for path in public:
        status, headers, page = proxy.get(path)
        assert status == 200, f"{path}: {status}\n{page[:2000]}"
        assert "no-store" in headers["cache-control"], path
        assert headers["strict-transport-security"].startswith("max-age="), path
        static |= static_files_named_by(page, path)
    status, _, health = proxy.get("/health/")
    assert (status, health.replace(" ", "")) == (200, '{"status":"ok"}')

    # every stylesheet, script and icon the pages name, and everything the stylesheets name
    assert {p.rsplit(".", 1)[-1] for p in static} >= {
        "css",
        "mjs",
        "svg",
    }  # NHS icons: only NHS bodies
    checked: set[str] = set()
    while static - checked:
        path = sorted(static - checked)[0]
        checked.add(path)
        status, headers, body = proxy.get(path)
        assert status == 200 and body, f"{path}: {status}"
        assert "no-store" not in headers.get("cache-control", ""), path
        if path.endswith(".css"):
            static |= {
                urlsplit(urljoin(path, link)).path
                for link in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", body)
                if not link.startswith("data:")
            }
        if path.endswith(".mjs"):
            static |= {urljoin(path, m) for m in re.findall(r'from "(\.[^"]+)"', body)}

    # plain HTTP is sent to HTTPS; only the trusted proxy could have said it was HTTPS
    status, headers, _ = proxy.get("/sign-in/", **{"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["location"] == f"https://{HOST}/sign-in/"

    # signing in: the password, then two-step verification with a new authenticator app
    status, headers, page = proxy.post(
        "/sign-in/",
        {"email": ADMIN_EMAIL, "password": environment["KINDRED_ADMIN_PASSWORD"]},
    )
    assert status == 302, page[:2000]
    # the password was right; nothing but the second step is open until the code is given
    status, headers, _ = proxy.get(headers["location"])
    assert status == 302 and headers["location"].startswith("/sign-in/two-step/")
    status, _, page = proxy.get("/sign-in/two-step/")
    assert status == 200, page[:2000]
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert secret, page[:3000]
    status, headers, page = proxy.post("/sign-in/two-step/", {"code": totp_now(secret.group(1))})
    assert status == 302, page[:3000]
    assert headers["location"] == "/home/"
    for path in ["/home/", "/organisation/members/"]:
        status, headers, page = proxy.get(path)
        assert status == 200, f"{path}: {status}\n{page[:2000]}"
        assert "Acting for Your Organisation" in page and "Your Name" in page, path
        assert "no-store" in headers["cache-control"], path
    # someone searches for a person (an admin may not see people: the search is still logged)
    status, _, _ = proxy.get("/people/?" + urlencode({"q": SEARCHED}))
    assert status == 403


def totp_now(grouped_secret: str) -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(grouped_secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_the_readme_and_kindred_serve_log_the_same_format_without_query_strings():
    readme = (ROOT / "README.md").read_text()
    assert f"--access-logformat '{ACCESS_LOG_FORMAT}'" in readme
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}"):
        assert atom not in ACCESS_LOG_FORMAT  # request line with query, query, referring page
    assert "%(U)s" in ACCESS_LOG_FORMAT


def test_kindred_serve_runs_gunicorn_with_that_format_and_the_trusted_proxies(settings):
    from kindred.cli import _gunicorn

    settings.TRUSTED_PROXIES = ("10.0.0.10/32", "10.0.1.0/24")
    command = _gunicorn("0.0.0.0", 8000, 4)  # noqa: S104
    assert command[command.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    assert command[command.index("--forwarded-allow-ips") + 1] == "10.0.0.10/32,10.0.1.0/24"


def test_kindred_serve_gives_up_on_a_request_after_thirty_seconds():
    """No page does long work (matching suggestions are worked out by the worker, ADR-101)."""
    from kindred.cli import _gunicorn

    command = _gunicorn("127.0.0.1", 8000, 2)
    assert command[command.index("--timeout") + 1] == "30"


def test_django_logs_paths_without_query_strings(client, caplog):
    with caplog.at_level("INFO"):
        client.get("/no-such-page/?" + urlencode({"q": SEARCHED}))
        client.get("/people/?" + urlencode({"q": SEARCHED}))
    assert "/no-such-page/" in caplog.text
    for word in SEARCHED.split():
        assert word not in caplog.text


def test_only_the_parts_of_the_nhsuk_package_that_pages_use_are_published():
    from django.contrib.staticfiles import finders

    assert finders.find("nhsuk/nhsuk-frontend.min.js")
    assert finders.find("nhsuk/assets/images/favicon.ico")
    assert finders.find("kindred/kindred.css") and finders.find("kindred/kindred.mjs")
    assert (ROOT / "node_modules/nhsuk-frontend/dist/nhsuk/index.scss").exists()
    assert finders.find("nhsuk/index.scss") is None
    assert finders.find("nhsuk/components/button/button.mjs", find_all=True) == []
    listed = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    nhsuk = {path for path in listed if path.startswith(("assets/", "nhsuk-frontend"))}
    assert "nhsuk-frontend.min.js" in nhsuk and len(nhsuk) < 40
