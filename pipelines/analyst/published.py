"""Which published file an analyst command reads: the combined file or one kommun's own."""

from __future__ import annotations

import re
from pathlib import Path

# As warehouse.build.COMBINED_NAME and kommun_file_name(); not imported from there, because that
# pulls in pandas and pandera and `chefskartan sql` should start at once (a test checks they agree).
COMBINED_NAME = "chefskartan.duckdb"


class NoPublishedFile(Exception):
    """The warehouse has no published file for what was asked (message in Swedish)."""


def published_file(warehouse: Path, kommun: str | None = None) -> Path:
    """WAREHOUSE/published/kommun_<code>.duckdb, or chefskartan.duckdb without a kommun."""
    if kommun is not None and not re.fullmatch(r"\d{4}", kommun):
        raise NoPublishedFile(f"Kommunkoden ska vara fyra siffror, t.ex. 1262 (fick {kommun!r}).")
    folder = Path(warehouse) / "published"
    path = folder / (f"kommun_{kommun}.duckdb" if kommun else COMBINED_NAME)
    if path.is_file():
        return path
    if kommun and (folder / COMBINED_NAME).is_file():
        codes = sorted(p.stem.removeprefix("kommun_") for p in folder.glob("kommun_*.duckdb"))
        raise NoPublishedFile(
            f"Ingen publicerad fil för kommun {kommun} i {folder}. "
            f"Publicerade kommuner: {', '.join(codes) or 'inga'}."
        )
    raise NoPublishedFile(f"Inget publicerat lager i {folder} – kör chefskartan refresh först.")
