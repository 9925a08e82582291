"""Read-only queries on the published marts: the only dashboards module that touches DuckDB.

Contract: the environment variable CHEFSKARTAN_PUBLISHED_DB names the published .duckdb file.
The refresh replaces that file atomically (os.replace, so a new inode) while the app runs.

How the connection is handled, and why (DESIGN.md §10):
- One read-only connection per published file version, cached with st.cache_resource under
  (path, st_mtime_ns, st_ino). A replaced file gives a new key, hence a new connection.
- Within one process DuckDB hands out the already open database instance for a path, so a
  new connect() would still see the *old* file. The previous connection for the path is
  therefore closed before the new one is opened, after the queries running on it finish
  (closing a connection also closes its cursors, cutting off their results).
- Every query runs on its own .cursor(): a connection shared by Streamlit's script threads
  gives wrong results. Cursors are created one at a time (DuckDB 2.0 refuses concurrent
  calls on one connection); results are fetched fully (they stream and hold the connection)
  and the cursor closed.
- Results are kept per file version (st.cache_data under path, mtime, inode, query and
  parameters), so a click re-reads nothing and a new publication is read afresh; the grant is
  checked before and the rows cut after, for every session.
- SQL lives in the SQL dict below, reads only mart_* tables and takes user values only as
  ? parameters (tests check both).
- Every query passes the session's grant first (dashboards/access.py): the kommun it names
  must be one the grant holds, in a role that may run it; rows of the queries over every
  kommun are cut to the grant's kommuner. On a server of the combined file a query for one
  kommun reads that kommun's own file (kommun_<code>.duckdb) when it is published, so a
  session for Lomma never opens a file that holds Burlöv's rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboards import access

ENV_VAR = "CHEFSKARTAN_PUBLISHED_DB"
COMBINED_FILE = "chefskartan.duckdb"  # every kommun; kommun_<code>.duckdb beside it
LOCAL_ROLE_ENV = "CHEFSKARTAN_LOCAL_ROLE"  # the role of a server without login (default hr)
GRANT_KEY = "_chefskartan_grant"  # st.session_state key; app.py sets it on every run

T = TypeVar("T")

SCOPE_TYPES = ("kommun", "forvaltning", "avdelning", "enhet")

# Queries that read DuckDB's catalogue (to see which marts a file holds), not a mart.
CATALOGUE_QUERIES = frozenset({"published_marts"})

SQL: dict[str, str] = {
    "kommuner": """
        SELECT kommun_code, kommun_name, span_threshold, anonymity_k
        FROM mart_kommun
        ORDER BY kommun_name, kommun_code
    """,
    "periods": """
        SELECT DISTINCT period_date
        FROM mart_span_rollup
        WHERE kommun_code = ?
        ORDER BY period_date DESC
    """,
    "forvaltningar": """
        SELECT scope_id AS forvaltning_id, scope_name AS forvaltning_name
        FROM mart_span_rollup
        WHERE kommun_code = ? AND period_date = ? AND scope_type = 'forvaltning'
        ORDER BY scope_name, scope_id
    """,
    "managers": """
        SELECT unit_ids, unit_names, verksamhet, manager_level, is_first_line,
               employees_monthly_paid, employees_hourly, fte_monthly_paid, managers_led,
               span_threshold, is_above_threshold
        FROM mart_span_of_control
        WHERE kommun_code = ? AND period_date = ? AND forvaltning_id = ?
        ORDER BY employees_monthly_paid DESC NULLS LAST, manager_level, unit_names
    """,
    "rollup": """
        SELECT *
        FROM mart_span_rollup
        WHERE kommun_code = ? AND period_date = ? AND scope_type = ? AND scope_id = ?
    """,
    "forvaltning_rollups": """
        SELECT *
        FROM mart_span_rollup
        WHERE kommun_code = ? AND period_date = ? AND scope_type = 'forvaltning'
        ORDER BY scope_name, scope_id
    """,
    "kommun_comparison": """
        SELECT r.*, k.anonymity_k
        FROM mart_span_rollup r
        JOIN mart_kommun k ON k.kommun_code = r.kommun_code
        WHERE r.scope_type = 'kommun'
        QUALIFY r.period_date = max(r.period_date) OVER (PARTITION BY r.kommun_code)
        ORDER BY r.kommun_name, r.kommun_code
    """,
    "strengths_challenges": """
        SELECT forvaltning_id, forvaltning_name, metric, metric_label, unit, decimals, worse,
               value, is_suppressed, kommun_value, kommun_median, median_diff, reference_value,
               assessment, basis, reason
        FROM mart_strengths_challenges
        WHERE kommun_code = ? AND period_date = ?
        ORDER BY forvaltning_name, forvaltning_id, metric_position
    """,
    "sick_leave": """
        SELECT breakdown, breakdown_group, is_shown, persons, sick_leave_pct,
               long_term_sick_leave_share_pct
        FROM mart_sick_leave
        WHERE kommun_code = ? AND period_date = ? AND scope_type = ? AND scope_id = ?
        ORDER BY CASE breakdown WHEN 'alla' THEN 0 WHEN 'kön' THEN 1 ELSE 2 END,
                 breakdown_group
    """,
    "data_quality": """
        SELECT kommun_code, period_date, check_name, severity, rule, file_name, row_number,
               unit_id, detail
        FROM mart_data_quality
        WHERE kommun_code = ?
        ORDER BY period_date DESC, severity, check_name, file_name, row_number
    """,
    "published_marts": """
        SELECT table_name
        FROM duckdb_tables()
        WHERE database_name = current_database() AND table_name LIKE 'mart_%'
        ORDER BY table_name
    """,
    "survey_period": """
        SELECT max(period_date)
        FROM mart_survey_responses
        WHERE kommun_code = ?
    """,
    "survey_responses": """
        SELECT survey_id, survey_title, scope_type, scope_id, scope_name, respondents,
               is_suppressed, is_held_back, anonymity_k
        FROM mart_survey_responses
        WHERE kommun_code = ? AND period_date = ? AND respondent_role = 'manager'
          AND scope_type IN ('kommun', 'forvaltning')
        ORDER BY survey_id, scope_type, scope_name
    """,
    "survey_index": """
        SELECT survey_id, survey_title, construct, scope_type, scope_id, scope_name,
               respondents, index_0_100, is_suppressed, anonymity_k
        FROM mart_survey_index
        WHERE kommun_code = ? AND period_date = ? AND respondent_role = 'manager'
          AND scope_type IN ('kommun', 'forvaltning')
        ORDER BY survey_id, construct, scope_type, scope_name
    """,
    "units_in_forvaltning": """
        SELECT r.scope_type, r.scope_id, r.scope_name, r.managers, k.anonymity_k
        FROM mart_span_rollup r
        JOIN mart_kommun k ON k.kommun_code = r.kommun_code
        WHERE r.kommun_code = ? AND r.period_date = ? AND r.forvaltning_id = ?
          AND r.scope_type IN ('avdelning', 'enhet')
        ORDER BY r.scope_type, r.scope_name
    """,
    "scope_managers": """
        SELECT r.managers, k.anonymity_k
        FROM mart_span_rollup r
        JOIN mart_kommun k ON k.kommun_code = r.kommun_code
        WHERE r.kommun_code = ? AND r.period_date = ? AND r.scope_type = ? AND r.scope_id = ?
    """,
    "manager_groups": """
        SELECT DISTINCT scope_id, scope_name
        FROM mart_survey_index
        WHERE kommun_code = ? AND period_date = ? AND scope_type = 'manager_group'
        ORDER BY scope_name
    """,
    "survey_index_scope": """
        SELECT survey_id, survey_title, construct, scope_type, scope_id, scope_name,
               respondents, index_0_100, is_suppressed, anonymity_k
        FROM mart_survey_index
        WHERE kommun_code = ? AND period_date = ? AND respondent_role = 'manager'
          AND (scope_type = 'kommun' OR (scope_type = ? AND scope_id = ?))
        ORDER BY survey_id, construct, scope_type, scope_name
    """,
    "survey_time_use": """
        SELECT category, category_kind, scope_type, scope_id, scope_name, respondents,
               mean_share_pct, is_suppressed, anonymity_k
        FROM mart_survey_time_use
        WHERE kommun_code = ? AND period_date = ? AND respondent_role = 'manager'
          AND scope_type IN ('kommun', 'forvaltning')
        ORDER BY category_kind, category, scope_type, scope_name
    """,
    "survey_kommun_index": """
        SELECT kommun_code, kommun_name, survey_id, survey_title, construct, respondents,
               index_0_100, is_suppressed, anonymity_k
        FROM mart_survey_index
        WHERE respondent_role = 'manager' AND scope_type = 'kommun'
        QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
        ORDER BY survey_id, construct, kommun_name
    """,
    "dela_varld": """
        SELECT survey_id, survey_title, measure_type, measure_id, measure_text, construct,
               managers_respondents, managers_index_0_100, managers_suppressed,
               top_management_respondents, top_management_index_0_100,
               top_management_suppressed, gap_0_100, anonymity_k
        FROM mart_survey_dela_varld
        WHERE kommun_code = ? AND period_date = ?
        ORDER BY survey_id, measure_type DESC, construct, measure_id
    """,
    "last_refresh": """
        SELECT refresh_id, refreshed_at, kommun_code, period_date, source, file_name,
               rows_read, rows_loaded, rows_rejected
        FROM mart_refresh_log
        ORDER BY refreshed_at DESC, kommun_code, source, file_name
    """,
    "action_plan": """
        SELECT *
        FROM mart_action_plan
        WHERE kommun_code = ?
        ORDER BY area, measure_id, indicator_id
    """,
    "indicator_trends": """
        SELECT h.scope_id, h.indicator_id, list(h.value ORDER BY h.period_date) AS values,
               list(h.period_date ORDER BY h.period_date) AS periods
        FROM mart_indicator_history h
        WHERE h.kommun_code = ?
          AND (h.scope_id, h.indicator_id) IN (
              SELECT (scope_id, indicator_id) FROM mart_action_plan WHERE kommun_code = ?)
        GROUP BY ALL
    """,
    "scope_history": """
        SELECT *
        FROM mart_span_rollup
        WHERE kommun_code = ? AND scope_type = ?
        ORDER BY scope_name, period_date
    """,
    "follow_ups": """
        SELECT *
        FROM mart_follow_up
        WHERE kommun_code = ?
        ORDER BY scope_name, measure_id, follow_up_date DESC
    """,
}


class PublishedDbProblem(Exception):
    """The published database cannot be used; str(exc) is a Swedish message for the page."""


class PublishedDbMissing(PublishedDbProblem):
    """No published file yet (or the variable naming it is not set)."""


class PublishedDbUnreadable(PublishedDbProblem):
    """The file exists but cannot be read as a published Chefskartan database."""


class AccessDenied(PublishedDbProblem):
    """The session's grant does not cover the query (another kommun, or a role's limit)."""


# --------------------------------------------------------------------------- connection

_lock = threading.RLock()
_drained = threading.Condition(_lock)
_live: dict[str, duckdb.DuckDBPyConnection] = {}  # path -> connection to its newest version
_in_flight: dict[int, int] = {}  # id(connection) -> queries running on its cursors
DRAIN_TIMEOUT_S = 30.0


def published_path() -> Path:
    """The published file named by CHEFSKARTAN_PUBLISHED_DB; PublishedDbMissing if absent."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        raise PublishedDbMissing(
            f"Inget publicerat lager är angivet – sätt {ENV_VAR} till sökvägen för den "
            "publicerade .duckdb-filen (eller kör chefskartan serve)."
        )
    path = Path(raw).expanduser().resolve()
    if not path.is_file():
        raise PublishedDbMissing(
            f"Inget publicerat lager ännu – kör chefskartan refresh. (Väntar på {path}.)"
        )
    return path


def _is_live(conn: duckdb.DuckDBPyConnection) -> bool:
    with _lock:
        return any(conn is live for live in _live.values())


def _retire(conn: duckdb.DuckDBPyConnection) -> None:
    """Close a connection once queries running on its cursors are done (call with _lock held).

    Closing a connection closes its cursors too, which would cut off another session's
    half-fetched result; the wait releases the lock, so those queries can finish.
    """
    _drained.wait_for(lambda: id(conn) not in _in_flight, timeout=DRAIN_TIMEOUT_S)
    conn.close()


def _release(conn: duckdb.DuckDBPyConnection) -> None:
    """Called by Streamlit when a cached connection is evicted or the cache is cleared."""
    with _lock:
        for path, live in list(_live.items()):
            if live is conn:
                del _live[path]
        _retire(conn)


@st.cache_resource(show_spinner=False, max_entries=8, validate=_is_live, on_release=_release)
def _connection(path: str, mtime_ns: int, inode: int) -> duckdb.DuckDBPyConnection:
    """A read-only connection to one version (mtime, inode) of the published file."""
    with _lock:
        old = _live.pop(path, None)  # from now on no new query starts on it
        if old is not None:
            _retire(old)  # must happen before connect(), or DuckDB reuses the old instance
        try:
            conn = duckdb.connect(path, read_only=True)
        except duckdb.Error as exc:
            raise PublishedDbUnreadable(
                f"Det publicerade lagret {path} kunde inte öppnas: {exc}"
            ) from exc
        _live[path] = conn
        return conn


def _connection_to(path: Path) -> duckdb.DuckDBPyConnection:
    return _connection(str(path), *_version_of(path))


def _version_of(path: Path) -> tuple[int, int]:
    """(mtime in ns, inode) of the published file: a new publication is a new pair."""
    try:
        stat = path.stat()
    except FileNotFoundError as exc:  # replaced or removed between the check and stat()
        raise PublishedDbMissing(
            f"Inget publicerat lager ännu – kör chefskartan refresh. (Väntar på {path}.)"
        ) from exc
    return stat.st_mtime_ns, stat.st_ino


def _current_connection() -> duckdb.DuckDBPyConnection:
    """The connection to the file CHEFSKARTAN_PUBLISHED_DB names (its newest version)."""
    return _connection_to(published_path())


def open_published() -> None:
    """Open the published file's newest version ahead of the first query (warm.py): opening a
    national file takes a few tens of milliseconds of the first visit after a publication."""
    with contextlib.suppress(PublishedDbProblem):
        _current_connection()


def published_version() -> tuple[str, int, int] | None:
    """(resolved path, mtime, inode) of the published file, None while there is none: a new
    publication (a new versions/ folder behind the symlink, or os.replace) changes it."""
    try:
        path = published_path()
        stat = path.stat()
    except (PublishedDbMissing, FileNotFoundError):
        return None
    return str(path), stat.st_mtime_ns, stat.st_ino


_acting = threading.local()  # .grant: the session a background thread works for (warm.py)


@contextlib.contextmanager
def acting_as(grant: access.Grant) -> Iterator[None]:
    """Run this thread's queries under `grant`, as the session that holds it would: the
    warm-up after a publication reads nothing its session could not read itself."""
    _acting.grant = grant
    try:
        yield
    finally:
        del _acting.grant


def current_grant() -> access.Grant:
    """The grant of this Streamlit session (set by app.py); outside Streamlit, the local one.

    Outside a script run (the CLI's posters and reports, tests) the reader holds the files
    anyway. A session without a grant gets the local grant only when no login is configured.
    """
    acting = getattr(_acting, "grant", None)
    if acting is not None:
        return acting
    if get_script_run_ctx(suppress_warning=True) is None:
        return access.local_grant(os.environ.get(LOCAL_ROLE_ENV) or "hr")
    grant = st.session_state.get(GRANT_KEY)
    if isinstance(grant, access.Grant):
        return grant
    if "is_logged_in" in st.user:  # login configured, and app.py has not granted anything
        return access.NO_GRANT
    return access.local_grant(os.environ.get(LOCAL_ROLE_ENV) or "hr")


def allows(name: str, kommun_code: str) -> bool:
    """Whether this session may run query `name` for the kommun (pages hide what it may not)."""
    return access.allows(current_grant(), name, kommun_code)


def _path_for(grant: access.Grant, name: str, params: list[Any]) -> Path:
    """The kommun's own file for a query about one kommun, when the server has the combined one."""
    base = published_path()
    if base.name != COMBINED_FILE:
        return base
    per_kommun = name in access.KOMMUN_QUERIES or name in access.HR_ONLY
    code = str(params[0]) if per_kommun else grant.single_kommun()
    if code and access.KOMMUN_CODE.fullmatch(code):
        own = base.with_name(f"kommun_{code}.duckdb")
        if own.is_file():
            return own
    return base


def _check(grant: access.Grant, name: str, params: list[Any], path: Path) -> None:
    """access.check, plus the workshop role's look at a unit: only with at least k managers."""
    try:
        access.check(grant, name, params)
        if access.needs_size_check(grant, name, params):
            rows = _run(path, "scope_managers", params[:4], lambda cursor: cursor.fetchall())
            if not rows or rows[0][0] is None or rows[0][0] < rows[0][1]:
                raise access.AccessDenied("Enheter med färre än k chefer visas bara för HR-rollen.")
    except access.AccessDenied as exc:
        raise AccessDenied(str(exc)) from None


def _restrict(grant: access.Grant, name: str, params: list[Any], result: T) -> T:
    """Cut a result to the rows the grant reaches (queries over every kommun; small units)."""
    if name in access.ROW_QUERIES:
        assert isinstance(result, pd.DataFrame), name
        keep = result["kommun_code"].map(lambda c: access.row_allowed(grant, name, c))
        return result[keep.astype(bool)].reset_index(drop=True)  # type: ignore[return-value]
    if name == "units_in_forvaltning" and grant.role_for(str(params[0])) == "workshop":
        assert isinstance(result, pd.DataFrame)
        big = result["managers"] >= result["anonymity_k"]
        return result[big.fillna(False).astype(bool)].reset_index(drop=True)  # type: ignore[return-value]
    return result


FETCH: dict[str, Callable[[Any], Any]] = {
    "frame": lambda cursor: cursor.df(),
    "rows": lambda cursor: cursor.fetchall(),
}


def _query(name: str, params: list[Any], fetch: str) -> Any:
    """Check the session's grant, then read SQL[name] from the file the grant may read."""
    grant = current_grant()
    path = _path_for(grant, name, params)
    _check(grant, name, params, path)
    return _restrict(grant, name, params, _read(path, name, params, fetch))


def _read(path: Path, name: str, params: list[Any], fetch: str) -> Any:
    """The query's result for the file's version now: read once per version, then from memory.

    A page runs ~17 queries on every visit and click, most of them the last visit's; the key is
    the file's version (a new publication is a new one), so a result is never one of an older
    version. The grant is checked before and the rows cut after, for every session.
    """
    mtime, inode = _version_of(path)
    return _read_version(str(path), mtime, inode, name, tuple(params), fetch)


# At most ~0.5 MB a result at national scale (a kommun's data-quality findings, every kommun's
# survey indices), most a few kB: 256 results stay well under 100 MB.
@st.cache_data(show_spinner=False, max_entries=256)
def _read_version(
    path: str, mtime_ns: int, inode: int, name: str, params: tuple[Any, ...], fetch: str
) -> Any:
    return _run(Path(path), name, list(params), FETCH[fetch])


def _run(path: Path, name: str, params: list[Any], fetch: Callable[[Any], T]) -> T:
    """Run SQL[name] with params on a cursor of its own and fetch the whole result."""
    for _attempt in range(3):
        conn = _connection_to(path)
        with _lock:
            if not any(conn is live for live in _live.values()):
                continue  # replaced since we looked it up; look again
            # One at a time: DuckDB 2.0 refuses, rather than queues, concurrent calls on a
            # connection (cursor() included). The queries themselves then run in parallel.
            cursor = conn.cursor()
            _in_flight[id(conn)] = _in_flight.get(id(conn), 0) + 1
        try:
            cursor.execute(SQL[name], params)
            return fetch(cursor)
        except duckdb.Error as exc:
            raise PublishedDbUnreadable(
                f"Det publicerade lagret kunde inte läsas ({name}): {exc}"
            ) from exc
        finally:
            cursor.close()
            with _lock:
                _in_flight[id(conn)] -= 1
                if not _in_flight[id(conn)]:
                    del _in_flight[id(conn)]
                _drained.notify_all()
    raise PublishedDbUnreadable(
        "Det publicerade lagret byttes ut flera gånger under läsningen – ladda om sidan."
    )


def _frame(name: str, params: list[Any]) -> pd.DataFrame:
    return _query(name, params, "frame")


def _rows(name: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return _query(name, params, "rows")


# --------------------------------------------------------------------------- queries


def kommuner() -> pd.DataFrame:
    """kommun_code, kommun_name, span_threshold, anonymity_k; one row per kommun, by name."""
    return _frame("kommuner", [])


def periods(kommun_code: str) -> list[dt.date]:
    """The kommun's snapshot dates, newest first."""
    return [row[0] for row in _rows("periods", [kommun_code])]


def forvaltningar(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """forvaltning_id, forvaltning_name for the kommun and period, by name."""
    return _frame("forvaltningar", [kommun_code, period])


def managers(kommun_code: str, period: dt.date, forvaltning_id: str) -> pd.DataFrame:
    """The förvaltning's managers (no manager_id), largest span (monthly-paid) first."""
    return _frame("managers", [kommun_code, period, forvaltning_id])


def rollup(
    kommun_code: str, period: dt.date, scope_type: str, scope_id: str
) -> dict[str, Any] | None:
    """The mart_span_rollup row for one scope and period as a dict, or None if there is none."""
    if scope_type not in SCOPE_TYPES:
        raise ValueError(f"scope_type must be one of {SCOPE_TYPES}, not {scope_type!r}")
    frame = _frame("rollup", [kommun_code, period, scope_type, scope_id])
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()
    return {
        key: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v) for key, v in row.items()
    }


def forvaltning_rollups(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """mart_span_rollup rows of every förvaltning of the kommun and period, by name."""
    return _frame("forvaltning_rollups", [kommun_code, period])


def kommun_comparison() -> pd.DataFrame:
    """Each kommun's whole-kommun rollup at its latest period, with anonymity_k, by name."""
    return _frame("kommun_comparison", [])


def strengths_challenges(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """mart_strengths_challenges for every förvaltning of the kommun and period."""
    return _frame("strengths_challenges", [kommun_code, period])


def sick_leave(kommun_code: str, period: dt.date, scope_type: str, scope_id: str) -> pd.DataFrame:
    """SKR sick leave for one scope: alla, then by sex, then by age band (is_shown per row)."""
    if scope_type not in SCOPE_TYPES:
        raise ValueError(f"scope_type must be one of {SCOPE_TYPES}, not {scope_type!r}")
    return _frame("sick_leave", [kommun_code, period, scope_type, scope_id])


def data_quality(kommun_code: str) -> pd.DataFrame:
    """Warnings of the org-tree and roster checks for the kommun, newest period first."""
    return _frame("data_quality", [kommun_code])


def published_marts() -> set[str]:
    """Names of the mart_* tables in the published file (the survey marts may be absent)."""
    return {row[0] for row in _rows("published_marts", [])}


def survey_period(kommun_code: str) -> dt.date | None:
    """The kommun's latest survey period, or None when it has no survey responses."""
    rows = _rows("survey_period", [kommun_code])
    return rows[0][0] if rows else None


def survey_responses(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """Managers' complete responses per survey for the kommun and each förvaltning."""
    return _frame("survey_responses", [kommun_code, period])


def survey_index(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """Managers' construct indices (0-100) for the kommun and each förvaltning."""
    return _frame("survey_index", [kommun_code, period])


def survey_time_use(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """Managers' time-use shares for the kommun and each förvaltning."""
    return _frame("survey_time_use", [kommun_code, period])


def survey_kommun_index() -> pd.DataFrame:
    """Each kommun's whole-kommun construct indices at its latest survey period."""
    return _frame("survey_kommun_index", [])


def dela_varld(kommun_code: str, period: dt.date) -> pd.DataFrame:
    """Managers vs top management per construct and item, with the gap."""
    return _frame("dela_varld", [kommun_code, period])


def last_refresh() -> pd.DataFrame:
    """mart_refresh_log: one row per file loaded in the last refresh, newest first."""
    return _frame("last_refresh", [])


def action_plan(kommun_code: str) -> pd.DataFrame:
    """mart_action_plan for the kommun: one row per measure and linked indicator."""
    return _frame("action_plan", [kommun_code])


def indicator_trends(kommun_code: str) -> pd.DataFrame:
    """Per scope and planned indicator, the values over the periods (oldest first)."""
    return _frame("indicator_trends", [kommun_code, kommun_code])


def follow_ups(kommun_code: str) -> pd.DataFrame:
    """mart_follow_up for the kommun, newest follow-up first per measure."""
    return _frame("follow_ups", [kommun_code])


def scope_history(kommun_code: str, scope_type: str) -> pd.DataFrame:
    """mart_span_rollup rows of every scope of one type (e.g. forvaltning), every period."""
    if scope_type not in SCOPE_TYPES:
        raise ValueError(f"scope_type must be one of {SCOPE_TYPES}, not {scope_type!r}")
    return _frame("scope_history", [kommun_code, scope_type])


def units_in_forvaltning(kommun_code: str, period: dt.date, forvaltning_id: str) -> pd.DataFrame:
    """The förvaltning's avdelningar and enheter (scope_type, scope_id, scope_name)."""
    return _frame("units_in_forvaltning", [kommun_code, period, forvaltning_id])


def manager_groups(kommun_code: str, survey_period: dt.date) -> pd.DataFrame:
    """The kommun's manager groups in the survey marts (scope_id, scope_name)."""
    return _frame("manager_groups", [kommun_code, survey_period])


def survey_index_scope(
    kommun_code: str, survey_period: dt.date, scope_type: str, scope_id: str
) -> pd.DataFrame:
    """Construct indices for one unit or manager group, and the kommun's beside them."""
    return _frame("survey_index_scope", [kommun_code, survey_period, scope_type, scope_id])
