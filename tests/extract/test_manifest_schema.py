"""The manifest's declared schema, the official kommun list, the jail and the bounded YAML."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pipelines.manifest import ManifestError, inbox_path, load_manifest
from pipelines.manifest_schema import official_kommuner
from schemas.safe_yaml import UnsafeYaml, load_yaml_text


def test_the_official_list_has_290_kommuner() -> None:
    kommuner = official_kommuner()
    assert len(kommuner) == 290
    assert all(re.fullmatch(r"\d{4}", code) for code in kommuner)
    assert len(set(kommuner.values())) == 290
    assert {c: kommuner[c] for c in ("1231", "1261", "1262")} == {
        "1231": "Burlöv",
        "1261": "Kävlinge",
        "1262": "Lomma",
    }
    assert kommuner["0114"] == "Upplands Väsby" and kommuner["2584"] == "Kiruna"


def test_the_jail_allows_links_inside_and_nothing_outside(tmp_path: Path) -> None:
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    (inbox / "a.csv").write_text("x")
    (tmp_path / "hemlig.txt").write_text("nyckel")
    os.symlink(inbox / "a.csv", inbox / "inne.csv")
    os.symlink(tmp_path / "hemlig.txt", inbox / "ute.csv")
    assert inbox_path(inbox, "inne.csv", "files[0]") == (inbox / "a.csv").resolve()
    for name in ("ute.csv", "../hemlig.txt", str(tmp_path / "hemlig.txt"), "./../hemlig.txt"):
        with pytest.raises(ManifestError, match="files\\[0\\]"):
            inbox_path(inbox, name, "files[0]")


def test_merge_keys_load_and_bombs_do_not() -> None:
    text = (
        "d: &d {source: hr_roster}\nfiles:\n  - {<<: *d, file: a.csv}\n  - {<<: *d, file: b.csv}\n"
    )
    assert load_yaml_text(text)["files"][1] == {"source": "hr_roster", "file": "b.csv"}
    wide = "a: &a [" + ",".join(["x"] * 3000) + "]\nb: [" + ",".join(["*a"] * 40) + "]\n"
    with pytest.raises(UnsafeYaml, match="100000"):
        load_yaml_text(wide)  # 40 aliases, 120,000 values expanded


def test_each_type_error_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "manifest.yaml").write_text(
        'kommuner: {"1262": {span_threshold: "30"}}\n'
        'files: [{file: a.csv, source: hr_roster, kommun: "1262", period: 2026-10-01}]\n'
    )
    with pytest.raises(ManifestError, match="kommuner.1262: 'span_threshold' ska vara ett heltal"):
        load_manifest(tmp_path)
