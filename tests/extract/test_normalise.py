"""Swedish values: decimal comma, thousands space, dates, HR placeholders for missing."""

from __future__ import annotations

import pandas as pd

from pipelines.normalise import blank_to_na, parse_date, parse_decimal


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


def test_placeholders_mean_missing() -> None:
    values = pd.Series(["-1", "Okänt", "#SAKNAS", "", "B1"], dtype="string")
    assert blank_to_na(values).isna().tolist() == [True, True, True, True, False]
