"""Hand-built traps, one kommun each, that a cell-by-cell rule misses."""

from __future__ import annotations

from tests.attack.world import Trap


def _enheter(parent: str, n: int) -> list[tuple[str, str, str]]:
    return [(f"{parent}E{i}", parent, "Enhet") for i in range(n)]


def two_avdelningar_one_group() -> Trap:
    """The issue's Lomma case: avdelningar A1, A2, A3 of F1 are shown (5 each, F1 = their sum),
    group G (9) lies inside A2 and A3 but for one manager, A3E3, who is in group H with managers
    of F2. F1 - A1 - G = A2 + A3 - G = that one manager (A1's managers are in no group)."""
    units = [("F1", None, "Förvaltning")]
    for a in ("A1", "A2", "A3"):
        units += [(a, "F1", "Avdelning"), *_enheter(a, 4)]
    units += [("F2", None, "Förvaltning"), ("A4", "F2", "Avdelning"), *_enheter("A4", 7)]
    groups = {u: "G" for u, p, _ in units if p in ("A2", "A3") or u in ("A2", "A3")}
    groups |= {u: "H" for u in ("A3E3", "A4E0", "A4E1", "A4E2", "A4E3")}
    groups |= {u: "I" for u in ("F2", "A4", "A4E4", "A4E5", "A4E6")}
    return Trap(units, groups=groups, answered=[u for u, _, _ in units if u != "F1"])


def nested_groups() -> Trap:
    """Groups nested in the org tree: G1 lies inside avdelning B but for one manager (B - G1 = 1),
    and G1 with avdelning A fills förvaltning F1 but for that manager (F1 - A - G1 = 1)."""
    units = [("F1", None, "Förvaltning"), ("A", "F1", "Avdelning"), *_enheter("A", 4)]
    units += [("B", "F1", "Avdelning"), *_enheter("B", 5)]
    units += [("F2", None, "Förvaltning"), *_enheter("F2", 8)]
    groups = {u: "G1" for u in ("B", "BE0", "BE1", "BE2", "BE3")}
    groups |= {u: "G2" for u, p, _ in units if p == "F2" or u in ("F2", "BE4")}
    return Trap(units, groups=groups, answered=[u for u, _, _ in units if u != "F1"])


def two_hidden_age_bands() -> Trap:
    """One enhet with 8 staff aged 30-49, 2 under 30 and 1 over 50 (+ the manager, 40): both
    small bands are hidden, and "alla" minus the shown band is 3 persons."""
    units = [("F", None, "Förvaltning"), ("E", "F", "Enhet"), ("E2", "F", "Enhet")]
    staff = [("E", "30-49", i % 2 == 0) for i in range(8)] + [
        ("E", "-29", True),
        ("E", "-29", False),
    ]
    staff += [("E", "50-", False)] + [("E2", "30-49", i % 2 == 0) for i in range(12)]
    return Trap(units, staff=staff)


TRAPS = {
    "1262": two_avdelningar_one_group(),
    "1231": nested_groups(),
    "1261": two_hidden_age_bands(),
}
