"""A person's own data as JSON and PDF, for a subject access request."""

from __future__ import annotations

import json

from django.urls import reverse

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.people.services import consent_record
from kindred.people.tests.factories import PersonFactory
from kindred.referrals.services import gp_concern_raise
from kindred.referrals.tests.factories import ReferralFactory


def url(person, file_format):
    return reverse("people:export", kwargs={"person_id": person.pk, "file_format": file_format})


def test_the_json_export_has_everything_held_and_is_audited(client_as, organisation):
    person = PersonFactory(
        organisation=organisation, given_name="Zofia", family_name="Nowak", gp_practice_ods="P88015"
    )
    by = Acting.system("test", organisation=organisation)
    consent_record(by=by, person=person, kind="contact", given=True)
    ReferralFactory(organisation=organisation, person=person, reason="Lonely after a fall")
    gp_concern_raise(by=by, person=person, noticed="Short of breath", urgency="routine")
    response = client_as(Role.COORDINATOR).get(url(person, "json"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["person"]["given_name"] == "Zofia"
    assert data["consents"][0]["consent"] == "To be contacted"
    reasons = [r.get("reason") for r in data["referrals"]]
    assert "Lonely after a fall" in reasons
    assert any(r.get("concern_for_your_gp") == "Short of breath" for r in data["referrals"])
    assert AuditEvent.objects.for_record(person).filter(action="person.exported").count() == 1


def test_the_pdf_export_is_a_pdf_with_their_name(client_as, organisation):
    person = PersonFactory(organisation=organisation, given_name="Łucja", family_name="Król")
    ReferralFactory(organisation=organisation, person=person)
    response = client_as(Role.COORDINATOR).get(url(person, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response.content.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page" in response.content


def test_the_pdf_lays_out_every_part_even_long_ones():
    from kindred.people.subject_access import person_pdf

    data = {
        "organisation": "Crafty Needles",
        "exported_at": "2026-11-27T10:00:00+00:00",
        "person": {"given_name": "Łucja", "family_name": "Król", "address": "x " * 2000},
        "consents": [],
        "referrals": [{"reason": "Lonely", "history": [{"status": "Received"}] * 200}],
    }
    short = person_pdf({**data, "referrals": []})
    long = person_pdf(data)
    assert long.startswith(b"%PDF") and long.count(b"/Type /Page\n") > short.count(b"/Type /Page\n")


def test_only_coordinators_of_the_organisation_can_export(
    client_as, other_organisation, organisation
):
    theirs = PersonFactory(organisation=other_organisation)
    assert client_as(Role.COORDINATOR).get(url(theirs, "json")).status_code == 404
    ours = PersonFactory(organisation=organisation)
    assert client_as(Role.VOLUNTEER).get(url(ours, "json")).status_code == 403
    assert client_as(Role.COORDINATOR).get(url(ours, "xml")).status_code == 404
