"""Every published mart column carries a Swedish label and a unit, declared once on its Field."""

from __future__ import annotations

import pytest

from schemas.indicators import catalogue
from schemas.marts import MART_SPAN_ROLLUP, MARTS
from schemas.model import UNITS, Field


@pytest.mark.parametrize("mart", MARTS, ids=lambda t: t.name)
def test_every_mart_column_has_a_swedish_label_and_a_known_unit(mart) -> None:
    for f in mart.fields:
        assert f.label and f.label.strip() == f.label, (mart.name, f.name)
        assert f.unit in UNITS, (mart.name, f.name, f.unit)
    labels = [f.label for f in mart.fields]
    assert len(set(labels)) == len(labels), f"{mart.name}: two columns share a Swedish label"


def test_indicators_take_label_and_unit_from_their_field() -> None:
    entries = catalogue()
    assert entries
    for entry in entries:
        field = MART_SPAN_ROLLUP.field(entry.indicator_id)
        assert (entry.label, entry.unit) == (field.label, field.unit)


def test_a_unit_outside_the_vocabulary_or_an_unlabelled_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        Field("x", "decimal", "X.", label="X", unit="procent")
    with pytest.raises(ValueError, match="label"):
        Field("x", "decimal", "X.").tracked("lower")
