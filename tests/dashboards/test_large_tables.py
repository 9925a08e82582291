"""Tables at national scale: a förvaltning with many managers, a network with many kommuner."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pandas as pd

from dashboards import fact_wall_tables
from dashboards.views import comparison

NB = "\u00a0"


def body_rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody") : html.index("</tbody>")]
    return [
        [unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def team(n: int) -> pd.DataFrame:
    spans = [(i * 37) % 61 for i in range(n)]  # 0..60, shuffled
    return pd.DataFrame(
        {
            "unit_names": [f"Enhet {i}" for i in range(n)],
            "verksamhet": ["äldreomsorg"] * n,
            "manager_level": [1 + i % 3 for i in range(n)],
            "employees_monthly_paid": spans,
            "employees_hourly": [i % 7 for i in range(n)],
            "fte_monthly_paid": [s * 0.95 + 0.05 for s in spans],
            "managers_led": [None if i % 5 else 2 for i in range(n)],
            "is_above_threshold": [s > 30 for s in spans],
        }
    )


def test_a_large_forvaltning_shows_its_largest_spans_and_says_so() -> None:
    data = team(1_700)
    html = fact_wall_tables.manager_table(data, "Stora förv", dt.date(2024, 3, 1), 30).as_raw_html()
    rows = body_rows(html)
    assert len(rows) == fact_wall_tables.TABLE_ROWS
    assert [r[3] for r in rows] == [str(s) for s in sorted(data["employees_monthly_paid"])[::-1]][
        : fact_wall_tables.TABLE_ROWS
    ]
    assert f"de 50 med flest av 1{NB}700 chefer; alla finns i nedladdningen" in unescape(html)
    top = data.sort_values(
        ["employees_monthly_paid", "manager_level"], ascending=[False, True], kind="stable"
    ).iloc[0]
    first = rows[0]
    assert first[0] == top["unit_names"] and first[7] == "Ja"
    assert first[5] == "57,1"  # 57.05 FTE, half up as everywhere (format.number)
    assert "–" in [r[6] for r in rows]  # a missing count reads as a dash, as before


def test_a_small_forvaltning_shows_every_manager_without_a_note() -> None:
    html = fact_wall_tables.manager_table(
        team(12), "Liten förv", dt.date(2024, 3, 1), 30
    ).as_raw_html()
    assert len(body_rows(html)) == 12 and "nedladdningen" not in html


def kommuner(n: int) -> pd.DataFrame:
    rows = []
    for i in range(n):
        row = {c: float(i) for c, *_ in comparison.FIGURES}
        row |= {"kommun_code": f"{1000 + i}", "kommun_name": f"Kommun {i:03d}"}
        rows.append(row | {"period_date": dt.date(2024, 3, 1)})
    return pd.DataFrame(rows)


def test_many_kommuner_show_the_chosen_beside_the_spread_of_all() -> None:
    frame = kommuner(290)
    html = unescape(comparison.comparison_table(frame, ("1003", "1010")).as_raw_html())
    assert "Kommun 003" in html and "Kommun 010" in html and "Kommun 004" not in html
    chefstathet = next(r for r in body_rows(html) if r[0] == "Chefstäthet")
    assert chefstathet[1:] == ["3,0", "10,0", "0,0", "144,5", "289,0"]  # lowest, median, highest
    assert "Median, alla 290" in html
    data, _stem, formats = comparison.all_kommuner_download(frame)
    assert len(data) == 290 and data["Chefstäthet"].iloc[7] == 7.0 and "Chefstäthet" in formats


def test_the_survey_spread_leaves_hidden_figures_out() -> None:
    surveys = pd.DataFrame(
        {
            "kommun_code": [f"{1000 + i}" for i in range(10)],
            "kommun_name": [f"Kommun {i}" for i in range(10)],
            "survey_id": "s1",
            "survey_title": "Chefsenkät",
            "construct": "krav",
            "respondents": 10,
            "index_0_100": [10.0 * i for i in range(10)],
            "is_suppressed": [i == 9 for i in range(10)],  # the highest is hidden
            "anonymity_k": 5,
        }
    )
    html = unescape(comparison.survey_comparison_table(surveys, ("1009",)).as_raw_html())
    assert body_rows(html)[0][1:] == [f"dolt (<{NB}5)", "0,0", "40,0", "80,0"]
