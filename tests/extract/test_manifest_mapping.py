"""The analyst never renames an export: aliases recognise common headers, the manifest maps the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import extract_file
from pipelines.manifest import ManifestError, load_manifest

ROSTER = (
    "Pnr;Arbetsplats;Tjänstgöringsomfattning;Anst.form;Förnamn\n"
    "19811218-9876;E1;75,00;Tillsvidare;Anna\n"
    "19121212-1212;E1;100,00;Timavlönad;Bo\n"
)


def write_inbox(tmp_path: Path, columns: str) -> Path:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        '  - {file: roster.csv, source: hr_roster, kommun: "1262", period: 2026-10-01'
        f"{columns}}}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_manifest_mapping_overrides_the_alias_table(tmp_path: Path) -> None:
    inbox = write_inbox(
        tmp_path, ", columns: {Arbetsplats: unit_id, Tjänstgöringsomfattning: fte_pct}"
    )
    export = extract_file(load_manifest(inbox).files[0], b"k")

    assert export.report.ok, export.report.text()
    employment = export.tables["employment"]
    assert employment["unit_id"].tolist() == ["E1", "E1"]
    assert employment["fte_pct"].tolist() == [75.0, 100.0]
    assert "first_name" not in employment.columns and "Förnamn" not in employment.columns


def test_unmapped_required_column_names_the_fix(tmp_path: Path) -> None:
    export = extract_file(load_manifest(write_inbox(tmp_path, "")).files[0], b"k")

    assert not export.report.ok
    rules = [i.rule for i in export.report.errors]
    assert any("unit_id eller forvaltning_name" in r and "columns" in r for r in rules)
    assert any("fte_pct" in r for r in rules)


def test_manifest_naming_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        '  - {file: saknas.csv, source: hr_roster, kommun: "1262", period: 2026-10-01}\n'
    )
    with pytest.raises(ManifestError, match="saknas.csv finns inte"):
        load_manifest(tmp_path)
