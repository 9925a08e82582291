"""Exports as Swedish HR systems write them: each file in tests/data/exports is a test case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.extract import extract_file
from pipelines.manifest import load_manifest

EXPORTS = Path(__file__).resolve().parent.parent / "data" / "exports"
# file -> fields the recognised headers must fill, beyond person, unit, form and FTE
EXPECTED = {
    "skr_november.csv": {"workplace_id", "aid_code", "responsibility_code"},
    "visma_personec.csv": {"aid_code", "aid_label", "start_date"},
    "heroma.csv": {"aid_code", "aid_label", "responsibility_code", "start_date"},
    "hogia.txt": {"aid_code", "aid_label", "start_date", "sick_leave_hours", "contracted_hours"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_export_style_is_recognised_without_a_mapping(name: str, tmp_path: Path) -> None:
    shutil.copy(EXPORTS / name, tmp_path / name)
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        f'  - {{file: {name}, source: hr_roster, kommun: "1262", period: 2026-10-01}}\n',
        encoding="utf-8",
    )

    export = extract_file(load_manifest(tmp_path).files[0], b"k")

    assert export.report.ok, export.report.text()
    employment = export.tables["employment"]
    assert len(employment) == 3
    filled = {c for c in employment.columns if employment[c].notna().any()}
    assert {"person_id", "unit_id", "employment_form", "fte_pct"} | EXPECTED[name] <= filled
    assert employment["sex"].notna().all() and employment["age_band"].notna().all()
    assert not {"first_name", "last_name", "full_name"} & set(employment.columns)


def test_placeholders_are_missing_not_values(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "visma_personec.csv", tmp_path / "v.csv")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1262": {name: Lomma}\nfiles:\n'
        '  - {file: v.csv, source: hr_roster, kommun: "1262", period: 2026-10-01}\n'
    )
    employment = extract_file(load_manifest(tmp_path).files[0], b"k").tables["employment"]
    assert employment["workplace_id"].isna().all()  # #SAKNAS, -1, Okänt


def test_kommunkod_must_match_the_manifest(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "skr_november.csv", tmp_path / "s.csv")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner:\n  "1231": {name: Burlöv}\nfiles:\n'
        '  - {file: s.csv, source: hr_roster, kommun: "1231", period: 2026-10-01}\n'
    )
    report = extract_file(load_manifest(tmp_path).files[0], b"k").report
    assert 'rad 2, kolumn "Kommunkod" = "1262": annan kommun än manifestets 1231' in report.text()
