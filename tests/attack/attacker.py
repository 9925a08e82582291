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
    per_measure: dict[str, Counter] = field(default_factory=dict)

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
            c[f"{d.system[0]}_derivations"] += 1
            c[f"{d.system[0]}_isolating_one"] += d.value == 1
        for system, _ in {(d.system, d.atoms) for d in self.derivations}:
            out[system[1]][f"{system[0]}_derived_sets"] += 1
        for b in self.bounds:
            out.setdefault(b.system[1], Counter())[f"lp_{b.target[0]}"] += 1
        for f in self.findings:
            out.setdefault(f.system[1], Counter())[f.attack] += 1
        for kommun, counts in self.per_measure.items():
            if any(counts.values()):
                out.setdefault(kommun, Counter()).update(counts)
        return out


def attack(
    published: Path,
    know: Knowledge,
    *,
    max_terms: int = 4,
    lp: bool = True,
    exhaustive: bool = True,
) -> Report:
    """Every attack on every system of the file. Not exhaustive: each system's search and LP stop
    at their first disclosure (enough for a test that asserts there is none; much faster when
    there are many)."""
    report = Report()
    t = time.process_time()
    surveys = survey_systems(published, know)
    sick = sick_systems(published, know)
    report.seconds["read"] = time.process_time() - t
    report.reach["survey_systems"] = len(surveys)
    report.reach["survey_measures"] = sum(len(s.measures) for s in surveys)
    report.reach["sick_systems"] = len(sick)
    for system in surveys + sick:
        report.reach["cells_published"] += len(system.published)
        report.reach["cells_hidden"] += len(system.hidden)
        report.reach["atoms"] += len(system.atoms)
        t = time.process_time()
        found, covered = search(system, max_terms, exhaustive)
        report.derivations += found
        if system.name[0] == "survey":  # the same cells repeat for every item of a pattern
            per = report.per_measure.setdefault(system.name[1], Counter())
            per["survey_derivations_x_measures"] += len(found) * len(system.measures)
            per["survey_isolating_one_x_measures"] += sum(d.value == 1 for d in found) * len(
                system.measures
            )
        report.reach["combinations_covered"] += covered
        report.seconds["search"] += time.process_time() - t
    t = time.process_time()
    for system in surveys:
        report.findings += participation(system)
        if lp:
            bounds, solves, held = lp_attack(system, exhaustive)
            report.bounds += bounds
            report.reach["lp_solves"] += solves
            if not held:
                report.broken_models.append(system.name)
    report.seconds["lp"] = time.process_time() - t
    t = time.process_time()
    for system in sick:
        if system.mismatches:
            report.broken_models.append((*system.name, f"{len(system.mismatches)} head counts"))
        report.findings += manager_vs_rollup(system) + breakdown(system)
        pinned, checked = span_pinned(system)
        report.findings += pinned
        report.reach["span_checks"] += checked
    report.seconds["sick"] = time.process_time() - t
    return report
