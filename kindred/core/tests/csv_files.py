"""Reading back the CSV files Kindred's exports send (ADR-093), for the apps' tests."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.core.exports import BOM, CONTENT_TYPE


def csv_rows(response) -> list[list[str]]:
    """The file's rows, header first, after checking it is a streamed UTF-8 CSV download."""
    assert response.status_code == 200, response.status_code
    assert response.streaming, "an export streams its file"
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment; ")
    text = response.getvalue().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline="")))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def download(client, url, data=None) -> tuple[list[list[str]], int]:
    """Ask for the export and read the whole file: its rows and every query that took, the
    stream's included."""
    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(client.get(url, data))
    return rows, len(queries.captured_queries)
