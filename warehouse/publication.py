"""One consistent publication: a folder per refresh, swapped in by one atomic symlink switch.

WAREHOUSE/published -> versions/<refresh id>/ holds the combined file and every kommun file of
one refresh. Readers open WAREHOUSE/published/<name>.duckdb as before; the switch is a single
os.replace of a new symlink, so they see the old set or the new set, never a mix. The previous
version stays for rollback. Files are read-only (0444) and a new folder per publication means a
.wal left beside an older file by a read-write client is never replayed onto a new one.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

PUBLISHED = "published"
VERSIONS = "versions"
KEEP_VERSIONS = 2  # the live one and the one before it (rollback)


def versions_dir(root: Path) -> Path:
    return root / VERSIONS


def version_dir(root: Path, refresh_id: str) -> Path:
    return versions_dir(root) / refresh_id


def new_version(root: Path, refresh_id: str) -> Path:
    """An empty folder for this refresh's files (not visible to readers until switched to)."""
    folder = version_dir(root, refresh_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def seal(folder: Path) -> None:
    """Every file read-only and on disk before the switch makes it visible."""
    for path in folder.iterdir():
        path.chmod(0o444)
        _fsync(path)
    _fsync(folder)


def current_version(root: Path) -> Path | None:
    """The folder readers see now (None before the first publication)."""
    link = root / PUBLISHED
    return link.resolve() if link.is_symlink() else None


def switch(root: Path, refresh_id: str) -> None:
    """Point `published` at the refresh's folder in one atomic rename."""
    link = root / PUBLISHED
    if link.exists() and not link.is_symlink():
        _adopt_legacy_folder(root)
    tmp = root / f".{PUBLISHED}.{refresh_id}"
    tmp.unlink(missing_ok=True)
    os.symlink(Path(VERSIONS) / refresh_id, tmp)  # relative: the warehouse may be moved
    os.replace(tmp, link)
    _fsync(root)


def _adopt_legacy_folder(root: Path) -> None:
    """A warehouse from before versioned publication: its folder becomes the first version."""
    target = version_dir(root, "00000000T000000000000Z-legacy")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(root / PUBLISHED, target)


def prune(root: Path) -> None:
    """Keep the live version and the one before it; remove older ones and unswitched leftovers."""
    live = current_version(root)
    folders = sorted(versions_dir(root).glob("*"), key=lambda p: p.name, reverse=True)
    keep = {live} if live else set()
    published = [f for f in folders if live and f.name <= live.name]
    keep.update(published[:KEEP_VERSIONS])
    for folder in folders:
        if folder.resolve() not in {k.resolve() for k in keep if k}:
            remove_version(folder)
    for leftover in root.glob(f".{PUBLISHED}.*"):
        leftover.unlink(missing_ok=True)


def remove_version(folder: Path) -> None:
    """Delete a version folder (its files are read-only; the folder is not)."""
    shutil.rmtree(folder, onerror=_make_writable_and_retry)


def _make_writable_and_retry(func, path, _exc_info) -> None:  # type: ignore[no-untyped-def]
    parent = Path(path).parent
    parent.chmod(parent.stat().st_mode | stat.S_IWUSR)
    func(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
