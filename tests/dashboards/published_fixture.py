"""A tiny hand-made published database (mart_* tables only) for the dashboard tests.

The figures are chosen by hand so a test can name the value it expects on screen:
- Burlöv (1231, threshold 30), 2024-03-01: Vård- och omsorgsförvaltningen has two first-line
  managers above 30 (42 and 31) and one exactly at 30 (not above); Barn- och
  utbildningsförvaltningen has none above. An older period, 2023-03-01, has other values.
- Lomma (1262, threshold 25), 2024-03-01: Socialförvaltningen, one of two above 25.
The kommun's chefstäthet is 22.25, which rounds half up to "22,3" (Python would give 22.2).
Only the published contract is written: a file holding anything but mart_* tables would
let a query on a non-mart table pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import duckdb

from schemas.marts import MARTS

# The tables are created from the marts' own declarations (schemas/marts.py), so the fixture
# cannot drift from what the warehouse publishes; columns a test does not set get DEFAULTS.
DEFAULTS: dict[str, dict[str, Any]] = {
    "mart_kommun": {"anonymity_k": 5, "support_aid_prefixes": "1520"},
    "mart_span_of_control": {"workplaces": 1, "admin_support_fte": 0.0, "co_managers": 0},
    "mart_span_rollup": {"workplaces": 1, "admin_support_fte": 0.0},
}

P_NOW = dt.date(2024, 3, 1)
P_OLD = dt.date(2023, 3, 1)

BURLOV, LOMMA = "1231", "1262"
VOF, BUF, SOC = "1231-VOF", "1231-BUF", "1262-SOC"
NAMES = {
    BURLOV: "Burlöv",
    LOMMA: "Lomma",
    VOF: "Vård- och omsorgsförvaltningen",
    BUF: "Barn- och utbildningsförvaltningen",
    SOC: "Socialförvaltningen",
}
THRESHOLD = {BURLOV: 30, LOMMA: 25}

KOMMUNER: list[dict[str, Any]] = [
    {"kommun_code": k, "kommun_name": NAMES[k], "span_threshold": THRESHOLD[k]}
    for k in (BURLOV, LOMMA)
]

# (kommun, period, förvaltning, manager_id, unit_ids, unit_names, verksamhet, level,
#  monthly-paid, hourly, fte, managers led)
# fmt: off
_MANAGERS = [
    (BURLOV, P_NOW, VOF, "m01", "U11", "Hemtjänst Arlöv", "äldreomsorg", 1, 42, 9, 38.5, 0),
    (BURLOV, P_NOW, VOF, "m02", "U12", "LSS Kronetorp", "LSS", 1, 31, 4, 27.0, 0),
    (BURLOV, P_NOW, VOF, "m03", "U13", "Hemtjänst Åkarp", "äldreomsorg", 1, 30, 5, 29.5, 0),
    (BURLOV, P_NOW, VOF, "m04", "U14", "Särskilt boende Tågarp", "äldreomsorg", 1, 28, 6, 25.75, 0),
    (BURLOV, P_NOW, VOF, "m05", "U10; U15", "Vård och omsorg stab; Äldreomsorg",
     "administration", 2, 3, 0, 3.0, 4),
    (BURLOV, P_NOW, BUF, "m06", "U21; U22", "Förskolan Humlan; Förskolan Myran", "förskola",
     1, 18, 2, 16.4, 0),
    (BURLOV, P_NOW, BUF, "m07", "U23", "Tågarps skola", "grundskola", 1, 24, 1, 22.8, 0),
    (BURLOV, P_NOW, BUF, "m08", "U20", "Förskoleområde Arlöv", "förskola", 2, 2, 0, 2.0, 1),
    (BURLOV, P_OLD, VOF, "m01", "U11", "Hemtjänst Arlöv", "äldreomsorg", 1, 45, 8, 41.0, 0),
    (BURLOV, P_OLD, VOF, "m04", "U14", "Särskilt boende Tågarp", "äldreomsorg", 1, 27, 6, 24.5, 0),
    (LOMMA, P_NOW, SOC, "m09", "L1", "Individ- och familjeomsorg", "IFO", 1, 27, 0, 25.0, 0),
    (LOMMA, P_NOW, SOC, "m10", "L2", "Daglig verksamhet", "LSS", 1, 22, 3, 20.5, 0),
]
# fmt: on


def _manager_row(values: tuple[Any, ...]) -> dict[str, Any]:
    kommun, period, forv, mid, uids, unames, verks, level, emp, hourly, fte, led = values
    first = level == 1
    return {
        "kommun_code": kommun,
        "kommun_name": NAMES[kommun],
        "period_date": period,
        "manager_id": f"h{mid}",
        "forvaltning_id": forv,
        "forvaltning_name": NAMES[forv],
        "unit_ids": uids,
        "unit_names": unames,
        "verksamhet": verks,
        "manager_level": level,
        "is_first_line": first,
        "employees_monthly_paid": emp,
        "employees_hourly": hourly,
        "fte_monthly_paid": fte,
        "managers_led": led,
        "span_threshold": THRESHOLD[kommun],
        "is_above_threshold": first and emp > THRESHOLD[kommun],
    }


MANAGERS: list[dict[str, Any]] = [_manager_row(m) for m in _MANAGERS]

# (kommun, period, scope_type, scope_id, förvaltning, monthly-paid, hourly, fte, managers,
#  first-line, mean, median, max, above, share %, chefstäthet) -- written out, not computed,
#  so the test states the very figures the page must show.
# fmt: off
_ROLLUPS = [
    (BURLOV, P_NOW, "kommun", BURLOV, None, 178, 27, 164.95, 8, 6, 173 / 6, 29.0, 42, 2,
     100 / 3, 22.25),
    (BURLOV, P_NOW, "forvaltning", VOF, VOF, 134, 24, 123.75, 5, 4, 32.75, 30.5, 42, 2,
     50.0, 26.8),
    (BURLOV, P_NOW, "forvaltning", BUF, BUF, 44, 3, 41.2, 3, 2, 21.0, 21.0, 24, 0, 0.0, 44 / 3),
    (BURLOV, P_NOW, "enhet", "U11", VOF, 42, 9, 38.5, 1, 1, 42.0, 42.0, 42, 1, 100.0, 42.0),
    (BURLOV, P_OLD, "kommun", BURLOV, None, 72, 14, 65.5, 2, 2, 36.0, 36.0, 45, 1, 50.0, 36.0),
    (BURLOV, P_OLD, "forvaltning", VOF, VOF, 72, 14, 65.5, 2, 2, 36.0, 36.0, 45, 1, 50.0, 36.0),
    (LOMMA, P_NOW, "kommun", LOMMA, None, 49, 3, 45.5, 2, 2, 24.5, 24.5, 27, 1, 50.0, 24.5),
    (LOMMA, P_NOW, "forvaltning", SOC, SOC, 49, 3, 45.5, 2, 2, 24.5, 24.5, 27, 1, 50.0, 24.5),
]
# fmt: on


def _rollup_row(values: tuple[Any, ...]) -> dict[str, Any]:
    (
        kommun,
        period,
        scope_type,
        scope_id,
        forv,
        emp,
        hourly,
        fte,
        managers,
        first,
        mean,
        median,
        top,
        above,
        share,
        density,
    ) = values
    scope_name = NAMES[kommun] if scope_type == "kommun" else NAMES.get(scope_id, scope_id)
    return {
        "kommun_code": kommun,
        "kommun_name": NAMES[kommun],
        "period_date": period,
        "scope_type": scope_type,
        "scope_id": scope_id,
        "scope_name": scope_name,
        "forvaltning_id": forv,
        "forvaltning_name": NAMES.get(forv) if forv else None,
        "employees_monthly_paid": emp,
        "employees_hourly": hourly,
        "fte_monthly_paid": fte,
        "managers": managers,
        "first_line_managers": first,
        "mean_span_first_line": mean,
        "median_span_first_line": median,
        "max_span_first_line": top,
        "first_line_above_threshold": above,
        "share_first_line_above_threshold_pct": share,
        "chefstathet": density,
        "span_threshold": THRESHOLD[kommun],
    }


ROLLUPS: list[dict[str, Any]] = [_rollup_row(r) for r in _ROLLUPS]

REFRESH_LOG: list[dict[str, Any]] = [
    {
        "refresh_id": "r-20240302",
        "refreshed_at": dt.datetime(2024, 3, 2, 4, 5),
        "kommun_code": k,
        "period_date": P_NOW,
        "source": src,
        "file_name": f"{k}_{src}.csv",
        "rows_read": read,
        "rows_loaded": read - rejected,
        "rows_rejected": rejected,
    }
    for k, src, read, rejected in [
        (BURLOV, "hr_roster", 1310, 2),
        (BURLOV, "org_units", 64, 0),
        (LOMMA, "hr_roster", 820, 0),
    ]
]


# Sick leave of Vård- och omsorgsförvaltningen: men are fewer than k and hidden, so women are
# hidden too (complementary); the age bands are all shown.
# fmt: off
_SICK = [
    ("alla", "alla", True, 140, 8.9, 43.7),
    ("kön", "K", False, None, None, None),
    ("kön", "M", False, None, None, None),
    ("ålder", "-29", True, 20, 6.1, 12.5),
    ("ålder", "30-49", True, 70, 9.4, 40.0),
    ("ålder", "50-", True, 50, 9.8, 55.0),
]
# fmt: on
SICK_LEAVE: list[dict[str, Any]] = [
    {
        "kommun_code": BURLOV,
        "period_date": P_NOW,
        "scope_type": "forvaltning",
        "scope_id": VOF,
        "scope_name": NAMES[VOF],
        "breakdown": breakdown,
        "breakdown_group": group,
        "is_shown": shown,
        "persons": persons,
        "sick_leave_pct": pct,
        "long_term_sick_leave_share_pct": long_term,
    }
    for breakdown, group, shown, persons, pct, long_term in _SICK
]

DATA_QUALITY: list[dict[str, Any]] = [
    {
        "kommun_code": BURLOV,
        "period_date": P_NOW,
        "check_name": "unit_without_manager",
        "severity": "varning",
        "rule": "enheten saknar chef",
        "file_name": "1231_org_units.csv",
        "row_number": 7,
        "unit_id": "U16",
        "detail": "Kök Arlöv",
    }
]

# (förvaltning, metric, label, unit, decimals, worse, value, suppressed, kommun value, median,
#  reference, assessment, basis, reason)
# fmt: off
_STRENGTHS = [
    (VOF, "mean_span_first_line", "Medarbetare per chef i första linjen (medel)", "antal", 1,
     "higher", 32.75, False, 173 / 6, 26.9, 30.0, "utmaning", "referenspunkt",
     "Forskningen anger knappt 30 medarbetare per chef som lämpligt i vård och omsorg."),
    (VOF, "sick_leave_pct", "Sjukfrånvaro", "pct", 1, "higher", None, True, 7.2, 7.0, None,
     None, None, None),
    (VOF, "mean_tenure_months", "Tid i rollen (månader)", "manader", 0, "lower", 80.0, False,
     100.0, 95.0, None, "utmaning", "kommunens median",
     "Markant lägre än medianen för kommunens förvaltningar, vilket talar för sämre "
     "förutsättningar för cheferna."),
    (BUF, "mean_span_first_line", "Medarbetare per chef i första linjen (medel)", "antal", 1,
     "higher", 21.0, False, 173 / 6, 26.9, None, None, None, None),
    (BUF, "sick_leave_pct", "Sjukfrånvaro", "pct", 1, "higher", 4.25, False, 7.2, 7.0, None,
     "styrka", "kommunens median",
     "Markant lägre än medianen för kommunens förvaltningar, vilket talar för bättre "
     "förutsättningar för cheferna."),
    (BUF, "mean_tenure_months", "Tid i rollen (månader)", "manader", 0, "lower", 110.0, False,
     100.0, 95.0, None, None, None, None),
]
# fmt: on
STRENGTHS: list[dict[str, Any]] = [
    {
        "kommun_code": BURLOV,
        "kommun_name": NAMES[BURLOV],
        "period_date": P_NOW,
        "forvaltning_id": forv,
        "forvaltning_name": NAMES[forv],
        "metric_position": position % 3 + 1,
        "metric": metric,
        "metric_label": label,
        "unit": unit,
        "decimals": decimals,
        "worse": worse,
        "value": value,
        "is_suppressed": hidden,
        "kommun_value": kommun_value,
        "kommun_median": median,
        "median_diff": 5.0,
        "reference_value": reference,
        "assessment": assessment,
        "basis": basis,
        "reason": reason,
    }
    for position, (
        forv,
        metric,
        label,
        unit,
        decimals,
        worse,
        value,
        hidden,
        kommun_value,
        median,
        reference,
        assessment,
        basis,
        reason,
    ) in enumerate(_STRENGTHS)
]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    rows = [{**DEFAULTS.get(table, {}), **row} for row in rows]
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    con.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [[row[c] for c in columns] for row in rows],
    )


def write_published_db(
    path: Path,
    *,
    kommuner: list[dict[str, Any]] = KOMMUNER,
    managers: list[dict[str, Any]] = MANAGERS,
    rollups: list[dict[str, Any]] = ROLLUPS,
    refresh_log: list[dict[str, Any]] = REFRESH_LOG,
    sick_leave: list[dict[str, Any]] | None = None,
    data_quality: list[dict[str, Any]] | None = None,
    strengths: list[dict[str, Any]] | None = None,
) -> Path:
    """Write a complete published file at `path` (which must not exist) and close it."""
    con = duckdb.connect(str(path))
    try:
        for mart in MARTS:
            con.execute(mart.ddl())
        _insert(con, "mart_kommun", kommuner)
        _insert(con, "mart_span_of_control", managers)
        _insert(con, "mart_span_rollup", rollups)
        _insert(con, "mart_refresh_log", refresh_log)
        _insert(con, "mart_sick_leave", SICK_LEAVE if sick_leave is None else sick_leave)
        _insert(con, "mart_data_quality", DATA_QUALITY if data_quality is None else data_quality)
        _insert(con, "mart_strengths_challenges", STRENGTHS if strengths is None else strengths)
    finally:
        con.close()
    return path


def publish(path: Path, **tables: list[dict[str, Any]]) -> Path:
    """Publish like the warehouse does: build beside `path`, then os.replace over it."""
    staging = path.with_name(f".{path.name}.building")
    staging.unlink(missing_ok=True)
    write_published_db(staging, **tables)
    os.replace(staging, path)
    return path
