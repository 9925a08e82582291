"""The refresh flow extracts each kommun's files in one task (whole kommuner batched into a bounded
number of tasks when there are many), and keeps the manifest's order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.flows import refresh
from pipelines.flows.refresh import MAX_EXTRACT_TASKS, batches_of, kommun_batches
from pipelines.manifest import InboxFile, load_manifest

# Files of three kommuner, interleaved in the manifest as an analyst might list them.
FILES = [
    ("personal_lomma.csv", "hr_roster", "1262"),
    ("personal_burlov.csv", "hr_roster", "1231"),
    ("org_lomma.csv", "org_units", "1262"),
    ("personal_kavlinge.csv", "hr_roster", "1261"),
    ("org_burlov.csv", "org_units", "1231"),
]


def _manifest_files(tmp_path: Path) -> list[InboxFile]:
    lines = ["kommuner:", *(f'  "{c}": {{name: K{c}}}' for c in ("1231", "1261", "1262"))]
    lines.append("files:")
    for name, source, code in FILES:
        (tmp_path / name).write_text(f"a;b\n{name};2\n", encoding="utf-8")  # distinct content
        lines.append(
            f'  - {{file: {name}, source: {source}, kommun: "{code}", period: 2026-04-01}}'
        )
    (tmp_path / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_manifest(tmp_path).files


def test_one_batch_per_kommun_each_file_once_in_manifest_order(tmp_path: Path) -> None:
    files = _manifest_files(tmp_path)

    batches = kommun_batches(files)

    assert {code: [i for i, _ in batch] for code, batch in batches.items()} == {
        "1262": [0, 2],
        "1231": [1, 4],
        "1261": [3],
    }
    assert all(files[i] is entry for batch in batches.values() for i, entry in batch)


def test_many_kommuner_share_tasks_whole_and_named_by_their_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _manifest_files(tmp_path)
    monkeypatch.setattr(refresh, "MAX_EXTRACT_TASKS", 2)  # three kommuner, two tasks

    batches = kommun_batches(files)

    assert {name: [i for i, _ in batch] for name, batch in batches.items()} == {
        "1262": [0, 2],
        "1231-1261": [1, 4, 3],
    }


def _jobs(codes: list[str]) -> list[tuple[int, InboxFile]]:
    period = dt.date(2026, 10, 1)
    return [
        (i, InboxFile(Path(f"f{i}.csv"), "hr_roster", code, period)) for i, code in enumerate(codes)
    ]


# no deadline: a property of the batches, not of time (a loaded CI machine took 351 ms once)
@settings(deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=400).map(lambda n: f"{n:04d}"), max_size=300))
def test_batches_bound_the_tasks_and_keep_each_kommun_whole(codes: list[str]) -> None:
    jobs = _jobs(codes)

    batches = batches_of(jobs)

    kommuner = set(codes)
    assert len(batches) == min(len(kommuner), MAX_EXTRACT_TASKS)
    # every file exactly once, and each kommun's files in one batch, in the manifest's order
    assert sorted(i for batch in batches.values() for i, _ in batch) == list(range(len(jobs)))
    for code in kommuner:
        holding = [b for b in batches.values() if any(e.kommun_code == code for _, e in b)]
        assert len(holding) == 1
        mine = [i for i, e in holding[0] if e.kommun_code == code]
        assert mine == [i for i, c in enumerate(codes) if c == code]
