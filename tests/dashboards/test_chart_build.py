"""Every chart is built from channel objects: no bare strings or dicts that Altair 6 turns into
channels with from_dict, which rebuilds its table of every schema class each time (~8 ms a call,
half of a cold chart; dashboards/charts.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from altair.utils import schemapi

from dashboards import charts

INDEX = pd.DataFrame(
    {
        "survey_id": "s1",
        "construct": ["krav", "krav", "stod", "stod"],
        "scope_type": ["kommun", "forvaltning"] * 2,
        "scope_id": ["1262", "F1"] * 2,
        "index_0_100": [55.0, 60.0, 40.0, None],
        "is_suppressed": [False, False, False, True],
        "anonymity_k": 5,
    }
)
TIME_USE = pd.DataFrame(
    {
        "category": ["tid_personal", "tid_ekonomi"] * 2,
        "category_kind": "logged_share",
        "scope_type": ["forvaltning", "forvaltning", "kommun", "kommun"],
        "scope_id": ["F1", "F1", "1262", "1262"],
        "mean_share_pct": [40.0, 60.0, 45.0, 55.0],
        "is_suppressed": False,
    }
)
FLAGS = pd.DataFrame(
    {
        "metric_label": ["Medarbetare per chef", "Andel timavlönade"],
        "unit": ["antal", "pct"],
        "decimals": [1, 1],
        "value": [31.0, 12.5],
        "kommun_value": [27.0, 10.0],
        "reference_value": [28.0, None],
        "is_suppressed": False,
        "assessment": ["utmaning", None],
    }
)
DELA_VARLD = pd.DataFrame(
    {
        "measure_type": "construct",
        "measure_id": ["krav", "stod"],
        "measure_text": [None, None],
        "gap_0_100": [5.0, -3.0],
        "managers_index_0_100": [50.0, 60.0],
        "managers_suppressed": False,
        "top_management_index_0_100": [55.0, 57.0],
        "top_management_suppressed": False,
    }
)
TEAM = pd.DataFrame({"is_first_line": [True, True, False], "employees_monthly_paid": [12, 41, 3]})


@pytest.fixture
def from_dict_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    calls: list[object] = []
    init = schemapi._FromDict.__init__

    def counted(self: object, *args: object) -> None:
        calls.append(args)
        init(self, *args)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counted)
    yield calls


def test_no_chart_goes_through_from_dict(from_dict_calls: list[object]) -> None:
    built = [
        charts.span_distribution(TEAM, 30),
        charts.survey_indices(INDEX, "forvaltning", "F1"),
        charts.time_use(TIME_USE, "F1", "Lomma"),
        charts.key_figures(FLAGS),
        charts.dela_varld(DELA_VARLD),
        charts.indicator_trend(["2024-03-01", "2025-03-01"], [31.0, 29.5], 28.0, "x", "%"),
    ]
    specs = [charts.screen_spec(chart) for chart in built]  # validated in the test suite
    assert all(spec["config"]["locale"]["number"]["decimal"] == "," for spec in specs)
    assert from_dict_calls == []
