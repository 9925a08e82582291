"""The attacker against the demo warehouse (`make demo`, seed 1): it must find nothing."""

from __future__ import annotations

import pytest

from tests.attack.attacker import Report

pytestmark = pytest.mark.attack


def _findings(report: Report, *kinds: str) -> list[str]:
    return [f.text() for f in report.findings if f.attack in kinds]


def test_the_attacker_reads_every_mart_and_its_model_of_the_demo_holds(demo_attack: Report) -> None:
    reach = demo_attack.reach
    assert reach["survey_systems"] > 50 and reach["sick_systems"] == 9
    assert reach["cells_published"] > 1000 and reach["lp_solves"] > 0
    assert demo_attack.broken_models == []  # every published equality fits the org chart


def test_no_combination_of_up_to_four_published_cells_isolates_anyone(demo_attack: Report) -> None:
    assert [d.text() for d in demo_attack.derivations] == []


def test_the_lp_pins_no_hidden_survey_cell_or_atom_to_1_to_k_minus_1(demo_attack: Report) -> None:
    assert [b.text() for b in demo_attack.bounds] == []


def test_rows_do_not_tell_who_took_part(demo_attack: Report) -> None:
    assert _findings(demo_attack, "c-absent", "c-zero", "c-named") == []


def test_a_managers_own_sick_leave_is_not_the_rollup_minus_their_staff(demo_attack: Report) -> None:
    assert _findings(demo_attack, "d-manager") == []


def test_no_hidden_sick_leave_group_is_alla_minus_the_shown_groups(demo_attack: Report) -> None:
    assert _findings(demo_attack, "e-breakdown") == []


def test_no_hidden_sick_leave_figure_lies_in_the_span_of_the_shown_ones(
    demo_attack: Report,
) -> None:
    assert _findings(demo_attack, "b-span") == []
