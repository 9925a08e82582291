"""The inbox manifest: which export file is which source, kommun and period."""

from __future__ import annotations

import csv
import datetime as dt
import glob
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from urllib.parse import urlsplit

import yaml

from pipelines import manifest_schema as schema
from schemas.codes import CODES_DIR
from schemas.safe_yaml import UnsafeYaml, load_yaml_file

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
# A bound on a manifest's files, so a broken one cannot run away; every Swedish kommun over
# three periods with its surveys (`generate --kommuner 290 --periods 3`) is ~4 000 files.
MAX_FILES = 10_000
RESPONDENT_ROLES = ("manager", "top_management")


def default_support_aid_prefixes() -> str:
    """AID code prefixes counted as administrative support (schemas/codes/support_aid_codes.csv)."""
    with open(CODES_DIR / "support_aid_codes.csv", encoding="utf-8", newline="") as f:
        return ",".join(row["aid_prefix"] for row in csv.DictReader(f))


KOLADA_API = "https://api.kolada.se/v3/"


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


KOMMUN_KEYS = {
    "name": schema.text,
    "span_threshold": schema.integer(1, 1000),
    "anonymity_k": schema.integer(2, 100),
    "support_aid_prefixes": schema.text_list,
}
FILE_KEYS = {
    "file": schema.text,
    "source": schema.one_of(*SOURCE_KINDS),
    "kommun": schema.kommun_code,
    "period": schema.period,
    "columns": schema.mapping,
    "encoding": schema.encoding,
    "delimiter": schema.delimiter,
    "sheet": schema.text,
    "questionnaire": schema.text,
    "questionnaire_file": schema.text,
    "respondents": schema.one_of(*RESPONDENT_ROLES),
    "part_of": schema.text,  # entries with the same part_of are parts of one export
    "allow_shrink": schema.yes_no,  # accept a roster under half the previous period's
}
# Sources of which a kommun sends one per period (the roster family counts employments).
ONE_PER_PERIOD = {
    "hr_roster": "personallista",
    "key_figures": "personallista",
    "org_units": "organisationsfil",
    "support_functions": "stödfunktionsfil",
}


def _kommun(code: object, spec: object) -> Kommun:
    where = f"{MANIFEST_NAME}, kommuner.{code}"
    kommun = schema.kommun_code(where, "kommun", code)
    values = schema.checked(where, spec if spec is not None else {}, KOMMUN_KEYS, ())
    prefixes = values.get("support_aid_prefixes")
    return Kommun(
        kommun_code=kommun,
        kommun_name=str(values.get("name", schema.official_kommuner()[kommun])),
        span_threshold=int(values.get("span_threshold", DEFAULT_SPAN_THRESHOLD)),  # type: ignore[arg-type]
        anonymity_k=int(values.get("anonymity_k", DEFAULT_ANONYMITY_K)),  # type: ignore[arg-type]
        support_aid_prefixes=(
            ",".join(prefixes) if prefixes else default_support_aid_prefixes()  # type: ignore[arg-type]
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
    part_of: str | None = None  # entries with the same part_of are parts of one export
    allow_shrink: bool = False  # a roster may be under half the previous period's employments
    manifest_entry: str = MANIFEST_NAME  # where in the manifest, for messages

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Manifest:
    inbox: Path
    kommuner: dict[str, Kommun]
    files: list[InboxFile]
    kolada_url: str | None = None  # public benchmarks (pipelines/extract/kolada.py), if configured
    only: bool = False  # narrowed to one export (refresh --only): only its kommun is rebuilt


def load_manifest(inbox: Path) -> Manifest:
    path = inbox / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(
            f"Hittar ingen {MANIFEST_NAME} i {inbox}: den säger vilken fil som är vad."
        )
    try:
        data = load_yaml_file(path)
    except (UnsafeYaml, OSError) as exc:
        raise ManifestError(f"{MANIFEST_NAME}: kan inte läsas: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ManifestError(f"{MANIFEST_NAME}: kan inte läsas som YAML ({exc})") from exc
    try:
        return _manifest(inbox, data)
    except schema.SchemaError as exc:
        raise ManifestError(str(exc)) from exc


def _manifest(inbox: Path, data: object) -> Manifest:
    top = schema.checked(
        MANIFEST_NAME,
        data if data is not None else {},
        {"kommuner": _is_table, "files": _is_list, "kolada": _kolada_url},
        ("files",),
    )
    kommuner_spec: dict = top.get("kommuner") or {}  # type: ignore[assignment]
    kommuner = {k.kommun_code: k for k in (_kommun(c, v) for c, v in kommuner_spec.items())}
    entries: list = top["files"]  # type: ignore[assignment]
    files = [_inbox_file(inbox, i, entry, kommuner) for i, entry in enumerate(entries)]
    _one_export_each(files)
    return Manifest(inbox, kommuner, files, top.get("kolada"))  # type: ignore[arg-type]


def _is_table(where: str, key: str, value: object) -> dict:
    if not isinstance(value, dict):
        raise schema.SchemaError(f"{where}: '{key}' ska vara en tabell (kommunkod: inställningar)")
    return value


def _kolada_url(where: str, key: str, value: object) -> str:
    """The `kolada` section ({url: ...}, or empty for the public API): the API's base URL."""
    section = schema.checked(f"{where}, {key}", value or {}, {"url": schema.text}, ())
    url = str(section.get("url") or KOLADA_API)
    if urlsplit(url).scheme not in ("http", "https"):
        raise schema.SchemaError(f"{where}: '{key}.url' ska vara en http(s)-adress")
    return url.rstrip("/") + "/"


def _is_list(where: str, key: str, value: object) -> list:
    if not isinstance(value, list) or not value or len(value) > MAX_FILES:
        limit = f"{MAX_FILES:,}".replace(",", " ")
        raise schema.SchemaError(f"{where}: '{key}' ska vara en lista med 1–{limit} filer")
    return value


def _relative_name(name: str, where: str) -> PurePath:
    """A name (or pattern) relative to the inbox that cannot climb out of it by its shape."""
    relative = PurePath(name)
    if "\0" in name or relative.is_absolute() or ".." in relative.parts or name.startswith("~"):
        raise ManifestError(
            f"{where}: {name!r} ligger utanför inkorgen; ange bara filnamnet i inkorgen"
        )
    return relative


def inbox_path(inbox: Path, name: str, where: str) -> Path:
    """The jail: `name` as a regular file inside the inbox, symlinks resolved, or an error.

    Every path a manifest names (file, questionnaire_file, patterns) goes through here.
    """
    relative = _relative_name(name, where)
    root = inbox.resolve()
    resolved = (root / relative).resolve()
    if not resolved.is_relative_to(root):
        raise ManifestError(f"{where}: {name!r} pekar (via en länk) utanför inkorgen")
    if not resolved.is_file():
        raise ManifestError(f"{where}: filen {name} finns inte i inkorgen")
    return resolved


def _inbox_file(inbox: Path, index: int, entry: object, kommuner: dict[str, Kommun]) -> InboxFile:
    where = f"{MANIFEST_NAME}, files[{index}]"
    values = schema.checked(where, entry, FILE_KEYS, ("file", "source", "kommun", "period"))
    kommun = str(values["kommun"])
    if kommun not in kommuner:
        raise ManifestError(f"{where}: kommun {kommun} saknas under 'kommuner'")
    source = str(values["source"])
    path = resolve_file(inbox, str(values["file"]), where)
    survey = _survey_fields(inbox, where, values) if source in SURVEY_SOURCES else {}
    return InboxFile(
        path=path,
        source=source,
        kommun_code=kommun,
        period=values["period"],  # type: ignore[arg-type]
        columns=values.get("columns") or {},  # type: ignore[arg-type]
        encoding=values.get("encoding"),  # type: ignore[arg-type]
        delimiter=values.get("delimiter"),  # type: ignore[arg-type]
        sheet=values.get("sheet"),  # type: ignore[arg-type]
        part_of=values.get("part_of"),  # type: ignore[arg-type]
        allow_shrink=bool(values.get("allow_shrink", False)),
        manifest_entry=where,
        pattern=str(values["file"]) if is_pattern(str(values["file"])) else None,
        **survey,
    )


def is_pattern(name: str) -> bool:
    return glob.has_magic(name)


def resolve_file(inbox: Path, name: str, where: str) -> Path:
    """The inbox file a manifest entry names: the file itself, or the newest match of a pattern.

    Microsoft Forms names each download by its response count (`Utforska Lomma(1-60).xlsx`), so
    `file: "Utforska Lomma*.xlsx"` picks the latest export without editing the manifest. Exact
    names and every match pass the jail (`inbox_path`).
    """
    if not is_pattern(name) or (inbox / name).is_file():
        return inbox_path(inbox, name, where)
    _relative_name(name, where)
    matches = []
    for candidate in inbox.glob(name):
        try:
            matches.append(inbox_path(inbox, str(candidate.relative_to(inbox)), where))
        except ManifestError:
            continue  # a match that leads out of the inbox (symlink) or is no file is skipped
    if not matches:
        raise ManifestError(f"{where}: ingen fil i inkorgen matchar {name}")
    return max(matches, key=lambda p: (p.stat().st_mtime_ns, p.name))  # newest wins


def _survey_fields(inbox: Path, where: str, entry: dict) -> dict:
    """A survey export names its questionnaire (built-in id or own file) and who answered."""
    questionnaire, own = entry.get("questionnaire"), entry.get("questionnaire_file")
    if not questionnaire and not own:
        raise ManifestError(f"{where}: en enkät behöver 'questionnaire' eller 'questionnaire_file'")
    return {
        "questionnaire": str(questionnaire) if questionnaire else None,
        "questionnaire_file": inbox_path(inbox, str(own), where) if own else None,
        "respondents": str(entry.get("respondents") or "manager"),
    }


def _one_export_each(files: list[InboxFile]) -> None:
    """No file twice, no same content twice, one roster/org/support file per kommun and period."""
    seen: dict[object, InboxFile] = {}
    for entry in files:
        family = ONE_PER_PERIOD.get(entry.source)
        if entry.source in SURVEY_SOURCES:
            family = (
                f"enkät {entry.questionnaire or entry.questionnaire_file} ({entry.respondents})"
            )
        keys: list[tuple[object, str]] = [((entry.path,), "samma fil som {other}")]
        if family:
            slot = (family, entry.kommun_code, entry.period, entry.part_of)
            keys.append(
                (
                    slot,
                    f"en {family} för {entry.kommun_code} {entry.period} finns redan i {{other}}"
                    " (delar av en export anges med samma part_of)",
                )
            )
        for key, message in keys:
            other = seen.setdefault(key, entry)
            if other is not entry:
                raise ManifestError(
                    f"{entry.manifest_entry} ({entry.name}): "
                    + message.format(other=f"{other.manifest_entry} ({other.name})")
                )
    _same_content(files)


def _same_content(files: list[InboxFile]) -> None:
    """Two entries whose files hold the same bytes would be counted twice.

    Across periods the same bytes are allowed only for slowly changing files (org units,
    support functions); a roster's hours and dates change every period.
    """
    by_size: dict[int, list[InboxFile]] = {}
    for entry in files:
        by_size.setdefault(entry.path.stat().st_size, []).append(entry)
    for group in (g for g in by_size.values() if len(g) > 1):
        digests: dict[str, list[InboxFile]] = {}
        for entry in group:
            for other in digests.setdefault(sha256_of(entry.path), []):
                same_slot = (other.kommun_code, other.period) == (entry.kommun_code, entry.period)
                if same_slot or entry.source in ("hr_roster", "key_figures"):
                    raise ManifestError(
                        f"{entry.manifest_entry} ({entry.name}): samma innehåll som "
                        f"{other.manifest_entry} ({other.name}) – skulle räknas två gånger"
                    )
            digests[sha256_of(entry.path)].append(entry)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
