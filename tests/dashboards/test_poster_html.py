"""Posters and workbook built on the hand-made published file (no browser): the mart's figures,
Swedish formats, and hidden groups as "dolt (< k)", never 0 or blank."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from dashboards import matrix, posters, queries, workbook
from tests.dashboards import published_fixture as fx

NB = "\u00a0"
HIDDEN = f"dolt (&lt;{NB}5)"


def burlov() -> dict:
    kommuner = queries.kommuner()
    return kommuner[kommuner["kommun_code"] == fx.BURLOV].iloc[0].to_dict()


def vof() -> dict:
    return {"forvaltning_id": fx.VOF, "forvaltning_name": fx.NAMES[fx.VOF]}


def test_poster_shows_figures_and_hidden_groups(published_env: Path) -> None:
    html = posters.forvaltning_poster(burlov(), fx.P_NOW, vof())
    assert fx.NAMES[fx.VOF] in html and "Burlöv" in html
    assert "32,8" in html and "28,8" in html  # mean span 32.75, kommun 173/6
    assert "▲ Utmaning" in html and "▲ Utmaningar (" in html  # short labelled items
    assert HIDDEN in html  # the hidden sick leave reads "dolt", not a number
    assert html.count("<svg") == 1  # the span chart, rendered offline; no survey in this file
    assert "Gräns 30" in html and 'lang="sv"' in html
    assert "Inga enkätresultat publicerade" in html


def test_combined_wall_has_every_forvaltning(published_env: Path) -> None:
    html = posters.combined_wall(burlov(), fx.P_NOW)
    # each name as a header that breaks between the parts of its compound, never mid-word
    assert matrix.breakable(fx.NAMES[fx.VOF]) in html and "omsorgs\u00adförvaltningen" in html
    assert matrix.breakable(fx.NAMES[fx.BUF]) in html
    assert "▲ 32,8" in html and f"✓ 4,3{NB}%" in html and HIDDEN in html
    assert 'class="utmaning" title="Forskningen anger knappt 30' in html  # reason on hover


def test_workbook_sheets_and_hidden_cells(published_env: Path, tmp_path: Path) -> None:
    path = workbook.write_workbook(burlov(), fx.P_NOW, tmp_path / "vagg.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Översikt", fx.NAMES[fx.BUF][:31], fx.NAMES[fx.VOF]]
    ws = book[fx.NAMES[fx.VOF]]
    rows: dict = {}
    for r in ws.iter_rows(min_row=5, values_only=True):
        if r[0]:
            rows.setdefault(r[0], r)  # the key figure comes before the section of that name
    assert rows["Medarbetare per chef i första linjen (medel)"][1] == 32.75
    assert rows["Sjukfrånvaro"][1] == f"dolt (<{NB}5)"
    assert rows["kön: K"][1:4] == (f"dolt (<{NB}5)",) * 3
    assert rows["alla: alla"][1:3] == (140, 8.9)
    assert rows["Hemtjänst Arlöv"][-1] == "Ja"


def test_sheet_titles_are_valid_and_unique() -> None:
    used: set[str] = set()
    long = "Vård- och omsorgsförvaltningen: äldreomsorg/hemtjänst"
    first, second = workbook.sheet_title(long, used), workbook.sheet_title(long, used)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first)
