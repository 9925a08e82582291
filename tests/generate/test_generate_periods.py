"""Three periods per kommun: the same persons with yearly churn, and the story the figures tell.

Kävlinge split its large enheter in äldreomsorgen (spans fall from ~45 to ~30), Burlöv's Vård-
och omsorgsförvaltning got an HR partner, Lomma's sick leave fell; everything else stays.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from statistics import mean

import pytest
import yaml

from tests.generate.inbox_readers import KOMMUNER, PERIODS, Kommun

FIRST, MIDDLE, LATEST = PERIODS
MONTHLY = ("tillsvidare", "visstid")


def period_date(period: str) -> dt.date:
    return dt.date.fromisoformat(f"{period}-01")


def persons(k: Kommun) -> set[str]:
    return {r.pnr for r in k.rows}


def managers(k: Kommun) -> set[str]:
    return {r.pnr for r in k.rows if r.ansvarskod}


def elderly_care_spans(k: Kommun) -> list[int]:
    """Distinct monthly-paid non-managers per äldreomsorg enhet (one enhetschef each)."""
    staff: dict[str, set[str]] = defaultdict(set)
    for r in k.rows:
        if not r.ansvarskod and r.form in MONTHLY:
            staff[r.unit].add(r.pnr)
    return [
        len(staff[u.unit])
        for u in k.units.values()
        if u.level == "Enhet" and u.verksamhet == "äldreomsorg"
    ]


def sick_pct(k: Kommun) -> float:
    rows = [r for r in k.rows if r.sick_hours is not None and r.contracted_hours is not None]
    return 100 * sum(r.sick_hours for r in rows) / sum(r.contracted_hours for r in rows)


def test_manifest_lists_three_periods_per_kommun_and_the_files_exist(full_inbox: Path) -> None:
    manifest = yaml.safe_load((full_inbox / "manifest.yaml").read_text(encoding="utf-8"))
    by_kommun = defaultdict(set)
    for f in manifest["files"]:
        assert (full_inbox / f["file"]).is_file(), f["file"]
        if f["source"] == "hr_roster":
            by_kommun[f["kommun"]].add(f["period"])
            # the period is in the name, except for Lomma's latest (its name never had one)
            stamp = {f["period"].strftime("%Y%m"), f["period"].strftime("%Y-%m")}
            found = set(re.findall(r"\d{4}-?\d{2}", f["file"]))
            assert found & stamp or f["file"] == "Lomma_anstallda.xlsx"
    assert by_kommun == {code: {period_date(p) for p in PERIODS} for code in KOMMUNER}


@pytest.mark.parametrize("code", KOMMUNER)
def test_persons_persist_with_yearly_churn(periods, code: str) -> None:
    first, middle, latest = (persons(periods[code][p]) for p in PERIODS)
    churn = len(first - latest) / len(first)
    assert 0.05 <= churn <= 0.20, churn
    assert 0.05 <= len(latest - first) / len(latest) <= 0.20  # the leavers were replaced
    assert first & latest <= middle  # nobody leaves and comes back
    assert len(first - middle) < len(first - latest)  # half a year: fewer have left


@pytest.mark.parametrize("code", KOMMUNER)
def test_some_managers_leave_and_are_replaced(periods, code: str) -> None:
    first, latest = managers(periods[code][FIRST]), managers(periods[code][LATEST])
    left = first - latest
    assert 1 <= len(left) <= 0.2 * len(first)


@pytest.mark.parametrize("code", KOMMUNER)
def test_start_dates_persist_so_tenure_grows(periods, code: str) -> None:
    starts = {}
    for period in PERIODS:
        k = periods[code][period]
        assert all(r.start_date < period_date(period) for r in k.rows)
        first_start: dict[str, dt.date] = {}
        for r in k.rows:
            first_start[r.pnr] = min(first_start.get(r.pnr, r.start_date), r.start_date)
        starts[period] = first_start
    stayed = starts[FIRST].keys() & starts[LATEST].keys()
    assert all(starts[FIRST][p] == starts[LATEST][p] for p in stayed)
    joined = starts[LATEST].keys() - starts[FIRST].keys()
    assert all(starts[LATEST][p] >= period_date(FIRST) for p in joined)


@pytest.mark.parametrize("code", KOMMUNER)
def test_units_of_the_first_period_persist(periods, code: str) -> None:
    first, latest = (periods[code][p].units for p in (FIRST, LATEST))
    assert set(first) <= set(latest)
    assert all(
        first[u].parent == latest[u].parent and first[u].name == latest[u].name for u in first
    )
    if code != "1261":
        assert set(first) == set(latest)


def test_kavlinge_elderly_care_span_falls_while_the_others_stay(periods) -> None:
    spans = {
        code: [mean(elderly_care_spans(periods[code][p])) for p in PERIODS] for code in KOMMUNER
    }
    first, middle, latest = spans["1261"]
    assert first - latest >= 10 and first > middle > latest
    assert 40 <= first <= 50 and 27 <= latest <= 33
    for code in ("1231", "1262"):
        assert max(spans[code]) - min(spans[code]) < 5, spans[code]


def test_kavlinge_split_enheter_got_new_enhetschefer_and_moved_staff(periods) -> None:
    first, latest = periods["1261"][FIRST], periods["1261"][LATEST]
    new = [u for u in latest.units if u not in first.units]
    assert len(new) >= 5
    assert {latest.units[u].verksamhet for u in new} == {"äldreomsorg"}
    chefs = {r.pnr: r for r in latest.rows if r.ansvarskod and r.unit in new}
    assert len(chefs) == len(new) and not chefs.keys() & persons(first)  # newly hired
    assert all(period_date(FIRST) <= r.start_date for r in chefs.values())
    units_before = defaultdict(set)
    for r in first.rows:
        units_before[r.pnr].add(r.unit)
    staff = [r for r in latest.rows if r.unit in new and not r.ansvarskod]
    moved = [r for r in staff if r.start_date < period_date(FIRST)]
    assert len(moved) >= 0.7 * len(staff)
    for r in moved:  # they were there before, in an enhet of the same avdelning
        assert any(u.rsplit("/", 1)[0] == r.unit.rsplit("/", 1)[0] for u in units_before[r.pnr])


def test_burlov_vard_och_omsorg_gets_an_hr_partner(periods) -> None:
    def without_hr_partner(k: Kommun) -> set[str]:
        served = {s.served for s in k.support if s.funktion == "HR-partner"}
        forvaltningar = {u.unit for u in k.units.values() if u.level == "Förvaltning"}
        return {k.units[u].name for u in forvaltningar - served}

    first, middle, latest = (without_hr_partner(periods["1231"][p]) for p in PERIODS)
    assert "Vård- och omsorgsförvaltningen" in first
    assert middle == latest == first - {"Vård- och omsorgsförvaltningen"} and latest
    staff_of = [{r.pnr for r in periods["1231"][p].rows} for p in PERIODS]
    for k, staff in zip(periods["1231"].values(), staff_of, strict=True):
        assert {s.pnr for s in k.support} <= staff  # support staff are in the period's roster


def test_lomma_sick_leave_falls_while_the_others_stay(periods) -> None:
    sick = {code: [sick_pct(periods[code][p]) for p in PERIODS] for code in KOMMUNER}
    first, middle, latest = sick["1262"]
    assert first > middle > latest and first - latest >= 0.5
    for code in ("1231", "1261"):
        assert max(sick[code]) - min(sick[code]) < 1.0, sick[code]
    for values in sick.values():
        assert all(5 <= v <= 10 for v in values)


def test_personnummer_never_shared_between_kommuner_in_any_period(periods) -> None:
    def canon(pnr: str) -> str:
        return re.sub(r"\D", "", pnr)[-10:]

    seen = {
        code: {canon(p) for k in periods[code].values() for p in persons(k)} for code in KOMMUNER
    }
    assert not (seen["1231"] & seen["1261"]) and not (seen["1231"] & seen["1262"])
    assert not (seen["1261"] & seen["1262"])
