"""The rota pages: the coordinator's, the volunteer's phone pages, and no N+1 on the rota."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.crisis import rota_services
from kindred.crisis.models.rota import Rota, ShiftAvailability, ShiftSwap
from kindred.crisis.tests.factories import ShiftFactory, assign, crisis_supporter, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(sign_in, coordinator, organisation):
    return sign_in(coordinator, organisation)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _grow(organisation, rota, days, per_shift, professional):
    supporters = [crisis_supporter(organisation) for _ in range(per_shift)]
    start = rota.starts_on
    for day in range(days):
        shift = ShiftFactory(
            organisation=organisation, rota=rota, starts_at=local(start + dt.timedelta(days=day), "18:00"),
            professional=professional if day % 2 else None,
        )  # fmt: skip
        assign(shift, supporters)


def test_the_rota_page_takes_the_same_queries_at_two_sizes(
    coordinator_client, organisation, professional
):
    by = Acting.system("test", organisation=organisation)
    rota = rota_services.rota_create(
        by=by, starts_on=timezone.localdate() + dt.timedelta(days=1),
        ends_on=timezone.localdate() + dt.timedelta(days=40),
    )  # fmt: skip
    rota.shifts.all().delete()
    url = reverse("crisis:rota_detail", kwargs={"rota_id": rota.pk})
    _grow(organisation, rota, days=2, per_shift=2, professional=professional)
    small, _ = _queries(coordinator_client, url)
    _grow(organisation, rota, days=0, per_shift=0, professional=professional)
    rota.shifts.all().delete()
    _grow(organisation, rota, days=20, per_shift=6, professional=professional)
    large, body = _queries(coordinator_client, url)
    assert large == small
    assert "no professional" in body
    index_small, _ = _queries(coordinator_client, reverse("crisis:rota"))
    assert index_small == _queries(coordinator_client, reverse("crisis:rota"))[0]


def test_the_rota_page_flags_shifts_without_a_professional(coordinator_client, organisation):
    shift = ShiftFactory(
        organisation=organisation,
        starts_at=local(timezone.localdate() + dt.timedelta(days=2), "18:00"),
    )
    body = coordinator_client.get(
        reverse("crisis:rota_detail", kwargs={"rota_id": shift.rota_id})
    ).content.decode()
    assert "no professional" in body and "2 short" in body
    home = coordinator_client.get(reverse("core:home")).content.decode()
    assert "Crisis line rota gaps" in home and shift.when in home


def test_building_queues_and_shows_the_proposal(coordinator_client, organisation):
    rota = rota_services.rota_create(
        by=Acting.system("test", organisation=organisation),
        starts_on=timezone.localdate() + dt.timedelta(days=35),
    )
    supporter = crisis_supporter(organisation)
    ShiftAvailability.objects.bulk_create(
        ShiftAvailability(volunteer=supporter, pattern=p) for p in organisation.shift_patterns.all()
    )
    url = reverse("crisis:rota_build", kwargs={"rota_id": rota.pk})
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url)
    assert response.status_code == 302
    rota.refresh_from_db()
    assert rota.build == Rota.Build.BUILT
    body = coordinator_client.get(
        reverse("crisis:rota_detail", kwargs={"rota_id": rota.pk})
    ).content.decode()
    assert supporter.display_name in body


def test_adding_a_supporter_without_training_shows_an_nhs_error(coordinator_client, organisation):
    shift = ShiftFactory(
        organisation=organisation,
        starts_at=local(timezone.localdate() + dt.timedelta(days=2), "18:00"),
    )
    untrained = crisis_supporter(organisation, trained=False)
    url = reverse("crisis:shift", kwargs={"shift_id": shift.pk})
    body = coordinator_client.get(url).content.decode()
    assert untrained.display_name not in body  # only eligible supporters are offered
    response = coordinator_client.post(url, {"action": "add", "add-volunteer": str(untrained.pk)})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert not shift.assignments.exists()


def test_a_shift_outside_the_period_shows_an_nhs_error(coordinator_client, organisation):
    rota = rota_services.rota_create(
        by=Acting.system("test", organisation=organisation),
        starts_on=timezone.localdate() + dt.timedelta(days=35),
    )
    outside = rota.ends_on + dt.timedelta(days=3)
    response = coordinator_client.post(
        reverse("crisis:shift_add", kwargs={"rota_id": rota.pk}),
        {"day_day": outside.day, "day_month": outside.month, "day_year": outside.year, "starts_at": "18:00", "ends_at": "08:00"},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "the rota&#39;s period" in body


def test_a_volunteer_says_which_shifts_they_can_do_overnight_included(
    sign_in, make_user, organisation
):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="ann@example.com")
    volunteer = crisis_supporter(organisation, user=user, email=user.email)
    client = sign_in(user, organisation)
    page = client.get(reverse("crisis:my_shift_availability"))
    assert "Monday night, 18:00 to 08:00" in page.content.decode()
    nights = [str(p.pk) for p in organisation.shift_patterns.filter(ends_at__lte=dt.time(8))]
    response = client.post(reverse("crisis:my_shift_availability"), {"patterns": nights[:3]})
    assert response.status_code == 302
    assert volunteer.shift_availability.count() == 3


def test_a_volunteer_offers_and_another_takes_a_shift(
    sign_in, make_user, organisation, coordinator
):
    ann_user = make_user(Role.VOLUNTEER, organisation=organisation, email="ann@example.com")
    bob_user = make_user(Role.VOLUNTEER, organisation=organisation, email="bob@example.com")
    ann = crisis_supporter(organisation, user=ann_user, email=ann_user.email)
    bob = crisis_supporter(organisation, user=bob_user, email=bob_user.email)
    shift = ShiftFactory(
        organisation=organisation,
        starts_at=local(timezone.localdate() + dt.timedelta(days=3), "18:00"),
    )
    assign(shift, [ann])
    ann_client = sign_in(ann_user, organisation)
    assert shift.when in ann_client.get(reverse("crisis:my_shifts")).content.decode()
    ann_client.post(reverse("crisis:my_shifts"), {"offer": str(shift.pk)})
    swap = ShiftSwap.objects.get(shift=shift)
    bob_client = sign_in(bob_user, organisation)
    page = bob_client.get(reverse("crisis:my_shifts")).content.decode()
    assert "Take this shift" in page
    bob_client.post(reverse("crisis:my_shifts"), {"take": str(swap.pk)})
    assert list(shift.assignments.values_list("volunteer", flat=True)) == [bob.pk]
    # A bad id is a 404, never a 500.
    assert bob_client.post(reverse("crisis:my_shifts"), {"take": "not-an-id"}).status_code == 404


def test_a_volunteer_without_a_record_is_told(sign_in, make_user, organisation):
    user = make_user(Role.VOLUNTEER, organisation=organisation, email="nobody@example.com")
    body = sign_in(user, organisation).get(reverse("crisis:my_shifts")).content.decode()
    assert "no volunteer record" in body
