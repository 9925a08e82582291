"""The interval audit's cheap proof (warehouse/disclosure/certify.py) only ever proves what the
attacker's LPs would find: on random linked tables (nested and overlapping cells, bounds from a
managers list, some cells hidden) an audit it settles is one the LPs find nothing in, and the
audit's answer is exactly the LPs' answer on a fresh model, violations and the cells they name."""

from __future__ import annotations

import numpy as np

from warehouse.disclosure import audit
from warehouse.disclosure.linked import LinkedTable


def random_table(rng: np.random.Generator) -> tuple[LinkedTable, set[str], int]:
    n_atoms = int(rng.integers(3, 30))
    counts = rng.integers(0, 7, n_atoms)
    spare = rng.integers(0, 3, n_atoms)
    bounds = [
        None if rng.random() < 0.2 else int(c + s) for c, s in zip(counts, spare, strict=True)
    ]
    cells = {"root": frozenset(range(n_atoms))}
    for i in range(int(rng.integers(2, 20))):
        members = rng.choice(n_atoms, int(rng.integers(1, n_atoms + 1)), replace=False)
        cells[f"cell:{i}"] = frozenset(members.tolist())
    cell_bounds = {}
    for c, atoms in cells.items():
        room = [bounds[a] for a in atoms]
        if None not in room and rng.random() < 0.7:  # some tighter than their atoms' bounds
            total = int(counts[list(atoms)].sum())
            cell_bounds[c] = int(rng.integers(total, sum(room) + 1))
    table = LinkedTable(
        [f"a{i}" for i in range(n_atoms)], counts, cells, frozenset(["root"]), bounds, cell_bounds
    )
    k = int(rng.integers(3, 6))
    hidden = {c for c in cells if table.count(c) < k or rng.random() < 0.4}
    return table, hidden, k


def lp_answer(table: LinkedTable, hidden: set[str], k: int) -> tuple[bool, list]:
    """Whether the proof settled the audit, and what the LPs alone find on a fresh model."""
    proved = []
    certified = audit.certified

    def spy(*args):
        proved.append(certified(*args))
        return proved[-1]

    audit.certified = spy
    try:
        audit.interval_violations(table, hidden, k)
    finally:
        audit.certified = certified
    audit.certified = lambda *args: False  # the LPs alone, as before the proof existed
    try:
        alone = audit.interval_violations(table, hidden, k)
    finally:
        audit.certified = certified
    return bool(proved and proved[0]), alone


def test_the_proof_only_settles_audits_the_lps_find_nothing_in() -> None:
    rng = np.random.default_rng(16)
    outcomes = {"proved": 0, "violations": 0, "lps_found_nothing": 0}
    for _ in range(150):
        table, hidden, k = random_table(rng)
        proved, alone = lp_answer(table, hidden, k)
        assert audit.interval_violations(table, hidden, k) == alone
        if proved:
            assert alone == []
            outcomes["proved"] += 1
        elif alone:
            outcomes["violations"] += 1
        else:
            outcomes["lps_found_nothing"] += 1
    assert all(n > 10 for n in outcomes.values()), outcomes  # every path was exercised


def test_blocks_are_those_of_the_atoms_signatures() -> None:
    """certify._block_ids sums each atom's salts in one run per atom; the blocks are exactly
    those of summing them cell by cell (np.add.at, as before), on random tables."""
    from warehouse.disclosure.certify import _block_ids

    rng = np.random.default_rng(7)
    compared = 0
    for _ in range(100):
        table, hidden, _k = random_table(rng)
        published = [c for c in table.cells if c not in hidden]
        sizes, flat = table.matrix().rows(published)
        owner = np.repeat(np.arange(len(published)), sizes)
        salt = np.random.default_rng(0).integers(1, 2**62, size=(len(published), 2))
        signature = np.zeros((len(table.atoms), 2), dtype=np.int64)
        np.add.at(signature[:, 0], flat, salt[owner, 0])
        np.add.at(signature[:, 1], flat, salt[owner, 1])
        _, expected = np.unique(signature, axis=0, return_inverse=True)
        blocks = _block_ids(table, published)
        if blocks is None:
            continue
        # the same partition of atoms (block numbers may differ only by their order)
        pairs = set(zip(blocks.tolist(), expected.ravel().tolist(), strict=True))
        assert len(pairs) == len(set(blocks.tolist())) == len(set(expected.ravel().tolist()))
        compared += 1
    assert compared > 50
