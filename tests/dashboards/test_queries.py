"""The query module: read-only, parameterised, mart_* only, and follows a replaced file."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from dashboards import queries
from tests.dashboards import published_fixture as fx

QUERIES_PY = Path(queries.__file__)


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, replaceable_db: Path) -> Path:
    monkeypatch.setenv(queries.ENV_VAR, str(replaceable_db))
    return replaceable_db


def test_reads_the_published_marts(published_env: Path) -> None:
    kommuner = queries.kommuner()
    assert list(kommuner["kommun_name"]) == ["Burlöv", "Lomma"]
    assert list(kommuner["span_threshold"]) == [30, 25]
    assert queries.periods(fx.BURLOV) == [fx.P_NOW, fx.P_OLD]
    assert queries.periods("0000") == []
    forv = queries.forvaltningar(fx.BURLOV, fx.P_NOW)
    assert list(forv["forvaltning_id"]) == [fx.BUF, fx.VOF]  # by name
    assert list(queries.forvaltningar(fx.BURLOV, fx.P_OLD)["forvaltning_id"]) == [fx.VOF]


def test_managers_largest_span_first_and_without_manager_id(published_env: Path) -> None:
    team = queries.managers(fx.BURLOV, fx.P_NOW, fx.VOF)
    assert list(team["employees_monthly_paid"]) == [42, 31, 30, 28, 3]
    assert list(team["is_above_threshold"]) == [True, True, False, False, False]
    assert "manager_id" not in team.columns
    assert queries.managers(fx.LOMMA, fx.P_NOW, fx.VOF).empty  # other kommun's förvaltning


def test_rollup_returns_one_row_or_none(published_env: Path) -> None:
    row = queries.rollup(fx.BURLOV, fx.P_NOW, "forvaltning", fx.VOF)
    assert row is not None
    assert row["managers"] == 5 and row["share_first_line_above_threshold_pct"] == 50.0
    kommun = queries.rollup(fx.BURLOV, fx.P_NOW, "kommun", fx.BURLOV)
    assert kommun is not None and kommun["chefstathet"] == 22.25
    assert kommun["forvaltning_id"] is None  # NULL comes back as None, not NaN/NA
    assert queries.rollup(fx.BURLOV, fx.P_OLD, "forvaltning", fx.BUF) is None
    with pytest.raises(ValueError):
        queries.rollup(fx.BURLOV, fx.P_NOW, "kommun; DROP TABLE mart_kommun", fx.BURLOV)


def test_last_refresh(published_env: Path) -> None:
    log = queries.last_refresh()
    assert len(log) == 3
    assert int(log["rows_rejected"].sum()) == 2


def test_user_values_are_data_not_sql(published_env: Path) -> None:
    hostile = "1231' OR '1'='1"
    assert queries.periods(hostile) == []
    assert queries.forvaltningar(hostile, fx.P_NOW).empty


def test_connection_is_read_only(published_env: Path) -> None:
    conn = queries._current_connection()
    with pytest.raises(duckdb.Error, match="read-only"):
        conn.cursor().execute("CREATE TABLE mart_evil (x INTEGER)")


def test_another_process_can_read_while_the_app_holds_the_file(published_env: Path) -> None:
    assert list(queries.kommuner()["kommun_code"]) == ["1231", "1262"]  # app connection open
    code = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(con.execute('SELECT count(*) FROM mart_kommun').fetchone()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(published_env)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
    assert queries.periods(fx.LOMMA) == [fx.P_NOW]  # and the app still reads


def test_replaced_file_is_picked_up_without_restart(db: Path) -> None:
    assert list(queries.kommuner()["kommun_name"]) == ["Burlöv", "Lomma"]
    old_inode = db.stat().st_ino
    renamed = [dict(k, kommun_name=k["kommun_name"] + " kommun") for k in fx.KOMMUNER]
    newer = [dict(r, managers=r["managers"] + 100) for r in fx.ROLLUPS]
    fx.publish(db, kommuner=renamed, rollups=newer)
    assert db.stat().st_ino != old_inode  # really a new file, as os.replace gives

    assert list(queries.kommuner()["kommun_name"]) == ["Burlöv kommun", "Lomma kommun"]
    row = queries.rollup(fx.BURLOV, fx.P_NOW, "forvaltning", fx.VOF)
    assert row is not None and row["managers"] == 105


def test_old_connection_is_closed_after_replacement(db: Path) -> None:
    first = queries._current_connection()
    fx.publish(db)
    second = queries._current_connection()
    assert second is not first
    with pytest.raises(duckdb.ConnectionException):
        first.cursor()
    assert queries._current_connection() is second  # cached while the file is unchanged


def test_parallel_readers_across_a_replacement(db: Path) -> None:
    """Threads querying while the file is replaced get either the old or the new figure."""
    errors: list[BaseException] = []
    seen: set[int] = set()

    def read() -> None:
        try:
            for _ in range(30):
                row = queries.rollup(fx.BURLOV, fx.P_NOW, "kommun", fx.BURLOV)
                assert row is not None
                seen.add(int(row["managers"]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    fx.publish(db, rollups=[dict(r, managers=r["managers"] + 100) for r in fx.ROLLUPS])
    for t in threads:
        t.join()
    assert not errors, errors
    assert seen <= {8, 108}
    row = queries.rollup(fx.BURLOV, fx.P_NOW, "kommun", fx.BURLOV)
    assert row is not None and row["managers"] == 108


def test_missing_file_raises_swedish_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(queries.ENV_VAR, str(tmp_path / "saknas.duckdb"))
    with pytest.raises(queries.PublishedDbMissing, match="Inget publicerat lager ännu"):
        queries.kommuner()
    monkeypatch.delenv(queries.ENV_VAR)
    with pytest.raises(queries.PublishedDbMissing, match=queries.ENV_VAR):
        queries.kommuner()


def test_a_file_that_is_not_duckdb_gives_a_swedish_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "trasig.duckdb"
    bad.write_text("inte en databas")
    monkeypatch.setenv(queries.ENV_VAR, str(bad))
    with pytest.raises(queries.PublishedDbUnreadable, match="kunde inte öppnas"):
        queries.kommuner()


def test_every_query_reads_only_mart_tables() -> None:
    for name, sql in queries.SQL.items():
        if name in queries.CATALOGUE_QUERIES:
            # Only the catalogue, and only to list the mart_* tables present.
            assert "FROM duckdb_tables()" in sql and "LIKE 'mart_%'" in sql, name
            continue
        # get_table_names cannot parse ? placeholders; NULL keeps the statement's shape.
        tables = duckdb.get_table_names(sql.replace("?", "NULL"))
        assert tables, name
        assert all(t.startswith("mart_") for t in tables), (name, tables)


def test_every_query_runs_against_a_file_holding_only_marts(published_env: Path) -> None:
    with duckdb.connect(str(published_env), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert names and all(n.startswith("mart_") for n in names)
    queries.kommuner()
    queries.periods(fx.BURLOV)
    queries.forvaltningar(fx.BURLOV, fx.P_NOW)
    queries.managers(fx.BURLOV, fx.P_NOW, fx.VOF)
    for scope_type, scope_id in [("kommun", fx.BURLOV), ("enhet", "U11")]:
        assert queries.rollup(fx.BURLOV, fx.P_NOW, scope_type, scope_id) is not None
    queries.last_refresh()
    assert "mart_strengths_challenges" in queries.published_marts()
    assert not queries.strengths_challenges(fx.BURLOV, fx.P_NOW).empty
    assert not queries.sick_leave(fx.BURLOV, fx.P_NOW, "forvaltning", fx.VOF).empty
    assert len(queries.data_quality(fx.BURLOV)) == 1
    assert list(queries.kommun_comparison()["kommun_name"]) == ["Burlöv", "Lomma"]
    assert len(queries.forvaltning_rollups(fx.BURLOV, fx.P_NOW)) == 2


def test_sql_is_never_built_from_strings_at_run_time() -> None:
    """execute() gets a SQL[...] constant and parameters, never an f-string or concatenation."""
    tree = ast.parse(QUERIES_PY.read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"execute", "sql", "query", "executemany"}
    ]
    assert calls
    for call in calls:
        sql = call.args[0]
        assert isinstance(sql, ast.Subscript) and ast.unparse(sql.value) == "SQL", ast.unparse(call)
    assert not any(isinstance(n, ast.JoinedStr) for n in ast.walk(_sql_dict(tree)))


def _sql_dict(tree: ast.Module) -> ast.AST:
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "SQL" for t in targets):
                assert node.value is not None
                return node.value
    raise AssertionError("queries.SQL not found")


def test_dates_come_back_as_dates(published_env: Path) -> None:
    assert all(type(p) is dt.date for p in queries.periods(fx.BURLOV))
