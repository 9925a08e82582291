"""Files with personal data (store copies, archive, reports) are owner-only from the start."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700


def private_dir(path: Path, depth: int = 1) -> Path:
    """A folder whose last `depth` components are created owner-only from the start.

    E.g. work/<refresh id> (depth 2); folders above (the warehouse itself) are made as usual,
    so published files stay readable for the dashboard's user.
    """
    private = [path, *path.parents][:depth]
    private[-1].parent.mkdir(parents=True, exist_ok=True)
    for folder in reversed(private):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    return path


def write_private(path: Path, text: str) -> None:
    """A report file, owner-only from the start (never world-readable, not even briefly)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
