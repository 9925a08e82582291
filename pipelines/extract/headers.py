"""Map an export's own headers to canonical field names through the alias table (a data file)."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

ALIASES_FILE = Path(__file__).with_name("header_aliases.csv")
NAME_FIELDS = frozenset({"first_name", "last_name", "full_name"})


def normalise_header(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().casefold())


@cache
def _aliases(source: str) -> dict[str, str]:
    with open(ALIASES_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {normalise_header(r["alias"]): r["field"] for r in rows if r["source"] in ("", source)}


def map_headers(headers: list[str], source: str, overrides: dict[str, str]) -> dict[str, str]:
    """Export header -> canonical field, for the headers we recognise.

    The manifest's explicit mapping (overrides) wins over the alias table.
    """
    aliases = _aliases(source)
    wanted = {normalise_header(k): v for k, v in overrides.items()}
    mapping = {}
    for header in headers:
        key = normalise_header(header)
        field = wanted.get(key) or aliases.get(key)
        if field and field not in mapping.values():
            mapping[header] = field
    return mapping
