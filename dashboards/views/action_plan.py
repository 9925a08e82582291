"""Handlingsplan: the measures by area, owner and status, baseline → now → target with a trend."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from great_tables import GT, loc, style

from dashboards import charts, downloads, queries, state
from dashboards import format as fmt
from dashboards import plan_labels as labels
from dashboards.inert import md

TITLE = "Handlingsplan"
# Seven columns fit a 1280 px projector beside the sidebar: scope and owner sit under the measure.
COLUMNS = {
    "measure_html": "Åtgärd (omfattning · ansvarig)",
    "indicator_label": "Indikator",
    "values_text": "Utgångsvärde → nu",
    "target_text": "Mål",
    "status_text": "Status",
    "due_text": "Klart senast",
    "overdue_text": "Uppföljning",
}


def render() -> None:
    st.title(TITLE)
    kommun = pick_kommun()
    plan = published_plan(kommun)
    if plan is None:
        return
    st.caption(
        f"{md(kommun['kommun_name'])} · beslutad {fmt.iso_date(plan['adopted_date'].min())}"
        f" · senaste mätning {fmt.iso_date(plan['latest_period_date'].max())}"
    )
    status_counts(plan)
    rows = table_rows(plan, queries.indicator_trends(kommun["kommun_code"]))
    downloads.offer(plan_frame(rows), f"handlingsplan_{kommun['kommun_code']}", plan_formats(rows))
    for area_code in labels.area_order(rows["area"]):
        st.subheader(md(labels.area(area_code)))
        area_rows = rows[rows["area"] == area_code]
        st.html(plan_table(area_rows).as_raw_html())
        trend_charts(area_rows)


def plan_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The plan as a download: values as numbers, codes as their Swedish words."""
    return pd.DataFrame(
        {
            "Område": rows["area"].map(labels.area),
            "Åtgärd": rows["measure_id"] + " " + rows["measure"],
            "Omfattning": rows["scope_name"],
            "Ansvarig": rows["owner_role"],
            "Indikator": rows["indicator_label"],
            "Enhet": rows["indicator_unit"],
            "Utgångsvärde": rows["baseline_value"],
            "Nu": rows["latest_value"],
            "Mål": rows["target_value"],
            "Status": rows["indicator_status"].map(labels.status),
            "Klart senast": rows["due_date"].map(fmt.iso_date),
            "Uppföljning försenad": ["ja" if o else "" for o in rows["is_follow_up_overdue"]],
        }
    )


def plan_formats(rows: pd.DataFrame) -> downloads.Formats:
    """Each row's values in its indicator's unit: '12,3 %', 16 managers, 0,45 FTE."""
    per_row = [
        downloads.excel_format("%", 1)
        if unit == "%"
        else downloads.excel_format("antal", labels.UNIT_DECIMALS.get(unit, 1))
        for unit in rows["indicator_unit"]
    ]
    return dict.fromkeys(["Utgångsvärde", "Nu", "Mål"], per_row)


def trend_charts(rows: pd.DataFrame) -> None:
    """Each indicator's value per period against its target: a line per measure, two a row."""
    drawn = []
    for r in rows.to_dict("records"):
        if not hasattr(r["periods"], "__len__"):
            continue  # no published history for this indicator yet
        chart = charts.indicator_trend(
            list(r["periods"]), list(r["values"]), r["target_value"],
            r["indicator_label"], r["indicator_unit"] or "",
        )  # fmt: skip
        if chart is not None:
            title = [f"{r['measure_id']} {r['indicator_label']}", str(r["scope_name"])]
            drawn.append(chart.properties(title=title))
    for start in range(0, len(drawn), 2):
        for column, chart in zip(st.columns(2), drawn[start : start + 2], strict=False):
            with column:
                charts.show(chart)


def pick_kommun() -> dict | None:
    kommuner = queries.kommuner()
    if kommuner.empty:
        st.info("Det publicerade lagret har inga kommuner ännu.")
        return None
    names = dict(zip(kommuner["kommun_code"], kommuner["kommun_name"], strict=True))
    code = state.select("kommun", "Kommun", list(names), names.get)
    return {"kommun_code": code, "kommun_name": names[code]}


def published_plan(kommun: dict | None) -> pd.DataFrame | None:
    """The kommun's plan in force, or None with a Swedish hint when there is none."""
    if kommun is None:
        return None
    plan = queries.action_plan(kommun["kommun_code"])
    if plan.empty:
        st.info(
            f"Ingen handlingsplan publicerad för {md(kommun['kommun_name'])} ännu – lägg planen "
            "i inkorgen (chefskartan template action-plan) och kör chefskartan refresh."
        )
        return None
    return plan


def status_counts(plan: pd.DataFrame) -> None:
    """How many measures have each status (a measure counts once)."""
    per_measure = plan.drop_duplicates("measure_id")["measure_status"].value_counts()
    for column, code in zip(st.columns(len(labels.STATUS_ORDER)), labels.STATUS_ORDER, strict=True):
        column.metric(labels.status(code), fmt.integer(int(per_measure.get(code, 0))))


def table_rows(plan: pd.DataFrame, trends: pd.DataFrame) -> pd.DataFrame:
    """The plan as display text; figures are the mart's, only formatted here."""
    rows = plan.merge(
        trends[["scope_id", "indicator_id", "values", "periods"]],
        on=["scope_id", "indicator_id"],
        how="left",
    )
    unit = rows["indicator_unit"].fillna("")
    return rows.assign(
        measure_text=rows["measure_id"] + " " + rows["measure"],
        baseline_text=[
            labels.indicator_value(v, u) for v, u in zip(rows["baseline_value"], unit, strict=True)
        ],
        latest_text=[
            labels.indicator_value(v, u) for v, u in zip(rows["latest_value"], unit, strict=True)
        ],
        target_text=[
            labels.indicator_value(v, u) for v, u in zip(rows["target_value"], unit, strict=True)
        ],
        trend=[_trend(v, u) for v, u in zip(rows["values"], unit, strict=True)],
        values_text=[
            f"{labels.indicator_value(b, u)} → {labels.indicator_value(v, u)}"
            for b, v, u in zip(rows["baseline_value"], rows["latest_value"], unit, strict=True)
        ],
        measure_html=[
            f"{html.escape(f'{m} {t}')}<br><small>{html.escape(str(s))} · "
            f"{html.escape(str(o))}</small>"
            for m, t, s, o in zip(
                rows["measure_id"],
                rows["measure"],
                rows["scope_name"],
                rows["owner_role"],
                strict=True,
            )
        ],  # fmt: skip
        status_text=rows["indicator_status"].map(labels.status),
        due_text=rows["due_date"].map(fmt.iso_date),
        overdue_text=["⚠ försenad" if o else "" for o in rows["is_follow_up_overdue"]],
        indicator_label=rows["indicator_label"].fillna("–"),
    )


def _trend(values: object, unit: str) -> str:
    """Every period's value in order, e.g. '44,1 → 38,0 → 31,2' (prints in black and white)."""
    if values is None or isinstance(values, float):
        return "–"
    return " → ".join(
        labels.indicator_value(v, unit) for v in values if v is not None and not pd.isna(v)
    )


def plan_table(rows: pd.DataFrame) -> GT:
    table = (
        GT(rows[list(COLUMNS)].reset_index(drop=True), locale="sv")
        .cols_label(**COLUMNS)
        .fmt_markdown(columns="measure_html")
        .tab_style(
            style=style.text(weight="bold"),
            locations=loc.body(
                columns="status_text",
                rows=rows.reset_index(drop=True)
                .index[rows["indicator_status"].isin(["ur_fas", "risk"]).to_list()]
                .to_list(),
            ),
        )
        .cols_align("right", columns=["values_text", "target_text"])
        .tab_options(table_width="100%", table_font_size="16px")
    )
    return table
