"""Faktavägg: key figures, manager table and span distribution for one förvaltning."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import (
    charts,
    declared,
    downloads,
    matrix,
    queries,
    state,
    survey_tables,
    warm,
    widgets,
)
from dashboards import fact_wall_tables as tables
from dashboards import format as fmt
from dashboards.inert import md

TITLE = "Faktavägg"


def render() -> None:
    st.title(TITLE)
    selection = widgets.select_scope()
    if selection is None:
        return
    kommun, period, forvaltning = selection
    # After a publication this view is built first, then the kommun's other förvaltningar
    # (a workshop goes through them all).
    warm.remember(prepare_kommun, kommun["kommun_code"], period)
    warm.remember(prepare, kommun["kommun_code"], period, forvaltning["forvaltning_id"])
    threshold = int(kommun["span_threshold"])
    forv_row, kommun_row = key_figures_section(kommun, period, forvaltning, threshold)
    drill_down(kommun, period, forvaltning, forv_row, threshold)
    support_section(kommun, period, forvaltning, forv_row, kommun_row)
    managers_section(kommun, period, forvaltning, threshold)
    sick_leave_section(kommun, period, forvaltning)
    st.markdown("#### Enkätresultat")
    survey_section(kommun, forvaltning)


def key_figures_section(
    kommun: dict[str, Any], period: dt.date, forvaltning: dict[str, Any], threshold: int
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The heading and the five key figures, the förvaltning beside the kommun; their rows."""
    st.subheader(f"{md(forvaltning['forvaltning_name'])}, {md(kommun['kommun_name'])}")
    st.caption(
        f"Period {fmt.iso_date(period)} · gräns för antal medarbetare per chef i "
        f"{md(kommun['kommun_name'])}: {threshold}"
    )
    code, forv_id = kommun["kommun_code"], forvaltning["forvaltning_id"]
    forv_row = queries.rollup(code, period, "forvaltning", forv_id)
    kommun_row = queries.rollup(code, period, "kommun", code)
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.markdown(f"**{md(forvaltning['forvaltning_name'])}**")
        _key_figures(forv_row, threshold)
    with right, st.container(border=True):
        st.markdown(f"**Hela {md(kommun['kommun_name'])}** (jämförelse)")
        _key_figures(kommun_row, threshold)
    flags = queries.strengths_challenges(code, period)
    flags = flags[flags["forvaltning_id"] == forv_id]
    # Six panels cost the most of any chart: drawn only when asked for.
    if st.toggle("Diagram: förvaltningen mot hela kommunen och referenspunkterna"):
        key = flags[flags["metric"].isin(matrix.KEY_FIGURES)].reset_index(drop=True)
        charts.show_built(charts.key_figures, key, empty="Inga nyckeltal att visa.")
    return forv_row, kommun_row


def support_section(
    kommun: dict[str, Any],
    period: dt.date,
    forvaltning: dict[str, Any],
    forv_row: dict[str, Any] | None,
    kommun_row: dict[str, Any] | None,
) -> None:
    """Support functions, employment forms, tenure and turnover, with their download."""
    st.markdown("#### Stöd och förutsättningar")
    name = forvaltning["forvaltning_name"]
    widgets.table(tables.more_figures_table, forv_row, kommun_row, name, kommun)
    f, k = forv_row or {}, kommun_row or {}
    figures = tables.MORE_FIGURES
    codes = [downloads.excel_format(*declared.excel_unit(tables.ROLLUP, c)) for c, _l in figures]
    downloads.offer(
        pd.DataFrame(
            {
                "Nyckeltal": [label for _c, label in figures],
                name: [f.get(c) for c, *_ in figures],
                f"Hela {kommun['kommun_name']}": [k.get(c) for c, *_ in figures],
            }
        ),
        f"stod_{kommun['kommun_code']}_{period}_{forvaltning['forvaltning_id']}",
        {name: codes, f"Hela {kommun['kommun_name']}": codes},
    )


def managers_section(
    kommun: dict[str, Any], period: dt.date, forvaltning: dict[str, Any], threshold: int
) -> None:
    """The manager table, its download and the span distribution: the hr role only
    (queries.py refuses the per-manager rows to the others)."""
    code, forv_id = kommun["kommun_code"], forvaltning["forvaltning_id"]
    if not queries.allows("managers", code):
        st.caption("Tabellen och fördelningen per chef visas bara för HR-rollen.")
        return
    team = queries.managers(code, period, forv_id)
    if team.empty:
        st.info("Inga chefer registrerade för förvaltningen denna period.")
        return
    widgets.table(tables.manager_table, team, forvaltning["forvaltning_name"], period, threshold)
    columns = tables.TABLE_COLUMNS
    managers = team.assign(
        above_label=team["is_above_threshold"].map(lambda above: "ja" if above else "")
    )[list(columns)].rename(columns=columns)
    downloads.offer(
        managers,
        f"chefer_{code}_{period}_{forv_id}",
        {columns["fte_monthly_paid"]: downloads.excel_format("fte", 1)},
    )
    charts.show_built(
        charts.span_distribution,
        team,
        threshold,
        empty="Inga chefer i första linjen i förvaltningen denna period.",
    )


def sick_leave_section(
    kommun: dict[str, Any], period: dt.date, forvaltning: dict[str, Any]
) -> None:
    st.markdown("#### Sjukfrånvaro")
    forv_id = forvaltning["forvaltning_id"]
    sick = queries.sick_leave(kommun["kommun_code"], period, "forvaltning", forv_id)
    if sick.empty:
        st.caption("Exporten saknar arbetad tid och sjuktimmar – ingen sjukfrånvaro att visa.")
        return
    widgets.table(tables.sick_leave_table, sick, kommun["anonymity_k"])
    downloads.offer(tables.sick_leave_frame(sick), f"sjukfranvaro_{forv_id}", tables.COUNTS, "pct")


def prepare_kommun(kommun_code: str, period: dt.date) -> None:
    """prepare() for every förvaltning of the kommun and period."""
    for forvaltning_id in widgets.forvaltning_options(kommun_code, period):
        prepare(kommun_code, period, forvaltning_id)


def prepare(kommun_code: str, period: dt.date, forvaltning_id: str) -> None:
    """Build the tables and charts render draws for this view, without drawing (warm.py runs
    it after a publication). Each is built from the same rows and arguments as in render, or
    the page would not find it (tests/dashboards/test_warm.py holds the two together)."""
    kommuner = queries.kommuner().to_dict("records")
    kommun = next((k for k in kommuner if k["kommun_code"] == kommun_code), None)
    forvaltning = widgets.forvaltning_options(kommun_code, period).get(forvaltning_id)
    if kommun is None or forvaltning is None:
        return  # not in the new version
    threshold, name = int(kommun["span_threshold"]), forvaltning["forvaltning_name"]
    forv_row = queries.rollup(kommun_code, period, "forvaltning", forvaltning_id)
    kommun_row = queries.rollup(kommun_code, period, "kommun", kommun_code)
    widgets.table_html(tables.more_figures_table, forv_row, kommun_row, name, kommun)
    if queries.allows("managers", kommun_code):
        team = queries.managers(kommun_code, period, forvaltning_id)
        if not team.empty:
            widgets.table_html(tables.manager_table, team, name, period, threshold)
            charts.built_spec(charts.span_distribution, team, threshold)
    sick = queries.sick_leave(kommun_code, period, "forvaltning", forvaltning_id)
    if not sick.empty:
        widgets.table_html(tables.sick_leave_table, sick, kommun["anonymity_k"])
    survey_period = widgets.survey_period(kommun_code)
    if survey_period is not None:
        index = queries.survey_index(kommun_code, survey_period)
        charts.built_spec(charts.survey_indices, index, "forvaltning", forvaltning_id)
        widgets.table_html(survey_tables.index_table, index, forvaltning_id, kommun["kommun_name"])
        time_use = queries.survey_time_use(kommun_code, survey_period)
        if not time_use.empty:
            charts.built_spec(charts.time_use, time_use, forvaltning_id, kommun["kommun_name"])
            widgets.table_html(
                survey_tables.time_use_table, time_use, forvaltning_id, kommun["kommun_name"]
            )


def drill_down(
    kommun: dict[str, Any],
    period: dt.date,
    forvaltning: dict[str, Any],
    forv_row: dict[str, Any] | None,
    threshold: int,
) -> None:
    """Kommun → förvaltning → a unit or a manager group: its figures beside the förvaltning's."""
    code = kommun["kommun_code"]
    units = queries.units_in_forvaltning(code, period, forvaltning["forvaltning_id"])
    survey_period = widgets.survey_period(code)
    groups = queries.manager_groups(code, survey_period) if survey_period else pd.DataFrame()
    level = {"avdelning": "Avdelning", "enhet": "Enhet"}
    # Options are "scope_type:scope_id" (the URL's ?drill_down=…), shown by name.
    labels: dict[str, str] = {"": "Hela förvaltningen"}
    labels |= {
        f"{r.scope_type}:{r.scope_id}": f"{level[r.scope_type]}: {r.scope_name}"
        for r in units.itertuples()
    }
    labels |= {
        f"manager_group:{r.scope_id}": f"Chefsgrupp: {r.scope_name}" for r in groups.itertuples()
    }
    chosen = state.select(
        "drill_down", "Enhet eller chefsgrupp", list(labels), lambda c: labels.get(c, c)
    )
    if not chosen:
        return
    scope_type, scope_id = chosen.split(":", 1)
    label = labels[chosen]
    st.markdown(f"#### {md(label)}")
    if scope_type != "manager_group":
        left, right = st.columns(2, gap="large")
        with left, st.container(border=True):
            st.markdown(f"**{md(label)}**")
            _key_figures(queries.rollup(code, period, scope_type, scope_id), threshold)
        with right, st.container(border=True):
            st.markdown(f"**{md(forvaltning['forvaltning_name'])}** (jämförelse)")
            _key_figures(forv_row, threshold)
    if survey_period is None:
        return
    index = queries.survey_index_scope(code, survey_period, scope_type, scope_id)
    if not index.empty:
        st.html(
            survey_tables.index_table(
                index, scope_id, kommun["kommun_name"], scope_type=scope_type
            ).as_raw_html()
        )
        frame = survey_tables.index_frame(index, scope_id, kommun["kommun_name"], scope_type)
        downloads.offer(frame, f"enkatindex_urval_{scope_id}", tables.COUNTS, "index")


def survey_section(kommun: dict[str, Any], forvaltning: dict[str, Any]) -> None:
    """The managers' survey indices and time use, at the kommun's latest survey period."""
    code = kommun["kommun_code"]
    survey_period = widgets.survey_period(code)
    if survey_period is None:
        st.info(widgets.NO_SURVEY)
        return
    st.caption(f"Enkätperiod {fmt.iso_date(survey_period)}")
    index = queries.survey_index(code, survey_period)
    forv_id, name = forvaltning["forvaltning_id"], kommun["kommun_name"]
    charts.show_built(charts.survey_indices, index, "forvaltning", forv_id)
    widgets.table(survey_tables.index_table, index, forv_id, name)
    frame = survey_tables.index_frame(index, forv_id, name)
    downloads.offer(frame, f"enkatindex_{forv_id}", tables.COUNTS, "index")
    time_use = queries.survey_time_use(code, survey_period)
    if not time_use.empty:
        charts.show_built(charts.time_use, time_use, forv_id, name)
        widgets.table(survey_tables.time_use_table, time_use, forv_id, name)
        frame = survey_tables.time_use_frame(time_use, forv_id, name)
        downloads.offer(frame, f"tidsanvandning_{forv_id}", numbers="pct")


# --------------------------------------------------------------------------- key figures


def _key_figures(row: dict[str, Any] | None, threshold: int) -> None:
    """The five key figures for one scope, read from its mart_span_rollup row."""
    r = row or {}
    first_line = r.get("first_line_managers")
    # Two per row, so the Swedish labels fit unabridged on a projector.
    counts, spans, shares = st.columns(2), st.columns(2), st.columns(2)
    counts[0].metric("Antal chefer", fmt.integer(r.get("managers")))
    counts[1].metric("Första linjens chefer", fmt.integer(first_line))
    spans[0].metric(
        "Medarbetare per chef, medel",
        fmt.number(r.get("mean_span_first_line"), 1),
        help="Månadsavlönade medarbetare per chef i första linjen, medelvärde.",
    )
    spans[1].metric(
        "Medarbetare per chef, median",
        fmt.number(r.get("median_span_first_line"), 1),
        help="Månadsavlönade medarbetare per chef i första linjen, median.",
    )
    shares[0].metric(
        f"Andel chefer över {threshold}",
        fmt.percent(r.get("share_first_line_above_threshold_pct")),
        delta=(
            f"{fmt.integer(r.get('first_line_above_threshold'))} av {fmt.integer(first_line)}"
            if row
            else None
        ),
        delta_color="off",
        delta_arrow="off",
        help=(
            f"Första linjens chefer med fler än {threshold} månadsavlönade medarbetare "
            "(kommunens gräns)."
        ),
    )
    shares[1].metric(
        "Chefstäthet",
        fmt.number(r.get("chefstathet"), 1),
        help="Månadsavlönade medarbetare (ej chefer) per chef.",
    )
