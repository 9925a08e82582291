"""A quick pass over a table's declared rules: when it finds nothing, pandera finds nothing either.

Pandera stays the contract and the one that reports failures (row, column, value, rule); this
pass only decides, column by column with no Python per row, whether a frame is clean. Each test
is at least as strict as pandera's (nulls, dtype, allowed values, bounds, pattern, key, the
table's own checks), so a frame that passes here passes pandera, and one that does not is
validated by pandera as before. Most files are clean: they skip pandera's per-column overhead.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.frames import arrow_text, column_array
from schemas.model import KIND_PANDAS_DTYPE, Field, Table, TableCheck


def passes_declared_rules(
    frame: pd.DataFrame, table: Table, constant: frozenset[str] = frozenset()
) -> bool:
    """True only when pandera's lazy validation of `frame` against `table` would find nothing.

    `constant` names columns the caller built from one value (a file's kommun, period,
    survey): one row stands for all in their value rules, and they cannot tell rows apart.
    """
    if list(frame.columns) != table.column_names:
        return False  # missing, extra or reordered columns: pandera decides
    if list(frame.dtypes) != _dtypes(table):
        return False
    for position, field in enumerate(table.fields):
        # The stored array: a pandas Series per column costs more than the tests on it.
        values = column_array(frame, position)
        empty = pd.isna(values) if isinstance(values, np.ndarray) else values.isna()
        if field.not_null and empty.any():
            return False
        if _has_value_rule(field):
            if field.name in constant:
                values = values[:1]
                empty = empty[:1]
            if not _values_pass(values[~empty] if empty.any() else values, field):
                return False
    if table.primary_key and _has_duplicate_key(frame, table.primary_key, constant):
        return False
    return all(_table_check_passes(check, frame) for check in table.extra_checks)


def _has_duplicate_key(frame: pd.DataFrame, key: tuple[str, ...], constant: frozenset[str]) -> bool:
    """`frame.duplicated(subset=key).any()`; columns of one value are left out (pandas
    factorises each column it is given, ~0.3 ms each on a survey file's tables)."""
    varying = [name for name in key if name not in constant]
    if not varying:
        return len(frame) > 1
    return has_repeated_rows(frame, varying)


def has_repeated_rows(frame: pd.DataFrame, columns: list[str]) -> bool:
    """`frame.duplicated(subset=columns).any()` from each column's codes as `duplicated`
    factorises them (missing values equal), folded into one code per row column by column:
    no pandas Series or group machinery per call."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        codes, uniques = pd.factorize(column_array(frame, frame.columns.get_loc(name)))
        combined, _ = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))  # < len(frame)
    return len(frame) > 0 and int(combined.max()) + 1 < len(frame)


@cache
def declared_dtype(kind: str) -> object:
    """The pandas dtype a field of this kind has once typed (as pandera checks it)."""
    return pd.api.types.pandas_dtype(KIND_PANDAS_DTYPE[kind])


def _dtypes(table: Table) -> list[object]:
    return [declared_dtype(f.kind) for f in table.fields]


def _has_value_rule(field: Field) -> bool:
    return any(
        r is not None for r in (field.allowed, field.min_value, field.max_value, field.pattern)
    )


def _values_pass(values: object, field: Field) -> bool:
    """The same element-wise tests as pandera's built-in checks, on the non-null values."""
    if not len(values):  # type: ignore[arg-type]
        return True
    if isinstance(values, pd.arrays.ArrowStringArray):
        return _texts_pass(arrow_text(values), field)
    if isinstance(values, (pd.arrays.FloatingArray, pd.arrays.IntegerArray)) and (
        field.allowed is None and field.pattern is None
    ):
        return _numbers_pass(values._data, field)
    present = pd.Series(values)
    if field.allowed is not None and not present.isin(list(field.allowed)).all():
        return False
    if field.min_value is not None and not (present >= field.min_value).all():
        return False
    if field.max_value is not None and not (present <= field.max_value).all():
        return False
    return field.pattern is None or bool(present.str.match(field.pattern, na=False).all())


def _numbers_pass(data: np.ndarray, field: Field) -> bool:
    """Bounds on a nullable number column's values (pandas compares the same numpy data)."""
    if field.min_value is not None and not (data >= field.min_value).all():
        return False
    return field.max_value is None or bool((data <= field.max_value).all())


def _texts_pass(text: pa.ChunkedArray, field: Field) -> bool:
    """The rules on text, judged once per distinct value (no pandas Series per rule).

    A pattern passes only ASCII values without a line break that Python's `re.match` accepts:
    there pandas' Arrow engine (RE2, which str_matches uses) and Python's agree; other text,
    and numbers compared with text, are pandera's to judge.
    """
    if field.min_value is not None or field.max_value is not None:
        return False
    distinct = pc.unique(text).to_pylist()
    if field.allowed is not None and not set(distinct) <= set(field.allowed):
        return False
    if field.pattern is None:
        return True
    pattern = _compiled(field.pattern)
    return all(
        v is not None and v.isascii() and "\n" not in v and pattern.match(v) for v in distinct
    )


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _table_check_passes(check: TableCheck, frame: pd.DataFrame) -> bool:
    """A rule across columns, all True where its function gives a value.

    Pandera passes such an output when `output.all()` holds after also passing rows that are
    missing throughout, so this is as strict or stricter; any other kind of output is
    pandera's to judge.
    """
    try:
        output = check.function(frame)
    except Exception:  # a check that cannot run on this frame: let pandera report it
        return False
    if not isinstance(output, pd.Series) or not output.index.equals(frame.index):
        return False
    if output.empty:
        return True
    return output.dtype in _BOOLEAN_DTYPES and bool(output.all())


_BOOLEAN_DTYPES = (np.dtype(bool), pd.BooleanDtype())
