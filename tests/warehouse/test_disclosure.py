"""warehouse/disclosure on small hand-made linked tables: the audit finds what an attacker finds,
and protection leaves nothing for it to find (the attacker's own search lives in tests/attack)."""

from __future__ import annotations

import numpy as np

from warehouse.disclosure.audit import audit
from warehouse.disclosure.linked import LinkedTable, _choose, protect
from warehouse.disclosure.survey_rule import protect_with_group_rule


def table(counts: dict[str, int], cells: dict[str, str], **extra) -> LinkedTable:
    atoms = sorted(counts)
    return LinkedTable(
        atoms,
        np.array([counts[a] for a in atoms]),
        {c: frozenset(atoms.index(a) for a in members) for c, members in cells.items()},
        roots=frozenset(["alla"]) if "alla" in cells else frozenset(["K"]),
        **extra,
    )


def never_called(uses: tuple[str, ...]) -> str:
    raise AssertionError(uses)


def test_two_hidden_age_bands_with_a_small_joint_size_are_found_and_fixed() -> None:
    # alla 20 = -29: 2 + 30-49: 2 + 50-: 16: hiding the two small bands leaves 4 = alla - 50-.
    t = table({"y": 2, "m": 2, "o": 16}, {"alla": "ymo", "-29": "y", "30-49": "m", "50-": "o"})
    chosen: list[str] = []

    def choose(uses: tuple[str, ...]) -> str:
        chosen.append(_choose(t, {"-29", "30-49"}, uses))
        return chosen[-1]

    found = audit(t, {"-29", "30-49"}, 5, choose, intervals=False)
    assert [v.kind for v in found] == ["exact"] and found[0].true_count == 4
    assert chosen == ["50-"]  # the total is a root: hide the third band
    assert protect(t, 5, intervals=False).hidden == {"-29", "30-49", "50-"}


def test_interval_audit_sees_the_one_respondent_left_by_two_units_and_a_group() -> None:
    # U1 + U2 - G = the one respondent x (in U2, not in G); all three cells are >= k.
    t = table(
        {"a": 3, "b": 3, "c": 3, "x": 1, "z": 6},
        {"K": "abcxz", "U1": "ab", "U2": "cx", "G": "abc", "R": "z"},
    )
    found = audit(t, set(), 3, never_called)
    assert any(v.what == "atom:x" and v.low == v.high == 1 for v in found)
    assert {"U2", "G"} <= {c for v in found for c in v.uses}
    hidden = protect(t, 3).hidden
    assert not {"U1", "U2", "G"} <= set(t.cells) - hidden


def test_a_safe_pattern_passes_and_hides_nothing_extra() -> None:
    t = table({"a": 6, "b": 7, "c": 8}, {"K": "abc", "A": "a", "B": "b", "C": "c"})
    assert audit(t, set(), 5, never_called) == []
    assert protect(t, 5).hidden == frozenset()


def test_the_managers_list_bounds_narrow_a_hidden_cell() -> None:
    # F 6 published, E1 (2 of 2 managers answered) and E2 (4 respondents, 4 managers) hidden,
    # plus 0 managers elsewhere in F: E1 = 6 - E2 >= 2, so E1 lies in [2, 2]: pinned.
    t = LinkedTable(["a", "b", "o"], np.array([2, 4, 9]), {
        "K": frozenset([0, 1, 2]), "F": frozenset([0, 1]), "E1": frozenset([0]),
        "E2": frozenset([1]), "O": frozenset([2])}, roots=frozenset(["K"]),
        atom_bounds=[2, 4, None])  # fmt: skip
    found = audit(t, {"E1", "E2"}, 5, never_called)
    assert any(v.what == "E1" and v.low == 2 for v in found)
    assert "F" in protect(t, 5).hidden


def test_group_cut_rule_never_shows_fewer_org_cells_and_its_result_passes_the_audit() -> None:
    # Four enheter of 6; two groups each crossing all enheter with 1 respondent in each
    # enhet's "other" part: publishing the groups pins tiny remainders in every enhet.
    counts = {f"e{i}{g}": n for i in range(4) for g, n in (("a", 3), ("b", 2), ("x", 1))}
    atoms = sorted(counts)
    t = LinkedTable(
        atoms,
        np.array([counts[a] for a in atoms]),
        {
            "K": frozenset(range(len(atoms))),
            **{f"unit:E{i}": frozenset(j for j, a in enumerate(atoms) if a[1] == str(i))
               for i in range(4)},
            "group:A": frozenset(j for j, a in enumerate(atoms) if a[2] == "a"),
            "group:B": frozenset(j for j, a in enumerate(atoms) if a[2] == "b"),
        },
        roots=frozenset(["K"]),
    )  # fmt: skip
    org = [f"unit:E{i}" for i in range(4)]
    protection, dropped = protect_with_group_rule(t, 5, ["group:A", "group:B"], org)
    full = protect(t, 5)
    shown_full = [c for c in org if c not in full.hidden]
    shown = [c for c in org if c not in protection.hidden]
    assert dropped == (len(shown_full) < 0.5 * len(shown))
    assert len(shown) >= len(shown_full)
    assert audit(t, set(protection.hidden), 5, never_called) == []


def _sick_leave_leaks(persons: list[tuple], scopes: dict, rows: list[tuple], k: int) -> list:
    """Signed sums of up to three shown sick-leave cells that pick out 1..k-1 whole persons."""
    from itertools import combinations, product

    def members(scope: str, breakdown: str, group: str) -> np.ndarray:
        field = {"alla": None, "kön": 1, "ålder": 2}[breakdown]
        return np.array([bool(set(p[0]) & scopes[scope]) and (field is None or p[field] == group)
                         for p in persons], dtype=int)  # fmt: skip

    shown = [members(r[2], r[3], r[4]) for r in rows if r[0] == "scope" and r[6]]
    leaks = []
    for size in (1, 2, 3):
        for cells in combinations(range(len(shown)), size):
            for signs in product((1, -1), repeat=size):
                v = sum(s * shown[c] for s, c in zip(signs, cells, strict=True))
                if set(v.tolist()) <= {0, 1} and 1 <= v.sum() <= k - 1:
                    leaks.append((cells, signs))
    return leaks


def test_sick_leave_closes_parent_minus_children_and_sex_minus_age_band() -> None:
    import pandas as pd

    from warehouse.disclosure.sick_leave_rule import protect_kommun_period

    # F with children A and B; one woman works in both A and B (A + B - F = her); one woman is
    # placed on F itself (F - A - B = her too); in A, women minus the 50+ leaves the 2 young women.
    persons = [(("A",), "K", "30-49")] * 2 + [(("A",), "K", "50-")] * 4
    persons += [(("A",), "M", "30-49")] * 4 + [(("B",), "K", "30-49")] * 6
    persons += [(("B",), "M", "50-")] * 5 + [(("A", "B"), "K", "50-"), (("F",), "K", "-29")]
    scopes = {"K1": {"F", "A", "B"}, "F": {"F", "A", "B"}, "A": {"A"}, "B": {"B"}}
    kinds = {"K1": "kommun", "F": "forvaltning", "A": "avdelning", "B": "avdelning"}
    frame = pd.DataFrame(persons, columns=["units", "sex", "age_band"])
    atoms = frame.groupby(["units", "sex", "age_band"]).size().rename("persons").reset_index()
    scope_rows = [(kinds[s], s, u) for s, units in scopes.items() for u in sorted(units)]
    rows = protect_kommun_period(
        atoms,
        pd.DataFrame(scope_rows, columns=["scope_type", "scope_id", "unit_id"]),
        pd.DataFrame({"unit_id": ["A"], "leader_id": ["m1"]}),
        pd.DataFrame({"unit_id": ["F", "A", "B"], "parent_unit_id": [None, "F", "F"]}),
        k=3,
    )
    assert _sick_leave_leaks(persons, scopes, rows, 3) == []
    assert any(r[6] for r in rows if r[0] == "scope" and r[3] != "alla")  # not all hidden
