"""Workshop: one förvaltning per screen in large type, for projection; keys or a timer advance it.

The screen body re-runs every LIVE_SECONDS as a fragment, so a newly published file (the in-room
survey's fast refresh) shows up without a restart: queries follow the atomic replace.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from dashboards import format as fmt
from dashboards import queries, widgets

TITLE = "Workshop"
LIVE_SECONDS = 5  # the room survey's count within seconds of a publish (bench_watch.py)
KEY_FIGURES = [  # (mart_span_rollup column, label, unit, decimals)
    ("managers", "Chefer", "antal", 0),
    ("mean_span_first_line", "Medarbetare per chef (första linjen, medel)", "antal", 1),
    ("share_first_line_above_threshold_pct", "Andel chefer över gränsen", "pct", 1),
    ("chefstathet", "Chefstäthet", "antal", 1),
    ("admin_support_fte_per_manager", "Administrativt stöd per chef (årsarbetare)", "fte", 2),
    ("sick_leave_pct", "Sjukfrånvaro", "pct", 1),
]
LARGE_TYPE = """
<style>
[data-testid="stMain"] h1 { font-size: 4rem !important; }
[data-testid="stMain"] h3 { font-size: 2.2rem !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.6rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * { font-size: 3.4rem !important; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.4rem !important; }
</style>
"""


def render() -> None:
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    kommun, period = chosen
    forv_rows = list(widgets.forvaltning_options(kommun["kommun_code"], period).values())
    if not forv_rows:
        st.info("Inga förvaltningar för vald kommun och period.")
        return
    st.html(LARGE_TYPE)
    state = st.session_state
    state.setdefault("workshop_index", 0)
    with st.sidebar:
        auto = st.toggle("Byt förvaltning automatiskt", key="workshop_auto")
        seconds = st.number_input(
            "Sekunder per förvaltning", 10, 600, 60, step=10, key="workshop_seconds"
        )
        st.caption("Tangenter: → nästa, ← föregående.")
    prev_col, where_col, next_col = st.columns([1, 4, 1])
    if prev_col.button("← Föregående", shortcut="Left", key="workshop_prev", width="stretch"):
        state["workshop_index"] -= 1
        state["workshop_shown_at"] = time.monotonic()
    if next_col.button("Nästa →", shortcut="Right", key="workshop_next", width="stretch"):
        state["workshop_index"] += 1
        state["workshop_shown_at"] = time.monotonic()
    index = state["workshop_index"] % len(forv_rows)
    where_col.caption(
        f"{kommun['kommun_name']} · {fmt.iso_date(period)} · förvaltning {index + 1} av "
        f"{len(forv_rows)}"
    )
    if auto:
        _advance_timer(int(seconds))
    _screen(kommun, period, forv_rows[index])


@st.fragment(run_every=5)
def _advance_timer(seconds: int) -> None:
    """Checks every 5 s whether the förvaltning has been shown long enough, then advances."""
    state = st.session_state
    shown_at = state.setdefault("workshop_shown_at", time.monotonic())
    if time.monotonic() - shown_at >= seconds:
        state["workshop_index"] += 1
        state["workshop_shown_at"] = time.monotonic()
        st.rerun(scope="app")


@st.fragment(run_every=LIVE_SECONDS)
def _screen(kommun: dict[str, Any], period: Any, forv: dict[str, Any]) -> None:
    code, forv_id = kommun["kommun_code"], forv["forvaltning_id"]
    st.title(forv["forvaltning_name"])
    row = queries.rollup(code, period, "forvaltning", forv_id) or {}
    flags = queries.strengths_challenges(code, period)
    flags = flags[flags["forvaltning_id"] == forv_id]
    hidden = flags[flags["is_suppressed"]]["metric"].tolist()
    cols = st.columns(3)
    for i, (column, label, unit, decimals) in enumerate(KEY_FIGURES):
        value = (
            fmt.suppressed(kommun["anonymity_k"])
            if column in hidden
            else fmt.figure(row.get(column), unit, decimals)
        )
        cols[i % 3].metric(label, value)
    left, right = st.columns(2, gap="large")
    for col, kind in ((left, "utmaning"), (right, "styrka")):
        picked = flags[flags["assessment"] == kind].head(4).to_dict("records")
        with col:
            st.markdown(f"### {widgets.ASSESSMENT_PLURAL[kind]}")
            for r in picked:
                st.markdown(
                    f"- **{r['metric_label']}: {widgets.shown_figure(r, kommun['anonymity_k'])}**"
                )
            if not picked:
                st.markdown("–")
    st.markdown("### Enkäten i rummet")
    room_survey(kommun, forv_id)


ROOM_SURVEY = "rummet"  # survey_id of the in-room survey (schemas/questionnaires/rummet.yaml)


def room_survey(kommun: dict[str, Any], forv_id: str) -> None:
    """Response count and indices of the in-room survey; re-read on every live refresh."""
    survey_period = widgets.survey_period(kommun["kommun_code"])
    if survey_period is None:
        st.info(widgets.NO_SURVEY)
        return
    responses = queries.survey_responses(kommun["kommun_code"], survey_period)
    responses = responses[responses["survey_id"] == ROOM_SURVEY]
    if responses.empty:
        st.info("Enkäten i rummet har inga svar publicerade ännu.")
        return
    mine = responses[
        (responses["scope_type"] == "forvaltning") & (responses["scope_id"] == forv_id)
    ]
    whole = responses[responses["scope_type"] == "kommun"]
    count_cols = st.columns(3)
    count_cols[0].metric(
        "Svar från förvaltningen",
        widgets.survey_cell(mine.iloc[0].to_dict(), "respondents", 0) if not mine.empty else "0",
    )
    count_cols[1].metric(
        "Svar i hela kommunen",
        widgets.survey_cell(whole.iloc[0].to_dict(), "respondents", 0) if not whole.empty else "0",
    )
    count_cols[2].metric(
        "Uppdaterat", fmt.iso_datetime(queries.last_refresh()["refreshed_at"].max())
    )
    index = queries.survey_index(kommun["kommun_code"], survey_period)
    index = index[
        (index["survey_id"] == ROOM_SURVEY)
        & (index["scope_type"] == "forvaltning")
        & (index["scope_id"] == forv_id)
    ]
    cols = st.columns(max(len(index), 1))
    for col, r in zip(cols, index.to_dict("records"), strict=False):
        col.metric(
            widgets.CONSTRUCT_LABEL.get(r["construct"], r["construct"]),
            widgets.survey_cell(r, "index_0_100"),
            help="Index 0–100, högre = bättre.",
        )
