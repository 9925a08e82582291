"""An exact copy of a roster row loads once, with a warning naming both rows."""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_file
from pipelines.manifest import load_manifest
from tests.hr.tiny_kommun import personnummer

HEADER = "Personnummer;Org.enhet;Anställningsform;Sysselsättningsgrad"


def extract_rows(tmp_path: Path, rows: list[str]):
    (tmp_path / "r.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        '  - {file: r.csv, source: hr_roster, kommun: "1262", period: 2026-10-01}\n'
    )
    return extract_file(load_manifest(tmp_path).files[0], b"k")


def test_an_exact_copy_loads_once_with_a_warning(tmp_path: Path) -> None:
    a, b = f"{personnummer(1)};E1;Tillsvidare;100", f"{personnummer(2)};E1;Visstid;50"
    export = extract_rows(tmp_path, [a, b, a])
    assert export.report.ok
    assert len(export.tables["employment"]) == 2
    assert "exakt dubblett av rad 2; räknas en gång (1 st; rad 4)" in export.report.text()


def test_rows_differing_in_one_cell_are_no_copies(tmp_path: Path) -> None:
    a = f"{personnummer(1)};E1;Tillsvidare;100"
    export = extract_rows(tmp_path, [a, a.replace(";100", ";90")])
    assert "exakt dubblett" not in export.report.text()
