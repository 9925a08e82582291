"""The in-memory org tree: names a path-keyed export (Kävlinge) can tell apart."""

from __future__ import annotations

from collections import Counter

import pytest

from pipelines.generate import build_kommun


@pytest.mark.parametrize("code", ["1231", "1261", "1262"])
@pytest.mark.parametrize("scale", [0.05, 1.0])
def test_unit_names_are_unique_within_their_parent(code: str, scale: float) -> None:
    units = build_kommun(code, seed=5, scale=scale).units
    siblings = Counter((u.parent_id, u.name) for u in units)
    assert siblings.most_common(1)[0][1] == 1
    assert len({u.unit_id for u in units}) == len(units)
    if scale == 1.0:
        assert any("–" in u.name for u in units)  # "Hemtjänst – Norr": cp1252 writes 0x96
