"""Templates an analyst fills in by hand: `chefskartan template NAME --out DIR`."""

from __future__ import annotations

from pipelines.templates import action_plan, key_figures

TEMPLATES = {"key-figures": key_figures.write, "action-plan": action_plan.write}
