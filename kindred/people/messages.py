"""Text messages to people receiving support (ADR-103): THE way any app sends one (a reminder of
tomorrow's visit or group session), so that the rules hold wherever it is sent from:

- only with their consent to be contacted (the latest CONTACT consent, given) and text as the
  way they prefer to be contacted, to a mobile number on their record;
- never with health details: only the generic templates in people/messages/sms/, filled in with
  no more than their first name, the organisation's name and when.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from kindred.core.services import Acting
from kindred.core.transitions import DomainError
from kindred.notifications.models import Notification
from kindred.notifications.services import notification_send
from kindred.people.models import ConsentKind, ContactMethod, Person
from kindred.people.selectors import consents_in_force

SMS_TEMPLATE = re.compile(r"people/messages/sms/[a-z_]+\.jinja")
#: What a text to someone supported may say about them and their support: nothing else.
SMS_CONTEXT = frozenset({"organisation", "when"})


class NotToBeTexted(DomainError):
    """Someone supported who may not be sent this text message; says why."""


def may_be_texted(*, person: Person) -> str:
    """An empty string if the person may be sent a text message, otherwise why not."""
    consent = consents_in_force(person=person).get(ConsentKind.CONTACT.value)
    if consent is None or not consent.given:
        return f"{person.given_name} has not agreed to be contacted."
    if person.preferred_contact != ContactMethod.TEXT:
        return f"{person.given_name} has not chosen text messages as the way to contact them."
    if not person.phone.strip():
        return f"There is no phone number on {person.given_name}'s record."
    return ""


def person_text(
    *,
    by: Acting,
    person: Person,
    template: str,
    context: dict[str, Any],
    kind: str,
    about: models.Model | None = None,
) -> Notification:
    """Queue a text message to `person` from one of the generic SMS templates, or refuse
    (NotToBeTexted, nothing saved) when they have not agreed to it. A number of the wrong shape
    is refused by notification_send (BadRecipient)."""
    if not SMS_TEMPLATE.fullmatch(template):
        raise ValueError(f"{template} is not one of the generic text message templates")
    extra = set(context) - SMS_CONTEXT
    if extra:
        raise ValueError(f"A text to someone supported says nothing about {sorted(extra)}")
    if person.organisation_id != getattr(by.organisation, "pk", None):
        raise NotToBeTexted("That person is not supported by this organisation.")
    why_not = may_be_texted(person=person)
    if why_not:
        raise NotToBeTexted(why_not)
    return notification_send(
        by=by,
        to=person.phone,
        channel=Notification.Channel.SMS,
        template=template,
        context={**context, "given_name": person.preferred_name or person.given_name},
        kind=kind,
        about=about if about is not None else person,
    )
