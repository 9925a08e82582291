"""Every chart of the fact wall, defined once in Altair: shown by the pages, rendered offline for posters.

A chart function takes mart rows and returns an Altair chart; `configure(chart, PRINT)` sets the
fonts for a poster and `to_svg` renders it with vl-convert (no browser, no network). Swedish number
formats come from the Vega locale in the chart's own config (decimal comma, no-break space for
thousands), so the browser and vl-convert format axes alike. Readable in black and white: groups
differ by fill (solid/hollow), shape and dash, never by colour alone.
Encodings are channel objects (alt.X("start:Q"), alt.Text(...), alt.YValue(0)), never bare
strings or dicts: Altair 6 turns each of those into a channel with from_dict, which rebuilds its
table of every schema class each time (~8 ms a call, half of a chart's build).
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import format as fmt
from dashboards.widgets import CONSTRUCT_LABEL, TIME_LABEL

# d3-format locale: what fmt.number writes, so an axis reads like the tables beside it.
SWEDISH_NUMBERS = {
    "decimal": ",",
    "thousands": fmt.NBSP,
    "grouping": [3],
    "currency": ["", f"{fmt.NBSP}kr"],
    "percent": f"{fmt.NBSP}%",
    "minus": fmt.MINUS,
}
SWEDISH_TIME = {
    "dateTime": "%A den %d %B %Y %X",
    "date": "%Y-%m-%d",
    "time": "%H:%M:%S",
    "periods": ["fm", "em"],
    "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
    "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
    "months": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],  # fmt: skip
    "shortMonths": [
        "jan",
        "feb",
        "mar",
        "apr",
        "maj",
        "jun",
        "jul",
        "aug",
        "sep",
        "okt",
        "nov",
        "dec",
    ],  # fmt: skip
}
FONT = "DejaVu Sans"
INK, MID, LIGHT = "#000000", "#6b6b6b", "#d4d4d4"
# Greys far enough apart to tell the time-use categories apart on a black-and-white print.
GREYS = ["#1a1a1a", "#7a7a7a", "#bdbdbd", "#f0f0f0"]


@dataclass(frozen=True)
class Medium:
    """Font sizes (px) for a medium: 14 pt on a printed poster is 18.7 px at 96 dpi."""

    label: int
    title: int
    width: int


SCREEN = Medium(label=14, title=16, width=640)
PRINT = Medium(label=20, title=22, width=980)


def configure(chart: alt.TopLevelMixin, medium: Medium = SCREEN) -> alt.TopLevelMixin:
    """Swedish locale, one font and the medium's sizes, on any chart."""
    return (
        chart.configure(
            locale={"number": SWEDISH_NUMBERS, "time": SWEDISH_TIME},
            font=FONT,
            background="white",
        )
        .configure_axis(
            labelFontSize=medium.label,
            titleFontSize=medium.label,
            labelColor=INK,
            titleColor=INK,
            labelLimit=0,  # never truncate a label with an ellipsis
        )
        .configure_legend(
            labelFontSize=medium.label,
            titleFontSize=medium.label,
            labelLimit=0,
            titleLimit=0,
            orient="bottom",
        )
        .configure_title(fontSize=medium.title, anchor="start", color=INK, limit=0)
        .configure_text(fontSize=medium.label)
        .configure_view(stroke=None)
    )


def to_svg(chart: alt.TopLevelMixin, medium: Medium = PRINT) -> str:
    """The chart as an SVG string (vl-convert, offline), configured for the medium."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(configure(chart, medium).to_dict())


def to_png(chart: alt.TopLevelMixin, medium: Medium = PRINT, scale: float = 2) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(configure(chart, medium).to_dict(), scale=scale)


def show(chart: alt.TopLevelMixin | None, empty: str | None = None) -> None:
    """A chart on a page, in the same look as on the posters (not Streamlit's colour theme)."""
    if chart is None:
        if empty:
            st.caption(empty)
        return
    st.altair_chart(configure(chart, SCREEN), theme=None)


def show_built(
    build: Callable[..., alt.TopLevelMixin | None], *args: Any, empty: str | None = None
) -> None:
    """Like show, with the spec built once per chart and data and reused on every rerun.

    Building and validating an Altair chart costs ~0.2–0.8 s; the cache is keyed on the chart
    function's name and its arguments (the rows already read under the session's grant, so
    a cached spec is only ever served for the very data it was built from).
    """
    spec = built_spec(build, *args)
    if spec is None:
        if empty:
            st.caption(empty)
        return
    st.vega_lite_chart(spec, theme=None)


def built_spec(build: Callable[..., alt.TopLevelMixin | None], *args: Any) -> dict[str, Any] | None:
    """The chart's screen spec from the cache, built on a miss (warm.py fills it ahead)."""
    return _screen_spec(build.__name__, *args)


@st.cache_data(show_spinner=False, max_entries=512)
def _screen_spec(name: str, *args: Any) -> dict[str, Any] | None:
    chart = globals()[name](*args)
    return None if chart is None else screen_spec(chart)


def screen_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of `configure(chart, SCREEN)`, without configuring each chart anew:
    the config is the same for every chart, and building it took a third of a chart's spec."""
    spec = chart.to_dict(validate=False)
    spec["config"] = copy.deepcopy(_config(SCREEN))
    # Validating against the Vega-Lite schema on every cache miss cost a fifth of a cold fact
    # wall at national scale; the test suite sets CHEFSKARTAN_VALIDATE_CHARTS, so every page
    # test still validates each chart it draws.
    if os.environ.get("CHEFSKARTAN_VALIDATE_CHARTS") == "1":
        type(chart).validate(spec)
    return spec


@functools.cache
def _config(medium: Medium) -> dict[str, Any]:
    """The top-level config `configure` gives every chart on the medium (theme defaults merged)."""
    return configure(alt.Chart(), medium).to_dict(validate=False)["config"]


def _width(medium: Medium) -> int:
    return medium.width


# --------------------------------------------------------------------------- span distribution


def span_distribution(
    team: pd.DataFrame, threshold: int, medium: Medium = SCREEN
) -> alt.LayerChart | None:
    """First-line managers per span bin of 5; bins above the threshold solid black, the others
    hollow, and a dashed rule at the threshold. None when the förvaltning has no first line."""
    first = team.loc[
        team["is_first_line"].fillna(False).astype(bool), ["employees_monthly_paid"]
    ].dropna()
    if first.empty:
        return None
    spans = first["employees_monthly_paid"].astype(int)
    # Bins (b, b + 5], so a threshold of 30 is a bin edge: every bar is wholly within or above.
    start = ((spans - 1).clip(lower=0) // 5) * 5
    bins = start.value_counts().sort_index()
    above, within = f"Fler än {threshold}", f"Högst {threshold}"
    data = pd.DataFrame(
        {
            "start": bins.index.astype(int),
            "end": bins.index.astype(int) + 5,
            "chefer": bins.values.astype(int),
        }
    )
    data["grupp"] = [above if s >= threshold else within for s in data["start"]]
    top = max(int(data["end"].max()), threshold + 5)
    x_scale = alt.Scale(domain=[0, top], nice=False)
    bars = (
        alt.Chart(data)
        .mark_bar(stroke=INK, strokeWidth=1.5)
        .encode(
            x=alt.X(
                "start:Q",
                scale=x_scale,
                title="Medarbetare per chef (månadsavlönade)",
                axis=alt.Axis(values=list(range(0, top + 1, 5)), format="d"),
            ),
            x2=alt.X2("end:Q"),
            y=alt.Y(
                "chefer:Q",
                title=None,  # in the chart's title: rotated text is hard to read on a wall
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y2=alt.Y2Datum(0),
            fill=alt.Fill(
                "grupp:N",
                title="Medarbetare per chef",
                scale=alt.Scale(domain=[within, above], range=["white", INK]),
            ),
            tooltip=[
                alt.Tooltip("start:Q", title="Fler än"),
                alt.Tooltip("end:Q", title="Högst"),
                alt.Tooltip("chefer:Q", title="Chefer"),
            ],
        )
    )
    counts = (
        alt.Chart(data)
        .mark_text(dy=-8, color=INK)
        .encode(x=alt.X("mid:Q", scale=x_scale), y=alt.Y("chefer:Q"), text=alt.Text("chefer:Q"))
        .transform_calculate(mid="(datum.start + datum.end) / 2")
    )
    rule_data = pd.DataFrame({"gräns": [threshold], "etikett": [f"Gräns {threshold}"]})
    rule = (
        alt.Chart(rule_data)
        .mark_rule(color=INK, strokeDash=[8, 5], size=3)
        .encode(x=alt.X("gräns:Q"))
    )
    label = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=6, dy=4, baseline="top", fontWeight="bold", color=INK)
        .encode(x=alt.X("gräns:Q"), y=alt.YValue(0), text=alt.Text("etikett:N"))
    )
    return (bars + counts + rule + label).properties(
        title="Antal chefer i första linjen efter antal medarbetare",
        width=_width(medium),
        height=260,
    )


# --------------------------------------------------------------------------- key figures


def key_figures(flags: pd.DataFrame, medium: Medium = SCREEN) -> alt.VConcatChart | None:
    """Per figure: the förvaltning (filled circle) beside the kommun (hollow square) and the
    reference point (dashed rule) on the figure's own scale. Hidden or missing figures are left
    out (they are named "dolt"/"uppgift saknas" beside the chart, never drawn as 0)."""
    rows = [
        r for r in flags.to_dict("records") if not r["is_suppressed"] and not pd.isna(r["value"])
    ]
    if not rows:
        return None
    charts = []
    for r in rows:
        unit, decimals = r["unit"], int(r["decimals"])
        points = [("Förvaltningen", r["value"]), ("Hela kommunen", r["kommun_value"])]
        data = pd.DataFrame(
            [
                {"vem": who, "värde": v, "text": fmt.figure(v, unit, decimals)}
                for who, v in points
                if not pd.isna(v)
            ]
        )
        ref = r.get("reference_value")
        top = max([*data["värde"], 0 if pd.isna(ref) else ref]) * 1.15 or 1
        x = alt.X(
            "värde:Q",
            scale=alt.Scale(domain=[0, top], nice=False),
            title=None,
            axis=alt.Axis(format=",.0f" if top > 3 else ",.1f", tickCount=5),
        )
        shape = alt.Shape(
            "vem:N",
            title=None,
            scale=alt.Scale(domain=["Förvaltningen", "Hela kommunen"], range=["circle", "square"]),
        )
        dots = (
            alt.Chart(data)
            .mark_point(size=260, strokeWidth=3, color=INK, opacity=1)
            .encode(
                x=x,
                y=alt.Y("vem:N", title=None, sort=["Förvaltningen", "Hela kommunen"]),
                shape=shape,
                fill=alt.Fill(
                    "vem:N",
                    scale=alt.Scale(
                        domain=["Förvaltningen", "Hela kommunen"], range=[INK, "white"]
                    ),
                    legend=None,
                ),
                tooltip=[alt.Tooltip("vem:N", title=""), alt.Tooltip("text:N", title="Värde")],
            )
        )
        values = dots.mark_text(align="left", dx=14, color=INK).encode(text=alt.Text("text:N"))
        layer = dots + values
        if not pd.isna(ref):
            ref_data = pd.DataFrame(
                {"värde": [ref], "text": [f"Referens {fmt.figure(ref, unit, decimals)}"]}
            )
            layer += (
                alt.Chart(ref_data)
                .mark_rule(strokeDash=[8, 5], size=2, color=INK)
                .encode(x=alt.X("värde:Q", scale=alt.Scale(domain=[0, top], nice=False)))
            )
        mark = {"utmaning": "▲ ", "styrka": "✓ "}.get(r["assessment"] or "", "")
        charts.append(
            layer.properties(title=f"{mark}{r['metric_label']}", width=_width(medium), height=70)
        )
    return alt.vconcat(
        *charts,
        spacing=18,
        title="● förvaltningen · □ hela kommunen · streckad linje = referenspunkt",
    ).resolve_scale(x="independent", shape="shared")


# --------------------------------------------------------------------------- survey


def survey_indices(
    index: pd.DataFrame,
    scope_type: str,
    scope_id: str,
    medium: Medium = SCREEN,
    survey_id: str | None = None,
) -> alt.LayerChart | None:
    """Index 0–100 per area: the scope's bar (hollow, value written) and the kommun's (black
    tick). A hidden group reads "dolt (< k)" in place of a bar."""
    part = index if survey_id is None else index[index["survey_id"] == survey_id]
    whole = part[part["scope_type"] == "kommun"]
    mine = part[(part["scope_type"] == scope_type) & (part["scope_id"] == scope_id)]
    if whole.empty:
        return None
    mine = mine.set_index(["survey_id", "construct"])
    rows = []
    for r in whole.to_dict("records"):
        key = (r["survey_id"], r["construct"])
        m = mine.loc[key].to_dict() if key in mine.index else None
        hidden = bool(m and m["is_suppressed"])
        value = None if (m is None or hidden) else m["index_0_100"]
        rows.append(
            {
                "område": CONSTRUCT_LABEL.get(r["construct"], r["construct"]),
                "urval": value,
                "kommun": None if r["is_suppressed"] else r["index_0_100"],
                "text": fmt.suppressed(r["anonymity_k"])
                if hidden
                else fmt.number(value, 0)
                if value is not None
                else fmt.MISSING,
            }
        )
    data = pd.DataFrame(rows)
    order = list(data["område"])
    x = alt.X("urval:Q", scale=alt.Scale(domain=[0, 100]), title="Index 0–100 (högre = bättre)")
    y = alt.Y("område:N", sort=order, title=None)
    base = alt.Chart(data)
    bars = base.mark_bar(fill=LIGHT, stroke=INK, strokeWidth=1.5, height={"band": 0.6}).encode(
        x=x, y=y, tooltip=[alt.Tooltip("område:N", title="Område"), alt.Tooltip("text:N")]
    )
    texts = (
        base.mark_text(align="left", dx=8, color=INK, fontWeight="bold")
        .encode(x=alt.X("pos:Q", scale=alt.Scale(domain=[0, 100])), y=y, text=alt.Text("text:N"))
        .transform_calculate(pos="max(datum.urval || 0, datum.kommun || 0)")
    )
    ticks = base.mark_tick(color=INK, thickness=4, size=34, opacity=1).encode(
        x=alt.X("kommun:Q", scale=alt.Scale(domain=[0, 100])), y=y
    )
    return (bars + texts + ticks).properties(
        title="Enkätindex: staplar = urvalet, svart streck = hela kommunen",
        width=_width(medium),
        height=max(len(data), 1) * 34,
    )


def dela_varld(frame: pd.DataFrame, medium: Medium = SCREEN) -> alt.LayerChart | None:
    """Managers (filled circle) and top management (hollow square) per area, joined by a line:
    the gap between how the two levels see the same questions, its size written at the end."""
    part = frame[frame["measure_type"] == "construct"]
    rows = []
    for r in part.to_dict("records"):
        area = CONSTRUCT_LABEL.get(r["measure_id"], r["measure_text"] or r["measure_id"])
        gap = r["gap_0_100"]
        gap_text = fmt.MISSING if pd.isna(gap) else ("+" if gap > 0 else "") + fmt.number(gap, 1)
        for who, prefix in (("Cheferna", "managers"), ("Högsta ledningen", "top_management")):
            if not r[f"{prefix}_suppressed"] and not pd.isna(r[f"{prefix}_index_0_100"]):
                rows.append(
                    {
                        "område": area,
                        "vem": who,
                        "index": r[f"{prefix}_index_0_100"],
                        "skillnad": gap_text,
                    }  # fmt: skip
                )
    if not rows:
        return None
    data = pd.DataFrame(rows)
    x = alt.X("index:Q", scale=alt.Scale(domain=[0, 100]), title="Index 0–100 (högre = bättre)")
    y = alt.Y("område:N", title=None, sort=list(dict.fromkeys(data["område"])))
    who = ["Cheferna", "Högsta ledningen"]
    line = (
        alt.Chart(data)
        .mark_line(color=INK, strokeWidth=3)
        .encode(x=x, y=y, detail=alt.Detail("område:N"))
    )
    dots = (
        alt.Chart(data)
        .mark_point(size=320, strokeWidth=3, color=INK, opacity=1)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "vem:N", title=None, scale=alt.Scale(domain=who, range=["circle", "square"])
            ),
            fill=alt.Fill("vem:N", scale=alt.Scale(domain=who, range=[INK, "white"]), legend=None),
            tooltip=[
                alt.Tooltip("område:N"),
                alt.Tooltip("vem:N"),
                alt.Tooltip("index:Q", format=",.1f"),
            ],
        )
    )
    gap = (
        alt.Chart(data)
        .transform_aggregate(right="max(index)", groupby=["område", "skillnad"])
        .transform_calculate(label="'skillnad ' + datum.skillnad")
        .mark_text(align="left", dx=16, color=INK, fontWeight="bold")
        .encode(x=alt.X("right:Q", scale=alt.Scale(domain=[0, 100])), y=y, text=alt.Text("label:N"))
    )
    return (line + dots + gap).properties(
        # The marks' key in the title: a legend merged from shape and fill would not show.
        title="Cheferna (●) och högsta ledningen (□), per område",
        width=_width(medium),
        height=data["område"].nunique() * 50,
    )


def time_use(
    frame: pd.DataFrame, forv_id: str, kommun_name: str, medium: Medium = SCREEN
) -> alt.LayerChart | None:
    """Logged time per category as stacked bars, the förvaltning above the kommun; each segment
    a distinct grey with its share written in it."""
    logged = frame[(frame["category_kind"] == "logged_share") & ~frame["is_suppressed"]]
    mine = logged[(logged["scope_type"] == "forvaltning") & (logged["scope_id"] == forv_id)]
    whole = logged[logged["scope_type"] == "kommun"]
    if whole.empty:
        return None
    names = ["Förvaltningen", f"Hela {kommun_name}"]
    data = pd.concat([mine.assign(vem=names[0]), whole.assign(vem=names[1])])
    data = data.assign(
        kategori=data["category"].map(lambda c: TIME_LABEL.get(c, c)),
        andel=data["mean_share_pct"],
        text=data["mean_share_pct"].map(lambda v: fmt.percent(v, 0)),
    )[["vem", "kategori", "andel", "text"]]
    cats = list(dict.fromkeys(data["kategori"]))
    colour = alt.Color(
        "kategori:N",
        title=None,
        scale=alt.Scale(domain=cats, range=(GREYS * 3)[: len(cats)]),
        legend=alt.Legend(columns=2),
    )
    x = alt.X(
        "andel:Q", stack="zero", title="Andel av loggad tid (%)", scale=alt.Scale(domain=[0, 100])
    )
    y = alt.Y("vem:N", title=None, sort=names)
    order = alt.Order("ord:Q")
    base = alt.Chart(data).transform_calculate(ord=f"indexof({cats!r}, datum.kategori)")
    bars = base.mark_bar(stroke=INK, strokeWidth=1).encode(
        x=x,
        y=y,
        color=colour,
        order=order,
        tooltip=[alt.Tooltip("vem:N"), alt.Tooltip("kategori:N"), alt.Tooltip("text:N")],
    )
    labels = base.mark_text(dx=-6, align="right", fontWeight="bold").encode(
        x=x,
        y=y,
        order=order,
        text=alt.Text("text:N"),
        detail=alt.Detail("kategori:N"),
        color=alt.ColorValue(
            INK, condition={"test": f"indexof({cats[:1]!r}, datum.kategori) >= 0", "value": "white"}
        ),
    )
    return (bars + labels).properties(
        title="Tidsdagbok: andel av tiden per område", width=_width(medium), height=120
    )


# --------------------------------------------------------------------------- indicator trends


def indicator_trend(
    periods: list[Any], values: list[Any], target: Any, label: str, unit: str,
    medium: Medium = SCREEN,
) -> alt.LayerChart | None:  # fmt: skip
    """An indicator's value per period (line with markers) and its target (dashed rule)."""
    data = pd.DataFrame(
        {"period": [fmt.iso_date(pd.Timestamp(p)) for p in periods], "värde": values}
    ).dropna()
    if data.empty:
        return None
    pct = unit == "%"
    # No rotated axis title: the caller titles the chart with the indicator's name.
    suffix = " + '\u00a0%'" if pct else ""
    y = alt.Y(
        "värde:Q", title=None, axis=alt.Axis(labelExpr=f"format(datum.value, ',.1~f'){suffix}")
    )
    x = alt.X("period:O", title="Period", sort=list(data["period"]), axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("period:O"), alt.Tooltip("värde:Q")]
    line = alt.Chart(data).mark_line(color=INK, strokeWidth=3, point=alt.OverlayMarkDef(
        filled=True, size=120, color=INK)).encode(x=x, y=y, tooltip=tooltip)  # fmt: skip
    layers = line
    if target is not None and not pd.isna(target):
        goal = pd.DataFrame({"mål": [target], "text": [f"Mål {fmt.number(target, 1)}"]})
        layers += (
            alt.Chart(goal).mark_rule(strokeDash=[8, 5], size=2, color=INK).encode(y=alt.Y("mål:Q"))
        )
        layers += (
            alt.Chart(goal)
            .mark_text(align="right", dy=-8, color=INK, x="width")
            .encode(y=alt.Y("mål:Q"), text=alt.Text("text:N"))
        )
    return layers.properties(width=_width(medium) // 2, height=180)
