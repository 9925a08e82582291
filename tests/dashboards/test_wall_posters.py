"""`chefskartan wall` on the refreshed demo warehouse: one-page A3 posters, PNGs and a workbook
whose figures are the mart's, formatted the Swedish way; hidden figures read "dolt (< k)"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from dashboards import format as fmt
from pipelines.cli import main

pytestmark = pytest.mark.browser  # prints with Debian's chromium

KOMMUN = "1231"  # Burlöv: has hidden sick-leave groups and a förvaltning above the threshold


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


@pytest.fixture(scope="module")
def wall(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.fail("poppler-utils missing: `make chromium` installs it")
    out = tmp_path_factory.mktemp("wall")
    assert (
        main(["wall", "--kommun", KOMMUN, "--out", str(out), "--warehouse", str(demo_warehouse)])
        == 0
    )
    return out


@pytest.fixture(scope="module")
def mart(demo_published_db: Path) -> dict:
    con = duckdb.connect(str(demo_published_db), read_only=True)
    try:
        period = con.execute(
            "SELECT max(period_date) FROM mart_span_rollup WHERE kommun_code = ?", [KOMMUN]
        ).fetchone()[0]
        flags = con.execute(
            "SELECT * FROM mart_strengths_challenges WHERE kommun_code = ? AND period_date = ?",
            [KOMMUN, period],
        ).df()
        hidden = con.execute(
            "SELECT scope_name, breakdown_group FROM mart_sick_leave WHERE kommun_code = ?"
            " AND period_date = ? AND scope_type = 'forvaltning' AND NOT is_shown",
            [KOMMUN, period],
        ).fetchall()
    finally:
        con.close()
    return {"period": period, "flags": flags, "hidden": hidden}


def test_one_page_poster_per_forvaltning_and_a_wall(wall: Path, mart: dict) -> None:
    names = sorted(set(mart["flags"]["forvaltning_name"]))
    pdfs = sorted(wall.glob("*.pdf"))
    assert len(pdfs) == len(names) + 1
    assert len(list(wall.glob("*.png"))) == len(pdfs)
    assert all(pdf_pages(p) == 1 for p in pdfs)
    flags = mart["flags"]
    for name in names:
        poster = next(p for p in pdfs if not p.stem.endswith("_vagg") and name in pdf_text(p))
        text = " ".join(pdf_text(poster).split())
        row = flags[(flags["forvaltning_name"] == name) & (flags["metric"] == "chefstathet")].iloc[
            0
        ]
        assert fmt.number(row["value"], 1) in text, (name, row["value"])
        assert fmt.number(row["kommun_value"], 1) in text
        if (flags["forvaltning_name"].eq(name) & flags["assessment"].eq("utmaning")).any():
            assert "▲ Utmaning" in text
    wall_text = "".join(pdf_text(next(p for p in pdfs if p.stem.endswith("_vagg"))).split())
    assert all("".join(name.split()) in wall_text for name in names)  # headers wrap


def test_workbook_has_the_same_figures_and_hides_small_groups(wall: Path, mart: dict) -> None:
    book = load_workbook(next(wall.glob("*.xlsx")))
    names = sorted(set(mart["flags"]["forvaltning_name"]))
    assert book.sheetnames[0] == "Översikt" and len(book.sheetnames) == len(names) + 1
    flags = mart["flags"]
    hidden_text = fmt.suppressed(5)
    for ws in book.worksheets[1:]:
        name = ws["A1"].value
        rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
        want = flags[
            (flags["forvaltning_name"] == name) & (flags["metric"] == "mean_span_first_line")
        ]
        got = rows[want.iloc[0]["metric_label"]][1]
        assert got == pytest.approx(want.iloc[0]["value"])
        # (the demo hides sick leave of small units only; test_poster_html covers a hidden
        # förvaltning group on the hand-made file)
        for group in {g for scope, g in mart["hidden"] if scope == name}:
            row = next(r for r in rows.values() if str(r[0]).endswith(f": {group}"))
            assert row[1:4] == (hidden_text, hidden_text, hidden_text)
