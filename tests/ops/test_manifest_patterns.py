"""A manifest entry may name a file pattern: the newest match is read, nothing outside the inbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from pipelines.manifest import ManifestError, load_manifest, resolve_file
from pipelines.refresh import only_file


def touch(path: Path, mtime: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_the_newest_match_wins_whatever_its_name(tmp_path: Path) -> None:
    touch(tmp_path / "Utforska Lomma(1-60).xlsx", 1_000)
    newest = touch(tmp_path / "Utforska Lomma(1-9).xlsx", 3_000)  # sorts first by name
    touch(tmp_path / "Utforska Lomma(1-75).xlsx", 2_000)
    touch(tmp_path / "Utforska Burlöv(1-99).xlsx", 4_000)
    assert resolve_file(tmp_path, "Utforska Lomma*.xlsx", "files[0]") == newest


def test_a_name_with_brackets_is_first_the_file_itself(tmp_path: Path) -> None:
    exact = touch(tmp_path / "Personal[1].csv", 1_000)
    touch(tmp_path / "Personal1.csv", 2_000)  # what [1] would match as a pattern
    assert resolve_file(tmp_path, "Personal[1].csv", "files[0]") == exact


@pytest.mark.parametrize(
    "name", ["../*.xlsx", "sub/../../x.csv", "/etc/pass*", "/etc/passwd", "..", "a/../*.csv"]
)
def test_paths_out_of_the_inbox_are_refused(tmp_path: Path, name: str) -> None:
    inbox = tmp_path / "inbox"
    touch(inbox / "a" / "x.csv", 1_000)
    touch(tmp_path / "secret.xlsx", 1_000)
    with pytest.raises(ManifestError, match="utanför inkorgen"):
        resolve_file(inbox, name, "files[0]")


def test_a_match_through_a_symlink_out_of_the_inbox_is_not_read(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "Utforska ute.xlsx").symlink_to(touch(tmp_path / "secret.xlsx", 1_000))
    with pytest.raises(ManifestError, match="ingen fil i inkorgen matchar"):
        resolve_file(inbox, "Utforska*.xlsx", "files[0]")


def test_no_match_names_the_pattern(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"files\[3\]: ingen fil i inkorgen matchar Utf\*"):
        resolve_file(tmp_path, "Utf*", "files[3]")


def test_the_entry_keeps_its_pattern_and_the_fast_path_finds_it_by_either(tmp_path: Path) -> None:
    touch(tmp_path / "Utforska Lomma(1-60).xlsx", 1_000)
    touch(tmp_path / "Utforska Lomma(1-75).xlsx", 2_000)
    manifest = {
        "kommuner": {"1262": {"name": "Lomma"}},
        "files": [
            {
                "file": "Utforska Lomma*.xlsx",
                "source": "survey_msforms",
                "kommun": "1262",
                "period": "2026-10-01",
                "questionnaire": "rummet",
            }
        ],
    }
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    entry = load_manifest(tmp_path).files[0]
    assert (entry.name, entry.pattern) == ("Utforska Lomma(1-75).xlsx", "Utforska Lomma*.xlsx")
    for name in ("Utforska Lomma*.xlsx", "Utforska Lomma(1-75).xlsx"):
        assert only_file(load_manifest(tmp_path), name).files == [entry]
