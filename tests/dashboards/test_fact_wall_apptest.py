"""The Faktavägg page run by Streamlit's AppTest (no browser) on the hand-made published file."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, queries
from tests.dashboards import published_fixture as fx

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
NB = "\u00a0"


def run_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(förvaltning, kommun) key figures as {label: (value, delta)}; the page shows
    the förvaltning's metrics first and the same metrics for the whole kommun beside them."""
    metrics = [(m.label, (m.value, m.delta)) for m in at.metric]
    half = len(metrics) // 2
    forv, kommun = dict(metrics[:half]), dict(metrics[half:])
    assert len(metrics) == 12 and list(forv) == list(kommun)
    return forv, kommun


@pytest.fixture
def app(published_env: Path) -> AppTest:
    return run_app()


def test_defaults_to_first_kommun_latest_period_first_forvaltning(app: AppTest) -> None:
    kommun, period, forv = (
        app.sidebar.selectbox(key=k) for k in ("kommun", "period", "forvaltning")
    )
    assert kommun.value == fx.BURLOV and kommun.options == ["Burlöv", "Lomma"]
    assert period.value == fx.P_NOW and period.options == ["2024-03-01", "2023-03-01"]
    assert forv.value == fx.BUF
    assert forv.options == ["Barn- och utbildningsförvaltningen", "Vård- och omsorgsförvaltningen"]
    assert app.title[0].value == "Faktavägg"
    # the fixture refreshed at 04:05 UTC, which is 05:05 in Sweden in March
    assert "Lagret uppdaterat 2024-03-02 05:05" in " ".join(c.value for c in app.sidebar.caption)


def test_key_figures_for_forvaltning_and_kommun(app: AppTest) -> None:
    forv, kommun = figures(app)
    assert forv == {
        "Antal chefer": ("3", ""),
        "Första linjens chefer": ("2", ""),
        "Chefstäthet": ("14,7", ""),
        "Medarbetare per chef, medel": ("21,0", ""),
        "Medarbetare per chef, median": ("21,0", ""),
        "Andel chefer över 30": (f"0,0{NB}%", "0 av 2"),
    }
    assert kommun == {
        "Antal chefer": ("8", ""),
        "Första linjens chefer": ("6", ""),
        "Chefstäthet": ("22,3", ""),  # 22.25 rounded half up
        "Medarbetare per chef, medel": ("28,8", ""),
        "Medarbetare per chef, median": ("29,0", ""),
        "Andel chefer över 30": (f"33,3{NB}%", "2 av 6"),
    }


def test_switching_forvaltning_changes_the_figures_not_the_kommun(app: AppTest) -> None:
    _, kommun_before = figures(app)
    app.sidebar.selectbox(key="forvaltning").select(fx.VOF).run()
    assert not app.exception
    forv, kommun = figures(app)
    assert forv["Antal chefer"] == ("5", "")
    assert forv["Medarbetare per chef, medel"] == ("32,8", "")
    assert forv["Medarbetare per chef, median"] == ("30,5", "")
    assert forv["Andel chefer över 30"] == (f"50,0{NB}%", "2 av 4")
    assert kommun == kommun_before
    assert "Vård- och omsorgsförvaltningen, Burlöv" in [s.value for s in app.subheader]


def test_older_period_and_other_kommun(app: AppTest) -> None:
    app.sidebar.selectbox(key="period").select(fx.P_OLD).run()
    assert not app.exception
    assert app.sidebar.selectbox(key="forvaltning").value == fx.VOF  # the only one then
    assert figures(app)[0]["Medarbetare per chef, medel"] == ("36,0", "")

    app.sidebar.selectbox(key="kommun").select(fx.LOMMA).run()
    assert not app.exception
    assert app.sidebar.selectbox(key="period").value == fx.P_NOW
    forv, _ = figures(app)
    assert forv["Andel chefer över 25"] == (f"50,0{NB}%", "1 av 2")  # Lomma's own threshold


def test_a_newly_published_file_shows_on_the_next_rerun(
    monkeypatch: pytest.MonkeyPatch, replaceable_db: Path
) -> None:
    monkeypatch.setenv(queries.ENV_VAR, str(replaceable_db))
    at = run_app()
    assert figures(at)[1]["Antal chefer"] == ("8", "")
    fx.publish(replaceable_db, rollups=[dict(r, managers=r["managers"] + 1000) for r in fx.ROLLUPS])
    at.run()  # the same app session, as when a user clicks after a nightly refresh
    assert not at.exception
    assert figures(at)[1]["Antal chefer"] == (f"1{NB}008", "")


def test_manager_table_marks_rows_above_threshold(app: AppTest) -> None:
    app.sidebar.selectbox(key="forvaltning").select(fx.VOF).run()
    html = next(h.proto.body for h in app.get("html") if 'id="chefer"' in h.proto.body)
    assert "Chefer i Vård- och omsorgsförvaltningen" in html
    for label in (
        "Enhet(er)",
        "Verksamhet",
        "Nivå",
        "Medarbetare (månadsavlönade)",
        "Timavlönade",
        "Årsarbetare (FTE)",
        "Chefer som leds",
    ):
        assert label in html
    assert "hm01" not in html  # pseudonymous manager ids never shown
    rows = body_rows(html)
    assert [(r[0], r[3], bold) for r, bold in rows] == [  # sorted by span, above 30 in bold
        ("Hemtjänst Arlöv", "42", True),
        ("LSS Kronetorp", "31", True),
        ("Hemtjänst Åkarp", "30", False),  # at the threshold is not above it
        ("Särskilt boende Tågarp", "28", False),
        ("Vård och omsorg stab; Äldreomsorg", "3", False),
    ]
    assert rows[0][0][-1] == "Ja" and rows[2][0][-1] == ""
    assert rows[3][0][5] == "25,8"  # FTE 25.75 with one decimal, rounded half up


def body_rows(html: str) -> list[tuple[list[str], bool]]:
    """(cell texts, every cell bold) per row of the great-tables body."""
    body = html[html.index("<tbody") : html.index("</tbody>")]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = re.findall(r"<td([^>]*)>(.*?)</td>", tr, flags=re.S)
        texts = [unescape(text).strip() for _, text in cells]
        rows.append((texts, all("font-weight: bold" in attrs for attrs, _ in cells)))
    return rows


def test_missing_file_shows_swedish_info_without_exception(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(queries.ENV_VAR, str(tmp_path / "ej_publicerad.duckdb"))
    at = run_app()
    assert [i.value for i in at.info][0].startswith(
        "Inget publicerat lager ännu – kör chefskartan refresh"
    )
    assert not at.metric and not at.error


def test_unreadable_file_shows_swedish_error_without_exception(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "trasig.duckdb"
    bad.write_bytes(b"\x00" * 4096)
    monkeypatch.setenv(queries.ENV_VAR, str(bad))
    at = run_app()
    assert at.error and "kunde inte" in at.error[0].value


def test_no_chart_without_first_line_managers() -> None:
    second_line_only = [m for m in fx.MANAGERS if not m["is_first_line"]]
    assert charts.span_distribution(pd.DataFrame(second_line_only), 30) is None
    chart = charts.span_distribution(pd.DataFrame(fx.MANAGERS), 30)
    assert chart is not None
    spec = chart.to_json()
    assert "Medarbetare per chef (månadsavlönade)" in spec and "Gräns 30" in spec
    assert "manager_id" not in spec and "hm01" not in spec  # only drawn columns are shipped
