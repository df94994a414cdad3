"""The load of one phase of `make bench` (benchmarks/pages.py starts locust with this file, once
per page): each simulated user holds a session of its own, signed in beforehand by pages.py as
the page's role, and asks for the one page again and again, with no pause, as a coordinator
clicking through would at worst. Every response time is written to BENCH_OUT (JSON), so that
pages.py computes exact percentiles rather than locust's rounded ones.

    BENCH_PAGE='{"name": "home", "path": "/home/"}' BENCH_SESSIONS='["..."]' BENCH_OUT=out.json \\
        locust -f benchmarks/locustfile.py --headless -u 4 -r 4 -t 15s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, events, task

PAGE: dict[str, str] = json.loads(os.environ.get("BENCH_PAGE", '{"name": "", "path": "/"}'))
SESSIONS: list[str] = json.loads(os.environ.get("BENCH_SESSIONS", "[]"))
SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
_next_session = itertools.count()
_responses: list[dict[str, Any]] = []


@events.request.add_listener
def _record(
    name: str, response_time: float, response: Any, exception: BaseException | None, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    _responses.append(
        {
            "ms": round(response_time, 2),
            "status": status,
            "ok": exception is None and status == 200,
            # What went wrong: "status 500", or why no answer came (a dropped connection).
            "error": "" if exception is None else str(exception)[:120],
        }
    )


@events.quitting.add_listener
def _write(**_: Any) -> None:
    out = os.environ.get("BENCH_OUT")
    if out:
        Path(out).write_text(json.dumps({"page": PAGE, "responses": _responses}))


class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        if SESSIONS:
            session = SESSIONS[next(_next_session) % len(SESSIONS)]
            self.client.cookies.set(SESSION_COOKIE, session)

    @task
    def page(self) -> None:
        with self.client.get(
            PAGE["path"],
            name=PAGE["name"],
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
