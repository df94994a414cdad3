"""The public directory pages: search nearest first, filters, bad postcodes, published only."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.directory.tests.conftest import real_postcode
from kindred.groups.models import GroupModel
from kindred.groups.tests.factories import make_group, make_venue

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


def names_in(response) -> list[str]:
    """The groups found, in order, from the page as a visitor sees it."""
    assert response.status_code == 200
    return re.findall(
        r'nhsuk-card__heading"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def miles_in(response) -> list[float]:
    return [float(m) for m in re.findall(r"\(([\d.]+) miles away\)", response.content.decode())]


def test_the_search_page_needs_no_sign_in_and_lists_published_groups_by_name(client, three_towns):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert names_in(response) == ["Leeds walkers", "Manchester knitters", "Stockport yoga"]
    body = response.content.decode()
    assert "Secret planning group" not in body and "Their private circle" not in body


def test_results_are_nearest_first_with_their_distance(client, three_towns):
    response = client.get(SEARCH, {"postcode": real_postcode("SK1").lower(), "distance": ""})
    assert response.status_code == 200
    assert names_in(response) == ["Stockport yoga", "Manchester knitters", "Leeds walkers"]
    miles = miles_in(response)
    assert miles == sorted(miles)
    assert miles[0] < 1 and 3 < miles[1] < 12 and 25 < miles[2] < 60
    assert "nearest first" in response.content.decode()


def test_a_distance_leaves_out_groups_further_away(client, three_towns):
    response = client.get(SEARCH, {"postcode": real_postcode("SK1"), "distance": "10"})
    assert names_in(response) == ["Stockport yoga", "Manchester knitters"]
    response = client.get(SEARCH, {"postcode": real_postcode("SK1"), "distance": "1"})
    assert names_in(response) == ["Stockport yoga"]


def test_filters_by_kind_of_group_day_and_access(client, organisation):
    today = timezone.localdate()
    step_free = make_venue(organisation, name="Step-free hall")  # step free and a hearing loop
    stairs = make_venue(organisation, name="Upstairs room")
    stairs.step_free = False
    stairs.save()
    make_group(organisation, venue=step_free, name="Walkers", model=GroupModel.NEIGHBOURHOOD)
    make_group(organisation, venue=stairs, name="Knitters", first_on=today + dt.timedelta(days=1))

    assert names_in(client.get(SEARCH, {"model": "neighbourhood"})) == ["Walkers"]
    assert names_in(client.get(SEARCH, {"access": ["step_free", "hearing_loop"]})) == ["Walkers"]
    tomorrow = (today + dt.timedelta(days=1)).weekday()
    assert names_in(client.get(SEARCH, {"day": str(tomorrow)})) == ["Knitters"]
    assert names_in(client.get(SEARCH, {"day": str(today.weekday())})) == ["Walkers"]


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("NOT A POSTCODE", "Enter a real postcode, like LS1 1UR"),
        ("ZZ9 9ZZ", "ZZ9 9ZZ is not a postcode we can find"),
        ("'; DROP TABLE", "Enter a real postcode, like LS1 1UR"),
    ],
)
def test_a_bad_postcode_is_a_field_error_not_a_crash(client, three_towns, postcode, message):
    response = client.get(SEARCH, {"postcode": postcode})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert 'href="#id_postcode"' in body  # the summary links to the field
    assert "nhsuk-error-message" in body
    assert names_in(response) == []


@pytest.mark.parametrize(
    "query",
    [{"day": "8"}, {"model": "secret"}, {"access": ["lift"]}, {"distance": "-3"},
     {"page": "x"}, {"page": "-1"}, {"postcode": "LS1\x001UR"}],
)  # fmt: skip
def test_other_bad_choices_never_crash(client, three_towns, query):
    response = client.get(SEARCH, query)
    assert response.status_code == 200


def test_pages_of_ten_keep_the_search(client, organisation):
    venue = make_venue(organisation, postcode=real_postcode("SK1"))
    for number in range(12):
        make_group(organisation, venue=venue, name=f"Group {number:02}",
                   starts=dt.time(6 + number), ends=dt.time(6 + number, 30))  # fmt: skip
    first = client.get(SEARCH, {"postcode": real_postcode("SK1")})
    assert len(names_in(first)) == 10
    body = first.content.decode()
    assert "page=2" in body and "postcode=" in body
    second = client.get(SEARCH, {"postcode": real_postcode("SK1"), "page": "2"})
    assert len(names_in(second)) == 2


def _count_queries(client, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH, query)
    assert response.status_code == 200
    return len(captured)


def test_the_search_takes_the_same_queries_for_3_groups_or_10(client, organisation):
    venues = [make_venue(organisation, postcode=real_postcode(d)) for d in ("SK1", "M1", "LS8")]
    for index, venue in enumerate(venues):
        make_group(organisation, venue=venue, name=f"Small {index}")
    query = {"postcode": real_postcode("SK1"), "day": str(timezone.localdate().weekday())}
    small = _count_queries(client, query)
    for index in range(7):
        make_group(organisation, venue=venues[index % 3], name=f"More {index}",
                   starts=dt.time(13 + index // 3), ends=dt.time(13 + index // 3, 30))  # fmt: skip
    assert _count_queries(client, query) == small
    assert small <= 3  # the count, the page of groups, their sessions


def test_a_group_page_shows_how_to_join_and_the_next_sessions(client, three_towns, cancel):
    group = three_towns["stockport"]
    cancel(group.sessions.order_by("starts_at")[1])
    response = client.get(reverse("directory:group", kwargs={"group_id": group.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stockport yoga" in body and "Open door" in body and "0161 496 0000" in body
    assert "Step-free access, Hearing loop" in body
    assert body.count("Cancelled") == 1
    assert reverse("directory:calendar", kwargs={"group_id": group.pk}) in body
    sessions = body.split("Next sessions")[1].split("Add the sessions")[0]
    assert sessions.count("<li>") == 8


def test_a_group_page_names_nobody(client, organisation, make_user):
    facilitator = make_user(Role.FACILITATOR, organisation=organisation)
    facilitator.full_name = "Philippa Facilitator"
    facilitator.save()
    group = make_group(organisation, peer_leaders=[facilitator])
    body = client.get(reverse("directory:group", kwargs={"group_id": group.pk})).content.decode()
    assert "Philippa" not in body and facilitator.email not in body


def test_unpublished_groups_have_no_page_and_no_feed(client, three_towns):
    for key in ("hidden", "theirs"):
        pk = three_towns[key].pk
        assert client.get(reverse("directory:group", kwargs={"group_id": pk})).status_code == 404
        assert client.get(reverse("directory:calendar", kwargs={"group_id": pk})).status_code == 404
