"""Validate Swedish personnummer and samordningsnummer, and replace them with a keyed hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from pathlib import Path

KEY_ENV = "CHEFSKARTAN_PSEUDONYM_KEY"
KEY_FILE_ENV = "CHEFSKARTAN_PSEUDONYM_KEY_FILE"

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")
SAMORDNING_DAY_OFFSET = 60


class MissingKey(Exception):
    """No pseudonymisation key is configured."""


def canonical(value: str, today: dt.date) -> str | None:
    """The 12-digit form YYYYMMDDNNNN, or None when the value is not a valid number.

    Accepts 10 or 12 digits, with or without '-' and with '+' for people aged 100 or more;
    samordningsnummer have day + 60.
    """
    match = _PATTERN.match(value.replace(" ", ""))
    if not match:
        return None
    century, yy, mm, dd, sep, tail = match.groups()
    day = int(dd) - SAMORDNING_DAY_OFFSET if int(dd) > SAMORDNING_DAY_OFFSET else int(dd)
    year = int(century + yy) if century else _infer_year(int(yy), sep == "+", today)
    try:
        dt.date(year, int(mm), day)
    except ValueError:
        return None
    if not luhn_valid(yy + mm + dd + tail):
        return None
    return f"{year:04d}{mm}{dd}{tail}"


def _infer_year(yy: int, is_centenarian: bool, today: dt.date) -> int:
    year = today.year - (today.year - yy) % 100
    return year - 100 if is_centenarian else year


def luhn_valid(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def sex(canonical_pnr: str) -> str:
    """Legal sex from the second-to-last digit: odd for men (M), even for women (K)."""
    return "M" if int(canonical_pnr[10]) % 2 else "K"


def age_band(canonical_pnr: str, on: dt.date) -> str:
    """SKR's age bands for personnel statistics: 29 and younger, 30-49, 50 and older."""
    day = int(canonical_pnr[6:8])
    day = day - SAMORDNING_DAY_OFFSET if day > SAMORDNING_DAY_OFFSET else day
    born = (int(canonical_pnr[:4]), int(canonical_pnr[4:6]), day)
    age = on.year - born[0] - ((on.month, on.day) < born[1:])
    return "-29" if age <= 29 else "30-49" if age <= 49 else "50-"


def load_key() -> bytes:
    """The secret key: from CHEFSKARTAN_PSEUDONYM_KEY, or a file named by ..._KEY_FILE."""
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode()
    key_file = os.environ.get(KEY_FILE_ENV)
    if key_file and Path(key_file).is_file():
        return Path(key_file).read_bytes().strip()
    raise MissingKey(
        f"Ingen nyckel för pseudonymisering: sätt {KEY_ENV} eller {KEY_FILE_ENV} "
        "(nyckeln ska förvaras utanför lagret)."
    )


def pseudonym(canonical_pnr: str, key: bytes) -> str:
    return hmac.new(key, canonical_pnr.encode(), hashlib.sha256).hexdigest()
