"""The data dictionary (docs/data_dictionary.md), generated from the same declarations as the DDL.

Run `python -m schemas.dictionary > docs/data_dictionary.md` after changing a schema.
"""

from __future__ import annotations

from schemas.marts import MARTS
from schemas.model import Table
from schemas.tables import HISTORY_TABLES, STORE_TABLES


def table_markdown(name: str, table: Table) -> str:
    lines = [f"### `{name}`", "", table.description, ""]
    if table.primary_key:
        lines += [f"Key: {', '.join(f'`{k}`' for k in table.primary_key)}", ""]
    lines += ["| column | type | required | description |", "|---|---|---|---|"]
    for f in table.fields:
        rules = []
        if f.allowed:
            rules.append("one of " + ", ".join(f"`{a}`" for a in f.allowed))
        if f.min_value is not None or f.max_value is not None:
            rules.append(
                f"range {f.min_value if f.min_value is not None else ''}–"
                f"{f.max_value if f.max_value is not None else ''}"
            )
        extra = f" ({'; '.join(rules)})" if rules else ""
        required = "yes" if f.not_null else "no"
        if f.required and f.may_be_empty_when:
            other, codes = f.may_be_empty_when
            required = f"yes, except when {other} is {' or '.join(codes)}"
        lines.append(f"| `{f.name}` | {f.sql_type} | {required} | {f.description}{extra} |")
    return "\n".join(lines) + "\n"


def dictionary_markdown() -> str:
    parts = [
        "# Data dictionary",
        "",
        "Generated from `schemas/` by `python -m schemas.dictionary`; do not edit by hand.",
        "",
        "## Published marts (read-only files in `published/`: the public SQL API)",
        "",
    ]
    parts += [table_markdown(t.name, t) for t in MARTS]
    parts += ["## Private store (`store.duckdb`, written only by refresh)", ""]
    parts += [table_markdown(f"hist_{n}", t) for n, t in HISTORY_TABLES.items()]
    parts += [table_markdown(n, t) for n, t in STORE_TABLES.items()]
    return "\n".join(parts)


if __name__ == "__main__":
    print(dictionary_markdown(), end="")
