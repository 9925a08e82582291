"""A frame's columns as their stored arrays, and Arrow text under pandas, without copies.

Building a Series costs pandas ~50-100 us, more than the tests run on many columns of a small
export, and extraction does it for every column of thousands of files. pandas has no public
way to the stored array, so its private accessor is called here and nowhere else: one place to
change when pandas does. Text columns are Arrow-backed; Arrow's compute functions work on the
Arrow data under them, reached through Arrow's own conversion protocol (public, no copy).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def column_array(frame: pd.DataFrame, position: int) -> object:
    """The stored values of the column at `position` (an ExtensionArray or a numpy array)."""
    return frame._get_column_array(position)


def arrow_text(values: pd.arrays.ArrowStringArray) -> pa.ChunkedArray:
    """The Arrow data under a pandas Arrow string array, shared (what pyarrow itself asks for
    when it converts the array: `__arrow_array__`)."""
    return values.__arrow_array__()
