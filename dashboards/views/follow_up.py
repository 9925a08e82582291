"""Uppföljning: the follow-up workshop view per förvaltning: each measure, its figures and answers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import downloads, queries, state
from dashboards import format as fmt
from dashboards import plan_labels as labels
from dashboards.inert import md
from dashboards.views.action_plan import pick_kommun, published_plan

TITLE = "Uppföljning"


def render() -> None:
    st.title(TITLE)
    kommun = pick_kommun()
    plan = published_plan(kommun)
    if plan is None:
        return
    scopes = sorted(plan["scope_name"].unique())
    scope = state.select("uppfoljning", "Förvaltning eller enhet", scopes)
    follow_ups = queries.follow_ups(kommun["kommun_code"])
    for measure_id, rows in plan[plan["scope_name"] == scope].groupby("measure_id", sort=True):
        first = rows.iloc[0]
        with st.container(border=True):
            st.markdown(f"### {md(measure_id)} {md(first['measure'])}")
            st.caption(
                f"{md(labels.area(first['area']))} · ansvarig: {md(first['owner_role'])} · "
                f"klart senast {fmt.iso_date(first['due_date'])} · "
                f"status: {labels.status(first['measure_status'])}"
            )
            for row in rows.itertuples():
                if isinstance(row.indicator_label, str):
                    unit = row.indicator_unit or ""
                    baseline = labels.indicator_value(row.baseline_value, unit)
                    st.markdown(
                        f"**{md(row.indicator_label)}:** {baseline} → "
                        f"{labels.indicator_value(row.latest_value, unit)} (mål "
                        f"{labels.indicator_value(row.target_value, unit)}) – "
                        f"{labels.status(row.indicator_status)}"
                    )
            if first["is_follow_up_overdue"]:
                st.warning(
                    f"Uppföljningen är försenad: nästa uppföljning skulle ha skett "
                    f"{fmt.iso_date(first['next_follow_up_date'])}."
                )
            answers = follow_ups[follow_ups["measure_id"] == measure_id]
            if answers.empty:
                st.caption("Ingen uppföljning gjord ännu.")
                continue
            shown = answers_frame(answers).drop(columns="Åtgärd")
            for column in DATE_COLUMNS:
                shown[column] = shown[column].map(fmt.iso_date)
            st.dataframe(shown, hide_index=True, width="stretch")
    done = follow_ups[follow_ups["scope_name"] == scope]
    if not done.empty:
        st.caption("Uppföljningarna ovan, alla åtgärder i en fil:")
        downloads.offer(answers_frame(done), f"uppfoljning_{kommun['kommun_code']}_{scope}")


DATE_COLUMNS = ("Datum", "Nästa uppföljning")


def answers_frame(answers: pd.DataFrame) -> pd.DataFrame:
    """The follow-ups' answers in Swedish, dates as dates (what the download holds)."""
    return pd.DataFrame(
        {
            "Åtgärd": answers["measure_id"],
            "Datum": answers["follow_up_date"].map(downloads.as_date),
            "Genomförd som planerat": answers["done_as_planned"].map(labels.answer),
            "Avsedd effekt": answers["intended_effect"].map(labels.answer),
            "Bidragit till målet": answers["helped_reach_goal"].map(labels.answer),
            "Nya insikter": answers["new_insights"].fillna(""),
            "Sidoeffekter": answers["side_effects"].fillna(""),
            "Nästa uppföljning": answers["next_follow_up_date"].map(downloads.as_date),
        }
    )
