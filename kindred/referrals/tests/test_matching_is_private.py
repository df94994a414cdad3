"""Issue 10 items 4, 7 and 10: a referral that matches someone already known reveals nothing of
them to its sender and changes nothing about them; a coordinator confirms the match and any
change; different NHS numbers are never linked; one record per NHS number (ADR-074, ADR-075)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.notifications.models import Notification
from kindred.people.models import Consent, Person
from kindred.people.services import PersonDetails, consent_record
from kindred.people.tests.factories import PersonFactory
from kindred.referrals import services
from kindred.referrals.models import PersonLink, Referral
from kindred.referrals.services import ReferralDetails

KNOWN = {
    "given_name": "Philippa",
    "family_name": "Quennell",
    "date_of_birth": dt.date(1961, 7, 30),
    "nhs_number": "9434765919",
    "postcode": "SK1 3XE",
    "phone": "0161 496 0999",
    "gp_practice_ods": "Y01234",
}
REFERRAL = {
    "source": "practice_nurse",
    "reason": "Lonely",
    "wants": "befriending",
    "urgency": "routine",
    "referrer_name": "Nurse Ratchford",
    "referrer_email": "nurse@practice.example",
}


@pytest.fixture
def known(organisation):
    """Someone the organisation supports, who said no to sharing with referrers, and about whom
    a supporter raised a concern for the GP."""
    person = PersonFactory(organisation=organisation, **KNOWN)
    system = Acting.system("Kath, peer supporter", organisation=organisation)
    consent_record(by=system, person=person, kind="share_with_referrer", given=False)
    consent_record(by=system, person=person, kind="contact", given=False)
    services.gp_concern_raise(
        by=system, person=person, noticed="Talked about ending it all", urgency="urgent"
    )
    return person


def consents_of(person):
    return list(person.consents.order_by("recorded_at").values_list("kind", "given", "pk"))


def test_a_referrer_with_only_an_nhs_number_sees_nothing_of_the_person_held(
    client_as, organisation, known
):
    before = consents_of(known)
    referrer = client_as(Role.REFERRER)
    response = referrer.post(
        reverse("referrals:refer"),
        {
            **REFERRAL,
            "given_name": "Made",
            "family_name": "Up",
            "nhs_number": "943 476 5919",
            "consent_share_with_referrer": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Your referral of Made has been sent" in page
    for secret in ("Philippa", "Quennell", "Talked about ending it all", "0161 496 0999"):
        assert secret not in page
    assert "Made Up" in page
    home = referrer.get(reverse("core:home")).content.decode()
    assert "Philippa" not in home and "Quennell" not in home
    # The referral is linked inside, unconfirmed; the person's record and consents are unchanged
    referral = Referral.objects.get()
    assert referral.person == known and referral.person_link == PersonLink.SAME_NHS_NUMBER
    assert referral.consent_share_with_referrer is True
    assert referral.person_as_sent["given_name"] == "Made"
    assert consents_of(known) == before
    known.refresh_from_db()
    assert (known.given_name, known.family_name, known.phone) == (
        "Philippa",
        "Quennell",
        KNOWN["phone"],
    )


def test_the_coordinator_sees_the_match_and_confirms_it_and_chosen_changes(
    client_as, organisation, known, outbox
):
    referral = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(
            given_name="Pippa",
            family_name="Quennell",
            nhs_number="9434765919",
            phone="07700 900123",
            email="pippa@example.com",
            consents={"share_with_referrer": True, "contact": True, "evaluation": False},
        ),
        details=ReferralDetails(source="gp", reason="Low", referrer_email="dr@practice.example"),
        channel="coordinator_form",
    )
    coordinator = client_as(Role.COORDINATOR)
    url = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    confirm = reverse("referrals:confirm_person", kwargs={"referral_id": referral.pk})
    page = coordinator.get(url).content.decode()
    assert "Check who this referral is about" in page
    assert "Linked by the same NHS number" in page
    assert "Pippa" in page and "07700 900123" in page  # what the referral says differently
    # An unticked consent is not offered as a withdrawal
    assert "anonymised evaluation: No" not in page
    # Something not offered is refused with a field error, and nothing changes
    refused = coordinator.post(confirm, {"copy_details": ["nhs_number"]}).content.decode()
    assert "Choose only details this referral gives differently" in refused
    assert "There is a problem" in refused and "Check who this referral is about" in refused
    referral.refresh_from_db()
    assert referral.person_link == PersonLink.SAME_NHS_NUMBER
    # Confirming copies only what was ticked
    response = coordinator.post(
        confirm, {"copy_details": ["phone"], "record_consents": ["share_with_referrer"]}
    )
    assert response.status_code == 302 and response["Location"] == url
    assert "Confirmed: this referral is about Philippa" in coordinator.get(url).content.decode()
    referral.refresh_from_db()
    known.refresh_from_db()
    assert referral.person_link == PersonLink.CONFIRMED and referral.person_confirmed_by is not None
    assert (known.given_name, known.phone, known.email) == ("Philippa", "07700 900123", "")
    in_force = {c.kind: c.given for c in known.consents.order_by("recorded_at")}
    assert in_force == {"share_with_referrer": True, "contact": False}
    entry = AuditEvent.objects.get(action="referral.person_confirmed")
    assert entry.detail["details_copied"] == ["phone"]
    assert entry.detail["consents_recorded"] == ["share_with_referrer"]
    assert AuditEvent.objects.filter(action="person.details_changed").count() == 1
    # It is settled: asking again is refused plainly
    again = coordinator.post(confirm, follow=True).content.decode()
    assert "has already been settled" in again


def test_a_probable_match_can_be_someone_else(client_as, organisation):
    held = PersonFactory(
        organisation=organisation,
        given_name="Sam",
        family_name="Okafor",
        postcode="LS8 2AP",
        date_of_birth=dt.date(1990, 1, 2),
    )
    referral = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(
            given_name="Sam",
            family_name="Okafor",
            date_of_birth=dt.date(1990, 1, 2),
            postcode="LS8 2AP",
            phone="07700 900555",
            consents={"contact": True},
        ),
        details=ReferralDetails(source="gp", reason="Low"),
        channel="coordinator_form",
    )
    assert referral.person == held and referral.person_link == PersonLink.PROBABLE
    coordinator = client_as(Role.COORDINATOR)
    url = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    assert "make a new record from the referral" in coordinator.get(url).content.decode()
    separate = reverse("referrals:separate_person", kwargs={"referral_id": referral.pk})
    response = coordinator.post(separate, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "A new record was made from the referral, and linked to it" in response.content.decode()
    referral.refresh_from_db()
    assert referral.person != held and referral.person_link == PersonLink.CONFIRMED
    assert referral.person.phone == "07700 900555"
    assert referral.person.consents.get().given is True
    assert not held.consents.exists()
    assert AuditEvent.objects.filter(action="referral.person_separated").count() == 1


def test_the_same_nhs_number_cannot_be_separated(organisation, coordinator, known):
    referral = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(given_name="A", family_name="B", nhs_number="9434765919"),
        details=ReferralDetails(source="gp", reason="Low"),
        channel="coordinator_form",
    )
    with pytest.raises(services.PersonLinkError, match="same NHS number"):
        services.referral_person_separate(
            by=Acting(coordinator, organisation), referral_id=referral.pk
        )


def test_updates_go_to_the_referrer_by_the_referrals_own_consent(
    organisation, coordinator, known, outbox
):
    """The person said no to sharing before; this referrer says the person agreed for this
    referral: they hear about their own referral (and nothing else), and the person's record
    still says no. A later withdrawal on the record stops the updates."""
    referral = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(
            given_name="Made",
            family_name="Up",
            nhs_number="9434765919",
            consents={"share_with_referrer": True},
        ),
        details=ReferralDetails(source="gp", reason="Low", referrer_email="dr@practice.example"),
        channel="coordinator_form",
    )
    by = Acting(coordinator, organisation)
    services.referral_accept(by=by, referral_id=referral.pk, expected="received")
    [told] = Notification.objects.all()
    assert told.recipient == "dr@practice.example"
    assert "Philippa" not in told.body and "Made" not in told.body
    assert known.consents.filter(kind="share_with_referrer").get().given is False
    consent_record(by=by, person=known, kind="share_with_referrer", given=False)
    services.referral_wait(by=by, referral_id=referral.pk, expected="accepted")
    assert Notification.objects.count() == 1
    # And another referral's tick never counts for this one
    quiet = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(given_name="New", family_name="Person"),
        details=ReferralDetails(source="gp", reason="Low", referrer_email="other@practice.example"),
        channel="coordinator_form",
    )
    services.referral_accept(by=by, referral_id=quiet.pk, expected="received")
    assert Notification.objects.count() == 1


def test_concerns_are_shown_to_a_referrer_only_about_the_person_they_referred(
    client_as, organisation, known, make_user, sign_in, coordinator
):
    nurse = make_user(Role.REFERRER, organisation=organisation)
    client = sign_in(nurse, organisation)
    client.post(
        reverse("referrals:refer"),
        {
            **REFERRAL,
            "given_name": "Made",
            "family_name": "Up",
            "nhs_number": "9434765919",
            "consent_share_with_referrer": "on",
        },
    )
    referral = Referral.objects.get()
    by = Acting(coordinator, organisation)
    services.gp_concern_raise(by=by, person=known, noticed="Unconfirmed worry", urgency="routine")
    page = client.get(reverse("referrals:mine")).content.decode()
    assert "Talked about ending it all" not in page  # raised before, by someone else
    assert "Unconfirmed worry" not in page  # the link is not confirmed yet
    services.referral_person_confirm(by=by, referral_id=referral.pk)
    services.gp_concern_raise(by=by, person=known, noticed="Later worry", urgency="routine")
    page = client.get(reverse("referrals:mine")).content.decode()
    assert "Later worry" in page and "Talked about ending it all" not in page
    assert "Philippa" not in page and "Made Up" in page


def test_an_anonymous_self_referral_cannot_reverse_a_withdrawn_consent(client, organisation):
    """Item 10: someone who knows a person's name, date of birth and postcode refers 'them' on
    the public form, ticking every consent. Nothing about the person changes; what was ticked is
    on the referral for a coordinator."""
    person = PersonFactory(
        organisation=organisation,
        given_name="Sam",
        family_name="Okafor",
        date_of_birth=dt.date(1990, 1, 2),
        postcode="LS8 2AP",
        phone="0113 496 0000",
        email="sam@example.com",
    )
    system = Acting.system("coordinator", organisation=organisation)
    consent_record(by=system, person=person, kind="contact", given=True)
    consent_record(by=system, person=person, kind="contact", given=False)  # withdrawn
    consent_record(by=system, person=person, kind="evaluation", given=False)
    before = consents_of(person)
    response = client.post(
        reverse("referrals:self_refer", kwargs={"organisation_slug": organisation.slug}),
        {
            "given_name": "sam",
            "family_name": "okafor",
            "date_of_birth": "1990-01-02",
            "postcode": "ls8 2ap",
            "email": "attacker@example.com",
            "phone": "07700 900666",
            "reason": "Please call me",
            "wants": "group",
            "consent_contact": "on",
            "consent_evaluation": "on",
        },
    )
    assert response.status_code == 302
    assert consents_of(person) == before
    person.refresh_from_db()
    assert (person.email, person.phone) == ("sam@example.com", "0113 496 0000")
    referral = Referral.objects.get()
    assert referral.person == person and referral.person_link == PersonLink.PROBABLE
    assert (referral.consent_contact, referral.consent_evaluation) == (True, True)
    assert referral.person_as_sent["email"] == "attacker@example.com"
    assert Consent.objects.filter(person=person).count() == 3


def test_a_different_nhs_number_is_never_linked_even_when_everything_else_matches(
    client_as, organisation, known
):
    """Item 7: a referral carrying NHS number X and a record with Y, same name, date of birth and
    postcode: a new record for X, flagged to the coordinator as a possible duplicate."""
    other_number = "4010232137"
    response = client_as(Role.REFERRER).post(
        reverse("referrals:refer"),
        {
            **REFERRAL,
            "given_name": "Philippa",
            "family_name": "Quennell",
            "date_of_birth": "1961-07-30",
            "postcode": "SK1 3XE",
            "nhs_number": other_number,
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.person != known and referral.person.nhs_number == other_number
    assert referral.person_link == PersonLink.NEW and referral.possible_duplicate == known
    page = (
        client_as(Role.COORDINATOR)
        .get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
        .content.decode()
    )
    assert (
        "different NHS number" in page
        and reverse("people:detail", kwargs={"person_id": known.pk}) in page
    )


def test_one_record_per_nhs_number_per_organisation(organisation, other_organisation):
    PersonFactory(organisation=organisation, nhs_number="9434765919")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(organisation=organisation, nhs_number="9434765919")
    PersonFactory(organisation=other_organisation, nhs_number="9434765919")
    PersonFactory(organisation=organisation, nhs_number="")
    PersonFactory(organisation=organisation, nhs_number="")
    assert Person.objects.filter(nhs_number="9434765919").count() == 2


def test_the_migration_refuses_existing_duplicates_rather_than_dropping_them(organisation):
    migration = import_module("kindred.people.migrations.0004_one_person_per_nhs_number")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX person_unique_nhs_number")  # as before the migration
    first = PersonFactory(organisation=organisation, nhs_number="9434765919")
    second = PersonFactory(organisation=organisation, nhs_number="9434765919")
    with pytest.raises(migration.DuplicateNhsNumbers) as refused:
        migration.refuse_duplicates(apps, None)
    message = str(refused.value)
    assert str(first.pk) in message and str(second.pk) in message
    assert "9434765919" not in message and first.given_name not in message
    assert Person.objects.count() == 2  # nothing was dropped


def test_deleting_a_referral_with_history_or_a_person_with_consents_is_refused(organisation):
    referral = services.referral_receive(
        by=Acting.system("form", organisation=organisation),
        person=PersonDetails(given_name="Edna", family_name="Moss", consents={"contact": True}),
        details=ReferralDetails(source="gp", reason="Low"),
        channel="coordinator_form",
    )
    with pytest.raises(ProtectedError):
        Referral.objects.filter(pk=referral.pk).delete()
    with pytest.raises(ProtectedError):
        referral.delete()
    assert referral.history.count() == 1
    person = PersonFactory(organisation=organisation)  # no referral, one consent
    consent_record(
        by=Acting.system("x", organisation=organisation), person=person, kind="contact", given=True
    )
    with pytest.raises(ProtectedError):
        Person.objects.filter(pk=person.pk).delete()


def test_a_referral_can_be_received_earlier_but_never_in_the_future(organisation):
    def receive(when):
        return services.referral_receive(
            by=Acting.system("form", organisation=organisation),
            person=PersonDetails(given_name="Edna", family_name="Moss"),
            details=ReferralDetails(source="gp", reason="Low"),
            channel="coordinator_form",
            received_at=when,
        )

    earlier = timezone.now() - dt.timedelta(days=9)
    referral = receive(earlier)
    assert referral.received_at == earlier
    assert referral.history.get().occurred_at == earlier
    with pytest.raises(services.ReferralError, match="future"):
        receive(timezone.now() + dt.timedelta(days=1))
