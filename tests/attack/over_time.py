"""Attack (d): several publications of the same survey, held side by side.

The attacker keeps every file a refresh published (the room's survey is republished as answers
arrive) and knows answers only accumulate. Each respondent first appears in some publication, so
the attacker's unknowns are the survey's atoms (unit x manager group) split by *epoch*: the
respondents who first appear in publication 1, 2, ... A group's count in publication p is its
atoms over epochs 1..p. A row the file marks as held back (`is_held_back`: figures as at an
earlier publication, as docs/disclosure.md says) repeats an earlier equation and is skipped.
Every published count of every publication is then one equation over the epoch atoms, and the
same searches as for one file run on them: combinations of up to four counts (search.py) and the
LP bounds of every hidden count and every epoch atom (lp.py). Anything narrowed to 1..k-1 people
(e.g. "publication 2's kommun minus publication 1's" = the newest respondent) is a disclosure.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from tests.attack.cells import SURVEY_CELLS, System, _cell_id, _query, survey_atoms, survey_members
from tests.attack.knowledge import Knowledge
from tests.attack.lp import Bound, lp_attack
from tests.attack.search import Derivation, search

HELD = (
    "SELECT kommun_code, period_date, survey_id, respondent_role, scope_type, scope_id "
    "FROM mart_survey_responses WHERE is_held_back"
)


def _read(db: Path) -> tuple[dict[tuple, dict], set[tuple]]:
    """Per population (kommun, period, survey, role, measure): cell -> count or None (hidden);
    and the (kommun, period, survey, role, cell) rows held back."""
    rows: dict[tuple, dict] = defaultdict(dict)
    for kommun, period, survey, role, measure, st, sid, n, _, _ in _query(db, SURVEY_CELLS):
        cell = _cell_id(st, sid)
        if n is not None or cell not in rows[(kommun, period, survey, role, measure)]:
            rows[(kommun, period, survey, role, measure)][cell] = None if n is None else float(n)
    held = {(*key[:4], _cell_id(*key[4:])) for key in _query(db, HELD)}
    return rows, held


def systems_over_time(files: list[Path], know: Knowledge) -> list[System]:
    """One System per survey population and measure, over every publication in `files` (oldest
    first)."""
    k_of = dict(_query(files[-1], "SELECT kommun_code, anonymity_k FROM mart_kommun"))
    readings = [_read(db) for db in files]
    epochs = len(files)
    out: dict[tuple, System] = {}
    for population in sorted({p for rows, _ in readings for p in rows}, key=str):
        kommun, period, survey, role, measure = population
        atoms, ub = survey_atoms(know.org(kommun, period), role)
        members = survey_members(know.org(kommun, period), kommun, atoms)
        epoch_atoms = [(*a, e) for a in atoms for e in range(epochs)]
        in_epoch = np.array([e for _ in atoms for e in range(epochs)])
        system = System(
            name=("survey-over-time", kommun, str(period), survey, role, measure),
            k=int(k_of[kommun]),
            atoms=epoch_atoms,
            ub=np.repeat(ub, epochs),
            members={},
        )
        for p, (rows, held) in enumerate(readings):
            for cell, n in rows.get(population, {}).items():
                if (kommun, period, survey, role, cell) in held:
                    continue  # an earlier publication's figures again: nothing new
                mask = members.get(cell, np.zeros(len(atoms), bool))
                system.members[(*cell, p)] = np.repeat(mask, epochs) & (in_epoch <= p)
                if n is not None:
                    system.published[(*cell, p)] = n
        signature = (
            population[:4],
            tuple(sorted(system.published.items(), key=str)),
            tuple(sorted(system.members, key=str)),
        )
        out.setdefault(signature, system)  # items answered by the same people: one system
    return list(out.values())


def attack_over_time(
    files: list[Path], know: Knowledge
) -> tuple[list[Derivation], list[Bound], list[tuple]]:
    """(derivations, LP bounds, systems whose model failed) over all publications in `files`."""
    derivations, bounds, broken = [], [], []
    for system in systems_over_time(files, know):
        found, _ = search(system, 4, exhaustive=False)
        derivations += found
        pinned, _, held = lp_attack(system, exhaustive=False)
        bounds += pinned
        if not held:
            broken.append(system.name)
    return derivations, bounds, broken
