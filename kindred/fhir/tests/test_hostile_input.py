"""Hostile input to the FHIR API (issue 10 item 5): every answer under /fhir/ is FHIR JSON, an
OperationOutcome whenever it is a refusal, and never a server error, whatever the body, the path,
the method or the headers. Each case below once gave a 500 or an HTML page; the property-based
tests at the end send JSON of any shape. See ADR-077."""

from __future__ import annotations

import copy
import json
import logging
from urllib.parse import quote

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kindred.fhir.parse import MAX_DEPTH, MAX_VALUES
from kindred.fhir.tests.conftest import EXAMPLE, post
from kindred.fhir.views import fhir_api
from kindred.people.models import Person
from kindred.referrals.models import Referral

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


def refused(response, status: int) -> list[tuple[str, str, str]]:
    """The issues of a refusal with this status, checking it is a FHIR OperationOutcome."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == FHIR_JSON
    response.content.decode("ascii")  # no charset is needed: the body is ASCII
    parsed = OperationOutcome.model_validate(json.loads(response.content))
    assert parsed.issue, "an OperationOutcome without an issue says nothing"
    return [
        (str(i.code), str((i.expression or [""])[0]), i.diagnostics or "") for i in parsed.issue
    ]


def nothing_stored() -> None:
    assert not Referral.objects.exists() and not Person.objects.exists()


def with_change(example, change):
    data = copy.deepcopy(example)
    change(data)
    return data


# The body -------------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_1000_levels_deep_is_refused_not_a_recursion_error(api, opening):
    closing = "]" if opening == "[" else "}"
    body = '{"resourceType": "ServiceRequest", "note": ' + opening * 1000 + "1" + closing * 1000
    issues = refused(post(api, (body + "}").encode()), 400)
    assert issues[0][0] == "too-costly" and f"more than {MAX_DEPTH} levels" in issues[0][2]
    nothing_stored()


def test_nesting_python_could_decode_but_the_fhir_models_could_not_is_refused(api, example):
    # 300 nested extensions decode fine but overflowed the stack inside fhir.resources.
    example["extension"] = json.loads('[{"url": "u", "extension": ' * 300 + "[]" + "}]" * 300)
    issues = refused(post(api, example), 400)
    assert issues[0][0] == "too-costly"
    assert issues[0][1].startswith("ServiceRequest.extension[0].extension[0]")
    nothing_stored()


def test_an_integer_of_more_than_4300_digits_is_refused_not_a_value_error(api, example):
    body = json.dumps(example).replace('"priority": "routine"', '"priority": ' + "9" * 4301)
    issues = refused(post(api, body.encode()), 400)
    assert issues[0][0] == "too-costly" and "4301 characters long" in issues[0][2]
    nothing_stored()


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_json_does_not_have_are_refused(api, example, constant):
    body = json.dumps(example).replace('"priority": "routine"', f'"priority": {constant}')
    refused(post(api, body.encode()), 400)
    nothing_stored()


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("contained", lambda d: d["contained"].append({"resourceType": "Spaceship", "id": "x"})),
        ("contained", lambda d: d["contained"].append({"resourceType": 5})),
        ("contained", lambda d: d["contained"].append({"resourceType": ["Patient"]})),
        ("contained", lambda d: d["contained"].append({"resourceType": None})),
        ("contained", lambda d: d["contained"].append({"resourceType": "Reference"})),
        ("top", lambda d: d.update(resourceType="Spaceship")),
    ],
)
def test_an_unknown_resource_type_inside_contained_is_refused(api, example, where, change):
    issues = refused(post(api, with_change(example, change)), 400)
    if where == "contained":
        assert ("invalid", "ServiceRequest.contained[2].resourceType") in [i[:2] for i in issues]
    nothing_stored()


def test_an_unknown_resource_type_inside_a_bundle_is_refused(api, example):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": example}, {"resource": {"resourceType": "Spaceship"}}],
    }
    issues = refused(post(api, bundle), 400)
    assert ("invalid", "Bundle.entry[1].resource.resourceType") in [i[:2] for i in issues]
    nothing_stored()


PLACES_FOR_A_RESOURCE = {
    "the body": lambda d, j: j,
    "the contained Patient": lambda d, j: d["contained"].__setitem__(0, j) or d,
    "a contained resource": lambda d, j: d["contained"].append(j) or d,
    "contained": lambda d, j: d.update(contained=j) or d,
    "subject": lambda d, j: d.update(subject=j) or d,
    "the Patient's name": lambda d, j: d["contained"][0].update(name=j) or d,
    "an identifier": lambda d, j: d.update(identifier=[j]) or d,
    "a Bundle entry": lambda d, j: {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": d}, j],
    },
}


@pytest.mark.parametrize("junk", [None, [], [1], ["#patient"], [{"reference": "#patient"}], 7])
@pytest.mark.parametrize("place", sorted(PLACES_FOR_A_RESOURCE))
def test_null_or_a_list_where_a_resource_is_expected_is_refused(api, example, junk, place):
    body = PLACES_FOR_A_RESOURCE[place](example, junk)
    response = post(api, json.dumps(body).encode())
    issues = refused(response, 422 if response.status_code == 422 else 400)
    assert issues
    nothing_stored()


@pytest.mark.parametrize("body", [b"null", b"[]", b"[{}]", b'"ServiceRequest"', b"1", b"true"])
def test_a_body_that_is_not_an_object_is_refused(api, body):
    issues = refused(post(api, body), 400)
    assert issues[0][0] == "structure"


@pytest.mark.parametrize(
    ("change", "expression"),
    [
        (
            lambda d: d["contained"][0]["name"][0].update(family="Mo\u0000ss"),
            "ServiceRequest.contained[0].name[0].family",
        ),
        (lambda d: d["note"][0].update(text="\u0000"), "ServiceRequest.note[0].text"),
        (
            lambda d: d["identifier"][0].update(value="REF\u0000"),
            "ServiceRequest.identifier[0].value",
        ),
        # fhir.resources reads a string found where an element belongs as JSON, so a NUL can hide
        # behind an escape; what the models read is checked as well.
        (
            lambda d: d.update(subject='{"reference": "#patient\\u0000"}'),
            "ServiceRequest.subject.reference",
        ),
    ],
)
def test_a_nul_character_in_any_string_is_refused_with_a_clear_issue(
    api, example, change, expression
):
    # PostgreSQL cannot store NUL in text: this was a 500 there and must be refused everywhere.
    issues = refused(post(api, with_change(example, change)), 400)
    assert ("invalid", expression) in [i[:2] for i in issues], issues
    assert "NUL character" in dict((e, d) for _c, e, d in issues)[expression]
    nothing_stored()


def test_a_nul_character_in_a_property_name_is_refused(api, example):
    example["contained"][0]["na\u0000me"] = []
    issues = refused(post(api, example), 400)
    assert issues[0][:2] == ("structure", "ServiceRequest.contained[0]")
    nothing_stored()


def test_an_unpaired_surrogate_is_refused(api, example):
    body = json.dumps(example).replace("Moss", "Mo\\ud800ss")
    issues = refused(post(api, body.encode()), 400)
    assert issues[0][:2] == ("invalid", "ServiceRequest.contained[0].name[0].family")
    assert "surrogate" in issues[0][2]
    nothing_stored()


@pytest.mark.parametrize(
    "body",
    [
        b'{"resourceType": "ServiceRequest", "note": [{"text": "\xff\xfe"}]}',
        b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark, which JSON forbids
        b"\xc3\x28",
        "{}".encode("utf-16"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_refused(api, body):
    issues = refused(post(api, body), 400)
    assert issues[0][0] == "structure"
    nothing_stored()


def test_a_huge_body_is_refused_with_413(api):
    huge = (
        b'{"resourceType": "ServiceRequest", "note": [{"text": "' + b"x" * (1024 * 1024) + b'"}]}'
    )
    issues = refused(post(api, huge), 413)
    assert issues[0][0] == "too-costly"
    nothing_stored()


def test_a_huge_body_is_refused_before_it_is_read(api):
    # The declared length is enough: nothing is read.
    response = api.generic(
        "POST",
        "/fhir/ServiceRequest",
        b"{}",
        content_type="application/fhir+json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    refused(response, 413)


def test_a_body_of_very_many_small_values_is_refused_with_413(api, example):
    example["note"] = [{"text": "a"}] * MAX_VALUES
    issues = refused(post(api, example), 413)
    assert issues[0][0] == "too-costly"
    nothing_stored()


def test_a_long_list_of_bad_items_gives_a_short_outcome(api, example):
    example["extension"] = [[1]] * 2000
    issues = refused(post(api, example), 400)
    assert len(issues) == 21 and "1,980 more problems" in issues[-1][2]


def test_any_string_of_the_example_made_very_long_is_refused_or_cut_never_a_server_error(
    api, example
):
    # PostgreSQL refuses text longer than a column (SQLite does not), so this matters there.
    created = 0
    for index, path in enumerate(p for p in EXAMPLE_PATHS if isinstance(_at(EXAMPLE_DATA, p), str)):
        data = copy.deepcopy(example)
        data["identifier"][0]["value"] = f"REF-{index}"  # a new referral each time
        *parents, last = path
        parent = data
        for step in parents:
            parent = parent[step]
        parent[last] = "7" + "x" * 4999
        response = post(api, data)
        assert response.status_code < 500, (path, response.content[:300])
        assert response["Content-Type"] == FHIR_JSON
        created += response.status_code == 201
    assert created > 10  # most long strings are cut to fit and the referral is made


def _at(data, path):
    for step in path:
        data = data[step]
    return data


# The headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/fhir+xml",
        "application/fhir+json; charset=latin-1",
        "",
    ],
)
def test_a_body_of_another_content_type_is_refused_with_415(token, content_type):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.generic(
        "POST", "/fhir/ServiceRequest", EXAMPLE.read_bytes(), content_type=content_type
    )
    issues = refused(response, 415)
    assert issues[0][0] == "not-supported"
    nothing_stored()


@pytest.mark.parametrize(
    "content_type",
    ["application/fhir+json", "application/json", "application/fhir+json; charset=UTF-8"],
)
def test_fhir_json_and_plain_json_in_utf8_are_accepted(api, content_type):
    response = api.post("/fhir/ServiceRequest", EXAMPLE.read_bytes(), content_type=content_type)
    assert response.status_code == 201
    assert response["Content-Type"] == FHIR_JSON


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer kindred_nope",
        "Bearer \u00e9",
        "Bearer kindred_\u0000",
        "Bearer kindred_" + "x" * 5000,
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/fhir/ServiceRequest"),
        ("get", "/fhir/ServiceRequest/5b1b5a1e-0000-4000-8000-000000000001"),
        ("get", "/fhir/Task?based-on=ServiceRequest/x"),
        ("get", "/fhir/Communication?recipient=P88015"),
    ],
)
def test_a_missing_or_bad_token_gets_401_as_an_outcome(db, example, authorization, method, path):
    client = Client(**({"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}))
    response = post(client, example) if method == "post" else client.get(path)
    issues = refused(response, 401)
    assert issues[0][0] == "login" and response["WWW-Authenticate"] == "Bearer"
    nothing_stored()


@pytest.mark.parametrize(
    "value",
    [
        "",
        "\u0000",
        "ServiceRequest/\u0000",
        "Patient/",
        "/",
        "x" * 5000,
        "\U0001f600",
        "P88015\u0000",
    ],
)
@pytest.mark.parametrize("search", ["/fhir/Task?based-on=", "/fhir/Communication?recipient="])
def test_odd_search_parameters_get_a_fhir_answer(api, search, value):
    response = api.get(search + quote(value))
    assert response.status_code in (200, 400, 403), response.content[:300]
    assert response["Content-Type"] == FHIR_JSON
    if response.status_code != 200:
        refused(response, response.status_code)


def test_a_token_for_another_practice_gets_403_as_an_outcome(api):
    issues = refused(api.get("/fhir/Communication", {"recipient": "P99999"}), 403)
    assert issues[0][0] == "forbidden"


# Paths and methods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/fhir",
        "/fhir/",
        "/fhir/Patient/x",
        "/fhir/Patient",
        "/fhir/metadata/",
        "/fhir/ServiceRequest/",
        "/fhir/ServiceRequest/not-a-uuid",
        "/fhir/ServiceRequest/5b1b5a1e-0000-4000-8000-000000000001/_history/1",
        "/fhir/Task/x",
        "/fhir/%00",
        "/fhir/a%0Ab",
        "/fhir/" + "x" * 3000,
    ],
)
@pytest.mark.parametrize("with_token", [True, False])
def test_an_unknown_fhir_path_gets_a_404_outcome_not_html(api, client, path, with_token):
    response = (api if with_token else client).get(path)
    if path == "/fhir/ServiceRequest/not-a-uuid" and not with_token:
        refused(response, 401)  # a ServiceRequest read: the token is checked first
        return
    issues = refused(response, 404)
    assert issues[0][0] == "not-found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unknown_fhir_path_gets_a_404_outcome_for_every_method(api, method):
    refused(getattr(api, method)("/fhir/Patient", data=b"{}", content_type="application/json"), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("get", "/fhir/ServiceRequest", "POST"),
        ("put", "/fhir/ServiceRequest", "POST"),
        ("delete", "/fhir/ServiceRequest/5b1b5a1e-0000-4000-8000-000000000001", "GET"),
        ("post", "/fhir/metadata", "GET"),
        ("patch", "/fhir/Task", "GET"),
        ("options", "/fhir/Communication", "GET"),
        ("head", "/fhir/ServiceRequest", "POST"),
    ],
)
def test_a_wrong_method_gets_405_as_an_outcome(api, method, path, allow):
    response = getattr(api, method)(path)
    assert response["Allow"] == allow
    if method == "head":  # no body in an answer to HEAD
        assert response.status_code == 405 and response["Content-Type"] == FHIR_JSON
        return
    issues = refused(response, 405)
    assert issues[0][0] == "not-supported"


# Server errors --------------------------------------------------------------------------------


def test_a_bug_behind_the_api_is_a_logged_500_outcome_that_reveals_nothing(rf, caplog):
    @fhir_api("GET")
    def broken(request):
        raise RuntimeError("secret detail of a server bug")

    with caplog.at_level(logging.ERROR, logger="kindred.fhir.views"):
        response = broken(rf.get("/fhir/anything"))
    issues = refused(response, 500)
    assert issues[0][0] == "exception" and "secret" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "kindred.fhir.views"]
    assert record.levelno == logging.ERROR and record.exc_info[0] is RuntimeError


def test_a_failure_inside_the_fhir_models_is_a_logged_400_not_a_500(
    api, example, monkeypatch, caplog
):
    # The last guard while reading: whatever the models raise is the sender's unreadable input,
    # but it is logged at ERROR with its traceback so that the gap gets closed.
    def broken(*_args, **_kwargs):
        raise KeyError("R4.SpaceshipType")

    monkeypatch.setattr(ServiceRequest, "model_validate", broken)
    with caplog.at_level(logging.ERROR, logger="kindred.fhir.parse"):
        response = post(api, example)
    issues = refused(response, 400)
    assert issues[0][:2] == ("structure", "ServiceRequest")
    [record] = [r for r in caplog.records if r.name == "kindred.fhir.parse"]
    assert record.levelno == logging.ERROR and record.exc_info[0] is KeyError
    nothing_stored()


# Any JSON at all ------------------------------------------------------------------------------

ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any character UTF-8 can carry
        st.sampled_from(
            [
                "\u0000",
                "\ud800",
                "\udfff",
                "\u001f",
                "\u2028",
                "\ufeff",
                "\U0001f600",
                "#",
                "\\",
                '"',
            ]
        ),
    ),
    max_size=12,
) | st.sampled_from(
    [
        "",
        "ServiceRequest",
        "Patient",
        "Spaceship",
        "resourceType",
        "#patient",
        "#requester",
        "9434765919",
        "1944-02-11",
        "active",
        "order",
        "urn:uuid:5b1b5a1e-0000-4000-8000-000000000001",
        '{"reference": "#patient"}',
        "[]",
    ]
)
KEYS = ODD_TEXT | st.sampled_from(
    [
        "resourceType",
        "contained",
        "subject",
        "reference",
        "identifier",
        "name",
        "given",
        "family",
        "entry",
        "resource",
        "extension",
        "url",
        "valueInteger",
        "note",
        "text",
    ]
)
NUMBERS = (
    st.integers()
    | st.integers(min_value=10**40, max_value=10**4200)  # json.dumps stops at 4,300
    | st.floats(allow_nan=False, allow_infinity=False)
)
SCALARS = st.none() | st.booleans() | NUMBERS | ODD_TEXT
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


EXAMPLE_DATA = json.loads(EXAMPLE.read_text())
EXAMPLE_PATHS = list(_paths(EXAMPLE_DATA))


@st.composite
def mutated_examples(draw):
    """The valid example with one to three of its parts (any subtree) replaced by junk, or
    dropped, or with junk added beside them."""
    data = copy.deepcopy(EXAMPLE_DATA)
    # A new identifier each time, so that an accepted example is stored, not found again.
    data["identifier"][0]["value"] = f"REF-{draw(st.uuids()).hex}"
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(EXAMPLE_PATHS))
        junk = draw(ANY_JSON)
        if not path:
            return junk
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            how = draw(st.sampled_from(["replace", "drop", "add"]))
            if how == "replace":
                parent[path[-1]] = junk
            elif how == "drop":
                del parent[path[-1]]
            elif isinstance(parent, list):
                parent.append(junk)
            else:
                parent[draw(KEYS)] = junk
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this part
    return data


def assert_fhir_answer(response) -> None:
    event(f"HTTP {response.status_code}")  # see them with --hypothesis-show-statistics
    assert response.status_code < 500, (response.status_code, response.content[:1000])
    assert response["Content-Type"] == FHIR_JSON
    if response.status_code >= 400:
        refused(response, response.status_code)


def send(api, data) -> None:
    assert_fhir_answer(post(api, json.dumps(data).encode()))


FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The client and the database are per test, not per example; that is fine here: each example
    # is one independent request, and successful ones may make referrals in the test transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    data=ANY_JSON
    | st.dictionaries(KEYS, ANY_JSON, max_size=6).map(
        lambda d: d | {"resourceType": "ServiceRequest"}
    )
)
def test_any_json_at_all_gets_a_fhir_answer_never_a_server_error(api, data):
    send(api, data)


@FUZZ
@given(data=mutated_examples())
def test_the_example_with_any_part_replaced_by_junk_never_gets_a_server_error(api, data):
    send(api, data)


@FUZZ
@given(
    prefix=st.sampled_from([b"", b"{", b'{"resourceType": "ServiceRequest", "note": ']),
    junk=st.binary(max_size=40),
)
def test_any_bytes_at_all_get_a_fhir_answer(api, prefix, junk):
    assert_fhir_answer(post(api, prefix + junk))
