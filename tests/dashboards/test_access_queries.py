"""The grant check in front of every query, tried as a curious user would: ask for another kommun,
for per-manager rows, for a one-manager unit, and see which file a session opens."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, queries
from tests.dashboards import published_fixture as fx
from warehouse.build import build_kommun_file

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"

WORKSHOP_LOMMA = access.Grant(user="lg@lomma.se", roles={fx.LOMMA: "workshop"})
HR_LOMMA = access.Grant(user="hr@lomma.se", roles={fx.LOMMA: "hr"})

# Every per-kommun query, called for a kommun (the fixture's figures exist for both).
PER_KOMMUN: dict[str, Callable[[str], object]] = {
    "periods": lambda k: queries.periods(k),
    "forvaltningar": lambda k: queries.forvaltningar(k, fx.P_NOW),
    "rollup": lambda k: queries.rollup(k, fx.P_NOW, "kommun", k),
    "forvaltning_rollups": lambda k: queries.forvaltning_rollups(k, fx.P_NOW),
    "strengths_challenges": lambda k: queries.strengths_challenges(k, fx.P_NOW),
    "sick_leave": lambda k: queries.sick_leave(k, fx.P_NOW, "kommun", k),
    "action_plan": lambda k: queries.action_plan(k),
    "indicator_trends": lambda k: queries.indicator_trends(k),
    "follow_ups": lambda k: queries.follow_ups(k),
    "scope_history": lambda k: queries.scope_history(k, "kommun"),
    "managers": lambda k: queries.managers(k, fx.P_NOW, fx.VOF),
    "data_quality": lambda k: queries.data_quality(k),
}


@pytest.fixture
def grant(monkeypatch: pytest.MonkeyPatch, published_env: Path) -> Callable[[access.Grant], None]:
    """Run the following queries as a session holding this grant."""

    def use(g: access.Grant) -> None:
        monkeypatch.setattr(queries, "current_grant", lambda: g)

    return use


@pytest.mark.parametrize("name", sorted(PER_KOMMUN))
def test_a_lomma_session_asking_for_burlov_gets_nothing(grant, name: str) -> None:
    for g in (WORKSHOP_LOMMA, HR_LOMMA):
        grant(g)
        with pytest.raises(queries.AccessDenied):
            PER_KOMMUN[name](fx.BURLOV)


def test_queries_over_every_kommun_keep_only_the_sessions_rows(grant) -> None:
    grant(WORKSHOP_LOMMA)
    assert list(queries.kommuner()["kommun_code"]) == [fx.LOMMA]
    assert set(queries.last_refresh()["kommun_code"]) <= {fx.LOMMA}
    assert queries.kommun_comparison().empty  # workshop compares nothing
    grant(HR_LOMMA)
    assert list(queries.kommun_comparison()["kommun_code"]) == [fx.LOMMA]


def test_per_manager_rows_and_data_quality_are_for_hr_only(grant) -> None:
    grant(WORKSHOP_LOMMA)
    for name in ("managers", "data_quality"):
        with pytest.raises(queries.AccessDenied, match="HR-rollen"):
            PER_KOMMUN[name](fx.LOMMA)
    assert not queries.allows("managers", fx.LOMMA)
    grant(access.Grant(user="hr", roles={fx.BURLOV: "hr"}))
    assert len(queries.managers(fx.BURLOV, fx.P_NOW, fx.VOF)) == 5
    assert queries.allows("managers", fx.BURLOV)


def test_workshop_sees_a_unit_only_with_at_least_k_managers(grant) -> None:
    grant(access.Grant(user="lg", roles={fx.BURLOV: "workshop"}))
    # enhet U11 has one manager (k = 5): not offered, and refused when asked for anyway
    assert queries.units_in_forvaltning(fx.BURLOV, fx.P_NOW, fx.VOF).empty
    with pytest.raises(queries.AccessDenied, match="färre än k chefer"):
        queries.rollup(fx.BURLOV, fx.P_NOW, "enhet", "U11")
    with pytest.raises(queries.AccessDenied):
        queries.scope_history(fx.BURLOV, "enhet")
    assert queries.rollup(fx.BURLOV, fx.P_NOW, "forvaltning", fx.VOF)["managers"] == 5
    grant(access.Grant(user="hr", roles={fx.BURLOV: "hr"}))
    assert list(queries.units_in_forvaltning(fx.BURLOV, fx.P_NOW, fx.VOF)["scope_id"]) == ["U11"]
    assert queries.rollup(fx.BURLOV, fx.P_NOW, "enhet", "U11")["managers"] == 1


def test_results_kept_for_hr_are_never_served_past_another_grant(
    grant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Query results are kept per file version (a click re-reads nothing), but every session's
    grant is checked before and its rows cut after: what HR read stays HR's."""
    reads: list[str] = []
    run = queries._run
    monkeypatch.setattr(queries, "_run", lambda p, n, *a: reads.append(n) or run(p, n, *a))
    grant(access.Grant(user="hr", roles={access.ALL: "hr"}))
    hr_rows = [queries.managers(fx.BURLOV, fx.P_NOW, fx.VOF) for _ in range(2)]
    assert len(hr_rows[1]) == 5 and reads.count("managers") <= 1  # once per version at most
    units = queries.units_in_forvaltning(fx.BURLOV, fx.P_NOW, fx.VOF)
    assert list(units["scope_id"]) == ["U11"] and len(queries.last_refresh()) > 1
    grant(access.Grant(user="lg", roles={fx.BURLOV: "workshop"}))
    with pytest.raises(queries.AccessDenied, match="HR-rollen"):
        queries.managers(fx.BURLOV, fx.P_NOW, fx.VOF)
    assert queries.units_in_forvaltning(fx.BURLOV, fx.P_NOW, fx.VOF).empty  # U11: < k managers
    grant(WORKSHOP_LOMMA)
    with pytest.raises(queries.AccessDenied):
        queries.units_in_forvaltning(fx.BURLOV, fx.P_NOW, fx.VOF)
    assert set(queries.last_refresh()["kommun_code"]) <= {fx.LOMMA}


def test_network_compares_its_kommuner_and_reads_nothing_else(grant) -> None:
    grant(access.Grant(user="pepp", network=frozenset({fx.BURLOV})))
    assert list(queries.kommun_comparison()["kommun_code"]) == [fx.BURLOV]
    assert queries.kommuner().empty
    with pytest.raises(queries.AccessDenied):
        queries.periods(fx.BURLOV)


def test_no_grant_reads_nothing(grant) -> None:
    grant(access.NO_GRANT)
    for call in (queries.kommuner, queries.published_marts, queries.kommun_comparison):
        with pytest.raises(queries.AccessDenied):
            call()


def test_a_lomma_session_never_opens_the_combined_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, published_db: Path
) -> None:
    combined = tmp_path / "published" / "chefskartan.duckdb"
    combined.parent.mkdir()
    shutil.copy(published_db, combined)
    for code in (fx.BURLOV, fx.LOMMA):
        build_kommun_file(combined, combined.with_name(f"kommun_{code}.duckdb"), code)
    monkeypatch.setenv(queries.ENV_VAR, str(combined))
    monkeypatch.setattr(queries, "current_grant", lambda: WORKSHOP_LOMMA)
    queries._connection.clear()  # closes every cached connection
    assert list(queries.kommuner()["kommun_name"]) == ["Lomma"]
    assert queries.periods(fx.LOMMA) == [fx.P_NOW]
    assert queries.rollup(fx.LOMMA, fx.P_NOW, "kommun", fx.LOMMA)["managers"] == 2
    opened = set(queries._live)
    assert opened == {str(combined.with_name(f"kommun_{fx.LOMMA}.duckdb").resolve())}


def _session_script() -> None:
    import streamlit as st

    from dashboards import queries

    try:
        st.write(f"perioder: {len(queries.periods('1231'))}")
    except queries.AccessDenied as exc:
        st.write(f"nekad: {exc}")


def test_the_session_grant_is_what_a_page_queries_with(published_env: Path) -> None:
    at = AppTest.from_function(_session_script, default_timeout=30)
    at.session_state[queries.GRANT_KEY] = WORKSHOP_LOMMA
    at.run()
    assert [m.value for m in at.markdown] == ["nekad: Du har ingen behörighet för kommun 1231."]
    local = AppTest.from_function(_session_script, default_timeout=30)
    local.run()  # no login configured: the local single-user grant (hr on every kommun)
    assert [m.value for m in local.markdown] == ["perioder: 2"]


def test_app_without_login_in_workshop_role_hides_hr_pages_and_manager_rows(
    monkeypatch: pytest.MonkeyPatch, published_env: Path
) -> None:
    """`serve --no-login --role workshop` on a workshop laptop: banner, no per-manager rows."""
    monkeypatch.setenv(queries.LOCAL_ROLE_ENV, "workshop")
    monkeypatch.setenv("CHEFSKARTAN_NO_LOGIN", "1")
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert 'id="chefer"' not in html and 'id="fler-nyckeltal"' in html
    assert any("bara för HR-rollen" in c.value for c in at.caption)
    assert any("roll: workshop" in c.value for c in at.sidebar.caption)
    assert any(w.value.startswith("**Ingen inloggning.**") for w in at.warning)
