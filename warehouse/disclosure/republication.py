"""One survey table with its earlier publications as linked tables over batches of answers.

Atoms are the survey's unit x manager-group atoms split by *segment*: a run of batches that no
published snapshot splits (releases.py). A current cell is its atoms over every segment; an
earlier shown figure (cell at snapshot b) is its atoms over the segments up to b, published for
good (`LinkedTable.fixed`). The attacker's upper bounds stay what the managers list gives: each
unit x group's managers bound every segment and, as an extra row, their sum.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from warehouse.disclosure.linked import LinkedTable

EARLIER = "earlier:"


@dataclass
class History:
    """What earlier publications of one survey table showed, and the batch now published."""

    shown: dict[str, dict[str, set[int]]] = field(default_factory=dict)  # measure -> cell -> snaps
    last_batch: int = 0  # the newest batch an earlier publication included (0: never published)
    new_responses: int = 0  # responses no earlier publication included

    @property
    def now(self) -> int:
        """The batch this publication's figures end at."""
        return self.last_batch + 1 if self.new_responses or not self.last_batch else self.last_batch

    def digest(self) -> str:
        """What protection reads from the history, for the result cache's fingerprint. Figures
        at the snapshot now published are left out: a result computed before they were recorded
        is the very publication that recorded them, so it stays valid after."""
        items = sorted(
            (m, c, tuple(sorted(s for s in snaps if s < self.now)))
            for m, cells in self.shown.items()
            for c, snaps in cells.items()
            if min(snaps) < self.now
        )
        return hashlib.sha256(repr((items, self.now)).encode()).hexdigest()

    def latest(self, measure: str, cell: str) -> int | None:
        """The newest snapshot `cell` was shown at for `measure`, if any."""
        snaps = self.shown.get(measure, {}).get(cell)
        return max(snaps) if snaps else None


class LayeredSurvey:
    """Builds the per-measure linked tables of one survey table published before."""

    def __init__(
        self,
        keys: list[tuple],
        cell_atoms: dict[str, frozenset[int]],
        atom_bounds: list[int | None],
        cell_bounds: dict[str, int | None],
        layers: dict[str, list],
        history: History,
    ) -> None:
        self.history, self.now = history, history.now
        snapshots = {
            s for cells in history.shown.values() for snaps in cells.values() for s in snaps
        }
        self.ends = sorted({s for s in snapshots if s < self.now} | {self.now})
        n_seg = self.n_seg = len(self.ends)
        self.names = [f"{u}|{g}@{self.ends[s]}" for u, g in keys for s in range(n_seg)]
        self.cells = {c: frozenset(a * n_seg + s for a in atoms for s in range(n_seg))
                      for c, atoms in cell_atoms.items()}  # fmt: skip
        self.cell_atoms = cell_atoms
        self.atom_bounds = [b for b in atom_bounds for _ in range(n_seg)]
        self.cell_bounds = cell_bounds
        self.extra_bounds = [
            (frozenset(range(a * n_seg, (a + 1) * n_seg)), int(b))
            for a, b in enumerate(atom_bounds)
            if b is not None and n_seg > 1
        ]
        index = {key: i for i, key in enumerate(keys)}
        self.counts: dict[str, np.ndarray] = {}
        for measure, unit, group, batch, n in zip(
            layers["measure_id"], layers["atom_unit"], layers["atom_group"], layers["batch"],
            layers["n"], strict=True,
        ):  # fmt: skip
            segment = self.segment(None if batch is None else int(batch))
            counts = self.counts.setdefault(measure, np.zeros(len(self.names), dtype=np.int64))
            counts[index[(unit, group)] * n_seg + segment] += int(n)

    def segment(self, batch: int | None) -> int:
        """The segment a batch of answers falls in (None: answers not yet published)."""
        return self.n_seg - 1 if batch is None else bisect_left(self.ends, batch)

    def earlier(self, measure: str, cell: str, snapshot: int) -> frozenset[int]:
        """The atoms of `cell`'s figure as published at `snapshot`."""
        last = bisect_left(self.ends, snapshot)
        return frozenset(a * self.n_seg + s for a in self.cell_atoms[cell] for s in range(last + 1))

    def table(
        self, measure: str, roots: frozenset[str], equations: list[tuple[str, tuple[str, ...]]]
    ) -> LinkedTable:
        """The measure's current cells beside every earlier shown figure of it."""
        counts = self.counts.get(measure, np.zeros(len(self.names), dtype=np.int64))
        # Who answered by when is no secret in the room: the attacker knows which atoms of a
        # batch are empty, so they drop out of every cell (and cannot hide a difference).
        empty = frozenset(np.flatnonzero(counts == 0).tolist())
        cells = {c: atoms - empty for c, atoms in self.cells.items()}
        fixed = set()
        for cell, snaps in sorted(self.history.shown.get(measure, {}).items()):
            if cell not in self.cell_atoms:
                continue  # a unit no longer in the org tree: nothing current is linked to it
            for snap in sorted(snaps):
                if snap == self.now:
                    fixed.add(cell)  # this very figure is already out
                else:
                    cells[earlier_name(cell, snap)] = self.earlier(measure, cell, snap) - empty
                    fixed.add(earlier_name(cell, snap))
        bounds = dict(self.cell_bounds)
        bounds.update({c: self.cell_bounds.get(c.split(":", 2)[2]) for c in cells if is_earlier(c)})
        return LinkedTable(
            self.names, counts,
            cells, roots, self.atom_bounds, bounds, equations, frozenset(fixed), self.extra_bounds,
        )  # fmt: skip

    def changed_by_few(self, table: LinkedTable, measure: str, k: int) -> set[str]:
        """Current cells whose count moved by 1..k-1 since a snapshot they were shown at: the
        difference would be a figure of fewer than k people."""
        few = set()
        for cell, snaps in self.history.shown.get(measure, {}).items():
            if cell in table.fixed or cell not in table.cells:
                continue
            for snap in snaps:
                before = table.count(earlier_name(cell, snap))
                if 0 < abs(table.count(cell) - before) < k:
                    few.add(cell)
        return few


def earlier_name(cell: str, snapshot: int) -> str:
    """An earlier figure's cell name (cell ids start with kommun:, unit: or group:)."""
    return f"{EARLIER}{snapshot}:{cell}"


def is_earlier(cell: str) -> bool:
    return cell.startswith(EARLIER)


def current(cells: Iterable[str]) -> list[str]:
    """The cells of this publication (not earlier figures)."""
    return [c for c in cells if not is_earlier(c)]
