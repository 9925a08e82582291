"""great-tables' cell reader and writer for pandas frames, replaced by .iat ones (dashboards/widgets.py):
the same cells, the same tables, only faster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from great_tables import _tbl_data

from dashboards import fact_wall_tables, widgets
from tests.dashboards.test_large_tables import team

LIBRARY_GET = _tbl_data._get_cell.registry[_tbl_data.PdDataFrame]
LIBRARY_SET = _tbl_data._set_cell.registry[_tbl_data.PdDataFrame]


@pytest.fixture
def library_cells() -> Iterator[None]:
    """great-tables' own .iloc reader and writer for the duration of a block."""
    _tbl_data._get_cell.register(pd.DataFrame, LIBRARY_GET)
    _tbl_data._set_cell.register(pd.DataFrame, LIBRARY_SET)
    try:
        yield
    finally:
        _tbl_data._get_cell.register(pd.DataFrame, widgets._get_cell)
        _tbl_data._set_cell.register(pd.DataFrame, widgets._set_cell)


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.array(["a", None, "c"], dtype=pd.StringDtype("python")),
            "arrow": pd.array(["x", "y", None], dtype=pd.StringDtype("pyarrow")),
            "obj": pd.Series(["1", 2, None], dtype=object),
            "count": [1, 2, 3],
            "share": [0.5, float("nan"), 2.25],
        }
    )


def test_the_fast_cells_read_and_write_what_the_library_does() -> None:
    for row in range(3):
        for column in frame().columns:
            mine, theirs = (
                widgets._get_cell(frame(), row, column),
                LIBRARY_GET(frame(), row, column),
            )
            assert (pd.isna(mine) and pd.isna(theirs)) or mine == theirs
            for value in ("12,3 %", "<b>&amp;</b>", ""):
                if column in ("count", "share"):
                    continue  # great-tables writes text into text columns only
                ours, lib = frame(), frame()
                widgets._set_cell(ours, row, column, value)
                LIBRARY_SET(lib, row, column, value)
                pd.testing.assert_frame_equal(ours, lib)


def test_a_large_table_renders_the_same_html(library_cells: None) -> None:
    data = team(300)
    theirs = fact_wall_tables.manager_table(
        data, "Stora förv", dt.date(2024, 3, 1), 30
    ).as_raw_html()
    _tbl_data._get_cell.register(pd.DataFrame, widgets._get_cell)
    _tbl_data._set_cell.register(pd.DataFrame, widgets._set_cell)
    ours = fact_wall_tables.manager_table(data, "Stora förv", dt.date(2024, 3, 1), 30).as_raw_html()
    assert ours == theirs and ours.count("<tr>") >= fact_wall_tables.TABLE_ROWS
