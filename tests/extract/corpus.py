"""Writes the corpus of export variants in tests/data/exports/corpus: `python -m tests.extract.corpus`.

One small population (a förvaltning, an avdelning, two hemtjänst units, a manager each, hourly
staff with empty sysselsättningsgrad, an administrator) written the way Heroma, Personec P,
Visma, Hogia and hand-made Excel exports write it, and manager surveys the way LimeSurvey,
Microsoft Forms and Google Forms export them. The shapes follow the systems' export manuals and
what kommuner actually send: title rows, merged header cells, "Summa" rows, Excel serial dates,
sysselsättningsgrad as "75", "75,00", "75 %" or "0,75". Files are committed; rerun after a change.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from tests.hr.tiny_kommun import personnummer

CORPUS = Path(__file__).resolve().parent.parent / "data" / "exports" / "corpus"
F, A = "Vård och omsorg", "Hemtjänst"
NORR, SODER = "Hemtjänst Norr", "Hemtjänst Söder"
UNIT_ID = {F: "1000", A: "1100", NORR: "1110", SODER: "1120"}
PARENT = {F: "", A: F, NORR: A, SODER: A}

# serial, first, last, unit, role, AID code, ansvarskod, form, FTE % (None = empty), start
PEOPLE = [
    (10, "Maria", "Lind", F, "Förvaltningschef", "100011", "A", "T", 100, "2014-03-01"),
    (11, "Karl", "Ek", A, "Avdelningschef", "100021", "B", "T", 100, "2016-01-01"),
    (12, "Sara", "Berg", NORR, "Enhetschef", "100031", "C", "T", 100, "2019-04-01"),
    (13, "Anna", "Holm", NORR, "Undersköterska", "531011", "", "T", 75, "2015-08-17"),
    (14, "Bo", "Sten", NORR, "Undersköterska", "531011", "", "V", 100, "2024-01-01"),
    (15, "Cia", "Al", NORR, "Undersköterska", "531011", "", "H", None, "2025-06-01"),
    (16, "Dan", "Ås", NORR, "Administratör", "152011", "", "T", 50, "2018-02-01"),
    (17, "Eva", "Ring", SODER, "Enhetschef", "100031", "C", "T", 100, "2021-10-01"),
    (18, "Fia", "Dal", SODER, "Undersköterska", "531011", "", "T", 100, "2010-05-01"),
    (19, "Gun", "Bro", SODER, "Vårdbiträde", "531021", "", "T", 80, "2012-09-01"),
    (20, "Hans", "Kil", SODER, "Undersköterska", "531011", "", "H", None, "2026-01-15"),
]
# What every roster must give (period 2026-10-01): unit -> (monthly-paid, hourly, FTE,
# admin support FTE, tenure months of the unit's manager).
EXPECTED_SPAN = {NORR: (3, 1, 2.25, 0.5, 90), SODER: (2, 1, 1.8, 0.0, 60)}
FORMS = {
    "heroma": {"T": "Tillsvidare", "V": "Visstid", "H": "Timavlönad"},
    "personec": {"T": "Tillsvidareanställd", "V": "Vikariat", "H": "Timanställd"},
    "visma": {"T": "1 Tillsvidare", "V": "2 Visstid", "H": "3 Timavlönad"},
    "hogia": {"T": "Tillsvidareanställning", "V": "Visstidsanställning", "H": "Timanställning"},
}


def pnr(serial: int, digits: int = 12) -> str:
    number = personnummer(serial)  # ÅÅÅÅMMDD-NNNN
    return number if digits == 12 else number[2:]


def path_of(unit: str) -> list[str]:
    return [F] if unit == F else [F, A] if unit == A else [F, A, unit]


def write_csv(name: str, rows: list[list], encoding="utf-8", delimiter=";", quote=False) -> None:
    with open(CORPUS / name, "w", encoding=encoding, newline="") as f:
        quoting = csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL
        writer = csv.writer(f, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
        writer.writerows(rows)


def fte(value: float | None, style: str) -> str:
    if value is None:
        return ""
    return {
        "plain": f"{value:g}",
        "comma2": f"{value:.2f}".replace(".", ","),
        "percent": f"{value:g} %",
        "share": f"{value / 100:g}".replace(".", ","),
    }[style]


def heroma_csv() -> None:
    """Heroma 'Personalförteckning': UTF-8 with BOM, comma, org levels as columns, "75,00"."""
    rows = [["Personnr", "Förnamn", "Efternamn", "Förvaltning", "Avdelning", "Enhet",
             "Befattning", "AID", "Chefskod", "Anst.form", "Syss.grad", "Anst. fr.o.m.",
             "Månadslön"]]  # fmt: skip
    for s, first, last, unit, role, aid, code, form, pct, start in PEOPLE:
        levels = (path_of(unit) + ["", ""])[:3]
        pay = "" if form == "H" else "32500"
        rows.append([pnr(s, 10), first, last, *levels, role, aid, code,
                     FORMS["heroma"][form], fte(pct, "comma2"), start, pay])  # fmt: skip
    write_csv("heroma_personal.csv", rows, encoding="utf-8-sig", delimiter=",")


def heroma_xlsx() -> None:
    """Heroma's Excel report: title rows, a merged group row over the header, date cells,
    sysselsättningsgrad as numbers and a 'Summa' row at the end."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Personal"
    ws.append(["Personalförteckning per enhet"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Uttag 2026-10-31, urval: Vård och omsorg"])
    ws.append([])
    ws.append(["Personnummer", None, "Organisation", None, None, "Befattning", None,
               "Anställning", None, None])  # fmt: skip
    ws.merge_cells("A4:A5")
    ws.merge_cells("C4:E4")
    ws.merge_cells("F4:G4")
    ws.merge_cells("H4:J4")
    ws.append([None, "Namn", "Förvaltning", "Avdelning", "Enhet", "Befattning text", "AID",
               "Anställningsform", "Sysselsättningsgrad", "Anställningsdatum"])  # fmt: skip
    ws.cell(5, 11, "Chefskod")
    for s, first, last, unit, role, aid, code, form, pct, start in PEOPLE:
        levels = (path_of(unit) + ["", ""])[:3]
        ws.append([pnr(s), f"{first} {last}", *levels, role, aid, FORMS["heroma"][form],
                   pct, dt.datetime.fromisoformat(start), code or None])  # fmt: skip
        ws.cell(ws.max_row, 10).number_format = "yyyy-mm-dd"
    ws.append(["Summa", None, None, None, None, None, None, None, 805, None])
    wb.save(CORPUS / "heroma_rapport.xlsx")


def heroma_serial_xlsx() -> None:
    """An Excel roster whose start dates lost their date format: serial day numbers."""
    wb = Workbook()
    ws = wb.active
    ws.append(["FÖRV.", "AVD.", "ENHET", "PERSONNUMMER", "BEFATTNING", "AID-KOD", "ANSVARSKOD",
               "ANST.FORM", "SYSS.GRAD %", "ANSTÄLLD FROM"])  # fmt: skip
    for s, _, _, unit, role, aid, code, form, pct, start in PEOPLE:
        levels = (path_of(unit) + ["", ""])[:3]
        serial = (dt.date.fromisoformat(start) - dt.date(1899, 12, 30)).days
        ws.append([*levels, pnr(s), role, int(aid), code or None, FORMS["heroma"][form],
                   pct, serial])  # fmt: skip
    wb.save(CORPUS / "excel_seriedatum.xlsx")


def personec() -> None:
    """Personec P: cp1252, semicolons, unit ids; 'AID-etikett' holds the six-digit code beside
    a 'Befattning' text, sysselsättningsgrad '75 %'; the org file names each unit's manager."""
    rows = [["Anst.nr", "Personnummer", "Namn", "Org.enhet", "Befattning", "AID-etikett",
             "Ansvarskod", "Anställningsform", "Sysselsättningsgrad", "Anst.datum",
             "Månadslön"]]  # fmt: skip
    for n, (s, first, last, unit, role, aid, code, form, pct, start) in enumerate(PEOPLE):
        pay = "" if form == "H" else "32 500,00"
        rows.append([str(1001 + n), pnr(s), f"{last} {first}", UNIT_ID[unit], role, aid, code,
                     FORMS["personec"][form], fte(pct, "percent"), start, pay])  # fmt: skip
    write_csv("personec_p_anstallda.csv", rows, encoding="cp1252")
    managers = {p[3]: p[0] for p in PEOPLE if p[6]}
    org = [["Org.enhet", "Organisationsenhetens namn", "Överordnad enhet", "Nivå", "Verksamhet",
            "Chef personnummer"]]  # fmt: skip
    for unit, level in ((F, "Förvaltning"), (A, "Avdelning"), (NORR, "Enhet"), (SODER, "Enhet")):
        org.append([UNIT_ID[unit], unit, UNIT_ID.get(PARENT[unit], ""), level, "Äldreomsorg",
                    pnr(managers[unit])])  # fmt: skip
    write_csv("personec_p_organisation.csv", org, encoding="cp1252")


def visma() -> None:
    """Visma Lön: UTF-8, semicolons, 'Omfattning' as a share (0,75), dates with a time part."""
    rows = [["Anställningsnummer", "Personnummer", "Förnamn", "Efternamn", "Kostnadsställe",
             "Befattningskod", "Befattningsnamn", "Chefskod", "Anställningsform", "Omfattning",
             "Anställningsdatum", "Lön"]]  # fmt: skip
    for n, (s, first, last, unit, role, aid, code, form, pct, start) in enumerate(PEOPLE):
        rows.append([str(n + 1), pnr(s), first, last, UNIT_ID[unit], aid, role, code,
                     FORMS["visma"][form], fte(pct, "share"), f"{start} 00:00:00",
                     "" if form == "H" else "31000"])  # fmt: skip
    write_csv("visma_lon_personal.csv", rows)
    org = [["Kostnadsställe", "Benämning", "Överordnad", "Orgnivå"]]
    for unit, level in ((F, "förvaltning"), (A, "avdelning"), (NORR, "enhet"), (SODER, "enhet")):
        org.append([UNIT_ID[unit], unit, UNIT_ID.get(PARENT[unit], ""), level])
    write_csv("visma_lon_organisation.csv", org)


def hogia() -> None:
    """Hogia Personal: tab-separated cp1252 text, dates ÅÅÅÅMMDD, title lines and a sum row."""
    lines = ["Hogia Personalsystem - Anställda", "Utskrivet 2026-10-31", ""]
    lines.append("\t".join(["Personnummer", "Enhetskod", "Yrke", "AID", "Ansvarskod",
                            "Anställningsform", "Sysselsättningsgrad %", "Anställd from"]))  # fmt: skip
    for s, _, _, unit, role, aid, code, form, pct, start in PEOPLE:
        lines.append("\t".join([pnr(s).replace("-", ""), UNIT_ID[unit], role, aid, code,
                                FORMS["hogia"][form], fte(pct, "plain"),
                                start.replace("-", "")]))  # fmt: skip
    lines.append("\t".join(["Summa", "", "", "", "", "", "805", ""]))
    (CORPUS / "hogia_anstallda.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    org = ["\t".join(["Enhetskod", "Enhetsnamn", "Överordnad enhetskod", "Nivå"])]
    for unit, level in ((F, "1"), (A, "2"), (NORR, "3"), (SODER, "3")):
        org.append("\t".join([UNIT_ID[unit], unit, UNIT_ID.get(PARENT[unit], ""), level]))
    (CORPUS / "hogia_enheter.txt").write_bytes(("\r\n".join(org) + "\r\n").encode("cp1252"))


# Survey respondents: (unit as typed, förvaltning as typed, level label, answer code 1-5).
# Two name a unit the org does not have: they count in the förvaltning, with a warning.
RESPONDENTS = [
    ("hemtjänst  norr", "Vård och omsorg", "Första linjen", 2),
    ("Hemtjänst Norr", "vård och omsorg", "Första linjen", 2),
    ("HEMTJÄNST NORR", "Vård och omsorg", "Första linjen", 2),
    ("Hemtjänst – Söder", "Vård och omsorg", "Första linjen", 4),
    ("Hemtjänst-Söder", "Vård och omsorg", "Första linjen", 4),
    ("Hemtjänst Väst", "Vård och omsorg", "Första linjen", 3),
    ("Hemtjänst Väst", "Vård och omsorg", "Första linjen", 3),
]
ROOM = [f"R0{i}" for i in range(1, 9)]
BETYG = {1: "Mycket bra", 2: "Ganska bra", 3: "Varken bra eller dåligt", 4: "Ganska dåligt"}
ROOM_TEXT = {
    "R01": "Hur mår cheferna i din förvaltning just nu?",
    "R02": "Hur hanterbar är chefernas arbetsbelastning?",
    "R03": "Hur väl räcker chefernas tid till att leda medarbetarna?",
    "R04": "Hur väl fungerar fördelningen mellan chefens och stödfunktionernas uppgifter?",
    "R05": "Hur väl fungerar kommunikationen mellan cheferna och ledningen?",
    "R06": "Hur väl fungerar chefernas väg till HR, ekonomi och IT?",
    "R07": "Hur går verksamheten i din förvaltning?",
    "R08": "Hur väl når verksamheten sina mål med de resurser den har?",
}


def limesurvey_ascii_codes() -> None:
    """LimeSurvey, question codes: background questions coded without å, ä, ö (LimeSurvey
    codes allow only a-z and digits), answer codes A1..A5, every field quoted, BOM."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "forvaltning",
              "chefsniva", "enhet", *[f"RUM[{q}]" for q in ROOM], "R99"]  # fmt: skip
    rows = [header]
    for n, (unit, forv, level, code) in enumerate(RESPONDENTS, start=1):
        rows.append([str(n), f"2026-10-0{n % 9 + 1} 10:1{n}:00", "2", "sv", str(900 + n), forv,
                     level, unit, *[f"A{code}" for _ in ROOM], ""])  # fmt: skip
    rows.append(["8", "", "1", "sv", "908", "", "", "", *["" for _ in ROOM], ""])  # unfinished
    write_csv("limesurvey_koder.csv", rows, encoding="utf-8-sig", quote=True)


def limesurvey_full_text() -> None:
    """LimeSurvey, full question texts as headers and answer texts (not codes)."""
    header = ["Svars-ID", "Datum skickat", "Senaste sida", "Vilken förvaltning arbetar du i?",
              "Vilken enhet är du chef för?", *[f"Utforska [{ROOM_TEXT[q]}]" for q in ROOM]]  # fmt: skip
    rows = [header]
    for n, (unit, forv, _, code) in enumerate(RESPONDENTS, start=1):
        rows.append([str(n), "2026-10-05 09:00:00", "2", forv, unit, *[BETYG[code] for _ in ROOM]])
    write_csv("limesurvey_fulltext.csv", rows, encoding="utf-8-sig", quote=True)


def limesurvey_code_forms() -> None:
    """A kommun's own questionnaire in LimeSurvey's array codes, exported as KR1_SQ001 and
    KR1SQ001 (the 'ASCII' export of KR1[SQ001])."""
    (CORPUS / "egen_enkat.yaml").write_text(
        "id: egen_krav\nversion: 1\ntitle: Krav och resurser (egen)\nquestions:\n"
        '  - {id: "KR1[SQ001]", construct: krav, scale: stammer4, reverse: true,\n'
        '     text: "Jag har för mycket att göra"}\n'
        '  - {id: "KR1[SQ002]", construct: krav, scale: stammer4, reverse: true,\n'
        '     text: "Jag hinner inte återhämta mig"}\n'
        '  - {id: "KR2[SQ001]", construct: resurser, scale: stammer4,\n'
        '     text: "Jag får stöd av min chef"}\n',
        encoding="utf-8",
    )
    rows = [["id", "submitdate", "forvaltning", "KR1_SQ001", "KR1SQ002", "KR2_SQ001"]]
    rows += [[str(n), "2026-10-05 09:00:00", "Vård och omsorg", "A1", "A2", "A4"] for n in (1, 2)]
    write_csv("limesurvey_kodformer.csv", rows, encoding="utf-8-sig", quote=True)


def msforms(english: bool) -> None:
    """Microsoft Forms' Excel download: ID, times, e-mail, name, then the question texts."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    meta = (
        ["ID", "Start time", "Completion time", "Email", "Name", "Department", "Manager level"]
        if english
        else ["ID", "Starttid", "Sluttid", "E-post", "Namn", "Förvaltning", "Chefsnivå"]
    )
    ws.append([*meta, *[ROOM_TEXT[q] for q in ROOM]])
    for n, (_, forv, level, code) in enumerate(RESPONDENTS, start=1):
        done = dt.datetime(2026, 10, 5, 9, n)
        forv = "Socialförvaltningen" if n >= 6 else forv  # not in the org: a warning
        ws.append([n, done - dt.timedelta(minutes=5), done, "anonymous", None, forv, level,
                   *[BETYG[code] for _ in ROOM]])  # fmt: skip
    wb.save(CORPUS / ("msforms_english.xlsx" if english else "msforms_svenska.xlsx"))


def google_forms() -> None:
    """Google Forms CSV: Tidstämpel, a grid question written 'Fråga [rad]', answers as text."""
    prompt = "Hur bedömer du följande?"
    rows = [["Tidstämpel", "Förvaltning", "Enhet", *[f"{prompt} [{ROOM_TEXT[q]}]" for q in ROOM]]]
    for n, (unit, forv, _, code) in enumerate(RESPONDENTS, start=1):
        rows.append([f"2026-10-05 09:0{n}:00", forv, unit,
                     *[BETYG[code] for _ in ROOM]])  # fmt: skip
    write_csv("googleforms_svar.csv", rows, delimiter=",")


def wide_without_background() -> None:
    """A survey file with nothing that ties a respondent to the org: a kommun total only."""
    rows = [["Respondent-ID", *ROOM]]
    rows += [[str(n), *[BETYG[3] for _ in ROOM]] for n in range(1, 4)]
    write_csv("enkat_utan_bakgrund.csv", rows)


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for write in (heroma_csv, heroma_xlsx, heroma_serial_xlsx, personec, visma, hogia,
                  limesurvey_ascii_codes, limesurvey_full_text, limesurvey_code_forms,
                  google_forms, wide_without_background):  # fmt: skip
        write()
    msforms(english=False)
    msforms(english=True)


if __name__ == "__main__":
    main()
