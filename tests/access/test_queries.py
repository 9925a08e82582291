"""Every ready query in queries/ runs on the demo warehouse and returns what its title says."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from schemas.marts import MART_DATA_QUALITY

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "queries").glob("*.sql"))
Check = Callable[[pd.DataFrame, duckdb.DuckDBPyConnection], None]


@pytest.fixture(scope="module")
def con(demo_published_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_published_db), read_only=True) as connection:
        yield connection


def run(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return con.execute((ROOT / "queries" / f"{name}.sql").read_text(encoding="utf-8")).df()


def mart(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def latest(con: duckdb.DuckDBPyConnection) -> dict[str, pd.Timestamp]:
    rows = mart(con, "SELECT kommun_code, max(period_date) AS p FROM mart_span_rollup GROUP BY 1")
    return dict(zip(rows.kommun_code, rows.p, strict=True))


def at_latest_period(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    assert set(df.kommun_code) == {"1231", "1261", "1262"}
    assert all(df.period_date == df.kommun_code.map(latest(con)))


def check_over_threshold(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    assert (df.first_line_above_threshold <= df.first_line_managers).all()
    share = 100 * df.first_line_above_threshold / df.first_line_managers
    assert ((share - df.share_first_line_above_threshold_pct).abs() < 0.051).all()
    kommun = mart(
        con,
        "SELECT kommun_code, period_date, first_line_above_threshold AS n "
        "FROM mart_span_rollup WHERE scope_type = 'kommun'",
    )
    summed = df.groupby("kommun_code").first_line_above_threshold.sum()
    expected = kommun.merge(df[["kommun_code", "period_date"]].drop_duplicates())
    assert summed.to_dict() == dict(zip(expected.kommun_code, expected.n, strict=True))
    assert summed.sum() > 0


def check_span_trend(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    enheter = mart(
        con,
        "SELECT count(DISTINCT (kommun_code, scope_id)) AS n "
        "FROM mart_span_rollup WHERE scope_type = 'enhet'",
    ).n[0]
    assert df.groupby(["kommun_code", "enhet_id"]).ngroups == enheter
    for _, unit in df.groupby(["kommun_code", "enhet_id"]):
        unit = unit.sort_values("period_date")
        assert pd.isna(unit.change_since_previous_period.iloc[0])
        diff = unit.mean_span_first_line.diff().round(1).iloc[1:]
        got = unit.change_since_previous_period.iloc[1:]
        assert ((diff - got).abs().fillna(0) < 0.051).all()
    assert df.period_date.nunique() >= 3 and (df.change_since_previous_period.abs() > 0).any()


def check_support(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    own, kommun = df.admin_support_fte_per_manager, df.kommun_admin_support_fte_per_manager
    assert ((own - kommun - df.difference).abs() < 0.006).all()
    rows = mart(
        con,
        "SELECT kommun_code, period_date, admin_support_fte_per_manager AS v "
        "FROM mart_span_rollup WHERE scope_type = 'kommun'",
    )
    merged = df.merge(rows, on=["kommun_code", "period_date"])
    assert (merged.v == merged.kommun_admin_support_fte_per_manager).all()
    assert (df.difference < 0).any() and (df.difference > 0).any()


def check_sick_leave_by_age(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    assert set(df.age_band) == {"-29", "30-49", "50-"}
    assert (df[df.scope_type == "kommun"].groupby("kommun_code").size() == 3).all()
    hidden = df[df.dolt]
    assert hidden[["persons", "sick_leave_pct"]].isna().all().all(), "hidden is empty, not 0"
    k = dict(mart(con, "SELECT kommun_code, anonymity_k FROM mart_kommun").values)
    shown = df[~df.dolt]
    assert (shown.persons >= shown.kommun_code.map(k)).all()


def check_index_per_group(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    assert (df.dolt == df.index_0_100.isna()).all()
    assert df.dolt.any() and (~df.dolt).any()
    k = dict(mart(con, "SELECT kommun_code, anonymity_k FROM mart_kommun").values)
    shown = df[~df.dolt]
    assert (shown.respondents >= shown.kommun_code.map(k)).all()
    assert ((shown.index_0_100 - shown.kommun_index_0_100 - shown.difference).abs() < 0.051).all()


def check_overdue_plan(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    assert (df.is_follow_up_overdue | df.is_past_due).all()
    overdue = mart(
        con,
        "SELECT DISTINCT kommun_code, measure_id FROM mart_action_plan WHERE is_follow_up_overdue",
    )
    listed = set(zip(df.kommun_code, df.measure_id, strict=True))
    assert set(zip(overdue.kommun_code, overdue.measure_id, strict=True)) <= listed
    assert not df[df.is_past_due].measure_status.eq("klar").any()


def check_top_managers(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    assert (df.groupby("kommun_code").size() <= 10).all()
    largest = mart(
        con,
        "SELECT kommun_code, period_date, max_span_first_line AS m "
        "FROM mart_span_rollup WHERE scope_type = 'kommun'",
    )
    firsts = df.groupby("kommun_code").employees_monthly_paid.first()
    expected = largest.merge(df[["kommun_code", "period_date"]].drop_duplicates())
    assert firsts.to_dict() == dict(zip(expected.kommun_code, expected.m, strict=True))
    for _, rows in df.groupby("kommun_code"):
        assert rows.employees_monthly_paid.is_monotonic_decreasing


def check_chefstathet(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    assert set(df.scope_type) == {"kommun", "forvaltning"} and df.period_date.nunique() >= 3
    ratio = df.employees_monthly_paid / df.managers
    assert ((ratio - df.chefstathet).abs() < 0.051).all()


def check_turnover(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    assert (df.previous_period_date < df.period_date).all()
    before = mart(
        con,
        "SELECT kommun_code, period_date AS previous_period_date, scope_type, "
        "scope_name, managers AS managers_before FROM mart_span_rollup",
    )
    merged = df.merge(
        before, on=["kommun_code", "previous_period_date", "scope_type", "scope_name"]
    )
    assert len(merged) == len(df)
    assert (merged.managers_left <= merged.managers_before).all()
    mean = (merged.managers + merged.managers_before) / 2
    assert ((100 * merged.managers_left / mean - merged.manager_turnover_pct).abs() < 0.051).all()
    assert (df.managers_left > 0).any()


def check_support_partners(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    for column in ("managers_without_hr_partner", "managers_without_controller"):
        known = df[df[column].notna()]
        assert (known[column] <= known.managers).all()
        # per kommun: known for every förvaltning (a support file was sent) or for none
        assert (
            df.groupby("kommun_code")[column].apply(lambda s: s.isna().all() or s.notna().all())
        ).all()


def check_strengths(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    at_latest_period(df, con)
    assert set(df.assessment) == {"utmaning", "styrka"}
    assert df.reason.str.len().gt(20).all()
    assert df.value.notna().all()


def check_dela_varld(df: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> None:
    gap = df.top_management_index_0_100 - df.managers_index_0_100
    assert ((gap - df.gap_0_100).abs() < 0.051).all() and len(df) > 0
    for _, rows in df.groupby(["kommun_code", "period_date"]):
        assert rows.gap_0_100.abs().is_monotonic_decreasing


CHECKS: dict[str, Check] = {
    "chefer_over_gransen_per_forvaltning": check_over_threshold,
    "medarbetare_per_chef_over_tid_per_enhet": check_span_trend,
    "administrativt_stod_per_chef_mot_kommunen": check_support,
    "sjukfranvaro_per_aldersgrupp": check_sick_leave_by_age,
    "enkatindex_per_chefsgrupp": check_index_per_group,
    "handlingsplan_forsenade_atgarder": check_overdue_plan,
    "chefer_med_flest_medarbetare": check_top_managers,
    "chefstathet_over_tid": check_chefstathet,
    "chefsomsattning_och_tid_i_rollen": check_turnover,
    "chefer_utan_hr_partner_eller_controller": check_support_partners,
    "styrkor_och_utmaningar": check_strengths,
    "dela_varld_storsta_skillnader": check_dela_varld,
}


def title(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("-- "), f"{path.name}: the first line is '-- <Swedish title>'"
    return first[3:]


def test_every_query_has_a_swedish_title_a_check_and_a_readme_line() -> None:
    assert len(QUERIES) >= 10
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in QUERIES:
        assert re.search("[åäö]|chef|enhet", title(path), re.I), path.name
        assert path.stem in CHECKS or path.stem == "enheter_utan_egen_chef", path.name
        assert f"`queries/{path.name}`" in readme and title(path) in readme, path.name


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_query_returns_what_its_title_says(con: duckdb.DuckDBPyConnection, name: str) -> None:
    df = run(con, name)
    assert len(df) > 0, name
    assert "kommun_code" in df.columns and any(c.endswith("period_date") for c in df.columns)
    CHECKS[name](df, con)


def test_units_without_a_manager_of_their_own_are_listed(tmp_path: Path) -> None:
    """The demo's units all have managers; tests/hr/test_org_tree_defects.py shows the build
    writes these findings, so a hand-made mart_data_quality is enough here."""
    published = tmp_path / "kommun_1262.duckdb"
    with duckdb.connect(str(published)) as tiny:
        tiny.execute(MART_DATA_QUALITY.ddl())
        tiny.executemany(
            "INSERT INTO mart_data_quality (kommun_code, period_date, check_name, severity, rule, "
            "unit_id, detail) VALUES ('1262', DATE '2026-10-01', ?, 'varning', ?, ?, ?)",
            [
                ["unit_without_manager", "enheten saknar egen chef: …ovanför", "E2", "Två"],
                ["person_with_several_employments", "personen har två anställningar", "E1", None],
            ],
        )
        df = run(tiny, "enheter_utan_egen_chef")
    assert df[["kommun_code", "unit_id", "unit_name"]].values.tolist() == [["1262", "E2", "Två"]]
    assert df.rule[0].startswith("enheten saknar egen chef") and df.period_date.notna().all()


def test_the_readme_example_returns_one_row_per_kommun_period_and_forvaltning(
    con: duckdb.DuckDBPyConnection,
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"\.venv/bin/duckdb -readonly demo/warehouse/published/chefskartan\.duckdb \\\n\s+\"(.+?)\"",
        readme,
        re.S,
    )
    assert found, "the README's first SQL example"
    df = con.execute(found.group(1)).df()
    assert list(df.columns[:3]) == ["kommun_name", "period_date", "forvaltning"]
    assert not df.duplicated(["kommun_name", "period_date", "forvaltning"]).any()
    expected = mart(
        con, "SELECT count(*) AS n FROM mart_span_rollup WHERE scope_type = 'forvaltning'"
    )
    assert (
        len(df) == expected.n[0] and df.kommun_name.nunique() == 3 and df.period_date.nunique() == 3
    )
