"""Templates an analyst fills in by hand: `chefskartan template NAME --out DIR`."""

from __future__ import annotations

from pipelines.templates import key_figures

TEMPLATES = {"key-figures": key_figures.write}
