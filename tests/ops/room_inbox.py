"""A tiny generated inbox for the ops tests: one kommun's latest HR files and its room survey."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.generate import build_kommun, generate_inbox
from pipelines.generate.survey_writers import SURVEY_WRITERS
from pipelines.generate.surveys import managers, survey_responses
from schemas.questionnaire import builtin

KOMMUN = "1231"
ROOM = "Utforska Burlöv(1-40).xlsx"
PATTERN = "Utforska Burlöv*.xlsx"
KEEP = {"hr_roster", "org_units", "support_functions"}


def room_inbox(inbox: Path, scale: float = 0.1) -> Path:
    """Burlöv at a tenth of its size (or `scale`): roster, org and support of 2026-10 plus the
    room survey, whose manifest entry is the pattern `Utforska Burlöv*.xlsx`."""
    manifest = generate_inbox(inbox, seed=1, scale=scale, kommuner=[KOMMUN], plans=False)
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    files = [f for f in data["files"] if f["source"] in KEEP and str(f["period"]) == "2026-10-01"]
    room = next(f for f in data["files"] if f["file"] == ROOM)
    data["files"] = [*files, {**room, "file": PATTERN}]
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return inbox


def write_room_export(inbox: Path, seed: int, at_least: int = 5) -> int:
    """A new Forms download of the room survey, named by its response count; returns the count.

    The first seed from `seed` on with at least `at_least` responses (k = 5 hides fewer).
    """
    demo = build_kommun(KOMMUN, seed=1, scale=0.1)
    staff = managers(demo.units, demo.employments)
    while len(responses := survey_responses(KOMMUN, seed, "rummet", False, staff)) < at_least:
        seed += 1
    partial = inbox / "nedladdning.crdownload"
    SURVEY_WRITERS["msforms_sv"][1](partial, builtin("rummet"), responses, "room")
    partial.rename(inbox / f"Utforska Burlöv(1-{len(responses)}).xlsx")
    return len(responses)
