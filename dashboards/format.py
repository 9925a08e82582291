"""Swedish display formats for numbers, percentages and dates (one definition for all pages).

The conventions follow CLDR's Swedish locale (what Babel and LibreOffice use):
a no-break space (U+00A0) groups thousands, a comma marks decimals, the minus is U+2212
and a percent sign is set off by a no-break space ("12,3 %"). The no-break spaces also keep
a figure on one line on a projected or printed fact wall. Halves round away from zero
("22,25" -> "22,3"), as people expect, not to even as Python's format() does.
Dates are ISO 8601 (2024-03-01), which is also the Swedish standard date form.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "–"  # en dash: shown where a figure does not exist (no managers, no data)

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas NA and NaT all mean "no figure"."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def number(value: Any, decimals: int = 0) -> str:
    """Format a number the Swedish way: number(1234.5, 1) == '1 234,5' (U+00A0 as space)."""
    if _is_missing(value):
        return MISSING
    # repr() gives the shortest decimal that round-trips the float, so 22.25 stays 22.25
    # (not 22.2499...) before rounding half up.
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never show "−0,0"
    digits = f"{abs(rounded):,.{decimals}f}"  # '1,234.5'
    digits = digits.replace(",", NBSP).replace(".", ",")
    return (MINUS if rounded < 0 else "") + digits


def integer(value: Any) -> str:
    """Format a count: integer(1234) == '1 234'."""
    return number(value, decimals=0)


def percent(value_pct: Any, decimals: int = 1) -> str:
    """Format a value already in percent (0-100, as the marts' *_pct columns): '12,3 %'."""
    if _is_missing(value_pct):
        return MISSING
    return f"{number(value_pct, decimals)}{NBSP}%"


def suppressed(anonymity_k: Any) -> str:
    """What a hidden figure reads on every page, poster and workbook: 'dolt (< 5)'."""
    return f"dolt (<{NBSP}{integer(anonymity_k)})"


def figure(value: Any, unit: str, decimals: int = 1) -> str:
    """A figure by its unit as the marts name it: pct '12,3 %', fte/antal '0,45', manader '14'."""
    if unit == "pct":
        return percent(value, decimals)
    return number(value, decimals)


def iso_date(value: Any) -> str:
    """Format a date as ISO 8601: '2024-03-01' (datetimes and pandas Timestamps too)."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).isoformat()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not a date: {value!r}")


def iso_datetime(value: Any) -> str:
    """Format a timestamp to the minute in Swedish time: '2024-03-02 04:05'.

    The marts store UTC without a zone (refreshed_at); readers in the room expect local time.
    """
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(SWEDISH_TIME).strftime("%Y-%m-%d %H:%M")


def column(values: Any, decimals: int = 0, pct: bool = False) -> list[str]:
    """A whole column formatted at once, as number()/percent() format each value.

    Each distinct value is formatted once and the texts are mapped over the column: a
    förvaltning's 1 700 managers have a few dozen distinct spans, so a large table costs a
    dictionary lookup per cell instead of a formatter call in the table library.
    """
    series = pd.Series(values, dtype=object)
    one = percent if pct else number
    texts = {v: one(v, decimals) for v in series.dropna().unique()}
    return [MISSING if _is_missing(v) else texts[v] for v in series]
