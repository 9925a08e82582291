"""Load the generator's data files (kommuner.yaml and the small CSV/YAML lists) into objects."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"

# Employment forms, as the generator names them internally; each kommun has its own labels.
TILLSVIDARE, VISSTID, TIMAVLONAD = "tillsvidare", "visstid", "timavlönad"
MONTHLY_FORMS = (TILLSVIDARE, VISSTID)


@dataclass(frozen=True)
class AvdelningSpec:
    name: str
    verksamhet: str
    enheter: int  # at scale 1
    name_templates: tuple[str, ...]  # empty: use the verksamhet's templates


@dataclass(frozen=True)
class ForvaltningSpec:
    name: str
    avdelningar: tuple[AvdelningSpec, ...]


@dataclass(frozen=True)
class KommunSpec:
    code: str
    name: str
    format: str  # csv_cp1252 | csv_utf8_bom | xlsx
    files: dict[str, str]  # source kind (hr_roster, org_units) -> file name
    employees: int  # distinct persons at scale 1 (a target, not exact)
    span_threshold: int
    unit_prefix: str
    serial_range: tuple[int, int]
    spans: dict[str, tuple[int, int]]  # verksamhet -> [min, max] monthly-paid per enhetschef
    form_labels: dict[str, str]  # tillsvidare/visstid/timavlönad -> label in the export
    orter: tuple[str, ...]
    forvaltningar: tuple[ForvaltningSpec, ...]

    def span_range(self, verksamhet: str) -> tuple[int, int]:
        return self.spans.get(verksamhet) or self.spans["default"]


@dataclass(frozen=True)
class Rules:
    period: dt.date
    hourly_share: dict[str, tuple[float, float]]
    women_share: dict[str, float]
    visstid_share: float
    second_employment_share: float
    admin_per_forvaltning: tuple[int, int]
    admin_per_avdelning: tuple[int, int]
    enhetschef_ansvarskod: dict[str, float]


@cache
def _kommuner_yaml() -> dict:
    return yaml.safe_load((DATA_DIR / "kommuner.yaml").read_text(encoding="utf-8"))


@cache
def load_rules() -> Rules:
    raw = _kommuner_yaml()
    emp = raw["employment"]
    return Rules(
        period=raw["period"],
        hourly_share={k: tuple(v) for k, v in raw["hourly_share"].items()},
        women_share=dict(raw["women_share"]),
        visstid_share=emp["visstid_share"],
        second_employment_share=emp["second_employment_share"],
        admin_per_forvaltning=tuple(emp["admin_per_forvaltning"]),
        admin_per_avdelning=tuple(emp["admin_per_avdelning"]),
        enhetschef_ansvarskod=dict(emp["enhetschef_ansvarskod"]),
    )


@cache
def load_kommuner() -> dict[str, KommunSpec]:
    raw = _kommuner_yaml()
    default_spans = {k: tuple(v) for k, v in raw["spans"].items()}
    return {code: _kommun(str(code), k, default_spans) for code, k in raw["kommuner"].items()}


def _kommun(code: str, k: dict, default_spans: dict) -> KommunSpec:
    spans = {name: tuple(v) for name, v in k.get("spans", default_spans).items()}
    forvaltningar = tuple(
        ForvaltningSpec(
            name=f["name"],
            avdelningar=tuple(
                AvdelningSpec(
                    a["name"], a["verksamhet"], int(a["enheter"]), tuple(a.get("namn", ()))
                )
                for a in f["avdelningar"]
            ),
        )
        for f in k["forvaltningar"]
    )
    # Names must be unique within their parent (Kävlinge's export identifies units by path), and
    # unit ids have one digit for förvaltning and avdelning and two for enhet.
    if len(forvaltningar) > 9 or len({f.name for f in forvaltningar}) != len(forvaltningar):
        raise ValueError(f"{code}: at most 9 förvaltningar, with unique names")
    for f in forvaltningar:
        names = [a.name for a in f.avdelningar]
        if len(names) > 9 or len(set(names)) != len(names):
            raise ValueError(f"{code}: at most 9 avdelningar, unique names, under {f.name}")
        if any(a.enheter > 99 for a in f.avdelningar):
            raise ValueError(f"{code}: at most 99 enheter per avdelning under {f.name}")
    return KommunSpec(
        code=code,
        name=k["name"],
        format=k["format"],
        files=dict(k["files"]),
        employees=int(k["employees"]),
        span_threshold=int(k["span_threshold"]),
        unit_prefix=k["unit_prefix"],
        serial_range=tuple(k["serial_range"]),
        spans=spans,
        form_labels=dict(k["anstallningsform"]),
        orter=tuple(k["orter"]),
        forvaltningar=forvaltningar,
    )


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def load_aid_labels() -> dict[str, str]:
    """AID code -> etikett text."""
    return {r["aid_kod"]: r["aid_etikett"] for r in _read_csv("aid_koder.csv")}


@cache
def load_job_mix() -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[float, ...]]]:
    """(verksamhet or '*', roll) -> (AID codes, weights)."""
    labels = load_aid_labels()
    mix: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for r in _read_csv("befattningsmix.csv"):
        if r["aid_kod"] not in labels:
            raise ValueError(f"befattningsmix.csv: unknown AID code {r['aid_kod']}")
        mix.setdefault((r["verksamhet"], r["roll"]), []).append((r["aid_kod"], float(r["vikt"])))
    return {key: (tuple(c for c, _ in v), tuple(w for _, w in v)) for key, v in mix.items()}


@cache
def load_names() -> dict[str, tuple[str, ...]]:
    """'kvinna' / 'man' / 'efternamn' -> names."""
    names: dict[str, list[str]] = {}
    for r in _read_csv("namn.csv"):
        names.setdefault(r["typ"], []).append(r["namn"])
    return {k: tuple(v) for k, v in names.items()}


@cache
def load_comments() -> tuple[tuple[str, ...], tuple[float, ...]]:
    rows = _read_csv("kommentarer.csv")
    return tuple(r["kommentar"] for r in rows), tuple(float(r["vikt"]) for r in rows)


@cache
def load_unit_name_vocabulary() -> dict:
    return yaml.safe_load((DATA_DIR / "enhetsnamn.yaml").read_text(encoding="utf-8"))


# Fields of an employment that an export may show as a placeholder ("-1", "Okänt", "#SAKNAS");
# required fields (personnummer, unit, form, sysselsättningsgrad) never are.
OPTIONAL_FIELDS = ("workplace", "contracted_hours", "sick_hours", "long_sick_hours")


@dataclass(frozen=True)
class SickLeaveRules:
    short_rate: float
    no_short_share: float
    short_cap: float
    long_probability: float
    long_fraction: tuple[float, float]
    verksamhet: dict[str, float]
    sex: dict[str, float]  # kvinna | man
    age: tuple[tuple[int, float], ...]  # (from age, factor), ascending
    manager: float
    hourly: float


@dataclass(frozen=True)
class Placeholder:
    values: tuple[str | int, ...]
    share: float


@dataclass(frozen=True)
class HoursRules:
    hours_per_fte_year: int
    hourly_hours: tuple[int, int]
    workplaces: dict[str, tuple[float, ...]]  # verksamhet -> weights for 1, 2, 3 workplaces
    staff_weights: tuple[float, ...]
    sick: SickLeaveRules
    placeholders: dict[str, dict[str, Placeholder]]  # kommun -> field -> placeholder


@cache
def load_hours_rules() -> HoursRules:
    raw = yaml.safe_load((DATA_DIR / "arbetstid.yaml").read_text(encoding="utf-8"))
    s = raw["sick_leave"]
    placeholders = {
        str(code): {f: Placeholder(tuple(p["values"]), float(p["share"])) for f, p in by.items()}
        for code, by in raw["placeholders"].items()
    }
    for code, fields in placeholders.items():
        if unknown := set(fields) - set(OPTIONAL_FIELDS):
            raise ValueError(f"arbetstid.yaml: {code}: placeholders in required fields {unknown}")
    return HoursRules(
        hours_per_fte_year=int(raw["hours_per_fte_year"]),
        hourly_hours=tuple(raw["hourly_hours"]),
        workplaces={k: tuple(v) for k, v in raw["workplaces"].items()},
        staff_weights=tuple(raw["staff_weights"]),
        sick=SickLeaveRules(
            short_rate=s["short_rate"],
            no_short_share=s["no_short_share"],
            short_cap=s["short_cap"],
            long_probability=s["long_probability"],
            long_fraction=tuple(s["long_fraction"]),
            verksamhet=dict(s["verksamhet"]),
            sex=dict(s["sex"]),
            age=tuple(sorted((int(a), float(f)) for a, f in s["age"].items())),
            manager=s["manager"],
            hourly=s["hourly"],
        ),
        placeholders=placeholders,
    )


@dataclass(frozen=True)
class SupportFunctionSpec:
    funktion: str  # the export's label: HR-partner, Controller, HR-konsult, Assistent, ...
    source: str  # avdelning (under the support förvaltning) the staff come from
    aid: str  # AID code preferred when picking the staff
    serves: str  # level of the units served: Förvaltning | Avdelning | Enhet
    coverage: float  # share of those units served; below 1 leaves at least one out
    share: tuple[int, int]  # [min, max] % of the person's time per served unit


@dataclass(frozen=True)
class SupportSpec:
    forvaltning: str
    functions: tuple[SupportFunctionSpec, ...]


@cache
def load_support() -> dict[str, SupportSpec]:
    """Kommun code -> who serves whom; a kommun without an entry has no support-function file."""
    raw = yaml.safe_load((DATA_DIR / "stodfunktioner.yaml").read_text(encoding="utf-8"))
    return {
        str(code): SupportSpec(
            k["forvaltning"],
            tuple(
                SupportFunctionSpec(
                    f["funktion"],
                    f["from"],
                    str(f["aid"]),
                    f["serves"],
                    float(f["coverage"]),
                    tuple(f["share"]),
                )
                for f in k["functions"]
            ),
        )
        for code, k in raw.items()
    }


@dataclass(frozen=True)
class SplitSpec:
    forvaltning: str
    avdelning: str
    new: int  # the avdelning's last `new` enheter (at scale 1) were split off the first ones
    date: dt.date  # the day the new enheter started


@dataclass(frozen=True)
class SupportAddedSpec:
    funktion: str
    unit: str  # name of the unit that got the function on `date`; before, it was not served
    date: dt.date


@dataclass(frozen=True)
class KommunHistory:
    files: dict[str, str]  # source kind -> name with YYYYMM / YYYY-MM for the period
    splits: tuple[SplitSpec, ...] = ()
    support_added: tuple[SupportAddedSpec, ...] = ()
    sick_leave: dict[dt.date, float] | None = None  # period -> sick-leave rate factor

    def files_for(self, period: dt.date) -> dict[str, str]:
        def fill(name: str) -> str:
            return name.replace("YYYYMM", f"{period:%Y%m}").replace("YYYY-MM", f"{period:%Y-%m}")

        return {kind: fill(name) for kind, name in self.files.items()}


@dataclass(frozen=True)
class History:
    periods: tuple[dt.date, ...]  # the earlier periods, ascending; the latest is Rules.period
    sick_leave_persistence: float  # share of persons whose sick leave carries over
    kommuner: dict[str, KommunHistory]


@cache
def load_history() -> History:
    """perioder.yaml: the earlier periods and what changed in each kommun up to the latest."""
    raw = yaml.safe_load((DATA_DIR / "perioder.yaml").read_text(encoding="utf-8"))
    periods = tuple(raw["periods"])
    if list(periods) != sorted(set(periods)) or periods[-1] >= load_rules().period:
        raise ValueError("perioder.yaml: periods must ascend and come before the latest period")
    kommuner = {}
    for code, k in raw["kommuner"].items():
        kommuner[str(code)] = KommunHistory(
            files=dict(k["files"]),
            splits=tuple(
                SplitSpec(s["forvaltning"], s["avdelning"], int(s["new"]), s["from"])
                for s in k.get("splits", ())
            ),
            support_added=tuple(
                SupportAddedSpec(s["funktion"], s["unit"], s["from"])
                for s in k.get("support_added", ())
            ),
            sick_leave={d: float(f) for d, f in k["sick_leave"].items()}
            if "sick_leave" in k
            else None,
        )
    return History(periods, float(raw["sick_leave_persistence"]), kommuner)


@dataclass(frozen=True)
class KommunPlans:
    files: dict[str, str]  # action_plan | follow_up -> file name
    measures: tuple[dict, ...]  # column -> value, with Indikatorer and Uppföljningar


@dataclass(frozen=True)
class ActionPlans:
    own_areas: tuple[str, ...]
    kommuner: dict[str, KommunPlans]


@cache
def load_action_plans() -> ActionPlans:
    """handlingsplaner.yaml: per kommun its action plan and follow-ups (checked in plans.py)."""
    raw = yaml.safe_load((DATA_DIR / "handlingsplaner.yaml").read_text(encoding="utf-8"))
    kommuner = {
        str(code): KommunPlans(
            dict(k["files"]),
            tuple({**k.get("defaults", {}), **m} for m in k["measures"]),
        )
        for code, k in raw["kommuner"].items()
    }
    return ActionPlans(tuple(raw.get("egna_områden", ())), kommuner)
