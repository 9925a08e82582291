"""Survey republication: every earlier publication of a survey, so that a new one cannot be
differenced against it.

A survey republished while answers arrive (the room's survey, a corrected export) lets anyone
holding two publications subtract one from the other: 32 respondents then 33 gives the newest
respondent's answers. The threat model says the attacker holds every earlier publication, so each
publication is protected together with all earlier ones of the same survey table:

- Each response belongs to the *batch* of the publication that first included it (batch 1, 2,
  ...; kept in the store, `survey_release_response`).
- Each published figure of a cell is a sum over the respondents of batches up to its *snapshot*
  (`survey_release_shown`: cell, measure, snapshot; a figure shown again unchanged adds nothing).
- The new publication's cells are audited in one linked table with every earlier shown
  (cell, snapshot) as an equation that can no longer be hidden (`LinkedTable.fixed`); atoms are
  unit x manager group x a run of batches no published snapshot splits. A cell whose respondents
  changed by 1..k-1 since any snapshot it was shown at is held back (primary), and the audit adds
  whatever else the differences would reveal.
- A cell held back keeps showing its figures as at its latest shown snapshot (so the room sees
  the survey grow in steps of at least k answers); one never shown stays hidden.

The store is the refresh's private copy, so a publication that fails records nothing.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pandas as pd

from warehouse.disclosure.cache import registered
from warehouse.disclosure.republication import History

SURVEY_KEY_TYPES = {"kommun_code": "VARCHAR", "period_date": "DATE", "survey_id": "VARCHAR",
                    "respondent_role": "VARCHAR"}  # fmt: skip
SURVEY_KEY = list(SURVEY_KEY_TYPES)
RESPONSES = "survey_release_response"
SHOWN = "survey_release_shown"
_KEY_DDL = ", ".join(f"{name} {kind}" for name, kind in SURVEY_KEY_TYPES.items())
_DDL = {
    RESPONSES: f"{_KEY_DDL}, response_id VARCHAR, content VARCHAR, batch INTEGER",
    SHOWN: f"{_KEY_DDL}, measure_id VARCHAR, cell_id VARCHAR, snapshot INTEGER",
}


def ensure_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    for name, columns in _DDL.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {catalog}.main.{name} ({columns})")


def response_batches(con: duckdb.DuckDBPyConnection, catalog: str | None) -> None:
    """TEMP int_survey_response_batch: every current response, a digest of what it says (unit,
    group, answers) and the batch that first published it so (NULL: not yet published, or
    changed since; all NULL without the store). A changed answer counts as a new one, so the
    difference it makes is protected like a new respondent's."""
    keys = ", ".join(SURVEY_KEY)
    history = (
        f"LEFT JOIN {catalog}.main.{RESPONSES} h USING ({keys}, response_id, content)"
        if catalog
        else "LEFT JOIN (SELECT NULL::INTEGER AS batch) h ON false"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE int_survey_response_batch AS "
        "WITH said AS ("
        f"  SELECT {keys}, response_id, md5(string_agg(measure_type || ':' || measure_ref "
        "    || '=' || CAST(value AS VARCHAR), ';' ORDER BY measure_type, measure_ref)) AS answers "
        f"  FROM int_survey_value GROUP BY ALL), "
        "content AS ("
        f"  SELECT r.{', r.'.join(SURVEY_KEY)}, r.response_id, md5(concat_ws('|', "
        "    coalesce(r.unit_id, ''), coalesce(r.group_name, ''), coalesce(s.answers, ''))) "
        "    AS content "
        f"  FROM int_survey_respondent r LEFT JOIN said s USING ({keys}, response_id)) "
        f"SELECT c.*, h.batch FROM content c {history}"
    )


def read_histories(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[tuple, History]:
    """Per survey table with current responses, its history (empty if never published)."""
    histories: dict[tuple, History] = defaultdict(History)
    counts = con.execute(
        f"SELECT {', '.join(SURVEY_KEY)}, count(*) FILTER (WHERE batch IS NULL), "
        f"(SELECT coalesce(max(h.batch), 0) FROM {catalog}.main.{RESPONSES} h "
        + " ".join(
            f"{'WHERE' if i == 0 else 'AND'} h.{c} = b.{c}" for i, c in enumerate(SURVEY_KEY)
        )
        + ") FROM int_survey_response_batch b GROUP BY ALL"
    ).fetchall()
    for *key, new, last in counts:
        histories[table_key(key)] = History({}, int(last), int(new))
    shown = con.execute(
        f"SELECT {', '.join(SURVEY_KEY)}, measure_id, cell_id, snapshot "
        f"FROM {catalog}.main.{SHOWN} s WHERE EXISTS (SELECT 1 FROM int_survey_response_batch b "
        f"WHERE {' AND '.join(f'b.{c} = s.{c}' for c in SURVEY_KEY)}) ORDER BY ALL"
    ).fetchall()
    for *key, measure, cell, snapshot in shown:
        history = histories[table_key(key)]
        history.shown.setdefault(measure, {}).setdefault(cell, set()).add(int(snapshot))
    return dict(histories)


def record(
    con: duckdb.DuckDBPyConnection, catalog: str, histories: dict[tuple, History], table: str
) -> None:
    """Add this publication to the store: new responses get the batch now published, and every
    (cell, measure, snapshot) shown that no earlier publication showed (the rows of `table`
    with is_suppressed false and a snapshot)."""
    batches = pd.DataFrame(
        [(*key, h.now) for key, h in histories.items() if h.new_responses],
        columns=[*SURVEY_KEY, "now"],
    )
    keys = ", ".join(SURVEY_KEY)
    with registered(con, "release_batches", batches):
        con.execute(
            f"INSERT INTO {catalog}.main.{RESPONSES} SELECT b.{', b.'.join(SURVEY_KEY)}, "
            f"b.response_id, b.content, CAST(n.now AS INTEGER) FROM int_survey_response_batch b "
            f"JOIN (SELECT * REPLACE (CAST(period_date AS DATE) AS period_date) "
            f"FROM release_batches) n USING ({keys}) WHERE b.batch IS NULL"
        )
        con.execute(
            f"INSERT INTO {catalog}.main.{SHOWN} SELECT DISTINCT {keys}, measure_id, cell_id, "
            f"CAST(snapshot AS INTEGER) FROM {table} WHERE NOT is_suppressed AND snapshot IS "
            f"NOT NULL EXCEPT SELECT * FROM {catalog}.main.{SHOWN}"
        )


def table_key(values) -> tuple:
    """A survey table's key as protection uses it (the period as a pandas Timestamp)."""
    kommun, period, survey, role = values
    return (kommun, pd.Timestamp(period), survey, role)
