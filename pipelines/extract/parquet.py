"""Staged tables to parquet: the file `DataFrame.to_parquet(path, index=False)` writes, cheaper.

pandas and pyarrow rebuild the same schema and pandas metadata for every frame (~3 ms of a
survey file's four tables, each time); the metadata depends only on the column names and
dtypes, so it is built once per shape and the columns are converted as pyarrow converts them.
Anything unusual (object columns, whose type depends on the values; attrs; odd names) goes
through `to_parquet` itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.frames import column_array

_SCHEMAS: dict[tuple, pa.Schema] = {}


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """`frame.to_parquet(path, index=False)`, byte for byte (tests/extract/test_parquet.py)."""
    names = list(frame.columns)
    dtypes = tuple(frame.dtypes)
    if (
        frame.attrs
        or not all(type(n) is str for n in names)
        or len(set(names)) != len(names)
        or any(isinstance(d, np.dtype) and d.kind == "O" for d in dtypes)
    ):
        frame.to_parquet(path, index=False)
        return
    key = (tuple(names), dtypes)
    schema = _SCHEMAS.get(key)
    if schema is None:
        schema = pa.Table.from_pandas(frame.iloc[:0], preserve_index=False).schema
        schema = _SCHEMAS.setdefault(key, schema)
    # The stored arrays, not a Series per column (each costs pandas ~50 us to build).
    arrays = [_arrow(column_array(frame, i)) for i in range(len(names))]
    if any(a.type != f.type for a, f in zip(arrays, schema, strict=True)):
        frame.to_parquet(path, index=False)
        return
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression="snappy")


def _arrow(values: object) -> pa.Array | pa.ChunkedArray:
    """A column's stored values as `pa.array(column, from_pandas=True)` converts the column."""
    if hasattr(values, "__arrow_array__"):  # pandas' Arrow-backed and nullable arrays
        return pa.array(values, from_pandas=True)
    return pa.array(np.asarray(values), from_pandas=True)  # numpy dtypes (datetime64, int, float)
