"""What a disclosure worker runs for `pool.protect`, in a module of its own.

A worker imports the module of the function it is sent; pool.py imports DuckDB and pandas (through
warehouse.intermediate), which would make every worker ~120 MiB larger than the rules need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def step_job(_step: int, work: Callable[..., Any], *job: Any) -> Any:
    """A step's job (`_step`, the step's place in the build, only routes the result back)."""
    return work(*job)
