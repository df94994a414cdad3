"""`kindred report --network SLUG --quarter 2026Q3 [--pdf FILE] [--csv DIR]`."""

from __future__ import annotations

import csv

from kindred.cli import main
from kindred.outcomes.tests.test_report import _pairs


def test_csv_files_one_per_table_and_the_pdf(organisation, tmp_path, capsys):
    _pairs(organisation, 8, before=3, after=4)
    pdf = tmp_path / "report.pdf"
    out = tmp_path / "csv"
    assert main(["report", "--network", "stockport", "--quarter", "2026Q3",
                 "--pdf", str(pdf), "--csv", str(out)]) == 0  # fmt: skip
    files = sorted(p.name for p in out.iterdir())
    assert "stockport-2026Q3-referrals.csv" in files
    assert "stockport-2026Q3-outcomes.csv" in files and len(files) >= 9
    with (out / "stockport-2026Q3-outcomes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Change in wellbeing measures, baseline to latest follow-up"]
    assert rows[2][:2] == ["Measure", "People"]
    assert ["Wellbeing (SWEMWBS)", "10"] in [row[:2] for row in rows[3:]]
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF")
    assert b"Peer support report: " in body and b"July to September 2026" in body
    assert b"Change in wellbeing measures" in body


def test_with_neither_option_a_summary_is_printed(organisation, capsys):
    assert main(["report", "--network", "stockport", "--quarter", "2026Q3"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Peer support report: ")
    assert "Referrals received, by source and outcome" in printed


def test_a_bad_quarter_or_network_is_refused(organisation, capsys):
    assert main(["report", "--network", "stockport", "--quarter", "2026Q5"]) == 1
    assert "like 2026Q3" in capsys.readouterr().err
    assert main(["report", "--network", "nowhere", "--quarter", "2026Q3"]) == 1
    assert "no network" in capsys.readouterr().err
