"""Steps every survey export shares: match question columns, drop identities, score every answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from pipelines.extract.export import (
    Export,
    as_declared,
    kept_columns,
    person_ids,
    report_set_aside,
    report_skipped_rows,
    require_columns,
    typed_table,
)
from pipelines.extract.files import ROW_COLUMN, ReadOptions, UnreadableFile, read_table
from pipelines.extract.headers import NAME_FIELDS, match_headers
from pipelines.manifest import InboxFile
from pipelines.normalise import blank_to_na, distinct_texts, parse_date, validate_table
from pipelines.report import FileReport, Issue
from schemas.codes import code_table
from schemas.frames import column_array
from schemas.questionnaire import (
    AmbiguousQuestion,
    Question,
    Questionnaire,
    QuestionnaireError,
    builtin,
    load_questionnaire,
)
from schemas.survey_tables import SURVEY_ANSWER, SURVEY_OPTION, SURVEY_QUESTION, SURVEY_RESPONSE

# Columns that identify a person beyond the pseudonymous key: never read past this module.
DROPPED_FIELDS = NAME_FIELDS | {"email", "ip_address", "token"}
QUESTION_PREFIX = "q:"


@dataclass(frozen=True)
class SurveyFormat:
    """What a survey tool's export says about completeness."""

    submitted_means_complete: bool  # an empty submitted time marks an unfinished response
    required: tuple[tuple[str, ...], ...] = ()


def questionnaire_for(entry: InboxFile) -> Questionnaire:
    try:
        if entry.questionnaire_file is not None:
            return load_questionnaire(entry.questionnaire_file)
        return builtin(str(entry.questionnaire))
    except QuestionnaireError as exc:
        raise UnreadableFile(f"frågeformuläret: {exc}") from exc


@lru_cache(maxsize=8192)
def match_question(header: str, questionnaire: Questionnaire) -> Question | None:
    """A column is a question by its id, its text, or (tool grids) the id or text in brackets.

    Remembered per header and questionnaire: every kommun's export of a survey repeats them
    (an ambiguous header raises each time; exceptions are not remembered)."""
    return questionnaire.match(header)


def open_survey(entry: InboxFile, sha256: str) -> Export:
    """Read a survey export; metadata columns get canonical names, question columns `q:<id>`."""
    questionnaire = questionnaire_for(entry)
    table = read_table(entry.path, ReadOptions(entry.encoding, entry.delimiter, entry.sheet))
    headers = [c for c in table.columns if c != ROW_COLUMN]
    by_id = {q.id: q for q in questionnaire.questions}
    meta_overrides = {h: f for h, f in entry.columns.items() if f not in by_id}
    match = match_headers(headers, entry.source, meta_overrides, table)
    meta = match.mapping
    questions: dict[str, Question] = {}
    ambiguous: list[str] = []
    for header in headers:
        if header in meta:
            continue
        try:
            question = by_id.get(entry.columns.get(header, "")) or match_question(
                header, questionnaire
            )
        except AmbiguousQuestion as exc:
            ambiguous.append(f"{exc} (mappa kolumnen under 'columns' i manifestet)")
            continue
        if question and question.id not in {q.id for q in questions.values()}:
            questions[header] = question
    report = FileReport(
        entry.name, entry.source, entry.kommun_code, entry.period.isoformat(), rows_read=len(table)
    )
    report_set_aside(report, match)
    report.issues += [Issue(entry.name, None, None, None, text) for text in ambiguous]
    report_skipped_rows(report, table)
    free_text = [h for h, q in questions.items() if q.is_free_text]
    report.ignored_columns = [h for h in headers if h not in meta and h not in questions]
    report.ignored_columns += [f"{h} (fritext publiceras aldrig)" for h in free_text]
    kept = {h: f for h, f in meta.items() if f not in DROPPED_FIELDS}
    kept |= {h: QUESTION_PREFIX + q.id for h, q in questions.items() if h not in free_text}
    raw = kept_columns(table, kept)
    report.columns = {f: h for h, f in kept.items()}
    export = Export(entry, sha256, raw, report.columns, report)
    export.partition = (("survey_id", questionnaire.id), ("respondent_role", entry.respondents))
    export.questionnaire = questionnaire  # type: ignore[attr-defined]
    return export


def extract_survey(export: Export, key: bytes, fmt: SurveyFormat) -> None:
    """Responses, answers, and the questionnaire itself, as history tables of one survey."""
    questionnaire: Questionnaire = export.questionnaire  # type: ignore[attr-defined]
    asked = [c for c in export.raw.columns if c.startswith(QUESTION_PREFIX)]
    if not asked:
        export.issue(
            None, None, None, f"inga frågor ur {questionnaire.source} känns igen bland rubrikerna"
        )
        return
    if not require_columns(export, *fmt.required):
        return
    _warn_missing_questions(export, questionnaire, asked)
    _warn_untied(export)
    responses = response_table(export, key, questionnaire, fmt)
    answers = answer_table(export, questionnaire, asked)
    if export.report.ok:
        export.tables["survey_response"] = responses
        export.tables["survey_answer"] = answers
        export.tables.update(questionnaire_tables(export, questionnaire))


TIE_FIELDS = ("unit_id", "unit_name", "forvaltning_name", "personnummer")


def _warn_untied(export: Export) -> None:
    """A file with nothing that ties a respondent to the org is published as a kommun total only."""
    if any(f in export.raw.columns for f in TIE_FIELDS) or export.entry.respondents != "manager":
        return  # top management answers for the whole kommun (Dela värld)
    ignored = ", ".join(f'"{h}"' for h in export.report.ignored_columns[:8]) or "inga"
    export.warn(
        "ingen kolumn för enhet, förvaltning eller personnummer känns igen: svaren räknas "
        f"bara i hela kommunen (ej igenkända kolumner: {ignored}; mappa under 'columns')"
    )


def _warn_missing_questions(export: Export, questionnaire: Questionnaire, asked: list[str]) -> None:
    present = {c.removeprefix(QUESTION_PREFIX) for c in asked}
    absent = [q.id for q in questionnaire.questions if q.id not in present and not q.is_free_text]
    if absent:
        export.warn(f"frågor saknas i filen och räknas som obesvarade: {', '.join(absent)}")


def response_table(
    export: Export, key: bytes, questionnaire: Questionnaire, fmt: SurveyFormat
) -> pd.DataFrame:
    raw, entry = export.raw, export.entry
    rows = raw[ROW_COLUMN].astype(int)
    ref = raw["response_ref"] if "response_ref" in raw.columns else None
    response_id = (
        blank_to_na(ref.astype("string")).fillna("rad " + rows.astype(str))
        if ref is not None
        else "rad " + rows.astype(str)
    )
    computed: dict[str, object] = {
        "survey_id": questionnaire.id,
        "respondent_role": entry.respondents,
        "response_id": response_id.astype("string"),
        "questionnaire_version": questionnaire.version,
        "is_complete": True,
        "submitted_at": pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"),
        "manager_level": pd.Series(pd.NA, index=raw.index, dtype="Int64"),
    }
    if "personnummer" in raw.columns:
        computed["person_id"] = person_ids(export, "personnummer", "person_id", key)
    if "submitted_text" in raw.columns:
        text = blank_to_na(raw["submitted_text"].astype("string"))
        submitted = parse_date(text)
        for i in raw.index[submitted.isna() & text.notna()]:
            export.issue(int(rows[i]), "submitted_text", str(text[i]), "inte en tidpunkt")
        computed["submitted_at"] = submitted
        if fmt.submitted_means_complete:
            computed["is_complete"] = text.notna().astype("boolean")
    if "manager_level_label" in raw.columns:
        computed["manager_level"] = _manager_levels(export)
    return typed_table(export, SURVEY_RESPONSE, computed)


def _manager_levels(export: Export) -> pd.Series:
    codes = code_table("manager_level")
    labels = blank_to_na(export.raw["manager_level_label"].astype("string"))
    # Each distinct label is looked up once; only unknown ones are visited row by row.
    known = {
        v: c for v in distinct_texts(labels) if (c := codes.get(v.strip().casefold())) is not None
    }
    unknown = labels.notna() & ~labels.isin(list(known))
    for i in labels.index[unknown]:
        export.issue(
            int(export.raw.at[i, ROW_COLUMN]),
            "manager_level_label",
            labels[i],
            "okänd chefsnivå (kända: se schemas/codes/manager_level.csv)",
        )
    codes_of = {label: int(code) for label, code in known.items()}
    return labels.map(codes_of, na_action="ignore").astype("Int64")


def answer_table(export: Export, questionnaire: Questionnaire, asked: list[str]) -> pd.DataFrame:
    """One row per answered question; an unknown label or number is an error naming its cell."""
    raw = export.raw
    rows = raw[ROW_COLUMN].to_numpy()
    ids = (
        blank_to_na(raw["response_ref"].astype("string")).fillna(
            "rad " + raw[ROW_COLUMN].astype(str)
        )
        if "response_ref" in raw.columns
        else "rad " + raw[ROW_COLUMN].astype(str)
    ).to_numpy(dtype=object)
    # Every question column at once, question by question and row by row (the order answers
    # had before); an empty cell is a question not answered. Plain arrays: a survey file is
    # small, and pandas' per-call cost (melt, merge) was most of its extraction.
    cells = raw[asked].to_numpy(dtype=object, na_value="").T
    question_at, row_at = np.nonzero(cells != "")
    texts = cells[question_at, row_at]
    pair_of: dict[tuple[int, str], int] = {}
    keys = zip(question_at.tolist(), texts.tolist(), strict=True)
    pairs = np.fromiter(
        (pair_of.setdefault(k, len(pair_of)) for k in keys), dtype=np.intp, count=len(texts)
    )
    readings = _read_answers(export, questionnaire, asked, list(pair_of), pairs, rows[row_at])
    read = np.array([r is not None for r in readings], dtype=bool)[pairs]
    at = row_at[read]
    answers = [readings[p] for p in pairs[read].tolist()]
    entry = export.entry
    constants = {
        "kommun_code": entry.kommun_code,
        "period_date": pd.Timestamp(entry.period),
        "survey_id": questionnaire.id,
        "respondent_role": entry.respondents,
        "source_sha256": export.sha256,
    }
    kinds = {f.name: f.kind for f in SURVEY_ANSWER.fields}
    columns = {name: as_declared(v, len(at), kinds[name]) for name, v in constants.items()}
    columns |= {
        "response_id": pd.array(ids[at], dtype="string"),
        "question_id": pd.array([a[0] for a in answers], dtype="string"),
        "answer_label": pd.Series([a[1] for a in answers], dtype=object).astype("string").array,
        "score": pd.Series([a[2] for a in answers], dtype=object).astype("Float64").array,
        "source_row": pd.array(rows[at].astype(np.int64), dtype="Int64"),
    }
    frame = pd.DataFrame({name: columns[name] for name in SURVEY_ANSWER.column_names})
    valid, issues = validate_table(
        frame,
        SURVEY_ANSWER,
        pd.Series(rows[at].astype(np.int64), index=frame.index),
        raw,
        export.header_of,
        entry.name,
        frozenset(constants),
    )
    export.report.issues += issues
    export.report.issues.sort(key=lambda i: (i.row or 0, i.column or ""))
    return valid


def _read_answers(
    export: Export,
    questionnaire: Questionnaire,
    asked: list[str],
    distinct: list[tuple[int, str]],
    pairs: np.ndarray,
    source_rows: np.ndarray,
) -> list[tuple[str, str | None, float | None] | None]:
    """Question id, label and score of each distinct (question column, answer text), read once
    (None where unknown); an unknown one is an error naming every row that holds it."""
    readings: list[tuple[str, str | None, float | None] | None] = []
    for position, (index, cell) in enumerate(distinct):
        column = asked[index]
        question = questionnaire.question(column.removeprefix(QUESTION_PREFIX))
        try:
            answer = question.scale.read(cell)
        except ValueError as exc:
            known = ", ".join(o.label for o in question.scale.options)
            rule = f"{exc} för {question.id}" + (f" (kända: {known})" if known else "")
            for row in source_rows[pairs == position].tolist():
                export.issue(int(row), column, cell, rule)
            readings.append(None)
            continue
        readings.append((question.id, answer.label, question.score(answer)))
    return readings


def questionnaire_tables(export: Export, questionnaire: Questionnaire) -> dict[str, pd.DataFrame]:
    """The questionnaire travels with its answers, so a kommun's own version is kept in history."""
    key = {
        "kommun_code": export.entry.kommun_code,
        "period_date": pd.Timestamp(export.entry.period),
        "survey_id": questionnaire.id,
        "respondent_role": export.entry.respondents,
    }
    questions, options = _questionnaire_frames(questionnaire)
    # Built once per questionnaire; each file only adds its key (the same as building anew).
    return {
        "survey_question": _with_key(questions, key, SURVEY_QUESTION.column_names),
        "survey_option": _with_key(options, key, SURVEY_OPTION.column_names)
        if len(options)
        else pd.DataFrame(columns=SURVEY_OPTION.column_names).astype({"answer_score": "Float64"}),
    }


def _with_key(frame: pd.DataFrame, key: dict[str, object], names: list[str]) -> pd.DataFrame:
    """`frame.assign(**key)[names]` in one step (the key's values broadcast as assign does)."""
    column = frame.columns.get_loc  # the stored arrays: a Series per column costs more
    return pd.DataFrame(
        {n: key[n] if n in key else column_array(frame, column(n)) for n in names},
        index=frame.index,
    )


@lru_cache(maxsize=64)
def _questionnaire_frames(questionnaire: Questionnaire) -> tuple[pd.DataFrame, pd.DataFrame]:
    questions = pd.DataFrame(
        [
            {
                "questionnaire_version": questionnaire.version,
                "questionnaire_title": questionnaire.title,
                "question_id": q.id,
                "question_text": q.text,
                "construct": q.construct,
                "scale_id": q.scale.id,
                "scale_kind": q.scale.kind,
                "scale_min": None if q.is_free_text else q.scale.score_range[0],
                "scale_max": None if q.is_free_text else q.scale.score_range[1],
                "is_reversed": q.reverse,
                "position": q.position,
                "logbook_day": q.logbook_day,
            }
            for q in questionnaire.questions
        ]
    )
    option_columns = ["scale_id", "answer_label", "answer_score", "position"]
    options = pd.DataFrame(
        [
            (s.id, o.label, o.score, n)
            for s in questionnaire.scales.values()
            for n, o in enumerate(s.options, start=1)
        ],
        columns=option_columns,
    )
    return (
        questions.astype({"logbook_day": "Int64", "scale_min": "Float64", "scale_max": "Float64"}),
        options.astype({"answer_score": "Float64"}),
    )
