"""Styrkor och utmaningar: per förvaltning, the figures mart_strengths_challenges flags, and why."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import downloads, matrix, queries, widgets
from dashboards import format as fmt
from dashboards.inert import md

TITLE = "Styrkor och utmaningar"


def render() -> None:
    # Projected to the room: the matrix gets the whole width (the sidebar opens with the arrow).
    st.set_page_config(initial_sidebar_state="collapsed")
    st.title(TITLE)
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    kommun, period = chosen
    with st.sidebar:
        widgets.refresh_caption()
    flags = queries.strengths_challenges(kommun["kommun_code"], period)
    st.caption(
        f"{md(kommun['kommun_name'])} · period {fmt.iso_date(period)} · en siffra är en utmaning "
        "eller styrka när den passerar en referenspunkt från forskning eller praxis, annars när "
        "den skiljer sig markant från medianen för kommunens förvaltningar."
    )
    if flags.empty:
        st.info("Inga styrkor och utmaningar publicerade för vald kommun och period.")
        return
    st.html(f"<style>{matrix.css(15)}</style>{matrix.matrix_html(flags, kommun)}")
    st.caption(matrix.LEGEND + " Håll muspekaren över en markerad cell för skälet.")
    frame, formats = flags_frame(flags, kommun)
    downloads.offer(frame, f"styrkor_utmaningar_{kommun['kommun_code']}_{period}", formats)
    st.markdown("#### Varför – per förvaltning")
    for forv_name, group in flags.groupby("forvaltning_name", sort=True):
        render_forvaltning(str(forv_name), group, kommun)


def flags_frame(flags: pd.DataFrame, kommun: dict[str, Any]) -> tuple[pd.DataFrame, dict]:
    """The matrix as a download: numbers as numbers, ▲/✓ in a column of its own."""
    value = flags["value"].where(~flags["is_suppressed"].astype(bool))
    frame = pd.DataFrame(
        {
            "Förvaltning": flags["forvaltning_name"],
            "Nyckeltal": flags["metric_label"],
            "Värde": value,
            "Dolt (< k)": ["ja" if s else "" for s in flags["is_suppressed"]],
            "▲/✓": [matrix.MARK.get(a or "", "") for a in flags["assessment"]],
            f"Hela {kommun['kommun_name']}": flags["kommun_value"],
            "Förvaltningarnas median": flags["kommun_median"],
            "Referenspunkt": flags["reference_value"],
            "Varför": flags["reason"].fillna(""),
        }
    )
    codes = [
        downloads.excel_format(u, d) for u, d in zip(flags["unit"], flags["decimals"], strict=True)
    ]
    numeric = ["Värde", f"Hela {kommun['kommun_name']}", "Förvaltningarnas median", "Referenspunkt"]
    return frame, dict.fromkeys(numeric, codes)


def render_forvaltning(forv_name: str, group: pd.DataFrame, kommun: dict[str, Any]) -> None:
    """The detail row: each flagged figure of the förvaltning in one sentence, with why."""
    rows = group.to_dict("records")
    challenges = [r for r in rows if r["assessment"] == "utmaning"]
    strengths = [r for r in rows if r["assessment"] == "styrka"]
    label = f"{md(forv_name)}: ▲ {len(challenges)} utmaningar · ✓ {len(strengths)} styrkor"
    with st.expander(label):
        left, right = st.columns(2, gap="large")
        with left:
            st.markdown(f"**{widgets.ASSESSMENT_PLURAL['utmaning']}** ({len(challenges)})")
            for r in challenges:
                st.markdown(flag_text(r, kommun))
            if not challenges:
                st.caption("Inga utmaningar enligt referenspunkterna.")
        with right:
            st.markdown(f"**{widgets.ASSESSMENT_PLURAL['styrka']}** ({len(strengths)})")
            for r in strengths:
                st.markdown(flag_text(r, kommun))
            if not strengths:
                st.caption("Inga styrkor enligt referenspunkterna.")


def flag_text(r: dict[str, Any], kommun: dict[str, Any]) -> str:
    """'- **Label: 32,8** (kommunen 28,8; median 26,9; referenspunkt 30). Reason.'"""
    unit, decimals = r["unit"], int(r["decimals"])
    value = widgets.shown_figure(r, kommun["anonymity_k"])
    context = [
        f"hela kommunen {fmt.figure(r['kommun_value'], unit, decimals)}",
        f"förvaltningarnas median {fmt.figure(r['kommun_median'], unit, decimals)}",
    ]
    if r["basis"] == "referenspunkt" and not pd.isna(r["reference_value"]):
        context.append(f"referenspunkt {fmt.figure(r['reference_value'], unit, decimals)}")
    return f"- **{r['metric_label']}: {value}** ({'; '.join(context)}). {r['reason']}"
