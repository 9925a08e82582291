"""The attacker against hand-built traps (tests/attack/traps.py), one kommun each."""

from __future__ import annotations

import pytest

from tests.attack.attacker import Report

pytestmark = pytest.mark.attack


def _in(report: Report, kommun: str) -> list[str]:
    assert report.broken_models == []
    return [text for text in report.disclosures if text.split("/")[1].startswith(kommun)]


def test_the_traps_are_read_whole(trap_attack: Report) -> None:
    assert trap_attack.reach["survey_systems"] >= 2 and trap_attack.reach["sick_systems"] == 3
    assert trap_attack.broken_models == []


def test_two_avdelningar_minus_one_group_isolates_nobody(trap_attack: Report) -> None:
    assert _in(trap_attack, "1262") == []


def test_groups_nested_in_the_org_tree_isolate_nobody(trap_attack: Report) -> None:
    assert _in(trap_attack, "1231") == []


def test_two_hidden_age_bands_do_not_give_their_joint_size(trap_attack: Report) -> None:
    assert _in(trap_attack, "1261") == []
