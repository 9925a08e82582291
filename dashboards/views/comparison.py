"""Jämförelse: the kommuner side by side, from their published whole-kommun aggregates only."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from great_tables import GT

from dashboards import downloads, queries, state, warm, widgets
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


# Kommuner side by side, at most; a national network (290) is shown as the chosen kommuner
# beside the spread over all of them, and every kommun is in the download.
MAX_COLUMNS = 8


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
    codes = chosen_kommuner(frame)
    warm.remember(prepare, codes)
    widgets.table(comparison_table, frame, codes)
    downloads.offer(*all_kommuner_download(frame))
    st.subheader("Chefsenkäterna")
    surveys = (
        queries.survey_kommun_index() if "mart_survey_index" in queries.published_marts() else None
    )
    if surveys is None or surveys.empty:
        st.info(widgets.NO_SURVEY)
    else:
        widgets.table(survey_comparison_table, surveys, codes)
        data = survey_comparison_data(surveys)
        index_columns = [c for c in data.columns if c not in SURVEY_TEXT_COLUMNS]
        code = downloads.excel_format("antal", 1)
        downloads.offer(data, "jamforelse_enkater", dict.fromkeys(index_columns, code))


def prepare(codes: tuple[str, ...] | None) -> None:
    """Build the tables render draws for these kommuner, without drawing (warm.py)."""
    frame = queries.kommun_comparison()
    if frame.empty:
        return
    widgets.table_html(comparison_table, frame, codes)
    if "mart_survey_index" in queries.published_marts():
        surveys = queries.survey_kommun_index()
        if not surveys.empty:
            widgets.table_html(survey_comparison_table, surveys, codes)


def chosen_kommuner(frame: pd.DataFrame) -> tuple[str, ...] | None:
    """None (every kommun a column) for a few kommuner; else the ones picked, at most
    MAX_COLUMNS, starting from the kommun chosen on the other pages."""
    if len(frame) <= MAX_COLUMNS:
        return None
    names = dict(zip(frame["kommun_code"], frame["kommun_name"], strict=True))
    remembered = st.query_params.get("kommun") or state.remembered().get("kommun")
    picked = st.multiselect(
        f"Kommuner i tabellen (högst {MAX_COLUMNS}), bredvid spridningen för alla "
        f"{fmt.integer(len(frame))}",
        list(names),
        default=[remembered if remembered in names else next(iter(names))],
        format_func=names.get,
        max_selections=MAX_COLUMNS,
        key="jamforelse_kommuner",
    )
    return tuple(picked)


def _spread(values: pd.Series, kommuner: int) -> dict[str, float]:
    """The spread over all kommuner beside the chosen ones: lowest, median, highest."""
    n = fmt.integer(kommuner)
    return {
        f"Lägst, alla {n}": values.min(),
        f"Median, alla {n}": values.median(),
        f"Högst, alla {n}": values.max(),
    }


def survey_comparison_table(surveys: pd.DataFrame, codes: tuple[str, ...] | None = None) -> GT:
    """Whole-kommun construct indices (0-100) side by side; hidden ones read 'dolt (< k)'."""
    chosen = surveys if codes is None else surveys[surveys["kommun_code"].isin(codes)]
    names = list(dict.fromkeys(chosen.sort_values("kommun_name")["kommun_name"]))
    kommuner = surveys["kommun_code"].nunique()
    spread = [] if codes is None else list(_spread(pd.Series(dtype=float), kommuner))
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
        if spread:  # over the figures every kommun published (hidden ones are not in them)
            shown = group.loc[~group["is_suppressed"].astype(bool), "index_0_100"]
            row |= {k: fmt.number(v, 1) for k, v in _spread(shown, kommuner).items()}
        rows.append(row)
    right = names + spread
    return (
        GT(pd.DataFrame(rows), groupname_col="survey", locale="sv")
        .with_id("jamforelse-enkat")
        .cols_label(construct="Område (index 0–100)")
        .cols_align("right", columns=right)
        .tab_options(table_width="100%", table_font_size="18px")
    )


def comparison_table(frame: pd.DataFrame, codes: tuple[str, ...] | None = None) -> GT:
    chosen = frame if codes is None else frame[frame["kommun_code"].isin(codes)]
    columns = {}
    for r in chosen.to_dict("records"):
        columns[r["kommun_name"]] = [fmt.figure(r[c], u, d) for c, _, u, d in FIGURES]
    periods = ", ".join(
        f"{r['kommun_name']} {fmt.iso_date(r['period_date'])}" for r in chosen.to_dict("records")
    )
    if codes is not None:
        spread = [_spread(frame[c].astype(float), len(frame)) for c, *_ in FIGURES]
        for key in spread[0]:
            columns[key] = [
                fmt.figure(s[key], u, d) for s, (_c, _l, u, d) in zip(spread, FIGURES, strict=True)
            ]
        periods += "; spridningen: varje kommuns senaste period"
    data = pd.DataFrame({"figure": [label for _, label, _, _ in FIGURES], **columns})
    return (
        GT(data, locale="sv")
        .with_id("jamforelse")
        .cols_label(figure="")
        .cols_align("right", columns=list(columns))
        .tab_source_note(f"Period: {periods}.")
        .tab_options(table_width="100%", table_font_size="18px")
    )


def all_kommuner_download(frame: pd.DataFrame) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """Every kommun as a row, the figures as columns (numbers, not texts), for Excel and CSV."""
    data = frame[["kommun_code", "kommun_name", "period_date"]].rename(
        columns={"kommun_code": "Kommunkod", "kommun_name": "Kommun", "period_date": "Period"}
    )
    data = data.assign(**{label: frame[c] for c, label, _u, _d in FIGURES})
    formats = {label: downloads.excel_format(u, d) for _c, label, u, d in FIGURES}
    return data, "jamforelse_kommuner", formats


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
