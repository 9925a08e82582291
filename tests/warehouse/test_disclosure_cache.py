"""Disclosure results cached in the store: reused only for unchanged inputs, never different."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouse.disclosure import sick_leave, sick_leave_rule, survey_inputs, survey_rule, surveys

P1, P2 = dt.date(2025, 10, 1), dt.date(2026, 10, 1)


def _sick_leave_con(extra_woman_in: tuple[str, dt.date] | None = None) -> duckdb.DuckDBPyConnection:
    """Two kommuner x two periods of a small tree F > A, B, with a writable store attached."""
    persons = [(("A",), "K", "30-49")] * 2 + [(("A",), "K", "50-")] * 4
    persons += [(("A",), "M", "30-49")] * 4 + [(("B",), "K", "30-49")] * 6
    persons += [(("B",), "M", "50-")] * 5 + [(("A", "B"), "K", "50-"), (("F",), "K", "-29")]
    atoms, scopes, leaders, tree = [], [], [], []
    for kommun in ("1231", "1262"):
        for period in (P1, P2):
            extra = [(("B",), "K", "-29")] if extra_woman_in == (kommun, period) else []
            frame = pd.DataFrame(persons + extra, columns=["units", "sex", "age_band"])
            counted = frame.groupby(["units", "sex", "age_band"]).size().reset_index()
            atoms += [
                (kommun, period, list(u), s, a, n) for u, s, a, n in counted.itertuples(False)
            ]
            kinds = {kommun: "kommun", "F": "forvaltning", "A": "avdelning", "B": "avdelning"}
            for scope, units in {kommun: "FAB", "F": "FAB", "A": "A", "B": "B"}.items():
                scopes += [(kommun, period, kinds[scope], scope, u) for u in units]
            leaders += [(kommun, period, "m1", "A"), (kommun, period, "m2", "B")]
            tree += [(kommun, period, "F", None)] + [(kommun, period, u, "F") for u in "AB"]
    con = duckdb.connect(config={"threads": 1})
    con.execute("ATTACH ':memory:' AS store")
    tables = {
        "int_sick_leave_atom": (atoms, "units VARCHAR[], sex VARCHAR, age_band VARCHAR, "
                                "persons BIGINT"),
        "int_scope_unit": (scopes, "scope_type VARCHAR, scope_id VARCHAR, unit_id VARCHAR"),
        "int_manager_scope_unit": (leaders, "manager_id VARCHAR, unit_id VARCHAR"),
        "int_unit_tree": (tree, "unit_id VARCHAR, parent_unit_id VARCHAR"),
    }  # fmt: skip
    for name, (rows, columns) in tables.items():
        con.execute(f"CREATE TEMP TABLE {name} (kommun_code VARCHAR, period_date DATE, {columns})")
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    con.execute("CREATE TEMP TABLE kommun AS SELECT * FROM (VALUES ('1231', 3), ('1262', 3)) "
                "t(kommun_code, anonymity_k)")  # fmt: skip
    return con


def _protection(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM int_sick_leave_protection ORDER BY ALL").df()


def _count_protections(monkeypatch: pytest.MonkeyPatch, module, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_sick_leave_protects_only_the_kommun_and_period_whose_inputs_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _count_protections(monkeypatch, sick_leave_rule, "protect_kommun_period")
    con = _sick_leave_con()
    sick_leave.protect_sick_leave(con)
    first = _protection(con)
    assert calls[0] == 4 and set(first["kommun_code"]) == {"1231", "1262"}
    sick_leave.protect_sick_leave(con)  # nothing changed: every result read back
    assert calls[0] == 4
    pd.testing.assert_frame_equal(_protection(con), first)

    changed = _sick_leave_con(extra_woman_in=("1262", P2))
    store = con.execute("SELECT * FROM store.main.cache_sick_leave_protection").df()
    changed.register("cached", store)
    changed.execute("CREATE TABLE store.main.cache_sick_leave_protection AS FROM cached")
    sick_leave.protect_sick_leave(changed)
    assert calls[0] == 5  # only 1262's second period again
    fresh = _sick_leave_con(extra_woman_in=("1262", P2))
    sick_leave.protect_sick_leave(fresh)  # what protecting everything again gives
    pd.testing.assert_frame_equal(_protection(changed), _protection(fresh))


def test_without_a_writable_store_nothing_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_protections(monkeypatch, sick_leave_rule, "protect_kommun_period")
    con = _sick_leave_con()
    con.execute("DETACH store")
    sick_leave.protect_sick_leave(con)
    sick_leave.protect_sick_leave(con)
    assert calls[0] == 8


def test_a_survey_result_is_reused_only_while_its_inputs_are_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.properties.survey_world import World, survey_connection

    calls = _count_protections(monkeypatch, survey_rule, "protect_survey")
    world = World(parents=(None, 0, 0), units=(1, 1, 1, 2, 2, 2, 2, 0), groups=(0,) * 8, k=3)
    con = survey_connection(world)
    con.execute("ATTACH ':memory:' AS store")
    surveys.protect_surveys(con)
    first = con.execute("FROM int_survey_suppression ORDER BY ALL").df()
    surveys.protect_surveys(con)
    assert calls[0] == 1
    pd.testing.assert_frame_equal(
        con.execute("FROM int_survey_suppression ORDER BY ALL").df(), first
    )
    con.execute("UPDATE int_survey_atom SET n = n + 1 WHERE measure_id = 'respondents' "
                "AND atom_unit = 'U1'")  # fmt: skip
    surveys.protect_surveys(con)
    assert calls[0] == 2


_ROWS = st.lists(
    st.tuples(st.sampled_from(["1231", "1262"]), st.sampled_from(["a", "b", "ö"]),
              st.integers(0, 5) | st.none()),
    min_size=1, max_size=12,
)  # fmt: skip


# one connection for every example hypothesis draws (a new one each costs more than the digest)
_DIGEST_CON = duckdb.connect(config={"threads": 1})


def _digests(rows: list[tuple]) -> dict[str, str]:
    """Each kommun's survey table's digest (one period, survey and role)."""
    con = _DIGEST_CON
    con.execute("CREATE OR REPLACE TABLE t (kommun_code VARCHAR, period_date DATE, survey_id VARCHAR, "
                "respondent_role VARCHAR, cell VARCHAR, n INTEGER)")  # fmt: skip
    con.executemany("INSERT INTO t VALUES (?, DATE '2026-10-01', 's', 'chef', ?, ?)", rows)
    sql = survey_inputs._digest_sql("SELECT * FROM t")
    return {key[0]: digest for *key, digest in con.execute(sql).fetchall()}


@settings(max_examples=40, deadline=None)
@given(rows=_ROWS, data=st.data())
def test_a_survey_tables_fingerprint_is_its_rows_in_any_order_and_changes_with_any_row(
    rows: list[tuple], data: st.DataObject
) -> None:
    """The cache's key for a survey table's inputs: a result is reused only for the same rows."""
    digests = _digests(rows)
    assert _digests(data.draw(st.permutations(rows))) == digests
    i = data.draw(st.integers(0, len(rows) - 1))
    kommun, cell, n = rows[i]
    for changed in ((kommun, cell, (n or 0) + 1), (kommun, cell + "x", n), (kommun, cell, None)):
        if changed == rows[i]:
            continue
        other = _digests([*rows[:i], changed, *rows[i + 1 :]])
        assert other[kommun] != digests[kommun]
    more = _digests([*rows, rows[i]])  # the same row twice is another table
    assert more[kommun] != digests[kommun]
