"""Extraction on worker processes gives what extraction in one process gives, errors included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipelines import stage
from pipelines.extract import pool
from pipelines.extract.pool import WORKERS_ENV, InvalidWorkers, extract_workers, helps
from pipelines.manifest import load_manifest
from pipelines.stage import extract_all
from tests.conftest import TEST_KEY
from warehouse import workers

KEY = TEST_KEY.encode()


def small_inbox(demo_inbox: Path, target: Path) -> Path:
    """Burlöv's latest roster, units and a survey from the demo; one personnummer broken."""
    manifest = yaml.safe_load((demo_inbox / "manifest.yaml").read_text(encoding="utf-8"))
    latest = max(str(f["period"]) for f in manifest["files"])
    burlov = [f for f in manifest["files"] if f["kommun"] == "1231" and str(f["period"]) == latest]
    kinds = ("hr_roster", "org_units", "survey_limesurvey")
    manifest["files"] = [f for f in burlov if f["source"] in kinds][:3]
    target.mkdir()
    for f in manifest["files"]:
        shutil.copy(demo_inbox / f["file"], target / f["file"])
    (target / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")
    roster = next(target / f["file"] for f in manifest["files"] if f["source"] == "hr_roster")
    lines = roster.read_bytes().split(b"\n")
    fields = lines[5].split(b";")
    number = next(i for i, v in enumerate(fields) if v.count(b"-") == 1 and len(v) == 13)
    fields[number] = fields[number][:-1] + (b"0" if fields[number][-1:] != b"0" else b"1")
    lines[5] = b";".join(fields)  # a Luhn digit off: an error naming row 6 and its column
    roster.write_bytes(b"\n".join(lines))
    return target


def staged(results: list) -> list[pd.DataFrame]:
    return [pd.read_parquet(s.parquet) for r in results for s in r.staged]


def test_a_pool_of_processes_extracts_exactly_as_one_process(
    demo_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = load_manifest(small_inbox(demo_inbox, tmp_path / "inbox")).files
    monkeypatch.setenv(WORKERS_ENV, "1")
    alone = extract_all(files, tmp_path / "alone", KEY)
    monkeypatch.setenv(WORKERS_ENV, "2")
    seen: list[str] = []
    pooled = extract_all(files, tmp_path / "pooled", KEY, lambda r: seen.append(r.report.file))

    assert sorted(seen) == sorted(e.name for e in files)  # a progress call per file
    assert [r.report.text() for r in pooled] == [r.report.text() for r in alone]
    assert [(s.table, s.parquet.name) for r in pooled for s in r.staged] == [
        (s.table, s.parquet.name) for r in alone for s in r.staged
    ]
    assert all(a.equals(b) for a, b in zip(staged(alone), staged(pooled), strict=True))
    roster = next(r.report for r in pooled if r.report.source == "hr_roster")
    assert [(i.row, i.column) for i in roster.errors] == [(6, "Personnummer")]
    assert not any(r.staged for r in pooled if r.report.source == "hr_roster")


def test_a_worker_beside_this_process_extracts_exactly_as_this_process_alone(
    demo_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mid-sized inbox: this process takes files from the front, one worker from the back;
    the worker reads some of them and every result is the same, in the manifest's order."""
    files = load_manifest(small_inbox(demo_inbox, tmp_path / "inbox")).files
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    alone = extract_all(files, tmp_path / "alone", KEY)
    monkeypatch.setattr(pool, "MIN_HELPER_BYTES", 0)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    here: list[str] = []
    real = stage.extract_and_stage

    def in_this_process(entry, *args):  # the worker (spawned) runs the real one unrecorded
        here.append(entry.name)
        return real(entry, *args)

    monkeypatch.setattr(stage, "extract_and_stage", in_this_process)
    seen: list[str] = []
    beside = extract_all(files, tmp_path / "beside", KEY, lambda r: seen.append(r.report.file))

    assert 0 < len(here) < len(files)  # both extracted
    assert sorted(seen) == sorted(e.name for e in files)  # a progress call per file
    assert [r.report.text() for r in beside] == [r.report.text() for r in alone]
    assert [(s.table, s.parquet.name) for r in beside for s in r.staged] == [
        (s.table, s.parquet.name) for r in alone for s in r.staged
    ]
    assert all(a.equals(b) for a, b in zip(staged(alone), staged(beside), strict=True))


def test_the_pool_starts_only_when_the_inbox_pays_for_it(
    demo_inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = load_manifest(demo_inbox).files
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    assert extract_workers(files) == 1  # the demo: ~2.4 MB, no pool of its own
    assert helps(files) == (workers.cores() > 1)  # but one worker beside this process
    assert not helps(files[:1])
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert extract_workers(files) == 3
    assert not helps(files)  # the setting fixes the pool
    assert extract_workers(files[:2]) == 2  # never more workers than files
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert not helps(files)
    for bad in ("0", "två", "-1"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(InvalidWorkers, match=WORKERS_ENV):
            extract_workers(files)
