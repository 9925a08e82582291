"""Hand-built municipalities as real export files: a unit file, a roster, a support file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.refresh import run_steps
from tests.conftest import TEST_KEY
from tests.flows.independent import person_hash

KOMMUN = "1262"
PERIOD = "2026-10-01"


def personnummer(serial: int) -> str:
    """A valid fake personnummer, one per serial: 1980-01-01 + serial days, Luhn check digit."""
    day = pd.Timestamp("1980-01-01") + pd.Timedelta(days=serial % 9000)
    body = day.strftime("%y%m%d") + f"{(serial * 7) % 1000:03d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return f"{day.year}{body[2:6]}-{body[6:]}{(10 - total % 10) % 10}"


def pid(serial: int) -> str:
    return person_hash(personnummer(serial), TEST_KEY)


@dataclass
class TinyKommun:
    """units: (id, parent, name, level, verksamhet, manager serial or None)
    employments: (person serial, unit, form, fte, ansvarskod, extra columns dict)"""

    units: list[tuple] = field(default_factory=list)
    employments: list[tuple] = field(default_factory=list)
    support: list[tuple] = field(default_factory=list)  # (serial, funktion, unit, share)
    threshold: int = 30
    period: str = PERIOD

    def write(self, inbox: Path) -> Path:
        inbox.mkdir(parents=True, exist_ok=True)
        units = ["Enhet;Enhetsnamn;Överordnad enhet;Nivå;Verksamhet;Chef personnummer"]
        units += [
            f"{u};{name};{parent or ''};{level};{vht};{personnummer(m) if m is not None else ''}"
            for u, parent, name, level, vht, m in self.units
        ]
        (inbox / "org.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
        extra_cols = sorted({k for e in self.employments for k in (e[5] if len(e) > 5 else {})})
        header = "Personnummer;Org.enhet;Ansvarskod;Anställningsform;Sysselsättningsgrad;Anställningsdatum"
        rows = [";".join([header, *extra_cols])]
        for e in self.employments:
            serial, unit, form, fte, code = e[:5]
            extra = e[5] if len(e) > 5 else {}
            rows.append(
                ";".join(
                    [
                        personnummer(serial),
                        unit,
                        code,
                        form,
                        str(fte).replace(".", ","),
                        "2020-01-01",
                        *[str(extra.get(c, "")) for c in extra_cols],
                    ]
                )
            )
        (inbox / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        files = [("roster.csv", "hr_roster"), ("org.csv", "org_units")]
        if self.support:
            lines = ["Personnummer;Funktion;Betjänar enhet;Andel av tid (%)"]
            lines += [f"{personnummer(s)};{f};{u};{share}" for s, f, u, share in self.support]
            (inbox / "stod.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
            files.append(("stod.csv", "support_functions"))
        manifest = [
            f'kommuner:\n  "{KOMMUN}": {{name: Lomma, span_threshold: {self.threshold}}}',
            "files:",
        ]
        manifest += [
            f'  - {{file: {f}, source: {s}, kommun: "{KOMMUN}", period: {self.period}}}'
            for f, s in files
        ]
        (inbox / "manifest.yaml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
        return inbox

    def refresh(self, tmp_path: Path) -> Path:
        """Write the exports, run the refresh steps, return the published file.

        Refreshing again with another period into the same tmp_path adds to history.
        """
        warehouse = tmp_path / "warehouse"
        run_steps(self.write(tmp_path / f"inbox-{self.period}"), warehouse, TEST_KEY.encode())
        return warehouse / "published" / "chefskartan.duckdb"


def mart(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()
