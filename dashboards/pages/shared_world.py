"""Dela värld: how managers and top management see the same questions, and the gaps."""

from __future__ import annotations

import streamlit as st

from dashboards import widgets

TITLE = "Dela värld"


def render() -> None:
    st.title(TITLE)
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    with st.sidebar:
        widgets.refresh_caption()
    if not widgets.surveys_published():
        st.info(widgets.NO_SURVEY)
        return
