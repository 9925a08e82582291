"""Printable fact walls: a poster per förvaltning and a combined wall, as self-contained HTML.

Every figure comes from the published marts through dashboards.queries; nothing is computed
here but layout. Legible in black and white: challenges are bold with ▲, strengths carry ✓,
bars above the threshold are solid black, hidden figures read "dolt (< k)" and missing ones
"uppgift saknas". The charts are dashboards.charts' own, rendered to SVG offline.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from dataclasses import replace
from typing import Any

import pandas as pd

from dashboards import charts, matrix, printing, queries, widgets
from dashboards import format as fmt

# The poster is laid out on A3's printable area in CSS px (96 dpi; 1 px = 0.75 pt) and printed
# scaled up for A2/A1, so one layout serves every size and only grows. Minimums at A3:
# title 48 pt = 64 px, key figures 60 pt = 80 px, body 16 pt = 21.3 px, charts 14 pt = 18.7 px.
SHEET_W, SHEET_H = printing.sheet_px("A3")
MAX_FLAGS = 3  # per kind on a poster; the page Styrkor och utmaningar lists every one
BODY_PX = 22  # 16.5 pt: body text, and every cell of the combined wall's matrix
POSTER_CSS = f"""
body {{ font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #000;
       margin: 0; font-size: {BODY_PX}px; }}
.sheet {{ width: {SHEET_W}px; height: {SHEET_H}px; overflow: hidden; display: flex;
         flex-direction: column; justify-content: space-between; }}
.sheet > * {{ flex-shrink: 0; }}
h1 {{ font-size: 68px; line-height: 1.05; margin: 0; overflow-wrap: anywhere; }}
h2 {{ font-size: 30px; margin: 0 0 8px 0; border-bottom: 3px solid #000; }}
.meta {{ font-size: 22px; }}
.figures {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px; }}
.figure {{ border: 3px solid #000; padding: 10px 14px; }}
.figure.utmaning {{ border-width: 7px; }}
.figure .label {{ font-size: 22px; line-height: 1.15; min-height: 2.3em; }}
.figure .value {{ font-size: 84px; font-weight: bold; line-height: 1.1; white-space: nowrap; }}
.figure .value.small {{ font-size: 40px; }}
.figure .kommun {{ font-size: 24px; }}
.mark {{ font-size: 24px; font-weight: bold; }}
.row {{ display: flex; gap: 24px; align-items: flex-start; }}
.flags {{ flex: 1; }}
.flags ul {{ list-style: none; padding: 0; margin: 0 0 10px 0; }}
.flags li {{ font-size: 22px; margin: 4px 0; }}
.flags li b {{ white-space: nowrap; }}
.room {{ border: 3px dashed #000; padding: 10px 14px; font-size: 24px; }}
.room .n {{ font-size: 32px; font-weight: bold; }}
svg {{ display: block; }}
"""


def _document(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{POSTER_CSS}</style></head><body>{body}</body></html>"
    )


def _print(width: int) -> charts.Medium:
    """Print sizes for a chart whose plot is `width` px wide."""
    return replace(charts.PRINT, width=width)


def _svg(chart: Any) -> str:
    """A chart as inline SVG in print sizes; its ids prefixed so two charts never share one."""
    if chart is None:
        return ""
    svg = charts.to_svg(chart, charts.PRINT)
    prefix = f"c{next(_SVG_IDS)}-"
    return re.sub(r'(id="|url\(#|href="#)', lambda m: m.group(1) + prefix, svg)


_SVG_IDS = itertools.count()


def _meta(kommun: dict[str, Any], period: dt.date) -> str:
    log = queries.last_refresh()
    log = log[log["kommun_code"] == kommun["kommun_code"]]
    refreshed = fmt.iso_datetime(log["refreshed_at"].max()) if not log.empty else fmt.MISSING
    return (
        f'<div class="meta">{html.escape(kommun["kommun_name"])} · period {fmt.iso_date(period)}'
        f" · lagret uppdaterat {refreshed}</div>"
    )


def combined_wall(kommun: dict[str, Any], period: dt.date) -> str:
    """The whole kommun on one A3 landscape sheet: every förvaltning side by side."""
    flags = queries.strengths_challenges(kommun["kommun_code"], period)
    body = [f"<h1>Faktavägg – {html.escape(kommun['kommun_name'])}</h1>", _meta(kommun, period)]
    if flags.empty:
        body += ["<p>Inga förvaltningar publicerade för perioden.</p>"]
    else:
        body += [
            f"<style>{matrix.css(BODY_PX, printed=True)}</style>",
            matrix.matrix_html(flags, kommun, "vagg"),
            f'<p class="meta">{matrix.LEGEND}</p>',
        ]
    return _document(f"Faktavägg {kommun['kommun_name']}", "".join(body))


# --------------------------------------------------------------------------- the poster


def forvaltning_poster(kommun: dict[str, Any], period: dt.date, forv: dict[str, Any]) -> str:
    """One poster for a förvaltning on one A3 portrait sheet: the title, six key figures with
    the kommun beside them, the span chart beside the strengths and challenges, the survey
    indices against the kommun and the room survey's result when there is one."""
    code, forv_id, name = kommun["kommun_code"], forv["forvaltning_id"], forv["forvaltning_name"]
    flags = queries.strengths_challenges(code, period)
    flags = flags[flags["forvaltning_id"] == forv_id]
    team = queries.managers(code, period, forv_id)
    span = charts.span_distribution(team, int(kommun["span_threshold"]), _print(380))
    if span is not None:
        span = span.properties(height=180)
    parts = [
        f"<header><h1>{html.escape(matrix.breakable(name))}</h1>{_meta(kommun, period)}</header>",
        matrix.tiles_html(flags, kommun),
        '<div class="row"><div>',
        _svg(span) or "<p>Inga chefer i första linjen.</p>",
        '</div><div class="flags">',
        _flag_lists(flags, kommun),
        "</div></div>",
        _survey(kommun, forv_id),
    ]
    return _document(f"Faktavägg {name}", f'<div class="sheet">{"".join(parts)}</div>')


def _flag_lists(flags: pd.DataFrame, kommun: dict[str, Any]) -> str:
    """The flagged figures as short labelled items, challenges first."""
    out = []
    for kind in ("utmaning", "styrka"):
        picked = flags[flags["assessment"] == kind].to_dict("records")
        items = [
            f"<li>{widgets.ASSESSMENT_LABEL[kind][0]} {html.escape(r['metric_label'])}: "
            f"<b>{html.escape(widgets.shown_figure(r, kommun['anonymity_k']))}</b></li>"
            for r in picked[:MAX_FLAGS]
        ]
        if len(picked) > MAX_FLAGS:
            items.append(f"<li>… och {len(picked) - MAX_FLAGS} till</li>")
        out.append(
            f"<h2>{widgets.ASSESSMENT_PLURAL[kind]} ({len(picked)})</h2>"
            f"<ul>{''.join(items) or '<li>Inga enligt referenspunkterna.</li>'}</ul>"
        )
    return "".join(out)


def _survey(kommun: dict[str, Any], forv_id: str) -> str:
    """The managers' survey indices beside the kommun, and the room survey's result."""
    code = kommun["kommun_code"]
    survey_period = widgets.survey_period(code)
    if survey_period is None:
        return f"<p>{html.escape(widgets.NO_SURVEY)}</p>"
    index = queries.survey_index(code, survey_period)
    room = index[index["survey_id"] == ROOM_SURVEY]
    managers = index[index["survey_id"] != ROOM_SURVEY]
    chart = charts.survey_indices(managers, "forvaltning", forv_id, _print(540))
    parts = [_svg(chart)]
    if not room.empty:
        parts.append(_room_box(kommun, survey_period, room, forv_id))
    return "".join(parts)


ROOM_SURVEY = "rummet"


def _room_box(kommun: dict[str, Any], period: dt.date, room: pd.DataFrame, forv_id: str) -> str:
    responses = queries.survey_responses(kommun["kommun_code"], period)
    mine = responses[
        (responses["survey_id"] == ROOM_SURVEY)
        & (responses["scope_type"] == "forvaltning")
        & (responses["scope_id"] == forv_id)
    ]
    count = widgets.survey_cell(mine.iloc[0].to_dict(), "respondents", 0) if len(mine) else "0"
    cells = room[(room["scope_type"] == "forvaltning") & (room["scope_id"] == forv_id)]
    items = " · ".join(
        f"{html.escape(widgets.CONSTRUCT_LABEL.get(r['construct'], r['construct']))} "
        f"<b>{widgets.survey_cell(r, 'index_0_100', 0)}</b>"
        for r in cells.to_dict("records")
    )
    return (
        f'<div class="room"><span class="n">Enkäten i rummet – svar: {count}</span>'
        f"<br>{items or 'Inga resultat ännu.'} (index 0–100)</div>"
    )
