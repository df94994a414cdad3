"""NHS number modulus 11 checks. No database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kindred.people import identifiers
from kindred.people.identifiers import NhsNumberError


def is_valid(value: str) -> bool:
    try:
        identifiers.normalise_nhs_number(value)
    except NhsNumberError:
        return False
    return True


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("9434765919", "9434765919"), ("943 476 5919", "9434765919"), ("943-476-5870", "9434765870")],
)
def test_valid_nhs_numbers_are_normalised(typed, normalised):
    assert identifiers.normalise_nhs_number(typed) == normalised


@pytest.mark.parametrize("typed", ["9434765918", "9434765910", "1234567890"])
def test_a_wrong_check_digit_is_refused(typed):
    with pytest.raises(NhsNumberError, match="Enter a valid NHS number"):
        identifiers.normalise_nhs_number(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "943476591",
        "94347659190",
        "94347659l9",
        "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19",
    ],
)
def test_wrong_shapes_are_refused(typed):
    with pytest.raises(NhsNumberError, match="10 digits"):
        identifiers.normalise_nhs_number(typed)


def test_a_remainder_of_ten_can_never_be_valid():
    assert identifiers.nhs_number_check_digit("100000000") == 1  # 10 -> 11 - 10
    assert identifiers.nhs_number_check_digit("000020000") is None  # 2 * 6 = 12 -> 11 - 1 = 10
    assert identifiers.nhs_number_check_digit("000000000") == 0  # 11 - 0 = 11 -> 0


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_appending_the_check_digit_always_gives_a_valid_number(first_nine):
    check = identifiers.nhs_number_check_digit(first_nine)
    if check is None:
        assert not any(is_valid(first_nine + str(d)) for d in range(10))
    else:
        number = first_nine + str(check)
        assert is_valid(number)
        assert identifiers.format_nhs_number(number).replace(" ", "") == number


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 9), st.integers(1, 9)
)
def test_changing_any_one_digit_is_caught(number, position, change):
    if not is_valid(number):
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + change) % 10)
    assert not is_valid("".join(digits))


@given(st.text(max_size=14))
def test_never_crashes(text):
    try:
        assert len(identifiers.normalise_nhs_number(text)) == 10
    except NhsNumberError as error:
        assert str(error)
