"""The inbox manifest: which export file is which source, kommun and period."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from schemas.codes import CODES_DIR

MANIFEST_NAME = "manifest.yaml"
SURVEY_SOURCES = ("survey_limesurvey", "survey_msforms", "survey_googleforms", "survey_wide")
SOURCE_KINDS = (
    "hr_roster",
    "org_units",
    "support_functions",
    "key_figures",
    "action_plan",
    "follow_up",
    "manager_groups",
    *SURVEY_SOURCES,
)
DEFAULT_SPAN_THRESHOLD = 30
DEFAULT_ANONYMITY_K = 5
RESPONDENT_ROLES = ("manager", "top_management")


def default_support_aid_prefixes() -> str:
    """AID code prefixes counted as administrative support (schemas/codes/support_aid_codes.csv)."""
    with open(CODES_DIR / "support_aid_codes.csv", encoding="utf-8", newline="") as f:
        return ",".join(row["aid_prefix"] for row in csv.DictReader(f))


class ManifestError(Exception):
    """The manifest is missing or says something we cannot act on."""


@dataclass(frozen=True)
class Kommun:
    """A kommun's settings; field names are the columns of the store's `kommun` table."""

    kommun_code: str
    kommun_name: str
    span_threshold: int = DEFAULT_SPAN_THRESHOLD
    anonymity_k: int = DEFAULT_ANONYMITY_K  # no survey figure for fewer respondents than this
    support_aid_prefixes: str = field(default_factory=default_support_aid_prefixes)


def _kommun(code: str, spec: dict) -> Kommun:
    prefixes = spec.get("support_aid_prefixes")
    return Kommun(
        kommun_code=code,
        kommun_name=str(spec.get("name", code)),
        span_threshold=int(spec.get("span_threshold", DEFAULT_SPAN_THRESHOLD)),
        anonymity_k=_anonymity_k(code, spec.get("anonymity_k", DEFAULT_ANONYMITY_K)),
        support_aid_prefixes=(
            ",".join(str(p) for p in prefixes) if prefixes else default_support_aid_prefixes()
        ),
    )


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source: str
    kommun_code: str
    period: dt.date
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    questionnaire: str | None = None  # id of a built-in questionnaire (schemas/questionnaires)
    questionnaire_file: Path | None = None  # or the kommun's own questionnaire file in the inbox
    respondents: str = "manager"  # manager | top_management (Dela värld)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Manifest:
    inbox: Path
    kommuner: dict[str, Kommun]
    files: list[InboxFile]


def load_manifest(inbox: Path) -> Manifest:
    path = inbox / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(
            f"Hittar ingen {MANIFEST_NAME} i {inbox}: den säger vilken fil som är vad."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: kan inte läsas som YAML ({exc})") from exc
    kommuner = {
        str(code): _kommun(str(code), spec or {})
        for code, spec in (data.get("kommuner") or {}).items()
    }
    files = [
        _inbox_file(inbox, i, entry, kommuner) for i, entry in enumerate(data.get("files") or [])
    ]
    if not files:
        raise ManifestError(f"{path}: listan 'files' är tom.")
    return Manifest(inbox, kommuner, files)


def _inbox_file(inbox: Path, index: int, entry: dict, kommuner: dict[str, Kommun]) -> InboxFile:
    where = f"{MANIFEST_NAME}, files[{index}]"
    missing = [k for k in ("file", "source", "kommun", "period") if not entry.get(k)]
    if missing:
        raise ManifestError(f"{where}: saknar {', '.join(missing)}")
    if entry["source"] not in SOURCE_KINDS:
        raise ManifestError(
            f"{where}: okänd source {entry['source']!r} (kända: {', '.join(SOURCE_KINDS)})"
        )
    kommun = str(entry["kommun"])
    if kommun not in kommuner:
        raise ManifestError(f"{where}: kommun {kommun} saknas under 'kommuner'")
    path = inbox / str(entry["file"])
    if not path.is_file():
        raise ManifestError(f"{where}: filen {entry['file']} finns inte i inkorgen")
    period = entry["period"]
    if not isinstance(period, dt.date):
        try:
            period = dt.date.fromisoformat(str(period))
        except ValueError as exc:
            raise ManifestError(
                f"{where}: period {period!r} är inte ett datum (ÅÅÅÅ-MM-DD)"
            ) from exc
    survey = _survey_fields(inbox, where, entry) if entry["source"] in SURVEY_SOURCES else {}
    return InboxFile(
        path=path,
        source=entry["source"],
        kommun_code=kommun,
        period=period,
        columns={str(k): str(v) for k, v in (entry.get("columns") or {}).items()},
        encoding=entry.get("encoding"),
        delimiter=entry.get("delimiter"),
        sheet=entry.get("sheet"),
        **survey,
    )


def _anonymity_k(code: object, value: object) -> int:
    try:
        k = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        k = 0
    if k < 2:
        raise ManifestError(
            f"{MANIFEST_NAME}: kommun {code}: anonymity_k ska vara ett heltal, minst 2 (var {value!r})"
        )
    return k


def _survey_fields(inbox: Path, where: str, entry: dict) -> dict:
    """A survey export names its questionnaire (built-in id or own file) and who answered."""
    questionnaire, own = entry.get("questionnaire"), entry.get("questionnaire_file")
    if not questionnaire and not own:
        raise ManifestError(f"{where}: en enkät behöver 'questionnaire' eller 'questionnaire_file'")
    if own and not (inbox / str(own)).is_file():
        raise ManifestError(f"{where}: frågeformuläret {own} finns inte i inkorgen")
    respondents = str(entry.get("respondents") or "manager")
    if respondents not in RESPONDENT_ROLES:
        raise ManifestError(
            f"{where}: respondents {respondents!r} (kända: {', '.join(RESPONDENT_ROLES)})"
        )
    return {
        "questionnaire": str(questionnaire) if questionnaire else None,
        "questionnaire_file": inbox / str(own) if own else None,
        "respondents": respondents,
    }
