"""Fake people (faker, ru_RU) and their names in the cases letters and resolutions need (pytrovich)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

_MAKER = None


def _maker():
    global _MAKER
    if _MAKER is None:
        from pytrovich.maker import PetrovichDeclinationMaker

        _MAKER = PetrovichDeclinationMaker()
    return _MAKER


@lru_cache(maxsize=65536)
def decline(last: str, first: str, middle: str, gender: str, case: str) -> tuple[str, str, str]:
    """(last, first, middle) in a case: 'dative' or 'genitive'. gender is 'M' or 'F'."""
    from pytrovich.enums import Case, Gender, NamePart

    m = _maker()
    g = Gender.MALE if gender == "M" else Gender.FEMALE
    c = Case.DATIVE if case == "dative" else Case.GENITIVE
    return (
        m.make(NamePart.LASTNAME, g, c, last),
        m.make(NamePart.FIRSTNAME, g, c, first) if first else "",
        m.make(NamePart.MIDDLENAME, g, c, middle) if middle else "",
    )


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    middle: str
    gender: str  # M / F

    @property
    def full(self) -> str:
        return f"{self.last} {self.first} {self.middle}"

    @property
    def initials(self) -> str:
        return f"{self.first[0]}.{self.middle[0]}."

    @property
    def short(self) -> str:
        """«Иванова А.С.»"""
        return f"{self.last} {self.initials}"

    @property
    def short_front(self) -> str:
        """«А.С. Иванова» (signature blocks)."""
        return f"{self.initials} {self.last}"

    def dative_short(self) -> str:
        """«Ивановой А.С.» — as a resolution names its executors."""
        return f"{decline(self.last, self.first, self.middle, self.gender, 'dative')[0]} {self.initials}"

    def dative_front(self) -> str:
        return f"{self.initials} {decline(self.last, self.first, self.middle, self.gender, 'dative')[0]}"

    def genitive_full(self) -> str:
        return " ".join(decline(self.last, self.first, self.middle, self.gender, "genitive"))

    def address_form(self) -> str:
        """«Уважаемый Иван Петрович!»"""
        word = "Уважаемый" if self.gender == "M" else "Уважаемая"
        return f"{word} {self.first} {self.middle}!"


def dative_short(full_name: str, gender: str) -> str:
    """«Иванова Анна Сергеевна», 'F' → «Ивановой А.С.»"""
    last, first, middle = full_name.split()
    return Person(last, first, middle, gender).dative_short()


class PersonFactory:
    """Faker with ru_RU, seeded; every name is drawn through the caller's rng for reproducibility."""

    def __init__(self, seed: int):
        from faker import Faker

        self.fake = Faker("ru_RU")
        self.fake.seed_instance(seed)
        self._pools: dict[str, list[str]] = {}
        for gender, suffix in (("M", "male"), ("F", "female")):
            for part in ("last_name", "first_name", "middle_name"):
                fn = getattr(self.fake, f"{part}_{suffix}")
                self._pools[f"{part}_{gender}"] = sorted({fn() for _ in range(600)})

    def person(self, rng: random.Random, min_age: int = 18, gender: str | None = None) -> Person:
        g = gender or ("M" if rng.random() < 0.5 else "F")
        return Person(
            rng.choice(self._pools[f"last_name_{g}"]),
            rng.choice(self._pools[f"first_name_{g}"]),
            rng.choice(self._pools[f"middle_name_{g}"]),
            g,
        )
