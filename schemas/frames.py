"""A frame's columns as their stored arrays, without a pandas Series per column.

Building a Series costs pandas ~50-100 us, more than the tests run on many columns of a small
export, and extraction does it for every column of thousands of files. pandas has no public
way to the stored array, so its private accessor is called here and nowhere else: one place to
change when pandas does.
"""

from __future__ import annotations

import pandas as pd


def column_array(frame: pd.DataFrame, position: int) -> object:
    """The stored values of the column at `position` (an ExtensionArray or a numpy array)."""
    return frame._get_column_array(position)
