"""Personnummer: format, date and check digit validated before anything is hashed."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.personnummer import canonical, pseudonym

TODAY = dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("811218-9876", "198112189876"),
        ("19811218-9876", "198112189876"),
        ("8112189876", "198112189876"),
        ("198112189876", "198112189876"),
        ("811218+9876", "188112189876"),  # '+' marks a person aged 100 or more
        ("121212-1212", "201212121212"),
        ("701063-2391", "197010632391"),  # samordningsnummer: day + 60
    ],
)
def test_valid_numbers_are_canonical(value: str, expected: str) -> None:
    assert canonical(value, TODAY) == expected


@pytest.mark.parametrize(
    "value", ["811218-9875", "811318-9876", "abc", "", "81121898765", "810230-1234"]
)
def test_invalid_numbers_are_rejected(value: str) -> None:
    assert canonical(value, TODAY) is None


def test_pseudonym_depends_on_the_key() -> None:
    assert pseudonym("198112189876", b"a") != pseudonym("198112189876", b"b")
    assert pseudonym("198112189876", b"a") == pseudonym("198112189876", b"a")
    assert len(pseudonym("198112189876", b"a")) == 64
