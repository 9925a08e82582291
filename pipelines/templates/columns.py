"""A template's columns file (field, Swedish header, required, example, description)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path


@cache
def columns(path: Path) -> tuple[dict[str, str], ...]:
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def headers(path: Path) -> dict[str, str]:
    """Template header -> canonical field: a template is its own alias table."""
    return {c["header"]: c["field"] for c in columns(path)}
