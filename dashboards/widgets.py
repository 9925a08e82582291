"""Pieces several pages share: the kommun/period/förvaltning pickers and the refresh caption."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from great_tables import _tbl_data

from dashboards import format as fmt
from dashboards import queries, state
from dashboards.inert import md

MISSING_FIGURE = "uppgift saknas"  # no figure in the exports: never a strength or a challenge
NO_SURVEY = "Inga enkätresultat publicerade – när en enkätexport har lästs in visas resultaten här."
# How an assessment reads: a symbol and a word, so it survives black-and-white print.
ASSESSMENT_LABEL = {"utmaning": "▲ Utmaning", "styrka": "✓ Styrka"}
ASSESSMENT_PLURAL = {"utmaning": "▲ Utmaningar", "styrka": "✓ Styrkor"}


# Metric labels wrap instead of ending in "…" (a projector at 1280×720 is narrow).
PAGE_CSS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""
# Streamlit serves <html lang="en"> and has no setting for it; the pages are Swedish (screen
# readers, hyphenation). st.html runs the script in the page itself (no iframe component).
LANG_SCRIPT = "<script>document.documentElement.lang = 'sv';</script>"


def page_setup() -> None:
    """What every page needs once per run (app.py calls it, in the sidebar menu): Swedish
    document language, unabridged labels."""
    st.html(PAGE_CSS)
    st.html(LANG_SCRIPT, unsafe_allow_javascript=True)


def select_kommun_period() -> tuple[dict[str, Any], dt.date] | None:
    """Kommun and period chosen in the sidebar; None (with a message) when there are none."""
    kommun_frame = queries.kommuner()
    if kommun_frame.empty:
        st.info("Det publicerade lagret innehåller inga kommuner ännu.")
        return None
    kommun_rows = {row["kommun_code"]: row for row in kommun_frame.to_dict("records")}
    with st.sidebar:
        st.header("Urval")
        code = state.select(
            "kommun", "Kommun", list(kommun_rows), lambda c: kommun_rows[c]["kommun_name"]
        )
        kommun = kommun_rows[code]
        period_options = queries.periods(code)
        if not period_options:
            st.info(f"Inga perioder publicerade för {md(kommun['kommun_name'])}.")
            return None
        period = state.select("period", "Period", period_options, fmt.iso_date)
    return kommun, period


def forvaltning_options(kommun_code: str, period: dt.date) -> dict[str, dict[str, Any]]:
    """{forvaltning_id: row} for the kommun and period, by name."""
    frame = queries.forvaltningar(kommun_code, period)
    return {row["forvaltning_id"]: row for row in frame.to_dict("records")}


def select_scope() -> tuple[dict[str, Any], dt.date, dict[str, Any]] | None:
    """Kommun, period and förvaltning chosen in the sidebar; None (with a message) if none."""
    chosen = select_kommun_period()
    if chosen is None:
        return None
    kommun, period = chosen
    forv_rows = forvaltning_options(kommun["kommun_code"], period)
    with st.sidebar:
        if not forv_rows:
            st.info("Inga förvaltningar för vald kommun och period.")
            return None
        forv_id = state.select(
            "forvaltning",
            "Förvaltning",
            list(forv_rows),
            lambda f: forv_rows[f]["forvaltning_name"],
        )
        refresh_caption()
    return kommun, period, forv_rows[forv_id]


def refresh_caption() -> None:
    log = queries.last_refresh()
    if log.empty:
        return
    rejected = int(log["rows_rejected"].fillna(0).sum())
    st.caption(
        f"Lagret uppdaterat {fmt.iso_datetime(log['refreshed_at'].max())} · "
        f"{fmt.integer(len(log))} filer inlästa · {fmt.integer(rejected)} rader avvisade"
    )


def survey_period(kommun_code: str) -> dt.date | None:
    """The kommun's latest survey period; None when the file has no survey results for it
    (a file published before the survey marts existed has no such tables at all)."""
    if "mart_survey_responses" not in queries.published_marts():
        return None
    return queries.survey_period(kommun_code)


# Display names of the constructs and time-use categories the questionnaires use; an unknown
# code (a kommun's own questionnaire) is shown as it is.
CONSTRUCT_LABEL = {
    "krav": "Krav",
    "resurser": "Resurser",
    "balans": "Balans mellan krav och resurser",
    "stod": "Stöd",
    "kommunikation": "Kommunikation",
    "beslutsvagar": "Delaktighet i beslutsvägar",
    "hur_mar_cheferna": "Hur mår cheferna?",
    "vad_gor_cheferna": "Vad gör cheferna?",
    "kommunikationsvagar": "Hur ser kommunikationsvägarna ut?",
    "hur_gar_verksamheten": "Hur går verksamheten?",
}
TIME_LABEL = {
    "tid_personal": "Personalfrågor",
    "tid_ekonomi": "Budget och ekonomi",
    "tid_administration": "Administration",
    "tid_verksamhet": "Verksamhet och utveckling",
    "andel_moten": "Andel av tiden i möten",
    "andel_dator": "Andel av tiden vid datorn",
    "andel_resor": "Andel av tiden på resor",
}


def survey_cell(r: dict[str, Any], value_key: str, decimals: int = 1, pct: bool = False) -> str:
    """A survey figure, or 'dolt (< k)' when the mart hides it."""
    if r.get("is_suppressed"):
        return fmt.suppressed(r["anonymity_k"])
    value = r.get(value_key)
    return fmt.percent(value, decimals) if pct else fmt.number(value, decimals)


def shown_figure(row: dict[str, Any], anonymity_k: Any, value_key: str = "value") -> str:
    """A strengths-and-challenges figure as shown: formatted, or 'dolt (< k)' when hidden."""
    if row.get("is_suppressed"):
        return fmt.suppressed(anonymity_k)
    value = row.get(value_key)
    if fmt._is_missing(value):
        return MISSING_FIGURE
    return fmt.figure(value, row["unit"], int(row["decimals"]))


def table(build: Callable[..., Any], *args: Any) -> None:
    """A great-tables table on the page, its HTML rendered once per table and data.

    Rendering costs ~0.1 s a table on every rerun; the key is the builder and its arguments
    (rows already read under the session's grant), so HTML is only reused for the same data.
    """
    st.html(table_html(build, *args))


def table_html(build: Callable[..., Any], *args: Any) -> str:
    """The table's HTML from the cache, built on a miss (warm.py fills it ahead of a visit)."""
    return _table_html(build.__module__, build.__name__, *args)


# great-tables reads and writes every body cell of its pandas frame through .iloc, ~0.1 ms a
# cell: 60 % of a 50-row table's HTML. .iat, pandas' accessor for one cell, reads and writes the
# same value in a fifth of that. Registered for pandas frames only; the HTML is the same
# (tests/dashboards/test_table_cells.py holds the two against each other).
@_tbl_data._get_cell.register(pd.DataFrame)
def _get_cell(data: pd.DataFrame, row: int, column: str) -> Any:
    return data.iat[row, _column_index(data, column)]


@_tbl_data._set_cell.register(pd.DataFrame)
def _set_cell(data: pd.DataFrame, row: int, column: str, value: Any) -> None:
    data.iat[row, _column_index(data, column)] = value


def _column_index(data: pd.DataFrame, column: str) -> int:
    index = data.columns.get_loc(column)
    if not isinstance(index, int):  # as great-tables: a name must be one column
        raise ValueError(f"Column named {column} matches multiple columns.")
    return index


@st.cache_data(show_spinner=False, max_entries=512)
def _table_html(module: str, name: str, *args: Any) -> str:
    # great-tables writes its output cell by cell into a pandas string frame; Python-backed
    # strings take such writes ~30 % faster than pyarrow-backed ones (same HTML).
    with pd.option_context("mode.string_storage", "python"):
        return getattr(importlib.import_module(module), name)(*args).as_raw_html()
