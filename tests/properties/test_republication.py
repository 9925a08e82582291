"""Republication property: a survey published again and again as answers arrive, with every
publication in the attacker's hands, never isolates a respondent.

Each publication is the warehouse's own protection (`protect_surveys`, the store remembering
earlier publications) of the first n respondents of a random world. The attacker here is
independent of the module: a group published fresh at publication p is the indicator vector of
its members among the first n_p respondents; a group held back repeats an earlier publication and
adds nothing. No single respondent, and no group of the newest arrivals under k, may lie in the
span of all those vectors.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.properties.survey_world import World, survey_connection
from tests.properties.test_anonymity import worlds
from warehouse.disclosure.surveys import protect_surveys

MEASURE = "construct:c"


def publish(
    world: World, arrivals: list[int], store: Path, remember: bool = True
) -> list[tuple[int, dict[str, str]]]:
    """(respondents so far, cell -> suppression reason or '' when fresh) per publication; a
    store that does not `remember` starts empty each time (what round 1 did)."""
    out = []
    for n in arrivals:
        if not remember:
            store.unlink(missing_ok=True)
            duckdb.connect(str(store)).close()
        part = dataclasses.replace(world, units=world.units[:n], groups=world.groups[:n])
        con = survey_connection(part)
        try:
            con.execute(f"ATTACH '{store}' AS store")
            protect_surveys(con)
            rows = con.execute(
                "SELECT cell_id, coalesce(suppression, '') FROM int_survey_suppression "
                "WHERE measure_id = ?",
                [MEASURE],
            ).fetchall()
        finally:
            con.close()
        out.append((n, dict(rows)))
    return out


def in_span(vectors: list[np.ndarray], target: np.ndarray) -> bool:
    if not vectors:
        return False
    matrix = np.array(vectors)
    return bool(np.allclose(target @ (np.linalg.pinv(matrix) @ matrix), target, atol=1e-8))


def isolated(world: World, arrivals: list[int], store: Path, remember: bool = True) -> list[str]:
    """What the attacker isolates from every publication together (see the module docstring)."""
    total, members, vectors = len(world.units), world.members(), []
    for n, shown in publish(world, arrivals, store, remember):
        for cell, reason in shown.items():
            if reason == "":
                vector = np.array([1.0 if r in members.get(cell, ()) and r < n else 0.0
                                   for r in range(total)])  # fmt: skip
                assert vector.sum() >= world.k, (n, cell)
                vectors.append(vector)
    found = []
    for r in range(total):
        single = np.zeros(total)
        single[r] = 1.0
        if in_span(vectors, single):
            found.append(f"respondent {r}")
    for a, b in zip(arrivals, arrivals[1:], strict=False):
        newest = np.array([1.0 if a <= r < b else 0.0 for r in range(total)])
        if 0 < newest.sum() < world.k and in_span(vectors, newest):
            found.append(f"arrivals {a}..{b - 1}")
    return found


def test_without_memory_the_late_arrival_is_isolated_and_with_it_not(tmp_path: Path) -> None:
    # four respondents in no unit, one more, then two in U0: kommun(7) - kommun(4) - U0(7) is
    # the fifth respondent unless the warehouse remembers what it published before
    world = World(parents=(None, 0), units=(None,) * 5 + (0, 0), groups=(None,) * 7, k=2)
    store = tmp_path / "store.duckdb"
    assert "respondent 4" in isolated(world, [4, 5, 7], store, remember=False)
    store.unlink()
    duckdb.connect(str(store)).close()
    assert isolated(world, [4, 5, 7], store) == []


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(world=worlds(), sizes=st.lists(st.integers(1, 18), min_size=2, max_size=4, unique=True))
def test_no_publication_sequence_isolates_a_respondent(
    world: World, sizes: list[int], tmp_path_factory
) -> None:
    arrivals = sorted({min(s, len(world.units)) for s in sizes})
    store = tmp_path_factory.mktemp("republication") / "store.duckdb"
    duckdb.connect(str(store)).close()
    assert isolated(world, arrivals, store) == []
