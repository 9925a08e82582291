"""Printable fact walls: an A3 poster per förvaltning and a combined wall, as self-contained HTML.

Every figure comes from the published marts through dashboards.queries; nothing is computed
here but layout. Legible in black and white: challenges are bold with ▲, strengths carry ✓,
bars above the threshold are hatched, and hidden figures read "dolt (< k)".
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd
from great_tables import GT, loc, style

from dashboards import format as fmt
from dashboards import queries, survey_tables, widgets
from dashboards.views.fact_wall import _manager_table, sick_leave_table

TOP_MANAGERS = 8
POSTER_CSS = """
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #000;
       margin: 0; }
h1 { font-size: 34px; margin: 0 0 4px 0; }
h2 { font-size: 20px; margin: 18px 0 6px 0; border-bottom: 2px solid #000; }
.meta { font-size: 14px; margin-bottom: 10px; }
.note { font-size: 12px; }
.columns { display: flex; gap: 18px; align-items: flex-start; }
.columns > div { flex: 1; }
"""


def _document(title: str, body: str) -> str:
    cls = ""
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{POSTER_CSS}</style></head><body{cls}>{body}</body></html>"
    )


def _meta(kommun: dict[str, Any], period: dt.date) -> str:
    log = queries.last_refresh()
    log = log[log["kommun_code"] == kommun["kommun_code"]]
    refreshed = fmt.iso_datetime(log["refreshed_at"].max()) if not log.empty else fmt.MISSING
    return (
        f'<div class="meta">{html.escape(kommun["kommun_name"])} · period {fmt.iso_date(period)}'
        f" · lagret uppdaterat {refreshed} · Chefskartan (Chefoskopet)</div>"
    )


# --------------------------------------------------------------------------- tables


def figures_table(flags: pd.DataFrame, kommun: dict[str, Any], forv_name: str) -> GT:
    """The förvaltning's reference-point figures beside the kommun, assessed, with the reason."""
    rows = flags.to_dict("records")
    data = pd.DataFrame(
        {
            "label": [r["metric_label"] for r in rows],
            "value": [widgets.shown_figure(r, kommun["anonymity_k"]) for r in rows],
            "kommun": [fmt.figure(r["kommun_value"], r["unit"], int(r["decimals"])) for r in rows],
            "median": [fmt.figure(r["kommun_median"], r["unit"], int(r["decimals"])) for r in rows],
            "assessment": [widgets.ASSESSMENT_LABEL.get(r["assessment"], "") for r in rows],
            "reason": ["" if pd.isna(r["reason"]) else r["reason"] for r in rows],
        }
    )
    challenge_rows = [i for i, r in enumerate(rows) if r["assessment"] == "utmaning"]
    table = (
        GT(data, locale="sv")
        .with_id("nyckeltal")
        .cols_label(
            label="Nyckeltal",
            value="Förvaltningen",
            kommun=f"Hela {kommun['kommun_name']}",
            median="Förvaltningarnas median",
            assessment="Bedömning",
            reason="Varför",
        )
        .cols_align("right", columns=["value", "kommun", "median"])
        .cols_width(cases={"reason": "34%", "label": "24%"})
        .tab_options(table_width="100%", table_font_size="13px", data_row_padding="3px")
        .tab_source_note(
            "▲ Utmaning (fetstil) / ✓ Styrka: siffran passerar en referenspunkt från forskning "
            "eller praxis, eller skiljer sig markant från medianen för kommunens förvaltningar."
        )
    )
    if challenge_rows:
        table = table.tab_style(
            style=style.text(weight="bold"), locations=loc.body(rows=challenge_rows)
        )
    return table


def wall_table(flags: pd.DataFrame, kommun: dict[str, Any]) -> GT:
    """Every förvaltning side by side: one column each, the kommun last; ▲/✓ marks the flags."""
    labels = flags.drop_duplicates("metric")[["metric", "metric_label", "unit", "decimals"]]
    data: dict[str, list[str]] = {"label": list(labels["metric_label"])}
    names = list(dict.fromkeys(flags["forvaltning_name"]))
    for name in names:
        part = flags[flags["forvaltning_name"] == name].set_index("metric")
        cells = []
        for metric in labels["metric"]:
            r = part.loc[metric].to_dict()
            mark = {"utmaning": "▲ ", "styrka": "✓ "}.get(r["assessment"], "")
            cells.append(mark + widgets.shown_figure(r, kommun["anonymity_k"]))
        data[name] = cells
    first = flags.drop_duplicates("metric")
    data["kommun"] = [
        fmt.figure(r["kommun_value"], r["unit"], int(r["decimals"]))
        for r in first.to_dict("records")
    ]
    frame = pd.DataFrame(data)
    table = (
        GT(frame, locale="sv")
        .with_id("vagg")
        .cols_label(cases={"label": "Nyckeltal", "kommun": f"Hela {kommun['kommun_name']}"})
        .cols_align("right", columns=[*names, "kommun"])
        .tab_options(table_width="100%", table_font_size="16px")
        .tab_source_note("▲ utmaning (fetstil) · ✓ styrka · dolt = färre personer än k.")
    )
    for name in names:
        bold = [i for i, cell in enumerate(frame[name]) if cell.startswith("▲")]
        if bold:
            table = table.tab_style(
                style=style.text(weight="bold"), locations=loc.body(columns=name, rows=bold)
            )
    return table


# --------------------------------------------------------------------------- chart


def span_histogram_svg(team: pd.DataFrame, threshold: int, width: int = 640) -> str:
    """Inline SVG: first-line managers per span bin of 5; bins above the threshold hatched."""
    spans = team.loc[team["is_first_line"].fillna(False).astype(bool), "employees_monthly_paid"]
    spans = spans.dropna().astype(int)
    if spans.empty:
        return '<p class="note">Inga chefer i första linjen.</p>'
    # Bins (b, b + 5], so a threshold of 30 is a bin edge: every bar is wholly within or above.
    index = ((spans - 1).clip(lower=0) // 5).astype(int)
    top = (max(int(index.max()), (threshold - 1) // 5) + 2) * 5
    bins = list(range(0, top, 5))
    counts = [int((index == i).sum()) for i in range(len(bins))]
    height, left, bottom = 260, 40, 40
    plot_w, plot_h = width - left - 10, height - bottom - 20
    bar_w = plot_w / len(bins)
    peak = max(max(counts), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12" role="img" '
        'aria-label="Fördelning av medarbetare per chef i första linjen">',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="3"/></pattern></defs>',
    ]
    for i, (b, n) in enumerate(zip(bins, counts, strict=True)):
        x = left + i * bar_w
        h = plot_h * n / peak
        y = 20 + plot_h - h
        above = b >= threshold  # the whole bin (b, b + 5] is above the threshold
        fill = "url(#hatch)" if above else "#bbb"
        if n:
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{fill}" stroke="#000"/>'
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{n}</text>'
            )
        parts.append(f'<text x="{x:.1f}" y="{20 + plot_h + 14}" text-anchor="middle">{b}</text>')
    tx = left + plot_w * threshold / top
    parts += [
        f'<line x1="{left}" y1="{20 + plot_h}" x2="{left + plot_w}" y2="{20 + plot_h}" '
        'stroke="#000"/>',
        f'<line x1="{tx:.1f}" y1="14" x2="{tx:.1f}" y2="{20 + plot_h}" stroke="#000" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{tx + 4:.1f}" y="14" font-weight="bold">Gräns {threshold}</text>',
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
        "Medarbetare per chef (månadsavlönade), grupper om 5</text>",
        "</svg>",
    ]
    return "".join(parts)


# --------------------------------------------------------------------------- documents


def forvaltning_poster(kommun: dict[str, Any], period: dt.date, forv: dict[str, Any]) -> str:
    """One A3 portrait poster for a förvaltning."""
    code, forv_id, name = kommun["kommun_code"], forv["forvaltning_id"], forv["forvaltning_name"]
    threshold = int(kommun["span_threshold"])
    flags = queries.strengths_challenges(code, period)
    flags = flags[flags["forvaltning_id"] == forv_id]
    team = queries.managers(code, period, forv_id)
    sick = queries.sick_leave(code, period, "forvaltning", forv_id)
    body = [f"<h1>{html.escape(name)}</h1>", _meta(kommun, period)]
    body += ["<h2>Nyckeltal, styrkor och utmaningar</h2>"]
    body += [figures_table(flags, kommun, name).as_raw_html()]
    body += ['<div class="columns"><div>', "<h2>Medarbetare per chef i första linjen</h2>"]
    body += [span_histogram_svg(team, threshold), "</div><div>", "<h2>Sjukfrånvaro</h2>"]
    if sick.empty:
        body += ['<p class="note">Exporten saknar sjukfrånvaro.</p>']
    else:
        sick_table = sick_leave_table(sick, kommun["anonymity_k"]).tab_options(
            table_font_size="14px", data_row_padding="4px"
        )
        body += [sick_table.as_raw_html()]
    body += ["</div></div>", "<h2>Enkätresultat</h2>"]
    survey_period = widgets.survey_period(code)
    if survey_period is None:
        body += [f"<p>{html.escape(widgets.NO_SURVEY)}</p>"]
    else:
        index = queries.survey_index(code, survey_period)
        table = survey_tables.index_table(index, forv_id, kommun["kommun_name"], font="13px")
        body += [
            f'<p class="note">Enkätperiod {fmt.iso_date(survey_period)}</p>',
            table.tab_options(data_row_padding="3px").as_raw_html(),
        ]
    if not team.empty:
        # The ten largest spans fit the sheet; the workbook lists every manager.
        top = team.head(TOP_MANAGERS)
        table = _manager_table(top, name, period, threshold).tab_options(
            table_font_size="12px", data_row_padding="3px"
        )
        body += [
            f"<h2>De {TOP_MANAGERS} chefer som har flest medarbetare</h2>",
            table.as_raw_html(),
        ]
    return _document(f"Faktavägg {name}", "".join(body))


def combined_wall(kommun: dict[str, Any], period: dt.date) -> str:
    """The whole kommun on one A3 landscape sheet: every förvaltning side by side."""
    flags = queries.strengths_challenges(kommun["kommun_code"], period)
    body = [f"<h1>Faktavägg – {html.escape(kommun['kommun_name'])}</h1>", _meta(kommun, period)]
    if flags.empty:
        body += ["<p>Inga förvaltningar publicerade för perioden.</p>"]
    else:
        body += [wall_table(flags, kommun).as_raw_html()]
    return _document(f"Faktavägg {kommun['kommun_name']}", "".join(body))
