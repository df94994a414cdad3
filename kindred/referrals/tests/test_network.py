"""The network front door (ADR-092): referrals sent to a network wait, as sent, in its inbox until
a network admin sends each on to one of its organisations (or declines it)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.accounts.reach import operator
from kindred.accounts.tests.factories import NetworkFactory, OrganisationFactory
from kindred.cli import main
from kindred.core.models import AuditEvent
from kindred.core.services import Acting
from kindred.core.transitions import ChangedSinceYouLooked, IllegalTransition
from kindred.notifications.models import Notification
from kindred.people.models import Person
from kindred.referrals.models import (
    NetworkReferral,
    NetworkReferralEvent,
    Referral,
    ReferralEvent,
    Source,
    Wants,
)
from kindred.referrals.network import (
    NetworkReferralError,
    NotANetworkAdmin,
    PlaceError,
    network_referral_decline,
    network_referral_route,
    organisation_place_locate,
    suggestions,
)
from kindred.referrals.services import first_contact_due
from kindred.referrals.tests.factories_network import network_referral


@pytest.fixture
def leeds(organisation):
    """A second organisation of the same network, in Leeds, offering befriending."""
    leeds = OrganisationFactory(
        slug="leeds-maecare", name="MAEcare Leeds", network=organisation.network
    )
    organisation_place_locate(
        by=operator("test"), organisation=leeds, postcode="LS7 3JB", support_offered=["befriending"]
    )
    leeds.refresh_from_db()
    return leeds


@pytest.fixture
def placed(organisation):
    """Crafty Needles, in Stockport, offering groups."""
    organisation_place_locate(
        by=operator("test"),
        organisation=organisation,
        postcode="SK1 3XE",
        support_offered=["group"],
    )
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def admin(make_user, organisation):
    return make_user(Role.NETWORK_ADMIN, organisation=organisation, email="admin@network.example")


@pytest.fixture
def by(admin, organisation):
    return Acting(admin, organisation, ip_address="192.0.2.1")


def inbox_url():
    return reverse("referrals:network_inbox")


def detail_url(sent):
    return reverse("referrals:network_referral", kwargs={"network_referral_id": sent.pk})


def route_url(sent):
    return reverse("referrals:network_referral_route", kwargs={"network_referral_id": sent.pk})


def decline_url(sent):
    return reverse("referrals:network_referral_decline", kwargs={"network_referral_id": sent.pk})


# --- arriving ------------------------------------------------------------------------------


def test_a_network_referral_keeps_what_was_sent_and_makes_no_record(organisation):
    sent = network_referral(
        organisation.network,
        source=Source.GP,
        channel="fhir",
        referrer_name="Dr Okafor",
        referrer_ods_code="p88015",
        urgency="soon",
    )
    assert not Person.objects.exists() and not Referral.objects.exists()
    assert sent.person_as_sent["given_name"] == "Edna"
    assert sent.person_as_sent["postcode"] == "LS8 2AP"
    assert sent.person_as_sent["date_of_birth"] == "1948-03-09"
    assert (sent.consent_contact, sent.consent_evaluation, sent.consent_share_with_referrer) == (
        True,
        False,
        None,
    )
    assert sent.sent("referrer_ods_code") == "P88015" and sent.sent("urgency") == "soon"
    assert (sent.status, sent.wants, sent.routed_to, sent.referral) == (
        "received",
        "befriending",
        None,
        None,
    )
    [event] = sent.history.all()
    assert (event.from_state, event.to_state) == ("", "received")
    entry = AuditEvent.objects.get(action="network_referral.received")
    assert entry.organisation is None  # it belongs to no organisation yet
    assert entry.detail == {"channel": "fhir", "network": organisation.network.slug}


def test_only_the_form_and_fhir_reach_a_network(organisation):
    with pytest.raises(NetworkReferralError, match="from its form or from FHIR only"):
        network_referral(organisation.network, channel="coordinator_form")
    with pytest.raises(ValueError):
        network_referral(organisation.network, wants="a pony")
    assert not NetworkReferral.objects.exists()


# --- routing -----------------------------------------------------------------------------


def test_routing_makes_the_organisations_referral_as_if_it_arrived_there(
    organisation, leeds, by, admin, make_user, outbox
):
    coordinator = make_user(Role.COORDINATOR, organisation=leeds, email="kath@maecare.example")
    make_user(Role.VOLUNTEER, organisation=leeds, email="vol@maecare.example")
    arrived = timezone.now() - dt.timedelta(days=3)
    sent = network_referral(
        organisation.network,
        received_at=arrived,
        source=Source.GP,
        channel="fhir",
        referrer_name="Dr Okafor",
        referrer_email="Okafor@Practice.example",
        external_system="https://emis.example/referrals",
        external_id="R-1",
    )

    referral = network_referral_route(
        by=by, network_referral_id=sent.pk, expected="received", organisation_id=leeds.pk
    )

    assert referral.organisation == leeds
    assert referral.person.organisation == leeds  # the record is made only now, and there
    assert referral.person_as_sent == sent.person_as_sent
    assert (referral.consent_contact, referral.consent_evaluation) == (True, False)
    assert referral.received_at == arrived  # the clock started when they asked
    assert referral.first_contact_due == first_contact_due(arrived)
    assert (referral.source, referral.channel, referral.referrer_name, referral.referrer_email) == (
        "gp",
        "fhir",
        "Dr Okafor",
        "okafor@practice.example",
    )
    assert (referral.external_system, referral.external_id, referral.wants) == (
        "https://emis.example/referrals",
        "R-1",
        "befriending",
    )
    assert referral.referrer_user is None
    sent.refresh_from_db()
    assert (sent.status, sent.routed_to, sent.referral, sent.decided_by) == (
        "routed",
        leeds,
        referral,
        admin,
    )
    assert [(e.from_state, e.to_state) for e in sent.history.order_by("occurred_at")] == [
        ("", "received"),
        ("received", "routed"),
    ]
    notes = [e.note for e in ReferralEvent.objects.filter(referral=referral)]
    assert any("front door" in note for note in notes)
    # Audited in the organisation it went to and in the one the admin acted for.
    routed = AuditEvent.objects.filter(action="network_referral.routed", actor=admin)
    assert {e.organisation for e in routed} == {leeds, organisation}
    assert AuditEvent.objects.get(action="referral.received").organisation == leeds
    # The coordinators (only) hear of it, and the notice names nobody.
    [notice] = Notification.objects.filter(kind="referral.received")
    assert notice.recipient == coordinator.email and notice.organisation == leeds
    assert "Edna" not in notice.body and "Moss" not in notice.body
    assert [json.loads(line)["to"] for line in outbox.read_text().splitlines()] == [
        coordinator.email
    ]


def test_an_urgent_referral_sent_on_gives_each_coordinator_one_notice_the_urgent_one(
    organisation, leeds, by, make_user, outbox
):
    coordinator = make_user(Role.COORDINATOR, organisation=leeds, email="kath@maecare.example")
    sent = network_referral(organisation.network, priority="urgent")

    network_referral_route(
        by=by, network_referral_id=sent.pk, expected="received", organisation_id=leeds.pk
    )

    [notice] = Notification.objects.all()
    assert (notice.kind, notice.recipient) == ("referral.urgent", coordinator.email)
    assert "marked urgent" in notice.body


def test_the_organisations_page_says_it_came_through_the_front_door(
    organisation, leeds, by, make_user, sign_in
):
    sent = network_referral(organisation.network)
    referral = network_referral_route(
        by=by, network_referral_id=sent.pk, expected="received", organisation_id=leeds.pk
    )
    coordinator = sign_in(make_user(Role.COORDINATOR, organisation=leeds), leeds)
    page = coordinator.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk}))
    body = page.content.decode()
    assert page.status_code == 200
    assert f"sent to the {organisation.network.name} front door" in body


def test_only_a_network_admin_of_the_network_routes_and_a_refusal_is_audited(
    organisation, leeds, make_user
):
    sent = network_referral(organisation.network)
    coordinator = make_user(Role.COORDINATOR, Role.ORGANISATION_ADMIN, organisation=organisation)
    with pytest.raises(NotANetworkAdmin):
        network_referral_route(
            by=Acting(coordinator, organisation),
            network_referral_id=sent.pk,
            expected="received",
            organisation_id=leeds.pk,
        )
    with pytest.raises(NotANetworkAdmin):
        network_referral_decline(
            by=Acting(None, organisation),
            network_referral_id=sent.pk,
            expected="received",
            reason="x",
        )
    refused = AuditEvent.objects.filter(action="network_referral.route_refused")
    assert refused.count() == 2
    assert {e.detail["doing"] for e in refused} == {"route", "decline"}

    elsewhere = OrganisationFactory(network=NetworkFactory(slug="far-away"))
    their_admin = make_user(Role.NETWORK_ADMIN, organisation=elsewhere)
    with pytest.raises(NetworkReferral.DoesNotExist):
        network_referral_route(
            by=Acting(their_admin, elsewhere),
            network_referral_id=sent.pk,
            expected="received",
            organisation_id=elsewhere.pk,
        )
    sent.refresh_from_db()
    assert sent.status == "received"
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_it_goes_only_to_an_active_organisation_of_the_network(organisation, leeds, by):
    sent = network_referral(organisation.network)
    other = OrganisationFactory(network=NetworkFactory(slug="far-away"))
    leeds.is_active = False
    leeds.save(update_fields=["is_active"])
    for organisation_id in (other.pk, leeds.pk, uuid.uuid4()):
        with pytest.raises(NetworkReferralError, match="Choose one of the organisations"):
            network_referral_route(
                by=by,
                network_referral_id=sent.pk,
                expected="received",
                organisation_id=organisation_id,
            )
    assert not Referral.objects.exists() and not Person.objects.exists()
    assert NetworkReferral.objects.get().status == "received"


def test_what_the_admin_saw_is_checked(organisation, leeds, by):
    sent = network_referral(organisation.network)
    network_referral_route(
        by=by, network_referral_id=sent.pk, expected="received", organisation_id=leeds.pk
    )
    with pytest.raises(ChangedSinceYouLooked, match="Someone else changed this referral"):
        network_referral_route(
            by=by, network_referral_id=sent.pk, expected="received", organisation_id=organisation.pk
        )
    with pytest.raises(IllegalTransition):
        network_referral_decline(by=by, network_referral_id=sent.pk, expected="routed", reason="x")
    assert Referral.objects.count() == 1


def test_a_referral_the_organisation_already_has_is_not_made_twice(organisation, leeds, by):
    sent = network_referral(
        organisation.network, channel="fhir", source=Source.GP, external_system="s", external_id="1"
    )
    first = network_referral_route(
        by=by, network_referral_id=sent.pk, expected="received", organisation_id=leeds.pk
    )
    again = network_referral(
        organisation.network, channel="fhir", source=Source.GP, external_system="s", external_id="2"
    )
    # The same identifier sent to the organisation directly (say) is already there
    Referral.objects.filter(pk=first.pk).update(external_id="2")
    with pytest.raises(NetworkReferralError, match="already has a referral with this"):
        network_referral_route(
            by=by, network_referral_id=again.pk, expected="received", organisation_id=leeds.pk
        )
    assert NetworkReferral.objects.get(pk=again.pk).status == "received"


def test_declining_needs_a_reason_and_makes_nothing(organisation, by):
    sent = network_referral(organisation.network)
    with pytest.raises(NetworkReferralError, match="Say why"):
        network_referral_decline(
            by=by, network_referral_id=sent.pk, expected="received", reason=" "
        )
    declined = network_referral_decline(
        by=by,
        network_referral_id=sent.pk,
        expected="received",
        reason="Not a real request",
        signposted_to="NHS 111",
    )
    assert (declined.status, declined.decline_reason, declined.signposted_to) == (
        "declined",
        "Not a real request",
        "NHS 111",
    )
    assert NetworkReferralEvent.objects.filter(network_referral=sent).count() == 2
    assert AuditEvent.objects.get(action="network_referral.declined").organisation == organisation
    assert not Referral.objects.exists() and not Person.objects.exists()


# --- where to send it -------------------------------------------------------------------------


def test_suggestions_put_those_offering_the_support_first_then_the_nearest(
    organisation, placed, leeds
):
    near_leeds = network_referral(organisation.network, postcode="LS8 2AP", wants=Wants.GROUP)
    found = suggestions(network_referral=near_leeds, organisations=[leeds, placed])
    assert [s.organisation for s in found] == [placed, leeds]  # only Stockport offers groups
    assert found[0].suggested and found[0].offers is True and not found[0].nearest
    assert found[1].nearest and found[1].offers is False
    assert found[1].distance_km == pytest.approx(4.2, abs=0.05)  # LS8 2AP to LS7 3JB
    assert found[1].reasons == [
        "4.2 km from the postcode sent (the nearest)",
        "Does not say it offers a group",
    ]
    assert found[0].reasons[1] == "Offers a group"

    not_sure = network_referral(organisation.network, postcode="SK1 1AA", wants=Wants.NOT_SURE)
    found = suggestions(network_referral=not_sure, organisations=[leeds, placed])
    assert [s.organisation for s in found] == [placed, leeds]  # nearest first
    assert found[0].suggested and found[0].nearest and found[0].offers is None
    assert found[0].distance_km is not None and found[0].distance_km < 1
    assert found[1].distance_km is not None and found[1].distance_km > 50


def test_without_places_nothing_is_suggested_and_the_page_says_why(organisation, leeds):
    unplaced = OrganisationFactory(name="Aardvark Trust", network=organisation.network)
    sent = network_referral(organisation.network, wants=Wants.NOT_SURE, postcode="")
    found = suggestions(network_referral=sent, organisations=[leeds, unplaced])
    assert [s.organisation for s in found] == [unplaced, leeds]  # by name
    assert not any(s.suggested for s in found)
    assert found[0].reasons == ["Where it is based is not recorded"]
    assert found[1].reasons == ["No distance: the postcode sent could not be found"]


def test_an_organisations_place_is_located_checked_and_audited(organisation, make_user):
    placed = organisation_place_locate(
        by=operator("test"),
        organisation=organisation,
        postcode="sk13xe",
        support_offered=["group", "befriending", "group"],
    )
    assert (placed.base_postcode, placed.base_easting, placed.base_northing) == (
        "SK1 3XE",
        389561,
        389918,
    )
    assert placed.support_offered == ["group", "befriending"]
    entry = AuditEvent.objects.get(action="organisation.place_set")
    assert entry.organisation == organisation
    assert entry.detail["after"] == {
        "postcode": "SK1 3XE",
        "located": True,
        "support_offered": ["group", "befriending"],
    }
    # The same again changes nothing
    organisation_place_locate(
        by=operator("test"),
        organisation=organisation,
        postcode="SK1 3XE",
        support_offered=["befriending", "group"],
    )
    assert AuditEvent.objects.filter(action="organisation.place_set").count() == 1

    with pytest.raises(PlaceError, match="Unknown kinds of support: knitting"):
        organisation_place_locate(
            by=operator("t"), organisation=organisation, postcode="", support_offered=["knitting"]
        )
    with pytest.raises(PlaceError, match="ZZ9 9ZZ is not a postcode we can find"):
        organisation_place_locate(
            by=operator("t"), organisation=organisation, postcode="ZZ9 9ZZ", support_offered=[]
        )
    coordinator = make_user(Role.COORDINATOR, organisation=organisation)
    with pytest.raises(PlaceError, match="Only an organisation admin"):
        organisation_place_locate(
            by=Acting(coordinator, organisation),
            organisation=organisation,
            postcode="LS8 2AP",
            support_offered=[],
        )
    admin = make_user(Role.ORGANISATION_ADMIN, organisation=organisation)
    organisation_place_locate(
        by=Acting(admin, organisation), organisation=organisation, postcode="", support_offered=[]
    )
    organisation.refresh_from_db()
    assert (
        organisation.base_postcode,
        organisation.base_easting,
        organisation.support_offered,
    ) == (
        "",
        None,
        [],
    )


# --- the inbox pages ---------------------------------------------------------------------------


def test_the_inbox_lists_this_networks_waiting_referrals_oldest_first(
    organisation, leeds, by, sign_in, admin
):
    now = timezone.now()
    newer = network_referral(organisation.network, given_name="Newer", received_at=now)
    older = network_referral(
        organisation.network, given_name="Older", received_at=now - dt.timedelta(days=2)
    )
    gone = network_referral(organisation.network, given_name="Gone")
    network_referral_route(
        by=by, network_referral_id=gone.pk, expected="received", organisation_id=leeds.pk
    )
    network_referral(NetworkFactory(slug="far-away"), given_name="Theirs")

    body = sign_in(admin, organisation).get(inbox_url()).content.decode()

    assert body.index("Older") < body.index("Newer")
    assert "Gone" not in body and "Theirs" not in body
    assert "2 referrals are waiting" in body
    assert reverse("referrals:network_self_refer", kwargs={"network_slug": "stockport"}) in body
    viewed = AuditEvent.objects.get(action="network_referral.viewed")
    assert viewed.organisation == organisation and viewed.actor == admin
    assert viewed.detail["network_referrals"] == [str(older.pk), str(newer.pk)]


def test_the_inbox_does_not_grow_its_queries_with_its_referrals(
    organisation, admin, sign_in, django_assert_num_queries, django_assert_max_num_queries
):
    client = sign_in(admin, organisation)
    network_referral(organisation.network)
    client.get(inbox_url())  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client.get(inbox_url())
    for index in range(12):
        network_referral(organisation.network, given_name=f"Person{index}")
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(inbox_url()).content.decode()
    assert body.count("Person") == 12


def test_the_page_shows_what_was_sent_and_where_it_could_go(
    organisation, placed, leeds, admin, sign_in
):
    sent = network_referral(organisation.network, reason="Lonely since moving")
    page = sign_in(admin, organisation).get(detail_url(sent))
    body = page.content.decode()
    assert page.status_code == 200
    for shown in ("Edna", "Moss", "LS8 2AP", "Lonely since moving", "Befriending", "07700 900123"):
        assert shown in body
    assert "MAEcare Leeds (suggested)" in body
    assert "Offers befriending" in body and "km from the postcode sent" in body
    viewed = AuditEvent.objects.get(action="network_referral.viewed")
    assert viewed.target_id == str(sent.pk) and viewed.organisation == organisation


def test_a_network_admin_routes_from_the_page(organisation, leeds, admin, sign_in):
    sent = network_referral(organisation.network)
    client = sign_in(admin, organisation)
    response = client.post(
        route_url(sent), {"organisation": str(leeds.pk), "expected": "received", "note": "Near"}
    )
    assert response.status_code == 302 and response["Location"] == inbox_url()
    assert "Sent to MAEcare Leeds" in client.get(inbox_url()).content.decode()
    referral = Referral.objects.get()
    assert referral.organisation == leeds
    assert ReferralEvent.objects.filter(referral=referral, note__endswith=": Near").exists()


def test_a_route_form_with_errors_changes_nothing_and_says_why(organisation, leeds, admin, sign_in):
    sent = network_referral(organisation.network)
    client = sign_in(admin, organisation)
    nothing = client.post(route_url(sent), {"expected": "received"})
    assert nothing.status_code == 200
    assert "There is a problem" in nothing.content.decode()
    assert "Choose the organisation to send it to" in nothing.content.decode()
    elsewhere = OrganisationFactory(network=NetworkFactory(slug="far-away"))
    forged = client.post(
        route_url(sent), {"organisation": str(elsewhere.pk), "expected": "received"}
    )
    assert "Choose one of the network&#39;s organisations" in forged.content.decode()
    stale = client.post(route_url(sent), {"organisation": str(leeds.pk), "expected": "routed"})
    assert stale.status_code == 302
    assert "Someone else changed this referral" in client.get(stale["Location"]).content.decode()
    declined = client.post(decline_url(sent), {"expected": "received", "reason": ""})
    assert "Enter why the referral is declined" in declined.content.decode()
    assert not Referral.objects.exists()
    assert NetworkReferral.objects.get().status == "received"


def test_a_network_admin_declines_from_the_page(organisation, admin, sign_in):
    sent = network_referral(organisation.network)
    client = sign_in(admin, organisation)
    response = client.post(
        decline_url(sent), {"expected": "received", "reason": "Duplicate", "signposted_to": ""}
    )
    assert response["Location"] == inbox_url()
    assert NetworkReferral.objects.get().status == "declined"
    page = client.get(detail_url(sent)).content.decode()
    assert "Declined on" in page and "Send it to this organisation" not in page


def test_another_networks_admin_finds_nothing_and_organisation_roles_are_refused(
    organisation, leeds, make_user, sign_in, client_as
):
    sent = network_referral(organisation.network, given_name="Bartholomew")
    elsewhere = OrganisationFactory(name="Far Away Trust", network=NetworkFactory(slug="far-away"))
    theirs = sign_in(make_user(Role.NETWORK_ADMIN, organisation=elsewhere), elsewhere)
    assert theirs.get(detail_url(sent)).status_code == 404
    assert theirs.post(route_url(sent), {"organisation": str(leeds.pk)}).status_code == 404
    assert theirs.post(decline_url(sent), {"reason": "x"}).status_code == 404
    assert "Bartholomew" not in theirs.get(inbox_url()).content.decode()
    everything_else = client_as(*(role for role in Role if role != Role.NETWORK_ADMIN))
    assert everything_else.get(detail_url(sent)).status_code == 403
    assert everything_else.post(route_url(sent), {"organisation": str(leeds.pk)}).status_code == 403
    assert NetworkReferral.objects.get().status == "received"


# --- the public form ---------------------------------------------------------------------------

SELF = {
    "given_name": "Sam",
    "family_name": "Okafor",
    "postcode": "LS8 2AP",
    "phone": "07700 900456",
    "reason": "Lonely",
    "wants": "group",
    "consent_contact": "on",
}


def self_url(slug="stockport"):
    return reverse("referrals:network_self_refer", kwargs={"network_slug": slug})


def test_someone_asks_a_network_for_support_without_signing_in(client, organisation):
    page = client.get(self_url())
    assert page.status_code == 200
    assert f"Ask {organisation.network.name} for peer support" in page.content.decode()
    response = client.post(self_url(), SELF)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "referrals:network_self_refer_done", kwargs={"network_slug": "stockport"}
    )
    done = client.get(response["Location"]).content.decode()
    assert f"Someone from {organisation.network.name} will get in touch" in done
    sent = NetworkReferral.objects.get()
    assert (sent.network, sent.channel, sent.source, sent.wants) == (
        organisation.network,
        "self_referral",
        "self",
        "group",
    )
    assert sent.consent_contact is True
    assert not Person.objects.exists() and not Referral.objects.exists()
    entry = AuditEvent.objects.get(action="network_referral.received")
    assert entry.ip_address == "127.0.0.1" and entry.actor is None


def test_the_network_form_checks_what_it_is_sent(client, organisation):
    page = client.post(self_url(), {**SELF, "phone": "", "postcode": "ZZ9 9ZZ"}).content.decode()
    assert "Enter a phone number or an email address" in page
    assert "ZZ9 9ZZ is not a postcode we can find" in page
    assert client.post(self_url(), {**SELF, "website": "http://spam.example"}).status_code == 302
    assert not NetworkReferral.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(self_url(), SELF).status_code == 403
    assert not NetworkReferral.objects.exists()


def test_one_limit_covers_both_forms(client, organisation):
    organisation_form = reverse(
        "referrals:self_refer", kwargs={"organisation_slug": organisation.slug}
    )
    for index in range(5):
        client.post(organisation_form, {**SELF, "given_name": f"Sam{index}"})
    assert Referral.objects.count() == 5
    response = client.post(self_url(), SELF)
    assert response.status_code == 429
    assert f"phone {organisation.network.name}" in response.content.decode()
    assert not NetworkReferral.objects.exists()


def test_the_network_form_counts_across_web_processes_but_not_a_network_admin(
    client, organisation, leeds, by
):
    for index in range(5):
        client.post(self_url(), {**SELF, "given_name": f"Sam{index}"})
        cache.clear()  # as if each request reached a different process
    assert NetworkReferral.objects.count() == 5
    assert client.post(self_url(), SELF).status_code == 429
    # A network admin sending them on from the same address is not sending self-referrals
    for sent in NetworkReferral.objects.all():
        network_referral_route(
            by=Acting(by.user, organisation, ip_address="192.0.2.7"),
            network_referral_id=sent.pk,
            expected="received",
            organisation_id=leeds.pk,
        )
    cache.clear()
    assert client.post(self_url(), SELF, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_an_unknown_network_or_one_with_nobody_active_is_not_found(client, organisation):
    assert client.get(self_url("nobody")).status_code == 404
    NetworkFactory(slug="empty")
    assert client.get(self_url("empty")).status_code == 404
    assert client.post(self_url("empty"), SELF).status_code == 404


# --- the operator's command ----------------------------------------------------------------------


def test_kindred_organisation_update_says_where_an_organisation_is_and_what_it_offers(
    organisation, capsys
):
    assert main(["organisation", "update", organisation.slug, "--postcode", "SK1 3XE",
                 "--offers", "group"]) == 0  # fmt: skip
    organisation.refresh_from_db()
    assert (organisation.base_postcode, organisation.support_offered) == ("SK1 3XE", ["group"])
    assert organisation.name == "Crafty Needles"  # nothing else changed
    with pytest.raises(SystemExit, match="--offers needs --postcode"):
        main(["organisation", "update", organisation.slug, "--offers", "group"])
    call_command(
        "organisation_place",
        "--organisation",
        organisation.slug,
        "--postcode",
        "sk1 3xe",
        "--offers",
        "group, befriending",
    )
    assert "based at SK1 3XE; offers group, befriending" in capsys.readouterr().out
    organisation.refresh_from_db()
    assert organisation.base_easting == 389561
    with pytest.raises(CommandError, match="Unknown kinds of support: knitting"):
        call_command(
            "organisation_place",
            "--organisation",
            organisation.slug,
            "--postcode",
            "SK1 3XE",
            "--offers",
            "knitting",
        )
    with pytest.raises(CommandError, match="no organisation with the slug 'nope'"):
        call_command("organisation_place", "--organisation", "nope", "--postcode", "SK1 3XE")
