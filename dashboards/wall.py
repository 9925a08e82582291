"""`chefskartan wall`: posters (PDF, PNG) per förvaltning, the combined wall and the workbook."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dashboards import posters, printing, queries, workbook


class WallError(Exception):
    """The wall cannot be made (no such kommun or period); the message is Swedish."""


@dataclass
class WallResult:
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def slug(text: str) -> str:
    """'Vård- och omsorgsförvaltningen' -> 'vard-och-omsorgsforvaltningen' (file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "forvaltning"


def write_wall(published: Path, kommun_code: str, out: Path) -> WallResult:
    """Write every poster of the kommun's latest period into `out` (created if missing)."""
    start = time.perf_counter()
    os.environ[queries.ENV_VAR] = str(Path(published).resolve())
    kommuner = queries.kommuner()
    match = kommuner[kommuner["kommun_code"] == kommun_code]
    if match.empty:
        known = ", ".join(
            f"{c} {n}"
            for c, n in zip(kommuner["kommun_code"], kommuner["kommun_name"], strict=True)
        )
        raise WallError(f"Kommun {kommun_code} finns inte i {published} (finns: {known}).")
    kommun = match.iloc[0].to_dict()
    periods = queries.periods(kommun_code)
    if not periods:
        raise WallError(f"Inga perioder publicerade för {kommun['kommun_name']}.")
    period = periods[0]
    out.mkdir(parents=True, exist_ok=True)
    stem = f"faktavagg_{kommun_code}_{period.isoformat()}"
    result = WallResult()
    with printing.Printer() as printer:
        wall_html = posters.combined_wall(kommun, period)
        result.files += [
            printer.pdf(wall_html, out / f"{stem}_vagg.pdf", landscape=True, fit_to_page=True),
            printer.png(wall_html, out / f"{stem}_vagg.png", landscape=True),
        ]
        for forv in queries.forvaltningar(kommun_code, period).to_dict("records"):
            html = posters.forvaltning_poster(kommun, period, forv)
            name = f"{stem}_{slug(forv['forvaltning_name'])}"
            result.files += [
                printer.pdf(html, out / f"{name}.pdf", fit_to_page=True),
                printer.png(html, out / f"{name}.png"),
            ]
    result.files.append(workbook.write_workbook(kommun, period, out / f"{stem}.xlsx"))
    result.seconds = time.perf_counter() - start
    return result
