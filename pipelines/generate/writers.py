"""The three export shapes: Burlöv's cp1252 CSVs, Kävlinge's one-file UTF-8 CSV, Lomma's XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from pipelines.generate.config import KommunSpec
from pipelines.generate.org import AVDELNING, ENHET, FORVALTNING, Unit
from pipelines.generate.staffing import Employment
from pipelines.generate.support import SupportAssignment

HR_ROSTER, ORG_UNITS, SUPPORT = "hr_roster", "org_units", "support_functions"

BURLOV_ROSTER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Org.enhet",
    "AID-kod",
    "AID etikett",
    "Ansvarskod",
    "Anställningsform",
    "Sysselsättningsgrad",
    "Anställningsdatum",
    "Kommentar",
    "Arbetsställenummer",
    "Ordinarie arbetstid (tim)",
    "Sjukfrånvaro (tim)",
    "Varav sjukfrånvaro 60+ dagar (tim)",
]
BURLOV_ORG = ["Enhet", "Enhetsnamn", "Överordnad enhet", "Nivå", "Verksamhet", "Chef personnummer"]
BURLOV_SUPPORT = ["Personnummer", "Namn", "Funktion", "Betjänar enhet", "Andel av tid (%)"]
KAVLINGE_ROSTER = [
    "Personnr",
    "Namn",
    "Förvaltning",
    "Avdelning",
    "Enhet",
    "Verksamhet",
    "Befattning",
    "AID",
    "Chefskod",
    "Anst.form",
    "Syss.grad",
    "Anst. fr.o.m.",
    "Arbetsställe",
    "Ord. arbetstid timmar",
    "Sjukfrånvaro timmar",
    "Långtidssjukfrånvaro timmar",
]
LOMMA_ROSTER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Enhetskod",
    "AID",
    "AID-benämning",
    "Ansvarskod",
    "Anställningsform",
    "Sysselsättningsgrad",
    "Anställd från",
    "Arbetsställenummer",
    "Arbetstid timmar",
    "Sjuktimmar",
    "Sjuktimmar >60 dagar",
]
LOMMA_ORG = [
    "Enhetskod",
    "Enhetsnamn",
    "Överordnad enhetskod",
    "Organisationsnivå",
    "Verksamhet",
    "Chefens personnummer",
]
LOMMA_SUPPORT = ["Personnummer", "Namn", "Funktion", "Betjänar chef (personnummer)", "Andel %"]

# Zip entries and document properties carry the export time instead of "now", so XLSX bytes
# are stable: this hour of the period's day.
XLSX_HOUR = 6

# out, spec, units, employments, support, *, period -> [(file name, source kind)]
Writer = Callable[..., list[tuple[str, str]]]
HOURS_FIELDS = ("workplace", "contracted_hours", "sick_hours", "long_sick_hours")


def decimal_comma(number: float) -> str:
    return f"{number:.2f}".replace(".", ",")


def _text_hours(j: Employment) -> list[str]:
    """Arbetsställe and hours as CSV text: hours with a decimal comma, placeholders as they are."""
    placeholders = dict(j.placeholders)
    hours = (j.contracted_hours, j.sick_hours, j.long_sick_hours)
    cells = [j.workplace, *(decimal_comma(h) for h in hours)]
    return [str(placeholders.get(f, cell)) for f, cell in zip(HOURS_FIELDS, cells, strict=True)]


def _full_name(j: SupportAssignment) -> str:
    return f"{j.person.first_name} {j.person.last_name}"


def _managers(jobs: list[Employment]) -> dict[str, Employment]:
    return {j.unit.unit_id: j for j in jobs if j.ansvarskod}


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    # Excel's CSV flavours: CRLF, quotes only where a field holds the delimiter or a quote.
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def write_burlov(
    out: Path,
    spec: KommunSpec,
    units: list[Unit],
    jobs: list[Employment],
    support: list[SupportAssignment],
    *,
    period: dt.date,
):
    """`Swedish Excel` CSV: semicolons, cp1252, decimal comma; roster, unit and support files."""
    rows = [BURLOV_ROSTER]
    for j in sorted(jobs, key=lambda j: (j.unit.unit_id, j.person.pnr12, j.aid_code)):
        rows.append(
            [
                j.person.pnr12_dash,
                j.person.first_name,
                j.person.last_name,
                j.unit.unit_id,
                j.aid_code,
                j.aid_label,
                j.ansvarskod,
                spec.form_labels[j.form],
                decimal_comma(j.fte_pct),
                j.start_date.isoformat(),
                j.comment,
                *_text_hours(j),
            ]
        )
    _write_csv(out / spec.files[HR_ROSTER], rows, encoding="cp1252", delimiter=";")

    managers = _managers(jobs)
    rows = [BURLOV_ORG]
    for u in units:
        rows.append(
            [
                u.unit_id,
                u.name,
                u.parent_id or "",
                u.level,
                u.verksamhet,
                managers[u.unit_id].person.pnr12_dash,
            ]
        )
    _write_csv(out / spec.files[ORG_UNITS], rows, encoding="cp1252", delimiter=";")

    rows = [BURLOV_SUPPORT]
    for a in sorted(support, key=lambda a: (a.person.pnr12, a.unit.unit_id)):
        rows.append(
            [a.person.pnr12_dash, _full_name(a), a.funktion, a.unit.unit_id,
             decimal_comma(a.share_pct)]
        )  # fmt: skip
    _write_csv(out / spec.files[SUPPORT], rows, encoding="cp1252", delimiter=";")
    return [
        (spec.files[HR_ROSTER], HR_ROSTER),
        (spec.files[ORG_UNITS], ORG_UNITS),
        (spec.files[SUPPORT], SUPPORT),
    ]


def org_path(unit: Unit, by_id: dict[str, Unit]) -> list[str]:
    """[Förvaltning, Avdelning, Enhet] names down to the unit; levels below it are empty."""
    names = {u.level: u.name for u in _ancestry(unit, by_id)}
    return [names.get(level, "") for level in (FORVALTNING, AVDELNING, ENHET)]


def _ancestry(unit: Unit, by_id: dict[str, Unit]) -> list[Unit]:
    chain = [unit]
    while chain[-1].parent_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain


def write_kavlinge(
    out: Path,
    spec: KommunSpec,
    units: list[Unit],
    jobs: list[Employment],
    support: list[SupportAssignment],
    *,
    period: dt.date,
):
    """One UTF-8-with-BOM CSV, commas, org path names repeated on every row; no unit file.

    No support file either: Kävlinge's administrators are found in the roster by AID code.
    """
    by_id = {u.unit_id: u for u in units}
    body = []
    for j in jobs:
        p = j.person
        body.append(
            [
                p.pnr10_dash,
                f"{p.last_name} {p.first_name}",
                *org_path(j.unit, by_id),
                j.unit.verksamhet,
                j.aid_label,
                j.aid_code,
                j.ansvarskod,
                spec.form_labels[j.form],
                decimal_comma(j.fte_pct),
                j.start_date.isoformat(),
                *_text_hours(j),
            ]
        )
    body.sort(key=lambda r: (r[2], r[3], r[4], r[1], r[0]))
    _write_csv(
        out / spec.files[HR_ROSTER], [KAVLINGE_ROSTER, *body], encoding="utf-8-sig", delimiter=","
    )
    return [(spec.files[HR_ROSTER], HR_ROSTER)]


def write_lomma(
    out: Path,
    spec: KommunSpec,
    units: list[Unit],
    jobs: list[Employment],
    support: list[SupportAssignment],
    *,
    period: dt.date,
):
    """Three XLSX files, one sheet each; personnummer and codes are text cells, dates real dates.

    Arbetsställenummer and hours are numeric cells; a placeholder is a text cell or -1.
    """
    rows = []
    for j in sorted(jobs, key=lambda j: (j.person.pnr12, j.unit.unit_id)):
        rows.append(
            [
                j.person.pnr12,
                j.person.first_name,
                j.person.last_name,
                j.unit.unit_id,
                j.aid_code,
                j.aid_label,
                j.ansvarskod or None,
                spec.form_labels[j.form],
                j.fte_pct,
                j.start_date,
                *(_number(j.shown(field)) for field in HOURS_FIELDS),
            ]
        )
    stamp = dt.datetime(period.year, period.month, period.day, XLSX_HOUR)
    _save_sheet(out / spec.files[HR_ROSTER], "Anställda", LOMMA_ROSTER, rows, stamp)

    managers = _managers(jobs)
    rows = [
        [u.unit_id, u.name, u.parent_id, u.level, u.verksamhet, managers[u.unit_id].person.pnr12]
        for u in units
    ]
    _save_sheet(out / spec.files[ORG_UNITS], "Organisation", LOMMA_ORG, rows, stamp)

    rows = [
        [a.person.pnr12, _full_name(a), a.funktion, managers[a.unit.unit_id].person.pnr12,
         a.share_pct]
        for a in sorted(support, key=lambda a: (a.person.pnr12, a.unit.unit_id))
    ]  # fmt: skip
    _save_sheet(out / spec.files[SUPPORT], "Stödfunktioner", LOMMA_SUPPORT, rows, stamp)
    return [
        (spec.files[HR_ROSTER], HR_ROSTER),
        (spec.files[ORG_UNITS], ORG_UNITS),
        (spec.files[SUPPORT], SUPPORT),
    ]


def _number(value: object) -> object:
    """Numeric cells: the workplace number as an integer, whole hours without a decimal part."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _save_sheet(
    path: Path, title: str, header: list[str], rows: list[list], stamp: dt.datetime | None = None
) -> None:
    """Save one sheet; `stamp` (default: the latest period at XLSX_HOUR) fixes the file's dates."""
    stamp = stamp or dt.datetime(2026, 10, 1, XLSX_HOUR)
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.number_format = "@"  # text, so Excel keeps leading digits as typed
            elif isinstance(cell.value, dt.datetime | dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.properties.creator = "Chefskartan demo"
    wb.properties.created = wb.properties.modified = stamp
    _save_stable(wb, path, stamp)


def _save_stable(wb: Workbook, path: Path, stamp: dt.datetime) -> None:
    """Save with fixed timestamps: Workbook.save stamps `modified` and zip entries with now."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # what Workbook.save does, minus `modified = now`
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            dst.writestr(entry, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)


WRITERS: dict[str, Writer] = {
    "csv_cp1252": write_burlov,
    "csv_utf8_bom": write_kavlinge,
    "xlsx": write_lomma,
}
