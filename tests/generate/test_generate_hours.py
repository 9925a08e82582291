"""Arbetsställen, contracted hours and sick leave (SKR's definitions) in the three rosters."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from tests.generate.inbox_readers import KOMMUNER, PLACEHOLDERS, Kommun, Row

HOURS_PER_FTE_YEAR = 1700  # from the brief
PERIOD_YEAR = 2026


def sick_pct(rows: list[Row]) -> float:
    rows = [r for r in rows if r.sick_hours is not None and r.contracted_hours is not None]
    return 100 * sum(r.sick_hours for r in rows) / sum(r.contracted_hours for r in rows)


def is_man(r: Row) -> bool:
    return int(r.pnr[-2]) % 2 == 1  # the gender digit: odd for men


def birth_year(pnr: str) -> int:
    digits = pnr.replace("-", "")
    if len(digits) == 12:
        return int(digits[:4])
    return (2000 if int(digits[:2]) <= 4 else 1900) + int(digits[:2])


@pytest.mark.parametrize("code", KOMMUNER)
def test_long_term_is_part_of_total_and_total_of_contracted(exports, code: str) -> None:
    for r in exports[code].rows:
        assert r.sick_hours is not None and r.contracted_hours is not None
        assert 0 <= r.sick_hours <= r.contracted_hours, r
        if r.long_sick_hours is not None:
            assert 0 <= r.long_sick_hours <= r.sick_hours, r
        assert (r.sick_hours * 4).is_integer()  # quarter hours


@pytest.mark.parametrize("code", KOMMUNER)
def test_contracted_hours_follow_fte_and_hourly_staff_worked_some(exports, code: str) -> None:
    for r in exports[code].rows:
        if r.form == "timavlönad":
            assert 100 <= r.contracted_hours <= 900
            assert r.long_sick_hours in (0, None)
        else:
            assert r.contracted_hours == r.fte_pct / 100 * HOURS_PER_FTE_YEAR


@pytest.mark.parametrize("code", KOMMUNER)
def test_sick_leave_level_and_long_term_share(exports, code: str) -> None:
    rows = exports[code].rows
    assert 4 <= sick_pct(rows) <= 10
    known = [r for r in rows if r.long_sick_hours is not None]
    long_share = sum(r.long_sick_hours for r in known) / sum(r.sick_hours for r in known)
    assert 0.25 <= long_share <= 0.60


@pytest.mark.parametrize("code", KOMMUNER)
def test_long_term_sick_leave_is_concentrated_on_a_few(exports, code: str) -> None:
    long_hours: dict[str, float] = defaultdict(float)
    contracted: dict[str, float] = defaultdict(float)
    for r in exports[code].rows:
        long_hours[r.pnr] += r.long_sick_hours or 0
        contracted[r.pnr] += r.contracted_hours
    long_persons = [p for p, h in long_hours.items() if h > 0]
    assert 0.02 <= len(long_persons) / len(long_hours) <= 0.12
    # 60+ days of a year is at least about a sixth of it (less for part-time sick leave).
    shares = sorted(long_hours[p] / contracted[p] for p in long_persons)
    assert shares[len(shares) // 2] >= 0.3


@pytest.mark.parametrize("code", KOMMUNER)
def test_sick_leave_differs_by_sex_and_verksamhet(exports, code: str) -> None:
    k: Kommun = exports[code]
    staff = [r for r in k.rows if not r.ansvarskod]
    women = sick_pct([r for r in staff if not is_man(r)])
    men = sick_pct([r for r in staff if is_man(r)])
    assert women > men

    def in_verksamhet(*names: str) -> list[Row]:
        return [r for r in staff if k.units[r.unit].verksamhet in names]

    assert sick_pct(in_verksamhet("äldreomsorg", "förskola")) > sick_pct(
        in_verksamhet("administration", "teknik")
    )


@pytest.mark.parametrize("code", KOMMUNER)
def test_workplaces_per_unit(exports, code: str) -> None:
    k: Kommun = exports[code]
    places: dict[str, set[str]] = defaultdict(set)
    for r in k.rows:
        if r.workplace is not None:
            assert len(r.workplace) == 8 and r.workplace.isdigit(), r
            places[r.unit].add(r.workplace)
    enheter = [u for u in k.units.values() if u.level == "Enhet"]
    assert all(1 <= len(places[u.unit]) <= 3 for u in enheter)
    for names, at_least in ((("äldreomsorg", "grundskola"), 0.5), (("administration",), 0)):
        chosen = [u for u in enheter if u.verksamhet in names]
        several = [u for u in chosen if len(places[u.unit]) > 1]
        assert len(several) >= at_least * len(chosen) if at_least else not several
    # Staff spread over their unit's workplaces; the manager sits at one of them.
    for r in k.rows:
        if r.ansvarskod and r.workplace and k.units[r.unit].level == "Enhet":
            assert r.workplace in places[r.unit]


def _cells(inbox: Path, code: str) -> list[dict[str, object]]:
    """Every roster cell, by header, as the file holds it."""
    if code == "1262":
        ws = openpyxl.load_workbook(inbox / "Lomma_anstallda.xlsx").active
        header, *values = list(ws.iter_rows(values_only=True))
        return [dict(zip(header, v, strict=True)) for v in values]
    name, encoding, delimiter = {
        "1231": ("Personal_Burlov_202610.csv", "cp1252", ";"),
        "1261": ("Heroma_personal_2026-10.csv", "utf-8-sig", ","),
    }[code]
    text = (inbox / name).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


PLACEHOLDER_COLUMNS = {  # from the brief: only optional columns, only these kommuner
    "1231": set(),
    "1261": {"Arbetsställe"},
    "1262": {"Arbetsställenummer", "Sjuktimmar >60 dagar"},
}


@pytest.mark.parametrize("code", KOMMUNER)
def test_placeholders_only_in_optional_columns(full_inbox: Path, code: str) -> None:
    rows = _cells(full_inbox, code)
    found: dict[str, int] = defaultdict(int)
    for row in rows:
        for column, value in row.items():
            if str(value) in PLACEHOLDERS:
                found[column] += 1
    assert set(found) == PLACEHOLDER_COLUMNS[code]
    assert all(n <= 0.02 * len(rows) for n in found.values())
    if code == "1262":  # both spellings occur, -1 as a number
        values = {row["Sjuktimmar >60 dagar"] for row in rows}
        assert {-1, "#SAKNAS"} <= values


def test_older_staff_are_more_often_sick(exports) -> None:
    """Over the three kommuner together: one kommun's few under-30s make a noisy figure."""
    staff = [r for code in KOMMUNER for r in exports[code].rows if not r.ansvarskod]
    young = sick_pct([r for r in staff if PERIOD_YEAR - birth_year(r.pnr) < 30])
    old = sick_pct([r for r in staff if PERIOD_YEAR - birth_year(r.pnr) >= 50])
    assert old > young
