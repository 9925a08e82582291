"""The org tree of one demo kommun: förvaltningar -> avdelningar -> enheter, with ids and names."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from pipelines.generate.config import AvdelningSpec, KommunSpec, load_unit_name_vocabulary

FORVALTNING, AVDELNING, ENHET = "Förvaltning", "Avdelning", "Enhet"
# The förvaltning's own unit holds the head of department and the förvaltning's administrators.
FORVALTNING_VERKSAMHET = "administration"


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    level: str  # Förvaltning | Avdelning | Enhet
    parent_id: str | None
    verksamhet: str


def kept_count(n_at_scale_1: int, scale: float) -> int:
    """Enheter per avdelning shrink with scale, but an avdelning keeps at least one."""
    return max(1, round(n_at_scale_1 * scale))


def build_org(spec: KommunSpec, rng: random.Random, scale: float) -> list[Unit]:
    """All units, depth first. Ids are `<prefix><förvaltning><avdelning><enhet:02>`, e.g. B1203.

    Förvaltningar always stay; below scale 0.25 avdelningar are dropped too (keeping the first
    ones in kommuner.yaml), so a tiny demo kommun stays a three-level tree of a few units.
    """
    units: list[Unit] = []
    avd_factor = min(1.0, 4 * scale)
    for f_no, forv in enumerate(spec.forvaltningar, start=1):
        f_id = f"{spec.unit_prefix}{f_no}000"
        units.append(Unit(f_id, forv.name, FORVALTNING, None, FORVALTNING_VERKSAMHET))
        kept = forv.avdelningar[: kept_count(len(forv.avdelningar), avd_factor)]
        for a_no, avd in enumerate(kept, start=1):
            a_id = f"{spec.unit_prefix}{f_no}{a_no}00"
            units.append(Unit(a_id, avd.name, AVDELNING, f_id, avd.verksamhet))
            names = enhet_names(avd, spec.orter, kept_count(avd.enheter, scale), rng)
            for e_no, name in enumerate(names, start=1):
                units.append(Unit(f"{a_id[:-2]}{e_no:02d}", name, ENHET, a_id, avd.verksamhet))
    return units


def enhet_names(
    avd: AvdelningSpec, orter: tuple[str, ...], n: int, rng: random.Random
) -> list[str]:
    """`n` names, unique within the avdelning, from its templates filled with places and words."""
    vocab = load_unit_name_vocabulary()
    templates = avd.name_templates or tuple(vocab["verksamhet"][avd.verksamhet])
    fillers = {
        "ort": list(orter),
        "väderstreck": vocab["väderstreck"],
        "blomma": vocab["blomma"],
        "program": vocab["program"],
    }
    candidates: list[str] = []
    for template in templates:
        keys = [k for k in fillers if "{" + k + "}" in template]
        for combo in itertools.product(*(fillers[k] for k in keys)):
            name = template.format(**dict(zip(keys, combo, strict=True)))
            if name not in candidates:
                candidates.append(name)
    rng.shuffle(candidates)
    names = candidates[:n]
    # More enheter than distinct names: number the extra ones ("Barn och unga 2").
    for i in range(len(names), n):
        names.append(f"{candidates[i % len(candidates)]} {i // len(candidates) + 1}")
    return names
