"""Questionnaires as versioned data files: questions, constructs and answer scales with their scores."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from schemas.safe_yaml import UnsafeYaml, load_yaml_file

QUESTIONNAIRE_DIR = Path(__file__).parent / "questionnaires"
SCALES_FILE = QUESTIONNAIRE_DIR / "scales.yaml"
SCALE_KINDS = ("ordinal", "number", "text")
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class QuestionnaireError(Exception):
    """A questionnaire file cannot be used (missing fields, unknown scale, duplicate ids)."""


class AmbiguousQuestion(Exception):
    """A column header fits more than one question; the message names the candidates."""


_BRACKET = re.compile(r"^(?P<head>.*?)\s*\[(?P<inner>[^\]]+)\]\s*$")
# LimeSurvey's "question code & question text" headings: `KR1[SQ001]. Jag har för mycket att göra`
_CODE_TEXT = re.compile(r"^(?P<code>[A-Za-z][\w\[\]]*)\.\s+(?P<text>.+)$")


def _sub_code(question_id: str) -> str:
    """The sub-question code of an array question id (`SQ001` of `KR1[SQ001]`), else ''."""
    bracket = _BRACKET.match(question_id)
    return bracket["inner"] if bracket else "\0"


def code_key(text: str) -> str:
    """LimeSurvey writes one sub-question as KR1[SQ001], KR1_SQ001 or KR1SQ001: one key."""
    return re.sub(r"[\[\]_\s]", "", str(text)).casefold()


def text_key(text: str) -> str:
    return normalise_label(text).rstrip(" ?:.")


def normalise_label(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().casefold())


@dataclass(frozen=True)
class Option:
    """One answer option: the Swedish label, its score (None = a missing answer) and tool code."""

    label: str
    score: float | None
    code: str | None = None


@dataclass(frozen=True)
class Answer:
    """An answer read against its scale: the label as the scale writes it, and its score."""

    label: str | None  # None for number answers
    score: float | None  # None for "Vet ej"-type answers


@dataclass(frozen=True)
class Scale:
    id: str
    kind: str  # ordinal | number | text
    options: tuple[Option, ...] = ()
    min_value: float | None = None
    max_value: float | None = None

    @property
    def scored(self) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.score is not None)

    @property
    def score_range(self) -> tuple[float, float]:
        if self.kind == "ordinal":
            scores = [o.score for o in self.scored]
            return float(min(scores)), float(max(scores))
        return float(self.min_value or 0), float(self.max_value or 0)

    def read(self, text: str) -> Answer:
        """The answer a cell holds; raises ValueError for a label or number the scale does not know."""
        if self.kind == "ordinal":
            key = normalise_label(text)
            for option in self.options:
                if key in (normalise_label(option.label), normalise_label(option.code or "")):
                    return Answer(option.label, option.score)
            raise ValueError("okänt svarsalternativ")
        if self.kind == "number":
            value = text.strip().replace(" ", "").replace("\u00a0", "")
            if not _NUMBER.match(value):
                raise ValueError("inte ett tal")
            number = float(value.replace(",", "."))
            low, high = self.score_range
            if not low <= number <= high:
                raise ValueError(f"ska vara mellan {low:g} och {high:g}")
            return Answer(None, number)
        raise ValueError("fritext har ingen poäng")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    construct: str
    scale: Scale
    reverse: bool = False
    position: int = 0
    logbook_day: int | None = None  # time-use logbook: the day the hours were logged

    def score(self, answer: Answer) -> float | None:
        """Reverse-scored items are flipped so that a higher score always means better conditions."""
        if answer.score is None or not self.reverse:
            return answer.score
        low, high = self.scale.score_range
        return low + high - answer.score

    @property
    def is_free_text(self) -> bool:
        return self.scale.kind == "text"


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: str
    questions: tuple[Question, ...]
    source: str  # the file it was read from

    def match(self, header: str) -> Question | None:
        """The question a column holds: by its full code (any LimeSurvey form) or full text
        first, else by the code or text in brackets (`Enkät [fråga]`, `KR[KR01]`). A header
        that fits two questions is an error naming both, never a guess."""
        exact = [
            q
            for q in self.questions
            if code_key(q.id) == code_key(header) or text_key(q.text) == text_key(header)
        ]
        if not exact:
            bracket, both = _BRACKET.match(header), _CODE_TEXT.match(header)
            parts = [bracket["inner"], bracket["head"]] if bracket else []
            parts += [both["code"], both["text"]] if both else []
            exact = [
                q
                for q in self.questions
                for part in parts
                if part
                and (
                    code_key(part) in (code_key(q.id), code_key(_sub_code(q.id)))
                    or text_key(q.text) == text_key(part)
                )
            ]
        found = list(dict.fromkeys(exact))
        if len(found) > 1:
            names = " eller ".join(f"{q.id} ({q.text})" for q in found[:3])
            raise AmbiguousQuestion(f'kolumnen "{header}" passar flera frågor: {names}')
        return found[0] if found else None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @property
    def scales(self) -> dict[str, Scale]:
        return {q.scale.id: q.scale for q in self.questions}


def _scale(scale_id: str, spec: dict, where: str) -> Scale:
    kind = spec.get("kind")
    if kind not in SCALE_KINDS:
        raise QuestionnaireError(f"{where}: skalan {scale_id} har okänd kind {kind!r}")
    options = tuple(
        Option(
            str(o["label"]), None if o.get("score") is None else float(o["score"]), o.get("code")
        )
        for o in spec.get("options") or []
    )
    if kind == "ordinal" and len([o for o in options if o.score is not None]) < 2:
        raise QuestionnaireError(
            f"{where}: skalan {scale_id} behöver minst två alternativ med poäng"
        )
    return Scale(scale_id, kind, options, spec.get("min"), spec.get("max"))


@cache
def shared_scales() -> dict[str, Scale]:
    data = yaml.safe_load(SCALES_FILE.read_text(encoding="utf-8"))
    return {sid: _scale(sid, spec, SCALES_FILE.name) for sid, spec in data.items()}


def load_questionnaire(path: Path) -> Questionnaire:
    """Read one questionnaire file (YAML); a kommun's own file has the same shape as the built-ins."""
    where = Path(path).name
    try:
        data = load_yaml_file(Path(path)) or {}
    except (OSError, yaml.YAMLError, UnsafeYaml) as exc:
        raise QuestionnaireError(f"{where}: kan inte läsas ({exc})") from exc
    try:
        return _questionnaire(data, where)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        # A kommun's own file of the wrong shape (a list where a table belongs, a word for a number).
        raise QuestionnaireError(f"{where}: har fel form ({type(exc).__name__})") from exc


def _questionnaire(data: dict, where: str) -> Questionnaire:
    missing = [k for k in ("id", "version", "title") if not data.get(k)]
    if missing:
        raise QuestionnaireError(f"{where}: saknar {', '.join(missing)}")
    scales = {**shared_scales()}
    scales.update({sid: _scale(sid, s, where) for sid, s in (data.get("scales") or {}).items()})
    specs = _logbook_questions(data.get("logbook"), where) + list(data.get("questions") or [])
    questions = []
    for position, spec in enumerate(specs, start=1):
        absent = [k for k in ("id", "text", "construct", "scale") if not spec.get(k)]
        if absent:
            raise QuestionnaireError(f"{where}: fråga {position} saknar {', '.join(absent)}")
        if spec["scale"] not in scales:
            raise QuestionnaireError(f"{where}: fråga {spec['id']} har okänd skala {spec['scale']}")
        questions.append(
            Question(
                str(spec["id"]),
                str(spec["text"]),
                str(spec["construct"]),
                scales[spec["scale"]],
                bool(spec.get("reverse", False)),
                position,
                spec.get("logbook_day"),
            )
        )
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise QuestionnaireError(f"{where}: samma fråge-id förekommer flera gånger")
    return Questionnaire(
        str(data["id"]), int(data["version"]), str(data["title"]), tuple(questions), where
    )


def _logbook_questions(logbook: dict | None, where: str) -> list[dict]:
    """A time-use logbook: hours per activity category per day, as T<day>_<category> questions."""
    if not logbook:
        return []
    try:
        return [
            {
                "id": f"T{day}_{cat['id']}",
                "text": f"Dag {day}: timmar på {cat['text']}",
                "construct": cat["construct"],
                "scale": logbook["scale"],
                "logbook_day": day,
            }
            for day in range(1, int(logbook["days"]) + 1)
            for cat in logbook["categories"]
        ]
    except (KeyError, TypeError) as exc:
        raise QuestionnaireError(f"{where}: logbook saknar {exc}") from exc


@cache
def builtin(questionnaire_id: str) -> Questionnaire:
    path = QUESTIONNAIRE_DIR / f"{questionnaire_id}.yaml"
    if questionnaire_id == "scales" or not path.is_file():
        known = sorted(p.stem for p in QUESTIONNAIRE_DIR.glob("*.yaml") if p.stem != "scales")
        raise QuestionnaireError(
            f"okänt frågeformulär {questionnaire_id!r} (inbyggda: {', '.join(known)})"
        )
    return load_questionnaire(path)
