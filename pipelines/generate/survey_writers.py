"""Write demo survey exports as LimeSurvey, Microsoft Forms, Google Forms and wide files, plus groups."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pipelines.generate.surveys import Manager, Response, group_of
from pipelines.generate.writers import _save_sheet, _write_csv
from schemas.questionnaire import Question, Questionnaire

GRID_PROMPT = "Hur väl stämmer följande?"  # Google Forms writes grid rows as "prompt [row]"
UNIT_QUESTION = "Vilken enhet är du chef för? (enhetskod)"
ROOM_QUESTIONS = ("Vilken förvaltning arbetar du i?", "Vilken chefsnivå har du?")
LEVEL_LABELS = {1: "Första linjens chef", 2: "Andra linjens chef", 3: "Förvaltningschef"}


def _answer_text(question: Question, value: str | float, *, codes: bool, comma: bool) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = f"{value:g}"
        return text.replace(".", ",") if comma else text
    if codes and question.scale.kind == "ordinal":
        return next(o.code for o in question.scale.options if o.label == value) or str(value)
    return str(value)


def _identity(identity: str, manager: Manager | None) -> list[str]:
    if identity == "unit":
        return [manager.unit.unit_id if manager else ""]
    if identity == "room":
        if manager is None:
            return ["", ""]
        return [manager.forvaltning.name, LEVEL_LABELS[manager.level]]
    return []


def _identity_headers(identity: str) -> list[str]:
    return {"unit": [UNIT_QUESTION], "room": list(ROOM_QUESTIONS)}.get(identity, [])


def write_limesurvey(path, questionnaire, responses, identity, *, codes: bool) -> dict:
    """UTF-8 with BOM, ';', every field quoted; code headers (KR[KR01]) or full-text headers."""
    if codes:
        meta = ["id", "submitdate", "lastpage", "startlanguage", "seed", "attribute_1", "ipaddr"]
        heads = [
            f"{q.id[:2]}[{q.id}]" if not q.is_free_text else q.id for q in questionnaire.questions
        ]
    else:
        meta = ["Svars-ID", "Datum skickat", "Senaste sida", "Startspråk", "Seed", "Personnummer",
                "IP-adress"]  # fmt: skip
        heads = [f"{questionnaire.title} [{q.text}]" for q in questionnaire.questions]
    rows = [meta + heads]
    for n, r in enumerate(responses, start=1):
        submitted = r.submitted.strftime("%Y-%m-%d %H:%M:%S") if r.complete and r.submitted else ""
        pnr = r.manager.person.pnr12_dash if r.manager and identity == "personnummer" else ""
        row = [str(n), submitted, "3" if r.complete else "1", "sv", str(1000 + n), pnr,
               f"10.20.{n // 200}.{n % 200 + 10}"]  # fmt: skip
        row += [
            _answer_text(q, r.answers[q.id], codes=codes, comma=False) if q.id in r.answers else ""
            for q in questionnaire.questions
        ]
        rows.append(row)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return {"columns": {"attribute_1": "personnummer"}} if codes else {}


def write_msforms(path, questionnaire, responses, identity, *, english: bool) -> dict:
    """XLSX: ID, start, completion, email, name, then one column per question (its text)."""
    meta = (
        ["ID", "Start time", "Completion time", "Email", "Name"]
        if english
        else ["ID", "Starttid", "Sluttid", "E-post", "Namn"]
    )
    header = meta + _identity_headers(identity) + [q.text for q in questionnaire.questions]
    rows = []
    for n, r in enumerate(responses, start=1):
        done = r.submitted or dt.datetime(2026, 10, 4, 9)
        named = r.manager is not None and identity not in ("room",)
        person = r.manager.person if named and r.manager else None
        rows.append(
            [n, done - dt.timedelta(minutes=6), done,
             f"{person.first_name.split()[0].lower()}.{person.last_name.lower()}@example.se"
             if person else "anonymous",
             f"{person.first_name} {person.last_name}" if person else None,
             *_identity(identity, r.manager),
             *[r.answers.get(q.id) for q in questionnaire.questions]]
        )  # fmt: skip
    _save_sheet(path, "Sheet1", header, rows)
    return {}


def write_googleforms(path, questionnaire, responses, identity) -> dict:
    """CSV (UTF-8, ','): Tidstämpel, e-mail, identity, grid rows as 'prompt [statement]'."""
    header = ["Tidstämpel"]
    if identity == "personnummer":
        header += ["E-postadress", "Personnummer"]
    header += _identity_headers(identity)
    header += [
        f"{GRID_PROMPT} [{q.text}]" if q.scale.kind == "ordinal" else q.text
        for q in questionnaire.questions
    ]
    rows = [header]
    for r in responses:
        row = [r.submitted.strftime("%Y-%m-%d %H:%M:%S") if r.submitted else ""]
        if identity == "personnummer":
            p = r.manager.person if r.manager else None
            row += [f"{p.last_name.lower()}@example.se" if p else "", p.pnr10_dash if p else ""]
        row += _identity(identity, r.manager)
        row += [
            _answer_text(q, r.answers[q.id], codes=False, comma=True) if q.id in r.answers else ""
            for q in questionnaire.questions
        ]
        rows.append(row)
    _write_csv(path, rows, encoding="utf-8", delimiter=",")
    return {}


def write_wide(path, questionnaire, responses, identity, *, xlsx: bool) -> dict:
    """One row per respondent: Respondent-id, Enhetskod, Inskickad, question ids as headers; the
    free-text column has its own heading, mapped to its question in the manifest."""
    heads = [q.id if not q.is_free_text else "Övriga synpunkter" for q in questionnaire.questions]
    header = ["Respondent-id", "Enhetskod", "Inskickad", *heads]
    rows = []
    for n, r in enumerate(responses, start=1):
        answers = [r.answers.get(q.id) for q in questionnaire.questions]
        stamp = r.submitted.strftime("%Y-%m-%d %H:%M:%S") if r.submitted else ""
        rows.append([f"L{n:04d}", r.manager.unit.unit_id if r.manager else "", stamp, *answers])
    if xlsx:
        _save_sheet(path, "Svar", header, rows)
    else:
        text_rows = [[("" if v is None else f"{v:g}".replace(".", ",")
                       if isinstance(v, float | int) else str(v)) for v in row] for row in rows]  # fmt: skip
        _write_csv(path, [header, *text_rows], encoding="utf-8-sig", delimiter=";")
    free = [q.id for q in questionnaire.questions if q.is_free_text]
    return {"columns": {"Övriga synpunkter": free[0]}} if free else {}


SurveyWriter = Callable[[Path, Questionnaire, list[Response], str], dict]
SURVEY_WRITERS: dict[str, tuple[str, SurveyWriter]] = {
    "limesurvey_codes": ("survey_limesurvey", lambda *a: write_limesurvey(*a, codes=True)),
    "limesurvey_text": ("survey_limesurvey", lambda *a: write_limesurvey(*a, codes=False)),
    "msforms_sv": ("survey_msforms", lambda *a: write_msforms(*a, english=False)),
    "msforms_en": ("survey_msforms", lambda *a: write_msforms(*a, english=True)),
    "googleforms": ("survey_googleforms", write_googleforms),
    "wide_csv": ("survey_wide", lambda *a: write_wide(*a, xlsx=False)),
    "wide_xlsx": ("survey_wide", lambda *a: write_wide(*a, xlsx=True)),
}


def write_groups(path: Path, staff: list[Manager], by: str) -> None:
    """The manager group file: Burlöv and Kävlinge by personnummer (CSV), Lomma by unit (XLSX)."""
    placed = [(m, group_of(m)) for m in staff]
    placed = [(m, g) for m, g in placed if g]
    if path.suffix == ".xlsx":
        rows = [[m.unit.unit_id, m.unit.name, g] for m, g in placed]
        _save_sheet(path, "Grupper", ["Enhetskod", "Enhetsnamn", "Grupp"], rows)
    elif by == "personnummer" and path.name.startswith("Chefsgrupper"):
        rows = [["Personnummer", "Förnamn", "Efternamn", "Grupp"]]
        rows += [
            [m.person.pnr12_dash, m.person.first_name, m.person.last_name, g] for m, g in placed
        ]
        _write_csv(path, rows, encoding="cp1252", delimiter=";")
    else:
        rows = [["Personnr", "Namn", "Chefsgrupp"]]
        rows += [
            [m.person.pnr10_dash, f"{m.person.last_name} {m.person.first_name}", g]
            for m, g in placed
        ]
        _write_csv(path, rows, encoding="utf-8-sig", delimiter=",")
