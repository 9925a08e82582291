"""`chefskartan export`: typed cells, hidden figures empty and flagged, inert text, Excel niceties."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from dashboards.inert import RISKY_FIRST, inert, inert_text
from pipelines.analyst.export import HIDDEN_COLUMN, export, hidden_flag_sql, sheet_name
from pipelines.cli import main
from schemas.marts import MART_KOMMUN, MARTS

FIGURES = {  # mart -> figure columns that must be empty on a hidden row
    "mart_sick_leave": ("persons", "sick_leave_pct", "long_term_sick_leave_share_pct"),
    "mart_survey_index": ("respondents", "mean_score", "index_0_100"),
}


@pytest.fixture(scope="module")
def kommun_file(demo_warehouse: Path) -> Path:
    return demo_warehouse / "published" / "kommun_1262.duckdb"


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {m.name: con.execute(f"SELECT count(*) FROM {m.name}").fetchone()[0] for m in MARTS}


def test_csv_of_every_mart_reads_back_typed_with_hidden_rows_empty(
    demo_warehouse: Path, kommun_file: Path, tmp_path: Path
) -> None:
    argv = ["export", "--warehouse", str(demo_warehouse), "--kommun", "1262"]
    assert main([*argv, "--format", "csv", "--out", str(tmp_path)]) == 0
    counts = _counts(kommun_file)
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(counts)
    for mart in MARTS:
        path = tmp_path / f"{mart.name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "BOM for Excel"
        with path.open(encoding="utf-8-sig", newline="") as f:
            header, *rows = list(csv.reader(f))
        assert len(rows) == counts[mart.name], mart.name
        assert header == mart.column_names + ([HIDDEN_COLUMN] if hidden_flag_sql(mart) else [])
    with duckdb.connect() as con:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_csv('{tmp_path}/mart_span_rollup.csv')"
        ).fetchall()
        types = {name: sql_type for name, sql_type, *_ in described}
        assert types["period_date"] == "DATE"
        assert types["employees_monthly_paid"] == "BIGINT"
        assert types["chefstathet"] == "DOUBLE"
        for mart, figures in FIGURES.items():
            path = tmp_path / f"{mart}.csv"
            hidden = con.execute(
                f"SELECT {', '.join(figures)} FROM read_csv('{path}') WHERE {HIDDEN_COLUMN}"
            ).fetchall()
            assert hidden, f"the demo has hidden rows in {mart}"
            assert all(v is None for row in hidden for v in row), "hidden is empty, never 0"


def test_parquet_keeps_every_column_type(kommun_file: Path, tmp_path: Path) -> None:
    names = ["mart_span_rollup", "mart_action_plan", "mart_refresh_log"]
    export(kommun_file, tmp_path, "parquet", names)
    with duckdb.connect() as con:
        for mart in (m for m in MARTS if m.name in names):
            got = con.execute(f"DESCRIBE SELECT * FROM '{tmp_path}/{mart.name}.parquet'").fetchall()
            assert [(n, t) for n, t, *_ in got][: len(mart.fields)] == [
                (f.name, f.sql_type) for f in mart.fields
            ]


def test_parquet_for_power_bi_reads_typed_in_another_reader(
    kommun_file: Path, tmp_path: Path
) -> None:
    """The README's Power BI recipe: Parquet with Swedish headers, read by pyarrow (not DuckDB)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    export(kommun_file, tmp_path, "parquet", ["mart_sick_leave"], swedish=True)
    table = pq.read_table(tmp_path / "mart_sick_leave.parquet")
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["Period"] == pa.date32()
    assert types["Personer"] == pa.int32() and types["Sjukfrånvaro (%)"] == pa.float64()
    assert types["Visas"] == pa.bool_() and types["Dolda siffror"] == pa.bool_()
    rows = table.to_pylist()
    assert len(rows) == _counts(kommun_file)["mart_sick_leave"]
    hidden = [r for r in rows if r["Dolda siffror"]]
    assert hidden and all(r["Sjukfrånvaro (%)"] is None for r in hidden)
    assert "-29" in {r["Grupp"] for r in rows}, "Parquet keeps text as it is"


def test_xlsx_with_swedish_headers_is_typed_frozen_and_sized(
    kommun_file: Path, tmp_path: Path
) -> None:
    names = ["mart_span_rollup", "mart_sick_leave"]
    (path,) = export(kommun_file, tmp_path, "xlsx", names, swedish=True)
    book = load_workbook(path)
    marts = [m for m in MARTS if m.name in names]
    assert book.sheetnames == [sheet_name(m, swedish=True) for m in marts]
    rollup = book[sheet_name(marts[0], swedish=True)]
    assert rollup.freeze_panes == "A2"
    header = [c.value for c in rollup[1]]
    assert header[:3] == ["Kommunkod", "Kommun", "Period"]
    assert "Chefstäthet (medarbetare per chef) (personer)" in header
    row = {h: c for h, c in zip(header, rollup[2], strict=True)}
    assert isinstance(row["Period"].value, dt.datetime) and row["Period"].is_date
    assert row["Månadsavlönade medarbetare (personer)"].data_type == "n"
    assert all(rollup.column_dimensions[c].width >= 8 for c in ("A", "B", "C"))
    sick = book[sheet_name(marts[1], swedish=True)]
    header = [c.value for c in sick[1]]
    flag, group = header.index("Dolda siffror"), header.index("Grupp")
    figures = [header.index(h) for h in ("Personer", "Sjukfrånvaro (%)")]
    rows = list(sick.iter_rows(min_row=2, values_only=True))
    assert any(r[flag] for r in rows) and all(
        r[i] is None for r in rows if r[flag] for i in figures
    )
    assert "'-29" in {r[group] for r in rows}, "age band -29 is text a spreadsheet cannot run"


def test_formula_like_text_is_inert_in_csv_and_xlsx(tmp_path: Path) -> None:
    published = tmp_path / "kommun_9999.duckdb"
    with duckdb.connect(str(published)) as con:
        con.execute(MART_KOMMUN.ddl())
        con.execute(
            "INSERT INTO mart_kommun VALUES ('9999', ?, 30, 5, '@SUM(A1)')",
            ['=HYPERLINK("http://evil.example","x")'],
        )
    (xlsx,) = export(published, tmp_path / "x", "xlsx")
    cells = load_workbook(xlsx)["mart_kommun"][2]
    assert cells[1].value == '\'=HYPERLINK("http://evil.example","x")' and cells[1].data_type == "s"
    assert cells[4].value == "'@SUM(A1)" and cells[2].value == 30
    (csv,) = export(published, tmp_path / "c", "csv")
    text = csv.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",'@SUM(A1)" in text


def test_the_escaping_rule() -> None:
    for first in RISKY_FIRST:
        assert inert_text(f"{first}1+1") == f"'{first}1+1"
    assert inert_text("Lomma") == "Lomma" and inert_text("") == ""
    assert inert(-29) == -29 and inert(None) is None


def test_unknown_marts_and_kommuner_are_refused_with_a_message(
    demo_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--warehouse", str(demo_warehouse), "--out", str(tmp_path)]
    assert main([*argv, "--kommun", "1262", "--marts", "mart_nope"]) == 1
    assert "Okända marts: mart_nope" in capsys.readouterr().err
    assert main([*argv, "--kommun", "../1262"]) == 1
    assert "fyra siffror" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
