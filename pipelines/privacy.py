"""The last gate before staging: no personnummer in any text and no column of person names."""

from __future__ import annotations

import csv
import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.personnummer import canonical
from pipelines.report import Issue
from schemas.codes import CODES_DIR
from schemas.frames import arrow_text

PNR_LIKE = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+]?\d{4}(?!\d)")
NAME_LIKE = re.compile(r"^([A-ZÅÄÖÉ][a-zåäöéü]+)(?:[ -][A-ZÅÄÖÉ][a-zåäöéü]+){1,2}$")
NAME_COLUMN_SHARE = 0.5  # a column is a name column when half its values look like names
PNR_RULE = "ser ut som ett personnummer – personnummer får inte lagras, inte heller i fritext"
NAME_RULE = "kolumnen ser ut att innehålla personnamn – namn får inte lagras"


@cache
def first_names() -> frozenset[str]:
    with open(CODES_DIR / "first_names.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["name"] for row in csv.DictReader(f))


def contains_personnummer(text: str, period: object) -> bool:
    """A valid personnummer (date and check digit) anywhere in the text."""
    return any(canonical(m.group(0), period) for m in PNR_LIKE.finditer(text))  # type: ignore[arg-type]


def looks_like_name(text: str) -> bool:
    match = NAME_LIKE.match(text)
    return bool(match) and match.group(1) in first_names()


def scan(
    frame: pd.DataFrame,
    columns: list[str],
    rows: pd.Series,
    file: str,
    header_of: dict[str, str],
    period: object,
) -> list[Issue]:
    """Issues for every cell holding a personnummer and every column that holds names."""
    issues = []
    for column in columns:
        text = _arrow_text(frame[column])
        header = header_of.get(column, column)
        # The exact rule runs only on cells with ten digits in a row's shape (a superset of
        # PNR_LIKE's matches: _candidate_positions), so no Python per cell.
        for position in _candidate_positions(text):
            if contains_personnummer(text[position].as_py(), period):
                row = int(rows.loc[frame.index[position]])
                issues.append(Issue(file, row, header, "(dolt)", PNR_RULE))
        if _name_share(text) >= NAME_COLUMN_SHARE:
            issues.append(Issue(file, None, header, None, NAME_RULE))
    return issues


def _arrow_text(values: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow text, missing values null (one array per column, not per cell)."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        return arrow_text(values.array)
    text = values.astype("string").array
    return (
        arrow_text(text)
        if isinstance(text, pd.arrays.ArrowStringArray)
        else pa.chunked_array([pa.array(text.to_numpy(na_value=None), pa.large_string())])
    )


def _candidate_positions(text: pa.ChunkedArray) -> np.ndarray:
    """Positions of cells with ten digits in a row's shape (every match of PNR_LIKE has it).

    Arrow compiles a pattern on every call, a Unicode digit class in ~0.5 ms (a fixed cost
    per column and file), so ASCII text is searched for [0-9] (its only digits) and other
    text (most names of units) by Python's \\d, once per distinct value that is long enough.
    """
    long_enough = pc.greater_equal(pc.utf8_length(text), 10)  # the pattern needs 10 characters
    if not pc.any(long_enough).as_py():
        return np.empty(0, dtype=np.int64)
    if pc.all(pc.string_is_ascii(text), min_count=0).as_py():
        found = pc.match_substring_regex(text, _ASCII_CANDIDATE)
    else:
        distinct = pc.unique(pc.filter(text, long_enough)).to_pylist()
        hits = [v for v in distinct if _CANDIDATE.search(v)]
        if not hits:
            return np.empty(0, dtype=np.int64)
        found = pc.is_in(text, pa.array(hits, text.type))
    return np.flatnonzero(pc.fill_null(found, False).to_numpy(zero_copy_only=False))


_ASCII_CANDIDATE = r"[0-9]{6}[-+]?[0-9]{4}"
_CANDIDATE = re.compile(r"\d{6}[-+]?\d{4}")  # \d as PNR_LIKE has it: any Unicode digit


def _name_share(text: pa.ChunkedArray) -> float:
    """Share of the non-missing values that look like names, judging each distinct value once
    (0 when there are none)."""
    present = len(text) - text.null_count
    if not present:
        return 0.0
    counts = pc.value_counts(pc.drop_null(text))
    values, times = counts.field("values").to_pylist(), counts.field("counts").to_pylist()
    return sum(n for v, n in zip(values, times, strict=True) if looks_like_name(v)) / present
