"""A small stand-in for GOV.UK Notify's API on 127.0.0.1, for tests: it answers the official
client's real HTTP requests (not a mock of the client) with the answers a test scripts.

    with FakeNotify() as notify:
        notify.send_answers += [429, 201]        # the next two sends
        notify.statuses["<id>"] = ["sending", "delivered"]  # successive read-backs
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVICE_ID = "6f1c1a7e-0d5b-4c7e-9a54-3a0e2f4b9c11"
SECRET = "0b4f3c2a-9d8e-4f7a-b6c5-1e2d3c4b5a69"
API_KEY = f"kindred_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000001"
EMAIL_TEMPLATE = "a1b2c3d4-0000-4000-8000-000000000002"

ERRORS = {
    400: ("BadRequestError", "phone_number Not a UK mobile number"),
    403: ("AuthError", "Invalid token: API key not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


class FakeNotify:
    def __init__(self) -> None:
        self.send_answers: list[int] = []  # status codes for the next sends; then 201
        self.statuses: dict[str, list[str]] = {}  # notification id: successive statuses
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, code: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, code: int) -> None:
                error, message = ERRORS[code]
                self._answer(
                    code, {"status_code": code, "errors": [{"error": error, "message": message}]}
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "json": body,
                        "authorised": self.headers.get("Authorization", "").startswith("Bearer "),
                    }
                )
                if not re.fullmatch(r"/v2/notifications/(sms|email)", self.path):
                    self._error(400)
                    return
                code = fake.send_answers.pop(0) if fake.send_answers else 201
                if code != 201:
                    self._error(code)
                    return
                notification_id = str(uuid.uuid4())
                fake.statuses.setdefault(notification_id, ["delivered"])
                self._answer(
                    201,
                    {
                        "id": notification_id,
                        "reference": body.get("reference"),
                        "content": {"body": "..."},
                        "template": {"id": body.get("template_id"), "version": 1},
                        "uri": f"/v2/notifications/{notification_id}",
                    },
                )

            def do_GET(self) -> None:
                fake.requests.append({"method": "GET", "path": self.path, "json": None})
                match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", self.path)
                if not match or match[1] not in fake.statuses:
                    self._answer(
                        404,
                        {
                            "status_code": 404,
                            "errors": [{"error": "NoResultFound", "message": "No result found"}],
                        },
                    )
                    return
                queue = fake.statuses[match[1]]
                status = queue.pop(0) if len(queue) > 1 else queue[0]
                if status.isdigit():
                    self._error(int(status))
                    return
                self._answer(200, {"id": match[1], "status": status})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sends(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST"]

    def __enter__(self) -> FakeNotify:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
