"""The last gate: no personnummer in free text, no column of names, never echoed in a report."""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_file
from pipelines.manifest import load_manifest
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
