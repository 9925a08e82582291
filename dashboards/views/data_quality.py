"""Datakvalitet: the last refresh, the files and rows behind the wall, and the checks' warnings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards import downloads, queries, widgets
from dashboards import format as fmt
from dashboards.inert import md

TITLE = "Datakvalitet"

# Every source kind of the manifest (pipelines/manifest.py SOURCE_KINDS) in Swedish: the page
# never shows a code such as action_plan.
SOURCE_LABEL = {
    "hr_roster": "Personal (anställningar)",
    "org_units": "Organisation (enheter)",
    "support_functions": "Stödfunktioner",
    "key_figures": "Nyckeltal per enhet",
    "action_plan": "Handlingsplan",
    "follow_up": "Uppföljning av handlingsplanen",
    "manager_groups": "Chefsgrupper",
    "survey_limesurvey": "Enkät (LimeSurvey)",
    "survey_msforms": "Enkät (Microsoft Forms)",
    "survey_googleforms": "Enkät (Google Formulär)",
    "survey_wide": "Enkät (en rad per svarande)",
}
COUNT = downloads.excel_format("antal", 0)


def render() -> None:
    st.title(TITLE)
    chosen = widgets.select_kommun_period()
    if chosen is None:
        return
    kommun, _period = chosen
    code = kommun["kommun_code"]
    log = queries.last_refresh()
    log = log[log["kommun_code"] == code]
    st.subheader(f"Inläsning – {md(kommun['kommun_name'])}")
    if log.empty:
        st.info("Inga inlästa filer publicerade för kommunen.")
    else:
        c1, c2, c3 = st.columns(3)
        c1.metric("Senast uppdaterat", fmt.iso_datetime(log["refreshed_at"].max()))
        c2.metric("Rader inlästa", fmt.integer(log["rows_loaded"].sum()))
        c3.metric("Rader avvisade", fmt.integer(log["rows_rejected"].fillna(0).sum()))
        files = files_data(log)
        st.dataframe(shown(files), hide_index=True, width="stretch")
        downloads.offer(files, f"inlasta_filer_{code}", dict.fromkeys(FILE_COUNTS, COUNT))
        st.caption(
            "En fil med fel läses aldrig in och då publiceras ingenting: förra lagret gäller. "
            "Varje fel (fil, rad, kolumn, värde, regel) står i uppdateringens rapport och i "
            "lagrets karantän."
        )
    st.subheader("Varningar från kontrollerna av organisationsträdet")
    findings = queries.data_quality(code)
    if findings.empty:
        st.success("Inga varningar.")
        return
    summary = (
        findings.groupby(["rule"], sort=True)
        .size()
        .reset_index(name="Antal")
        .rename(columns={"rule": "Kontroll"})
    )
    st.dataframe(shown(summary), hide_index=True, width="stretch")
    downloads.offer(summary, f"varningar_per_kontroll_{code}", {"Antal": COUNT})
    details = findings_data(findings)
    st.dataframe(shown(details), hide_index=True, width="stretch")
    downloads.offer(details, f"varningar_{code}", {"Rad": COUNT})


FILE_COUNTS = ["Rader i filen", "Inlästa", "Avvisade"]


def files_data(log: pd.DataFrame) -> pd.DataFrame:
    """The refresh log with Swedish headers and labels, counts as numbers, times in Swedish
    time (what the downloads hold; shown() formats it for the page)."""
    return pd.DataFrame(
        {
            "Period": log["period_date"].map(downloads.as_date),
            "Källa": log["source"].map(lambda s: SOURCE_LABEL.get(s, s)),
            "Fil": log["file_name"],
            "Rader i filen": log["rows_read"],
            "Inlästa": log["rows_loaded"],
            "Avvisade": log["rows_rejected"],
            "Uppdaterat": log["refreshed_at"].map(downloads.as_swedish_time),
        }
    )


def findings_data(findings: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Period": findings["period_date"].map(downloads.as_date),
            "Allvar": findings["severity"],
            "Kontroll": findings["rule"],
            "Fil": findings["file_name"],
            "Rad": findings["row_number"],
            "Enhet": findings["unit_id"],
            "Detaljer": findings["detail"],
        }
    )


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as the page shows it: counts '1 234', dates ISO, times to the minute, '–'
    for nothing (Streamlit's grid would show English number formats)."""

    def cell(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            return value
        return fmt.integer(value) if not fmt._is_missing(value) else fmt.MISSING

    return frame.map(cell)
