"""The refresh flow extracts each kommun's files in one task, and keeps the manifest's order."""

from __future__ import annotations

from pathlib import Path

from pipelines.flows.refresh import kommun_batches
from pipelines.manifest import load_manifest

# Files of three kommuner, interleaved in the manifest as an analyst might list them.
FILES = [
    ("personal_lomma.csv", "hr_roster", "1262"),
    ("personal_burlov.csv", "hr_roster", "1231"),
    ("org_lomma.csv", "org_units", "1262"),
    ("personal_kavlinge.csv", "hr_roster", "1261"),
    ("org_burlov.csv", "org_units", "1231"),
]


def test_one_batch_per_kommun_each_file_once_in_manifest_order(tmp_path: Path) -> None:
    lines = ["kommuner:", *(f'  "{c}": {{name: K{c}}}' for c in ("1231", "1261", "1262"))]
    lines.append("files:")
    for name, source, code in FILES:
        (tmp_path / name).write_text(f"a;b\n{name};2\n", encoding="utf-8")  # distinct content
        lines.append(
            f'  - {{file: {name}, source: {source}, kommun: "{code}", period: 2026-04-01}}'
        )
    (tmp_path / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    files = load_manifest(tmp_path).files

    batches = kommun_batches(files)

    assert {code: [i for i, _ in batch] for code, batch in batches.items()} == {
        "1262": [0, 2],
        "1231": [1, 4],
        "1261": [3],
    }
    assert all(files[i] is entry for batch in batches.values() for i, entry in batch)
