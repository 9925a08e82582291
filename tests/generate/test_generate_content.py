"""What the demo data says: valid personnummer, headcounts, one manager per unit, spans."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from tests.generate.inbox_readers import KOMMUNER, Kommun

TARGET_PERSONS = {"1231": 1300, "1261": 2000, "1262": 1400}
SPANS = {  # monthly-paid staff per enhetschef, by verksamhet (from the brief)
    "äldreomsorg": (30, 50), "förskola": (30, 50), "grundskola": (20, 30), "gymnasium": (20, 30),
    "teknik": (8, 15), "administration": (8, 15), "LSS": (12, 25), "IFO": (12, 25),
    "kultur": (12, 25),
}  # fmt: skip
LOMMA_SPAN = (11, 20)
KAVLINGE_ELDERLY_SPAN = (25, 37)  # after Kävlinge split its large enheter in 2026
MONTHLY = ("tillsvidare", "visstid")


def luhn_ok(ten_digits: str) -> bool:
    """Written independently of the generator: double every other digit from the left."""
    digits = [int(c) for c in ten_digits]
    total = sum(d if i % 2 else (2 * d if d < 5 else 2 * d - 9) for i, d in enumerate(digits))
    return total % 10 == 0


def test_luhn_helper_itself() -> None:
    assert luhn_ok("8112189876")  # Skatteverket's documented example 811218-9876
    assert not luhn_ok("8112189877")


@pytest.mark.parametrize("code", KOMMUNER)
def test_every_personnummer_is_valid_and_born_1960_to_2004(exports, code: str) -> None:
    pattern = {"1231": r"(\d{2})(\d{6})-(\d{4})", "1261": r"()(\d{6})-(\d{4})",
               "1262": r"(\d{2})(\d{6})(\d{4})"}[code]  # fmt: skip
    k: Kommun = exports[code]
    pnrs = {r.pnr for r in k.rows} | {u.manager_pnr for u in k.units.values() if u.manager_pnr}
    for pnr in pnrs:
        century, yymmdd, tail = re.fullmatch(pattern, pnr).groups()
        assert luhn_ok(yymmdd + tail), pnr
        year = int(century + yymmdd[:2]) if century else 1900 + int(yymmdd[:2])
        assert 1960 <= year <= 2004 or (not century and int(yymmdd[:2]) <= 4)


@pytest.mark.parametrize("code", KOMMUNER)
def test_distinct_persons_near_target(exports, code: str) -> None:
    persons = {r.pnr for r in exports[code].rows}
    assert abs(len(persons) - TARGET_PERSONS[code]) <= 0.10 * TARGET_PERSONS[code]


@pytest.mark.parametrize("code", KOMMUNER)
def test_every_unit_has_exactly_one_manager_employed_there(exports, code: str) -> None:
    k: Kommun = exports[code]
    managers = defaultdict(list)
    for r in k.rows:
        assert r.ansvarskod in ("", "A", "B", "C")
        if r.ansvarskod:
            managers[r.unit].append(r)
    assert set(managers) == set(k.units)
    for unit_key, unit in k.units.items():
        (manager,) = managers[unit_key]
        assert manager.ansvarskod in (("B", "C") if unit.level == "Enhet" else ("A",))
        assert manager.form == "tillsvidare"
        if unit.manager_pnr:  # the unit file names the same person
            assert unit.manager_pnr == manager.pnr
    assert {m[0].ansvarskod for m in managers.values()} == {"A", "B", "C"}


@pytest.mark.parametrize("code", KOMMUNER)
def test_tree_has_three_levels_and_known_parents(exports, code: str) -> None:
    units = exports[code].units
    expected_parent_level = {"Förvaltning": None, "Avdelning": "Förvaltning", "Enhet": "Avdelning"}
    for u in units.values():
        parent = units[u.parent].level if u.parent else None
        assert parent == expected_parent_level[u.level], u
    assert all(r.unit in units for r in exports[code].rows)


@pytest.mark.parametrize("code", KOMMUNER)
def test_monthly_span_per_enhetschef_is_in_the_verksamhet_range(exports, code: str) -> None:
    k: Kommun = exports[code]
    staff: dict[str, set[str]] = defaultdict(set)
    for r in k.rows:
        if not r.ansvarskod and r.form in MONTHLY:
            staff[r.unit].add(r.pnr)  # a set: a person counts once
    enheter = [u for u in k.units.values() if u.level == "Enhet"]
    assert len(enheter) >= 40
    for u in enheter:
        low, high = LOMMA_SPAN if code == "1262" else SPANS[u.verksamhet]
        if code == "1261" and u.verksamhet == "äldreomsorg":
            low, high = KAVLINGE_ELDERLY_SPAN
        assert low <= len(staff[u.unit]) <= high, (u, len(staff[u.unit]))


@pytest.mark.parametrize("code", KOMMUNER)
def test_some_persons_have_a_second_employment_elsewhere(exports, code: str) -> None:
    rows = exports[code].rows
    by_person = defaultdict(list)
    for r in rows:
        by_person[r.pnr].append(r)
    doubles = {p: rs for p, rs in by_person.items() if len(rs) > 1}
    assert 0.005 <= len(doubles) / len(by_person) <= 0.03
    for rs in doubles.values():
        assert len(rs) == 2 and rs[0].unit != rs[1].unit
        assert sorted(r.form for r in rs)[-1] == "visstid" and min(r.fte_pct for r in rs) <= 40


@pytest.mark.parametrize("code", KOMMUNER)
def test_employment_forms_fte_and_start_dates(exports, code: str) -> None:
    rows = exports[code].rows
    share = {form: n / len(rows) for form, n in Counter(r.form for r in rows).items()}
    assert 0.72 <= share["tillsvidare"] <= 0.88
    assert 0.08 <= share["visstid"] <= 0.18
    assert 0.02 <= share["timavlönad"] <= 0.12
    for r in rows:
        assert (r.fte_pct == 0) == (r.form == "timavlönad")
        assert 0 <= r.fte_pct <= 100
        assert "1985-01-01" <= r.start_date.isoformat() <= "2026-09-30"
    fte = Counter(r.fte_pct for r in rows if r.form in MONTHLY)
    assert fte.most_common(1)[0][0] == 100 and {75, 80, 50} <= set(fte)
    hourly_units = {exports[code].units[r.unit].verksamhet for r in rows if r.form == "timavlönad"}
    assert {"äldreomsorg", "LSS"} <= hourly_units


def test_personnummer_unique_across_kommuner(exports) -> None:
    """Different people in different kommuner, so a combined warehouse never merges them."""

    def canon(pnr: str) -> str:
        return re.sub(r"\D", "", pnr)[-10:]

    seen = [{canon(r.pnr) for r in exports[c].rows} for c in KOMMUNER]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
