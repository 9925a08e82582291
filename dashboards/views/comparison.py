"""Jämförelse: the kommuner side by side, from their published whole-kommun aggregates only."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from great_tables import GT

from dashboards import downloads, queries, widgets
from dashboards import format as fmt

TITLE = "Jämförelse"

# (mart_span_rollup column, Swedish label, unit, decimals), in the order of the fact wall.
FIGURES = [
    ("managers", "Antal chefer", "antal", 0),
    ("first_line_managers", "Första linjens chefer", "antal", 0),
    ("employees_monthly_paid", "Månadsavlönade medarbetare", "antal", 0),
    ("mean_span_first_line", "Medarbetare per chef i första linjen, medel", "antal", 1),
    ("median_span_first_line", "Medarbetare per chef i första linjen, median", "antal", 1),
    ("max_span_first_line", "Flest medarbetare hos en chef", "antal", 0),
    ("share_first_line_above_threshold_pct", "Andel chefer över kommunens gräns", "pct", 1),
    ("span_threshold", "Kommunens gräns (medarbetare per chef)", "antal", 0),
    ("chefstathet", "Chefstäthet", "antal", 1),
    ("admin_support_fte_per_manager", "Administrativt stöd per chef (årsarbetare)", "fte", 2),
    ("workplaces_per_manager", "Arbetsställen per chef", "antal", 1),
    ("share_hourly_pct", "Andel timavlönade", "pct", 1),
    ("share_visstid_pct", "Andel visstidsanställda", "pct", 1),
    ("mean_tenure_months", "Tid i chefsrollen, medel (månader)", "manader", 0),
    ("manager_turnover_pct", "Chefsomsättning", "pct", 1),
    ("sick_leave_pct", "Sjukfrånvaro", "pct", 1),
    ("long_term_sick_leave_share_pct", "Andel långtidssjukfrånvaro", "pct", 1),
]


def render() -> None:
    st.title(TITLE)
    with st.sidebar:
        widgets.refresh_caption()
    frame = queries.kommun_comparison()
    if frame.empty:
        st.info("Det publicerade lagret innehåller inga kommuner ännu.")
        return
    st.caption(
        "Hela kommunerna sida vid sida, var och en vid sin senaste period. Bara publicerade "
        "sammanställningar visas: sjukfrånvaro för färre än k personer är dold redan i lagret."
    )
    st.html(comparison_table(frame).as_raw_html())
    data, formats = comparison_data(frame)
    downloads.offer(data, "jamforelse_kommuner", formats)
    st.subheader("Chefsenkäterna")
    surveys = (
        queries.survey_kommun_index() if "mart_survey_index" in queries.published_marts() else None
    )
    if surveys is None or surveys.empty:
        st.info(widgets.NO_SURVEY)
    else:
        st.html(survey_comparison_table(surveys).as_raw_html())
        data = survey_comparison_data(surveys)
        index_columns = [c for c in data.columns if c not in SURVEY_TEXT_COLUMNS]
        code = downloads.excel_format("antal", 1)
        downloads.offer(data, "jamforelse_enkater", dict.fromkeys(index_columns, code))


def survey_comparison_table(surveys: pd.DataFrame) -> GT:
    """Whole-kommun construct indices (0-100) side by side; hidden ones read 'dolt (< k)'."""
    names = list(dict.fromkeys(surveys.sort_values("kommun_name")["kommun_name"]))
    rows = []
    for (_survey, construct), group in surveys.groupby(["survey_id", "construct"], sort=True):
        by_kommun = {r["kommun_name"]: r for r in group.to_dict("records")}
        first = next(iter(by_kommun.values()))
        row = {
            "survey": first["survey_title"],
            "construct": widgets.CONSTRUCT_LABEL.get(construct, construct),
        }
        for name in names:
            r = by_kommun.get(name)
            row[name] = widgets.survey_cell(r, "index_0_100") if r else fmt.MISSING
        rows.append(row)
    return (
        GT(pd.DataFrame(rows), groupname_col="survey", locale="sv")
        .with_id("jamforelse-enkat")
        .cols_label(construct="Område (index 0–100)")
        .cols_align("right", columns=names)
        .tab_options(table_width="100%", table_font_size="18px")
    )


def comparison_table(frame: pd.DataFrame) -> GT:
    columns = {}
    for r in frame.to_dict("records"):
        columns[r["kommun_name"]] = [fmt.figure(r[c], u, d) for c, _, u, d in FIGURES]
    periods = ", ".join(
        f"{r['kommun_name']} {fmt.iso_date(r['period_date'])}" for r in frame.to_dict("records")
    )
    data = pd.DataFrame({"figure": [label for _, label, _, _ in FIGURES], **columns})
    return (
        GT(data, locale="sv")
        .with_id("jamforelse")
        .cols_label(figure="")
        .cols_align("right", columns=list(columns))
        .tab_source_note(f"Period: {periods}.")
        .tab_options(table_width="100%", table_font_size="18px")
    )


# --------------------------------------------------------------------------- downloads


def comparison_data(frame: pd.DataFrame) -> tuple[pd.DataFrame, downloads.Formats]:
    """The comparison as numbers: a row per figure, a column per kommun (its period in the
    header), each row in its figure's number format."""
    columns = {
        f"{r['kommun_name']} ({fmt.iso_date(r['period_date'])})": [r[c] for c, *_ in FIGURES]
        for r in frame.to_dict("records")
    }
    data = pd.DataFrame({"Nyckeltal": [label for _, label, _, _ in FIGURES], **columns})
    per_row = [downloads.excel_format(unit, decimals) for _, _, unit, decimals in FIGURES]
    return data, dict.fromkeys(columns, per_row)


SURVEY_TEXT_COLUMNS = ("Enkät", "Område", "Dolt (< k)")


def survey_comparison_data(surveys: pd.DataFrame) -> pd.DataFrame:
    """Whole-kommun indices (0–100) as numbers; a hidden one is empty and named in 'Dolt (< k)'."""
    names = list(dict.fromkeys(surveys.sort_values("kommun_name")["kommun_name"]))
    rows = []
    for (_survey, construct), group in surveys.groupby(["survey_id", "construct"], sort=True):
        by_kommun = {r["kommun_name"]: r for r in group.to_dict("records")}
        row = {
            "Enkät": next(iter(by_kommun.values()))["survey_title"],
            "Område": widgets.CONSTRUCT_LABEL.get(construct, construct),
        }
        hidden = [n for n in names if n in by_kommun and by_kommun[n]["is_suppressed"]]
        for name in names:
            r = by_kommun.get(name)
            row[name] = None if r is None or r["is_suppressed"] else r["index_0_100"]
        row["Dolt (< k)"] = ", ".join(hidden)
        rows.append(row)
    return pd.DataFrame(rows)
