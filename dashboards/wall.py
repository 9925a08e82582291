"""`chefskartan wall`: posters (PDF, PNG) per förvaltning, the combined wall and the workbook."""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dashboards import posters, printing, queries, workbook

WALL_PAPERS = ("A3", "A2", "A1")


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


def write_wall(
    published: Path,
    kommun_code: str,
    out: Path,
    size: str = "A3",
    progress: Callable[[str], None] | None = None,
) -> WallResult:
    """Write every poster of the kommun's latest period into `out` (created if missing), on
    `size` paper (A3, A2 or A1); `progress` is told each file as it is written."""
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
    say = progress or (lambda _line: None)
    forvaltningar = queries.forvaltningar(kommun_code, period).to_dict("records")
    total = len(forvaltningar) + 1
    dpi = printing.PNG_DPI / printing.POSTER_SCALE[size]
    with printing.Printer() as printer:
        # The whole kommun's matrix at poster body size (16 pt): on A3 landscape when it fits,
        # else on the next larger sheet (six förvaltningar need A2); never below `size`.
        pdf = out / f"{stem}_vagg.pdf"
        papers = WALL_PAPERS[WALL_PAPERS.index(size) :]
        paper = printer.landscape_pdf(posters.combined_wall(kommun, period), pdf, papers)
        wall_dpi = printing.PNG_DPI / printing.POSTER_SCALE[paper]
        result.files += [pdf, printing.pdf_to_png(pdf, pdf.with_suffix(".png"), wall_dpi)]
        say(f"[1/{total}] {pdf.name} (hela kommunen, {paper} liggande)")
        for i, forv in enumerate(forvaltningar, start=2):
            html = posters.forvaltning_poster(kommun, period, forv)
            pdf = out / f"{stem}_{slug(forv['forvaltning_name'])}.pdf"
            printer.poster_pdf(html, pdf, size)
            result.files += [pdf, printing.pdf_to_png(pdf, pdf.with_suffix(".png"), dpi)]
            say(f"[{i}/{total}] {pdf.name} ({forv['forvaltning_name']}, {size})")
    result.files.append(workbook.write_workbook(kommun, period, out / f"{stem}.xlsx"))
    say(f"{result.files[-1].name} (arbetsbok)")
    result.seconds = time.perf_counter() - start
    return result
