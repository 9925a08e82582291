"""Datakvalitet: the last refresh, the files and rows behind the wall, and the checks' warnings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import format as fmt
from dashboards import queries, widgets
from dashboards.inert import md

TITLE = "Datakvalitet"

SOURCE_LABEL = {
    "hr_roster": "Personal (anställningar)",
    "org_units": "Organisation (enheter)",
    "support_functions": "Stödfunktioner",
    "key_figures": "Nyckeltal per enhet",
}


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
        st.dataframe(files_frame(log), hide_index=True, width="stretch")
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
        .reset_index(name="n")
        .assign(Antal=lambda f: f["n"].map(fmt.integer))
        .rename(columns={"rule": "Kontroll"})[["Kontroll", "Antal"]]
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    st.dataframe(findings_frame(findings), hide_index=True, width="stretch")


def files_frame(log: pd.DataFrame) -> pd.DataFrame:
    """The refresh log as strings formatted the Swedish way."""
    return pd.DataFrame(
        {
            "Period": log["period_date"].map(fmt.iso_date),
            "Källa": log["source"].map(lambda s: SOURCE_LABEL.get(s, s)),
            "Fil": log["file_name"],
            "Rader i filen": log["rows_read"].map(fmt.integer),
            "Inlästa": log["rows_loaded"].map(fmt.integer),
            "Avvisade": log["rows_rejected"].map(fmt.integer),
            "Uppdaterat": log["refreshed_at"].map(fmt.iso_datetime),
        }
    )


def findings_frame(findings: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Period": findings["period_date"].map(fmt.iso_date),
            "Allvar": findings["severity"],
            "Kontroll": findings["rule"],
            "Fil": findings["file_name"].fillna(fmt.MISSING),
            "Rad": findings["row_number"].map(fmt.integer),
            "Enhet": findings["unit_id"].fillna(fmt.MISSING),
            "Detaljer": findings["detail"].fillna(fmt.MISSING),
        }
    )
