"""Every published mart column carries a Swedish label and a unit, declared once on its Field."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from schemas.indicators import catalogue
from schemas.marts import MART_SPAN_ROLLUP, MARTS
from schemas.model import UNITS, Field

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("mart", MARTS, ids=lambda t: t.name)
def test_every_mart_column_has_a_swedish_label_and_a_known_unit(mart) -> None:
    for f in mart.fields:
        assert f.label and f.label.strip() == f.label, (mart.name, f.name)
        assert f.unit in UNITS, (mart.name, f.name, f.unit)
    labels = [f.label for f in mart.fields]
    assert len(set(labels)) == len(labels), f"{mart.name}: two columns share a Swedish label"


def test_swedish_sheet_names_stay_unique_within_excels_31_characters() -> None:
    from pipelines.analyst.export import sheet_name

    names = [sheet_name(m, swedish=True).lower() for m in MARTS]
    assert len(set(names)) == len(names)


def test_indicators_take_label_and_unit_from_their_field() -> None:
    entries = catalogue()
    assert entries
    for entry in entries:
        field = MART_SPAN_ROLLUP.field(entry.indicator_id)
        assert (entry.label, entry.unit) == (field.label, field.unit)


def test_a_unit_outside_the_vocabulary_or_an_unlabelled_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        Field("x", "decimal", "X.", label="X", unit="procent")
    with pytest.raises(ValueError, match="label"):
        Field("x", "decimal", "X.").tracked("lower")


def _marts_each_page_reads() -> dict[str, set[str]]:
    """Page title -> marts its view reads, found from the source (without importing streamlit):
    views call queries.<fn>, each function runs SQL[key], each SQL names its marts."""
    tree = ast.parse((ROOT / "dashboards" / "queries.py").read_text(encoding="utf-8"))
    sql = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "SQL"
    )
    functions: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            keys = {
                call.args[0].value
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
                and getattr(call.func, "id", None) in ("_frame", "_rows")
                and isinstance(call.args[0], ast.Constant)
            }
            functions[node.name] = {m for k in keys for m in re.findall(r"\bmart_\w+", sql[k])}
    pages: dict[str, set[str]] = {}
    for view in sorted((ROOT / "dashboards" / "views").glob("*.py")):
        text = view.read_text(encoding="utf-8")
        title = re.search(r'^TITLE = "([^"]+)"', text, re.M)
        if title:
            called = re.findall(r"queries\.(\w+)\(", text)
            pages[title.group(1)] = set().union(*(functions.get(f, set()) for f in called))
    return pages


def test_declared_pages_are_the_pages_whose_views_read_the_mart() -> None:
    declared = {(page, m.name) for m in MARTS for page in m.pages}
    found = {(page, mart) for page, marts in _marts_each_page_reads().items() for mart in marts}
    # The sidebar reads mart_kommun on every page; it is not what a page shows.
    found = {(page, mart) for page, mart in found if mart != "mart_kommun"}
    assert declared == found, "update pages= on the mart declarations (schemas/*marts.py)"
