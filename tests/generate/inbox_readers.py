"""Read a generated inbox back with plain csv/openpyxl, independently of the generator's code."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl

KOMMUNER = ("1231", "1261", "1262")
PERIODS = ("2025-10", "2026-04", "2026-10")  # the latest keeps the names it always had
LATEST = PERIODS[-1]


def file_names(code: str, period: str = LATEST) -> dict[str, str]:
    """Source kind -> file name of the kommun's export for the period (from the brief)."""
    yyyymm = period.replace("-", "")
    latest = period == LATEST
    return {
        "1231": {
            "hr_roster": f"Personal_Burlov_{yyyymm}.csv",
            "org_units": "Organisation_Burlov.csv"
            if latest
            else f"Organisation_Burlov_{yyyymm}.csv",
            "support_functions": "Stodfunktioner_Burlov.csv"
            if latest
            else f"Stodfunktioner_Burlov_{yyyymm}.csv",
        },
        "1261": {"hr_roster": f"Heroma_personal_{period}.csv"},
        "1262": {
            kind: f"Lomma_{stem}.xlsx" if latest else f"Lomma_{stem}_{period}.xlsx"
            for kind, stem in (
                ("hr_roster", "anstallda"),
                ("org_units", "organisation"),
                ("support_functions", "stodfunktioner"),
            )
        },
    }[code]


# What the exports write instead of a missing value (the brief's list).
PLACEHOLDERS = ("-1", "Okänt", "#SAKNAS")

# The export's own words for the three employment forms, per kommun (from the brief).
FORM_LABELS = {
    "1231": {"1 Tillsvidare": "tillsvidare", "2 Visstid": "visstid", "3 Timavlönad": "timavlönad"},
    "1261": {"Tillsvidare": "tillsvidare", "Visstid": "visstid", "Timavlönad": "timavlönad"},
    "1262": {
        "Tillsvidareanställd": "tillsvidare",
        "Visstidsanställd": "visstid",
        "Timanställd": "timavlönad",
    },
}


@dataclass(frozen=True)
class Row:
    """One employment, in a shape common to the three exports."""

    pnr: str  # as written in the export
    unit: str  # unit id, or for Kävlinge the "Förvaltning/Avdelning/Enhet" path
    aid: str
    ansvarskod: str
    form: str  # tillsvidare | visstid | timavlönad
    fte_pct: float
    start_date: dt.date
    # 12 months up to the period; None where the export shows a placeholder
    workplace: str | None
    contracted_hours: float | None
    sick_hours: float | None
    long_sick_hours: float | None


@dataclass(frozen=True)
class OrgUnit:
    unit: str
    parent: str  # "" for a förvaltning
    level: str  # Förvaltning | Avdelning | Enhet
    verksamhet: str
    manager_pnr: str  # "" when the export has no unit file
    name: str = ""


@dataclass(frozen=True)
class Support:
    """One row of a support-function file: a person serving a unit or a manager."""

    pnr: str
    name: str
    funktion: str
    served: str  # unit id (Burlöv) or the served manager's personnummer (Lomma)
    share_pct: float


@dataclass(frozen=True)
class Kommun:
    rows: list[Row]
    units: dict[str, OrgUnit]
    support: list[Support]
    names: dict[str, str]  # personnummer -> "Förnamn Efternamn"


def _pct(text: str) -> float:
    return float(text.replace(",", "."))


def _missing(value: object) -> bool:
    return str(value) in PLACEHOLDERS


def _workplace(value: object) -> str | None:
    return None if _missing(value) else str(value)


def _hours(value: object) -> float | None:
    if _missing(value):
        return None
    return _pct(value) if isinstance(value, str) else float(value)


def _csv(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_burlov(inbox: Path, period: str = LATEST) -> Kommun:
    labels = FORM_LABELS["1231"]
    files = file_names("1231", period)
    roster = _csv(inbox / files["hr_roster"], "cp1252", ";")
    rows = [
        Row(
            r["Personnummer"],
            r["Org.enhet"],
            r["AID-kod"],
            r["Ansvarskod"],
            labels[r["Anställningsform"]],
            _pct(r["Sysselsättningsgrad"]),
            dt.date.fromisoformat(r["Anställningsdatum"]),
            _workplace(r["Arbetsställenummer"]),
            _hours(r["Ordinarie arbetstid (tim)"]),
            _hours(r["Sjukfrånvaro (tim)"]),
            _hours(r["Varav sjukfrånvaro 60+ dagar (tim)"]),
        )
        for r in roster
    ]
    units = {
        r["Enhet"]: OrgUnit(
            r["Enhet"],
            r["Överordnad enhet"],
            r["Nivå"],
            r["Verksamhet"],
            r["Chef personnummer"],
            r["Enhetsnamn"],
        )
        for r in _csv(inbox / files["org_units"], "cp1252", ";")
    }
    support = [
        Support(
            r["Personnummer"],
            r["Namn"],
            r["Funktion"],
            r["Betjänar enhet"],
            _pct(r["Andel av tid (%)"]),
        )
        for r in _csv(inbox / files["support_functions"], "cp1252", ";")
    ]
    names = {r["Personnummer"]: f"{r['Förnamn']} {r['Efternamn']}" for r in roster}
    return Kommun(rows, units, support, names)


def read_kavlinge(inbox: Path, period: str = LATEST) -> Kommun:
    """One file: a unit is the path of names; its level is how deep the path goes."""
    labels = FORM_LABELS["1261"]
    rows, units, names = [], {}, {}
    for r in _csv(inbox / file_names("1261", period)["hr_roster"], "utf-8-sig", ","):
        parts = [p for p in (r["Förvaltning"], r["Avdelning"], r["Enhet"]) if p]
        path = "/".join(parts)
        rows.append(
            Row(
                r["Personnr"],
                path,
                r["AID"],
                r["Chefskod"],
                labels[r["Anst.form"]],
                _pct(r["Syss.grad"]),
                dt.date.fromisoformat(r["Anst. fr.o.m."]),
                _workplace(r["Arbetsställe"]),
                _hours(r["Ord. arbetstid timmar"]),
                _hours(r["Sjukfrånvaro timmar"]),
                _hours(r["Långtidssjukfrånvaro timmar"]),
            )
        )
        last, first = r["Namn"].split(" ", 1)  # "Efternamn Förnamn"
        names[r["Personnr"]] = f"{first} {last}"
        level = ("Förvaltning", "Avdelning", "Enhet")[len(parts) - 1]
        units[path] = OrgUnit(path, "/".join(parts[:-1]), level, r["Verksamhet"], "", parts[-1])
    return Kommun(rows, units, [], names)  # no support file: administrators are in the roster


def _sheet(path: Path) -> tuple[str, list[str], list[tuple]]:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    values = list(ws.iter_rows(values_only=True))
    return ws.title, list(values[0]), values[1:]


def read_lomma(inbox: Path, period: str = LATEST) -> Kommun:
    labels = FORM_LABELS["1262"]
    files = file_names("1262", period)
    _, header, values = _sheet(inbox / files["hr_roster"])
    rows, names = [], {}
    for v in values:
        r = dict(zip(header, v, strict=True))
        names[r["Personnummer"]] = f"{r['Förnamn']} {r['Efternamn']}"
        rows.append(
            Row(
                r["Personnummer"],
                r["Enhetskod"],
                r["AID"],
                r["Ansvarskod"] or "",
                labels[r["Anställningsform"]],
                float(r["Sysselsättningsgrad"]),
                r["Anställd från"].date(),
                _workplace(r["Arbetsställenummer"]),
                _hours(r["Arbetstid timmar"]),
                _hours(r["Sjuktimmar"]),
                _hours(r["Sjuktimmar >60 dagar"]),
            )
        )
    _, header, values = _sheet(inbox / files["org_units"])
    units = {}
    for v in values:
        r = dict(zip(header, v, strict=True))
        units[r["Enhetskod"]] = OrgUnit(
            r["Enhetskod"],
            r["Överordnad enhetskod"] or "",
            r["Organisationsnivå"],
            r["Verksamhet"],
            r["Chefens personnummer"],
            r["Enhetsnamn"],
        )
    title, header, values = _sheet(inbox / files["support_functions"])
    assert title == "Stödfunktioner"
    support = []
    for v in values:
        r = dict(zip(header, v, strict=True))
        support.append(
            Support(
                r["Personnummer"],
                r["Namn"],
                r["Funktion"],
                r["Betjänar chef (personnummer)"],
                float(r["Andel %"]),
            )
        )
    return Kommun(rows, units, support, names)


READERS = {"1231": read_burlov, "1261": read_kavlinge, "1262": read_lomma}
