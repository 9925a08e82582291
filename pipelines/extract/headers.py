"""Map an export's own headers to canonical field names through the alias table (a data file).

Headers and aliases are compared folded (case, accents and punctuation ignored), so `Förv.`,
`forv` and `FÖRV` are one header. An alias may name several fields (`AID-etikett` holds a code
in some systems and a text in others): the values decide. When two headers compete for one
field, the one whose values fit the field's rule wins and the other is set aside with a warning.
"""

from __future__ import annotations

import csv
import fnmatch
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

ALIASES_FILE = Path(__file__).with_name("header_aliases.csv")
NAME_FIELDS = frozenset({"first_name", "last_name", "full_name"})
# Below this share of values fitting a field's rule, a header that could mean something else
# is not taken for that field.
MIN_FIT = 0.5


def normalise_header(header: str) -> str:
    """Folded form: no accents, case or punctuation, single spaces (`Förv.` -> `forv`)."""
    text = unicodedata.normalize("NFKD", str(header).strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


@cache
def _aliases(source: str) -> dict[str, tuple[str, ...]]:
    """Folded alias -> the fields it may mean, in table order. `source` may be a glob."""
    with open(ALIASES_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    aliases: dict[str, tuple[str, ...]] = {}
    for r in rows:
        if r["source"] == "" or fnmatch.fnmatchcase(source, r["source"]):
            key = normalise_header(r["alias"])
            if r["field"] not in aliases.get(key, ()):
                aliases[key] = (*aliases.get(key, ()), r["field"])
    return aliases


@dataclass
class HeaderMatch:
    """Which header fills which field, and which competing headers were set aside (and why)."""

    mapping: dict[str, str] = field(default_factory=dict)  # header -> field
    set_aside: dict[str, str] = field(default_factory=dict)  # header -> reason, in Swedish


def map_headers(headers: list[str], source: str, overrides: dict[str, str]) -> dict[str, str]:
    """Export header -> canonical field, for the headers we recognise (no values consulted)."""
    return match_headers(headers, source, overrides).mapping


def match_headers(
    headers: list[str],
    source: str,
    overrides: dict[str, str],
    values: pd.DataFrame | None = None,
) -> HeaderMatch:
    """Resolve headers to fields; the manifest's explicit mapping (overrides) wins over aliases."""
    aliases = _aliases(source)
    wanted = {normalise_header(k): v for k, v in overrides.items()}
    candidates: dict[str, tuple[str, ...]] = {}
    forced: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)
        if key in wanted:
            forced[header] = wanted[key]
        elif key in aliases:
            candidates[header] = aliases[key]
    match = HeaderMatch(dict(forced))
    taken = set(forced.values())
    for header in [h for h in candidates if candidates[h][0] in taken]:
        # a field the manifest maps explicitly: aliased headers for it are set aside
        if len(candidates[header]) == 1:
            owner = next(h for h, f in forced.items() if f == candidates[header][0])
            match.set_aside[header] = _reason(candidates[header][0], owner, "manifestet", header)
    fields = _field_order(candidates)
    for name in fields:
        if name in taken:
            continue
        contenders = [h for h, fs in candidates.items() if name in fs and h not in match.mapping]
        contenders = [h for h in contenders if h not in match.set_aside]
        ranked = (  # a lone contender needs no ranking, so its values are not parsed for it
            contenders
            if len(contenders) < 2
            else sorted(
                contenders,
                key=lambda h: (-_fit(values, h, name), len(candidates[h]) > 1, headers.index(h)),
            )
        )
        usable = [h for h in ranked if len(candidates[h]) == 1 or _fit(values, h, name) >= MIN_FIT]
        if not usable:
            continue
        winner = usable[0]
        match.mapping[winner] = name
        taken.add(name)
        for loser in usable[1:]:
            if all(f in taken for f in candidates[loser]):
                why = _why(values, winner, loser, name, candidates)
                match.set_aside[loser] = _reason(name, winner, why, loser)
    for header, fields in candidates.items():  # never drop a recognised header silently
        if header not in match.mapping and header not in match.set_aside:
            name = next((f for f in fields if f in taken), fields[0])
            owner = next((h for h, f in match.mapping.items() if f == name), None)
            match.set_aside[header] = (
                _reason(name, owner, "dess värden följer regeln bättre", header)
                if owner
                else f'värdena i "{header}" passar inte {name}: kolumnen lades åt sidan'
            )
    return match


def _why(
    values: pd.DataFrame | None,
    winner: str,
    loser: str,
    name: str,
    candidates: dict[str, tuple[str, ...]],
) -> str:
    if _fit(values, winner, name) > _fit(values, loser, name):
        return "dess värden följer regeln"
    if len(candidates[winner]) < len(candidates[loser]):
        return "rubriken kan bara betyda det"
    return "den står först"


def _reason(field_name: str, winner: str, why: str, loser: str) -> str:
    return f'två kolumner för {field_name}: "{winner}" används ({why}), "{loser}" lades åt sidan'


def _field_order(candidates: dict[str, tuple[str, ...]]) -> list[str]:
    """Fields with a value rule are resolved first, so a text field never takes a code column."""
    seen: list[str] = []
    for fields in candidates.values():
        seen += [f for f in fields if f not in seen]
    return sorted(seen, key=lambda f: 0 if has_rule(f) else 1)


def _fit(values: pd.DataFrame | None, header: str, field_name: str) -> float:
    if values is None or header not in values.columns:
        return 1.0
    return fit_share(values[header], field_name)


@cache
def _declared_fields() -> dict[str, object]:
    from schemas.tables import HISTORY_TABLES, KEY_FIGURES

    found: dict[str, object] = {}
    for table in (*HISTORY_TABLES.values(), KEY_FIGURES):
        for f in table.fields:
            found.setdefault(f.name, f)
    return found


def has_rule(field_name: str) -> bool:
    f = _declared_fields().get(field_name)
    return f is not None and (
        f.kind not in ("text", "code") or bool(f.pattern or f.allowed or f.codes)
    )


def fit_share(values: pd.Series, field_name: str) -> float:
    """Share of the column's non-empty values that the field's declaration accepts (0 if empty).

    Each distinct value is parsed once and weighted by how often it occurs.
    """
    from pipelines.normalise import blank_to_na, parse_field

    declared = _declared_fields().get(field_name)
    counts = values.astype("string").value_counts(dropna=False)
    distinct = pd.Series(counts.index, dtype="string")
    weights = counts.to_numpy()
    present = blank_to_na(distinct).notna()
    if not present.any():
        return 0.0
    if declared is None:
        return 1.0
    parsed = parse_field(distinct, declared)
    ok = parsed.notna() & present
    if declared.pattern:
        ok &= parsed.astype("string").str.match(declared.pattern).fillna(False).astype(bool)
    if declared.allowed:
        ok &= parsed.isin(list(declared.allowed)).fillna(False).astype(bool)
    if declared.min_value is not None:
        ok &= (parsed >= declared.min_value).fillna(False).astype(bool)
    if declared.max_value is not None:
        ok &= (parsed <= declared.max_value).fillna(False).astype(bool)
    ok_mask = ok.to_numpy(dtype=bool)
    return float(weights[ok_mask].sum() / weights[present.to_numpy(dtype=bool)].sum())
