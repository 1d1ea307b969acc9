"""Executors' names as a resolution writes them: surname in the dative case plus initials («Ивановой А.С.»).

Inflection is pymorphy3's; the checks around it cover what a dictionary cannot know from one word: the
bearer's gender (from the patronymic or first name) and surnames that never decline (female surnames ending
in a consonant, «-ко», «-ых»/«-их», foreign ones ending in a vowel other than «-а»/«-я»).
"""

from __future__ import annotations

from functools import lru_cache

from models.text import _morph

_INDECLINABLE_ENDINGS = ("ко", "ых", "их", "аго", "яго", "е", "и", "о", "у", "ю", "э", "ы")
_VOWELS = set("аеёиоуыэюя")


def gender_of(first: str | None, patronymic: str | None) -> str | None:
    if patronymic:
        low = patronymic.casefold()
        if low.endswith(("вна", "чна", "шна", "кызы", "гызы")):
            return "femn"
        if low.endswith(("вич", "ич", "оглы", "улы")):
            return "masc"
    if first:
        for parse in _morph().parse(first):
            if "Name" in parse.tag:
                return "femn" if "femn" in parse.tag else "masc" if "masc" in parse.tag else None
    return None


def _title(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


@lru_cache(maxsize=50_000)
def surname_dative(surname: str, gender: str | None) -> str:
    if "-" in surname:
        return "-".join(surname_dative(part, gender) for part in surname.split("-"))
    low = surname.casefold()
    if len(low) < 2 or low.endswith(_INDECLINABLE_ENDINGS):
        return surname
    if gender == "femn" and low[-1] not in _VOWELS and low[-1] != "ь":
        return surname
    if gender == "femn" and low.endswith("ь"):
        return surname
    parses = _morph().parse(surname)
    wanted = {"Surn", gender} if gender else {"Surn"}
    ranked = [p for p in parses if wanted <= p.tag.grammemes] or [
        p for p in parses if "Surn" in p.tag.grammemes
    ]
    if not ranked and gender == "masc":
        # «Стрелков» reads as the genitive plural of «стрелок»; its genitive «Стрелкова» is a known surname.
        ranked = [
            p
            for p in _morph().parse(surname + "а")
            if {"Surn", "masc", "gent"} <= p.tag.grammemes and p.normal_form == low
        ]
    if not ranked and gender:
        ranked = [p for p in parses if {"NOUN", gender} <= p.tag.grammemes and "nomn" in p.tag.grammemes]
    for parse in ranked:
        inflected = parse.inflect({"datv", "sing"} | ({gender} if gender and "Surn" in parse.tag else set()))
        if inflected:
            return _title(inflected.word, surname)
    return surname


def split_name(full_name: str) -> tuple[str, str | None, str | None]:
    parts = full_name.split()
    if not parts:
        return "", None, None
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def dative_short(full_name: str, style: str = "surname_initials", gender: str | None = None) -> str:
    """«Иванова Анна Сергеевна» → «Ивановой А.С.» (style `surname_initials`), «А.С. Ивановой»
    (`initials_surname`); `spaced` variants put a space between the initials."""
    surname, first, patronymic = split_name(full_name)
    if not surname:
        return full_name
    gender = gender or gender_of(first, patronymic)
    dative = surname_dative(surname, gender)
    sep = " " if style.endswith("spaced") else ""
    initials = sep.join(f"{p[0].upper()}." for p in (first, patronymic) if p)
    if style.startswith("initials_surname"):
        return f"{initials} {dative}".strip()
    return f"{dative} {initials}".strip()
