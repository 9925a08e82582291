"""Dela värld: how managers and top management see the same questions, and the gaps."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, queries, survey_tables, widgets
from dashboards import format as fmt

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
        f"{kommun['kommun_name']} · enkätperiod {fmt.iso_date(survey_period)} · cheferna och "
        "högsta ledningen har besvarat samma frågor; varje sida visas bara med minst k svar."
    )
    st.subheader("Områden")
    charts.show(charts.dela_varld(frame))
    st.html(survey_tables.dela_varld_table(frame, "construct").as_raw_html())
    with st.expander("Varje påstående"):
        st.html(survey_tables.dela_varld_table(frame, "item").as_raw_html())
