"""Downloads and the wall workbook keep numbers as numbers (Swedish-readable number formats) and
put ▲/✓ in a column of its own; the CSV opens in Swedish Excel as it is."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from dashboards import downloads, fact_wall_tables, queries, survey_tables, workbook
from dashboards.views import comparison, data_quality, follow_up, strengths
from pipelines.manifest import SOURCE_KINDS
from tests.dashboards import published_fixture as fx


def burlov() -> dict:
    kommuner = queries.kommuner()
    return kommuner[kommuner["kommun_code"] == fx.BURLOV].iloc[0].to_dict()


def test_excel_format_follows_the_declared_unit_and_decimals() -> None:
    assert downloads.excel_format("pct", 1) == '#,##0.0" %"'
    assert downloads.excel_format("%", 1) == '#,##0.0" %"'
    assert downloads.excel_format("fte", 2) == "#,##0.00"
    assert downloads.excel_format("antal", 0) == "#,##0"


def test_strengths_download_has_numbers_and_marks_apart(published_env: Path) -> None:
    flags = queries.strengths_challenges(fx.BURLOV, fx.P_NOW)
    frame, formats = strengths.flags_frame(flags, burlov())
    ws = load_workbook(io.BytesIO(downloads.xlsx_bytes(frame, formats))).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    span = next(
        r for r in rows
        if r["Nyckeltal"].value.startswith("Medarbetare per chef i första linjen")
        and r["Förvaltning"].value == fx.NAMES[fx.VOF]
    )  # fmt: skip
    assert span["Värde"].value == 32.75 and span["Värde"].number_format == "#,##0.0"
    assert span["▲/✓"].value == "▲"
    sick = next(
        r for r in rows
        if r["Nyckeltal"].value == "Sjukfrånvaro" and r["Förvaltning"].value == fx.NAMES[fx.VOF]
    )  # fmt: skip
    assert sick["Värde"].value is None and sick["Dolt (< k)"].value == "ja"  # hidden, not 0
    text = downloads.csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Förvaltning;Nyckeltal;Värde")
    assert ";32,75;" in text  # decimal comma, semicolon-separated


def test_wall_workbook_overview_keeps_numbers_numeric(published_env: Path, tmp_path: Path) -> None:
    path = workbook.write_workbook(burlov(), fx.P_NOW, tmp_path / "vagg.xlsx")
    ws = load_workbook(path)["Översikt"]
    header = [c.value for c in ws[4]]
    assert header[1:5] == [fx.NAMES[fx.BUF], "▲/✓", fx.NAMES[fx.VOF], "▲/✓"]
    row = next(r for r in ws.iter_rows(min_row=5) if str(r[0].value).startswith("Medarbetare"))
    vof = header.index(fx.NAMES[fx.VOF])
    assert row[vof].value == 32.75 and row[vof + 1].value == "▲"
    assert row[vof].number_format == "#,##0.0"
    assert not any(isinstance(c.value, str) and c.value[:1] in "▲✓" for c in row[1::2])


def cells(data: bytes) -> list[dict]:
    """The workbook's first sheet as {header: cell} rows."""
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)]


def test_comparison_download_keeps_each_figure_in_its_unit(published_env: Path) -> None:
    data, _stem, formats = comparison.all_kommuner_download(queries.kommun_comparison())
    rows = {r["Kommun"].value: r for r in cells(downloads.xlsx_bytes(data, formats))}
    burlov = rows[fx.NAMES[fx.BURLOV]]
    density = burlov["Chefstäthet"]
    assert isinstance(density.value, float) and density.number_format == "#,##0.0"
    share = burlov["Andel chefer över kommunens gräns"]
    assert isinstance(share.value, float) and share.number_format == '#,##0.0" %"'
    assert burlov["Antal chefer"].number_format == "#,##0"
    assert isinstance(burlov["Period"].value, dt.datetime)  # a date cell, not text
    figures = [c for r in rows.values() for k, c in r.items() if k not in ("Kommunkod", "Kommun")]
    assert not any(isinstance(c.value, str) for c in figures if c.value is not None)


def test_data_quality_download_counts_and_times(published_env: Path) -> None:
    files = data_quality.files_data(queries.last_refresh())
    row = cells(downloads.xlsx_bytes(files, dict.fromkeys(data_quality.FILE_COUNTS, "#,##0")))[0]
    assert isinstance(row["Inlästa"].value, int) and row["Inlästa"].number_format == "#,##0"
    assert isinstance(row["Period"].value, dt.datetime)  # a date cell, not text
    assert row["Uppdaterat"].value == dt.datetime(2024, 3, 2, 5, 5)  # 04:05 UTC, Swedish time
    assert row["Källa"].value == "Personal (anställningar)"
    shown = data_quality.shown(files).iloc[0]
    assert shown["Uppdaterat"] == "2024-03-02 05:05" and shown["Period"] == "2024-03-01"
    # every source kind of the manifest reads in Swedish on the page, never as its code
    assert set(SOURCE_KINDS) <= set(data_quality.SOURCE_LABEL)


def test_hidden_survey_and_sick_leave_cells_are_empty_not_zero() -> None:
    def index_row(scope_type: str, scope_id: str, value: float | None, hidden: bool) -> dict:
        return {
            "survey_id": "s1", "survey_title": "Chefsenkät", "construct": "krav",
            "scope_type": scope_type, "scope_id": scope_id, "scope_name": scope_id,
            "respondents": None if hidden else 12, "index_0_100": value,
            "is_suppressed": hidden, "anonymity_k": 5, "kommun_code": "1262",
            "kommun_name": scope_id,
        }  # fmt: skip

    lomma = index_row("kommun", "Lomma", 61.25, False)
    index = pd.DataFrame([lomma, index_row("forvaltning", "F", None, True)])
    frame = survey_tables.index_frame(index, "F", "Lomma")
    row = cells(downloads.xlsx_bytes(frame, downloads.with_shared(frame, None, "index")))[0]
    assert row["Förvaltningen (0–100)"].value is None and row["Dolt (< k)"].value == "ja"
    assert row["Hela Lomma (0–100)"].value == 61.25
    assert row["Hela Lomma (0–100)"].number_format == "#,##0.0"
    both = pd.DataFrame([lomma, index_row("kommun", "Burlöv", None, True)])
    compared = comparison.survey_comparison_data(both).iloc[0]
    assert compared["Lomma"] == 61.25 and pd.isna(compared["Burlöv"])
    assert compared["Dolt (< k)"] == "Burlöv"

    sick = pd.DataFrame(
        {
            "breakdown_group": ["alla", "K"], "persons": [40, 3], "sick_leave_pct": [6.5, 9.0],
            "long_term_sick_leave_share_pct": [20.0, 50.0], "is_shown": [True, False],
        }
    )  # fmt: skip
    frame = fact_wall_tables.sick_leave_frame(sick)
    formats = downloads.with_shared(frame, fact_wall_tables.COUNTS, "pct")
    rows = cells(downloads.xlsx_bytes(frame, formats))
    assert rows[0]["Sjukfrånvaro"].value == 6.5
    assert rows[0]["Sjukfrånvaro"].number_format == '#,##0.0" %"'
    assert rows[0]["Personer"].number_format == "#,##0"
    hidden = [rows[1][c].value for c in ("Personer", "Sjukfrånvaro", "Dolt (< k)")]
    assert hidden == [None, None, "ja"]


def test_follow_up_download_has_dates_and_swedish_answers() -> None:
    answers = pd.DataFrame(
        {
            "measure_id": ["A1"], "follow_up_date": [dt.date(2026, 4, 1)],
            "done_as_planned": ["delvis"], "intended_effect": ["ja"],
            "helped_reach_goal": [None], "new_insights": [None], "side_effects": ["Inga"],
            "next_follow_up_date": [pd.NaT],
        }
    )  # fmt: skip
    row = cells(downloads.xlsx_bytes(follow_up.answers_frame(answers)))[0]
    assert row["Datum"].value == dt.datetime(2026, 4, 1) and row["Datum"].is_date
    assert row["Genomförd som planerat"].value == "Delvis"
    assert row["Bidragit till målet"].value == "–" and row["Nästa uppföljning"].value is None
