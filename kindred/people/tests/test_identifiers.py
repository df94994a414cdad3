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
    assert (
        0 < found.easting < 700_000 and 0 < found.northing < 1_300_000
    )  # metres on the National Grid
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
