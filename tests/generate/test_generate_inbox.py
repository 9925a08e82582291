"""generate_inbox as a whole: byte-identical reruns, the manifest, scale and kommun selection."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.generate import generate_inbox
from tests.generate.inbox_readers import READERS

ALL_FILES = {
    "Personal_Burlov_202610.csv": ("hr_roster", "1231"),
    "Organisation_Burlov.csv": ("org_units", "1231"),
    "Stodfunktioner_Burlov.csv": ("support_functions", "1231"),
    "Heroma_personal_2026-10.csv": ("hr_roster", "1261"),
    "Lomma_anstallda.xlsx": ("hr_roster", "1262"),
    "Lomma_organisation.xlsx": ("org_units", "1262"),
    "Lomma_stodfunktioner.xlsx": ("support_functions", "1262"),
}
SURVEY_FILES = {
    "Chefsgrupper_Burlov.csv": ("manager_groups", "1231"),
    "results-survey-krav-1231.csv": ("survey_limesurvey", "1231"),
    "results-survey-tid-1231.csv": ("survey_limesurvey", "1231"),
    "results-survey-komm-1231.csv": ("survey_limesurvey", "1231"),
    "Ledningen om chefernas stöd(1-8).xlsx": ("survey_msforms", "1231"),
    "Utforska Burlöv(1-40).xlsx": ("survey_msforms", "1231"),
    "chefsgrupper_kavlinge.csv": ("manager_groups", "1261"),
    "Krav och resurser (svar) - Formulärsvar 1.csv": ("survey_googleforms", "1261"),
    "Tidsdagbok (svar) - Formulärsvar 1.csv": ("survey_googleforms", "1261"),
    "Kommunikation och stöd (svar) - Formulärsvar 1.csv": ("survey_googleforms", "1261"),
    "Ledningens bild (svar) - Formulärsvar 1.csv": ("survey_googleforms", "1261"),
    "Utforska i rummet (svar) - Formulärsvar 1.csv": ("survey_googleforms", "1261"),
    "Lomma_chefsgrupper.xlsx": ("manager_groups", "1262"),
    "Krav och resurser(1-90).xlsx": ("survey_msforms", "1262"),
    "Lomma_tidsdagbok.xlsx": ("survey_wide", "1262"),
    "Lomma_kommunikation_stod.csv": ("survey_wide", "1262"),
    "Ledningsgruppen stöd(1-8).xlsx": ("survey_msforms", "1262"),
    "Utforska Lomma(1-60).xlsx": ("survey_msforms", "1262"),
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files(full_inbox: Path, tmp_path: Path) -> None:
    generate_inbox(tmp_path, seed=1)  # a second run, seconds after the session's first
    assert _files(tmp_path) == _files(full_inbox)


def test_different_seed_changes_every_export(tmp_path: Path) -> None:
    generate_inbox(tmp_path / "a", seed=1, scale=0.05)
    generate_inbox(tmp_path / "b", seed=2, scale=0.05)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] == b[name]] == ["manifest.yaml"]


def test_xlsx_carry_fixed_timestamps(full_inbox: Path) -> None:
    for name in ("Lomma_anstallda.xlsx", "Lomma_organisation.xlsx", "Lomma_stodfunktioner.xlsx"):
        props = openpyxl.load_workbook(full_inbox / name).properties
        assert props.created == props.modified == dt.datetime(2026, 10, 1, 6, 0)
        with zipfile.ZipFile(full_inbox / name) as z:
            assert {i.date_time for i in z.infolist()} == {(2026, 10, 1, 6, 0, 0)}


def test_manifest_lists_every_file_written(full_inbox: Path) -> None:
    manifest_path = full_inbox / "manifest.yaml"
    text = manifest_path.read_text(encoding="utf-8")
    assert text.startswith("# Chefskartan inbox manifest: which export is which\n")
    assert '  "1231": {name: Burlöv, span_threshold: 30}\n' in text
    manifest = yaml.safe_load(text)
    assert manifest["kommuner"] == {
        "1231": {"name": "Burlöv", "span_threshold": 30},
        "1261": {"name": "Kävlinge", "span_threshold": 30},
        "1262": {"name": "Lomma", "span_threshold": 30},
    }
    listed = {f["file"]: (f["source"], f["kommun"]) for f in manifest["files"]}
    assert listed == ALL_FILES | SURVEY_FILES
    assert {p.name for p in full_inbox.iterdir()} == set(listed) | {"manifest.yaml"}
    assert {f["period"] for f in manifest["files"]} == {dt.date(2026, 10, 1)}


def test_kommuner_selects_files_and_manifest_entries(tmp_path: Path) -> None:
    manifest_path = generate_inbox(tmp_path, seed=3, scale=0.05, kommuner=["1262"])
    assert manifest_path == tmp_path / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    assert list(manifest["kommuner"]) == ["1262"]
    lomma = [n for n, (_, code) in SURVEY_FILES.items() if code == "1262"]
    assert [f["file"] for f in manifest["files"]] == [
        "Lomma_anstallda.xlsx",
        "Lomma_organisation.xlsx",
        "Lomma_stodfunktioner.xlsx",
        *lomma,
    ]
    assert {p.name for p in tmp_path.iterdir()} == {
        "manifest.yaml", "Lomma_anstallda.xlsx", "Lomma_organisation.xlsx",
        "Lomma_stodfunktioner.xlsx", *lomma,
    }  # fmt: skip


def test_a_kommun_does_not_depend_on_the_others(tmp_path: Path) -> None:
    generate_inbox(tmp_path / "all", seed=4, scale=0.05)
    generate_inbox(tmp_path / "one", seed=4, scale=0.05, kommuner=["1261"])
    name = "Heroma_personal_2026-10.csv"
    assert (tmp_path / "all" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()


def test_unknown_kommun_and_bad_scale_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="1280"):
        generate_inbox(tmp_path, kommuner=["1280"])
    with pytest.raises(ValueError, match="scale"):
        generate_inbox(tmp_path, scale=0)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_tiny_kommuner_keep_every_forvaltning_and_a_staffed_tree(
    tmp_path_factory: pytest.TempPathFactory, exports: dict, seed: int
) -> None:
    out = tmp_path_factory.mktemp("tiny")
    generate_inbox(out, seed=seed, scale=0.05)
    for code, read in READERS.items():
        tiny, full = read(out), exports[code]
        levels = Counter(u.level for u in tiny.units.values())
        assert levels["Förvaltning"] == Counter(u.level for u in full.units.values())["Förvaltning"]
        assert (
            levels["Avdelning"] >= levels["Förvaltning"] and levels["Enhet"] >= levels["Avdelning"]
        )
        managers = Counter(r.unit for r in tiny.rows if r.ansvarskod)
        assert set(managers) == set(tiny.units) and set(managers.values()) == {1}
        staff = Counter(r.unit for r in tiny.rows if not r.ansvarskod)
        enheter = [u.unit for u in tiny.units.values() if u.level == "Enhet"]
        assert min(staff[u] for u in enheter) >= 3
        persons = {r.pnr for r in tiny.rows}
        assert 30 <= len(persons) <= 200
        assert len(persons) < len(tiny.rows)  # at least one second employment
