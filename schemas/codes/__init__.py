"""Code tables (label -> code) as data files; unknown labels are errors, not guesses."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CODES_DIR = Path(__file__).parent


@cache
def code_table(name: str) -> dict[str, str]:
    """Map of lower-cased export label -> canonical code, from codes/<name>.csv."""
    with open(CODES_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        labels = {row["label"].strip().casefold(): row["code"] for row in csv.DictReader(f)}
    return {**{code: code for code in labels.values()}, **labels}  # a code is its own label


@cache
def missing_placeholders() -> frozenset[str]:
    """Values that HR systems write for 'missing' (compared case-insensitively)."""
    with open(CODES_DIR / "missing_values.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["placeholder"].strip().casefold() for row in csv.DictReader(f))
