"""Cheap proofs that the interval audit finds nothing: feasible points moved within blocks.

The attacker's LP (audit.py) only sees published cells, and a published cell holds either all
or none of the atoms of a *block* (atoms no published cell tells apart). So from any point the
attacker cannot rule out (the true counts, or an LP solution), moving people between atoms of
the same block gives another such point, as long as every atom stays within its bounds and no
bounded row (a hidden cell's or an `extra_bounds` row from the managers list) is exceeded. A
sensitive object is then proven harmless, with no LP, when in every block it touches the rest
of the block has room for all of the block's people (its minimum is 0), or when filling its
atoms first puts k or more people in it (its maximum reaches k). This only ever proves "no
violation"; when it cannot, the audit's LPs decide as before.
"""

from __future__ import annotations

import numpy as np

from warehouse.disclosure.linked import LinkedTable

TOL = 1e-6


class BlockProof:
    """For a table, its published cells and sensitive objects: which objects a point proves."""

    def __init__(
        self, table: LinkedTable, blocks: np.ndarray, sizes: np.ndarray, flat: np.ndarray, k: int
    ) -> None:
        """Objects as `flat_sets` gives them: object j's atoms are the next sizes[j] of flat."""
        self.block, self.n_blocks = blocks, int(blocks.max()) + 1
        self.k, self.n_objects = k, len(sizes)
        upper = table.upper()
        unbounded = np.isinf(upper)
        finite = np.where(unbounded, 0.0, upper)
        room = np.bincount(blocks, finite, self.n_blocks)
        open_ended = np.bincount(blocks, unbounded, self.n_blocks)
        pair, where = np.unique(
            np.repeat(np.arange(len(sizes)), sizes) * self.n_blocks + blocks[flat],
            return_inverse=True,
        )
        self.pair_block, self.pair_object = pair % self.n_blocks, pair // self.n_blocks
        inside = np.bincount(where, finite[flat], len(pair))  # the object's room in the block
        inside_open = np.bincount(where, unbounded[flat], len(pair)) > 0
        self.inside = np.where(inside_open, np.inf, inside)
        self.outside = np.where(  # the room of the block's other atoms
            open_ended[self.pair_block] - np.bincount(where, unbounded[flat], len(pair)) > 0,
            np.inf,
            room[self.pair_block] - inside,
        )

    def proves(self, point: np.ndarray) -> np.ndarray:
        """Per object, whether `point` (feasible for the attacker) proves its interval admits 0
        (every block's people fit outside it) or reaches k (filling it first holds k or more)."""
        people = np.bincount(self.block, point, self.n_blocks)[self.pair_block]
        fits = self.outside >= people - TOL
        zero = np.bincount(self.pair_object, ~fits, self.n_objects) == 0
        filled = np.bincount(self.pair_object, np.minimum(people, self.inside), self.n_objects)
        return zero | (filled >= self.k - TOL)


def block_proof(
    table: LinkedTable, published: list[str], sizes: np.ndarray, flat: np.ndarray, k: int
) -> BlockProof | None:
    """A BlockProof, or None where moving within blocks could break a bounded row or the true
    counts are not a point the attacker allows (then only the LPs can tell)."""
    if table.binding_bounds() & set(table.cells).difference(published):
        return None  # a hidden cell's bound is tighter than its atoms' bounds
    if any(not _loose(table, atoms, b) for atoms, b in table.extra_bounds):
        return None
    if (table.atom_counts > table.upper()).any():
        return None
    blocks = _block_ids(table, published)
    return None if blocks is None else BlockProof(table, blocks, sizes, flat, k)


def _loose(table: LinkedTable, atoms: frozenset[int], bound: int) -> bool:
    """Whether the atoms' own bounds already keep their sum within `bound`."""
    return bool(table.upper()[list(atoms)].sum() <= bound)


def _block_ids(table: LinkedTable, published: list[str]) -> np.ndarray | None:
    """Each atom's block: atoms in the same published cells share one (an atom in none is in
    the block of such atoms). Signatures are hashed, then checked exactly: None on a collision."""
    n = len(table.atoms)
    sizes, flat = table.matrix().rows(published)
    owner = np.repeat(np.arange(len(published)), sizes)
    salt = np.random.default_rng(0).integers(1, 2**62, size=(len(published), 2), dtype=np.int64)
    signature = np.zeros((n, 2), dtype=np.int64)
    if len(flat):  # each atom's salts summed in one run (wraps around on overflow: still a hash)
        by_atom = np.argsort(flat, kind="stable")
        atoms = flat[by_atom]
        starts = np.flatnonzero(np.r_[True, atoms[1:] != atoms[:-1]])
        signature[atoms[starts]] = np.add.reduceat(salt[owner[by_atom]], starts, axis=0)
    order = np.lexsort((signature[:, 1], signature[:, 0]))
    ordered = signature[order]
    new = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    blocks = np.empty(n, dtype=np.int64)
    blocks[order] = np.cumsum(new) - 1
    # exact check: every published cell holds all or none of each block it touches
    n_blocks = int(blocks[order[-1]]) + 1 if n else 0
    pairs, counts = np.unique(owner * n_blocks + blocks[flat], return_counts=True)
    block_size = np.bincount(blocks, minlength=n_blocks)
    return blocks if (counts == block_size[pairs % n_blocks]).all() else None
