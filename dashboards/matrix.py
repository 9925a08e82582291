"""Styrkor och utmaningar as one matrix: key figures × förvaltningar, readable at a glance.

Each cell is the förvaltning's value with ▲ (challenge, bold, tinted) or ✓ (strength, tinted),
the reason on hover (title attribute); the kommun's value in the last column. Shared by the page
and the combined wall poster, so both read the same. Tints print as light greys; the symbols and
bold carry the meaning in black and white.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from dashboards import format as fmt
from dashboards import widgets

KEY_FIGURES = [  # the figures a poster or the workshop screen shows big (mart metrics)
    "mean_span_first_line",
    "share_first_line_above_threshold_pct",
    "chefstathet",
    "sick_leave_pct",
    "admin_support_fte_per_manager",
    "mean_tenure_months",
]
TINT = {"utmaning": "#ffd9a8", "styrka": "#d6ecd6"}
MARK = {"utmaning": "▲", "styrka": "✓"}


def css(font_px: int, scope: str = ".matris", printed: bool = False) -> str:
    """The matrix's style at `font_px`. printed: a förvaltning's name breaks only where
    breakable() allows and a figure's name wraps only below 12em (the printed wall takes a
    larger sheet rather than cut a word)."""
    label_width = "12em" if printed else "auto"
    head_wrap = "normal" if printed else "anywhere"
    return f"""
{scope} {{ border-collapse: collapse; width: 100%; font-size: {font_px}px; color: #000;
          font-family: 'DejaVu Sans', 'Source Sans Pro', Arial, sans-serif; }}
{scope} th, {scope} td {{ border-bottom: 1px solid #999; padding: 3px 6px; }}
{scope} thead th {{ vertical-align: bottom; text-align: right; font-weight: bold;
                   overflow-wrap: {head_wrap}; border-bottom: 2px solid #000; }}
{scope} thead th:first-child, {scope} tbody th {{ text-align: left; font-weight: normal;
                                                 min-width: {label_width}; }}
{scope} td {{ text-align: right; white-space: nowrap; }}
{scope} td.utmaning {{ background: {TINT["utmaning"]}; font-weight: bold; }}
{scope} td.styrka {{ background: {TINT["styrka"]}; }}
{scope} td.kommun {{ border-left: 2px solid #000; }}
"""


# Parts a förvaltning's compound name is built from: a soft hyphen before each lets the name
# break where a reader expects ("Samhälls-/byggnads-/förvaltningen"), never mid-word.
NAME_PARTS = (
    "förvaltning|kontor|nämnd|styrelse|byggnad|omsorg|utbildning|fritid|ledning|service|teknik"
)


def breakable(name: str) -> str:
    """`name` with a soft hyphen before each part of a compound (NAME_PARTS), for titles and
    column headers at large type."""
    return re.sub(rf"(?<=\w{{3}})({NAME_PARTS})", "\u00ad\\1", name)


def cell_text(r: dict[str, Any], anonymity_k: Any) -> str:
    """'▲ 30,0', '✓ 4,3 %', '29,8 %', 'dolt (< 5)' or 'uppgift saknas'."""
    value = widgets.shown_figure(r, anonymity_k)
    mark = MARK.get(r.get("assessment") or "", "")
    return f"{mark} {value}" if mark else value


def matrix_html(flags: pd.DataFrame, kommun: dict[str, Any], table_id: str = "matris") -> str:
    """The matrix as an HTML table (class "matris"); flags is mart_strengths_challenges for one
    kommun and period. A förvaltning's name breaks at breakable()'s soft hyphens."""
    if flags.empty:
        return ""
    metrics = flags.drop_duplicates("metric")  # the query orders by metric_position
    names = list(dict.fromkeys(flags.sort_values("forvaltning_name")["forvaltning_name"]))
    by_cell = {(r["forvaltning_name"], r["metric"]): r for r in flags.to_dict("records")}
    head = "".join(f"<th>{html.escape(breakable(n))}</th>" for n in names)
    rows = []
    for m in metrics.to_dict("records"):
        cells = []
        for name in names:
            r = by_cell.get((name, m["metric"]))
            if r is None:
                cells.append(f"<td>{fmt.MISSING}</td>")
                continue
            kind = r.get("assessment") or ""
            reason = "" if pd.isna(r.get("reason")) else r["reason"]
            cells.append(
                f'<td class="{kind}" title="{html.escape(reason)}">'
                f"{html.escape(cell_text(r, kommun['anonymity_k']))}</td>"
            )
        whole = widgets.shown_figure(
            {**m, "is_suppressed": False}, kommun["anonymity_k"], value_key="kommun_value"
        )
        rows.append(
            f"<tr><th>{html.escape(m['metric_label'])}</th>{''.join(cells)}"
            f'<td class="kommun">{html.escape(whole)}</td></tr>'
        )
    return (
        f'<table class="matris" id="{table_id}" lang="sv"><thead><tr><th>Nyckeltal</th>{head}'
        f"<th>Hela {html.escape(kommun['kommun_name'])}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


LEGEND = (
    "▲ utmaning (fetstil, tonad) · ✓ styrka (tonad) · dolt = färre personer än k · "
    "uppgift saknas = ingen uppgift i exporten, aldrig en styrka eller utmaning."
)


def tiles_html(flags: pd.DataFrame, kommun: dict[str, Any]) -> str:
    """The key figures as tiles (class "figures"): label, value, the kommun's value, ▲/✓ word;
    the page or poster sizes them with its own CSS."""
    by_metric = {r["metric"]: r for r in flags.to_dict("records")}
    tiles = []
    for metric in KEY_FIGURES:
        r = by_metric.get(metric)
        if r is None:
            continue
        value = widgets.shown_figure(r, kommun["anonymity_k"])
        small = " small" if len(value) > 7 else ""  # "dolt (< 5)", "uppgift saknas"
        whole = fmt.figure(r["kommun_value"], r["unit"], int(r["decimals"]))
        mark = widgets.ASSESSMENT_LABEL.get(r["assessment"] or "", "")
        tiles.append(
            f'<div class="figure {r["assessment"] or ""}">'
            f'<div class="label">{html.escape(r["metric_label"])}</div>'
            f'<div class="value{small}">{html.escape(value)}</div>'
            f'<div class="kommun">Hela {html.escape(kommun["kommun_name"])}: {whole}</div>'
            f'<div class="mark">{mark}&nbsp;</div></div>'
        )
    return f'<section class="figures">{"".join(tiles)}</section>'
