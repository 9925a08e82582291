"""Field and Table declarations: one declaration drives pandera validation, DuckDB DDL and docs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

# How each field kind is parsed from an export and stored.
KIND_SQL_TYPE = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "integer": "INTEGER",
    "decimal": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "boolean": "BOOLEAN",
}
KIND_PANDAS_DTYPE = {
    "text": "string",
    "code": "string",
    "integer": "Int64",
    "decimal": "Float64",
    "date": "datetime64[ns]",
    "timestamp": "datetime64[ns]",
    "boolean": "boolean",
}


# The units a field's value is given in (shown beside Swedish labels; dashboards format by them).
# "varierar": the row names its own unit (e.g. indicator values of different kinds in one column).
UNITS = (
    "personer",
    "chefer",
    "%",
    "årsarbetare",
    "månader",
    "arbetsställen",
    "antal",
    "timmar",
    "index 0–100",
    "poäng",
    "dagar",
    "text",
    "datum",
    "kod",
    "ja/nej",
    "varierar",
)


@dataclass(frozen=True)
class Indicator:
    """A field that action plans can track: which way is better (label and unit are the field's)."""

    better: str  # "lower" or "higher"

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"better must be 'lower' or 'higher', not {self.better!r}")


@dataclass(frozen=True)
class Field:
    """One column: its name, kind, meaning and the rules a value must follow."""

    name: str
    kind: str
    description: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None
    codes: str | None = None  # name of a code table in schemas/codes mapping export labels
    indicator: Indicator | None = None  # set on mart fields that action plans can track
    label: str | None = None  # Swedish name, as the dashboards and exports show it
    unit: str | None = None  # one of UNITS
    # Missing is allowed (not invalid) on rows whose other field holds one of these codes, e.g.
    # ("employment_form", ("timavlonad",)): HR systems leave FTE empty for hourly staff.
    may_be_empty_when: tuple[str, tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KIND_SQL_TYPE:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.name}")
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} for {self.name}")

    def with_description(self, description: str) -> Field:
        return replace(self, description=description)

    def renamed(self, name: str) -> Field:
        return replace(self, name=name)

    def optional(self) -> Field:
        return replace(self, required=False)

    def labelled(self, label: str, unit: str | None = None) -> Field:
        """This field with its Swedish label (and unit, kept when not given)."""
        return replace(self, label=label, unit=unit or self.unit)

    def tracked(self, better: str) -> Field:
        """This field as a trackable indicator (see schemas/indicators.py); needs label and unit."""
        if self.label is None or self.unit is None:
            raise ValueError(f"indicator {self.name} needs a Swedish label and a unit")
        return replace(self, indicator=Indicator(better))

    @property
    def sql_type(self) -> str:
        return KIND_SQL_TYPE[self.kind]

    @property
    def comment(self) -> str:
        """The column comment: Swedish label and unit (when declared), then the description."""
        if self.label is None:
            return self.description
        unit = f" [{self.unit}]" if self.unit else ""
        return f"{self.label}{unit} – {self.description}"

    @property
    def not_null(self) -> bool:
        """Required on every row (a conditional requirement is checked per row instead)."""
        return self.required and self.may_be_empty_when is None

    def missing_not_allowed(self, frame: pd.DataFrame) -> pd.Series:
        """Rows where this field is empty although its declaration requires a value there."""
        missing = frame[self.name].isna() if self.name in frame.columns else True
        if not self.required:
            return pd.Series(False, index=frame.index)
        if self.may_be_empty_when is None:
            return pd.Series(missing, index=frame.index)
        other, codes = self.may_be_empty_when
        exempt = frame[other].isin(list(codes)).fillna(False).astype(bool)
        return pd.Series(missing, index=frame.index) & ~exempt

    def checks(self) -> list[pa.Check]:
        import pandera.pandas as pa  # pandera only where it validates (see TableCheck)

        checks: list[pa.Check] = []
        if self.allowed is not None:
            checks.append(
                pa.Check.isin(
                    list(self.allowed), error="tillåtna värden: " + ", ".join(self.allowed)
                )
            )
        if self.min_value is not None:
            checks.append(pa.Check.ge(self.min_value, error=f"minst {self.min_value:g}"))
        if self.max_value is not None:
            checks.append(pa.Check.le(self.max_value, error=f"högst {self.max_value:g}"))
        if self.pattern is not None:
            checks.append(pa.Check.str_matches(self.pattern, error=f"ska ha formen {self.pattern}"))
        return checks

    def pandera_column(self) -> pa.Column:
        import pandera.pandas as pa

        return pa.Column(
            KIND_PANDAS_DTYPE[self.kind],
            checks=self.checks(),
            nullable=not self.not_null,
            required=True,
            description=self.description,
            name=self.name,
        )


@dataclass(frozen=True)
class TableCheck:
    """A rule across a table's columns: `function(frame)` is True on each valid row, and
    `error` (Swedish) names the rule in reports.

    Declared without pandera, which builds a pa.Check from it only when it validates: an
    extraction process whose files are clean never imports pandera (~0.35 s CPU each).
    """

    function: Callable[[pd.DataFrame], pd.Series]
    error: str

    def pandera_check(self) -> pa.Check:
        import pandera.pandas as pa

        return pa.Check(self.function, error=self.error)


@dataclass(frozen=True)
class Table:
    """A table: its fields in order, primary key and what one row means."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    extra_checks: tuple[TableCheck, ...] = field(default=())
    label: str | None = None  # Swedish name (published marts)
    pages: tuple[str, ...] = ()  # dashboard pages that show it (published marts)

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def pandera_schema(self) -> pa.DataFrameSchema:
        """The declaration as a pandera schema, built once per table (not once per file)."""
        cached = _SCHEMAS.get(id(self))
        if cached is None or cached[0] is not self:
            cached = _SCHEMAS[id(self)] = (self, self._build_pandera_schema())
        return cached[1]

    def _build_pandera_schema(self) -> pa.DataFrameSchema:
        import pandera.pandas as pa

        return pa.DataFrameSchema(
            {f.name: f.pandera_column() for f in self.fields},
            unique=list(self.primary_key) or None,
            strict="filter",
            ordered=False,
            coerce=False,
            name=self.name,
            description=self.description,
            checks=[check.pandera_check() for check in self.extra_checks],
        )

    def with_indicators(self, indicators: dict[str, str]) -> Table:
        """The table with some fields marked trackable: name -> better ("lower" or "higher")."""
        unknown = set(indicators) - set(self.column_names)
        if unknown:
            raise KeyError(f"{self.name} has no fields {sorted(unknown)}")
        fields = tuple(
            f.tracked(indicators[f.name]) if f.name in indicators else f for f in self.fields
        )
        return replace(self, fields=fields)

    def ddl(self, table_name: str | None = None, with_primary_key: bool = True) -> str:
        """CREATE TABLE; published marts leave out the key constraint (DuckDB 1.0 cannot read
        how DuckDB 2.0 stores it) and have their keys checked by the build instead."""
        name = table_name or self.name
        cols = ",\n  ".join(
            f"{f.name} {f.sql_type}{' NOT NULL' if f.not_null else ''}" for f in self.fields
        )
        keyed = self.primary_key and with_primary_key
        pk = f",\n  PRIMARY KEY ({', '.join(self.primary_key)})" if keyed else ""
        return f"CREATE TABLE IF NOT EXISTS {name} (\n  {cols}{pk}\n)"

    def comment_statements(self, table_name: str | None = None) -> list[str]:
        name = table_name or self.name
        table_comment = f"{self.label} – {self.description}" if self.label else self.description
        statements = [f"COMMENT ON TABLE {name} IS {sql_literal(table_comment)}"]
        statements += [
            f"COMMENT ON COLUMN {name}.{f.name} IS {sql_literal(f.comment)}" for f in self.fields
        ]
        return statements


# Table id -> (table, its schema); the table is kept so its id is never reused while cached.
_SCHEMAS: dict[int, tuple[Table, pa.DataFrameSchema]] = {}


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
