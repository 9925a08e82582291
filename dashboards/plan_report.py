"""`chefskartan plan-report`: the action plan as an Excel workbook with current values, and a PDF
summary for elected officials (the state of managers' conditions, the plan, progress)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from great_tables import GT
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboards import declared, queries
from dashboards import format as fmt
from dashboards import plan_labels as labels
from dashboards.inert import html_text, inert_workbook

PLAN_SHEET_COLUMNS = {  # column in the mart -> Swedish header
    "measure_id": "Åtgärds-id",
    "area_text": "Område",
    "measure": "Åtgärd",
    "scope_name": "Omfattning",
    "owner_role": "Ansvarig roll",
    "indicator_label": "Indikator",
    "baseline_value": "Utgångsvärde",
    "baseline_period_date": "Utgångsperiod",
    "latest_value": "Senaste värde",
    "latest_period_date": "Senaste period",
    "target_value": "Mål",
    "path_value_now": "Enligt plan nu",
    "status_text": "Status",
    "due_date": "Klart senast",
    "next_follow_up_date": "Nästa uppföljning",
    "overdue_text": "Uppföljning försenad",
}
FOLLOW_UP_COLUMNS = {
    "measure_id": "Åtgärds-id",
    "follow_up_date": "Datum",
    "done_as_planned": "Genomförd som planerat",
    "intended_effect": "Avsedd effekt",
    "helped_reach_goal": "Bidragit till målet",
    "new_insights": "Nya insikter",
    "side_effects": "Sidoeffekter",
    "next_follow_up_date": "Nästa uppföljning",
}


class PlanReportError(Exception):
    """No such kommun or no plan published; the message is Swedish."""


def use_published(published: Path) -> None:
    os.environ[queries.ENV_VAR] = str(Path(published).resolve())


def kommun_row(kommun_code: str) -> dict:
    kommuner = queries.kommuner()
    match = kommuner[kommuner["kommun_code"] == kommun_code]
    if match.empty:
        raise PlanReportError(f"Kommun {kommun_code} finns inte i det publicerade lagret.")
    return match.iloc[0].to_dict()


def plan_rows(kommun_code: str) -> pd.DataFrame:
    plan = queries.action_plan(kommun_code)
    if plan.empty:
        raise PlanReportError(f"Ingen handlingsplan publicerad för kommun {kommun_code}.")
    return plan.assign(
        area_text=plan["area"].map(labels.area),
        status_text=plan["indicator_status"].map(labels.status),
        overdue_text=["ja" if o else "" for o in plan["is_follow_up_overdue"]],
    )


def write_workbook(kommun_code: str, path: Path) -> Path:
    """Sheets: Handlingsplan (a row per measure and indicator), Uppföljningar, Trender."""
    plan = plan_rows(kommun_code)
    book = Workbook()
    _sheet(book.active, "Handlingsplan", plan, PLAN_SHEET_COLUMNS)
    follow_ups = queries.follow_ups(kommun_code)
    answers = follow_ups.assign(
        **{
            c: follow_ups[c].map(labels.answer)
            for c in ("done_as_planned", "intended_effect", "helped_reach_goal")
        }
    )
    _sheet(book.create_sheet(), "Uppföljningar", answers, FOLLOW_UP_COLUMNS)
    _trend_sheet(book.create_sheet("Trender"), plan, queries.indicator_trends(kommun_code))
    inert_workbook(book).save(path)
    return path


def _trend_sheet(ws: object, plan: pd.DataFrame, trends: pd.DataFrame) -> None:
    """Every period's value of each planned indicator, named and with its unit (ids last)."""
    ws.append(["Omfattning", "Indikator", "Enhet", "Period", "Värde", "Indikator-id"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    scope_names = dict(zip(plan["scope_id"], plan["scope_name"], strict=True))
    indicators = plan.dropna(subset=["indicator_id"]).drop_duplicates("indicator_id")
    label = dict(zip(indicators["indicator_id"], indicators["indicator_label"], strict=True))
    unit = dict(zip(indicators["indicator_id"], indicators["indicator_unit"], strict=True))
    for row in trends.itertuples():
        named = [scope_names.get(row.scope_id, row.scope_id), label.get(row.indicator_id)]
        for period, value in zip(row.periods, row.values, strict=True):
            ws.append(
                [
                    *named,
                    unit.get(row.indicator_id),
                    _excel(period),
                    _excel(value),
                    row.indicator_id,
                ]
            )


def _sheet(ws: object, title: str, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    ws.title = title
    ws.append(list(columns.values()))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for record in frame[list(columns)].itertuples(index=False):
        ws.append([_excel(v) for v in record])
    for index, header in enumerate(columns.values(), start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = max(
            12, len(header) + 2
        )


def _excel(value: object) -> object:
    """Cells Excel understands: dates as dates, missing as empty (never 0)."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


# --------------------------------------------------------------------------- PDF summary

SUMMARY_CSS = """
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #000; }
h1 { font-size: 26px; margin: 0 0 4px 0; } h2 { font-size: 18px; border-bottom: 2px solid #000; }
.meta { font-size: 12px; margin-bottom: 12px; } p { font-size: 13px; }
"""
# The kommun's headline figures: column in mart_span_rollup -> label; the format is the
# column's declared one (dashboards/declared.py): "16" managers, never "16,0".
HEADLINE = {
    "mean_span_first_line": "Medarbetare per chef i första linjen, medel",
    "share_first_line_above_threshold_pct": "Andel chefer över gränsen",
    "chefstathet": "Chefstäthet (medarbetare per chef)",
    "admin_support_fte_per_manager": "Administrativt stöd per chef (årsarbetare)",
    "managers_without_hr_partner": "Chefer utan HR-partner",
    "manager_turnover_pct": "Chefsomsättning sedan förra perioden",
    "sick_leave_pct": "Sjukfrånvaro",
}


def summary_html(kommun_code: str) -> str:
    """The summary for elected officials: conditions over time, per förvaltning, the plan."""
    kommun = kommun_row(kommun_code)
    history = queries.scope_history(kommun_code, "kommun")
    forvaltningar = queries.scope_history(kommun_code, "forvaltning")
    latest = history["period_date"].max()
    plan = plan_rows(kommun_code)
    measures = plan.drop_duplicates("measure_id")
    counts = measures["measure_status"].value_counts()
    status_line = ", ".join(
        f"{labels.status(code)}: {int(counts.get(code, 0))}" for code in labels.STATUS_ORDER
    )
    overdue = int(measures["is_follow_up_overdue"].sum())
    body = [
        f"<h1>Chefernas förutsättningar i {html_text(kommun['kommun_name'])}</h1>",
        f'<div class="meta">Sammanfattning för förtroendevalda · senaste period '
        f"{fmt.iso_date(latest)} · Chefskartan (Chefoskopet)</div>",
        "<h2>Läget över tid</h2>",
        _headline_table(history).as_raw_html(),
        "<h2>Förvaltningarna i dag</h2>",
        _forvaltning_table(forvaltningar[forvaltningar["period_date"] == latest]).as_raw_html(),
        "<h2>Handlingsplanen</h2>",
        f"<p>{len(measures)} åtgärder beslutade {fmt.iso_date(plan['adopted_date'].min())}. "
        f"Status: {status_line}. Försenade uppföljningar: {overdue}.</p>",
        _plan_table(plan).as_raw_html(),
    ]
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><style>{SUMMARY_CSS}'
        f"</style></head><body>{''.join(body)}</body></html>"
    )


def _headline_table(history: pd.DataFrame) -> GT:
    periods = [fmt.iso_date(p) for p in history["period_date"]]
    rows = []
    for column, label in HEADLINE.items():
        cells = [declared.value("mart_span_rollup", column, v) for v in history[column]]
        rows.append({"Mått": label, **dict(zip(periods, cells, strict=True))})
    return GT(pd.DataFrame(rows), locale="sv").tab_options(table_font_size="12px")


def _forvaltning_table(rows: pd.DataFrame) -> GT:
    table = pd.DataFrame(
        {
            "Förvaltning": rows["scope_name"],
            "Chefer": rows["managers"].map(fmt.integer),
            "Medarbetare per chef (medel)": rows["mean_span_first_line"].map(
                lambda v: fmt.number(v, 1)
            ),
            "Andel över gränsen": rows["share_first_line_above_threshold_pct"].map(fmt.percent),
            "Stöd per chef": rows["admin_support_fte_per_manager"].map(lambda v: fmt.number(v, 2)),
            "Sjukfrånvaro": rows["sick_leave_pct"].map(fmt.percent),
        }
    )
    return GT(table, locale="sv").tab_options(table_font_size="12px")


def _plan_table(plan: pd.DataFrame) -> GT:
    unit = plan["indicator_unit"].fillna("")
    value = labels.indicator_value

    table = pd.DataFrame(
        {
            "Åtgärd": plan["measure_id"] + " " + plan["measure"],
            "Område": plan["area_text"],
            "Indikator": plan["indicator_label"].fillna("–"),
            "Utgång → nu → mål": [
                f"{value(b, u)} → {value(n, u)} → {value(t, u)}"
                for b, n, t, u in zip(
                    plan["baseline_value"],
                    plan["latest_value"],
                    plan["target_value"],
                    unit,
                    strict=True,
                )
            ],
            "Status": plan["status_text"],
        }
    )
    return GT(table, locale="sv").tab_options(table_font_size="11px")


def write_summary_pdf(kommun_code: str, path: Path) -> Path:
    from dashboards.printing import html_to_pdf

    return html_to_pdf(summary_html(kommun_code), path, "A4")


def write_plan_report(
    published: Path,
    kommun_code: str,
    out: Path,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """handlingsplan_<kod>.xlsx and sammanfattning_<kod>.pdf in `out`; `progress` is told each."""
    use_published(published)
    kommun_row(kommun_code)  # a clear message for an unknown kommun before anything is written
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _line: None)
    written = [write_workbook(kommun_code, out / f"handlingsplan_{kommun_code}.xlsx")]
    say(f"[1/2] {written[-1]} (handlingsplan, arbetsbok)")
    written.append(write_summary_pdf(kommun_code, out / f"sammanfattning_{kommun_code}.pdf"))
    say(f"[2/2] {written[-1]} (sammanfattning, PDF)")
    return written
