"""The published files carry every mart column's Swedish label and unit: mart_dictionary, comments."""

from __future__ import annotations

from pathlib import Path

import duckdb

from schemas.dictionary import mart_dictionary_rows
from schemas.marts import MART_SPAN_ROLLUP, MARTS


def test_mart_dictionary_lists_every_published_column_with_its_label(
    demo_published_db: Path,
) -> None:
    kommun_file = demo_published_db.parent / "kommun_1262.duckdb"
    for path in (demo_published_db, kommun_file):
        with duckdb.connect(str(path), read_only=True) as con:
            published = set(
                con.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() "
                    "WHERE table_name LIKE 'mart_%'"
                ).fetchall()
            )
            rows = con.execute(
                "SELECT mart_name, column_name, label, unit, pages FROM mart_dictionary"
            ).fetchall()
        listed = {(mart, column) for mart, column, *_ in rows}
        assert listed == published, path.name
        assert len(rows) == len(mart_dictionary_rows()) == sum(len(m.fields) for m in MARTS)
        assert all(label and unit for _, _, label, unit, _ in rows)
        chefstathet = next(r for r in rows if r[:2] == ("mart_span_rollup", "chefstathet"))
        assert chefstathet[2:] == (
            "Chefstäthet (medarbetare per chef)",
            "personer",
            "Faktavägg; Jämförelse",
        )


def test_column_comments_carry_the_swedish_label_and_unit(demo_published_db: Path) -> None:
    with duckdb.connect(str(demo_published_db), read_only=True) as con:
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                [MART_SPAN_ROLLUP.name],
            ).fetchall()
        )
        table_comment = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = 'mart_sick_leave'"
        ).fetchone()[0]
    for f in MART_SPAN_ROLLUP.fields:
        assert comments[f.name].startswith(f"{f.label} [{f.unit}] – "), f.name
        assert comments[f.name].endswith(f.description)
    assert table_comment.startswith("Sjukfrånvaro – ")
