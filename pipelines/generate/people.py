"""Fake Swedish persons: names and unique, valid personnummer (Luhn check digit)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.generate.config import load_names


def luhn_check_digit(nine_digits: str) -> int:
    """The tenth digit of a personnummer, from YYMMDDNNN (weights 2,1,2,1,...)."""
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class Person:
    birth_date: dt.date
    serial: int  # the three-digit birth number; its last digit is odd for men, even for women
    first_name: str
    last_name: str

    @property
    def _tail(self) -> str:
        nine = f"{self.birth_date:%y%m%d}{self.serial:03d}"
        return f"{self.serial:03d}{luhn_check_digit(nine)}"

    @property
    def pnr12(self) -> str:
        """198503121234"""
        return f"{self.birth_date:%Y%m%d}{self._tail}"

    @property
    def pnr12_dash(self) -> str:
        """19850312-1234"""
        return f"{self.birth_date:%Y%m%d}-{self._tail}"

    @property
    def pnr10_dash(self) -> str:
        """850312-1234"""
        return f"{self.birth_date:%y%m%d}-{self._tail}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class PersonFactory:
    """Hands out persons with personnummer that are unique within one factory."""

    def __init__(self, rng: random.Random, serial_range: tuple[int, int]):
        self._rng = rng
        self._serial_range = serial_range
        self._names = load_names()
        self._taken: set[tuple[dt.date, int]] = set()

    def reserve(self, persons: Iterable[Person]) -> None:
        """Never hand out these persons' personnummer (made by another factory of the kommun)."""
        self._taken.update((p.birth_date, p.serial) for p in persons)

    def new(self, *, is_woman: bool, born_from: int = 1960, born_to: int = 2004) -> Person:
        rng = self._rng
        while True:
            birth = random_date(rng, dt.date(born_from, 1, 1), dt.date(born_to, 12, 31))
            serial = rng.randint(*self._serial_range)
            if serial % 2 != (0 if is_woman else 1):  # gender digit: even women, odd men
                serial = serial + 1 if serial < self._serial_range[1] else serial - 1
            if (birth, serial) not in self._taken:
                self._taken.add((birth, serial))
                break
        first = rng.choice(self._names["kvinna" if is_woman else "man"])
        if rng.random() < 0.06:  # some people are registered with two given names
            second = rng.choice(self._names["kvinna" if is_woman else "man"])
            if second != first:
                first = f"{first} {second}"
        return Person(birth, serial, first, rng.choice(self._names["efternamn"]))
