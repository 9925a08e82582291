"""Broken and hostile inboxes, generated: each case breaks a copy of one tiny valid inbox.

A case is (id, what it does to the inbox, a fragment the message must contain). Every case
must end in exit 1 with a Swedish message naming the file or manifest entry.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml
from openpyxl import Workbook

from tests.hr.tiny_kommun import KOMMUN, PERIOD, TinyKommun, personnummer

# A valid personnummer and a key-shaped secret: neither may ever appear in any output.
LEAKED_PNR = personnummer(4242).replace("-", "")
SECRET = "9f2c4e1ab7d35e8f60c1a2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d"

UNITS = [
    ("F1", None, "Förvaltningen", "Förvaltning", "administration", 1),
    ("E1", "F1", "Enhet ett", "Enhet", "äldreomsorg", 2),
    ("E2", "F1", "Enhet två", "Enhet", "förskola", 3),
]
HOURS = {"Ordinarie arbetstid (tim)": "1700", "Sjukfrånvaro (tim)": "40"}
STAFF = [(s, "E1" if s % 2 else "E2", "Tillsvidare", 100, "", HOURS) for s in range(10, 22)]
MANAGERS = [(m, u, "Tillsvidare", 100, "C", HOURS) for u, *_, m in UNITS]


def write_base(inbox: Path) -> Path:
    """The tiny valid inbox every case starts from: org units, a roster, one kommun."""
    return TinyKommun(UNITS, MANAGERS + STAFF).write(inbox)


def manifest(inbox: Path) -> dict:
    return yaml.safe_load((inbox / "manifest.yaml").read_text(encoding="utf-8"))


def set_manifest(inbox: Path, data: object) -> None:
    (inbox / "manifest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def edit_entry(index: int, **changes: object) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        data = manifest(inbox)
        data["files"][index].update(changes)
        set_manifest(inbox, data)

    return apply


def edit_kommun(**changes: object) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        data = manifest(inbox)
        data["kommuner"][KOMMUN].update(changes)
        set_manifest(inbox, data)

    return apply


def raw_manifest(text: str | bytes) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (inbox / "manifest.yaml").write_bytes(data)

    return apply


def add_entry(**entry: object) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        data = manifest(inbox)
        data["files"].append({"kommun": KOMMUN, "period": PERIOD, **entry})
        set_manifest(inbox, data)

    return apply


def roster_lines(inbox: Path) -> list[str]:
    return (inbox / "roster.csv").read_text(encoding="utf-8").splitlines()


def set_roster(lines: list[str], inbox: Path) -> None:
    (inbox / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def roster_cell(row: int, column: str, value: str) -> Callable[[Path], None]:
    """Replace one cell (file row number as the analyst sees it; header = 1)."""

    def apply(inbox: Path) -> None:
        lines = roster_lines(inbox)
        header = lines[0].split(";")
        cells = lines[row - 1].split(";")
        cells[header.index(column)] = value
        lines[row - 1] = ";".join(cells)
        set_roster(lines, inbox)

    return apply


def roster_text(make: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    return lambda inbox: set_roster(make(roster_lines(inbox)), inbox)


def outside_file(inbox: Path) -> Path:
    secret = inbox.parent / "secrets" / "key"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET + "\n")
    return secret


def symlink_out(target: str | None = None) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        os.symlink(target or outside_file(inbox), inbox / "lank.csv")
        edit_entry(0, file="lank.csv")(inbox)

    return apply


def xlsx_roster(patch: Callable[[bytes], bytes] | None = None, **entry: object):
    """The roster as XLSX, its sheet XML patched (e.g. a false <dimension>)."""

    def apply(inbox: Path) -> None:
        book = Workbook()
        sheet = book.active
        for line in roster_lines(inbox):
            sheet.append(line.split(";"))
        path = inbox / "roster.xlsx"
        book.save(path)
        if patch:
            with zipfile.ZipFile(path) as src:
                members = {i.filename: src.read(i) for i in src.infolist()}
            name = "xl/worksheets/sheet1.xml"
            members[name] = patch(members[name])
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
                for member, data in members.items():
                    out.writestr(member, data)
        edit_entry(0, file="roster.xlsx", **entry)(inbox)

    return apply


def claim_huge_member(inbox: Path) -> None:
    """A zip whose central directory says a member unpacks to 4 GB (a zip bomb's signature)."""
    xlsx_roster()(inbox)
    path = inbox / "roster.xlsx"
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, 0xFFFFFFF0)  # uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join(f"*a{i - 1}" for _ in range(9))
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\nfiles: *a8\n"


def survey(questionnaire_text: str) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        (inbox / "enkat.csv").write_text("Enhetskod;KR01\nE1;Stämmer helt\n", encoding="utf-8")
        (inbox / "egen.yaml").write_text(questionnaire_text, encoding="utf-8")
        add_entry(file="enkat.csv", source="survey_wide", questionnaire_file="egen.yaml")(inbox)

    return apply


def sparse_roster(size: int) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        with open(inbox / "roster.csv", "r+b") as f:
            f.truncate(size)  # sparse: nothing is written to disk

    return apply


def next_period_roster(rows: int) -> Callable[[Path], None]:
    """A later period whose roster has only `rows` employments (the store holds 15)."""

    def apply(inbox: Path) -> None:
        lines = roster_lines(inbox)
        set_roster(lines[: rows + 1], inbox)
        data = manifest(inbox)
        for entry in data["files"]:
            entry["period"] = "2026-11-01"
        set_manifest(inbox, data)

    return apply


def second_roster(same_bytes: bool, period: str = PERIOD) -> Callable[[Path], None]:
    def apply(inbox: Path) -> None:
        lines = roster_lines(inbox)
        copy = lines if same_bytes else lines[:-1]
        (inbox / "roster2.csv").write_text("\n".join(copy) + "\n", encoding="utf-8")
        add_entry(file="roster2.csv", source="hr_roster", period=period)(inbox)

    return apply


def extra_field(lines: list[str]) -> list[str]:
    return [*lines[:3], lines[3] + ";extra;fält", *lines[4:]]


def secret_header(lines: list[str]) -> list[str]:
    """An extra column headed by a key, and a bad label so the file is rejected."""
    rows = [line + ";" for line in lines[1:]]
    rows[1] = rows[1].replace("Tillsvidare", "Konsult")
    return [lines[0] + ";" + SECRET, *rows]


def org_cycle(inbox: Path) -> None:
    text = (
        (inbox / "org.csv")
        .read_text(encoding="utf-8")
        .replace("E2;Enhet två;F1", "E2;Enhet två;E2")
    )
    (inbox / "org.csv").write_text(text, encoding="utf-8")


BAD_QUESTIONNAIRE = "id: egen\nversion: 1\ntitle: Egen\nquestions: 5\n"

CASES: list[tuple[str, Callable[[Path], None], str]] = [
    # The jail: nothing outside the inbox is read.
    (
        "parent_path",
        lambda i: (outside_file(i), edit_entry(0, file="../secrets/key")(i)),
        "utanför inkorgen",
    ),
    ("absolute_path", edit_entry(0, file="/etc/passwd"), "utanför inkorgen"),
    ("dev_zero", edit_entry(0, file="/dev/zero"), "utanför inkorgen"),
    ("dotdot_inside", edit_entry(0, file="sub/../../secrets/key"), "utanför inkorgen"),
    ("home_path", edit_entry(0, file="~/.bashrc"), "utanför inkorgen"),
    ("nul_in_name", edit_entry(0, file="roster.csv\0.txt"), "utanför inkorgen"),
    ("symlink_to_secret", symlink_out(), "via en länk"),
    ("symlink_to_dev", symlink_out("/dev/zero"), "via en länk"),
    (
        "questionnaire_outside",
        lambda i: (
            outside_file(i),
            add_entry(
                file="org.csv",
                source="survey_wide",
                questionnaire_file="../secrets/key",
                part_of="x",
            )(i),
        ),
        "utanför inkorgen",
    ),
    (
        "directory_as_file",
        lambda i: ((i / "mapp").mkdir(), edit_entry(0, file="mapp")(i)),
        "finns inte i inkorgen",
    ),
    ("missing_file", edit_entry(0, file="finns_inte.csv"), "finns inte i inkorgen"),
    # The manifest as a declared schema.
    ("no_manifest", lambda i: (i / "manifest.yaml").unlink(), "manifest.yaml"),
    ("not_yaml", raw_manifest("files: [\n  - {file: roster.csv"), "manifest.yaml"),
    (
        "python_tag",
        raw_manifest("files: !!python/object/apply:os.system ['true']\n"),
        "manifest.yaml",
    ),
    (
        "not_utf8",
        raw_manifest("files:\n  - file: r\xe4ster.csv\n".encode("latin-1")),
        "manifest.yaml",
    ),
    ("alias_bomb", raw_manifest(alias_bomb()), "alias"),
    ("deep_nesting", raw_manifest("files: " + "[" * 5000 + "]" * 5000 + "\n"), "manifest.yaml"),
    ("huge_yaml", raw_manifest("# " + "x" * 1_100_000 + "\nfiles: []\n"), "manifest.yaml"),
    ("manifest_is_list", raw_manifest("- file: roster.csv\n"), "ska vara en tabell"),
    ("files_not_list", raw_manifest("files: roster.csv\n"), "'files' ska vara en lista"),
    ("files_empty", raw_manifest("kommuner: {}\nfiles: []\n"), "'files' ska vara en lista"),
    ("entry_not_table", raw_manifest('kommuner: {"1262": {}}\nfiles: [roster.csv]\n'), "files[0]"),
    ("unknown_key", edit_entry(0, perod="2026-10-01"), "okänd nyckel perod"),
    ("missing_period", edit_entry(0, period=None), "saknar period"),
    ("bad_date", edit_entry(0, period="2026-13-45"), "'period' ska vara ett datum"),
    ("period_2300", edit_entry(0, period="2300-01-01"), "mellan 1990-01-01 och 2100-12-31"),
    ("period_list", edit_entry(0, period=[2026, 10]), "'period' ska vara ett datum"),
    (
        "kommun_unknown",
        lambda i: set_manifest(
            i, {"kommuner": {"9999": {}}, "files": [{**manifest(i)["files"][0], "kommun": "9999"}]}
        ),
        "290 kommunkoder",
    ),
    ("kommun_list", edit_entry(0, kommun=["1262"]), "290 kommunkoder"),
    ("kommun_not_declared", edit_entry(0, kommun="1231"), "saknas under 'kommuner'"),
    (
        "threshold_text",
        edit_kommun(span_threshold="trettio"),
        "'span_threshold' ska vara ett heltal",
    ),
    ("threshold_bool", edit_kommun(span_threshold=True), "'span_threshold' ska vara ett heltal"),
    ("k_one", edit_kommun(anonymity_k=1), "'anonymity_k' ska vara ett heltal från 2"),
    (
        "kommun_spec_list",
        lambda i: set_manifest(i, {**manifest(i), "kommuner": {KOMMUN: [1, 2]}}),
        "kommuner.1262",
    ),
    ("two_char_delimiter", edit_entry(0, delimiter=";;"), "'delimiter' ska vara ett enda tecken"),
    ("unknown_encoding", edit_entry(0, encoding="klingon"), "'encoding' ska vara en teckenkodning"),
    ("columns_list", edit_entry(0, columns=["a", "b"]), "'columns' ska vara en tabell"),
    ("unknown_source", edit_entry(0, source="hr_lista"), "'source' ska vara en av"),
    (
        "allow_shrink_text",
        edit_entry(0, allow_shrink="ja"),
        "'allow_shrink' ska vara true eller false",
    ),
    (
        "bad_respondents",
        lambda i: add_entry(
            file="x.csv", source="survey_wide", questionnaire="rummet", respondents="chefen"
        )(i),
        "'respondents' ska vara en av",
    ),
    # No double counting, no silent wipe.
    ("same_entry_twice", lambda i: add_entry(**manifest(i)["files"][0])(i), "samma fil som"),
    ("second_roster", second_roster(same_bytes=False), "en personallista för 1262"),
    ("same_content_twice", second_roster(same_bytes=True, period="2026-11-01"), "samma innehåll"),
    ("header_only_roster", roster_text(lambda lines: lines[:1]), "inga rader"),
    ("shrunk_roster", next_period_roster(rows=4), "mindre än hälften"),
    (
        "sick_above_contracted",
        roster_cell(3, "Sjukfrånvaro (tim)", "99999"),
        "sjukfrånvarotimmar större än avtalad",
    ),
    ("extra_fields", roster_text(extra_field), "fler fält än rubrikraden"),
    # Values that failed their rules are never echoed when sensitive.
    ("pnr_in_number", roster_cell(4, "Sysselsättningsgrad", LEAKED_PNR), "Sysselsättningsgrad"),
    ("secret_in_number", roster_cell(5, "Sysselsättningsgrad", SECRET), "inte ett tal"),
    ("secret_header", roster_text(secret_header), "okänt värde"),
    ("unknown_label", roster_cell(3, "Anställningsform", "Konsult"), "okänt värde"),
    # A ddmmyy typo reads as year 1508: the cell is named, the file is not "unreadable".
    (
        "date_year_1508",
        roster_cell(3, "Anställningsdatum", "150817"),
        'rad 3, kolumn "Anställningsdatum" = "150817": inte ett datum',
    ),
    ("date_year_9999", roster_cell(4, "Anställningsdatum", "9999-12-31"), "inte ett datum"),
    # Resource limits before parsing.
    ("empty_file", lambda i: (i / "roster.csv").write_bytes(b""), "filen är tom"),
    (
        "binary_garbage",
        lambda i: (i / "roster.csv").write_bytes(bytes(range(256)) * 40),
        "roster.csv",
    ),
    ("cell_10001", roster_cell(3, "Org.enhet", "x" * 10_001), "längre än 10000 tecken"),
    ("cell_200000", roster_cell(3, "Org.enhet", "y" * 200_000), "kan inte läsas som CSV"),
    ("file_60mb", sparse_roster(60_000_000), "större än gränsen 50 MB"),
    (
        "wrong_encoding",
        lambda i: (
            (i / "roster.csv").write_bytes(
                (i / "roster.csv").read_bytes().replace("ä".encode(), b"\xe4")
            ),
            edit_entry(0, encoding="utf-8")(i),
        ),
        "kan inte avkodas",
    ),
    (
        "xlsx_claims_full_sheet",
        xlsx_roster(
            lambda x: x.replace(b'<dimension ref="A1:', b'<dimension ref="A1:XFD1048576" x="', 1)
        ),
        "anger 1048576 rader",
    ),
    (
        "xlsx_far_cell",
        xlsx_roster(
            lambda x: x.replace(
                b"</sheetData>",
                b'<row r="900000"><c r="ZZ900000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
            )
        ),
        "har celler på",
    ),
    ("xlsx_zip_bomb", claim_huge_member, "packas upp till"),
    (
        "xlsx_not_zip",
        lambda i: (
            (i / "roster.xlsx").write_text("inte en zip"),
            edit_entry(0, file="roster.xlsx")(i),
        ),
        "ingen läsbar xlsx-fil",
    ),
    ("xlsx_missing_sheet", xlsx_roster(sheet="Finns inte"), "kan inte läsas som Excel"),
    # Cross-table checks after loading (the failed refresh's logging path).
    ("org_cycle", org_cycle, "org.csv"),
    ("unknown_unit", roster_cell(3, "Org.enhet", "E9"), "roster.csv"),
    (
        "org_header_only",
        lambda i: (i / "org.csv").write_text(
            (i / "org.csv").read_text("utf-8").splitlines()[0] + "\n", "utf-8"
        ),
        "inga rader",
    ),
    # A kommun's own questionnaire is inbox input too.
    ("questionnaire_wrong_shape", survey(BAD_QUESTIONNAIRE), "egen.yaml"),
    ("questionnaire_alias_bomb", survey(alias_bomb().replace("files:", "questions:")), "alias"),
    ("questionnaire_deep_nesting", survey("questions: " + "[" * 5000 + "]" * 5000), "egen.yaml"),
]
