"""Issue 10 item 3: the FHIR intake is not an oracle. A sender posting a ServiceRequest whose
patient matches someone the organisation already holds (same NHS number, or same name, date of
birth and postcode) is answered with what it sent and the referral's status only: never the
stored record, and in the same shape as for someone unknown (ADR-076)."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client

from kindred.accounts.services import api_token_create
from kindred.core.services import Acting
from kindred.fhir.tests.conftest import post
from kindred.people.identifiers import nhs_number_check_digit
from kindred.people.models import Person
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import services as referrals
from kindred.referrals.models import PersonLink, Referral

STORED = {
    "given_name": "Philippa",
    "family_name": "Quennell",
    "date_of_birth": dt.date(1961, 7, 30),
    "nhs_number": "9434765919",
    "postcode": "SK1 3XE",
    "gp_practice_ods": "Y01234",
    "phone": "0161 496 0999",
}
STORED_VALUES = ["Philippa", "Quennell", "1961-07-30", "9434765919", "Y01234", "0161 496 0999"]


def valid_nhs_number(first_nine: str) -> str:
    for start in range(int(first_nine), int(first_nine) + 50):
        digit = nhs_number_check_digit(str(start))
        if digit is not None:
            return f"{start}{digit}"
    raise AssertionError("no valid NHS number near " + first_nine)


def probe(fresh, *, identifier, given, family, nhs_number="", birth_date=None, postcode=None):
    data = fresh()
    data["identifier"] = [{"system": "https://probe.example/Id/referral", "value": identifier}]
    patient = {
        "resourceType": "Patient",
        "id": "patient",
        "name": [{"given": [given], "family": family}],
    }
    if nhs_number:
        patient["identifier"] = [
            {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}
        ]
    if birth_date:
        patient["birthDate"] = birth_date
    if postcode:
        patient["address"] = [{"postalCode": postcode}]
    data["contained"] = [patient, *data["contained"][1:]]
    return data


def shape(value):
    """The structure of an answer with its values left out: what a sender could compare."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def leaked(response_text: str) -> list[str]:
    return [value for value in STORED_VALUES if value in response_text]


def test_a_known_nhs_number_is_answered_with_only_what_was_sent(api, fresh, organisation):
    stored = PersonFactory(organisation=organisation, **STORED)
    known = post(
        api, probe(fresh, identifier="P-1", given="Made", family="Up", nhs_number="9434765919")
    )
    assert known.status_code == 201, known.content
    referral = Referral.objects.get()
    # The match happened inside: the referral is linked, unconfirmed, and the record untouched
    assert referral.person == stored and referral.person_link == PersonLink.SAME_NHS_NUMBER
    stored.refresh_from_db()
    assert (stored.given_name, stored.family_name) == ("Philippa", "Quennell")
    text = known.content.decode()
    assert leaked(text) == [v for v in STORED_VALUES if v == "9434765919"]  # only what was sent
    patient = known.json()["contained"][0]
    assert patient["name"] == [{"given": ["Made"], "family": "Up"}]
    assert "birthDate" not in patient
    # The practice is the sender's own (its requester), never the stored record's Y01234
    assert patient["generalPractitioner"][0]["identifier"]["value"] == "P88015"
    # Reading it back, and its Task, say no more
    read = api.get(known["Location"]).content.decode()
    assert "Philippa" not in read and "Quennell" not in read and "1961-07-30" not in read
    task = api.get("/fhir/Task", {"based-on": f"ServiceRequest/{referral.pk}"}).content.decode()
    assert leaked(task) == []


def test_known_and_unknown_nhs_numbers_give_answers_of_the_same_shape(api, fresh, organisation):
    PersonFactory(organisation=organisation, **STORED)
    unknown_number = valid_nhs_number("943476592")
    assert not Person.objects.filter(nhs_number=unknown_number).exists()
    known = post(
        api, probe(fresh, identifier="P-2", given="Made", family="Up", nhs_number="9434765919")
    )
    unknown = post(
        api, probe(fresh, identifier="P-3", given="Made", family="Up", nhs_number=unknown_number)
    )
    assert known.status_code == unknown.status_code == 201
    assert known["Content-Type"] == unknown["Content-Type"]
    assert shape(known.json()) == shape(unknown.json())

    # Apart from ids, times and the identifiers the sender chose, the answers are the same
    def without_ids(answer):
        answer = json.loads(json.dumps(answer))
        for key in ("id", "meta", "authoredOn", "identifier"):
            answer.pop(key)
        answer["contained"][0].pop("identifier")
        return answer

    assert without_ids(known.json()) == without_ids(unknown.json())


def test_a_name_birth_and_postcode_match_is_answered_with_only_what_was_sent(
    api, fresh, organisation
):
    stored = PersonFactory(organisation=organisation, **STORED)
    answer = post(
        api,
        probe(
            fresh,
            identifier="P-4",
            given="philippa",
            family="QUENNELL",
            birth_date="1961-07-30",
            postcode="sk1 3xe",
        ),
    )
    assert answer.status_code == 201
    referral = Referral.objects.get()
    assert referral.person == stored and referral.person_link == PersonLink.PROBABLE
    text = answer.content.decode()
    # The sender sent the name (in other case), the date of birth and the postcode; the stored
    # NHS number, GP practice and phone number, and the stored spelling of the name, never come back
    for value in ("9434765919", "Y01234", "0161 496 0999", "Philippa", "Quennell"):
        assert value not in text
    patient = answer.json()["contained"][0]
    assert patient["name"] == [{"given": ["philippa"], "family": "QUENNELL"}]
    assert patient["birthDate"] == "1961-07-30" and "identifier" not in patient


def test_another_sender_learns_nothing_from_an_identifier_or_an_id(
    api, fresh, organisation, example
):
    PersonFactory(organisation=organisation, **STORED)
    first = post(
        api, probe(fresh, identifier="P-5", given="Made", family="Up", nhs_number="9434765919")
    )
    _record, raw = api_token_create(
        by=Acting.system("test", organisation=organisation),
        name="Other practice",
        practice_ods="P99999",
    )
    other = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # Reading the first sender's referral by its id: not found
    assert other.get(first["Location"]).status_code == 404
    referral = Referral.objects.get()
    found = other.get("/fhir/Task", {"based-on": f"ServiceRequest/{referral.pk}"}).json()
    assert found["total"] == 0
    # Re-using its identifier: refused, saying nothing about the referral or the person
    again = post(other, probe(fresh, identifier="P-5", given="X", family="Y"))
    assert again.status_code == 409
    text = again.content.decode()
    assert "Made" not in text and leaked(text) == [] and str(referral.pk) not in text
    assert Referral.objects.count() == 1
    # The same sender sending again gets its own referral back
    assert post(api, probe(fresh, identifier="P-5", given="Made", family="Up")).status_code == 200


def test_a_concern_goes_to_a_referrers_practice_with_only_what_it_sent(api, fresh, organisation):
    """Communication search: the practice that referred (not the person's registered GP) is told
    who the concern is about in its own words, never the stored record."""
    stored = PersonFactory(organisation=organisation, **STORED)  # registered with Y01234
    post(api, probe(fresh, identifier="P-6", given="Made", family="Up", nhs_number="9434765919"))
    referral = Referral.objects.get()
    referrals.gp_concern_raise(
        by=Acting.system("Kath, peer supporter", organisation=organisation),
        person=stored,
        noticed="Breathless",
        urgency="routine",
        referral=referral,
    )
    # The concern went to the person's registered practice, not the referrer's: P88015 sees none
    assert api.get("/fhir/Communication", {"recipient": "P88015"}).json()["total"] == 0
    stored_without_gp = PersonFactory(
        organisation=organisation,
        given_name="Rhiannon",
        family_name="Teague",
        nhs_number=valid_nhs_number("401023213"),
    )
    post(
        api,
        probe(
            fresh,
            identifier="P-7",
            given="Rhi",
            family="T",
            nhs_number=stored_without_gp.nhs_number,
        ),
    )
    second = Referral.objects.get(external_id="P-7")
    referrals.gp_concern_raise(
        by=Acting.system("Kath, peer supporter", organisation=organisation),
        person=stored_without_gp,
        noticed="Tired",
        urgency="routine",
        referral=second,
    )
    found = api.get("/fhir/Communication", {"recipient": "P88015"})
    text = found.content.decode()
    assert found.json()["total"] == 1
    assert "Rhiannon" not in text and "Teague" not in text
    assert found.json()["entry"][0]["resource"]["contained"][0]["name"] == [
        {"given": ["Rhi"], "family": "T"}
    ]
