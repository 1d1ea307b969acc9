"""Shared language tools for the card stages, loaded once and lazily (natasha NER, pymorphy3, dateparser)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Span:
    type: str  # PER, ORG, LOC
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _ner():
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


@lru_cache(maxsize=1)
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def entities(text: str) -> list[Span]:
    """Named entities (PER, ORG, LOC) of `text` with their offsets, by natasha's news NER."""
    if not text.strip():
        return []
    from natasha import Doc

    segmenter, tagger = _ner()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [Span(s.type, s.start, s.stop, s.text) for s in doc.spans]


_INITIAL = re.compile(r"^[А-ЯЁA-Z]\.?$")
_NAME_TAGS = ("Surn", "Name", "Patr")


def _gender(words: list[str]) -> str | None:
    """The person's gender from the patronymic, else the first name (a nominative reading first)."""
    for tag in ("Patr", "Name"):
        for nominative_first in (True, False):
            for word in words:
                for parse in morph().parse(word):
                    if tag not in parse.tag or parse.tag.gender not in {"masc", "femn"}:
                        continue
                    if nominative_first and parse.tag.case != "nomn":
                        continue
                    return parse.tag.gender
    return None


def nominative_name(name: str) -> str:
    """«Пахомовой Маргариты Тимуровны» → «Пахомова Маргарита Тимуровна»; initials are kept as written."""
    words = re.findall(r"[А-ЯЁа-яёA-Za-z]+(?:-[А-ЯЁа-яё]+)?\.?", name)
    full = [w for w in words if not _INITIAL.match(w)]
    gender = _gender(full)
    case = _case(full, gender)
    out: list[str] = []
    for word in words:
        if _INITIAL.match(word):
            out.append(word[0].upper() + ".")
            continue
        best = None
        parses = morph().parse(word)
        if not _given_name(parses, case, gender):
            # the surname: written in the nominative when the first name or patronymic is, else put back by
            # inflecting candidate nominatives (the dictionary reads «Ореховой» as an adjective, «Пестова»
            # as a village)
            if case == "nomn":
                out.append(word.capitalize())
                continue
            surname = _surname_nominative(word, case, gender)
            if surname:
                out.append(surname)
                continue
        named = [p for p in parses if any(t in p.tag for t in _NAME_TAGS)]
        nominative = [
            p
            for p in named
            if p.tag.case == "nomn" and p.tag.number == "sing" and (gender is None or p.tag.gender == gender)
        ]
        # keep a word already in the nominative: its likeliest reading, or any reading when the gender is unknown
        if nominative and (gender is None or named[0] in nominative or "Surn" in nominative[0].tag):
            out.append(word.capitalize())
            continue
        for parse in parses:
            if not any(t in parse.tag for t in _NAME_TAGS):
                continue
            if gender and parse.tag.gender not in {gender, None} and "Surn" not in parse.tag:
                continue
            wanted = {"nomn", "sing"} | ({gender} if gender and "Surn" in parse.tag else set())
            inflected = parse.inflect(wanted) or parse.inflect({"nomn"})
            if inflected is not None:
                best = inflected.word
                break
        if best is None and case not in {None, "nomn"}:
            best = _unknown_surname(parses, case, gender)
        out.append((best or word).capitalize() if best else word)
    return _join_initials(" ".join(out))


def _given_name(parses, case: str | None, gender: str | None) -> bool:
    """Is the word a first name or patronymic in the name's case (so not the surname)?"""
    return any(
        ("Name" in p.tag or "Patr" in p.tag)
        and (case is None or p.tag.case == case)
        and (gender is None or p.tag.gender == gender)
        for p in parses
    )


_OBLIQUE_CASES = {"gent", "datv", "accs", "ablt", "loct"}
_NOMINATIVE_ENDINGS = ("", "а", "я", "ь", "й", "ой", "ий", "ый", "ая", "яя", "о")


@lru_cache(maxsize=4096)
def _surname_nominative(word: str, case: str | None, gender: str | None) -> str | None:
    """The nominative surname that declines into `word` in `case` for `gender` («Пестова», genitive,
    masculine → «Пестов»): the word's stem with each usual nominative ending, kept when pymorphy3 reads it
    as a nominative of that gender and inflects it back into the written form; None when none does."""
    if case not in _OBLIQUE_CASES or gender not in {"masc", "femn"}:
        return None
    written = word.casefold()
    candidates = [
        (written[: len(written) - cut] if cut else written) + ending
        for cut in range(0, 4)
        if len(written) - cut >= 2
        for ending in _NOMINATIVE_ENDINGS
    ]
    # the model surnames' paradigms first (string work), the dictionary's readings only when none fits:
    # parsing some forty candidates costs more than the rest of the card
    for declines in (_declines_by_analogy, _declines_by_dictionary):
        found = [c for c in dict.fromkeys(candidates) if declines(c, case, gender, written)]
        declinable = [c for c in found if c != written]
        # the shortest reading: «Кузнецовым» is «Кузнецов», not the adjective-like «Кузнецовый»; an
        # indeclinable surname («Черных») only when no declinable one fits
        best = min(declinable, key=len) if declinable else next(iter(found), None)
        if best:
            return best.capitalize()
    return None


# Surnames pymorphy3's dictionary knows, one per declension pattern: a surname it lacks («Пестов» is read as
# «пест», plural genitive) declines like the known one with the longest common ending.
_MODEL_SURNAMES = (
    "иванов",
    "иванова",
    "медведев",
    "медведева",
    "ильин",
    "ильина",
    "достоевский",
    "достоевская",
    "троцкий",
    "троцкая",
    "толстой",
    "толстая",
)


def _declines_by_dictionary(candidate: str, case: str, gender: str, written: str) -> bool:
    """Does pymorphy3 read `candidate` as a nominative surname of `gender` that takes the form `written`
    in `case`?"""
    for parse in morph().parse(candidate):
        tag = parse.tag
        if "Surn" not in tag or tag.case != "nomn" or tag.number == "plur" or tag.gender != gender:
            continue
        inflected = parse.inflect({case, "sing", gender})
        if inflected is not None and inflected.word == written:
            return True
    return False


def _declines_by_analogy(candidate: str, case: str, gender: str, written: str) -> bool:
    """Does `candidate` decline into `written` like the model surname it ends like?"""
    return _by_analogy(candidate, case, gender) == written


@lru_cache(maxsize=4096)
def _by_analogy(candidate: str, case: str, gender: str) -> str | None:
    best = None
    for model in _MODEL_SURNAMES:
        common = next(
            (k for k in range(min(len(model), len(candidate)), 0, -1) if candidate.endswith(model[-k:])), 0
        )
        if common >= 2 and (best is None or common > best[1]):
            parse = _surname_parse(model, gender)
            if parse is not None:
                best = (parse, common, model)
    if best is None:
        return None
    parse, _, model = best
    inflected = parse.inflect({case, "sing", gender})
    if inflected is None:
        return None
    form = inflected.word
    prefix = next(
        k for k in range(len(model) + 1) if k == len(model) or k == len(form) or model[k] != form[k]
    )
    changed = len(model) - prefix
    if changed and not candidate.endswith(model[prefix:]):
        return None
    return candidate[: len(candidate) - changed] + form[prefix:]


@lru_cache(maxsize=32)
def _surname_parse(model: str, gender: str):
    return next(
        (
            p
            for p in morph().parse(model)
            if "Surn" in p.tag and p.tag.case == "nomn" and p.tag.gender == gender and p.tag.number == "sing"
        ),
        None,
    )


def _case(words: list[str], gender: str | None) -> str | None:
    """The grammatical case the name is written in, read from its first name or patronymic."""
    for tag in ("Patr", "Name"):
        for word in words:
            for parse in morph().parse(word):
                if tag in parse.tag and (gender is None or parse.tag.gender == gender):
                    return parse.tag.case
    return None


def _unknown_surname(parses, case: str, gender: str | None) -> str | None:
    """A surname the dictionary lacks («Зимина» after «Саввы Филипповича»): the reading in the name's case
    and gender, put in the nominative."""
    for parse in parses:
        if (
            parse.tag.case == case
            and parse.tag.POS in {"NOUN", "ADJF"}
            and (gender is None or parse.tag.gender == gender)
        ):
            inflected = parse.inflect({"nomn", "sing"})
            if inflected is not None:
                return inflected.word
    return None


def short_name(name: str) -> str:
    """«Ф.Ф. Игнатову», «Игнатову Филарету Филатовичу» → «Игнатов Ф.Ф.» (surname in the nominative, initials)."""
    full = nominative_name(name)
    words = full.split()
    initials = [w for w in words if _INITIAL.match(w) or re.fullmatch(r"(?:[А-ЯЁ]\.){2}", w)]
    names = [w for w in words if w not in initials]
    if not names:
        return full
    if initials:
        return f"{names[-1] if words[0] in initials else names[0]} {''.join(initials)}"
    surname, rest = names[0], names[1:]
    return f"{surname} {''.join(w[0].upper() + '.' for w in rest)}".strip()


def _join_initials(text: str) -> str:
    return re.sub(r"([А-ЯЁ]\.)\s+(?=[А-ЯЁ]\.)", r"\1", text)


_MONTHS = (
    "январ[яье]|феврал[яье]|март[ае]?|апрел[яье]|ма[яйе]|июн[яье]|июл[яье]|август[ае]?|"
    "сентябр[яье]|октябр[яье]|ноябр[яье]|декабр[яье]"
)
# A date as it is written in Russian letters: «14.03.2024», «14.03.24», «12 апреля 2024 года», «"04" февраля 2025 г.»
DATE = re.compile(
    r"(?P<date>(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)|(?<!\d)\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?(?:\d{4}|\d{2})(?!\d)"
    r"|[«\"“]?\s?\d{1,2}\s?[»\"”]?[\s_]+(?:" + _MONTHS + r")[\s_]+\d{4})(?:\s?(?:г\.|года|г(?=\W)))?",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def parse_date(text: str) -> dt.date | None:
    """A date written in Russian to a date (genitive months keep their day), or None when it is none."""
    import dateparser

    cleaned = re.sub(r"[«»\"“”_]", " ", text)
    cleaned = re.sub(r"\s*([./])\s*", r"\1", cleaned)
    cleaned = re.sub(r"\s+(г\.?|года)$", "", cleaned.strip())
    parsed = dateparser.parse(
        cleaned, languages=["ru"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
    )
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed.date()
