"""Swedish number, percentage and date formats used on every page."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboards import format as fmt

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, f"1{NB}234,5"),
        (1234567, 0, f"1{NB}234{NB}567"),
        (999, 0, "999"),
        (0, 1, "0,0"),
        (28.8333, 1, "28,8"),
        (22.25, 1, "22,3"),  # half up; Python's format() gives 22.2
        (0.125, 2, "0,13"),
        (2.5, 0, "3"),
        (-3, 1, "\u22123,0"),  # Swedish minus sign
        (-0.04, 1, "0,0"),  # no negative zero
        (1e6 + 0.05, 1, f"1{NB}000{NB}000,1"),
    ],
)
def test_number(value: float, decimals: int, expected: str) -> None:
    assert fmt.number(value, decimals) == expected


def test_integer_groups_thousands() -> None:
    assert fmt.integer(1234) == f"1{NB}234"
    assert fmt.integer(30) == "30"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12.345, f"12,3{NB}%"), (100 / 3, f"33,3{NB}%"), (0, f"0,0{NB}%"), (50, f"50,0{NB}%")],
)
def test_percent_takes_values_already_in_percent(value: float, expected: str) -> None:
    assert fmt.percent(value) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_values_show_a_dash(missing: object) -> None:
    assert fmt.number(missing) == fmt.MISSING
    assert fmt.percent(missing) == fmt.MISSING
    assert fmt.iso_date(missing) == fmt.MISSING


def test_iso_dates() -> None:
    assert fmt.iso_date(dt.date(2024, 3, 1)) == "2024-03-01"
    assert fmt.iso_date(dt.datetime(2024, 3, 1, 23, 59)) == "2024-03-01"
    assert fmt.iso_date(pd.Timestamp("2024-03-01")) == "2024-03-01"
    assert fmt.iso_date("2024-03-01") == "2024-03-01"
    # Stored as UTC, shown in Swedish time (CET in March, CEST in summer).
    assert fmt.iso_datetime(dt.datetime(2024, 3, 2, 4, 5, 59)) == "2024-03-02 05:05"
    assert fmt.iso_datetime(dt.datetime(2024, 7, 2, 4, 5, 59)) == "2024-07-02 06:05"
    with pytest.raises(TypeError):
        fmt.iso_date(20240301)


def _parse(text: str) -> float:
    return float(text.replace(NB, "").replace(",", ".").replace("\u2212", "-"))


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_number_round_trips_within_half_a_unit(value: float, decimals: int) -> None:
    text = fmt.number(value, decimals)
    assert " " not in text and "." not in text  # only no-break spaces, comma for decimals
    assert math.isclose(_parse(text), value, abs_tol=0.5 * 10**-decimals + 1e-9 * abs(value))
    if decimals:
        assert len(text.split(",")[1]) == decimals


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_grouping_agrees_with_cldr_swedish(value: float) -> None:
    babel_numbers = pytest.importorskip("babel.numbers")
    # Babel's rounding differs on exact halves, so compare grouping on whole numbers. Its
    # format_decimal writes an ASCII hyphen although CLDR's Swedish minus sign is U+2212
    # (what great-tables' locale="sv" shows), so map that one symbol.
    whole = round(value)
    cldr = babel_numbers.format_decimal(whole, locale="sv").replace(
        "-", babel_numbers.get_minus_sign_symbol("sv")
    )
    assert fmt.integer(whole) == cldr


@given(
    st.lists(
        st.one_of(st.none(), st.just(math.nan), st.floats(-1e7, 1e7), st.integers(-(10**6), 10**6)),
        max_size=30,
    ),
    st.integers(0, 2),
    st.booleans(),
)
@settings(deadline=None, max_examples=50)  # a shared machine must not fail it on time
def test_a_whole_column_reads_as_each_value_alone(values: list, decimals: int, pct: bool) -> None:
    one = fmt.percent if pct else fmt.number
    assert fmt.column(values, decimals, pct=pct) == [one(v, decimals) for v in values]
