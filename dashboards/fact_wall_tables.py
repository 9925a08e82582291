"""The Faktavägg's great-tables: more key figures, sick leave and the managers of a förvaltning.

Each builder is a pure function of rows already read under the session's grant, so its HTML is
cached on them (widgets.table) and warm.py can build it ahead of a visit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from great_tables import GT, loc, style

from dashboards import declared, downloads
from dashboards import format as fmt

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
