"""Build published files: marts only, from the store, into a new file that is swapped in atomically."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from schemas.dictionary import mart_dictionary_rows
from schemas.indicators import catalogue, indicator_ids
from schemas.kolada import configured_kpis
from schemas.marts import MART_DISCLOSURE_REPORT, MARTS
from schemas.model import Table, sql_literal
from warehouse import carry as carry_marts
from warehouse.disclosure import pool as disclosure_pool
from warehouse.disclosure.sick_leave import SickLeaveStep
from warehouse.disclosure.surveys import SurveyStep
from warehouse.intermediate import (
    SQL_DIR,
    computed_for,
    create_scope_views,
    duckdb_config,
    run_intermediate,
)

# Research and practice reference points for mart_strengths_challenges: data, not code.
REFERENCE_POINTS = Path(__file__).parent / "reference_points.yaml"
REFERENCE_COLUMNS = {  # column -> DuckDB type of the reference_point temp table
    "position": "INTEGER",
    "metric": "VARCHAR",
    "label": "VARCHAR",
    "unit": "VARCHAR",
    "decimals": "INTEGER",
    "worse": "VARCHAR",
    "challenge_above": "DOUBLE",
    "challenge_below": "DOUBLE",
    "challenge_reason": "VARCHAR",
    "strength_at_most": "DOUBLE",
    "strength_at_least": "DOUBLE",
    "strength_reason": "VARCHAR",
    "median_diff": "DOUBLE",
}
# Analysts' tools (DBeaver, ODBC, CLI 1.x) cannot open DuckDB 2.0's newer storage format; with
# no key constraints in the file DuckDB 1.0 opens it (benchmarks/bench_reader_versions.py).
PUBLISHED_STORAGE_VERSION = "v1.0.0"
COMBINED_NAME = "chefskartan.duckdb"
# Steps in Python between the intermediate SQL and the marts (disclosure control is iterative),
# run together on one worker pool (warehouse/disclosure/pool.py `protect`).
PYTHON_STEPS = (SurveyStep, SickLeaveStep)


# A mart's SQL that sorts its rows itself (the outer ORDER BY of its last line).
ORDERED = re.compile(r"\bORDER BY [^()]*$", re.IGNORECASE)


class MartMismatch(Exception):
    """A mart's SQL returns other columns than its declaration in schemas/marts.py."""


def kommun_file_name(kommun_code: str) -> str:
    return f"kommun_{kommun_code}.duckdb"


def build_marts(
    store: Path,
    out: Path,
    *,
    kommuner: Iterable[str] | None = None,
    intermediate: Path | None = None,
    spill: Path | None = None,
    carry: Path | None = None,
    template: Path | None = None,
) -> pd.DataFrame:
    """Write every mart into the new file `out` (which must not exist) from the store.

    `kommuner` limits the marts to those kommuner's rows (the survey fast path); `intermediate`
    is the work file the load step's checks computed the intermediates into, reused when it
    was computed for the same scope; `spill` is where DuckDB may spill beyond its memory limit.
    `carry` (with `kommuner`; a survey export loaded alone) is the live combined file: the marts
    no survey feeds are copied from it for those kommuner instead of rebuilt (warehouse/carry.py).
    `template` is where the empty published file (every mart's table and comments) is kept for
    the kommun files too: `out` starts as a copy of it (written there first if missing).
    Returns what the after-build checks found (rules that need the marts, e.g. a plan's
    baseline); an error there means the file must not be published.
    """
    start_published(out, template)
    con = duckdb.connect(config=duckdb_config(spill))
    try:
        con.execute("SET enable_progress_bar = false")  # a bar per long query would litter logs
        # read-write: the refresh's private copy, where disclosure control caches its results
        con.execute(f"ATTACH {sql_literal(str(store))} AS store")
        reuse = intermediate is not None and computed_for(intermediate, kommuner)
        if reuse:
            con.execute(f"ATTACH {sql_literal(str(intermediate))} AS inter (READ_ONLY)")
        if kommuner is not None:
            create_scope_views(con, "store", kommuner)
        con.execute(f"ATTACH {sql_literal(str(out))} AS pub")
        con.execute("USE pub")
        con.execute(f"SET search_path = 'pub.main,{'inter.main,' if reuse else ''}store.main'")
        con.register("indicator_catalogue", catalogue_frame())
        con.register("mart_dictionary_rows", pd.DataFrame(mart_dictionary_rows()))
        con.register("kolada_kpi_config", pd.DataFrame([asdict(k) for k in configured_kpis()]))
        if not reuse:
            run_intermediate(con)
        load_reference_points(con)
        carried = set()
        if carry is not None and kommuner is not None:
            carry_marts.prepare(con, str(carry))
            carried = carry_marts.carried_marts(mart_sql)
        con.execute("SET threads = 1")  # rows reach disclosure control in stored order
        steps = [step(con) for step in PYTHON_STEPS if not (carried and step is SickLeaveStep)]
        disclosure_pool.protect(con, steps)  # on one pool: the steps' workers started once
        con.execute("RESET threads")
        con.execute("BEGIN TRANSACTION")  # one commit for the whole file, not one per statement
        for mart in MARTS:
            if mart.name in carried:
                carry_marts.copy_rows(con, mart, kommuner)
            else:
                create_mart(con, mart, mart_sql(mart), exists=True)
        if carried:
            carry_marts.copy_sick_leave_report(con, kommuner)
            check_unique_key(con, MART_DISCLOSURE_REPORT)
        findings = run_check_files(con, sorted((SQL_DIR / "checks_after_build").glob("*.sql")))
        con.execute("COMMIT")
        return findings
    finally:
        con.close()


def catalogue_frame() -> pd.DataFrame:
    return pd.DataFrame([asdict(entry) for entry in catalogue()])


def mart_sql(mart: Table) -> str:
    """The mart's SQL, with the indicator columns filled in where it asks for them."""
    ids = indicator_ids()
    return (
        (SQL_DIR / "marts" / f"{mart.name}.sql")
        .read_text(encoding="utf-8")
        .replace(
            "{indicator_columns_as_double}", ", ".join(f"CAST({c} AS DOUBLE) AS {c}" for c in ids)
        )
        .replace("{indicator_columns}", ", ".join(ids))
    )


def run_check_files(con: duckdb.DuckDBPyConnection, files: list[Path]) -> pd.DataFrame:
    """Each check file's findings, with the check's name, in one frame."""
    frames = []
    for path in files:
        found = con.execute(path.read_text(encoding="utf-8").strip().rstrip(";")).df()
        found.insert(0, "check_name", path.stem)
        frames.append(found)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def reference_points(path: Path = REFERENCE_POINTS) -> pd.DataFrame:
    """The reference points file as a frame (one row per metric, in file order), checked."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for position, item in enumerate(spec["metrics"], start=1):
        unknown = set(item) - set(REFERENCE_COLUMNS)
        if unknown or item.get("worse") not in ("higher", "lower"):
            raise ValueError(f"{path}: {item.get('metric')}: bad keys {unknown} or 'worse'")
        for kind in ("challenge", "strength"):
            has_point = any(k.startswith(kind + "_") and k != kind + "_reason" for k in item)
            if has_point and not item.get(f"{kind}_reason"):
                raise ValueError(f"{path}: {item['metric']}: {kind} point without a reason")
        rows.append({**dict.fromkeys(REFERENCE_COLUMNS), **item, "position": position})
    frame = pd.DataFrame(rows, columns=list(REFERENCE_COLUMNS))
    numeric = [c for c, sql_type in REFERENCE_COLUMNS.items() if sql_type == "DOUBLE"]
    frame[numeric] = frame[numeric].astype("float64")
    return frame


def load_reference_points(con: duckdb.DuckDBPyConnection, path: Path = REFERENCE_POINTS) -> None:
    """The reference points as the TEMP table reference_point, read by the marts' SQL."""
    frame = reference_points(path)
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in REFERENCE_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE reference_point ({columns})")
    con.register("reference_frame", frame)
    try:
        con.execute("INSERT INTO reference_point BY NAME SELECT * FROM reference_frame")
    finally:
        con.unregister("reference_frame")


def attach_new_published(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Attach a new published file as `pub` (in the storage version analysts' tools read)."""
    version = PUBLISHED_STORAGE_VERSION
    con.execute(f"ATTACH {sql_literal(str(out))} AS pub (STORAGE_VERSION '{version}')")
    con.execute("USE pub")


def write_template(template: Path) -> None:
    """An empty published file: every mart's table and comments, in one commit.

    Tables and comments (~330 catalogue changes) are made once per refresh, for the combined
    file and every kommun file alike, which start as copies of it.
    """
    con = duckdb.connect()
    try:
        attach_new_published(con, template)
        con.execute("BEGIN TRANSACTION")
        con.execute(";\n".join(s for m in MARTS for s in mart_ddl_statements(m)))
        con.execute("COMMIT")
    finally:
        con.close()


def mart_ddl_statements(mart: Table) -> list[str]:
    return [mart.ddl(with_primary_key=False), *mart.comment_statements()]


def start_published(out: Path, template: Path | None) -> None:
    """`out` as a copy of the template (written first if missing), or written as one."""
    if template is None:
        write_template(out)
        return
    if not template.exists():
        write_template(template)
    shutil.copyfile(template, out)


def create_mart(
    con: duckdb.DuckDBPyConnection, mart: Table, select_sql: str, exists: bool = False
) -> None:
    """Fill the mart from its SQL (its table made first unless it `exists`, from the template)."""
    query = select_sql.strip().rstrip(";")
    columns = [d[0] for d in con.execute(f"DESCRIBE {query}").fetchall()]
    if columns != mart.column_names:
        raise MartMismatch(f"{mart.name}: SQL gives {columns}, declared {mart.column_names}")
    if not exists:
        con.execute(mart.ddl(with_primary_key=False))
    if "kommun_code" in mart.column_names and not ORDERED.search(query):
        # stored by kommun, each kommun file's copy reads only that kommun's row groups (their
        # min/max say which): without it every kommun file scanned every mart whole
        query = f"SELECT * FROM ({query}) ORDER BY kommun_code"
    try:
        con.execute(f"INSERT INTO {mart.name} BY NAME {query}")
    except duckdb.Error as exc:  # DuckDB's message (e.g. out of memory) does not say which mart
        raise type(exc)(f"{mart.name}: {exc}") from exc
    check_unique_key(con, mart)
    if not exists:
        con.execute(";\n".join(mart.comment_statements()))


def check_unique_key(con: duckdb.DuckDBPyConnection, mart: Table) -> None:
    """The mart's declared key is unique (the published files carry no key constraint)."""
    if not mart.primary_key:
        return
    key = ", ".join(mart.primary_key)
    # distinct hashes prove distinct keys (a third of a GROUP BY over long text keys); only
    # when two rows share a hash does the exact count below tell a duplicate from a collision
    rows_over_hashes = con.execute(
        f"SELECT count(*) - count(DISTINCT hash({key})) FROM {mart.name}"
    ).fetchone()[0]
    if not rows_over_hashes:
        return
    duplicates = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM {mart.name} GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()[0]
    if duplicates:
        raise MartMismatch(f"{mart.name}: {duplicates} keys ({key}) occur more than once")


def build_kommun_file(combined: Path, out: Path, kommun_code: str) -> None:
    """A kommun's own file: the combined marts filtered to its rows only (tenant isolation)."""
    write_template(out)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_literal(str(combined))} AS src (READ_ONLY)")
        con.execute(f"ATTACH {sql_literal(str(out))} AS pub")
        con.execute("BEGIN TRANSACTION")
        fill_kommun_file(con, kommun_code)
        con.execute("COMMIT")
    finally:
        con.close()


def fill_kommun_file(con: duckdb.DuckDBPyConnection, kommun_code: str, into: str = "pub") -> None:
    """Copy the kommun's rows of every mart from `src` into the empty marts of `into`."""
    code = sql_literal(kommun_code)  # a literal, not a parameter: the scan skips row groups
    for mart in MARTS:
        where = f" WHERE kommun_code = {code}" if "kommun_code" in mart.column_names else ""
        con.execute(f"INSERT INTO {into}.{mart.name} SELECT * FROM src.{mart.name}{where}")


def publish(built: dict[Path, Path]) -> None:
    """Move each built file over its published name; os.replace is atomic on one file system."""
    for tmp, final in built.items():
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
