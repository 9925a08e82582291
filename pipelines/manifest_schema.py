"""The manifest's declared shape: every key, its type and bounds, checked with Swedish messages."""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
from collections.abc import Callable
from functools import cache

from schemas.codes import CODES_DIR

# Periods outside this range are typos (and pandas cannot hold dates after 2262).
FIRST_PERIOD, LAST_PERIOD = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


class SchemaError(Exception):
    """One key has the wrong type or value; the message names the key and what was expected."""


@cache
def official_kommuner() -> dict[str, str]:
    """Sweden's 290 kommuner (SCB code -> name), from schemas/codes/kommuner.csv."""
    with open(CODES_DIR / "kommuner.csv", encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def _fail(where: str, key: str, expected: str, value: object) -> SchemaError:
    shown = repr(value) if isinstance(value, str | int | float | bool) else type(value).__name__
    return SchemaError(f"{where}: '{key}' ska vara {expected} (är {shown[:60]})")


def text(where: str, key: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or str(value) == "":
        raise _fail(where, key, "en text", value)
    return str(value)


def integer(low: int, high: int) -> Callable[[str, str, object], int]:
    def check(where: str, key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _fail(where, key, f"ett heltal från {low} till {high}", value)
        return value

    return check


def yes_no(where: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, key, "true eller false", value)
    return value


def kommun_code(where: str, key: str, value: object) -> str:
    code = f"{value:04d}" if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(code, str) or code not in official_kommuner():
        raise _fail(
            where, key, 'en av Sveriges 290 kommunkoder inom citattecken, t.ex. "1262"', value
        )
    return code


def period(where: str, key: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or not FIRST_PERIOD <= value <= LAST_PERIOD:
        raise _fail(
            where, key, f"ett datum ÅÅÅÅ-MM-DD mellan {FIRST_PERIOD} och {LAST_PERIOD}", value
        )
    return value


def encoding(where: str, key: str, value: object) -> str:
    name = text(where, key, value)
    try:
        codecs.lookup(name)
    except LookupError:
        raise _fail(where, key, "en teckenkodning, t.ex. utf-8 eller cp1252", value) from None
    return name


def delimiter(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or len(value) != 1 or value in '"\r\n':
        raise _fail(where, key, 'ett enda tecken, t.ex. ";" "," "|" eller tab', value)
    return value


def one_of(*allowed: str) -> Callable[[str, str, object], str]:
    def check(where: str, key: str, value: object) -> str:
        if value not in allowed:
            raise _fail(where, key, "en av " + ", ".join(allowed), value)
        return str(value)

    return check


def mapping(where: str, key: str, value: object) -> dict[str, str]:
    """A map of text to text (e.g. header -> field)."""
    if not isinstance(value, dict) or len(value) > 500:
        raise _fail(where, key, "en tabell (rubrik: fält), högst 500 rader", value)
    return {text(where, f"{key}.{k}", k): text(where, f"{key}.{k}", v) for k, v in value.items()}


def text_list(where: str, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or len(value) > 100:
        raise _fail(where, key, "en lista med texter", value)
    return [text(where, f"{key}[{i}]", v) for i, v in enumerate(value)]


def checked(
    where: str, spec: object, keys: dict[str, Callable], required: tuple[str, ...]
) -> dict[str, object]:
    """Every key of `spec` checked by its declared checker; unknown and missing keys are errors."""
    if not isinstance(spec, dict):
        raise SchemaError(f"{where}: ska vara en tabell (nyckel: värde), är {type(spec).__name__}")
    unknown = [str(k) for k in spec if k not in keys]
    if unknown:
        raise SchemaError(
            f"{where}: okänd nyckel {', '.join(unknown)[:80]} (kända: {', '.join(keys)})"
        )
    missing = [k for k in required if spec.get(k) in (None, "")]
    if missing:
        raise SchemaError(f"{where}: saknar {', '.join(missing)}")
    return {k: keys[k](where, k, v) for k, v in spec.items() if v is not None}
