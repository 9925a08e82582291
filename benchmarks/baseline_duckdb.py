"""Bare-DuckDB baseline: per-manager span figures straight from an inbox's HR exports.

What the refresh's span figures need and nothing else: read the three export shapes with
minimal parsing (no validation, no reports, no privacy scan), dedup persons, find each unit's
manager and each employment's leading manager through the org tree, and count monthly-paid,
hourly and FTE per manager, plus a kommun roll-up. bench_scale.py times it beside the refresh
and checks its figures equal mart_span_of_control's.
Usage: python benchmarks/baseline_duckdb.py INBOX [--key KEY]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb
import pandas as pd
import yaml

CODED = ("A", "B", "C", "L")
# (kommun shape) -> roster columns: person, unit, code, form, fte; org columns: unit, parent, mgr
ROSTER = {
    ";": ("Personnummer", "Org.enhet", "Ansvarskod", "Anställningsform", "Sysselsättningsgrad"),
    "xlsx": ("Personnummer", "Enhetskod", "Ansvarskod", "Anställningsform", "Sysselsättningsgrad"),
    ",": ("Personnr", None, "Chefskod", "Anst.form", "Syss.grad"),
}
ORG = {
    ";": ("Enhet", "Överordnad enhet", "Chef personnummer"),
    "xlsx": ("Enhetskod", "Överordnad enhetskod", "Chefens personnummer"),
}


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="calamine"), "xlsx"
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    sep = ";" if text.split("\n", 1)[0].count(";") else ","
    return pd.read_csv(pd.io.common.StringIO(text), sep=sep, dtype=str, keep_default_na=False), sep


def _frames(inbox: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All employments and org units of the inbox in one shape each."""
    manifest = yaml.safe_load((inbox / "manifest.yaml").read_text(encoding="utf-8"))
    jobs, units = [], []
    for entry in manifest["files"]:
        if entry["source"] not in ("hr_roster", "org_units"):
            continue
        df, shape = _read(inbox / entry["file"])
        key = {"kommun_code": str(entry["kommun"]), "period_date": str(entry["period"])}
        if entry["source"] == "org_units":
            unit, parent, mgr = ORG[shape]
            units.append(pd.DataFrame({**key, "unit": df[unit], "parent": df[parent],
                                       "mgr_pnr": df[mgr]}))  # fmt: skip
            continue
        person, unit, code, form, fte = ROSTER[shape]
        unit_col = df[unit] if unit else _paths(df)
        jobs.append(pd.DataFrame({**key, "pnr": df[person], "unit": unit_col, "code": df[code],
                                  "form": df[form], "fte": df[fte]}))  # fmt: skip
        if unit is None:  # no org file: the units are the paths and their prefixes
            units.append(_path_units(key, unit_col))
    return pd.concat(jobs, ignore_index=True), pd.concat(units, ignore_index=True)


def _paths(df: pd.DataFrame) -> pd.Series:
    """Kävlinge: the unit is its org path of names, without the empty levels below it."""
    parts = df[["Förvaltning", "Avdelning", "Enhet"]].fillna("")
    return parts.apply(lambda r: "|".join(x for x in r if x), axis=1, raw=True)


def _path_units(key: dict, paths: pd.Series) -> pd.DataFrame:
    rows = set()
    for path in paths.unique():
        parts = path.split("|")
        for i in range(1, len(parts) + 1):
            rows.add(("|".join(parts[:i]), "|".join(parts[: i - 1]) or None))
    units = pd.DataFrame(sorted(rows, key=str), columns=["unit", "parent"])
    return units.assign(**key, mgr_pnr=None)


PNR12 = """CASE WHEN length(regexp_replace({c}, '[^0-9]', '', 'g')) = 12
    THEN regexp_replace({c}, '[^0-9]', '', 'g')
    WHEN length(regexp_replace({c}, '[^0-9]', '', 'g')) = 10  -- the century the refresh infers
    THEN CAST(year(period_date) - (year(period_date) - CAST(substr(regexp_replace({c}, '[^0-9]',
         '', 'g'), 1, 2) AS INT)) % 100 AS VARCHAR)[1:2] || regexp_replace({c}, '[^0-9]', '', 'g')
    END"""
SQL = f"""
CREATE TABLE emp AS
SELECT kommun_code, period_date, unit, {PNR12.format(c="pnr")} AS person,
       nullif(trim(code), '') AS code,
       CASE WHEN lower(form) LIKE '%tim%' THEN 'hourly' ELSE 'monthly' END AS form,
       CAST(replace(nullif(trim(fte), ''), ',', '.') AS DOUBLE) AS fte
FROM (SELECT * REPLACE (CAST(period_date AS DATE) AS period_date) FROM jobs_df);
CREATE TABLE unit AS
SELECT kommun_code, period_date, unit, nullif(trim(parent), '') AS parent,
       {PNR12.format(c="mgr_pnr")} AS org_manager
FROM (SELECT * REPLACE (CAST(period_date AS DATE) AS period_date) FROM units_df);
"""


FIGURES = """
CREATE TABLE own AS
WITH coded AS (
    SELECT kommun_code, period_date, unit, person,
           row_number() OVER (PARTITION BY kommun_code, period_date, unit
                              ORDER BY code, fte DESC NULLS LAST, pseudonym) AS rank
    FROM (SELECT *, hmac(person) AS pseudonym FROM emp) WHERE code IN ('A', 'B', 'C', 'L')
)
SELECT u.kommun_code, u.period_date, u.unit, u.parent,
       coalesce(u.org_manager, c.person) AS manager
FROM unit u LEFT JOIN coded c
  ON c.kommun_code = u.kommun_code AND c.period_date = u.period_date
 AND c.unit = u.unit AND c.rank = 1;
CREATE TABLE tree AS
WITH RECURSIVE walk AS (
    SELECT kommun_code, period_date, unit, manager AS leader FROM own WHERE parent IS NULL
    UNION ALL
    SELECT c.kommun_code, c.period_date, c.unit, coalesce(c.manager, w.leader)
    FROM walk w JOIN own c
      ON c.kommun_code = w.kommun_code AND c.period_date = w.period_date AND c.parent = w.unit
)
SELECT * FROM walk;
CREATE TABLE not_staff AS
SELECT DISTINCT kommun_code, period_date, manager AS person FROM own WHERE manager IS NOT NULL
UNION
SELECT DISTINCT e.kommun_code, e.period_date, e.person FROM emp e
JOIN own o USING (kommun_code, period_date, unit) WHERE e.code IN ('A', 'B', 'C', 'L');
CREATE TABLE per_manager AS
WITH staff AS (  -- one row per person and leading manager: persons deduplicated
    SELECT t.kommun_code, t.period_date, t.leader AS manager, e.person,
           bool_or(e.form = 'monthly') AS monthly,
           coalesce(sum(CAST(e.fte / 100.0 AS DECIMAL(18, 6))) FILTER (WHERE e.form = 'monthly'), 0) AS fte
    FROM emp e JOIN tree t USING (kommun_code, period_date, unit)
    ANTI JOIN not_staff n USING (kommun_code, period_date, person)
    WHERE t.leader IS NOT NULL
    GROUP BY ALL
), managers AS (SELECT DISTINCT kommun_code, period_date, manager FROM own WHERE manager IS NOT NULL)
SELECT m.kommun_code, m.period_date, hmac(m.manager) AS manager_id,
       count(s.person) FILTER (WHERE s.monthly) AS employees_monthly_paid,
       count(s.person) FILTER (WHERE NOT s.monthly) AS employees_hourly,
       round(coalesce(sum(s.fte), 0), 2) AS fte_monthly_paid
FROM managers m LEFT JOIN staff s USING (kommun_code, period_date, manager)
GROUP BY ALL;
"""


def span_figures(inbox: Path, key: bytes) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-manager figures, kommun roll-up), from the inbox's HR exports."""
    import hashlib
    import hmac as hmac_lib

    jobs_df, units_df = _frames(inbox)
    con = duckdb.connect()
    con.register("jobs_df", jobs_df)
    con.register("units_df", units_df)
    # The refresh's keyed pseudonym, so the baseline's managers can be matched with the mart's.
    con.create_function(
        "hmac",
        lambda p: hmac_lib.new(key, p.encode(), hashlib.sha256).hexdigest(),
        ["VARCHAR"],
        "VARCHAR",
    )
    con.execute(SQL)
    con.execute(FIGURES)
    per_manager = con.sql("SELECT * FROM per_manager ORDER BY ALL").df()
    rollup = con.sql("""
        SELECT kommun_code, period_date, count(*) AS managers,
               sum(employees_monthly_paid) AS employees_monthly_paid,
               sum(employees_hourly) AS employees_hourly, sum(fte_monthly_paid) AS fte_monthly_paid
        FROM per_manager GROUP BY ALL ORDER BY ALL""").df()  # fmt: skip
    return per_manager, rollup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--key", default="benchmark-key")
    args = parser.parse_args()
    per_manager, rollup = span_figures(args.inbox, args.key.encode())
    print(f"{len(per_manager)} managers", file=sys.stderr)
    print(rollup.to_string(index=False))


if __name__ == "__main__":
    main()
