"""Placeholders in the wild: a few optional cells show "-1", "Okänt" or "#SAKNAS" instead."""

from __future__ import annotations

import random
from dataclasses import replace

from pipelines.generate.config import Placeholder
from pipelines.generate.staffing import Employment


def add_placeholders(
    jobs: list[Employment], fields: dict[str, Placeholder], rng: random.Random
) -> list[Employment]:
    """Each field gets its share of placeholders, at least one when the kommun has any."""
    marked: list[dict[str, str | int]] = [{} for _ in jobs]
    for field, p in fields.items():
        n = max(1, round(p.share * len(jobs)))
        for i in sorted(rng.sample(range(len(jobs)), min(n, len(jobs)))):
            marked[i][field] = rng.choice(p.values)
    return [
        replace(j, placeholders=tuple(sorted(m.items()))) if m else j
        for j, m in zip(jobs, marked, strict=True)
    ]
