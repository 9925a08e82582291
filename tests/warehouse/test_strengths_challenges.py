"""mart_strengths_challenges against the rules of warehouse/reference_points.yaml, recomputed here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from warehouse.build import reference_points


def test_reference_points_file_is_complete() -> None:
    points = reference_points()
    assert points["metric"].is_unique
    research = points[points["challenge_above"].notna() | points["challenge_below"].notna()]
    assert research["challenge_reason"].str.len().gt(20).all()
    span = points.set_index("metric").loc["mean_span_first_line"]
    assert span["challenge_above"] == 30 and "knappt 30" in span["challenge_reason"]


def test_a_point_without_a_reason_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "points.yaml"
    bad.write_text(
        "metrics:\n  - {metric: chefstathet, label: x, unit: antal, decimals: 1,"
        " worse: higher, challenge_above: 28, median_diff: 5}\n"
    )
    with pytest.raises(ValueError, match="without a reason"):
        reference_points(bad)


def expected_assessment(row: pd.Series, point: pd.Series, median: float) -> str | None:
    value = row["value"]
    if pd.isna(value):
        return None
    higher = point["worse"] == "higher"
    if (
        higher
        and value > point["challenge_above"]
        or not higher
        and value < point["challenge_below"]
    ):
        return "utmaning"
    if (
        higher
        and value <= point["strength_at_most"]
        or not higher
        and value >= point["strength_at_least"]
    ):
        return "styrka"
    worse_by = (value - median) if higher else (median - value)
    if worse_by >= point["median_diff"] - 1e-9:
        return "utmaning"
    if -worse_by >= point["median_diff"] - 1e-9:
        return "styrka"
    return None


def test_flags_follow_the_reference_points_on_the_demo(demo_published_db: Path) -> None:
    con = duckdb.connect(str(demo_published_db), read_only=True)
    try:
        flags = con.execute("SELECT * FROM mart_strengths_challenges").df()
        rollup = con.execute("SELECT * FROM mart_span_rollup WHERE scope_type = 'forvaltning'").df()
    finally:
        con.close()
    points = reference_points().set_index("metric")
    forvaltningar = rollup[["kommun_code", "period_date", "scope_id"]].drop_duplicates()
    assert len(flags) == len(forvaltningar) * len(points)
    # the figure is the rollup's own, for the columns that are copied as they are
    merged = flags.merge(
        rollup.drop(columns=["forvaltning_id"]).rename(columns={"scope_id": "forvaltning_id"}),
        on=["kommun_code", "period_date", "forvaltning_id"],
    )
    for metric in ("mean_span_first_line", "chefstathet", "sick_leave_pct"):
        part = merged[merged["metric"] == metric]
        pd.testing.assert_series_equal(
            part["value"].reset_index(drop=True),
            part[metric].astype("float64").reset_index(drop=True),
            check_names=False,
        )
    for (_kommun, _period, metric), group in flags.groupby(
        ["kommun_code", "period_date", "metric"]
    ):
        median = group["value"].median()
        for _, row in group.iterrows():
            want = expected_assessment(row, points.loc[metric], median)
            assert (row["assessment"] if pd.notna(row["assessment"]) else None) == want, (
                row["forvaltning_name"],
                metric,
            )
    assert {"utmaning", "styrka"} <= set(flags["assessment"].dropna())
    assert flags.loc[flags["assessment"].notna(), "reason"].notna().all()
    # the demo's elderly care has spans above 30 in at least one kommun: a research challenge
    span = flags[(flags["metric"] == "mean_span_first_line") & (flags["basis"] == "referenspunkt")]
    assert (span["assessment"] == "utmaning").any()
