"""Support-function files: who serves which unit (Burlöv) or manager (Lomma), and how much."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from tests.generate.inbox_readers import Kommun

FUNCTIONS = {  # from the brief
    "1231": {"HR-partner", "Controller", "IT-samordnare", "Administratör", "Kommunikatör"},
    "1262": {"HR-konsult", "Ekonom", "IT-stöd", "Assistent"},
}


def test_burlov_support_file_shape(full_inbox: Path) -> None:
    raw = (full_inbox / "Stodfunktioner_Burlov.csv").read_bytes()
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[0] == "Personnummer;Namn;Funktion;Betjänar enhet;Andel av tid (%)"
    assert lines[-1] == "" and all(re.search(r";\d{1,3},00$", line) for line in lines[1:-1])


def test_lomma_support_file_shape(full_inbox: Path) -> None:
    wb = openpyxl.load_workbook(full_inbox / "Lomma_stodfunktioner.xlsx")
    assert wb.sheetnames == ["Stödfunktioner"]
    ws = wb["Stödfunktioner"]
    assert [c.value for c in ws[1]] == [
        "Personnummer", "Namn", "Funktion", "Betjänar chef (personnummer)", "Andel %",
    ]  # fmt: skip
    assert all(isinstance(row[4].value, int) for row in ws.iter_rows(min_row=2))


@pytest.mark.parametrize("code", ["1231", "1262"])
def test_support_staff_are_employees_of_the_support_forvaltning(exports, code: str) -> None:
    k: Kommun = exports[code]
    assert k.support and {s.funktion for s in k.support} == FUNCTIONS[code]
    units_of = defaultdict(set)
    for r in k.rows:
        units_of[r.pnr].add(r.unit)

    def forvaltning(unit: str) -> str:
        while k.units[unit].parent:
            unit = k.units[unit].parent
        return unit

    kommunstyrelsen = min(u for u, unit in k.units.items() if unit.level == "Förvaltning")
    for s in k.support:
        assert s.name == k.names[s.pnr]  # same person as in the roster, same kommun
        # (a support person may have a second employment elsewhere)
        assert kommunstyrelsen in {forvaltning(u) for u in units_of[s.pnr]}


@pytest.mark.parametrize("code", ["1231", "1262"])
def test_each_person_has_one_function_and_at_most_100_pct(exports, code: str) -> None:
    by_person = defaultdict(list)
    for s in exports[code].support:
        by_person[s.pnr].append(s)
    for rows in by_person.values():
        assert len({s.funktion for s in rows}) == 1
        assert len({s.served for s in rows}) == len(rows)  # one row per person and party
        assert all(s.share_pct > 0 and s.share_pct % 5 == 0 for s in rows)
        assert sum(s.share_pct for s in rows) <= 100
        if rows[0].funktion in ("HR-partner", "Controller", "HR-konsult", "Ekonom"):
            assert 1 <= len(rows) <= 5  # "one or a few"


def test_burlov_serves_units_and_leaves_gaps(exports) -> None:
    k: Kommun = exports["1231"]
    assert all(s.served in k.units for s in k.support)

    def uncovered_avdelningar(funktion: str) -> list[str]:
        served = {s.served for s in k.support if s.funktion == funktion}
        return [
            u.unit
            for u in k.units.values()
            if u.level == "Avdelning" and u.unit not in served and u.parent not in served
        ]

    assert uncovered_avdelningar("HR-partner")
    assert uncovered_avdelningar("Controller")
    enheter = [u for u in k.units.values() if u.level == "Enhet"]
    with_admin = {s.served for s in k.support if s.funktion == "Administratör"}
    assert 0 < len(with_admin) <= 0.3 * len(enheter)  # few enheter get an administrator


def test_lomma_serves_managers_and_most_enhetschefer_have_an_assistant(exports) -> None:
    k: Kommun = exports["1262"]
    managers = {u.manager_pnr: u for u in k.units.values()}
    for s in k.support:
        assert managers[s.served].level in ("Enhet", "Avdelning")
    enhetschefer = {p for p, u in managers.items() if u.level == "Enhet"}
    assisted = {s.served for s in k.support if s.funktion == "Assistent"}
    assert assisted <= enhetschefer and len(assisted) >= 0.7 * len(enhetschefer)
    avdelningschefer = {p for p, u in managers.items() if u.level == "Avdelning"}
    for funktion in ("HR-konsult", "Ekonom"):
        assert {s.served for s in k.support if s.funktion == funktion} == avdelningschefer
