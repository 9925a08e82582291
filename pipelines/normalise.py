"""Turn Swedish export text into typed values (decimal comma, dates, labels) and validate the result."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pipelines.report import ROW_COLUMN, Issue
from schemas.codes import code_table, missing_placeholders
from schemas.frames import arrow_text
from schemas.model import KIND_PANDAS_DTYPE, Field, Table
from schemas.validation import declared_dtype, passes_declared_rules

_DECIMAL = re.compile(r"^-?\d{1,3}(?:[ \u00a0.]\d{3})*(?:,\d+)?$|^-?\d+(?:[.,]\d+)?$")
# Excel serial day numbers from 1927 to 2119, as a date cell without date format exports.
_EXCEL_SERIAL = r"[1-7]\d{4}(?:[.,]0+)?"
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y")
# No HR or survey date lies outside these years; "150817" (a ddmmyy typo) reads as 1508-01-07,
# which is a wrong cell to report, not a date to keep (nor a crash of the whole file).
_PLAUSIBLE_YEARS = (1900, 2199)

_TEXT = pd.StringDtype()  # "string": what parsing starts from
RULE_TEXT = {
    "decimal": "inte ett tal (t.ex. 75,00)",
    "date": "inte ett datum (ÅÅÅÅ-MM-DD)",
    "integer": "inte ett heltal",
    "required": "värde saknas",
}


def distinct_texts(values: pd.Series) -> list[str]:
    """The column's distinct non-missing values as Python strings (one pass, no per-row work)."""
    return np.asarray(values.dropna().unique(), dtype=object).tolist()


def casefold_map(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """`values.str.casefold().map(table)`, folding each distinct value once, not each cell."""
    return map_distinct(values, lambda v: table.get(v.casefold()))


def map_distinct(values: pd.Series, function: Callable[[str], str | None]) -> pd.Series:
    """`values.map(function)` as text, `function` called once per distinct value (None gives
    a missing value, as a missing value stays)."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        mapping = {v: r for v in distinct_texts(values) if (r := function(v)) is not None}
        return values.map(mapping, na_action="ignore").astype("string")
    text = arrow_text(values.array)  # Arrow looks each cell up; pandas' map goes through objects
    distinct = pc.unique(text).to_pylist()
    pairs = [(v, r) for v in distinct if v is not None and (r := function(v)) is not None]
    keys = pyarrow.array([v for v, _ in pairs], text.type)
    results = pyarrow.array([r for _, r in pairs], pyarrow.large_string())
    found = pc.take(results, pc.index_in(text, keys))
    return pd.Series(pd.arrays.ArrowStringArray(found), index=values.index, name=values.name)


def blank_to_na(values: pd.Series) -> pd.Series:
    """Empty strings and HR placeholders such as -1, Okänt, #SAKNAS mean missing."""
    words = missing_placeholders()
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return _blank_to_na_pandas(values, words)
    text = arrow_text(values.array)  # Arrow does the column-wide work; pandas only masks
    # Folding never shortens text, so only values no longer than a placeholder can be one.
    short = pc.less_equal(pc.utf8_length(text), _longest(words))
    candidates = pc.unique(pc.filter(text, short)).to_pylist()
    placeholders = [v for v in candidates if v is not None and v.casefold() in words]
    missing = pc.fill_null(pc.equal(text, ""), True)  # a missing value stays missing
    if placeholders:
        missing = pc.or_(missing, pc.is_in(text, pyarrow.array(placeholders, text.type)))
    if not pc.any(missing).as_py():
        return values
    if values.dtype != _TEXT:
        return values.mask(missing.to_numpy(zero_copy_only=False))
    # Arrow blanks the cells itself: pandas' mask costs more than the rest of this function.
    kept = pc.if_else(missing, pyarrow.scalar(None, text.type), text)
    return pd.Series(pd.arrays.ArrowStringArray(kept), index=values.index, name=values.name)


@cache
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words))


def _blank_to_na_pandas(values: pd.Series, words: frozenset[str]) -> pd.Series:
    short = values[(values.str.len() <= _longest(words)).fillna(False)]
    placeholders = [v for v in distinct_texts(short) if v.casefold() in words]
    missing = values.eq("").fillna(True)
    if placeholders:
        missing |= values.isin(placeholders)
    return values.mask(missing) if missing.any() else values


def parse_decimal(values: pd.Series) -> pd.Series:
    """Swedish numbers: decimal comma, space or dot thousands, an optional trailing '%'."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return _parse_decimal_pandas(values)
    text = pc.replace_substring(arrow_text(values.array), "\u00a0", " ")
    if (
        not pc.all(pc.string_is_ascii(text), min_count=0).as_py()
        or pc.any(pc.match_substring(text, "\n"), min_count=0).as_py()
    ):
        # Python's \s, \d and $ differ from RE2's on other text: the rules run in Python there.
        return _parse_decimal_pandas(values)
    # ASCII text without newlines: the same patterns in Arrow's RE2, no Python per cell.
    text = pc.replace_substring_regex(text, _ASCII_PERCENT, "")
    good = pc.fill_null(pc.match_substring_regex(text, _ASCII_DECIMAL), False)
    swedish = pc.fill_null(pc.match_substring(text, ","), False)
    grouped = pc.replace_substring(pc.replace_substring_regex(text, "[ .]", ""), ",", ".")
    cleaned = pc.replace_substring(pc.if_else(swedish, grouped, text), " ", "")
    numbers = pc.cast(pc.if_else(good, cleaned, None), pyarrow.float64()).combine_chunks()
    return pd.Series(numbers.to_pandas(), index=values.index).astype("Float64")


# _DECIMAL and "\s*%$" for ASCII text (\s is Python's: \x1c-\x1f count as whitespace too).
_ASCII_DECIMAL = r"^-?\d{1,3}(?:[ .]\d{3})*(?:,\d+)?$|^-?\d+(?:[.,]\d+)?$"
_ASCII_PERCENT = r"[\t-\r\x1c-\x20]*%$"


def _parse_decimal_pandas(values: pd.Series) -> pd.Series:
    text = values.str.replace("\u00a0", " ").str.replace(r"\s*%$", "", regex=True)
    good = text.str.match(_DECIMAL).fillna(False).astype(bool)
    swedish = text.str.contains(",", regex=False).fillna(False).astype(bool)
    cleaned = text.where(~swedish, text.str.replace(r"[ .]", "", regex=True).str.replace(",", "."))
    cleaned = cleaned.str.replace(" ", "", regex=False)
    # Only text of the pattern's shape is left ("-1234.5"): Arrow casts it without Python per cell.
    numbers = pc.cast(pyarrow.array(cleaned.where(good).array), pyarrow.float64())
    return pd.Series(numbers.to_pandas(), index=values.index).astype("Float64")


def parse_date(values: pd.Series) -> pd.Series:
    todo = values.notna()
    formats = _formats_by_first(values[todo])
    if len(values) and todo.all():  # most columns: every value is there, in the first format
        whole = _to_datetime(values, formats[0])
        if whole.notna().all():  # what the loop below gives, without its masked writes
            return whole.astype("datetime64[ns]").rename(None)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        if not todo.any():
            break
        parsed[todo] = _to_datetime(values[todo], fmt)
        todo = parsed.isna() & values.notna()
    if not todo.any():
        return parsed.astype("datetime64[ns]")
    serial = todo & values.str.fullmatch(_EXCEL_SERIAL).fillna(False).astype(bool)
    if serial.any():  # a date cell Excel lost its format for: days since 1899-12-30
        days = pd.to_numeric(values[serial].str.replace(",", "."), errors="coerce")
        parsed[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days.astype(float), unit="D")
        parsed[serial] = parsed[serial].dt.normalize()
    return parsed.astype("datetime64[ns]")


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    """`values` in `fmt`; text that is no date, or a date outside the plausible years, is NaT."""
    try:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    except pd.errors.OutOfBoundsDatetime:  # a year pandas cannot hold even coerces by raising
        parsed = pd.to_datetime(values.map(lambda v: _plausible_text(v, fmt)), format=fmt)
    low, high = _PLAUSIBLE_YEARS
    return parsed.where(parsed.dt.year.between(low, high))


def _plausible_text(value: str, fmt: str) -> str | None:
    """`value` if it is a date in `fmt` within the plausible years (only on the rare raising path)."""
    try:
        year = dt.datetime.strptime(value, fmt).year
    except ValueError:
        return None
    return value if _PLAUSIBLE_YEARS[0] <= year <= _PLAUSIBLE_YEARS[1] else None


def _formats_by_first(present: pd.Series) -> list[str]:
    """The date formats, the one the first value has first: a column is mostly one format, so
    one pass usually reads it all. The formats accept disjoint texts (exact matching), so the
    order changes no value's result, only how many passes the column takes."""
    if not len(present):
        return list(_DATE_FORMATS)
    first = str(present.iloc[0])
    for fmt in _DATE_FORMATS:
        try:
            dt.datetime.strptime(first, fmt)
        except ValueError:
            continue
        return [fmt, *(f for f in _DATE_FORMATS if f != fmt)]
    return list(_DATE_FORMATS)


def parse_field(values: pd.Series, field: Field) -> pd.Series:
    return parse_present(blank_to_na(values.astype("string")), field)


def parse_present(values: pd.Series, field: Field) -> pd.Series:
    """`parse_field` of values already through `blank_to_na`."""
    if field.kind == "decimal":
        return parse_decimal(values)
    if field.kind == "integer":
        return parse_decimal(values).round().astype("Int64")
    if field.kind == "date":
        return parse_date(values)
    if field.codes:
        return casefold_map(values, code_table(field.codes))
    return values


def parse_fields(
    raw: pd.DataFrame, table: Table, header_of: dict[str, str], file: str
) -> tuple[pd.DataFrame, list[Issue]]:
    """Typed columns for every table field found in `raw`; unparsable cells become issues."""
    columns, issues = parse_columns(raw, table, header_of, file)
    return pd.DataFrame(columns, index=raw.index), issues


def parse_columns(
    raw: pd.DataFrame, table: Table, header_of: dict[str, str], file: str
) -> tuple[dict[str, pd.Series], list[Issue]]:
    """`parse_fields` as columns by name, for a caller that adds more before building the frame."""
    columns: dict[str, pd.Series] = {}
    issues: list[Issue] = []
    for field in table.fields:
        if field.name not in raw.columns:
            continue
        column = raw[field.name]
        present = blank_to_na(column if column.dtype == _TEXT else column.astype("string"))
        parsed = parse_present(present, field)
        bad = parsed.array.isna() & ~present.array.isna()  # numpy masks, no Series per step
        if bad.any():
            rule = (
                f"okänt värde (kända: se schemas/codes/{field.codes}.csv)"
                if field.codes
                else RULE_TEXT.get(field.kind, "ogiltigt värde")
            )
            issues += [
                Issue(
                    file,
                    int(raw.at[i, ROW_COLUMN]),
                    header_of.get(field.name, field.name),
                    str(raw.at[i, field.name]),
                    rule,
                )
                for i in raw.index[bad]
            ]
        columns[field.name] = parsed
    return columns, issues


def validate_table(
    typed: pd.DataFrame,
    table: Table,
    rows: pd.Series,
    raw: pd.DataFrame,
    header_of: dict[str, str],
    file: str,
    constant: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, list[Issue]]:
    """Lazy pandera validation against the table's declaration: every failure at once.

    `constant`: columns built from one value for the whole file (see passes_declared_rules)."""
    have = typed.dtypes.to_dict()
    cast = {
        f.name: KIND_PANDAS_DTYPE[f.kind]
        for f in table.fields
        if f.name in have and have[f.name] != declared_dtype(f.kind)
    }
    typed = typed.astype(cast) if cast else typed  # only columns not yet of their declared type
    conditional = _conditionally_missing(typed, table, rows, header_of, file)
    if passes_declared_rules(typed, table, constant):  # most files: pandera finds nothing
        return typed, conditional
    from pandera.errors import SchemaErrors  # pandera only for a file with something to report

    try:
        return table.pandera_schema().validate(typed, lazy=True), conditional
    except SchemaErrors as exc:
        failures = _issues_from_failures(exc.failure_cases, rows, raw, header_of, file)
        return typed, failures + conditional


def _conditionally_missing(
    typed: pd.DataFrame, table: Table, rows: pd.Series, header_of: dict[str, str], file: str
) -> list[Issue]:
    """Empty cells of fields that may be empty only on some rows (e.g. FTE of hourly staff)."""
    issues = []
    for field in table.fields:
        if field.may_be_empty_when is None or not field.required:
            continue
        other, codes = field.may_be_empty_when
        when = f"{header_of.get(other, other)} är {' eller '.join(codes)}"
        rule = f"{RULE_TEXT['required']} (får vara tomt bara när {when})"
        header = header_of.get(field.name, field.name)
        for i in typed.index[field.missing_not_allowed(typed)]:
            issues.append(Issue(file, int(rows.loc[i]), header, None, rule))
    return issues


def _issues_from_failures(
    failures: pd.DataFrame, rows: pd.Series, raw: pd.DataFrame, header_of: dict[str, str], file: str
) -> list[Issue]:
    issues: dict[tuple, Issue] = {}
    for failure in failures.itertuples(index=False):
        rule = _rule_text(str(failure.check))
        if rule == "skipped":
            continue
        index = failure.index if pd.notna(failure.index) else None
        row = int(rows.loc[index]) if index is not None and index in rows.index else None
        if failure.schema_context == "DataFrameSchema" and row is not None:
            # A rule across columns fails once per row, not once per cell of that row.
            issues.setdefault((row, rule), Issue(file, row, None, None, rule))
            continue
        column = failure.column if isinstance(failure.column, str) else None
        value = failure.failure_case
        if row is not None and column in raw.columns:
            value = raw.at[index, column]  # show the value as the file wrote it
        header = header_of.get(column, column) if column else None
        text = None if pd.isna(value) else str(value)
        issues[(row, rule, header, text)] = Issue(file, row, header, text, rule)
    return list(issues.values())


def _rule_text(check: str) -> str:
    if check == "not_nullable":
        return RULE_TEXT["required"]
    if check.startswith("column_in_dataframe"):
        return "obligatorisk kolumn saknas"
    if check.startswith("field_uniqueness") or check.startswith("multiple_fields_uniqueness"):
        return "dubblett: samma nyckel förekommer flera gånger"
    if check.startswith("dtype"):
        return "skipped"  # the parse step has already reported the cell
    return check
