"""Every Swedish kommun as a generated kommun: real codes and names, plausible sizes, each shaped
like one of the three demo kommuner (its org, export format, surveys), under file names of its own."""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from pipelines.generate.config import KommunSpec, load_kommuner
from schemas.codes import CODES_DIR

# Employments per kommun (one period) for the largest kommuner, roughly as SKR's personnel
# statistics have them; the rest are drawn below. Sweden's kommuner employ ~850 000 in all.
LARGEST = {
    "0180": 50_000,  # Stockholm
    "1480": 36_000,  # Göteborg
    "1280": 25_000,  # Malmö
    "0380": 15_000,  # Uppsala
    "0580": 11_500,  # Linköping
    "1880": 11_000,  # Örebro
    "1980": 11_000,  # Västerås
    "1283": 10_500,  # Helsingborg
    "0581": 10_000,  # Norrköping
    "0680": 10_000,  # Jönköping
    "2480": 9_000,  # Umeå
    "1281": 9_000,  # Lund
}
SMALLEST, LARGEST_DRAWN = 500, 8_000
# The rest: log-normal around a median kommun of ~1 900 employments (~15 000 inhabitants).
MEDIAN, SIGMA = 1_900, 0.8
TEMPLATES = ("1231", "1261", "1262")  # Burlöv (CSV cp1252), Kävlinge (CSV UTF-8), Lomma (XLSX)


@dataclass(frozen=True)
class Profile:
    """One kommun to generate: its spec, the demo kommun it is shaped like, its relative scale."""

    spec: KommunSpec
    template: str  # code of the demo kommun whose org, history, support and surveys it reuses
    scale: float  # multiplies the generator's scale: target employments / template's size

    def rename(self, file: str) -> str:
        """The template's file name, made this kommun's own (the demo kommuner keep theirs)."""
        if self.spec.code == self.template:
            return file
        return f"{self.spec.code}_{_renamed(file, load_kommuner()[self.template], self.spec)}"


@cache
def all_kommuner() -> dict[str, str]:
    """Kommun code -> name, from schemas/codes/kommuner.csv (the 290 kommuner, SCB codes)."""
    with open(CODES_DIR / "kommuner.csv", encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def employments(code: str) -> int:
    """Target employments of the kommun in one period; depends only on its code."""
    if code in LARGEST:
        return LARGEST[code]
    rng = random.Random(f"chefskartan-national:{code}")
    drawn = MEDIAN * math.exp(rng.gauss(0.0, SIGMA))
    return int(min(LARGEST_DRAWN, max(SMALLEST, round(drawn, -1))))


def pick(count: int) -> list[str]:
    """`count` kommun codes spread evenly over the list (all of them at 290)."""
    codes = list(all_kommuner())
    if not 1 <= count <= len(codes):
        raise ValueError(f"--kommuner must be 1..{len(codes)}, got {count}")
    return sorted({codes[i * len(codes) // count] for i in range(count)})


def profile(code: str, max_employments: int | None = None) -> Profile:
    """The kommun's generator profile; the demo kommuner are their own template."""
    names = all_kommuner()
    if code not in names:
        raise ValueError(f"unknown kommun code {code!r}")
    template = code if code in TEMPLATES else TEMPLATES[int(code) % len(TEMPLATES)]
    base = load_kommuner()[template]
    target = employments(code)
    if max_employments is not None:
        target = min(target, max_employments)
    spec = replace(base, code=code, name=names[code])
    prof = Profile(spec, template, target / base.employees)
    return replace(
        prof, spec=replace(spec, files={k: prof.rename(v) for k, v in base.files.items()})
    )


def demo_profile(code: str) -> Profile:
    """A demo kommun as kommuner.yaml has it, at its own size."""
    specs = load_kommuner()
    if code not in specs:
        raise ValueError(f"unknown kommun {code!r}; known: {', '.join(specs)}")
    return Profile(specs[code], code, 1.0)


def ascii_name(name: str) -> str:
    """Åtvidaberg -> Atvidaberg: the way kommuner spell themselves in file names."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def _renamed(file: str, template: KommunSpec, spec: KommunSpec) -> str:
    pairs = (
        (template.name, spec.name),
        (ascii_name(template.name), ascii_name(spec.name)),
        (ascii_name(template.name).lower(), ascii_name(spec.name).lower()),
        (template.code, spec.code),
    )
    for old, new in pairs:
        file = file.replace(old, new)
    return file
