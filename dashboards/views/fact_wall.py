"""Faktavägg: key figures, manager table and span distribution for one förvaltning."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from great_tables import GT, loc, style

from dashboards import (
    charts,
    declared,
    downloads,
    matrix,
    queries,
    state,
    survey_tables,
    warm,
    widgets,
)
from dashboards import format as fmt
from dashboards.inert import md

TITLE = "Faktavägg"

# Highlight for managers above the threshold: a light fill that prints as light grey, plus
# bold text and a written "Ja", so the rows still stand out on a black-and-white printout.
ABOVE_FILL = "#FFD9A8"

TABLE_COLUMNS: dict[str, Any] = {  # column -> Swedish label
    "unit_names": "Enhet(er)",
    "verksamhet": "Verksamhet",
    "manager_level": "Nivå",
    "employees_monthly_paid": "Medarbetare (månadsavlönade)",
    "employees_hourly": "Timavlönade",
    "fte_monthly_paid": "Årsarbetare (FTE)",
    "managers_led": "Chefer som leds",
    "above_label": "Över gränsen",
}


def render() -> None:
    st.title(TITLE)
    selection = widgets.select_scope()
    if selection is None:
        return
    kommun, period, forvaltning = selection
    # After a publication this view is built first, then the kommun's other förvaltningar
    # (a workshop goes through them all).
    warm.remember(prepare_kommun, kommun["kommun_code"], period)
    warm.remember(prepare, kommun["kommun_code"], period, forvaltning["forvaltning_id"])
    threshold = int(kommun["span_threshold"])

    st.subheader(f"{md(forvaltning['forvaltning_name'])}, {md(kommun['kommun_name'])}")
    st.caption(
        f"Period {fmt.iso_date(period)} · gräns för antal medarbetare per chef i "
        f"{md(kommun['kommun_name'])}: {threshold}"
    )

    forv_row = queries.rollup(
        kommun["kommun_code"], period, "forvaltning", forvaltning["forvaltning_id"]
    )
    kommun_row = queries.rollup(kommun["kommun_code"], period, "kommun", kommun["kommun_code"])
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.markdown(f"**{md(forvaltning['forvaltning_name'])}**")
        _key_figures(forv_row, threshold)
    with right, st.container(border=True):
        st.markdown(f"**Hela {md(kommun['kommun_name'])}** (jämförelse)")
        _key_figures(kommun_row, threshold)

    flags = queries.strengths_challenges(kommun["kommun_code"], period)
    flags = flags[flags["forvaltning_id"] == forvaltning["forvaltning_id"]]
    # Six panels cost the most of any chart: drawn only when asked for.
    if st.toggle("Diagram: förvaltningen mot hela kommunen och referenspunkterna"):
        key = flags[flags["metric"].isin(matrix.KEY_FIGURES)].reset_index(drop=True)
        charts.show_built(charts.key_figures, key, empty="Inga nyckeltal att visa.")

    drill_down(kommun, period, forvaltning, forv_row, threshold)

    st.markdown("#### Stöd och förutsättningar")
    widgets.table(more_figures_table, forv_row, kommun_row, forvaltning["forvaltning_name"], kommun)
    f, k = forv_row or {}, kommun_row or {}
    codes = [downloads.excel_format(*declared.excel_unit(ROLLUP, c)) for c, _l in MORE_FIGURES]
    downloads.offer(
        pd.DataFrame(
            {
                "Nyckeltal": [label for _c, label in MORE_FIGURES],
                forvaltning["forvaltning_name"]: [f.get(c) for c, *_ in MORE_FIGURES],
                f"Hela {kommun['kommun_name']}": [k.get(c) for c, *_ in MORE_FIGURES],
            }
        ),
        f"stod_{kommun['kommun_code']}_{period}_{forvaltning['forvaltning_id']}",
        {forvaltning["forvaltning_name"]: codes, f"Hela {kommun['kommun_name']}": codes},
    )
    team = (  # per-manager rows: the hr role only (queries.py refuses them to the others)
        queries.managers(kommun["kommun_code"], period, forvaltning["forvaltning_id"])
        if queries.allows("managers", kommun["kommun_code"])
        else None
    )
    if team is None:
        st.caption("Tabellen och fördelningen per chef visas bara för HR-rollen.")
    elif team.empty:
        st.info("Inga chefer registrerade för förvaltningen denna period.")
    else:
        widgets.table(manager_table, team, forvaltning["forvaltning_name"], period, threshold)
        managers = team.assign(
            above_label=team["is_above_threshold"].map(lambda above: "ja" if above else "")
        )[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
        downloads.offer(
            managers,
            f"chefer_{kommun['kommun_code']}_{period}_{forvaltning['forvaltning_id']}",
            {TABLE_COLUMNS["fte_monthly_paid"]: downloads.excel_format("fte", 1)},
        )
        charts.show_built(
            charts.span_distribution,
            team,
            threshold,
            empty="Inga chefer i första linjen i förvaltningen denna period.",
        )

    st.markdown("#### Sjukfrånvaro")
    sick = queries.sick_leave(
        kommun["kommun_code"], period, "forvaltning", forvaltning["forvaltning_id"]
    )
    if sick.empty:
        st.caption("Exporten saknar arbetad tid och sjuktimmar – ingen sjukfrånvaro att visa.")
    else:
        widgets.table(sick_leave_table, sick, kommun["anonymity_k"])
        downloads.offer(
            sick_leave_frame(sick), f"sjukfranvaro_{forvaltning['forvaltning_id']}", COUNTS, "pct"
        )

    st.markdown("#### Enkätresultat")
    survey_section(kommun, forvaltning)


def prepare_kommun(kommun_code: str, period: dt.date) -> None:
    """prepare() for every förvaltning of the kommun and period."""
    for forvaltning_id in widgets.forvaltning_options(kommun_code, period):
        prepare(kommun_code, period, forvaltning_id)


def prepare(kommun_code: str, period: dt.date, forvaltning_id: str) -> None:
    """Build the tables and charts render draws for this view, without drawing (warm.py runs
    it after a publication). Each is built from the same rows and arguments as in render, or
    the page would not find it (tests/dashboards/test_warm.py holds the two together)."""
    kommuner = queries.kommuner().to_dict("records")
    kommun = next((k for k in kommuner if k["kommun_code"] == kommun_code), None)
    forvaltning = widgets.forvaltning_options(kommun_code, period).get(forvaltning_id)
    if kommun is None or forvaltning is None:
        return  # not in the new version
    threshold, name = int(kommun["span_threshold"]), forvaltning["forvaltning_name"]
    forv_row = queries.rollup(kommun_code, period, "forvaltning", forvaltning_id)
    kommun_row = queries.rollup(kommun_code, period, "kommun", kommun_code)
    widgets.table_html(more_figures_table, forv_row, kommun_row, name, kommun)
    if queries.allows("managers", kommun_code):
        team = queries.managers(kommun_code, period, forvaltning_id)
        if not team.empty:
            widgets.table_html(manager_table, team, name, period, threshold)
            charts.built_spec(charts.span_distribution, team, threshold)
    sick = queries.sick_leave(kommun_code, period, "forvaltning", forvaltning_id)
    if not sick.empty:
        widgets.table_html(sick_leave_table, sick, kommun["anonymity_k"])
    survey_period = widgets.survey_period(kommun_code)
    if survey_period is not None:
        index = queries.survey_index(kommun_code, survey_period)
        charts.built_spec(charts.survey_indices, index, "forvaltning", forvaltning_id)
        widgets.table_html(survey_tables.index_table, index, forvaltning_id, kommun["kommun_name"])
        time_use = queries.survey_time_use(kommun_code, survey_period)
        if not time_use.empty:
            charts.built_spec(charts.time_use, time_use, forvaltning_id, kommun["kommun_name"])
            widgets.table_html(
                survey_tables.time_use_table, time_use, forvaltning_id, kommun["kommun_name"]
            )


def drill_down(
    kommun: dict[str, Any],
    period: dt.date,
    forvaltning: dict[str, Any],
    forv_row: dict[str, Any] | None,
    threshold: int,
) -> None:
    """Kommun → förvaltning → a unit or a manager group: its figures beside the förvaltning's."""
    code = kommun["kommun_code"]
    units = queries.units_in_forvaltning(code, period, forvaltning["forvaltning_id"])
    survey_period = widgets.survey_period(code)
    groups = queries.manager_groups(code, survey_period) if survey_period else pd.DataFrame()
    level = {"avdelning": "Avdelning", "enhet": "Enhet"}
    # Options are "scope_type:scope_id" (the URL's ?drill_down=…), shown by name.
    labels: dict[str, str] = {"": "Hela förvaltningen"}
    labels |= {
        f"{r.scope_type}:{r.scope_id}": f"{level[r.scope_type]}: {r.scope_name}"
        for r in units.itertuples()
    }
    labels |= {
        f"manager_group:{r.scope_id}": f"Chefsgrupp: {r.scope_name}" for r in groups.itertuples()
    }
    chosen = state.select(
        "drill_down", "Enhet eller chefsgrupp", list(labels), lambda c: labels.get(c, c)
    )
    if not chosen:
        return
    scope_type, scope_id = chosen.split(":", 1)
    label = labels[chosen]
    st.markdown(f"#### {md(label)}")
    if scope_type != "manager_group":
        left, right = st.columns(2, gap="large")
        with left, st.container(border=True):
            st.markdown(f"**{md(label)}**")
            _key_figures(queries.rollup(code, period, scope_type, scope_id), threshold)
        with right, st.container(border=True):
            st.markdown(f"**{md(forvaltning['forvaltning_name'])}** (jämförelse)")
            _key_figures(forv_row, threshold)
    if survey_period is None:
        return
    index = queries.survey_index_scope(code, survey_period, scope_type, scope_id)
    if not index.empty:
        st.html(
            survey_tables.index_table(
                index, scope_id, kommun["kommun_name"], scope_type=scope_type
            ).as_raw_html()
        )
        frame = survey_tables.index_frame(index, scope_id, kommun["kommun_name"], scope_type)
        downloads.offer(frame, f"enkatindex_urval_{scope_id}", COUNTS, "index")


def survey_section(kommun: dict[str, Any], forvaltning: dict[str, Any]) -> None:
    """The managers' survey indices and time use, at the kommun's latest survey period."""
    code = kommun["kommun_code"]
    survey_period = widgets.survey_period(code)
    if survey_period is None:
        st.info(widgets.NO_SURVEY)
        return
    st.caption(f"Enkätperiod {fmt.iso_date(survey_period)}")
    index = queries.survey_index(code, survey_period)
    forv_id, name = forvaltning["forvaltning_id"], kommun["kommun_name"]
    charts.show_built(charts.survey_indices, index, "forvaltning", forv_id)
    widgets.table(survey_tables.index_table, index, forv_id, name)
    frame = survey_tables.index_frame(index, forv_id, name)
    downloads.offer(frame, f"enkatindex_{forv_id}", COUNTS, "index")
    time_use = queries.survey_time_use(code, survey_period)
    if not time_use.empty:
        charts.show_built(charts.time_use, time_use, forv_id, name)
        widgets.table(survey_tables.time_use_table, time_use, forv_id, name)
        frame = survey_tables.time_use_frame(time_use, forv_id, name)
        downloads.offer(frame, f"tidsanvandning_{forv_id}", numbers="pct")


# --------------------------------------------------------------------------- key figures


def _key_figures(row: dict[str, Any] | None, threshold: int) -> None:
    """The five key figures for one scope, read from its mart_span_rollup row."""
    r = row or {}
    first_line = r.get("first_line_managers")
    # Two per row, so the Swedish labels fit unabridged on a projector.
    counts, spans, shares = st.columns(2), st.columns(2), st.columns(2)
    counts[0].metric("Antal chefer", fmt.integer(r.get("managers")))
    counts[1].metric("Första linjens chefer", fmt.integer(first_line))
    spans[0].metric(
        "Medarbetare per chef, medel",
        fmt.number(r.get("mean_span_first_line"), 1),
        help="Månadsavlönade medarbetare per chef i första linjen, medelvärde.",
    )
    spans[1].metric(
        "Medarbetare per chef, median",
        fmt.number(r.get("median_span_first_line"), 1),
        help="Månadsavlönade medarbetare per chef i första linjen, median.",
    )
    shares[0].metric(
        f"Andel chefer över {threshold}",
        fmt.percent(r.get("share_first_line_above_threshold_pct")),
        delta=(
            f"{fmt.integer(r.get('first_line_above_threshold'))} av {fmt.integer(first_line)}"
            if row
            else None
        ),
        delta_color="off",
        delta_arrow="off",
        help=(
            f"Första linjens chefer med fler än {threshold} månadsavlönade medarbetare "
            "(kommunens gräns)."
        ),
    )
    shares[1].metric(
        "Chefstäthet",
        fmt.number(r.get("chefstathet"), 1),
        help="Månadsavlönade medarbetare (ej chefer) per chef.",
    )


# --------------------------------------------------------------------------- tables

# Figures beyond the key figures: (mart_span_rollup column, Swedish label). Unit and decimals
# come from the column's declaration (dashboards/declared.py), as on every other page.
MORE_FIGURES = [
    ("admin_support_fte_per_manager", "Administrativt stöd per chef (årsarbetare)"),
    ("managers_without_hr_partner", "Chefer utan namngiven HR-partner"),
    ("managers_without_controller", "Chefer utan namngiven controller/ekonom"),
    ("workplaces_per_manager", "Arbetsställen per chef"),
    ("mean_tenure_months", "Tid i nuvarande chefsroll, medel (månader)"),
    ("manager_turnover_pct", "Chefsomsättning sedan förra perioden"),
    ("share_hourly_pct", "Andel timavlönade"),
    ("share_visstid_pct", "Andel visstidsanställda"),
    ("employees_monthly_paid", "Månadsavlönade medarbetare"),
    ("fte_monthly_paid", "Årsarbetare (månadsavlönade)"),
]
ROLLUP = "mart_span_rollup"
SICK_GROUPS = {"alla": "Alla", "K": "Kvinnor", "M": "Män"}
COUNTS = {c: downloads.excel_format("antal", 0) for c in ("Personer", "Svar")}  # downloads


def more_figures_table(
    forv_row: dict[str, Any] | None,
    kommun_row: dict[str, Any] | None,
    forvaltning_name: str,
    kommun: dict[str, Any],
) -> GT:
    """Support, employment forms, tenure and turnover: the förvaltning beside the kommun."""
    f, k = forv_row or {}, kommun_row or {}
    data = pd.DataFrame(
        {
            "figure": [label for _, label in MORE_FIGURES],
            "forvaltning": [declared.value(ROLLUP, c, f.get(c)) for c, _ in MORE_FIGURES],
            "kommun": [declared.value(ROLLUP, c, k.get(c)) for c, _ in MORE_FIGURES],
        }
    )
    return (
        GT(data, locale="sv")
        .with_id("fler-nyckeltal")
        .cols_label(figure="", forvaltning=forvaltning_name, kommun=f"Hela {kommun['kommun_name']}")
        .cols_align("right", columns=["forvaltning", "kommun"])
        .tab_source_note(
            "Tomt (–) för HR-partner och controller när kommunen inte skickat någon fil om "
            "stödfunktioner; chefsomsättning kräver en tidigare period."
        )
        .tab_options(table_width="100%", table_font_size="16px")
    )


def sick_leave_table(sick: pd.DataFrame, anonymity_k: Any) -> GT:
    """SKR sick leave for all, by sex and by age band; hidden groups read 'dolt (< k)'."""
    hidden = fmt.suppressed(anonymity_k)
    rows = []
    for r in sick.to_dict("records"):
        shown = bool(r["is_shown"])
        rows.append(
            {
                "group": SICK_GROUPS.get(r["breakdown_group"], f"Ålder {r['breakdown_group']}"),
                "persons": fmt.integer(r["persons"]) if shown else hidden,
                "sick": fmt.percent(r["sick_leave_pct"]) if shown else hidden,
                "long": fmt.percent(r["long_term_sick_leave_share_pct"]) if shown else hidden,
            }
        )
    return (
        GT(pd.DataFrame(rows), locale="sv")
        .with_id("sjukfranvaro")
        .cols_label(
            group="Grupp",
            persons="Personer",
            sick="Sjukfrånvaro",
            long="Andel 60 dagar eller mer",
        )
        .cols_align("right", columns=["persons", "sick", "long"])
        .tab_source_note(
            f"SKR:s definition: sjuktimmar i procent av avtalad tid. Grupper med färre än "
            f"{fmt.integer(anonymity_k)} personer visas inte (”dolt”), inte heller en grupp som "
            "annars kunde räknas fram ur totalen."
        )
        .tab_options(table_width="100%", table_font_size="16px")
    )


# A förvaltning of a large city has 1 700 managers: the page shows those with the most
# employees (the ones above the threshold come first) and the download holds every one.
TABLE_ROWS = 50
COUNT_COLUMNS = ["manager_level", "employees_monthly_paid", "employees_hourly", "managers_led"]


def sick_leave_frame(sick: pd.DataFrame) -> pd.DataFrame:
    """The sick-leave table as numbers; a hidden group's cells are empty, never 0."""
    shown = sick["is_shown"].astype(bool)
    return pd.DataFrame(
        {
            "Grupp": [SICK_GROUPS.get(g, f"Ålder {g}") for g in sick["breakdown_group"]],
            "Personer": sick["persons"].where(shown),
            "Sjukfrånvaro": sick["sick_leave_pct"].where(shown),
            "Andel 60 dagar eller mer": sick["long_term_sick_leave_share_pct"].where(shown),
            "Dolt (< k)": ["" if s else "ja" for s in shown],
        }
    )


def manager_table(team: pd.DataFrame, forvaltning_name: str, period: dt.date, threshold: int) -> GT:
    # The mart already orders by span; sort again so the table never depends on that.
    data = team.sort_values(
        ["employees_monthly_paid", "manager_level"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    total = len(data)
    data = data.head(TABLE_ROWS)
    above_rows = [i for i, above in enumerate(data["is_above_threshold"]) if above]
    # Whole columns formatted up front: great-tables' per-cell formatters cost ~1 ms a cell.
    shown = pd.DataFrame({c: data[c].astype(object) for c in ("unit_names", "verksamhet")})
    shown = shown.assign(**{c: fmt.column(data[c]) for c in COUNT_COLUMNS})
    shown["fte_monthly_paid"] = fmt.column(data["fte_monthly_paid"], 1)
    shown["above_label"] = ["Ja" if above else "" for above in data["is_above_threshold"]]
    shown = shown[list(TABLE_COLUMNS)].fillna(fmt.MISSING)
    cut = (
        f" · de {fmt.integer(TABLE_ROWS)} med flest av {fmt.integer(total)} chefer; "
        "alla finns i nedladdningen nedan"
        if total > TABLE_ROWS
        else ""
    )
    table = (
        GT(shown, locale="sv")
        .with_id("chefer")  # a fixed id keeps the HTML (and its CSS) stable between runs
        .tab_header(
            title=f"Chefer i {forvaltning_name}",
            subtitle=f"Period {fmt.iso_date(period)} · sorterat efter antal medarbetare per chef"
            + cut,
        )
        .cols_label(cases=TABLE_COLUMNS)
        .cols_align("right", columns=[*COUNT_COLUMNS, "fte_monthly_paid"])
        .cols_align("center", columns=["above_label"])
        .tab_source_note(
            f"Markerade rader (fetstil, färg, ”Ja”): chefer i första linjen med fler än "
            f"{threshold} månadsavlönade medarbetare. Nivå 1 = första linjens chef."
        )
        .tab_options(table_width="100%", table_font_size="16px")
    )
    if above_rows:
        table = table.tab_style(
            style=[style.fill(color=ABOVE_FILL), style.text(weight="bold")],
            locations=loc.body(rows=above_rows),
        )
    return table
