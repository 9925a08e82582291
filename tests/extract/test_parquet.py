"""Staged parquet written by write_parquet is the file to_parquet writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.extract.parquet import write_parquet


def _frames() -> dict[str, pd.DataFrame]:
    typed = pd.DataFrame(
        {
            "code": pd.array(["1231", None, "1262"], dtype="string"),
            "date": pd.to_datetime(["2026-10-01", None, "2024-01-31"]).astype("datetime64[ns]"),
            "whole": pd.array([1, None, 3], dtype="Int64"),
            "share": pd.array([0.5, None, 75.25], dtype="Float64"),
            "flag": pd.array([True, None, False], dtype="boolean"),
            "plain_int": np.array([2, 3, 4]),
            "plain_float": np.array([1.0, np.nan, 2.5]),
            "str": pd.Series(["a", None, "c"], dtype="str"),
            "ms": pd.Series(pd.to_datetime(["2026-10-01"] * 3)).astype("datetime64[ms]"),
        }
    )
    with_attrs = typed.copy()
    with_attrs.attrs["skipped"] = ["rad 1 ovanför rubrikraden: Rapport"]
    return {
        "typed": typed,
        "empty": typed.iloc[:0],
        "large": pd.concat([typed] * 400, ignore_index=True),  # pyarrow's threaded path
        "object": pd.DataFrame({"a": ["x", None], "b": ["1", "2"]}, dtype=object),
        "empty_object": pd.DataFrame(columns=["a", "b"]),
        "attrs": with_attrs,
        "filtered": typed[typed["whole"].notna()],  # not a RangeIndex
    }


@pytest.mark.parametrize("name", list(_frames()))
def test_write_parquet_writes_what_to_parquet_writes(tmp_path: Path, name: str) -> None:
    frame = _frames()[name]
    frame.to_parquet(tmp_path / "pandas.parquet", index=False)
    for attempt in range(2):  # the second write uses the remembered schema
        write_parquet(frame, tmp_path / f"ours{attempt}.parquet")
        ours = (tmp_path / f"ours{attempt}.parquet").read_bytes()
        assert ours == (tmp_path / "pandas.parquet").read_bytes()
