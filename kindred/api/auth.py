"""Bearer tokens for the JSON API (ADR-119): the organisation's API token, holding the scope the
operation needs. No token or an unknown one: 401. A token without the scope: 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kindred.accounts.models import ApiToken
from kindred.accounts.services import api_token_authenticate
from kindred.api.problems import Problem, unauthenticated


class TokenWithScope(HttpBearer):
    """`Authorization: Bearer kindred_...`: an organisation's active token holding `scope`."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise unauthenticated("Send Authorization: Bearer TOKEN")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        record = api_token_authenticate(raw=token)
        if record is None:
            raise unauthenticated("This token is not recognised or has been revoked")
        if record.organisation is None or not record.has_scope(self.scope):
            raise Problem(
                403,
                "missing-scope",
                f"This token may not do this: it needs the scope {self.scope}",
            )
        return record


def token_of(request: HttpRequest) -> ApiToken:
    """The token the request was authenticated with (set by ninja as `request.auth`)."""
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)  # every operation has TokenWithScope
    return token
