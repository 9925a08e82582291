"""The data dictionary (docs/data_dictionary.md and mart_dictionary), from the DDL's declarations.

Run `python -m schemas.dictionary > docs/data_dictionary.md` after changing a schema.
"""

from __future__ import annotations

from schemas.marts import MARTS
from schemas.model import Table
from schemas.tables import HISTORY_TABLES, STORE_TABLES


def mart_dictionary_rows() -> list[dict[str, object]]:
    """One row per published mart column: the rows of mart_dictionary."""
    return [
        {
            "mart_name": mart.name,
            "mart_label": mart.label,
            "column_position": position,
            "column_name": f.name,
            "label": f.label,
            "unit": f.unit,
            "data_type": f.sql_type,
            "description": f.description,
            "pages": "; ".join(mart.pages) or None,
        }
        for mart in MARTS
        for position, f in enumerate(mart.fields, start=1)
    ]


def _rules(f) -> str:
    rules = []
    if f.allowed:
        rules.append("one of " + ", ".join(f"`{a}`" for a in f.allowed))
    if f.min_value is not None or f.max_value is not None:
        rules.append(
            f"range {f.min_value if f.min_value is not None else ''}–"
            f"{f.max_value if f.max_value is not None else ''}"
        )
    return f" ({'; '.join(rules)})" if rules else ""


def _required(f) -> str:
    if f.required and f.may_be_empty_when:
        other, codes = f.may_be_empty_when
        return f"yes, except when {other} is {' or '.join(codes)}"
    return "yes" if f.not_null else "no"


def table_markdown(name: str, table: Table, swedish: bool = False) -> str:
    """A table's section; `swedish` adds the Swedish label and unit (published marts)."""
    title = f"### `{name}`" + (f" – {table.label}" if swedish and table.label else "")
    lines = [title, "", table.description, ""]
    if swedish and table.pages:
        lines += [f"Shown on: {', '.join(table.pages)}", ""]
    if table.primary_key:
        lines += [f"Key: {', '.join(f'`{k}`' for k in table.primary_key)}", ""]
    if swedish:
        lines += [
            "| column | Swedish label | unit | type | required | description |",
            "|---|---|---|---|---|---|",
        ]
    else:
        lines += ["| column | type | required | description |", "|---|---|---|---|"]
    for f in table.fields:
        swedish_cells = f"| {f.label or ''} | {f.unit or ''} " if swedish else ""
        lines.append(
            f"| `{f.name}` {swedish_cells}| {f.sql_type} | {_required(f)} "
            f"| {f.description}{_rules(f)} |"
        )
    return "\n".join(lines) + "\n"


def dictionary_markdown() -> str:
    parts = [
        "# Data dictionary",
        "",
        "Generated from `schemas/` by `python -m schemas.dictionary`; do not edit by hand.",
        "The same declarations fill the published table `mart_dictionary` and the column comments.",
        "",
        "## Published marts (read-only files in `published/`: the public SQL API)",
        "",
    ]
    parts += [table_markdown(t.name, t, swedish=True) for t in MARTS]
    parts += ["## Private store (`store.duckdb`, written only by refresh)", ""]
    parts += [table_markdown(f"hist_{n}", t) for n, t in HISTORY_TABLES.items()]
    parts += [table_markdown(n, t) for n, t in STORE_TABLES.items()]
    return "\n".join(parts)


if __name__ == "__main__":
    print(dictionary_markdown(), end="")
