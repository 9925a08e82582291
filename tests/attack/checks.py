"""Attacks (c)-(e) and the sick-leave span check: patterns an analyst tries first.

(c) participation: a row that exists only when someone answered, or a visible 0, tells who took
    part; a present row for a cell with one possible respondent names that person.
(d) per manager vs rollup: a manager's staff-only sick leave beside the figure of the same units
    with the manager included differ by 1..k-1 persons (the managers).
(e) breakdown: "alla" minus the shown groups of a breakdown leaves the hidden groups, 1..k-1.
Sick leave span check: a hidden figure of 1..k-1 persons whose atom set is a linear combination
of shown figures (any coefficients) is derivable (sick hours are sums over the same atoms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tests.attack.cells import System


@dataclass(frozen=True)
class Finding:
    attack: str
    system: tuple
    detail: str

    def text(self) -> str:
        return f"{self.attack} {'/'.join(self.system)}: {self.detail}"


def participation(system: System) -> list[Finding]:
    out = []
    named = [c for c in system.members if system.members[c].any() and c[0] != "kommun"]
    absent = [c for c in named if c in system.missing]
    if absent:
        out.append(
            Finding(
                "c-absent",
                system.name,
                f"{len(absent)} named cells have no row (0 answered), e.g. {absent[0]}",
            )
        )
    for cell, value in system.published.items():
        if value == 0:
            out.append(Finding("c-zero", system.name, f"{cell} shown with 0 respondents"))
    if absent:
        for cell in system.hidden:
            if cell not in system.missing and system.caps.get(cell) == 1:
                out.append(
                    Finding("c-named", system.name, f"{cell}: row present, one possible respondent")
                )
    return out


def manager_vs_rollup(system: System) -> list[Finding]:
    out = []
    staff = [c for c in system.published if c[0] == "staff" and system.members[c].any()]
    scopes = [c for c in system.published if c[0] != "staff" and c[2] == "alla"]
    if not staff or not scopes:
        return out
    s = np.array([system.members[c] for c in staff], dtype=float)
    p = np.array([system.members[c] for c in scopes], dtype=float)
    outside = s @ (1 - p).T  # staff atoms outside the scope: 0 when staff is inside it
    counts = system.atom_counts
    extra = (p @ counts)[None, :] - (s @ counts)[:, None]
    for i, j in zip(
        *np.nonzero((outside == 0) & (extra >= 1) & (extra <= system.k - 1)), strict=True
    ):
        out.append(
            Finding(
                "d-manager",
                system.name,
                f"{scopes[j]} - staff of {staff[i][1]} = {extra[i, j]:g} person(s)",
            )
        )
    return out


def breakdown(system: System) -> list[Finding]:
    out = []
    by_scope: dict[tuple, list] = {}
    for cell in system.members:
        by_scope.setdefault(cell[:2], []).append(cell)
    for alla in (c for c in system.published if c[2] == "alla" and c[0] != "staff"):
        for kind in ("kön", "ålder"):
            groups = [c for c in by_scope[alla[:2]] if c[2] == kind]
            hidden = [c for c in groups if c not in system.published]
            if not hidden:
                continue
            rest = system.members[alla].astype(int)
            for c in groups:
                if c in system.published:
                    rest = rest - system.members[c]
            persons = system.atom_counts[rest > 0].sum()
            if (rest >= 0).all() and 1 <= persons <= system.k - 1:
                names = ", ".join(c[3] for c in hidden)
                detail = f"{alla[:2]} alla - shown {kind} = {names}: {persons:g} persons"
                out.append(Finding("e-breakdown", system.name, detail))
    return out


def span_pinned(system: System) -> tuple[list[Finding], int]:
    """Hidden figures (and single atoms) of 1..k-1 persons in the span of the shown ones."""
    targets = [(c, system.members[c]) for c in system.hidden]
    eye = np.eye(len(system.atoms), dtype=bool)
    # Atoms of persons with employments in several units are not targets: their hours split over
    # the units' cells, so a count relation over them is not an hours relation.
    targets += [(("atom", a), eye[i]) for i, a in enumerate(system.atoms) if len(a[0]) == 1]
    small = [(name, m) for name, m in targets if 1 <= system.atom_counts[m].sum() <= system.k - 1]
    if not small or not system.published:
        return [], len(small)
    shown = np.array([system.members[c] for c in system.published], dtype=float)
    # An orthonormal basis of the shown cells' row space, from the (small) Gram matrix.
    eigval, eigvec = np.linalg.eigh(shown @ shown.T)
    keep = eigval > 1e-9 * eigval.max()
    basis = (eigvec[:, keep].T @ shown) / np.sqrt(eigval[keep])[:, None]
    t = np.array([m for _, m in small], dtype=float)
    residual = np.abs(t - (t @ basis.T) @ basis).max(axis=1)
    out = [
        Finding(
            "b-span",
            system.name,
            f"{name}: {system.atom_counts[m].sum():g} persons, derivable from shown figures",
        )
        for (name, m), r in zip(small, residual, strict=True)
        if r < 1e-6
    ]
    return out, len(small)
