"""The last gate: no personnummer in free text, no column of names, never echoed in a report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pipelines.extract import extract_file
from pipelines.manifest import load_manifest
from pipelines.privacy import NAME_RULE, scan
from tests.hr.tiny_kommun import personnummer

HEADER = "Personnummer;Org.enhet;Anställningsform;Sysselsättningsgrad;Titel"


def extract_with(tmp_path: Path, titles: list[str]):
    rows = [HEADER] + [f"{personnummer(i)};E1;Tillsvidare;100;{t}" for i, t in enumerate(titles)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        '  - {file: r.csv, source: hr_roster, kommun: "1262", period: 2026-10-01}\n'
    )
    return extract_file(load_manifest(tmp_path).files[0], b"k")


def test_personnummer_in_free_text_stops_the_load_and_is_not_echoed(tmp_path: Path) -> None:
    hidden = personnummer(99)
    export = extract_with(tmp_path, ["Undersköterska", f"Vikarie för {hidden}", "Lärare"])
    assert not export.report.ok and not export.tables
    text = export.report.text()
    assert 'rad 3, kolumn "Titel" = "(dolt)": ser ut som ett personnummer' in text
    assert hidden not in text and hidden.replace("-", "") not in text


def test_a_column_of_names_stops_the_load(tmp_path: Path) -> None:
    export = extract_with(tmp_path, ["Anna Berg", "Erik Lund", "Maria Ek", "Undersköterska"])
    assert not export.report.ok
    assert 'kolumn "Titel": kolumnen ser ut att innehålla personnamn' in export.report.text()


def test_ordinary_titles_and_ten_digit_codes_pass(tmp_path: Path) -> None:
    export = extract_with(tmp_path, ["Undersköterska", "Enhetschef", "Projekt 2024-0001-12"])
    assert export.report.ok, export.report.text()


@pytest.mark.parametrize("dtype", ["string", "str", object])
@pytest.mark.parametrize("text", ["Vikarie {p}", "Vikarie för {p}", "{p}", "x{p}x"])
def test_the_scan_finds_a_personnummer_in_ascii_and_other_text_of_any_string_dtype(
    text: str, dtype: object
) -> None:
    hidden = personnummer(7)
    cells = [None, "Lärare", text.format(p=hidden), "Projekt 2024-0001-12", text.format(p="1")]
    index = [10, 11, 12, 13, 14]  # not positions: the scan reports the row each label has
    frame = pd.DataFrame({"title": pd.Series(cells, dtype=dtype, index=index)})
    rows = pd.Series([2, 3, 4, 5, 6], index=index)
    issues = scan(frame, ["title"], rows, "f.csv", {"title": "Titel"}, dt.date(2026, 10, 1))
    assert [(i.row, i.column, i.value) for i in issues] == [(4, "Titel", "(dolt)")]


def test_the_scan_passes_empty_columns_and_finds_names_among_missing_values() -> None:
    names = pd.Series([None, "Anna Berg", "Erik Lund", None, "Enhetschef"], dtype="string")
    frame = pd.DataFrame({"empty": pd.Series([None] * 5, dtype="string"), "name": names})
    rows = pd.Series(range(2, 7))
    issues = scan(frame, ["empty", "name"], rows, "f.csv", {}, dt.date(2026, 10, 1))
    assert [(i.row, i.column, i.rule) for i in issues] == [(None, "name", NAME_RULE)]
