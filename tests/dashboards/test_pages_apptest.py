"""The pages beside Faktavägg, run by AppTest (no browser) on the hand-made published file."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboards import published_fixture as fx

NB = "\u00a0"


def page_script(module: str) -> None:
    """Runs one page the way st.navigation does, without the other pages."""
    import importlib

    import streamlit as st

    st.set_page_config(layout="wide")
    importlib.import_module(f"dashboards.views.{module}").render()


def run_page(module: str) -> AppTest:
    at = AppTest.from_function(page_script, args=(module,), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


@pytest.mark.parametrize(
    "module",
    ["fact_wall", "strengths", "shared_world", "comparison", "projector", "data_quality"],
)
def test_every_page_runs(published_env: Path, module: str) -> None:
    run_page(module)


def test_strengths_lists_flags_with_their_reason(published_env: Path) -> None:
    at = run_page("strengths")
    text = [m.value for m in at.markdown]
    details = [e.label for e in at.expander]
    assert [d.split(":")[0] for d in details] == [fx.NAMES[fx.BUF], fx.NAMES[fx.VOF]]
    matrix = html_of(at)
    assert 'class="utmaning" title="Forskningen anger knappt 30' in matrix  # reason on hover
    challenge = next(t for t in text if "Medarbetare per chef i första linjen" in t and "32,8" in t)
    assert "hela kommunen 28,8" in challenge and "referenspunkt 30,0" in challenge
    assert "Forskningen anger knappt 30" in challenge
    assert any(t.startswith("- **Sjukfrånvaro: 4,3" + NB + "%**") for t in text)  # 4.25 half up
    # the hidden sick leave of VOF is neither flagged nor shown as a figure
    assert not any("Sjukfrånvaro: –" in t or "Sjukfrånvaro: 0" in t for t in text)


def test_fact_wall_sick_leave_reads_hidden_not_zero(published_env: Path) -> None:
    at = AppTest.from_function(page_script, args=("fact_wall",), default_timeout=30)
    at.run()
    at.sidebar.selectbox(key="forvaltning").select(fx.VOF).run()
    assert not at.exception
    html = html_of(at)
    assert f"dolt (&lt;{NB}5)" in html or f"dolt (<{NB}5)" in html
    assert f"8,9{NB}%" in html  # everyone
    assert "Inga enkätresultat publicerade" in " ".join(i.value for i in at.info)


def test_comparison_shows_each_kommun(published_env: Path) -> None:
    html = html_of(run_page("comparison"))
    assert "Burlöv" in html and "Lomma" in html
    assert "22,3" in html and "24,5" in html  # chefstäthet of each kommun


def test_workshop_advances_with_the_buttons(published_env: Path) -> None:
    at = run_page("projector")
    assert at.title[0].value == fx.NAMES[fx.BUF]
    at.button(key="workshop_next").click().run()
    assert at.title[0].value == fx.NAMES[fx.VOF]
    at.button(key="workshop_next").click().run()
    assert at.title[0].value == fx.NAMES[fx.BUF]  # wraps around
    at.button(key="workshop_prev").click().run()
    assert at.title[0].value == fx.NAMES[fx.VOF]
    tiles = html_of(at)  # the key figures as tiles: label, value, the kommun beside it
    assert f'Sjukfrånvaro</div><div class="value small">dolt (&lt;{NB}5)' in tiles


def test_data_quality_lists_files_and_warnings(published_env: Path) -> None:
    at = run_page("data_quality")
    frames = [d.value for d in at.dataframe]
    assert list(frames[0]["Fil"]) == ["1231_hr_roster.csv", "1231_org_units.csv"]
    assert list(frames[0]["Rader i filen"]) == [f"1{NB}310", "64"]
    assert "enheten saknar chef" in set(frames[-1]["Kontroll"])
