"""The warm-up after a publication (dashboards/warm.py): a view opened before is built again before
its next visit, from the new version's rows only, and only with what its session may read."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from great_tables import GT
from streamlit.testing.v1 import AppTest

from dashboards import access, charts, queries, warm
from dashboards.views import comparison, fact_wall
from tests.dashboards import published_fixture as fx

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
NB = "\u00a0"
WORKSHOP_LOMMA = access.Grant(user="lg@lomma.se", roles={fx.LOMMA: "workshop"})


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, replaceable_db: Path) -> Path:
    monkeypatch.setenv(queries.ENV_VAR, str(replaceable_db))
    st.cache_data.clear()  # other tests' tables (the same rows) are not this test's builds
    warm.forget()
    yield replaceable_db
    warm.forget()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many table HTMLs and chart specs are built (cache misses), from now on."""
    counts: Counter[str] = Counter()
    as_html, spec = GT.as_raw_html, charts.screen_spec

    def table(self: GT, *args: Any, **kwargs: Any) -> str:
        counts["table"] += 1
        return as_html(self, *args, **kwargs)

    def chart(*args: Any) -> dict[str, Any]:
        counts["chart"] += 1
        return spec(*args)

    monkeypatch.setattr(GT, "as_raw_html", table)
    monkeypatch.setattr(charts, "screen_spec", chart)
    return counts


def visit() -> AppTest:
    """A new session opening the app (its first page: Faktavägg, Burlöv's first förvaltning)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def next_version(db: Path, extra: int) -> None:
    """A new publication with other figures: every förvaltning has `extra` more managers and
    each manager `extra` more employees (so every table and chart differs from the last)."""
    fx.publish(
        db,
        rollups=[dict(r, managers=r["managers"] + extra) for r in fx.ROLLUPS],
        managers=[
            dict(m, employees_monthly_paid=m["employees_monthly_paid"] + extra) for m in fx.MANAGERS
        ],
    )


def managers_shown(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Antal chefer")


def test_a_view_opened_before_a_publication_is_ready_at_its_next_visit(
    db: Path, builds: Counter[str]
) -> None:
    visit()  # preparing the workshop: Burlöv's Barn- och utbildningsförvaltningen
    assert not warm.running()  # only a server watches (an AppTest run of the app does not)
    next_version(db, 1017)
    cold = visit()  # without the warm-up, the first visit builds its tables and chart
    assert builds["table"] >= 3 and builds["chart"] >= 1
    assert managers_shown(cold) == f"1{NB}020"

    next_version(db, 2017)  # the morning's refresh
    assert warm.warm_up() == 2  # the view, and its kommun's förvaltningar
    builds.clear()
    at = visit()
    assert builds == Counter(), "the first visit after the warm-up built something again"
    assert managers_shown(at) == f"2{NB}020"  # the new version's figures, never the last ones
    table = next(h.proto.body for h in at.get("html") if 'id="chefer"' in h.proto.body)
    assert ">2041<" in table.replace(NB, "")  # 24 employees + 2017 (the cached table is new)


def test_the_kommuns_other_forvaltningar_are_ready_too(db: Path, builds: Counter[str]) -> None:
    visit()  # Barn- och utbildningsförvaltningen only
    next_version(db, 4017)
    assert warm.warm_up() == 2  # the förvaltning opened, then every förvaltning of Burlöv
    builds.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params.update(kommun=fx.BURLOV, forvaltning=fx.VOF)  # never opened before
    at.run()
    assert not at.exception and at.sidebar.selectbox(key="forvaltning").value == fx.VOF
    assert builds == Counter()


def test_the_warm_up_reads_only_what_the_sessions_grant_reads(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[str, str]] = []
    run = queries._run

    def spy(path: Path, name: str, params: list[Any], fetch: Any) -> Any:
        ran.append((name, str(params[0]) if params else ""))
        return run(path, name, params, fetch)

    monkeypatch.setattr(queries, "_run", spy)
    with queries.acting_as(WORKSHOP_LOMMA):  # a Lomma leadership group's session
        warm.remember(fact_wall.prepare, fx.LOMMA, fx.P_NOW, fx.SOC)
        warm.remember(fact_wall.prepare, fx.BURLOV, fx.P_NOW, fx.BUF)  # a forged link
        warm.remember(comparison.prepare, (fx.LOMMA, fx.BURLOV))
    next_version(db, 1)
    assert warm.warm_up(stale=lambda: True) == 0  # a newer version is out: start over
    assert warm.warm_up() == 2  # Burlöv's view is refused, as its page would be
    names = {name for name, _ in ran}
    assert "rollup" in names and not names & access.HR_ONLY  # no per-manager rows for workshop
    assert {code for name, code in ran if name in access.KOMMUN_QUERIES} == {fx.LOMMA}
    assert ("managers", fx.LOMMA) not in ran


def test_the_watcher_warms_up_when_a_new_version_is_published(
    db: Path, builds: Counter[str]
) -> None:
    warm.remember(comparison.prepare, None)  # as Jämförelse does for a few kommuner
    warm.start(poll_s=0.05)
    try:
        next_version(db, 5)
        published = queries.published_version()
        deadline = time.monotonic() + 20
        while warm.warmed_version() != published and time.monotonic() < deadline:
            time.sleep(0.05)
        assert warm.warmed_version() == published
        assert builds["table"] >= 1  # Jämförelse's table of the new version
    finally:
        warm.stop()


def comparison_page() -> None:
    from dashboards.views import comparison

    comparison.render()


def test_jamforelse_opened_before_a_publication_is_ready_at_its_next_visit(
    db: Path, builds: Counter[str]
) -> None:
    AppTest.from_function(comparison_page, default_timeout=30).run()
    next_version(db, 3017)
    assert warm.warm_up() == 1
    builds.clear()
    at = AppTest.from_function(comparison_page, default_timeout=30).run()
    assert not at.exception and builds == Counter()
    table = next(h.proto.body for h in at.get("html") if 'id="jamforelse"' in h.proto.body)
    assert f"3{NB}025" in table  # Burlöv's 8 managers + 3017: the new version's
