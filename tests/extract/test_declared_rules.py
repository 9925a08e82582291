"""The quick pass over declared rules clears a frame only when pandera would find nothing."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from pipelines.extract import extract_file
from pipelines.manifest import load_manifest
from schemas.model import Field, Table
from schemas.tables import EMPLOYMENT, ORG_UNIT
from schemas.validation import passes_declared_rules
from tests.conftest import TEST_KEY
from tests.hostile.corpus import MANAGERS, STAFF, UNITS
from tests.hr.tiny_kommun import TinyKommun

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clean_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    inbox = TinyKommun(UNITS, MANAGERS + STAFF).write(tmp_path_factory.mktemp("tiny"))
    tables: dict[str, pd.DataFrame] = {}
    for entry in load_manifest(inbox).files:
        tables |= extract_file(entry, TEST_KEY.encode()).tables
    return tables


def pandera_passes(frame: pd.DataFrame, table: Table) -> bool:
    try:
        table.pandera_schema().validate(frame, lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def broken_values(field: Field, frame: pd.DataFrame) -> list[object]:
    """A missing value, and a value against each of the field's own rules."""
    values: list[object] = [None]
    if field.allowed is not None:
        values.append("inte-tillåtet")
    if field.min_value is not None:
        values.append(field.min_value - 1)
    if field.max_value is not None:
        values.append(field.max_value + 1)
    if field.pattern is not None:
        values.append("?")
    return values


@pytest.mark.parametrize("table", [EMPLOYMENT, ORG_UNIT], ids=lambda t: t.name)
def test_quick_pass_agrees_with_pandera_cell_by_cell(
    clean_tables: dict[str, pd.DataFrame], table: Table
) -> None:
    clean = clean_tables[table.name]
    assert passes_declared_rules(clean, table) and pandera_passes(clean, table)
    for field in table.fields:
        for value in broken_values(field, clean):
            frame = clean.copy()
            frame[field.name] = frame[field.name].astype(object)
            frame.loc[frame.index[1], field.name] = value
            frame[field.name] = frame[field.name].astype(clean[field.name].dtype)
            breaks_a_rule = value is not None or field.not_null
            quick = passes_declared_rules(frame, table)
            assert quick != breaks_a_rule, (field.name, value)
            if quick:  # cleared without pandera: pandera must agree
                assert pandera_passes(frame, table), (field.name, value)


def test_duplicate_keys_and_rules_across_columns_go_to_pandera(
    clean_tables: dict[str, pd.DataFrame],
) -> None:
    units = clean_tables["org_unit"]
    twice = pd.concat([units, units.iloc[:1]], ignore_index=True)
    assert not passes_declared_rules(twice, ORG_UNIT) and not pandera_passes(twice, ORG_UNIT)
    employment = clean_tables["employment"].copy()
    employment.loc[0, ["sick_leave_hours", "long_term_sick_leave_hours"]] = [10.0, 20.0]
    assert not passes_declared_rules(employment, EMPLOYMENT)
    assert not pandera_passes(employment, EMPLOYMENT)
    assert not passes_declared_rules(employment.iloc[:, ::-1], EMPLOYMENT)  # not as declared


def test_columns_of_one_value_are_still_checked() -> None:
    """A column the caller built from one value: a bad value fails, a repeated key is found."""
    table = Table(
        "t",
        "test",
        (Field("code", "code", "c", pattern=r"^\d{4}$"), Field("n", "integer", "n")),
        primary_key=("code", "n"),
    )
    good = pd.DataFrame(
        {"code": pd.array(["1231"] * 3, dtype="string"), "n": pd.array([1, 2, 3], dtype="Int64")}
    )
    one = frozenset({"code"})
    assert passes_declared_rules(good, table, one)
    bad_code = good.assign(code=pd.array(["12"] * 3, dtype="string"))
    assert not passes_declared_rules(bad_code, table, one)
    repeated = good.assign(n=pd.array([1, 2, 1], dtype="Int64"))
    assert not passes_declared_rules(repeated, table, one)
    assert not passes_declared_rules(good.iloc[[0, 0]].reset_index(drop=True), table, one | {"n"})


def test_rules_across_columns_with_missing_values_are_pandera_s_call(
    clean_tables: dict[str, pd.DataFrame],
) -> None:
    """Where a rule's function is not True on a row (missing hours), pandera decides."""
    employment = clean_tables["employment"].copy()
    employment.loc[0, ["sick_leave_hours", "long_term_sick_leave_hours"]] = [pd.NA, 5.0]
    assert passes_declared_rules(employment, EMPLOYMENT) == pandera_passes(employment, EMPLOYMENT)


def test_clearing_a_clean_frame_does_not_load_pandera(
    clean_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """Pandera (and the hypothesis its check backends import) costs ~0.4 s CPU to import in
    every extraction process: a clean file's declarations and rules, rules across columns
    included, are checked without it (in a fresh interpreter, as this session has it loaded)."""
    path = tmp_path / "employment.pickle"
    clean_tables["employment"].to_pickle(path)
    probe = (
        "import sys, pandas as pd\n"
        "import pipelines.stage\n"
        "from schemas.tables import EMPLOYMENT\n"
        "from schemas.validation import passes_declared_rules\n"
        f"assert passes_declared_rules(pd.read_pickle({str(path)!r}), EMPLOYMENT)\n"
        "print(sorted({'hypothesis', 'pandera'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("code", ["1231\n", "\uff11\uff12\uff13\uff11", "12a1"])
def test_text_the_regex_engines_may_read_apart_is_pandera_s_call(code: str) -> None:
    """Python's `re` and Arrow's RE2 differ on a trailing line break and on non-ASCII digits:
    the quick pass clears only ASCII text without line breaks (pandera judges the rest)."""
    table = Table("t", "test", (Field("code", "code", "c", pattern=r"^\d{4}$"),))
    good = pd.DataFrame({"code": pd.array(["1231", "1262"], dtype="string")})
    assert passes_declared_rules(good, table)
    odd = pd.DataFrame({"code": pd.array(["1231", code], dtype="string")})
    assert not passes_declared_rules(odd, table)


@pytest.mark.parametrize("seed", range(20))
def test_a_repeated_key_is_found_as_pandas_finds_it(seed: int) -> None:
    """Keys of one, two and three columns, missing values included (they equal each other)."""
    from schemas.validation import _has_duplicate_key

    pick = random.Random(seed).choice
    rows = range(pick([0, 1, 2, 5, 9]))
    frame = pd.DataFrame(
        {
            "a": pd.array([pick(["x", "y", None]) for _ in rows], dtype="string"),
            "b": pd.array([pick([1, 2, None]) for _ in rows], dtype="Int64"),
            "c": pd.array([pick([0.5, -0.0, 0.0, None]) for _ in rows], dtype="Float64"),
        }
    )
    for key in [("a",), ("b",), ("a", "b"), ("a", "b", "c"), ("c",)]:
        expected = bool(frame.duplicated(subset=list(key)).any())
        assert _has_duplicate_key(frame, key, frozenset()) == expected, (key, frame)
