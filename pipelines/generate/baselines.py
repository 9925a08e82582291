"""Plan targets that fit a seed's own figures: the baselines come from the warehouse itself.

handlingsplaner.yaml states targets against seed 1's figures at scale 1. Another seed or scale
draws other units and people, so a target may lie on the wrong side of that baseline, which the
refresh rightly rejects. For such seeds and scales the generated HR exports of the plan's period
are refreshed into a throw-away warehouse (the same SQL that publishes the figures, so no metric
is defined twice), and each target that is not an improvement on its baseline is moved to one.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.generate.config import KommunPlans, KommunSpec
from pipelines.generate.manifest import ManifestEntry, write_manifest
from schemas.indicators import catalogue

HR_SOURCES = ("hr_roster", "org_units", "support_functions")
WHOLE_KOMMUN = "Hela kommunen"
STEP = 0.1  # a derived target asks for a tenth better than the baseline


def seed_baselines(
    out_dir: Path, spec: KommunSpec, entries: list[ManifestEntry], period
) -> dict[tuple[str, str], float]:
    """(scope name, indicator) -> value at `period`, from a refresh of the HR exports only."""
    from pipelines.refresh import run_steps  # the generator needs the warehouse only here

    hr = [e for e in entries if e.source in HR_SOURCES and e.kommun == spec.code]
    hr = [e for e in hr if e.period <= period]
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for e in hr:
            # A copy, not a link: the refresh refuses inbox links that point outside the inbox.
            shutil.copyfile(out_dir / e.file, inbox / e.file)
        write_manifest(inbox, [spec], hr)
        run_steps(inbox, Path(tmp) / "warehouse", b"baseline-only")
        db = Path(tmp) / "warehouse" / "published" / "chefskartan.duckdb"
        con = duckdb.connect(str(db), read_only=True)
        try:
            rows = con.execute(
                "SELECT CASE WHEN scope_type = 'kommun' THEN ? ELSE scope_name END, "
                "indicator_id, value FROM mart_indicator_history "
                "WHERE period_date = ? AND value IS NOT NULL",
                [WHOLE_KOMMUN, period],
            ).fetchall()
        finally:
            con.close()
    return {(scope, indicator): float(value) for scope, indicator, value in rows}


def fit_targets(plans: KommunPlans, baselines: dict[tuple[str, str], float]) -> KommunPlans:
    """Each target that is no improvement on its baseline becomes a tenth better than it."""
    better = {c.indicator_id: c.better for c in catalogue()}
    measures = []
    for m in plans.measures:
        targets = dict(m.get("Indikatorer") or {})
        for indicator, target in targets.items():
            base = baselines.get((m["Omfattning"], indicator))
            if base is None:
                continue
            sign = 1 if better[indicator] == "higher" else -1
            if (target - base) * sign < 0:
                # Rounded away from the baseline: 0.04 FTE, a tenth better, is 0.1, not 0.0.
                moved = max(base * (1 + sign * STEP), 0.0) * 10
                targets[indicator] = (math.ceil(moved) if sign > 0 else math.floor(moved)) / 10
        measures.append({**m, "Indikatorer": targets})
    return dataclasses.replace(plans, measures=tuple(measures))
