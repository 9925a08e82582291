"""Workshop: one förvaltning per screen in large type, for projection; keys or a timer advance it.

The screen body re-runs every LIVE_SECONDS as a fragment, so a newly published file (the in-room
survey's fast refresh) shows up without a restart: queries follow the atomic replace.
"""

from __future__ import annotations

import html
import time
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import format as fmt
from dashboards import matrix, queries, widgets
from dashboards import state as url_state
from dashboards.inert import md

TITLE = "Workshop"
LIVE_SECONDS = 5  # the room survey's count within seconds of a publish (bench_watch.py)
FLAGS_PER_PAGE = 4  # challenges (and strengths) per screen; more are paged with "1/3"
# Sized for a 1280×720 projector beside the sidebar (about 820 px of content), larger on 1080p.
PROJECTOR_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.2rem !important; padding-bottom: 1rem; }
[data-testid="stMain"] h1 { font-size: clamp(2rem, 3.2vw, 3.4rem) !important; padding: 0 !important;
  line-height: 1.1; }
[data-testid="stMain"] h3 { font-size: clamp(1.3rem, 1.9vw, 2rem) !important; padding: 0.2rem 0; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: clamp(1.05rem, 1.45vw, 1.5rem); }
[data-testid="stMain"] button p { font-size: 1.1rem !important; white-space: nowrap; }
.figures { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.5rem; }
.figure { border: 2px solid #000; padding: 0.3rem 0.6rem; }
.figure.utmaning { border-width: 5px; }
.figure .label { font-size: clamp(0.95rem, 1.2vw, 1.3rem); line-height: 1.15; }
.figure .value { font-size: clamp(2rem, 3.2vw, 3.6rem); font-weight: 700; line-height: 1.1;
  white-space: nowrap; }
.figure .value.small { font-size: clamp(1.3rem, 1.9vw, 2rem); }
.figure .kommun, .figure .mark { font-size: clamp(0.95rem, 1.2vw, 1.3rem); display: inline; }
.figure .mark { font-weight: 700; margin-left: 0.5rem; }
.room { border: 2px dashed #000; padding: 0.3rem 0.6rem; font-size: clamp(1rem, 1.3vw, 1.4rem); }
</style>
"""


def render() -> None:
    # The room sees the whole width; the sidebar (timer, kommun) opens with the arrow at the left.
    st.set_page_config(initial_sidebar_state="collapsed")
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    kommun, period = chosen
    forv_rows = list(widgets.forvaltning_options(kommun["kommun_code"], period).values())
    if not forv_rows:
        st.info("Inga förvaltningar för vald kommun och period.")
        return
    st.html(PROJECTOR_CSS)
    state = st.session_state
    if "workshop_index" not in state:  # start at the förvaltning of the URL or last page
        ids = [f["forvaltning_id"] for f in forv_rows]
        wanted = st.query_params.get("forvaltning", url_state.remembered().get("forvaltning"))
        state["workshop_index"] = ids.index(wanted) if wanted in ids else 0
    with st.sidebar:
        auto = st.toggle("Byt förvaltning automatiskt", key="workshop_auto")
        seconds = st.number_input(
            "Sekunder per förvaltning", 10, 600, 60, step=10, key="workshop_seconds"
        )
        st.caption("Tangenter: → nästa, ← föregående.")
    prev_col, where_col, next_col = st.columns([1.3, 3, 1], vertical_alignment="center")
    if prev_col.button("← Föregående", shortcut="Left", key="workshop_prev", width="stretch"):
        _move(-1)
    if next_col.button("Nästa →", shortcut="Right", key="workshop_next", width="stretch"):
        _move(1)
    index = state["workshop_index"] % len(forv_rows)
    where_col.caption(
        f"{md(kommun['kommun_name'])} · {fmt.iso_date(period)} · förvaltning {index + 1} av "
        f"{len(forv_rows)}"
    )
    url_state.set_param("forvaltning", forv_rows[index]["forvaltning_id"])
    if auto:
        _advance_timer(int(seconds))
    _screen(kommun, period, forv_rows[index])


def _move(step: int) -> None:
    state = st.session_state
    state["workshop_index"] += step
    state["workshop_shown_at"] = time.monotonic()
    state["workshop_flag_page"] = 0


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
    """One förvaltning on one screen: key figures beside the kommun, challenges and strengths
    (paged when there are more than fit), the room survey."""
    code, forv_id = kommun["kommun_code"], forv["forvaltning_id"]
    st.title(md(forv["forvaltning_name"]))
    flags = queries.strengths_challenges(code, period)
    flags = flags[flags["forvaltning_id"] == forv_id]
    st.html(matrix.tiles_html(flags, kommun))
    pages = _flag_pages(flags)
    state = st.session_state
    shown = state.get("workshop_flag_page", 0) % pages
    left, right = st.columns(2, gap="medium")
    for col, kind in ((left, "utmaning"), (right, "styrka")):
        rows = flags[flags["assessment"] == kind].to_dict("records")
        picked = rows[shown * FLAGS_PER_PAGE : (shown + 1) * FLAGS_PER_PAGE]
        with col:
            st.markdown(f"### {widgets.ASSESSMENT_PLURAL[kind]} ({len(rows)})")
            items = [
                f"- {r['metric_label']}: **{widgets.shown_figure(r, kommun['anonymity_k'])}**"
                for r in picked
            ]
            st.markdown("\n".join(items) or "–")
    if pages > 1:
        right.button(  # beside the list, not below it: the screen's height is the limit
            f"Fler styrkor och utmaningar ({shown + 1}/{pages})",
            key="workshop_more",
            on_click=lambda: state.update(workshop_flag_page=shown + 1),
        )
    room_survey(kommun, forv_id)


def _flag_pages(flags: pd.DataFrame) -> int:
    most = max((flags["assessment"] == kind).sum() for kind in ("utmaning", "styrka"))
    return max(1, -(-int(most) // FLAGS_PER_PAGE))


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
    index = queries.survey_index(kommun["kommun_code"], survey_period)
    index = index[
        (index["survey_id"] == ROOM_SURVEY)
        & (index["scope_type"] == "forvaltning")
        & (index["scope_id"] == forv_id)
    ]
    mine_n = widgets.survey_cell(mine.iloc[0].to_dict(), "respondents", 0) if len(mine) else "0"
    whole_n = widgets.survey_cell(whole.iloc[0].to_dict(), "respondents", 0) if len(whole) else "0"
    items = " · ".join(
        f"{html.escape(widgets.CONSTRUCT_LABEL.get(r['construct'], r['construct']))} "
        f"<b>{widgets.survey_cell(r, 'index_0_100', 0)}</b>"
        for r in index.to_dict("records")
    )
    updated = fmt.iso_datetime(queries.last_refresh()["refreshed_at"].max())
    held = bool(pd.concat([mine, whole])["is_held_back"].any())
    steps = f" · nya svar visas i steg om minst {kommun['anonymity_k']}" if held else ""
    st.html(
        f'<div class="room"><b>Enkäten i rummet:</b> {mine_n} svar från förvaltningen, '
        f"{whole_n} i hela kommunen · uppdaterat {updated}{steps}<br>"
        f"{items or 'Inga index ännu.'} <small>(index 0–100, högre = bättre)</small></div>"
    )
