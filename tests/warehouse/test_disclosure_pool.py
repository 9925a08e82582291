"""Disclosure control on worker processes protects exactly as in one process, errors included."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.manifest import ManifestError
from pipelines.refresh import check_before_refresh
from schemas.kolada import configured_kpis
from schemas.model import sql_literal
from warehouse import workers
from warehouse.build import catalogue_frame
from warehouse.disclosure import pool, sick_leave, sick_leave_rule, survey_rule, surveys
from warehouse.intermediate import run_intermediate
from warehouse.workers import InvalidWorkers, cores

ROOT = Path(__file__).resolve().parents[2]
CACHES = ("cache_survey_suppression_v2", "cache_survey_group_cut", "cache_sick_leave_protection")


def _build_connection(store: Path) -> duckdb.DuckDBPyConnection:
    """The store attached and the intermediates computed, as build_marts has them."""
    con = duckdb.connect(config={"threads": 1})
    con.execute(f"ATTACH {sql_literal(str(store))} AS store")
    con.execute("SET search_path = 'store.main'")
    con.register("indicator_catalogue", catalogue_frame())
    con.register("kolada_kpi_config", pd.DataFrame([asdict(k) for k in configured_kpis()]))
    run_intermediate(con)
    return con


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(f"FROM store.main.{table} ORDER BY ALL").df()


def _in_main_process_only(*args, **kwargs):
    raise AssertionError("protected in the main process, not on the workers")


def _drop_caches(con: duckdb.DuckDBPyConnection) -> None:
    for (table,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'store' AND "
        "(table_name LIKE 'cache_%' OR table_name LIKE 'survey_release_%')"
    ).fetchall():
        con.execute(f"DROP TABLE store.main.{table}")  # nothing cached, never published


def test_workers_protect_every_table_exactly_as_one_process_does(
    demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Protected from scratch in one process and again on two workers, every table gets the
    same fingerprint and the very same rows (cached with a fingerprint of their inputs and the
    rule's code), as the refresh cached them."""
    store = shutil.copy(demo_warehouse / "store.duckdb", tmp_path / "store.duckdb")
    con = _build_connection(Path(store))
    refreshed = {table: _rows(con, table) for table in CACHES}
    _drop_caches(con)
    monkeypatch.setenv(pool.WORKERS_ENV, "1")
    surveys.protect_surveys(con)
    sick_leave.protect_sick_leave(con)
    serial = {table: _rows(con, table) for table in CACHES}
    _drop_caches(con)

    monkeypatch.setenv(pool.WORKERS_ENV, "2")
    monkeypatch.setattr(survey_rule, "protect_survey", _in_main_process_only)
    monkeypatch.setattr(sick_leave_rule, "protect_kommun_period", _in_main_process_only)
    pool.protect(con, [surveys.SurveyStep(con), sick_leave.SickLeaveStep(con)])  # as builds do

    assert all(not serial[table].empty for table in CACHES if "group_cut" not in table)
    for table in CACHES:
        pd.testing.assert_frame_equal(_rows(con, table), serial[table])
        pd.testing.assert_frame_equal(refreshed[table], serial[table])


class _Step:
    """A step of `jobs` jobs of 0.2 s each (`exec`: the workers import nothing for it) that logs
    when it reads its inputs, takes a result and finishes."""

    work = staticmethod(exec)

    def __init__(self, name: str, jobs: int, log: list[str]) -> None:
        self.name, self.count, self.log = name, jobs, log

    def demand(self) -> tuple[int, int, int]:
        return self.count, self.count, 1

    def jobs(self, parallel: bool):
        self.log.append(f"{self.name} reads")
        return iter([("import time; time.sleep(0.2)",)] * self.count)

    def take(self, job: tuple, result: object) -> None:
        self.log.append(f"{self.name} takes")

    def finish(self) -> None:
        self.log.append(f"{self.name} finishes")


@pytest.fixture
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every pool the disclosure steps start, on two cores and with no workers setting."""
    monkeypatch.delenv(pool.WORKERS_ENV, raising=False)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    started = []
    real_start = workers.start_pool

    def counted(*args, **kwargs):
        started.append(real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(workers, "start_pool", counted)
    return started


def test_a_builds_steps_run_as_one_stream_on_one_pool(pools_started: list) -> None:
    """The second step reads its inputs while the first one's jobs are still on the workers,
    both steps' jobs run on one pool started once, and each step finishes after every job."""
    started = pools_started
    log: list[str] = []
    pool.protect(duckdb.connect(), [_Step("a", 6, log), _Step("b", 3, log)])
    assert len(started) == 1
    assert log.index("b reads") < max(i for i, e in enumerate(log) if e == "a takes")
    assert log.count("a takes") == 6 and log.count("b takes") == 3
    assert log[-2:] == ["a finishes", "b finishes"]
    with pytest.raises(RuntimeError, match="shutdown"):
        started[0].submit(exec, "pass")  # let go once the steps are done
    log.clear()
    pool.protect(duckdb.connect(), [_Step("a", 0, log), _Step("b", 0, log)])
    assert len(started) == 1  # nothing to protect (all cached): no worker started
    assert log == ["a reads", "b reads", "a finishes", "b finishes"]


def test_a_disclosure_worker_imports_neither_pandas_nor_duckdb(pools_started: list) -> None:
    """A worker loads what its job needs (the rules: numpy and HiGHS), not the main process's
    DuckDB and pandas (~120 MiB more per worker, as the demo's tree measured)."""
    loaded: list[object] = []

    class Probe(_Step):
        work = staticmethod(eval)

        def jobs(self, parallel: bool):
            return iter([("set(__import__('sys').modules) & {'pandas', 'duckdb'}",)] * self.count)

        def take(self, job: tuple, result: object) -> None:
            loaded.append(result)

    pool.protect(duckdb.connect(), [Probe("a", 2, [])])
    assert len(pools_started) == 1  # on the workers, not in this process
    assert loaded == [set(), set()]


def test_a_workers_error_reaches_the_caller_as_the_worker_raised_it() -> None:
    """An LP that fails in a worker (RuntimeError) fails the build with the same type and message,
    which is all the CLI shows (`chefskartan refresh: oväntat fel (RuntimeError) ...`)."""
    messages = ["audit LP: Infeasible", "audit MIP: Time limit reached"]
    # exec: a builtin the workers unpickle without importing anything (a test function would
    # import the test module, and with it the warehouse, in every worker)
    jobs = [(f"raise RuntimeError({m!r})",) for m in messages]
    with pytest.raises(RuntimeError) as raised:
        list(pool.run(2, exec, jobs))
    assert type(raised.value) is RuntimeError
    assert str(raised.value) in messages


def test_a_worker_killed_from_outside_fails_the_build_with_what_to_do() -> None:
    with pytest.raises(pool.WorkerLost, match=f"{pool.WORKERS_ENV}=1"):
        list(pool.run(2, os._exit, [(9,), (9,)]))  # as the kernel's OOM killer would


def test_a_bad_workers_setting_stops_the_refresh_before_it_starts(
    demo_inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pool.WORKERS_ENV, "alla")
    with pytest.raises(ManifestError, match=f"{pool.WORKERS_ENV} ska vara ett heltal"):
        check_before_refresh(demo_inbox)  # the CLI prints it as it prints a manifest's error


def test_the_pool_starts_only_when_the_tables_pay_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pool.WORKERS_ENV, raising=False)
    national_cells, national_atoms = 3_240_999, 216_969  # 290 kommuner, one period
    every_core = min(cores(), pool.MAX_WORKERS)
    assert pool.workers_for(290, national_cells, surveys.MIN_POOL_CELLS) == every_core
    assert pool.workers_for(290, national_atoms, sick_leave.MIN_POOL_ATOMS) == every_core
    assert pool.workers_for(1, national_cells, surveys.MIN_POOL_CELLS) == 1  # one table
    demo_cells, demo_atoms = 19_000, 3_400  # protected in ~1.7 s and ~2.2 s in one process
    assert pool.workers_for(3, demo_cells, surveys.MIN_POOL_CELLS) == min(3, every_core)
    assert pool.workers_for(9, demo_atoms, sick_leave.MIN_POOL_ATOMS) == every_core
    assert pool.workers_for(3, 2_000, surveys.MIN_POOL_CELLS) == 1  # a test's tiny tables
    assert pool.workers_for(9, 300, sick_leave.MIN_POOL_ATOMS) == 1
    monkeypatch.setenv(pool.WORKERS_ENV, "1")
    assert pool.workers_for(290, national_cells, surveys.MIN_POOL_CELLS) == 1
    monkeypatch.setenv(pool.WORKERS_ENV, "3")
    assert pool.workers_for(2, 10, surveys.MIN_POOL_CELLS) == 2  # never more than tables
    for bad in ("0", "två", "-1"):
        monkeypatch.setenv(pool.WORKERS_ENV, bad)
        with pytest.raises(InvalidWorkers, match=pool.WORKERS_ENV):
            pool.workers_for(2, 10, 1)


def test_the_main_process_holds_less_memory_while_disclosure_runs_and_gets_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build's connection has a 1GB limit (CHEFSKARTAN_DUCKDB_MEMORY=1GB); inside disclosure
    it is the smaller one, after it the one it had; a connection already below it is left alone."""
    monkeypatch.delenv(pool.MEMORY_ENV, raising=False)
    monkeypatch.setattr(pool, "MEMORY_LIMIT", "1GB")  # the build's own, set back exactly

    def limit(con: duckdb.DuckDBPyConnection) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    con = duckdb.connect(config={"memory_limit": "1GB"})
    before = limit(con)
    with pool.bounded_memory(con):
        assert limit(con) == "488.2 MiB"  # 512MB
    assert limit(con) == before
    small = duckdb.connect(config={"memory_limit": "100MB"})
    with pool.bounded_memory(small):
        assert limit(small) == "95.3 MiB"
    monkeypatch.setenv(pool.MEMORY_ENV, "200MB")
    with pool.bounded_memory(con):
        assert limit(con) == "190.7 MiB"


def test_the_survey_steps_digests_run_on_every_core_and_its_inputs_are_read_on_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build reads disclosure's inputs on one thread (their stored order); the digests and
    keyed tables before the first job need no order and run on every core; after the step the
    connection is on one thread again, also when a statement failed."""
    from tests.properties.survey_world import World, survey_connection

    seen: dict[str, int] = {}

    def threads(con: duckdb.DuckDBPyConnection) -> int:
        return con.execute("SELECT current_setting('threads')").fetchall()[0][0]

    def noting(name: str, inner):
        def call(con, *args):
            seen[name] = threads(con)
            return inner(con, *args)

        return call

    monkeypatch.setattr(surveys, "input_digests", noting("digests", surveys.input_digests))
    monkeypatch.setattr(surveys, "read_kommun", noting("inputs", surveys.read_kommun))
    world = World(parents=(None, 0, 0), units=(1, 1, 1, 2, 2, 2, 2, 0), groups=(0,) * 8, k=3)
    con = survey_connection(world)
    con.execute("SET threads = 1")
    surveys.protect_surveys(con, catalog=None)
    assert seen == {"digests": cores(), "inputs": 1}
    assert threads(con) == 1
    with pytest.raises(duckdb.Error), pool.all_cores(con):
        con.execute("SELECT * FROM no_such_table")
    assert threads(con) == 1


def test_a_disclosure_worker_solves_on_its_own_thread_only(pools_started: list) -> None:
    """The workers already fill every core, one kommun each: HiGHS starts no thread of its own
    in a worker (with its default it does, and sizes it by reading /sys on every run)."""
    counted: list[object] = []
    threads = "len(__import__('os').listdir('/proc/self/task'))"
    audit = "__import__('warehouse.disclosure.audit', fromlist=['_solver'])"
    solve = f"{audit}._solver().run()"

    class Probe(_Step):
        work = staticmethod(eval)

        def jobs(self, parallel: bool):
            return iter([(f"({audit}.TOL, {threads}, {solve}, {threads})",)] * self.count)

        def take(self, job: tuple, result: object) -> None:
            counted.append(result)

    pool.protect(duckdb.connect(), [Probe("a", 2, [])])
    assert len(pools_started) == 1
    assert len(counted) == 2
    assert all(before == after for _, before, _, after in counted)


def test_an_audit_solves_after_other_code_ran_highs_with_its_default_threads() -> None:
    """HiGHS sizes one scheduler per process at its first run; the attacker's LPs in the tests
    (and any analyst's script) run with HiGHS's default, which would refuse the audit's one
    thread ("global scheduler has already been initialized") and fail the build."""
    script = (
        "import highspy, numpy as np\n"
        "from warehouse.disclosure import audit\n"
        "def run(h):\n"
        "    lp = highspy.HighsLp(); lp.num_col_ = 1; lp.col_cost_ = np.ones(1)\n"
        "    lp.col_lower_, lp.col_upper_ = np.zeros(1), np.ones(1)\n"
        "    h.silent(); h.passModel(lp); h.run(); return h.getModelStatus()\n"
        "print(run(highspy.Highs()), run(audit._solver()), run(highspy.Highs()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split()[-3:] == ["HighsModelStatus.kOptimal"] * 3
