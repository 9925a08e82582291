"""The fact wall as an Excel workbook: an overview sheet and a sheet per förvaltning (openpyxl).

The same figures as the posters, from the same marts. Numbers are stored as numbers with a
number format (Excel shows them with the reader's decimal comma); hidden figures are the text
"dolt (< k)", never 0 or an empty cell.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dashboards import downloads, queries, widgets
from dashboards import format as fmt
from dashboards.inert import inert_workbook

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=16)
MANAGER_COLUMNS = [  # (mart column, header)
    ("unit_names", "Enhet(er)"),
    ("verksamhet", "Verksamhet"),
    ("manager_level", "Nivå"),
    ("employees_monthly_paid", "Medarbetare (månadsavlönade)"),
    ("employees_hourly", "Timavlönade"),
    ("fte_monthly_paid", "Årsarbetare (FTE)"),
    ("managers_led", "Chefer som leds"),
    ("is_above_threshold", "Över gränsen"),
]


def _cell_value(r: dict[str, Any], key: str, anonymity_k: Any) -> Any:
    if key == "value" and r.get("is_suppressed"):
        return fmt.suppressed(anonymity_k)
    value = r.get(key)
    return None if value is None or pd.isna(value) else float(value)


def _put(ws: Worksheet, row: int, values: list[Any], font: Font | None = None) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        if font is not None:
            cell.font = font


def sheet_title(name: str, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; names must be unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "Förvaltning"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def write_forvaltning_sheet(
    ws: Worksheet, kommun: dict[str, Any], period: dt.date, forv: dict[str, Any]
) -> None:
    code, forv_id = kommun["kommun_code"], forv["forvaltning_id"]
    k = kommun["anonymity_k"]
    ws.cell(row=1, column=1, value=forv["forvaltning_name"]).font = TITLE
    ws.cell(row=2, column=1, value=f"{kommun['kommun_name']} · period {fmt.iso_date(period)}")
    _put(
        ws,
        4,
        [
            "Nyckeltal",
            "Förvaltningen",
            f"Hela {kommun['kommun_name']}",
            "Förvaltningarnas median",
            "Bedömning",
            "Varför",
        ],
        BOLD,
    )
    flags = queries.strengths_challenges(code, period)
    row = 5
    for r in flags[flags["forvaltning_id"] == forv_id].to_dict("records"):
        values = [
            r["metric_label"],
            _cell_value(r, "value", k),
            _cell_value(r, "kommun_value", k),
            _cell_value(r, "kommun_median", k),
            widgets.ASSESSMENT_LABEL.get(r["assessment"], ""),
            "" if pd.isna(r["reason"]) else r["reason"],
        ]
        _put(ws, row, values, BOLD if r["assessment"] == "utmaning" else None)
        for col in (2, 3, 4):
            number_format = downloads.excel_format(r["unit"], int(r["decimals"]))
            ws.cell(row=row, column=col).number_format = number_format
        row += 1

    row += 1
    ws.cell(row=row, column=1, value="Sjukfrånvaro").font = BOLD
    _put(ws, row + 1, ["Grupp", "Personer", "Sjukfrånvaro (%)", "Andel 60+ dagar (%)"], BOLD)
    row += 2
    for r in queries.sick_leave(code, period, "forvaltning", forv_id).to_dict("records"):
        shown = bool(r["is_shown"])
        hidden = fmt.suppressed(k)
        _put(
            ws,
            row,
            [
                f"{r['breakdown']}: {r['breakdown_group']}",
                int(r["persons"]) if shown else hidden,
                float(r["sick_leave_pct"]) if shown else hidden,
                float(r["long_term_sick_leave_share_pct"]) if shown else hidden,
            ],
        )
        row += 1

    row += 1
    ws.cell(row=row, column=1, value="Chefer").font = BOLD
    _put(ws, row + 1, [header for _, header in MANAGER_COLUMNS], BOLD)
    row += 2
    for r in queries.managers(code, period, forv_id).to_dict("records"):
        values = [r[c] for c, _ in MANAGER_COLUMNS]
        values[-1] = "Ja" if r["is_above_threshold"] else ""
        values = [
            None if v is not None and not isinstance(v, str) and pd.isna(v) else v for v in values
        ]
        _put(ws, row, values, BOLD if r["is_above_threshold"] else None)
        row += 1
    ws.column_dimensions["A"].width = 48
    for col in "BCDE":
        ws.column_dimensions[col].width = 20
    ws.column_dimensions["F"].width = 80


def write_workbook(kommun: dict[str, Any], period: dt.date, path: Path) -> Path:
    """Overview sheet (every förvaltning's figures side by side) plus one sheet per förvaltning."""
    wb = Workbook()
    overview = wb.active
    overview.title = "Översikt"
    flags = queries.strengths_challenges(kommun["kommun_code"], period)
    names = list(dict.fromkeys(flags["forvaltning_name"]))
    overview.cell(row=1, column=1, value=f"Faktavägg – {kommun['kommun_name']}").font = TITLE
    overview.cell(row=2, column=1, value=f"Period {fmt.iso_date(period)}; ▲ utmaning, ✓ styrka")
    # Per förvaltning a number column and a ▲/✓ column: numbers stay numbers in Excel.
    header = ["Nyckeltal"] + [h for name in names for h in (name, "▲/✓")]
    _put(overview, 4, [*header, f"Hela {kommun['kommun_name']}"], BOLD)
    for i, (_metric, group) in enumerate(flags.groupby("metric", sort=False)):
        records = group.set_index("forvaltning_name").to_dict("index")
        first = next(iter(records.values()))
        values: list[Any] = [first["metric_label"]]
        for name in names:
            r = records[name]
            value = _cell_value(r, "value", kommun["anonymity_k"])
            values += [value, {"utmaning": "▲", "styrka": "✓"}.get(r["assessment"], "")]
        values.append(_cell_value(first, "kommun_value", kommun["anonymity_k"]))
        _put(overview, 5 + i, values)
        code = downloads.excel_format(first["unit"], int(first["decimals"]))
        for col in [*range(2, len(values), 2), len(values)]:
            overview.cell(row=5 + i, column=col).number_format = code
    overview.column_dimensions["A"].width = 48
    used = {"översikt"}
    for forv in queries.forvaltningar(kommun["kommun_code"], period).to_dict("records"):
        ws = wb.create_sheet(sheet_title(forv["forvaltning_name"], used))
        write_forvaltning_sheet(ws, kommun, period, forv)
    inert_workbook(wb).save(path)
    return path
