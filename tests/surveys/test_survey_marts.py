"""Survey marts on the refreshed demo warehouse: figures checked against the raw exports,
suppression on every published row, no free text, and the demo's patterns."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

import duckdb
import openpyxl
import pytest

SURVEY_MARTS = (
    "mart_survey_responses",
    "mart_survey_index",
    "mart_survey_item",
    "mart_survey_distribution",
    "mart_survey_time_use",
)
# The cells of an item, as mart_survey_item (every cell) and mart_survey_distribution name them.
ITEM_CELL = (
    "kommun_code, period_date, survey_id, respondent_role, scope_type, scope_id, question_id"
)
# Independent of the questionnaire files: LimeSurvey codes of the "stämmer" scale, demand items.
CODE_SCORE = {"A1": 4, "A2": 3, "A3": 2, "A4": 1}
CONSTRUCT_ITEMS = {
    "krav": ["KR01", "KR02", "KR03", "KR04"],
    "resurser": ["KR05", "KR06", "KR07", "KR08"],
    "balans": ["KR09", "KR10", "KR11", "KR12"],
}
REVERSED = {"KR01", "KR02", "KR03", "KR04"}


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_construct_indices_match_the_raw_limesurvey_file(
    demo_inbox: Path, demo_published_db: Path
) -> None:
    with open(demo_inbox / "results-survey-krav-1231.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["submitdate"]]
    for construct, items in CONSTRUCT_ITEMS.items():
        per_person = []
        for r in rows:
            answered = [q for q in items if r[f"KR[{q}]"] in CODE_SCORE]  # A8/A9: Vet ej etc.
            scores = [CODE_SCORE[r[f"KR[{q}]"]] for q in answered]
            scores = [5 - s if q in REVERSED else s for q, s in zip(answered, scores, strict=True)]
            if scores:
                per_person.append(sum(scores) / len(scores))
        expected_mean = statistics.fmean(per_person)
        [(n, mean, index)] = query(
            demo_published_db,
            "SELECT respondents, mean_score, index_0_100 FROM mart_survey_index WHERE kommun_code "
            "= '1231' AND survey_id = 'krav_resurser' AND scope_type = 'kommun' AND construct = ?",
            [construct],
        )
        assert n == len(per_person)
        assert mean == pytest.approx(expected_mean, abs=0.005)
        assert index == pytest.approx((expected_mean - 1) / 3 * 100, abs=0.05)


def test_time_use_shares_match_the_raw_logbook(demo_inbox: Path, demo_published_db: Path) -> None:
    sheet = openpyxl.load_workbook(demo_inbox / "Lomma_tidsdagbok.xlsx").active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    shares = []
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        hours = {
            c: sum(cells[f"T{d}_{c}"] or 0 for d in range(1, 6))
            for c in ("PERS", "BUDG", "ADM", "VERK")
        }
        if cells["Inskickad"] and sum(hours.values()):
            shares.append(100 * hours["ADM"] / sum(hours.values()))
    [(n, share)] = query(
        demo_published_db,
        "SELECT respondents, mean_share_pct FROM mart_survey_time_use WHERE kommun_code = '1262' "
        "AND scope_type = 'kommun' AND category = 'tid_administration'",
    )
    assert n == len(shares)
    assert share == pytest.approx(statistics.fmean(shares), abs=0.05)


@pytest.mark.parametrize("mart", [m for m in SURVEY_MARTS if m != "mart_survey_distribution"])
def test_every_row_is_suppressed_or_has_at_least_k_respondents(
    demo_published_db: Path, mart: str
) -> None:
    figures = {
        "mart_survey_responses": ["respondents"],
        "mart_survey_index": ["respondents", "mean_score", "index_0_100"],
        "mart_survey_item": ["respondents", "mean_score", "index_0_100"],
        "mart_survey_time_use": ["respondents", "mean_share_pct"],
    }[mart]
    leaks = query(
        demo_published_db,
        f"SELECT count(*) FROM {mart} WHERE is_suppressed AND NOT ("
        + " AND ".join(f"{c} IS NULL" for c in figures)
        + ")",
    )
    small = query(
        demo_published_db,
        f"SELECT count(*) FROM {mart} WHERE NOT is_suppressed "
        "AND (respondents IS NULL OR respondents < anonymity_k)",
    )
    [(hidden, shown)] = query(
        demo_published_db,
        f"SELECT count(*) FILTER (is_suppressed), count(*) FILTER (NOT is_suppressed) FROM {mart}",
    )
    assert leaks == [(0,)] and small == [(0,)]
    assert hidden > 0 and shown > 0  # the demo has groups on both sides of k


def test_distributions_are_published_for_shown_items_only(demo_published_db: Path) -> None:
    """No row of a hidden cell; the hidden cell still marked, once per cell and item."""
    [(rows, hidden_rows, small)] = query(
        demo_published_db,
        "SELECT count(*), count(*) FILTER (is_suppressed), "
        "count(*) FILTER (respondents IS NULL OR respondents < anonymity_k OR answers IS NULL) "
        "FROM mart_survey_distribution",
    )
    assert rows > 0 and hidden_rows == 0 and small == 0
    # every distribution cell is a shown cell of mart_survey_item, with the same respondents ...
    [(unmatched,)] = query(
        demo_published_db,
        f"SELECT count(*) FROM (SELECT DISTINCT {ITEM_CELL}, respondents "
        "FROM mart_survey_distribution) d ANTI JOIN "
        f"(FROM mart_survey_item WHERE NOT is_suppressed) i USING ({ITEM_CELL}, respondents)",
    )
    # ... every shown item cell has its distribution, no hidden one has any row
    [(shown_without, hidden_with, hidden)] = query(
        demo_published_db,
        "SELECT count(*) FILTER (NOT i.is_suppressed AND d.question_id IS NULL), "
        "count(*) FILTER (i.is_suppressed AND d.question_id IS NOT NULL), "
        "count(*) FILTER (i.is_suppressed) "
        "FROM mart_survey_item i LEFT JOIN (SELECT DISTINCT "
        f"{ITEM_CELL} FROM mart_survey_distribution) d USING ({ITEM_CELL})",
    )
    assert unmatched == 0 and shown_without == 0 and hidden_with == 0
    assert hidden > 0  # the demo has hidden item cells, marked in mart_survey_item
    # once per cell and item: the hidden cells of the disclosure report's item count
    [(reported,)] = query(
        demo_published_db,
        "SELECT sum(cells - cells_shown) FROM mart_disclosure_report "
        "WHERE mart = 'mart_survey_item'",
    )
    assert reported == hidden


def test_item_means_match_the_distribution_and_the_raw_file(
    demo_inbox: Path, demo_published_db: Path
) -> None:
    [(mismatched, compared)] = query(
        demo_published_db,
        "WITH d AS (SELECT " + ITEM_CELL + ", sum(answers * answer_score) / any_value(respondents) "
        "AS raw_mean FROM mart_survey_distribution GROUP BY ALL) "
        "SELECT count(*) FILTER (abs(CASE WHEN q.is_reversed THEN q.scale_min + q.scale_max "
        "- d.raw_mean ELSE d.raw_mean END - i.mean_score) > 0.006), count(*) "
        "FROM d JOIN mart_survey_item i USING (" + ITEM_CELL + ") "
        "JOIN mart_survey_question q USING (kommun_code, period_date, survey_id, "
        "respondent_role, question_id)",
    )
    assert compared > 0 and mismatched == 0
    with open(demo_inbox / "results-survey-krav-1231.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["submitdate"]]
    scores = [5 - CODE_SCORE[r["KR[KR01]"]] for r in rows if r["KR[KR01]"] in CODE_SCORE]
    [(n, mean)] = query(
        demo_published_db,
        "SELECT respondents, mean_score FROM mart_survey_item WHERE kommun_code = '1231' "
        "AND survey_id = 'krav_resurser' AND scope_type = 'kommun' AND question_id = 'KR01'",
    )
    assert n == len(scores) and mean == pytest.approx(statistics.fmean(scores), abs=0.005)


def test_dela_varld_shows_a_gap_only_when_both_sides_are_shown(demo_published_db: Path) -> None:
    rows = query(
        demo_published_db,
        "SELECT managers_respondents, managers_index_0_100, managers_suppressed, "
        "top_management_respondents, top_management_index_0_100, top_management_suppressed, "
        "gap_0_100, anonymity_k FROM mart_survey_dela_varld",
    )
    assert len(rows) == 3 * (12 + 3)  # three kommuner x (12 items + 3 constructs)
    for m_n, m_i, m_hidden, t_n, t_i, t_hidden, gap, k in rows:
        assert (m_n is None and m_i is None) if m_hidden else m_n >= k
        assert (t_n is None and t_i is None) if t_hidden else t_n >= k
        assert (
            (gap is None) if (m_hidden or t_hidden) else gap == pytest.approx(t_i - m_i, abs=0.11)
        )
    constructs = query(
        demo_published_db,
        "SELECT avg(gap_0_100) FROM mart_survey_dela_varld WHERE measure_type = 'construct'",
    )
    assert constructs[0][0] > 0  # top management sees the managers' support more brightly


def test_no_free_text_and_no_identity_is_published(demo_published_db: Path) -> None:
    con = duckdb.connect(str(demo_published_db), read_only=True)
    try:
        text_columns = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE data_type = 'VARCHAR' AND NOT internal"
        ).fetchall()
        dump = " ".join(
            str(v)
            for t, c in text_columns
            for (v,) in con.execute(f'SELECT DISTINCT "{c}" FROM {t}').fetchall()
        )
    finally:
        con.close()
    for fragment in (
        "Mer administrativt stöd",
        "Färre medarbetare per chef",
        "@example.se",
        "10.20.",
    ):
        assert fragment not in dump


def test_the_demo_patterns_reach_the_marts(demo_published_db: Path) -> None:
    admin = dict(
        query(
            demo_published_db,
            "SELECT scope_id, mean_share_pct FROM mart_survey_time_use "
            "WHERE kommun_code = '1262' AND category = 'tid_administration' AND NOT is_suppressed "
            "AND scope_type IN ('kommun', 'manager_group')",
        )
    )
    assert admin["Äldreomsorg"] > admin["1262"] + 5
    balance = dict(
        query(
            demo_published_db,
            "SELECT kommun_code, index_0_100 FROM mart_survey_index "
            "WHERE survey_id = 'krav_resurser' AND scope_type = 'kommun' "
            "AND construct = 'balans'",
        )
    )
    # Lomma keeps spans small (11-20 staff per first-line manager), the others do not.
    assert balance["1262"] > balance["1231"] and balance["1262"] > balance["1261"]


def test_kommun_files_hold_only_their_own_survey_rows(demo_warehouse: Path) -> None:
    db = demo_warehouse / "published" / "kommun_1262.duckdb"
    for mart in (*SURVEY_MARTS, "mart_survey_dela_varld", "mart_survey_question"):
        assert query(db, f"SELECT DISTINCT kommun_code FROM {mart}") == [("1262",)]
