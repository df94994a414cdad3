"""The Open Referral UK API, checked field by field against what the UK profile requires."""

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import Role
from kindred.core.services import Acting
from kindred.directory.geo import latitude_longitude
from kindred.directory.tests import oruk_profile as profile
from kindred.directory.tests.conftest import real_postcode
from kindred.groups import schedule, services
from kindred.groups.models import GroupModel, Joining
from kindred.groups.tests.factories import make_group, make_venue
from kindred.people import identifiers
from kindred.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def get(client, name, status=200, **params):
    url = reverse(f"openreferral:{name}", kwargs=params.pop("kwargs", None))
    response = client.get(url, params)
    assert response.status_code == status, response.content
    return response


def body(response):
    return json.loads(response.content)


def service_url(group) -> str:
    return reverse("openreferral:service", kwargs={"service_id": str(group.pk)})


def test_the_api_says_which_version_and_profile(client):
    response = get(client, "index")
    assert response["Content-Type"] == "application/json"
    found = body(response)
    assert found["version"] == "3.0"
    assert profile.is_uri(found["profile"]) and profile.is_uri(found["openapi_url"])


def test_the_service_list_is_paged_and_holds_only_published_services(client, three_towns):
    found = body(get(client, "services"))
    profile.page(found)
    assert found["total_items"] == 3 and found["total_pages"] == 1
    assert found["first_page"] and found["last_page"] and not found["empty"]
    assert [s["name"] for s in found["contents"]] == [
        "Leeds walkers", "Manchester knitters", "Stockport yoga",
    ]  # fmt: skip
    for item in found["contents"]:
        profile.service_list_item(item)
    assert {s["id"] for s in found["contents"]} == {
        str(three_towns[k].pk) for k in ("leeds", "manchester", "stockport")
    }
    text = json.dumps(found)
    assert "Secret planning group" not in text and "Their private circle" not in text


def test_pages_and_per_page(client, three_towns):
    found = body(get(client, "services", page="2", per_page="2"))
    profile.page(found)
    assert (found["total_items"], found["total_pages"], found["page_number"]) == (3, 2, 2)
    assert found["size"] == 1 and not found["first_page"] and found["last_page"]
    beyond = body(get(client, "services", page="9"))
    assert beyond["empty"] and beyond["contents"] == [] and beyond["size"] == 0
    capped = body(get(client, "services", per_page="100000"))
    assert capped["size"] == 3 and capped["total_pages"] == 1


def test_a_fully_nested_service_meets_the_profile(client, three_towns):
    group = three_towns["stockport"]
    found = body(client.get(service_url(group)))
    profile.full_service(found)
    assert found["id"] == str(group.pk)
    assert found["status"] == "active"
    assert found["organization"]["id"] == str(group.organisation_id)
    assert found["url"].endswith(reverse("directory:group", kwargs={"group_id": group.pk}))

    (sal,) = found["service_at_locations"]
    location = sal["location"]
    assert location["id"] == str(group.venue_id) and location["name"] == "Stockport hall"
    (address,) = location["addresses"]
    assert address["postal_code"] == group.venue.postcode
    assert address["address_1"] == "1 Mersey Square" and address["city"] == "Stockport"
    assert address["country"] == "GB" and address["state_province"] == "England"
    assert address["address_type"] == "physical"
    assert [a["description"] for a in location["accessibility"]] == [
        "Step-free access", "Hearing loop",
    ]  # fmt: skip
    # Stockport is about 53.41 N, 2.16 W (WGS84).
    assert 53.35 < location["latitude"] < 53.45 and -2.25 < location["longitude"] < -2.10

    (sched,) = found["schedules"]
    weekday = schedule.WEEKDAYS[group.first_on.weekday()]
    assert (sched["freq"], sched["interval"], sched["byday"]) == ("WEEKLY", 1, weekday)
    assert sched["opens_at"][:5] == "10:00" and sched["closes_at"][:5] == "12:00"
    assert sched["valid_from"] == group.first_on.isoformat()
    assert sched["service_at_location_id"] == sal["id"]
    assert sched["schedule_link"].endswith(
        reverse("directory:calendar", kwargs={"group_id": group.pk})
    )
    assert client.get(sched["schedule_link"])["Content-Type"].startswith("text/calendar")

    (contact,) = found["contacts"]
    assert contact["name"] == "Enquiries" and contact["phones"][0]["number"] == "0161 496 0000"
    (cost,) = found["cost_options"]
    assert (cost["option"], cost["amount"], cost["currency"]) == ("Free", 0, "GBP")
    (attribute,) = found["attributes"]
    terms = {t["id"] for t in body(get(client, "taxonomy_terms"))["contents"]}
    assert attribute["taxonomy_term_id"] in terms
    assert attribute["taxonomy_term"]["code"] == "activity"


def test_nested_ids_are_stable_and_unique(client, three_towns):
    first = body(client.get(service_url(three_towns["stockport"])))
    again = body(client.get(service_url(three_towns["stockport"])))
    other = body(client.get(service_url(three_towns["manchester"])))
    ids = profile.every_id(first)
    assert ids == profile.every_id(again)
    # Shared things (the taxonomy term, the organisation) aside, no id is reused.
    shared = {first["organization"]["id"], first["attributes"][0]["taxonomy_term"]["id"]}
    assert len(set(ids) - shared) == len([i for i in ids if i not in shared])
    assert not (set(ids) - shared) & (set(profile.every_id(other)) - shared)


def test_a_monthly_rule_by_referral_with_a_cost_and_an_email(client, organisation):
    first = dt.date(2026, 1, 8)  # the 2nd Thursday of January 2026
    group = make_group(
        organisation, name="Stroke club", model=GroupModel.CONDITION, first_on=first,
        rule=schedule.build_rule(pattern="nth", first=first, nths=(2, 4)),
        starts=dt.time(14), ends=dt.time(16), joining=Joining.BY_REFERRAL,
        cost="£2 a session, tea included", enquiries="stroke.club@example.org",
    )  # fmt: skip
    found = body(client.get(service_url(group)))
    profile.full_service(found)
    (sched,) = found["schedules"]
    assert (sched["freq"], sched["byday"]) == ("MONTHLY", "2TH,4TH")
    assert sched["description"].startswith("2nd and 4th Thursday of the month")
    assert found["email"] == "stroke.club@example.org"
    assert found["contacts"][0]["email"] == "stroke.club@example.org"
    assert found["contacts"][0]["phones"] == []
    assert found["cost_options"][0]["amount"] == 2.0
    assert found["application_process"].startswith("By referral")
    assert found["attributes"][0]["taxonomy_term"]["code"] == "condition"


def test_service_at_locations_nearest_first_within_a_proximity(client, three_towns):
    here = real_postcode("SK1")
    found = body(get(client, "service_at_locations", postcode=here))
    profile.page(found)
    names = [row["service"]["name"] for row in found["contents"]]
    assert names == ["Stockport yoga", "Manchester knitters", "Leeds walkers"]
    distances = [row["distance"] for row in found["contents"]]
    assert distances == sorted(distances)
    for row in found["contents"]:
        profile.has_required("service_at_location", row)
        profile.has_required("location", row["location"])
        profile.service_list_item(row["service"])
        profile.formats(row)
        assert row["location_id"] == row["location"]["id"]
    near = body(get(client, "service_at_locations", postcode=here, proximity="20000"))
    assert [row["service"]["name"] for row in near["contents"]] == names[:2]
    assert near["total_items"] == 2


def test_the_taxonomy_is_the_kinds_of_group(client):
    taxonomies = body(get(client, "taxonomies"))
    profile.page(taxonomies)
    (taxonomy,) = taxonomies["contents"]
    profile.has_required("taxonomy", taxonomy)
    profile.formats(taxonomy)
    terms = body(get(client, "taxonomy_terms"))
    profile.page(terms)
    assert [t["code"] for t in terms["contents"]] == list(GroupModel.values)
    for term in terms["contents"]:
        profile.has_required("taxonomy_term", term)
        profile.formats(term)
        assert term["taxonomy_id"] == taxonomy["id"]


def test_services_by_taxonomy_term(client, three_towns, organisation):
    make_group(organisation, name="Neighbours", model=GroupModel.NEIGHBOURHOOD,
               venue=make_venue(organisation), starts=dt.time(15), ends=dt.time(16))  # fmt: skip
    terms = {t["code"]: t["id"] for t in body(get(client, "taxonomy_terms"))["contents"]}
    found = body(get(client, "services", taxonomy_term_id=terms["neighbourhood"]))
    assert [s["name"] for s in found["contents"]] == ["Neighbours"]


@pytest.mark.parametrize(
    ("name", "params", "status"),
    [
        ("service_at_locations", {"postcode": "NOT A POSTCODE"}, 400),
        ("service_at_locations", {"postcode": "ZZ9 9ZZ"}, 400),
        ("service_at_locations", {"postcode": "SK1 3XE", "proximity": "-1"}, 400),
        ("service_at_locations", {"postcode": "SK1 3XE", "proximity": "near"}, 400),
        ("service_at_locations", {"postcode": "SK1 3XE", "proximity": "nan"}, 400),
        ("service_at_locations", {"proximity": "1000"}, 400),
        ("services", {"page": "two"}, 400),
        ("services", {"page": "0"}, 400),
        ("services", {"page": "-1"}, 400),
        ("services", {"per_page": "lots"}, 400),
        ("services", {"taxonomy_term_id": "not-a-term"}, 400),
        ("service_at_locations", {"page": "1.5"}, 400),
        ("taxonomy_terms", {"page": "x"}, 400),
    ],
)
def test_bad_input_is_a_problem_json_4xx(client, three_towns, name, params, status):
    response = get(client, name, status=status, **params)
    assert response["Content-Type"] == "application/problem+json"
    found = body(response)
    assert found["status"] == status and found["title"] and found["detail"]
    assert found["type"] == "about:blank" and found["instance"].startswith("/openreferral/")


@pytest.mark.parametrize("which", ["unknown", "malformed", "hidden", "theirs"])
def test_an_unknown_or_unpublished_service_is_a_404_problem(client, three_towns, which):
    service_id = {
        "unknown": str(uuid.uuid4()),
        "malformed": "not-a-uuid",
        "hidden": str(three_towns["hidden"].pk),
        "theirs": str(three_towns["theirs"].pk),
    }[which]
    response = client.get(reverse("openreferral:service", kwargs={"service_id": service_id}))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert body(response)["status"] == 404


def test_other_paths_and_methods_are_problems_too(client):
    response = client.get("/openreferral/organizations/anything")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client.post(reverse("openreferral:services"), {})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/problem+json"


def test_nothing_about_any_person(client, organisation, make_user):
    facilitator = make_user(Role.FACILITATOR, organisation=organisation)
    facilitator.full_name = "Philippa Facilitator"
    facilitator.save()
    group = make_group(organisation, peer_leaders=[facilitator])
    person = PersonFactory(organisation=organisation, given_name="Zebedee", family_name="Quist")
    by = Acting.system("test", organisation=organisation)
    services.member_add(by=by, group=group, person=person)
    services.regular_add(by=by, group=group, nickname="Bevvy")
    texts = [
        client.get(service_url(group)).content.decode(),
        get(client, "services").content.decode(),
        get(client, "service_at_locations", postcode="SK1 3XE").content.decode(),
    ]
    for text in texts:
        for secret in ("Philippa", facilitator.email, "Zebedee", "Quist", "Bevvy"):
            assert secret not in text


def _count(client, name, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, name, **params)
    return len(captured)


@pytest.mark.parametrize(
    ("name", "params"),
    [("services", {}), ("service_at_locations", {"postcode": "SK1 3XE"})],
)
def test_the_lists_take_the_same_queries_for_3_services_or_15(client, organisation, name, params):
    venues = [make_venue(organisation, postcode=real_postcode(d)) for d in ("SK1", "M1", "LS8")]
    for index, venue in enumerate(venues):
        make_group(organisation, venue=venue, name=f"Small {index}")
    small = _count(client, name, **params)
    for index in range(12):
        make_group(organisation, venue=venues[index % 3], name=f"More {index}",
                   starts=dt.time(13 + index // 3), ends=dt.time(13 + index // 3, 30))  # fmt: skip
    assert body(get(client, name, **params))["total_items"] == 15
    assert _count(client, name, **params) == small
    assert small <= 3


def test_the_location_is_converted_from_the_national_grid(client, organisation):
    # Nelson's Column, Trafalgar Square: about 51.5078 N, 0.1280 W.
    latitude, longitude = latitude_longitude(530000, 180430)  # type: ignore[misc]
    assert abs(latitude - 51.5078) < 0.002 and abs(longitude + 0.1280) < 0.002
    assert latitude_longitude(None, 180430) is None
    found = identifiers.lookup("SK1 3XE")
    assert latitude_longitude(found.easting, found.northing) is not None


def test_a_one_off_and_a_rule_with_a_last_date(client, organisation):
    today = timezone.localdate()
    once = make_group(organisation, name="Open day", first_on=today, starts=dt.time(18),
                      ends=dt.time(19), rule=schedule.build_rule(pattern="once", first=today))  # fmt: skip
    until = today + dt.timedelta(weeks=4)
    ending = make_group(
        organisation, name="Six-week course", first_on=today, starts=dt.time(20), ends=dt.time(21),
        rule=schedule.build_rule(pattern="fortnightly", first=today, until=until),
    )  # fmt: skip
    (one_off,) = body(client.get(service_url(once)))["schedules"]
    assert one_off["freq"] is None and one_off["valid_to"] == one_off["valid_from"]
    found = body(client.get(service_url(ending)))
    profile.full_service(found)
    (sched,) = found["schedules"]
    assert (sched["freq"], sched["interval"], sched["valid_to"]) == ("WEEKLY", 2, until.isoformat())
