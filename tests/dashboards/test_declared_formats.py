"""One format per figure: every page, report and workbook formats a mart column as declared."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards import declared, fact_wall_tables, plan_labels, plan_report

ROLLUP = "mart_span_rollup"
NB = "\u00a0"


def test_every_figure_shown_is_declared_with_a_unit() -> None:
    columns = [c for c, _ in fact_wall_tables.MORE_FIGURES] + list(plan_report.HEADLINE)
    for column in columns:
        assert declared.field(ROLLUP, column).unit, column
    with pytest.raises(StopIteration):
        declared.field(ROLLUP, "no_such_figure")


@pytest.mark.parametrize(
    ("column", "raw", "shown"),
    [
        ("managers_without_hr_partner", 16.0, "16"),  # a count of managers: never "16,0"
        ("share_first_line_above_threshold_pct", 12.34, f"12,3{NB}%"),
        ("admin_support_fte_per_manager", 0.454, "0,45"),
        ("mean_tenure_months", 40.6, "41"),
        ("employees_monthly_paid", 1234, f"1{NB}234"),
    ],
)
def test_hr_partner_coverage_and_others_read_alike_everywhere(
    column: str, raw: float, shown: str
) -> None:
    assert declared.value(ROLLUP, column, raw) == shown
    # the fact wall's table ...
    if column in dict(fact_wall_tables.MORE_FIGURES):
        row = {column: raw}
        kommun = {"kommun_name": "Lomma", "kommun_code": "1262"}
        html = fact_wall_tables.more_figures_table(row, row, "Skolan", kommun).as_raw_html()
        assert f">{shown}<" in html
    # ... the officials' summary ...
    if column in plan_report.HEADLINE:
        history = pd.DataFrame(
            [{"period_date": dt.date(2026, 10, 1), **{c: None for c in plan_report.HEADLINE}}]
        ).assign(**{column: raw})
        assert f">{shown}<" in plan_report._headline_table(history).as_raw_html()
    # ... and the action plan, where the indicator declares the same unit
    field = declared.field(ROLLUP, column)
    if field.indicator is not None:
        assert plan_labels.indicator_value(raw, field.unit or "") == shown
