"""Steps every source kind shares: read the file, recognise headers, pseudonymise, type and validate."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.extract.files import ROW_COLUMN, ReadOptions, read_table
from pipelines.extract.headers import NAME_FIELDS, HeaderMatch, match_headers
from pipelines.manifest import InboxFile
from pipelines.normalise import blank_to_na, map_distinct, parse_columns, validate_table
from pipelines.personnummer import canonical_column, pseudonym
from pipelines.privacy import scan
from pipelines.report import WARNING, FileReport, Issue
from pipelines.templates import action_plan as action_plan_template
from pipelines.templates import key_figures as key_figures_template
from schemas.frames import arrow_text, column_array
from schemas.model import Table
from schemas.validation import declared_dtype

INVALID_PERSONNUMMER = "ogiltigt personnummer (fel format, datum eller kontrollsiffra)"


@dataclass
class Export:
    """One export read and renamed to canonical fields, with its report so far."""

    entry: InboxFile
    sha256: str
    raw: pd.DataFrame
    header_of: dict[str, str]  # canonical field -> the file's own header
    report: FileReport
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Extra history key of what this file replaces (a survey replaces only its own survey).
    partition: tuple[tuple[str, str], ...] = ()

    def issue(self, row: int | None, field_name: str | None, value: str | None, rule: str) -> None:
        column = self.header_of.get(field_name, field_name) if field_name else None
        self.report.issues.append(Issue(self.entry.name, row, column, value, rule))

    def warn(self, rule: str) -> None:
        """A warning about the whole file (no row, column or value): loaded, and reported."""
        self.report.issues.append(Issue(self.entry.name, None, None, None, rule, WARNING))


def open_export(entry: InboxFile, sha256: str) -> Export:
    """Read the file and keep only recognised columns; names never go further than this."""
    options = ReadOptions(entry.encoding, entry.delimiter, entry.sheet)
    table = read_table(entry.path, options)
    headers = [c for c in table.columns if c != ROW_COLUMN]
    overrides = {**source_headers(entry.source), **entry.columns}
    match = match_headers(headers, entry.source, overrides, table)
    mapping = match.mapping
    report = FileReport(
        entry.name, entry.source, entry.kommun_code, entry.period.isoformat(), rows_read=len(table)
    )
    report.ignored_columns = [h for h in headers if h not in mapping]
    report_set_aside(report, match)
    report_skipped_rows(report, table)
    kept = {h: f for h, f in mapping.items() if f not in NAME_FIELDS}
    raw = kept_columns(table, kept)
    report.columns = {f: h for h, f in kept.items()}
    return Export(entry, sha256, raw, report.columns, report)


def kept_columns(table: pd.DataFrame, kept: dict[str, str]) -> pd.DataFrame:
    """`table[[*kept, ROW_COLUMN]].rename(columns=kept)`, built from the column arrays: no
    frame copied twice, and not the table's attrs (each Series later taken from a frame with
    attrs deep-copies them; they served the report, which has them already)."""
    names = [*kept.values(), ROW_COLUMN]
    if len(set(names)) != len(names) or not table.columns.is_unique:
        return table[[*kept, ROW_COLUMN]].rename(columns=kept)
    position = table.columns.get_loc
    columns = {kept.get(h, h): column_array(table, position(h)) for h in [*kept, ROW_COLUMN]}
    return pd.DataFrame(columns, index=table.index)


def report_set_aside(report: FileReport, match: HeaderMatch) -> None:
    """A recognised header that lost to another is a warning naming both, never a silent drop."""
    report.issues += [
        Issue(report.file, None, header, None, reason, WARNING)
        for header, reason in match.set_aside.items()
    ]


def report_skipped_rows(report: FileReport, table: pd.DataFrame) -> None:
    """Title rows above the header and total rows at the end are read past, and said so."""
    if table.attrs.get("skipped"):
        report.issues.append(
            Issue(
                report.file,
                None,
                None,
                None,
                "rader som inte är data hoppades över: " + "; ".join(table.attrs["skipped"]),
                WARNING,
            )
        )


TEMPLATE_HEADERS = {
    "key_figures": key_figures_template.header_mapping,
    "action_plan": action_plan_template.plan_headers,
    "follow_up": action_plan_template.follow_up_headers,
}


def source_headers(source: str) -> dict[str, str]:
    """Headers a source kind defines itself: a template's columns are its alias table."""
    return TEMPLATE_HEADERS[source]() if source in TEMPLATE_HEADERS else {}


def require_columns(export: Export, *alternatives: tuple[str, ...]) -> bool:
    """Each alternative is a set of fields of which at least one must be present."""
    ok = True
    for options in alternatives:
        if not any(f in export.raw.columns for f in options):
            export.issue(
                None,
                None,
                None,
                f"obligatorisk kolumn saknas: {' eller '.join(options)} "
                f"(lägg till en mappning under 'columns' i manifestet)",
            )
            ok = False
    return ok


def valid_personnummer(export: Export, field_name: str, required: bool) -> pd.Series:
    """Canonical 12-digit personnummer per row (NA where missing); invalid ones are errors."""
    values = blank_to_na(export.raw[field_name].astype("string"))
    # The rules run over the whole column at once (numpy and Arrow), not row by row.
    numbers = canonical_column(values, export.entry.period)
    rows = export.raw[ROW_COLUMN]
    if required:
        for row in rows[values.isna()]:
            export.issue(int(row), field_name, None, "personnummer saknas")
    for row in rows[values.notna() & numbers.isna()]:
        # Never echo the value: it may be a real personnummer with a typo.
        export.issue(int(row), field_name, "(dolt)", INVALID_PERSONNUMMER)
    return numbers


def pseudonymise(
    export: Export, numbers: pd.Series, field_name: str, target: str, key: bytes
) -> pd.Series:
    """Keyed hash of each canonical personnummer, reported under the file's own header."""
    export.header_of[target] = export.header_of.get(field_name, field_name)
    return map_distinct(numbers, lambda n: pseudonym(n, key))  # one hash per distinct person


def check_kommun_column(export: Export) -> None:
    """A kommunkod column in the file must agree with the manifest."""
    if "kommun_code" not in export.raw.columns:
        return
    codes = blank_to_na(export.raw["kommun_code"].astype("string"))
    for i in codes.index[codes.notna() & (codes != export.entry.kommun_code)]:
        export.issue(
            int(export.raw.at[i, ROW_COLUMN]),
            "kommun_code",
            str(codes[i]),
            f"annan kommun än manifestets {export.entry.kommun_code}",
        )


def person_ids(
    export: Export, field_name: str, target: str, key: bytes, required: bool = False
) -> pd.Series:
    """Validate a personnummer column and replace it by keyed hashes in `target`."""
    numbers = valid_personnummer(export, field_name, required=required)
    return pseudonymise(export, numbers, field_name, target, key)


def as_declared(value: object, rows: int, kind: str) -> object:
    """A one-value column (lineage, manifest fields) built in its declared dtype at once, and
    row numbers as nullable integers: validation then has no column left to cast (a cast is
    ~1 ms of pandas per column and table, paid for every file of a national inbox)."""
    if isinstance(value, pd.Series):
        if value.dtype == "int64" and declared_dtype(kind) == "Int64":
            return pd.Series(pd.array(value.to_numpy(), dtype="Int64"), index=value.index)
        return value
    if isinstance(value, (pd.api.extensions.ExtensionArray, np.ndarray)):
        return value
    try:
        one = _one_value(type(value), value, kind)
    except (TypeError, ValueError):
        return value  # not of its kind: validation reports it as before
    if isinstance(one, pd.arrays.ArrowStringArray):  # Arrow repeats a scalar ~5x faster
        return pd.arrays.ArrowStringArray(pa.chunked_array([pa.repeat(arrow_text(one)[0], rows)]))
    return one.repeat(rows)


def _is_column(value: object) -> bool:
    """A value per row (as opposed to one value for the whole file)."""
    return isinstance(value, (pd.Series, pd.api.extensions.ExtensionArray, np.ndarray))


@lru_cache(maxsize=4096)
def _one_value(_type: type, value: object, kind: str) -> pd.api.extensions.ExtensionArray:
    """The one-element array of `value` in its declared dtype, built once per value (`repeat`
    copies it; the type is in the key so that True and 1 stay apart)."""
    return pd.array([value], dtype=declared_dtype(kind))


def typed_table(
    export: Export, table: Table, computed: dict[str, pd.Series | object]
) -> pd.DataFrame:
    """Parse and validate the table's fields; lineage and manifest fields are added here."""
    columns, issues = parse_columns(export.raw, table, export.header_of, export.entry.name)
    export.report.issues += issues
    columns.update(computed)
    check_kommun_column(export)
    columns["kommun_code"] = export.entry.kommun_code
    columns["period_date"] = pd.Timestamp(export.entry.period)
    columns["source_sha256"] = export.sha256
    columns["source_row"] = export.raw[ROW_COLUMN]
    constant = frozenset(name for name, v in columns.items() if not _is_column(v))
    for f in table.fields:
        columns[f.name] = as_declared(columns.get(f.name, pd.NA), len(export.raw), f.kind)
    names = table.column_names
    if set(columns) == set(names):  # in the declared order: validation needs no copy to reorder
        columns = {name: columns[name] for name in names}
    typed = pd.DataFrame(columns, index=export.raw.index)  # built once, not column by column
    text_columns = [
        f.name
        for f in table.fields
        if f.kind in ("text", "code")
        and not f.name.endswith("_id")
        and f.name in export.raw.columns
    ]
    export.report.issues += scan(
        typed,
        text_columns,
        export.raw[ROW_COLUMN],
        export.entry.name,
        export.header_of,
        export.entry.period,
    )
    already = {(i.row, i.column) for i in export.report.issues}
    valid, failures = validate_table(
        typed if list(columns) == names else typed[names],
        table,
        export.raw[ROW_COLUMN],
        export.raw,
        export.header_of,
        export.entry.name,
        constant,
    )
    export.report.issues += [i for i in failures if (i.row, i.column) not in already]
    export.report.issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    return valid
