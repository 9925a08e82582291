"""Dela värld: how managers and top management see the same questions, and the gaps."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, downloads, queries, survey_tables, widgets
from dashboards import format as fmt
from dashboards.inert import md

TITLE = "Dela värld"


def render() -> None:
    st.title(TITLE)
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    kommun, _period = chosen
    with st.sidebar:
        widgets.refresh_caption()
    survey_period = widgets.survey_period(kommun["kommun_code"])
    if survey_period is None:
        st.info(widgets.NO_SURVEY)
        return
    frame = queries.dela_varld(kommun["kommun_code"], survey_period)
    if frame.empty:
        st.info("Högsta ledningen har inte besvarat någon enkät för perioden.")
        return
    st.caption(
        f"{md(kommun['kommun_name'])} · enkätperiod {fmt.iso_date(survey_period)} · cheferna och "
        "högsta ledningen har besvarat samma frågor; varje sida visas bara med minst k svar."
    )
    st.subheader("Områden")
    charts.show_built(charts.dela_varld, frame)
    st.html(survey_tables.dela_varld_table(frame, "construct").as_raw_html())
    hidden = frame["managers_suppressed"] | frame["top_management_suppressed"]
    table = pd.DataFrame(
        {
            "Enkät": frame["survey_title"],
            "Område eller påstående": [
                widgets.CONSTRUCT_LABEL.get(m, t or m) if kind == "construct" else t
                for m, t, kind in zip(
                    frame["measure_id"], frame["measure_text"], frame["measure_type"], strict=True
                )
            ],
            "Cheferna (0–100)": frame["managers_index_0_100"].where(~frame["managers_suppressed"]),
            "Högsta ledningen (0–100)": frame["top_management_index_0_100"].where(
                ~frame["top_management_suppressed"]
            ),
            "Skillnad": frame["gap_0_100"].where(~hidden),
        }
    )
    code = downloads.excel_format("antal", 1)
    downloads.offer(
        table,
        f"dela_varld_{kommun['kommun_code']}_{survey_period}",
        dict.fromkeys(["Cheferna (0–100)", "Högsta ledningen (0–100)", "Skillnad"], code),
    )
    with st.expander("Varje påstående"):
        st.html(survey_tables.dela_varld_table(frame, "item").as_raw_html())
