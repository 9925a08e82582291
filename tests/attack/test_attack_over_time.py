"""The attacker holding every publication of a survey republished while answers arrive."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.generate import build_kommun
from pipelines.generate.survey_writers import SURVEY_WRITERS
from pipelines.generate.surveys import managers, survey_responses
from pipelines.refresh import run_steps
from schemas.questionnaire import builtin
from tests.attack.knowledge import Knowledge
from tests.attack.over_time import attack_over_time
from tests.conftest import TEST_KEY
from tests.ops.room_inbox import KOMMUN, room_inbox

pytestmark = pytest.mark.attack
ARRIVALS = (25, 26, 28, 31)  # respondents in the room at each download
SCALE = 1.0  # Burlöv's managers: the room holds at most as many as there are


def _room_answers(count: int) -> list:
    """`count` respondents of Burlöv's room survey, in a fixed order (the first n answered
    first)."""
    demo = build_kommun(KOMMUN, seed=1, scale=0.1)
    staff = managers(demo.units, demo.employments)
    pool = [
        r for seed in range(3, 60) for r in survey_responses(KOMMUN, seed, "rummet", False, staff)
    ]
    assert len(pool) >= count
    return pool[:count]


def _download(inbox: Path, answers: list) -> str:
    for old in inbox.glob("Utforska Burlöv*.xlsx"):
        old.unlink()
    partial = inbox / "nedladdning.crdownload"
    SURVEY_WRITERS["msforms_sv"][1](partial, builtin("rummet"), answers, "room")
    name = f"Utforska Burlöv(1-{len(answers)}).xlsx"
    partial.rename(inbox / name)
    return name


def _publish(inbox: Path, warehouse: Path, keep: Path, only: str | None = None) -> Path:
    run_steps(inbox, warehouse, TEST_KEY.encode(), only=only)
    shutil.copyfile(warehouse / "published" / "chefskartan.duckdb", keep)
    return keep


@pytest.fixture(scope="module")
def publications(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path, Knowledge]:
    """The room's survey published at every arrival by one warehouse (which remembers), and the
    second arrival published by a fresh warehouse (which does not)."""
    tmp = tmp_path_factory.mktemp("over_time")
    inbox, warehouse = room_inbox(tmp / "inbox", SCALE), tmp / "warehouse"
    answers = _room_answers(max(ARRIVALS))
    files = []
    for n in ARRIVALS:  # the first publication in full, then the survey fast path (as `watch`)
        name = _download(inbox, answers[:n])
        only = name if files else None
        files.append(_publish(inbox, warehouse, tmp / f"published_{n}.duckdb", only))
    _download(inbox, answers[: ARRIVALS[1]])
    forgetful = _publish(inbox, tmp / "fresh", tmp / "fresh.duckdb")
    return files, forgetful, Knowledge.from_store(warehouse / "store.duckdb")


def _respondents(db: Path, column: str = "respondents") -> int | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            f"SELECT {column} FROM mart_survey_responses WHERE survey_id = 'rummet' "
            "AND scope_type = 'kommun'"
        ).fetchone()[0]
    finally:
        con.close()


def test_a_warehouse_that_forgets_earlier_publications_gives_the_newest_answers_away(
    publications: tuple[list[Path], Path, Knowledge],
) -> None:
    files, forgetful, know = publications
    assert (_respondents(files[0]), _respondents(forgetful)) == ARRIVALS[:2]
    derivations, bounds, broken = attack_over_time([files[0], forgetful], know)
    assert broken == []
    assert derivations or bounds, "the attacker must see the kommun grow by fewer than k"


def test_every_publication_together_isolates_nobody(
    publications: tuple[list[Path], Path, Knowledge],
) -> None:
    files, _, know = publications
    assert _respondents(files[0]) == ARRIVALS[0]
    derivations, bounds, broken = attack_over_time(files, know)
    assert broken == []
    assert [d.text() for d in derivations] == []
    assert [b.text() for b in bounds] == []


def test_the_room_sees_the_survey_grow_in_steps_of_at_least_k(
    publications: tuple[list[Path], Path, Knowledge],
) -> None:
    files, _, _ = publications
    shown = [_respondents(f) for f in files]
    assert shown[0] == ARRIVALS[0] and shown[-1] == ARRIVALS[-1]
    steps = [b - a for a, b in zip(shown, shown[1:], strict=False) if b != a]
    k = _respondents(files[0], "anonymity_k")
    assert steps and all(step >= k for step in steps)
