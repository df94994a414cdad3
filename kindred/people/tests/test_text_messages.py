"""Text messages to people receiving support: only with their consent to be contacted that way,
and only generic wording (kindred.people.messages)."""

from __future__ import annotations

import pytest

from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.notifications.services import BadRecipient
from kindred.people.messages import NotToBeTexted, person_text
from kindred.people.models import ConsentKind, ContactMethod
from kindred.people.services import consent_record
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

VISIT = "people/messages/sms/visit_tomorrow.jinja"


@pytest.fixture
def by(coordinator, organisation):
    return Acting(coordinator, organisation)


def person(organisation, by, *, consent=True, prefers=ContactMethod.TEXT, phone="07911 123456"):
    someone = PersonFactory(
        organisation=organisation, given_name="Dorothy", phone=phone, preferred_contact=prefers
    )
    if consent is not None:
        consent_record(by=by, person=someone, kind=ConsentKind.CONTACT, given=consent)
    return someone


def text(by, someone, **context):
    return person_text(
        by=by,
        person=someone,
        template=VISIT,
        context={"organisation": "Crafty Needles", "when": "Tuesday at 10am", **context},
        kind="visit.reminder",
    )


def test_a_text_with_consent_is_generic_and_goes_to_the_mobile_number(by, organisation):
    sent = text(by, person(organisation, by))
    assert (sent.channel, sent.recipient) == (Notification.Channel.SMS, "+447911123456")
    assert sent.body == (
        "Hello Dorothy, this is Crafty Needles reminding you of your visit tomorrow, Tuesday at "
        "10am. If you cannot make it, please let us know."
    )


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"consent": None}, "has not agreed to be contacted"),
        ({"consent": False}, "has not agreed to be contacted"),
        ({"prefers": ContactMethod.EMAIL}, "has not chosen text messages"),
        ({"phone": ""}, "no phone number"),
    ],
)
def test_no_text_without_consent_to_be_contacted_that_way(by, organisation, fields, why):
    with pytest.raises(NotToBeTexted, match=why):
        text(by, person(organisation, by, **fields))
    assert not Notification.objects.exists()


def test_a_landline_is_refused_with_the_reason(by, organisation):
    with pytest.raises(BadRecipient, match="not a mobile number"):
        text(by, person(organisation, by, phone="0113 496 0000"))
    assert not Notification.objects.exists()


def test_no_health_details_can_be_put_in_a_text(by, organisation):
    someone = person(organisation, by)
    with pytest.raises(ValueError, match="says nothing about"):
        text(by, someone, reason="their depression")
    with pytest.raises(ValueError, match="not one of the generic"):
        person_text(
            by=by, person=someone, template="referrals/messages/status.jinja", context={},
            kind="x",
        )  # fmt: skip
    assert not Notification.objects.exists()
