"""Survey results as great-tables tables, for pages and posters alike (the marts' own suppression:
a hidden figure reads "dolt (< k)", never a number or a blank)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from great_tables import GT

from dashboards import format as fmt
from dashboards.widgets import CONSTRUCT_LABEL, TIME_LABEL, survey_cell


def _scope(frame: pd.DataFrame, scope_type: str, scope_id: str | None = None) -> pd.DataFrame:
    part = frame[frame["scope_type"] == scope_type]
    return part if scope_id is None else part[part["scope_id"] == scope_id]


SCOPE_LABEL = {
    "forvaltning": "Förvaltningen",
    "avdelning": "Avdelningen",
    "enhet": "Enheten",
    "manager_group": "Chefsgruppen",
}


def index_table(
    index: pd.DataFrame,
    forv_id: str,
    kommun_name: str,
    font: str = "16px",
    scope_type: str = "forvaltning",
) -> GT:
    """Construct indices 0-100 of one scope's managers (by default a förvaltning) beside the
    whole kommun's; the scope may also be a unit or a manager group."""
    forv = _scope(index, scope_type, forv_id).set_index(["survey_id", "construct"])
    whole = _scope(index, "kommun").set_index(["survey_id", "construct"])
    rows = []
    for key, k in whole.iterrows():
        f = forv.loc[key].to_dict() if key in forv.index else None
        rows.append(
            {
                "survey": k["survey_title"],
                "construct": CONSTRUCT_LABEL.get(key[1], key[1]),
                "forv": survey_cell(f, "index_0_100") if f else fmt.MISSING,
                "forv_n": (
                    fmt.suppressed(f["anonymity_k"])
                    if f and f["is_suppressed"]
                    else fmt.integer(f["respondents"] if f else None)
                ),
                "kommun": survey_cell(k.to_dict(), "index_0_100"),
            }
        )
    data = pd.DataFrame(rows, columns=["survey", "construct", "forv", "forv_n", "kommun"])
    return (
        GT(data, groupname_col="survey", locale="sv")
        .with_id("enkatindex")
        .cols_label(
            construct="Område",
            forv=f"{SCOPE_LABEL.get(scope_type, 'Urvalet')} (0–100)",
            forv_n="Svar",
            kommun=f"Hela {kommun_name} (0–100)",
        )
        .cols_align("right", columns=["forv", "forv_n", "kommun"])
        .tab_source_note(
            "Index 0–100: medelvärdet på svarsskalan omräknat, högre = bättre förutsättningar. "
            "Grupper med färre svar än k visas inte (”dolt”), inte heller en grupp som annars "
            "kunde räknas fram."
        )
        .tab_options(table_width="100%", table_font_size=font)
    )


def time_use_table(time_use: pd.DataFrame, forv_id: str, kommun_name: str) -> GT:
    """Time-use shares of the förvaltning's managers beside the whole kommun's."""
    forv = _scope(time_use, "forvaltning", forv_id).set_index("category")
    whole = _scope(time_use, "kommun").set_index("category")
    rows = [
        {
            "category": TIME_LABEL.get(cat, cat),
            "forv": survey_cell(forv.loc[cat].to_dict(), "mean_share_pct", pct=True)
            if cat in forv.index
            else fmt.MISSING,
            "kommun": survey_cell(k.to_dict(), "mean_share_pct", pct=True),
        }
        for cat, k in whole.iterrows()
    ]
    return (
        GT(pd.DataFrame(rows, columns=["category", "forv", "kommun"]), locale="sv")
        .with_id("tidsanvandning")
        .cols_label(category="Tidsdagbok", forv="Förvaltningen", kommun=f"Hela {kommun_name}")
        .cols_align("right", columns=["forv", "kommun"])
        .tab_source_note("Andel av loggad tid per område, och chefernas egen skattning av andelar.")
        .tab_options(table_width="100%", table_font_size="16px")
    )


def dela_varld_table(frame: pd.DataFrame, measure_type: str) -> GT:
    """Managers and top management side by side, with the gap (0-100 points)."""
    part = frame[frame["measure_type"] == measure_type].to_dict("records")

    def side(r: dict[str, Any], prefix: str) -> str:
        if r[f"{prefix}_suppressed"]:
            return fmt.suppressed(r["anonymity_k"])
        return fmt.number(r[f"{prefix}_index_0_100"], 1)

    def gap(r: dict[str, Any]) -> str:
        if r["managers_suppressed"] or r["top_management_suppressed"]:
            return fmt.suppressed(r["anonymity_k"])
        value = r["gap_0_100"]
        return fmt.MISSING if pd.isna(value) else ("+" if value > 0 else "") + fmt.number(value, 1)

    rows = [
        {
            "survey": r["survey_title"],
            "measure": CONSTRUCT_LABEL.get(r["measure_id"], r["measure_text"] or r["measure_id"])
            if measure_type == "construct"
            else r["measure_text"],
            "managers": side(r, "managers"),
            "top": side(r, "top_management"),
            "gap": gap(r),
        }
        for r in part
    ]
    return (
        GT(
            pd.DataFrame(rows, columns=["survey", "measure", "managers", "top", "gap"]),
            groupname_col="survey",
            locale="sv",
        )
        .with_id(f"dela-varld-{measure_type}")
        .cols_label(
            measure="Område" if measure_type == "construct" else "Påstående",
            managers="Cheferna (0–100)",
            top="Högsta ledningen (0–100)",
            gap="Skillnad (ledningen − cheferna)",
        )
        .cols_align("right", columns=["managers", "top", "gap"])
        .tab_source_note(
            "Positiv skillnad = ledningen ser chefernas förutsättningar som bättre än cheferna "
            "själva gör."
        )
        .tab_options(table_width="100%", table_font_size="16px")
    )


# --------------------------------------------------------------------------- downloads
# The same tables as numbers (what downloads.offer writes): a hidden figure is an empty cell
# with "ja" in its "Dolt (< k)" column, never a 0.


def index_frame(
    index: pd.DataFrame, forv_id: str, kommun_name: str, scope_type: str = "forvaltning"
) -> pd.DataFrame:
    forv = _scope(index, scope_type, forv_id).set_index(["survey_id", "construct"])
    whole = _scope(index, "kommun").set_index(["survey_id", "construct"])
    scope = f"{SCOPE_LABEL.get(scope_type, 'Urvalet')} (0–100)"
    rows = []
    for key, k in whole.iterrows():
        f = forv.loc[key].to_dict() if key in forv.index else {}
        hidden = bool(f.get("is_suppressed"))
        rows.append(
            {
                "Enkät": k["survey_title"],
                "Område": CONSTRUCT_LABEL.get(key[1], key[1]),
                scope: None if hidden else f.get("index_0_100"),
                "Svar": None if hidden else f.get("respondents"),
                "Dolt (< k)": "ja" if hidden else "",
                f"Hela {kommun_name} (0–100)": None if k["is_suppressed"] else k["index_0_100"],
            }
        )
    return pd.DataFrame(rows)


def time_use_frame(time_use: pd.DataFrame, forv_id: str, kommun_name: str) -> pd.DataFrame:
    forv = _scope(time_use, "forvaltning", forv_id).set_index("category")
    whole = _scope(time_use, "kommun").set_index("category")

    def share(part: pd.DataFrame, cat: str) -> Any:
        if cat not in part.index or part.loc[cat, "is_suppressed"]:
            return None
        return part.loc[cat, "mean_share_pct"]

    return pd.DataFrame(
        [
            {
                "Tidsdagbok": TIME_LABEL.get(cat, cat),
                "Förvaltningen": share(forv, cat),
                "Dolt (< k)": "ja" if cat in forv.index and forv.loc[cat, "is_suppressed"] else "",
                f"Hela {kommun_name}": share(whole, cat),
            }
            for cat in whole.index
        ]
    )
