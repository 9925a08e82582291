"""Main-process SQL benchmark: wall and CPU of each statement after extraction, on a store copy.

Parts, in refresh order, each from a copy of a loaded store (never written):
  load    load_history of every history row, staged as one parquet file per table, kommun,
          period (and survey partition), into an empty store (a cold refresh's load)
  checks  the load step's checks: the intermediates into a work file, then each check file
  marts   build_marts (reusing the checks' intermediates): the disclosure steps, each mart
          (its DESCRIBE, INSERT and key check) and the after-build checks
  files   write_kommun_files from the combined file, cold (no earlier version)
CPU is this process's (DuckDB's threads included; the disclosure workers' separately): compare
CPU, not wall, on a shared machine. `--keep DIR` keeps the published files; `--compare A B`
compares two kept folders row by row (EXCEPT ALL both ways; refresh ids and times aside).
Usage: python benchmarks/bench_marts.py STORE.duckdb [--parts load,checks,marts,files] [--keep DIR]
       [--work DIR] [--from-caches | --inputs FILE | --save-inputs FILE] [--intermediate FILE]
       python benchmarks/bench_marts.py --compare DIR_A DIR_B [--kommuner 30]

Measured 2026-12-01 on a copy of the national store (290 kommuner, 874k employments, one
period), 2 shared cores at load average 4-7, CPU s (this process, DuckDB's threads included):
  load    load_history 17.4: its 12 INSERTs 13.9 (survey answers and employments alone, into
          tables without a primary key: 3.9 + 3.5; the key's index is about half of it)
  checks  run_checks 77: the intermediates ~73, the check files 3.9, of which
          person_with_several_employments 3.2 -> 0.5 (A/B twice; the same 13,567 findings)
  marts   (--from-caches) create_mart, 21 marts, 50.8 -> 48.6: mart_survey_item 13.0 (written
          unsorted 6.5: the ORDER BY kommun_code is half), mart_span_rollup 9.6 -> 6.1 (its
          query alone A/B twice: 8.6, 10.2 -> 7.0, 6.6; the same 45,231 rows),
          mart_survey_distribution 7.7, mart_disclosure_report 4.4, mart_survey_index 3.6,
          the rest under 3 each; survey_released.sql (the disclosure step's) 20
  files   write_kommun_files 46.4 (both threads): a file costs ~110 ms whatever its size
          (~60 ms of 21 INSERTs, ~50 ms of commit) plus ~3 us per row; fingerprints 0.4

Measured 2026-12-01 (session 10), same store, load average 4-6, CPU s, before -> after:
  survey_released.sql alone on one thread (the build's setting), A/B twice: 21.6, 19.3 ->
          16.2, 15.9 (int_survey_released_cell a view: 2.4 -> 0; the published-cell join, which
          spilled beside it at 512MB, ~12 -> ~11; with 4GB the join alone is 6.6)
  the survey step's input digest of the cells (one thread) 12.0 -> 6.0 (no DISTINCT)
  int_survey_cell's sort 8.6 -> 6.8 (on its key)
  the whole run (checks, marts --from-caches, files) with the survey_released change alone:
          208.8 -> 207.7 process CPU (survey_released 17.4 -> 15.7 in it; the rest is noise at
          this load), 0 rows differ (--compare: combined file and 33 kommun files)
  Not worth it: kommun files' 21 INSERTs read a mart unsorted by kommun ~9x slower (128 vs 14
          ms per kommun for mart_survey_item), so create_mart's ORDER BY kommun_code stays; one
          transaction cannot write two attached files; disabling every compression method
          left a file's commit at ~75-85 ms (its cost is spread: string appends, the distinct
          statistics' HyperLogLogs, dictionary lookups, fsync). Sorting the disclosure inputs
          as they are made (not copied sorted after) ran int_survey_cell out of memory at 512MB.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import warehouse.build as build  # noqa: E402
import warehouse.checks as checks  # noqa: E402
import warehouse.kommun_files as kommun_files  # noqa: E402
from schemas.survey_tables import SURVEY_TABLES  # noqa: E402
from schemas.tables import HISTORY_TABLES  # noqa: E402
from warehouse.intermediate import INTERMEDIATE_NAME, duckdb_config  # noqa: E402
from warehouse.store import StagedTable, ensure_schema, history_table, load_history  # noqa: E402

PARTS = ("load", "checks", "marts", "files")
# columns that differ between two builds of the same data
VOLATILE = re.compile(r"^(refresh_id|refreshed_at|fetched_at|age_days|built_at)$")
TIMES: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # label -> calls, wall, cpu


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def record(label: str, wall: float, cpu: float) -> None:
    entry = TIMES[label]
    entry[0] += 1
    entry[1] += wall
    entry[2] += cpu


class TimedConnection:
    """A DuckDB connection whose execute() is timed under `label` and the statement's verb."""

    def __init__(self, con: duckdb.DuckDBPyConnection, label: str) -> None:
        self._con, self.label = getattr(con, "_con", con), label

    def execute(self, sql: str, *args):
        body = re.sub(r"^(\s*--[^\n]*\n)*\s*", "", sql)  # a file's statements: its first named
        verb = body.split(None, 1)[0].upper()
        name = re.search(r"(?:TABLE|MACRO|VIEW)\s+(?:IF NOT EXISTS\s+)?([\w.]+)", body[:300])
        label = f"{self.label} {verb}{' ' + name.group(1) if name and verb == 'CREATE' else ''}"
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            return self._con.execute(sql, *args)
        finally:
            record(label, time.perf_counter() - wall, cpu_seconds() - cpu)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def timed_function(owner, name: str, label) -> None:
    """Time every call of owner.name under label(*args) (a function of its arguments)."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def step(*args, **kwargs):
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            return inner(*args, **kwargs)
        finally:
            record(label(*args), time.perf_counter() - wall, cpu_seconds() - cpu)

    setattr(owner, name, step)


def save_temp_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every TEMP table of the build's connection (what the disclosure steps made) to a file."""
    con.execute(f"ATTACH '{path}' AS saved")
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY 1"
    ).fetchall():
        con.execute(f"CREATE TABLE saved.{name} AS FROM temp.main.{name}")
    con.execute("DETACH saved")


def restore_temp_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The saved TEMP tables back, in their stored order (instead of the disclosure steps)."""
    con.execute(f"ATTACH '{path}' AS saved (READ_ONLY)")
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'saved' ORDER BY 1"
    ).fetchall():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS FROM saved.{name}")
    con.execute("DETACH saved")


def from_caches(con: duckdb.DuckDBPyConnection) -> None:
    """The disclosure steps' tables from the store's result caches, one result per key: for
    timing the marts at scale without the steps (not what a refresh would publish; compare two
    revisions' files built the same way)."""
    from warehouse.disclosure.releases import response_batches
    from warehouse.disclosure.surveys import RELEASED_SQL

    def latest(table: str, key: str) -> str:
        return (
            f"FROM store.main.{table} QUALIFY fingerprint = "
            f"max(fingerprint) OVER (PARTITION BY {key})"
        )

    survey_key = "kommun_code, period_date, survey_id, respondent_role"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE int_sick_leave_protection AS SELECT * EXCLUDE (fingerprint) "
        + latest("cache_sick_leave_protection", "kommun_code, period_date")
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE int_survey_suppression AS SELECT {survey_key}, measure_id, "
        "cell_id, coalesce(suppression <> 'republication', false) AS is_suppressed, "
        "suppression, CAST(snapshot AS BIGINT) AS snapshot "
        + latest("cache_survey_suppression_v2", survey_key)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE int_survey_group_cut AS SELECT {survey_key}, group_name "
        + latest("cache_survey_group_cut", survey_key)
    )
    response_batches(con, "store")
    con.execute(RELEASED_SQL.read_text())


def instrument(save: Path | None = None, inputs: Path | None = None, caches: bool = False) -> None:
    """Statement timers inside the build and the kommun files; with `save` the disclosure
    steps' results are saved, with `inputs` restored from such a file instead of computed."""
    original_create = build.create_mart

    def create_mart(con, mart, *args, **kwargs):
        return original_create(TimedConnection(con, f"marts {mart.name}"), mart, *args, **kwargs)

    build.create_mart = create_mart
    # the build's own statements (its COMMIT, the disclosure steps' SQL) under "build"
    build.duckdb = type(
        "TimedDuckDB", (), {
            "connect": staticmethod(lambda *a, **k: TimedConnection(duckdb.connect(*a, **k), "build")),
            "__getattr__": lambda self, name: getattr(duckdb, name),
        },
    )()  # fmt: skip
    original_checks = build.run_check_files

    def run_check_files(con, files):
        frames = [original_checks(TimedConnection(con, f"check {p.stem}"), [p]) for p in files]
        return build.pd.concat(frames, ignore_index=True) if frames else build.pd.DataFrame()

    build.run_check_files = checks.run_check_files = run_check_files
    original_intermediate = build.run_intermediate

    def run_intermediate(con, *args, **kwargs):
        return original_intermediate(TimedConnection(con, "inter"), *args, **kwargs)

    build.run_intermediate = run_intermediate
    import warehouse.intermediate as intermediate

    original_in = intermediate.run_intermediate
    intermediate.run_intermediate = lambda con, *a, **k: original_in(
        TimedConnection(con, "inter"), *a, **k
    )
    # the disclosure steps are classes run by pool.protect: timed as one, or replaced
    real_protect = build.disclosure_pool.protect

    def protect(con, steps):
        wall, cpu = time.perf_counter(), cpu_seconds()
        real_protect(con, steps)
        record(
            "marts disclosure steps (pool.protect)", time.perf_counter() - wall, cpu_seconds() - cpu
        )

    replacements = []
    if inputs is not None:
        replacements = [lambda con: record_restore(con, inputs)]
    if caches:
        replacements = [from_caches]
    if replacements:
        build.PYTHON_STEPS = ()

        def protect(con, steps):  # noqa: F811
            for replacement in replacements:
                replacement(con)
            if save is not None:
                save_temp_tables(con, save)

    elif save is not None:
        timed = protect

        def protect(con, steps):  # noqa: F811
            timed(con, steps)
            save_temp_tables(con, save)

    build.disclosure_pool = type("TimedPool", (), {"protect": staticmethod(protect)})()
    timed_function(kommun_files, "fingerprints", lambda *a: "files fingerprints")
    timed_function(kommun_files, "write_files", lambda *a: "files write_files (per thread)")


def record_restore(con: duckdb.DuckDBPyConnection, inputs: Path) -> None:
    wall, cpu = time.perf_counter(), cpu_seconds()
    restore_temp_tables(con, inputs)
    record(
        "marts restore disclosure results (not in a refresh)",
        time.perf_counter() - wall,
        cpu_seconds() - cpu,
    )


def stage_history(store: Path, folder: Path) -> list[StagedTable]:
    """Every history row of `store` as parquet files, one per table, kommun, period, partition."""
    staged = []
    con = duckdb.connect(str(store), read_only=True)
    try:
        for name in HISTORY_TABLES:
            shape = ("survey_id", "respondent_role") if name in SURVEY_TABLES else ()
            shape = tuple(c for c in shape if c in HISTORY_TABLES[name].column_names)
            keys = ", ".join(("kommun_code", "period_date", *shape))
            target = history_table(name)
            for key in con.execute(f"SELECT DISTINCT {keys} FROM {target} ORDER BY ALL").fetchall():
                path = folder / f"{len(staged):05d}_{name}.parquet"
                where = " AND ".join(f"{c} = ?" for c in keys.split(", "))
                con.execute(
                    f"COPY (SELECT * FROM {target} WHERE {where}) TO '{path}' (FORMAT parquet)",
                    list(key),
                )
                partition = tuple(zip(shape, key[2:], strict=True))
                staged.append(StagedTable(name, key[0], str(key[1]), path, partition))
    finally:
        con.close()
    return staged


def run_load(store: Path, work: Path) -> None:
    staged = stage_history(store, Path(tempfile.mkdtemp(dir=work)))
    con = duckdb.connect(str(work / "empty.duckdb"), config=duckdb_config(work / "spill"))
    try:
        ensure_schema(con)
        wall, cpu = time.perf_counter(), cpu_seconds()
        load_history(TimedConnection(con, "load"), staged)
        record("load load_history (all)", time.perf_counter() - wall, cpu_seconds() - cpu)
    finally:
        con.close()


def run_parts(args: argparse.Namespace, work: Path) -> Path:
    parts = args.parts.split(",")
    instrument(args.save_inputs, args.inputs, args.from_caches)
    store = args.store.resolve()
    copy = work / "store.duckdb"
    shutil.copyfile(store, copy)
    inter = work / INTERMEDIATE_NAME
    if args.intermediate and "checks" not in parts:
        shutil.copyfile(args.intermediate, inter)
    if "load" in parts:
        run_load(store, work)
    if "checks" in parts:
        con = duckdb.connect(str(copy), config=duckdb_config(work / "spill"))
        con.execute("SET enable_progress_bar = false")
        try:
            periods = con.execute("SELECT DISTINCT kommun_code, period_date FROM hist_org_unit")
            wall, cpu = time.perf_counter(), cpu_seconds()
            checks.run_checks(con, periods.fetchall(), inter)
            record("check run_checks (all)", time.perf_counter() - wall, cpu_seconds() - cpu)
        finally:
            con.close()
    out = work / "published"
    out.mkdir()
    template = kommun_files.cached_template(work)
    if "marts" in parts or "files" in parts:
        wall, cpu = time.perf_counter(), cpu_seconds()
        build.build_marts(
            copy,
            out / build.COMBINED_NAME,
            intermediate=inter if inter.exists() else None,
            spill=work / "spill",
            template=template,
        )
        record("marts build_marts (all)", time.perf_counter() - wall, cpu_seconds() - cpu)
    if "files" in parts:
        wall, cpu = time.perf_counter(), cpu_seconds()
        kommun_files.write_kommun_files(out / build.COMBINED_NAME, out, work, None, template)
        record("files write_kommun_files (all)", time.perf_counter() - wall, cpu_seconds() - cpu)
    return out


def report() -> None:
    print(f"{'statement':72} {'calls':>5} {'wall s':>8} {'CPU s':>8}")
    for label, (calls, wall, cpu) in TIMES.items():
        print(f"{label[:72]:72} {calls:5d} {wall:8.2f} {cpu:8.2f}")
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{'worker processes (CPU)':72} {'':5} {'':8} {workers.ru_utime + workers.ru_stime:8.2f}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def compare(a: Path, b: Path, sample: int) -> int:
    """Differences between the published files of two folders (combined and a sample of
    kommun files): rows in one and not the other, per table, both ways."""
    names = sorted(p.name for p in a.glob("kommun_*.duckdb"))
    step = max(1, len(names) // sample) if sample else 1
    files = [build.COMBINED_NAME, *(names[::step] if sample else [])]
    differences = 0
    con = duckdb.connect()
    for name in files:
        con.execute(f"ATTACH '{a / name}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b / name}' AS b (READ_ONLY)")
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'a' ORDER BY 1"
        ).fetchall()]  # fmt: skip
        for table in tables:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' "
                "AND table_name = ? ORDER BY column_index", [table]
            ).fetchall() if not VOLATILE.match(c)]  # fmt: skip
            select = ", ".join(f'"{c}"' for c in cols)
            one, two = (f"SELECT {select} FROM {db}.{table}" for db in ("a", "b"))
            only_a = con.execute(f"SELECT count(*) FROM ({one} EXCEPT ALL {two})").fetchone()[0]
            only_b = con.execute(f"SELECT count(*) FROM ({two} EXCEPT ALL {one})").fetchone()[0]
            rows = con.execute(f"SELECT count(*) FROM a.{table}").fetchone()[0]
            if only_a or only_b:
                print(f"{name} {table}: {rows} rows, {only_a} only in A, {only_b} only in B")
            differences += only_a + only_b
        con.execute("DETACH a")
        con.execute("DETACH b")
    print(f"{len(files)} files compared, {differences} rows differ")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, nargs="?")
    parser.add_argument("--parts", default=",".join(PARTS))
    parser.add_argument("--keep", type=Path, help="keep the published files here")
    parser.add_argument(
        "--work",
        type=Path,
        help="work folder, kept; default a temporary one",
    )
    parser.add_argument("--save-inputs", type=Path, help="save the disclosure steps' tables")
    parser.add_argument("--inputs", type=Path, help="restore them instead of the steps")
    parser.add_argument(
        "--intermediate", type=Path, help="an intermediate.duckdb the checks computed"
    )
    parser.add_argument(
        "--from-caches", action="store_true", help="disclosure results from the store's caches"
    )
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("A", "B"))
    parser.add_argument("--kommuner", type=int, default=30, help="kommun files to compare")
    args = parser.parse_args()
    if args.compare:
        sys.exit(1 if compare(*args.compare, args.kommuner) else 0)
    if args.work:
        args.work.mkdir(parents=True)
        out = run_parts(args, args.work)
        report()
        return
    with tempfile.TemporaryDirectory(prefix="bench_marts") as tmp:
        out = run_parts(args, Path(tmp))
        report()
        if args.keep:
            shutil.copytree(out, args.keep)


if __name__ == "__main__":
    main()
