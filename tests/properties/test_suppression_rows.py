"""Disclosure control writes one suppression row for every cell and measure of int_survey_cell,
and no other: the survey marts (warehouse/sql/disclosure/survey_released.sql,
mart_disclosure_report) read those rows as the cells themselves, without joining the cells again."""

from __future__ import annotations

from hypothesis import given

from tests.properties.survey_world import survey_connection
from tests.properties.test_anonymity import SETTINGS, worlds
from warehouse.disclosure.surveys import protect_surveys

KEY = "kommun_code, period_date, survey_id, respondent_role, measure_id, cell_id"


@SETTINGS
@given(worlds())
def test_every_cell_and_measure_has_exactly_one_suppression_row(world) -> None:
    con = survey_connection(world)
    try:
        protect_surveys(con)
        cells = con.execute(f"SELECT {KEY} FROM int_survey_cell ORDER BY ALL").fetchall()
        rows = con.execute(f"SELECT {KEY} FROM int_survey_suppression ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert len(cells) == len(set(cells))
    assert rows == cells
