"""The last gate before staging: no personnummer in any text and no column of person names."""

from __future__ import annotations

import csv
import re
from functools import cache

import pandas as pd

from pipelines.personnummer import canonical
from pipelines.report import Issue
from schemas.codes import CODES_DIR

PNR_LIKE = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+]?\d{4}(?!\d)")
# Python's \d is any Unicode digit (category Nd); so is \p{Nd} in Arrow's RE2.
PNR_CANDIDATE = r"\p{Nd}{6}[-+]?\p{Nd}{4}"
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
        values = frame[column].dropna().astype("string")
        header = header_of.get(column, column)
        # The exact rule runs only on cells with ten digits in a row's shape (a superset of
        # PNR_LIKE's matches, found by Arrow over the whole column), so no Python per cell.
        candidates = values[values.str.contains(PNR_CANDIDATE, regex=True).fillna(False)]
        for i, value in candidates.items():
            if contains_personnummer(str(value), period):
                issues.append(Issue(file, int(rows.loc[i]), header, "(dolt)", PNR_RULE))
        if len(values) and name_share(values) >= NAME_COLUMN_SHARE:
            issues.append(Issue(file, None, header, None, NAME_RULE))
    return issues


def name_share(values: pd.Series) -> float:
    """Share of the values that look like names, judging each distinct value once."""
    counts = values.value_counts()
    names = [looks_like_name(str(v)) for v in counts.index]
    return float(counts[names].sum() / len(values))
