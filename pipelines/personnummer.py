"""Validate Swedish personnummer and samordningsnummer, and replace them with a keyed hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    keyed = _keyed_hmac(key).copy()  # the key's HMAC state is prepared once, copied per number
    keyed.update(canonical_pnr.encode())
    return keyed.hexdigest()


@cache
def _keyed_hmac(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


# Column-wise forms of the rules above: the same results, computed over a whole column at once.
_LUHN_WEIGHTS = np.array([2, 1] * 5)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def canonical_column(values: pd.Series, today: dt.date) -> pd.Series:
    """`canonical` of every value (NA where invalid), vectorised; odd values take the scalar path.

    Values the vectorised pattern does not accept (invalid ones, and digits outside ASCII that
    Python's `\\d` still reads) go through `canonical` itself, so the result is identical.
    """
    text = pa.array(values.astype("string").str.replace(" ", "", regex=False), pa.large_string())
    matched = pc.fill_null(pc.match_substring_regex(text, _ASCII_PATTERN), False)
    matched = matched.to_numpy(zero_copy_only=False)
    out = np.full(len(values), None, dtype=object)
    if matched.any():
        out[matched] = _canonical_matched(pc.filter(text, matched), today)
    odd = ~matched & values.notna().to_numpy(dtype=bool)
    if odd.any():
        out[odd] = [canonical(v, today) for v in values[odd].astype(str)]
    return pd.Series(out, index=values.index, dtype="string")


_ASCII_PATTERN = r"^(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}$"


def _ascii_digits(text: pa.Array, width: int) -> np.ndarray:
    """Rows of `width` ASCII digits as an (n, width) integer matrix, read from Arrow's buffer."""
    text = pc.cast(text, pa.large_binary())
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(text.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(-1, width).astype(np.int64) - ord("0")


def _canonical_matched(text: pa.Array, today: dt.date) -> np.ndarray:
    """`canonical` of values known to have the pattern's shape: numbers in numpy, no Python per row."""
    separator = pc.utf8_slice_codeunits(text, -5, -4)
    centenarian = pc.equal(separator, "+").to_numpy(zero_copy_only=False)
    plain = pc.replace_substring_regex(text, "[-+]", "")
    century_given = pc.utf8_length(plain).to_numpy(zero_copy_only=False) == 12
    d = _ascii_digits(pc.utf8_slice_codeunits(plain, -10), 10)
    yy, mm, dd = d[:, 0] * 10 + d[:, 1], d[:, 2] * 10 + d[:, 3], d[:, 4] * 10 + d[:, 5]
    first2 = _ascii_digits(pc.utf8_slice_codeunits(plain, 0, 2), 2)
    inferred = today.year - (today.year - yy) % 100 - 100 * centenarian
    year = np.where(century_given, (first2[:, 0] * 10 + first2[:, 1]) * 100 + yy, inferred)
    day = np.where(dd > SAMORDNING_DAY_OFFSET, dd - SAMORDNING_DAY_OFFSET, dd)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last_day = _DAYS_IN_MONTH[np.clip(mm, 0, 12)] + (leap & (mm == 2))
    date_ok = (year >= 1) & (year <= 9999) & (mm >= 1) & (mm <= 12) & (day >= 1)
    date_ok &= day <= last_day
    doubled = d * _LUHN_WEIGHTS
    luhn_ok = np.where(doubled > 9, doubled - 9, doubled).sum(axis=1) % 10 == 0
    year_digits = np.stack([year // 1000 % 10, year // 100 % 10, year // 10 % 10, year % 10], 1)
    codes = (np.concatenate([year_digits, d[:, 2:]], axis=1) + ord("0")).astype(np.uint8)
    full = np.ascontiguousarray(codes).view("S12").ravel().astype("U12").astype(object)
    return np.where(date_ok & luhn_ok, full, None)


def sex_column(numbers: pd.Series) -> pd.Series:
    """`sex` of every canonical number (NA stays NA)."""
    digit = numbers.fillna("000000000000").str.slice(10, 11).astype(int).to_numpy()
    sexes = pd.Series(np.where(digit % 2 == 1, "M", "K"), index=numbers.index, dtype="string")
    return sexes.where(numbers.notna())


def age_band_column(numbers: pd.Series, on: dt.date) -> pd.Series:
    """`age_band` of every canonical number on a date (NA stays NA)."""
    present = numbers.notna()
    text = numbers.fillna("000001010000")
    year, month, day = (text.str.slice(a, b).astype(int) for a, b in ((0, 4), (4, 6), (6, 8)))
    day = day.where(day <= SAMORDNING_DAY_OFFSET, day - SAMORDNING_DAY_OFFSET)
    before = (on.month < month) | ((on.month == month) & (on.day < day))
    age = on.year - year - before.astype(int)
    band = np.select([age <= 29, age <= 49], ["-29", "30-49"], "50-")
    return pd.Series(band, index=numbers.index).astype("string").where(present)
