"""HTML to PDF and PNG in headless Chromium (Debian's, through Playwright): posters, summaries.

One small surface for every printed product: `html_to_pdf` and `html_to_png` for a single page,
or `Printer` to print many with one browser start (~1 s saved per document).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

CHROMIUM_ENV = "CHEFSKARTAN_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# --no-sandbox: Chromium refuses to start as root with its sandbox (DESIGN.md §10).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# CSS pixels (96 per inch) of the paper sizes used, portrait: width, height.
PAPER_PX = {"A1": (2245, 3179), "A2": (1587, 2245), "A3": (1123, 1587), "A4": (794, 1123)}
MARGIN_MM = 12
MARGIN_PX = round(MARGIN_MM / 25.4 * 96)
# A poster is laid out once on A3 and printed scaled up: A2 is √2 times A3, A1 twice.
POSTER_SCALE = {"A3": 1.0, "A2": 2**0.5, "A1": 2.0}
PNG_DPI = 150  # of an A3 sheet; larger sheets at fewer dpi, so every PNG has the same pixels
ZOOMS = [round(1.5 - 0.05 * i, 2) for i in range(11)]  # 1.5 … 1.0: the largest that fits
# The bottom and right edge of everything laid out (documentElement's scroll size is never
# less than the viewport, so it cannot say whether a document fits).
CONTENT_SIZE_JS = """() => {
  let right = 0, bottom = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    right = Math.max(right, box.right); bottom = Math.max(bottom, box.bottom);
  }
  return [Math.ceil(Math.max(right, document.documentElement.scrollWidth)), Math.ceil(bottom)];
}"""


def sheet_px(paper: str) -> tuple[int, int]:
    """The printable area (inside the margins) of a portrait sheet in CSS px."""
    width, height = PAPER_PX[paper]
    return width - 2 * MARGIN_PX, height - 2 * MARGIN_PX


def pdf_to_png(pdf: Path, png: Path, dpi: float = PNG_DPI) -> Path:
    """The first page of a PDF as a PNG (poppler's pdftoppm): an image of the printed page."""
    import shutil
    import subprocess

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PrintingUnavailable("pdftoppm saknas: installera poppler-utils (make chromium).")
    stem = png.with_suffix("")
    subprocess.run(
        [tool, "-png", "-r", f"{dpi:g}", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(stem)],
        check=True,
        capture_output=True,
    )
    return png


class PrintingUnavailable(RuntimeError):
    """Chromium could not be found or started; the message says how to install it."""


def chromium_path() -> str:
    path = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if not Path(path).exists():
        raise PrintingUnavailable(
            f"Chromium saknas ({path}): installera Debians chromium (make chromium) "
            f"eller ange sökvägen i {CHROMIUM_ENV}."
        )
    return path


class Printer:
    """A headless Chromium kept open while several documents are printed."""

    def __enter__(self) -> Printer:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception:
            self._pw.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._browser.close()
        self._pw.stop()

    def _page(self, html: str, width: int, height: int) -> Any:
        page = self._browser.new_page(
            viewport={"width": width, "height": height}, locale="sv-SE", java_script_enabled=False
        )
        # Posters are self-contained (inline CSS and SVG); nothing is fetched.
        page.set_content(html, wait_until="load")
        return page

    def pdf(
        self,
        html: str,
        path: Path,
        paper: str = "A3",
        landscape: bool = False,
        fit_to_page: bool = False,
    ) -> Path:
        """Print `html` to a PDF on `paper` with 12 mm margins, backgrounds included.

        fit_to_page scales the document down (never up) so that it fills exactly one sheet:
        a poster is one page, whatever the number of units in the förvaltning.
        """
        width, height = _size(paper, landscape)
        inner_w, inner_h = width - 2 * MARGIN_PX, height - 2 * MARGIN_PX
        # Lay out at the printable width, so the measured height is the printed height.
        page = self._page(html, inner_w, inner_h)
        try:
            page.emulate_media(media="print")
            scale = 1.0
            if fit_to_page:
                content_w, content_h = page.evaluate(
                    "() => [document.documentElement.scrollWidth,"
                    " document.documentElement.scrollHeight]"
                )
                scale = max(0.1, min(1.0, 0.98 * inner_h / content_h, inner_w / content_w))
            margin = f"{MARGIN_MM}mm"
            page.pdf(
                path=str(path),
                format=paper,
                landscape=landscape,
                print_background=True,
                scale=scale,
                margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
            )
        finally:
            page.close()
        return path

    def landscape_pdf(self, html: str, path: Path, papers: tuple[str, ...]) -> str:
        """Print `html` landscape on the first of `papers` that holds it at full size, so no
        text shrinks (a wide matrix takes a larger sheet, not smaller type), grown by the
        largest zoom that still fits so the sheet is filled; on the last paper it is scaled
        down if even that is too small. Returns the paper used."""
        for paper in papers:
            width, height = _size(paper, landscape=True)
            inner_w, inner_h = width - 2 * MARGIN_PX, height - 2 * MARGIN_PX - 4  # rounding
            page = self._page(html, inner_w, inner_h)
            try:
                page.emulate_media(media="print")
                for zoom in ZOOMS:
                    page.evaluate(f"document.documentElement.style.zoom = '{zoom}'")
                    content_w, content_h = page.evaluate(CONTENT_SIZE_JS)
                    if content_w <= inner_w and content_h <= inner_h:
                        break
                else:
                    if paper != papers[-1]:
                        continue
                margin = f"{MARGIN_MM}mm"
                page.pdf(
                    path=str(path),
                    format=paper,
                    landscape=True,
                    print_background=True,
                    scale=max(0.1, min(1.0, inner_w / content_w, inner_h / content_h)),
                    margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
                )
                return paper
            finally:
                page.close()
        raise ValueError("no paper given")

    def poster_pdf(self, html: str, path: Path, paper: str = "A3") -> Path:
        """A poster laid out on A3 (sheet_px) printed on `paper`, scaled up with its margins."""
        factor = POSTER_SCALE[paper]
        width, height = sheet_px("A3")
        page = self._page(html, width, height)
        try:
            page.emulate_media(media="print")
            margin = f"{MARGIN_MM * factor:.2f}mm"
            page.pdf(
                path=str(path),
                format=paper,
                print_background=True,
                scale=factor,
                margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
            )
        finally:
            page.close()
        return path

    def png(self, html: str, path: Path, paper: str = "A3", landscape: bool = False) -> Path:
        """A full-page PNG of `html` at the paper's printable width, at twice the pixels."""
        width, height = _size(paper, landscape)
        page = self._browser.new_page(
            viewport={"width": width - 2 * MARGIN_PX, "height": height - 2 * MARGIN_PX},
            device_scale_factor=2,
            locale="sv-SE",
            java_script_enabled=False,  # data in the page must never run
        )
        try:
            page.set_content(html, wait_until="load")
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.close()
        return path


def _size(paper: str, landscape: bool) -> tuple[int, int]:
    width, height = PAPER_PX[paper]
    return (height, width) if landscape else (width, height)


def html_to_pdf(
    html: str,
    path: Path,
    format: str = "A3",
    landscape: bool = False,
    fit_to_page: bool = False,
) -> Path:
    """One HTML document to one PDF (starts and stops Chromium); pages break as the CSS says,
    or, with fit_to_page, the whole document is scaled down onto one sheet."""
    with Printer() as printer:
        return printer.pdf(html, Path(path), format, landscape, fit_to_page)


def html_to_png(html: str, path: Path, format: str = "A3", landscape: bool = False) -> Path:
    """One HTML document to one PNG (starts and stops Chromium)."""
    with Printer() as printer:
        return printer.png(html, Path(path), format, landscape)
