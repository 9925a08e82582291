"""The inbox manifest: which export file is which source, kommun and period."""

from __future__ import annotations

import csv
import datetime as dt
import glob
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
    pattern: str | None = None  # the manifest's `file` when it was a pattern (newest match chosen)

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
    path = resolve_file(inbox, str(entry["file"]), where)
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
        pattern=str(entry["file"]) if is_pattern(str(entry["file"])) else None,
        **survey,
    )


def is_pattern(name: str) -> bool:
    return glob.has_magic(name)


def resolve_file(inbox: Path, name: str, where: str) -> Path:
    """The inbox file a manifest entry names: the file itself, or the newest match of a pattern.

    Microsoft Forms names each download by its response count (`Utforska Lomma(1-60).xlsx`), so
    `file: "Utforska Lomma*.xlsx"` picks the latest export without editing the manifest. Names and
    patterns stay inside the inbox: absolute paths and `..` are refused, matches are checked.
    """
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise ManifestError(f"{where}: {name!r} ska vara ett filnamn i inkorgen, ingen sökväg")
    exact = inbox / relative
    if exact.is_file() or not is_pattern(name):
        if not exact.is_file():
            raise ManifestError(f"{where}: filen {name} finns inte i inkorgen")
        return exact
    root = inbox.resolve()
    matches = [p for p in inbox.glob(name) if p.is_file() and p.resolve().is_relative_to(root)]
    if not matches:
        raise ManifestError(f"{where}: ingen fil i inkorgen matchar {name}")
    return max(matches, key=lambda p: (p.stat().st_mtime_ns, p.name))  # newest wins


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
