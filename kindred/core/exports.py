"""Spreadsheet (CSV) downloads of a list exactly as the user filtered it on screen (ADR-093).

Every app's export writes its file through `csv_download`:

    return csv_download(
        organisation_slug=request.organisation.slug, what="caseload",
        header=("Person", "Status"), rows=(... one sequence of cells per row ...),
    )

- UTF-8 with a byte order mark and `Content-Type: text/csv; charset=utf-8`, so Excel opens
  accented names correctly (without the mark it reads the file as the PC's code page);
- an attachment named `<organisation slug>-<what>-<YYYY-MM-DD>.csv` (the date in Europe/London);
- `Cache-Control: no-store` (NoStoreMiddleware, ADR-079, says so on every answer already; the
  download says it itself too, so it holds wherever the response is made);
- no cell a spreadsheet would run as a formula (`spreadsheet_text`);
- streamed: rows are turned into text a chunk at a time as the server sends them, never held
  all at once, so a city's 50,000 rows cost the memory of one chunk. The rows should come from
  one query read with `.iterator()` (a server-side cursor on PostgreSQL), so the number of
  queries stays the same whatever the list's length.

The export's audit is the app's business (core knows no person or relationship): it is written
before this response is made, never from inside the stream (a download cut short would
otherwise leave no trace).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

CONTENT_TYPE = "text/csv; charset=utf-8"
#: The byte order mark: how Excel knows a CSV file is UTF-8.
BOM = "\ufeff"
#: How many rows are turned into text before the chunk is sent on.
ROWS_PER_CHUNK = 1_000
#: A cell starting with one of these is read by Excel, LibreOffice or Google Sheets as a formula
#: (or, for tab and carriage return, can hide one after it): OWASP's list, and the full-width
#: forms some spreadsheets in East Asian locales read as the same.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
#: The prefix that makes such a cell plain text: spreadsheets show the text without running it.
TEXT_PREFIX = "'"
#: What may name the list in the file's name ("caseload", "referrals").
WHAT = re.compile(r"^[a-z][a-z0-9-]*$")

Cell = str | int | float | Decimal | bool | dt.date | dt.datetime | uuid.UUID | None


def spreadsheet_text(value: Cell) -> str:
    """A cell's text, never a formula. Text starting with a formula character, or with spaces
    or line breaks before one (spreadsheets may skip them), gets an apostrophe in front, which
    spreadsheets read as "this is text". Numbers are written as numbers (a negative number is
    not a formula); yes/no as Yes/No; dates as YYYY-MM-DD and times in Europe/London, so that
    the columns sort."""
    if isinstance(value, str):  # the most common first: a city's file has half a million cells
        if value and (
            value[0] in FORMULA_STARTS
            or (value[0].isspace() and value.lstrip()[:1] in FORMULA_STARTS)
        ):
            return TEXT_PREFIX + value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()  # a date


def csv_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    rows_per_chunk: int = ROWS_PER_CHUNK,
) -> Iterator[bytes]:
    """The file, as UTF-8 bytes, a chunk at a time: the byte order mark and the header first,
    then `rows_per_chunk` rows per chunk. `rows` is read only as far as the chunk being made."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: commas, quotes doubled, CRLF line ends
    buffer.write(BOM)
    writer.writerow([spreadsheet_text(name) for name in header])
    for written, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_text(cell) for cell in row])
        if written % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():  # the last rows (or, for an empty list, the header alone)
        yield buffer.getvalue().encode("utf-8")


def export_filename(*, organisation_slug: str, what: str, on: dt.date | None = None) -> str:
    """`<organisation slug>-<what>-<YYYY-MM-DD>.csv`, the date in Europe/London."""
    if not WHAT.match(what):
        raise ValueError(f"{what!r} cannot name an export file")
    return f"{organisation_slug}-{what}-{(on or timezone.localdate()).isoformat()}.csv"


def csv_download(
    *,
    organisation_slug: str,
    what: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    on: dt.date | None = None,
) -> StreamingHttpResponse:
    """The rows as a CSV file to download, streamed (see the module's docstring)."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CONTENT_TYPE)
    filename = export_filename(organisation_slug=organisation_slug, what=what, on=on)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    )
    patch_cache_control(response, no_store=True)
    return response
