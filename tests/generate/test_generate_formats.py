"""Each kommun's files are written in its own export shape: encoding, delimiter, headers, cells."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest


def test_burlov_is_cp1252_with_crlf_semicolons_and_decimal_comma(full_inbox: Path) -> None:
    raw = (full_inbox / "Personal_Burlov_202610.csv").read_bytes()
    assert b"\x96" in raw and b"\x80" in raw  # cp1252 "–" and "€"
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.count(b"\n") == raw.count(b"\r\n") > 1000
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[0] == (
        "Personnummer;Förnamn;Efternamn;Org.enhet;AID-kod;AID etikett;Ansvarskod;"
        "Anställningsform;Sysselsättningsgrad;Anställningsdatum;Kommentar;"
        "Arbetsställenummer;Ordinarie arbetstid (tim);Sjukfrånvaro (tim);"
        "Varav sjukfrånvaro 60+ dagar (tim)"
    )
    records = list(csv.reader(lines[1:-1], delimiter=";"))
    assert lines[-1] == "" and all(len(r) == 15 for r in records)
    assert all(re.fullmatch(r"(19|20)\d{6}-\d{4}", r[0]) for r in records)
    assert all(re.fullmatch(r"\d{1,3},00", r[8]) for r in records)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r[9]) for r in records)
    assert all(re.fullmatch(r"\d{8}", r[11]) for r in records)
    assert all(re.fullmatch(r"\d+,\d\d", value) for r in records for value in r[12:])
    assert any(";Tillägg 1 250,00 € – EU-projekt;" in line for line in lines)
    # A comment holding the delimiter is quoted; nothing else is.
    quoted = [line for line in lines if '"' in line]
    hours = r"\d{8}(;\d+,\d\d){3}"
    assert quoted and all(re.search(r';"[^"]*;[^"]*";' + hours + "$", line) for line in quoted)


def test_burlov_unit_file(full_inbox: Path) -> None:
    raw = (full_inbox / "Organisation_Burlov.csv").read_bytes()
    assert b"\x96" in raw  # "Hemtjänst – Norr" and friends
    lines = raw.decode("cp1252").split("\r\n")
    assert lines[0] == "Enhet;Enhetsnamn;Överordnad enhet;Nivå;Verksamhet;Chef personnummer"
    assert re.fullmatch(r"B\d{4};[^;]+;;Förvaltning;\w+;\d{8}-\d{4}", lines[1])


def test_kavlinge_is_utf8_bom_with_commas_and_quoted_decimal_comma(full_inbox: Path) -> None:
    raw = (full_inbox / "Heroma_personal_2026-10.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == (
        "Personnr,Namn,Förvaltning,Avdelning,Enhet,Verksamhet,Befattning,AID,Chefskod,"
        "Anst.form,Syss.grad,Anst. fr.o.m.,"
        "Arbetsställe,Ord. arbetstid timmar,Sjukfrånvaro timmar,Långtidssjukfrånvaro timmar"
    )
    # Only the decimal-comma fields hold a comma, so they are the only quoted ones.
    hours = r'(\d{8}|Okänt)(,"\d+,\d\d"){3}'
    for line in lines[1:]:
        assert re.fullmatch(
            r'\d{6}-\d{4},[^,"]+,[^"]*,"\d{1,3},00",\d{4}-\d{2}-\d{2},' + hours, line
        )
    assert text.count("\n") == text.count("\r\n")  # Excel's CRLF throughout


def test_kavlinge_org_path_depth_follows_the_role(exports) -> None:
    rows = exports["1261"].rows
    units = exports["1261"].units
    managers = [r for r in rows if r.ansvarskod]
    for r in managers:
        depth = units[r.unit].level
        assert (r.ansvarskod == "A") == (depth in ("Förvaltning", "Avdelning"))
    assert {u.level for u in units.values()} == {"Förvaltning", "Avdelning", "Enhet"}


def test_lomma_xlsx_sheets_and_cell_types(full_inbox: Path) -> None:
    wb = openpyxl.load_workbook(full_inbox / "Lomma_anstallda.xlsx")
    assert wb.sheetnames == ["Anställda"]
    ws = wb["Anställda"]
    assert [c.value for c in ws[1]] == [
        "Personnummer", "Förnamn", "Efternamn", "Enhetskod", "AID", "AID-benämning",
        "Ansvarskod", "Anställningsform", "Sysselsättningsgrad", "Anställd från",
        "Arbetsställenummer", "Arbetstid timmar", "Sjuktimmar", "Sjuktimmar >60 dagar",
    ]  # fmt: skip
    for row in ws.iter_rows(min_row=2):
        pnr, fte, start = row[0], row[8], row[9]
        assert pnr.data_type == "s" and re.fullmatch(r"(19|20)\d{10}", pnr.value)
        assert isinstance(fte.value, int) and 0 <= fte.value <= 100
        assert start.is_date and isinstance(start.value, dt.datetime)

    wb = openpyxl.load_workbook(full_inbox / "Lomma_organisation.xlsx")
    assert wb.sheetnames == ["Organisation"]
    assert [c.value for c in wb["Organisation"][1]] == [
        "Enhetskod", "Enhetsnamn", "Överordnad enhetskod", "Organisationsnivå", "Verksamhet",
        "Chefens personnummer",
    ]  # fmt: skip
