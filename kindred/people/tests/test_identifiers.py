"""Postcode checks against the ONS data. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.people import identifiers
from kindred.people.identifiers import PostcodeError


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("LS1 1UR", "LS1 1UR"),
        ("ls11ur", "LS1 1UR"),
        ("  sk1 3xe ", "SK1 3XE"),
        ("ec1a1bb", "EC1A 1BB"),
    ],
)
def test_real_postcodes_are_normalised_and_located(typed, normalised):
    found = identifiers.lookup(typed)
    assert found.postcode == normalised
    assert found.easting is not None and found.northing is not None
    assert 0 < found.easting < 700_000 and 0 < found.northing < 1_300_000  # metres, National Grid
    assert found.local_authority.startswith(("E", "W", "S", "N"))


def test_leeds_city_centre_is_where_the_ons_says():
    found = identifiers.lookup("LS1 1UR")
    assert (found.easting, found.northing, found.local_authority) == (429833, 434079, "E08000035")


@pytest.mark.parametrize("typed", ["", "LS1", "12345", "LS1 1U", "LS1 1URR", "L$1 1UR"])
def test_badly_shaped_postcodes_are_refused(typed):
    with pytest.raises(PostcodeError, match="Enter a real postcode"):
        identifiers.lookup(typed)


def test_well_shaped_but_unknown_postcodes_are_refused():
    with pytest.raises(PostcodeError, match="ZZ9 9ZZ is not a postcode we can find"):
        identifiers.lookup("zz99zz")


def test_postcodes_in_a_district_are_real_and_in_that_district():
    found = identifiers.postcodes_in_district("LS8", 25)
    assert len(found) == 25
    assert all(p.postcode.startswith("LS8 ") for p in found)
    assert all(identifiers.lookup(p.postcode) == p for p in found)


@given(st.text(max_size=12))
def test_formatting_never_crashes_and_is_idempotent(text):
    try:
        once = identifiers.format_postcode(text)
    except PostcodeError:
        return
    assert identifiers.format_postcode(once) == once
    assert once.replace(" ", "") == identifiers.compact(text)


@pytest.mark.parametrize(
    "written",
    [
        "0161 496 0000",
        "01614960000",
        "0161-496-0000",
        "(0161) 496 0000",
        "+44 161 496 0000",
        "+441614960000",
        "+44 (0)161 496 0000",
        "0044 161 496 0000",
        " 0161 496 0000 ",
    ],
)
def test_the_ways_people_write_a_uk_phone_number_give_one_key(written):
    assert identifiers.phone_key(written) == "01614960000"


def test_other_countries_keep_their_code_and_nothing_is_nothing():
    assert identifiers.phone_key("+353 1 234 5678") == "0035312345678"
    assert identifiers.phone_key("00353 1 234 5678") == "0035312345678"
    assert identifiers.phone_key("") == identifiers.phone_key("ask at the desk") == ""


@given(st.from_regex(r"\A[1-9][0-9]{9}\Z"), st.sampled_from(["{0}", "+44{1}", "0044 {1}"]))
def test_a_number_written_nationally_or_internationally_is_the_same_key(national, shape):
    written = shape.format("0" + national, national)
    assert identifiers.phone_key(written) == "0" + national


@pytest.mark.parametrize(("typed", "code"), [("p84001", "P84001"), (" Y02345 ", "Y02345")])
def test_ods_codes_are_upper_case(typed, code):
    assert identifiers.normalise_ods_code(typed) == code


@pytest.mark.parametrize("typed", ["P8", "P8-4001", "P84001P84001", "", "\uff3084001"])
def test_an_ods_code_of_the_wrong_shape_is_refused(typed):
    with pytest.raises(identifiers.OdsCodeError):
        identifiers.normalise_ods_code(typed)
