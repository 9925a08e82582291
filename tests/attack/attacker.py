"""Run every attack on a published file with the attacker's knowledge; a report of what it found."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.attack.cells import sick_systems, survey_systems
from tests.attack.checks import Finding, breakdown, manager_vs_rollup, participation, span_pinned
from tests.attack.knowledge import Knowledge
from tests.attack.lp import Bound, lp_attack
from tests.attack.search import Derivation, search


@dataclass
class Report:
    derivations: list[Derivation] = field(default_factory=list)
    bounds: list[Bound] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    broken_models: list[tuple] = field(default_factory=list)  # LP infeasible: attacker wrong
    reach: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)

    @property
    def disclosures(self) -> list[str]:
        return (
            [d.text() for d in self.derivations]
            + [b.text() for b in self.bounds]
            + [f.text() for f in self.findings]
        )

    def summary(self) -> dict[str, Counter]:
        """Counts per kommun: derivations, those isolating one person, LP and other findings."""
        out: dict[str, Counter] = {}
        for d in self.derivations:
            c = out.setdefault(d.system[1], Counter())
            c["derivations"] += 1
            c["derived_sets"] += 0
            c["isolating_one"] += d.value == 1
        for d in {(d.system, d.atoms) for d in self.derivations}:
            out[d[0][1]]["derived_sets"] += 1
        for b in self.bounds:
            out.setdefault(b.system[1], Counter())[f"lp_{b.target[0]}"] += 1
        for f in self.findings:
            out.setdefault(f.system[1], Counter())[f.attack] += 1
        return out


def attack(published: Path, know: Knowledge, *, max_terms: int = 4, lp: bool = True) -> Report:
    report = Report()
    t = time.perf_counter()
    surveys = survey_systems(published, know)
    sick = sick_systems(published, know)
    report.seconds["read"] = time.perf_counter() - t
    report.reach["survey_systems"] = len(surveys)
    report.reach["survey_measures"] = sum(len(s.measures) for s in surveys)
    report.reach["sick_systems"] = len(sick)
    for system in surveys + sick:
        report.reach["cells_published"] += len(system.published)
        report.reach["cells_hidden"] += len(system.hidden)
        report.reach["atoms"] += len(system.atoms)
        t = time.perf_counter()
        found, covered = search(system, max_terms)
        report.derivations += found
        report.reach["combinations_covered"] += covered
        report.seconds["search"] += time.perf_counter() - t
    t = time.perf_counter()
    for system in surveys:
        report.findings += participation(system)
        if lp:
            bounds, solves, held = lp_attack(system)
            report.bounds += bounds
            report.reach["lp_solves"] += solves
            if not held:
                report.broken_models.append(system.name)
    report.seconds["lp"] = time.perf_counter() - t
    t = time.perf_counter()
    for system in sick:
        report.findings += manager_vs_rollup(system) + breakdown(system)
        pinned, checked = span_pinned(system)
        report.findings += pinned
        report.reach["span_checks"] += checked
    report.seconds["sick"] = time.perf_counter() - t
    return report
