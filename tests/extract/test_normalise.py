"""Swedish values: decimal comma, thousands space, dates, HR placeholders for missing."""

from __future__ import annotations

import pandas as pd
import pyarrow
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pipelines.extract  # noqa: F401  (pipelines.normalise is imported through the package)
from pipelines.normalise import (
    _DATE_FORMATS,
    _blank_to_na_pandas,
    _parse_decimal_pandas,
    blank_to_na,
    parse_date,
    parse_decimal,
)
from schemas.codes import missing_placeholders


def test_decimal_comma_and_thousands_separators() -> None:
    values = pd.Series(["75,00", "100", "1 234,5", "62.5", "abc", None], dtype="string")
    parsed = parse_decimal(values)
    assert parsed.tolist()[:4] == [75.0, 100.0, 1234.5, 62.5]
    assert parsed.isna().tolist()[4:] == [True, True]


def test_dates_in_export_formats() -> None:
    values = pd.Series(["2015-08-17", "20150817", "2015-08-17 00:00:00", "17/8"], dtype="string")
    parsed = parse_date(values)
    assert parsed[:3].dt.date.astype(str).tolist() == ["2015-08-17"] * 3
    assert pd.isna(parsed[3])


def parse_date_every_format_in_order(values: pd.Series) -> pd.Series:
    """parse_date as it was: every format over what is left, in the declared order."""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & values.notna()
        parsed[todo] = pd.to_datetime(values[todo], format=fmt, errors="coerce")
    return parsed


DATE_CELLS = st.lists(
    st.sampled_from(
        ["2015-08-17", "20150817", "2015-08-17T10:11:12", "2015-08-17 10:11:12", "17.08.2015",
         "2015-8-7", "2015-08-17 00:00:00", "17.8.2015", "2015-13-01", "", None]
    ),
    max_size=8,
)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(DATE_CELLS)
def test_dates_read_first_by_the_first_value_s_format_as_in_declared_order(cells: list) -> None:
    values = pd.Series(cells, dtype="string").replace("", None)
    expected = parse_date_every_format_in_order(values)
    assert parse_date(values).tolist() == expected.tolist()


def test_placeholders_mean_missing() -> None:
    values = pd.Series(["-1", "Okänt", "#SAKNAS", "", "B1"], dtype="string")
    assert blank_to_na(values).isna().tolist() == [True, True, True, True, False]


# ASCII text an export's number column may hold (Arrow's RE2 reads it): digits, separators,
# percent, whitespace Python's \s knows and RE2's does not (\x0b, \x1c), a letter.
ASCII_CELLS = st.lists(st.text("0123456789 ,.-%\t\x0b\x1ca", max_size=9), max_size=12)


def assert_read_as_python_rules(cells: list[str]) -> None:
    values = pd.Series(cells, dtype="string")
    python = values.astype(object)  # object dtype: pandas runs Python's re on every cell
    try:
        expected = _parse_decimal_pandas(python)
    except pyarrow.ArrowInvalid:  # a non-ASCII digit passes \d and fails the cast, both ways
        with pytest.raises(pyarrow.ArrowInvalid):
            parse_decimal(values)
        return
    assert parse_decimal(values).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(ASCII_CELLS)
@example(["5\x0b%", "5\x1c %", "75 %", "1 234,5", "1.234", "-0,5", "1,2,3", "%"])
def test_decimals_read_by_arrow_as_by_python_rules(cells: list[str]) -> None:
    assert_read_as_python_rules(cells)


def test_decimals_with_other_text_keep_python_rules() -> None:
    for cells in (["12\n", "5 %"], ["1\u00a0234,5", "7\u2009%"], ["\u0663"], ["5\u3000%", "x"]):
        assert_read_as_python_rules(cells)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(["", " ", "-1", "okänt", "OKÄNT", "#saknas", "B1", "x"]), max_size=9)
)
def test_placeholders_found_by_arrow_as_by_pandas(cells: list[str]) -> None:
    values = pd.Series(cells, dtype="string")
    expected = _blank_to_na_pandas(values.astype(object), missing_placeholders())
    assert blank_to_na(values).isna().tolist() == expected.isna().tolist()


def test_dates_read_alike_whole_or_mixed() -> None:
    """A whole column in one format (read in one pass) and mixed columns give the same dates."""
    from pipelines.normalise import parse_date

    whole = pd.Series(["2024-01-31", "2023-12-01"], dtype="string", name="start_text")
    mixed = pd.Series(["2024-01-31", "01.12.2023"], dtype="string")
    gap = pd.Series(["2024-01-31", None, "45000"], dtype="string")
    expected = pd.Series(pd.to_datetime(["2024-01-31", "2023-12-01"])).astype("datetime64[ns]")
    pd.testing.assert_series_equal(parse_date(whole), expected)
    pd.testing.assert_series_equal(parse_date(mixed), expected)
    read = parse_date(gap)
    assert read.isna().tolist() == [False, True, False]
    assert read[[0, 2]].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-31", "2023-03-15"]
