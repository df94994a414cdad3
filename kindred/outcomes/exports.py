"""A report as files: CSV (one per table, or all of them in a zip) and the quarterly PDF
(fpdf2, pure Python, already a dependency: ADR-125). Both are made from the published report,
so they hold exactly what the page shows: suppressed aggregates, each with its definition."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kindred.outcomes import charts
from kindred.outcomes.report import Report, Table

# fpdf2 notes each SVG element it does not draw (pygal's <desc>); the chart still prints.
logging.getLogger("fpdf.svg").setLevel(logging.ERROR)


def csv_text(table: Table) -> str:
    """One table as CSV: its title and definition first, then the header and rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow([table.definition])
    writer.writerow(table.columns)
    writer.writerows(_safe(row) for row in table.rows)
    for note in table.notes:
        writer.writerow([note])
    return out.getvalue()


def _safe(row: list[str]) -> list[str]:
    """Cells a spreadsheet would run as a formula get a leading apostrophe."""
    return [f"'{cell}" if cell[:1] in ("=", "+", "-", "@") and not _numeric(cell) else cell
            for cell in row]  # fmt: skip


def _numeric(cell: str) -> bool:
    try:
        float(cell.replace(",", "").replace("£", ""))
    except ValueError:
        return False
    return True


def file_name(report: Report, table: Table, *, slug: str) -> str:
    return f"{slug}-{report.quarter.code}-{table.key}.csv"


def csv_dir(report: Report, directory: Path, *, slug: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables:
        path = directory / file_name(report, table, slug=slug)
        path.write_text(csv_text(table), encoding="utf-8")
        written.append(path)
    return written


class _Pdf(FPDF):
    report_title = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, f"{self.report_title} - page {self.page_no()}", align="C")


def _latin(text: str) -> str:
    """Plain ASCII for the core PDF fonts, pounds written as GBP, so the uncompressed PDF
    stays text that can be searched and checked."""
    replaced = (
        text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
        .replace("£", "GBP ")
    )  # fmt: skip
    return replaced.encode("ascii", "replace").decode("ascii")


def pdf_bytes(report: Report) -> bytes:
    pdf = _Pdf(orientation="portrait", unit="mm", format="A4")
    pdf.report_title = _latin(report.title)
    pdf.compress = False  # text in the file as it is: searchable, and checked by the tests
    pdf.set_title(_latin(report.title))
    pdf.set_author("Kindred")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 8, _latin(report.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        5,
        _latin(
            f"Organisations: {', '.join(report.organisations)}. No personal data: counts of 1 to "
            "7 are shown as *, other counts are rounded to the nearest 5, and means, medians "
            "and intervals of fewer than 8 people are not shown."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    for table in report.tables:
        _pdf_table(pdf, table)
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 8, "Caveats", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    for caveat in report.caveats:
        pdf.multi_cell(0, 5, _latin(f"- {caveat}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    made = bytes(pdf.output())
    # The second line is a comment of four high bytes that only tells transfer programs the
    # file is binary; this one is all text (uncompressed, ASCII), so the comment says so in
    # as many bytes, keeping every offset in the cross-reference table right.
    first_line = made.index(b"\n") + 1
    second_line = made.index(b"\n", first_line) + 1
    if second_line - first_line == 6 and made[first_line : first_line + 1] == b"%":
        made = made[:first_line] + b"%TEXT\n" + made[second_line:]
    return made


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.multi_cell(0, 7, _latin(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(0, 4, _latin(table.definition), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        text_align="LEFT", first_row_as_headings=True, line_height=5, width=pdf.epw
    ) as grid:
        for values in [table.columns, *table.rows]:
            row = grid.row()
            for value in values:
                row.cell(_latin(value))
    for note in table.notes:
        pdf.set_font("Helvetica", size=8)
        pdf.multi_cell(0, 4, _latin(note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if table.chart is not None and table.chart.labels:
        drawn = charts.svg(table.chart, key=table.key)
        if pdf.get_y() > pdf.h - 90:
            pdf.add_page()
        pdf.image(io.BytesIO(drawn.encode("utf-8")), w=pdf.epw * 0.8)
