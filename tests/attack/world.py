"""Tiny kommuner as real inbox files (org, roster with hours, manager groups, a survey), refreshed
by the real refresh steps, for the attacker to attack: hand-built traps and random worlds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.refresh import run_steps
from tests.attack.knowledge import Knowledge
from tests.conftest import TEST_KEY

PERIOD = "2026-10-01"
ANSWERS = ["Stämmer helt", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls"]
HOURS = ("Ordinarie arbetstid (tim)", "Sjukfrånvaro (tim)")
AGE = {"-29": 25, "30-49": 40, "50-": 58}


def pnr(serial: int, age: int = 40, male: bool = False) -> str:
    """A valid fake personnummer of someone `age` years old on the period date."""
    born = dt.date(2026 - age, 1, 1) + dt.timedelta(days=serial % 300)
    body = born.strftime("%y%m%d") + f"{serial % 50:02d}" + str(2 * (serial % 5) + int(male))
    total = sum((d := int(c) * (2 - i % 2)) - 9 * (d > 9) for i, c in enumerate(body))
    return f"{born.year}{body[2:6]}-{body[6:]}{(10 - total % 10) % 10}"


@dataclass
class Trap:
    """One kommun. units: (id, parent or None, level), each with its own manager; staff: (unit,
    age band, male) per non-manager; groups: unit -> manager group (by unit); answered: units
    whose manager answered the survey (the answer tagged with the unit)."""

    units: list[tuple[str, str | None, str]]
    staff: list[tuple[str, str, bool]] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)
    answered: list[str] = field(default_factory=list)
    k: int = 5

    def files(self, inbox: Path, code: str, serial: int) -> list[tuple[str, str, str]]:
        """Write this kommun's exports; (file, source, extra manifest fields) for each."""
        rows = ["Enhet;Enhetsnamn;Överordnad enhet;Nivå;Verksamhet;Chef personnummer"]
        rows += [
            f"{u};Enhet {u};{p or ''};{lvl};x;{pnr(serial + i)}"
            for i, (u, p, lvl) in enumerate(self.units)
        ]
        _write(inbox / f"org_{code}.csv", rows)
        rows = [f"Personnummer;Org.enhet;Ansvarskod;Anställningsform;Sysselsättningsgrad;"
                f"{';'.join(HOURS)};Anställningsdatum"]  # fmt: skip
        people = [(pnr(serial + i), u, "C", 0) for i, (u, _, _) in enumerate(self.units)]
        people += [
            (pnr(serial + 500 + j, AGE[age], male), u, "", 40 * (j % 3))
            for j, (u, age, male) in enumerate(self.staff)
        ]
        rows += [f"{p};{u};{c};Tillsvidare;100;1700;{h};2020-01-01" for p, u, c, h in people]
        _write(inbox / f"roster_{code}.csv", rows)
        out = [(f"roster_{code}.csv", "hr_roster", ""), (f"org_{code}.csv", "org_units", "")]
        if self.groups:
            rows = ["Enhetskod;Grupp", *(f"{u};{g}" for u, g in self.groups.items())]
            _write(inbox / f"grupper_{code}.csv", rows)
            out.append((f"grupper_{code}.csv", "manager_groups", ""))
        if self.answered:
            items = [f"KR{i:02d}" for i in range(1, 13)]
            rows = [";".join(["Respondent-id", "Enhetskod", *items])]
            rows += [
                ";".join([f"r{j}", u, *(ANSWERS[(j * 7 + i) % 4] for i in range(12))])
                for j, u in enumerate(self.answered)
            ]
            _write(inbox / f"enkat_{code}.csv", rows)
            out.append((f"enkat_{code}.csv", "survey_wide", ", questionnaire: krav_resurser"))
        return out


def _write(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


CODES = ("1231", "1261", "1262")


def refresh(traps: dict[str, Trap], tmp: Path) -> tuple[Path, Knowledge]:
    """The real refresh on the traps' files (one kommun each, codes from CODES): the published
    file and the attacker's knowledge."""
    inbox, warehouse = tmp / "inbox", tmp / "warehouse"
    inbox.mkdir(parents=True, exist_ok=True)
    kommuner, files = [], []
    for n, (code, trap) in enumerate(sorted(traps.items())):
        kommuner.append(f'  "{code}": {{name: K{code}, anonymity_k: {trap.k}}}')
        files += [
            f'  - {{file: {f}, source: {s}, kommun: "{code}", period: {PERIOD}{x}}}'
            for f, s, x in trap.files(inbox, code, 1000 * n)
        ]
    _write(inbox / "manifest.yaml", ["kommuner:", *kommuner, "files:", *files])
    run_steps(inbox, warehouse, TEST_KEY.encode())
    published = warehouse / "published" / "chefskartan.duckdb"
    return published, Knowledge.from_store(warehouse / "store.duckdb")
