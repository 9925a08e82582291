"""Missing data is never a strength or a challenge: workplaces per manager without workplaces."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.hr.tiny_kommun import TinyKommun, mart

W = "Arbetsställenummer"


def test_unknown_workplaces_read_missing_and_get_no_assessment(tmp_path: Path) -> None:
    """F1's staff name three workplaces; F2's export rows have none (the cells are empty)."""
    units = [
        ("F1", None, "Skolan", "Förvaltning", "grundskola", 1),
        ("F2", None, "Kansliet", "Förvaltning", "administration", 2),
    ]
    f1 = [(1, "F1", "Tillsvidare", 100, "", {W: "11111111"})]
    f1 += [(s, "F1", "Tillsvidare", 100, "", {W: f"{s % 3 + 1}" * 8}) for s in range(10, 16)]
    f2 = [(2, "F2", "Tillsvidare", 100, "")]
    f2 += [(s, "F2", "Tillsvidare", 100, "") for s in range(20, 26)]
    db = TinyKommun(units, f1 + f2).refresh(tmp_path)

    rollup = mart(
        db,
        "SELECT scope_id, workplaces_per_manager FROM mart_span_rollup "
        "WHERE scope_type = 'forvaltning' ORDER BY scope_id",
    ).set_index("scope_id")["workplaces_per_manager"]
    assert rollup["F1"] == 3.0  # the known figure stays
    assert pd.isna(rollup["F2"])  # not 0,0: nobody's workplace is known
    flags = mart(
        db,
        "SELECT forvaltning_id, value, assessment FROM mart_strengths_challenges "
        "WHERE metric = 'workplaces_per_manager' ORDER BY forvaltning_id",
    ).set_index("forvaltning_id")
    assert pd.isna(flags.loc["F2", "value"]) and pd.isna(flags.loc["F2", "assessment"])
