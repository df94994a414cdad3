"""What the JSON API accepts and answers (pydantic, through django-ninja). The OpenAPI schema at
/api/v1/openapi.json is made from these."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# The crisis app's own limits (kindred.crisis.services): the schema says them up front.
NAME_MAX = 200
MESSAGE_MAX = 5000


class FieldError(Schema):
    field: str = Field(description="Where in the request, e.g. 'body.phone'")
    detail: str


class ProblemOut(Schema):
    """A refusal (RFC 9457 problem details). `code` says which problem it is (ADR-120)."""

    type: str = Field(description="Always 'about:blank': the status says what kind of problem")
    title: str
    status: int
    detail: str
    code: str = Field(
        description="unauthenticated, missing-scope, invalid, no-way-to-reach, not-found, "
        "method-not-allowed, too-large, unsupported-media-type, conflict, server-error"
    )
    errors: list[FieldError] | None = None


class SupportRequestIn(Schema):
    """What a telephony or SMS gateway (or a web form elsewhere) received. A phone number or an
    email address is needed: without either the request is refused (400, no-way-to-reach)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=NAME_MAX, description="What to call the person")
    phone: str = Field("", max_length=40, description="A UK phone number, if given")
    email: str = Field("", max_length=254, description="An email address, if given")
    message: str = Field("", max_length=MESSAGE_MAX, description="What they said, if anything")
    channel: Literal["sms", "call", "web"]


class SupportRequestCreated(Schema):
    """The request as the sender sent it, with the id and status Kindred gave it: never any
    stored record it may match."""

    id: uuid.UUID
    status: str
    name: str
    phone: str
    email: str
    message: str
    channel: str


class EventOut(Schema):
    kind: str = Field(description="received, offered, accepted, escalated, closed, ...")
    to: str | None = Field(
        description="For an offer: supporters, backup or professional; otherwise null"
    )
    at: dt.datetime
    people: int = Field(description="How many people it went to")


class SupportRequestOut(Schema):
    id: uuid.UUID
    status: str = Field(description="waiting, accepted or closed")
    events: list[EventOut]
