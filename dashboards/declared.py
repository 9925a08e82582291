"""A mart figure's Swedish label and format, read from its one declaration in schemas/marts.py."""

from __future__ import annotations

from functools import cache
from typing import Any

from dashboards import format as fmt
from dashboards.plan_labels import UNIT_DECIMALS
from schemas.marts import MARTS
from schemas.model import Field


@cache
def field(mart: str, column: str) -> Field:
    """The declared field; KeyError for a column no mart declares (a typo, not a display)."""
    table = next(t for t in MARTS if t.name == mart)
    return next(f for f in table.fields if f.name == column)


def label(mart: str, column: str) -> str:
    f = field(mart, column)
    return f.label or column


def decimals(mart: str, column: str) -> int:
    """A count is whole ('16 chefer', never '16,0'); otherwise the unit's decimals, else one."""
    f = field(mart, column)
    return 0 if f.kind == "integer" else UNIT_DECIMALS.get(f.unit or "", 1)


def value(mart: str, column: str, v: Any) -> str:
    """The value as its declaration says: '12,3 %' for a share, '16' managers, '0,45' FTE."""
    if field(mart, column).unit == "%":
        return fmt.percent(v)
    return fmt.number(v, decimals(mart, column))


def excel_unit(mart: str, column: str) -> tuple[str, int]:
    """(unit, decimals) in the vocabulary downloads.excel_format takes."""
    unit = field(mart, column).unit
    return ("pct" if unit == "%" else "antal"), decimals(mart, column)
