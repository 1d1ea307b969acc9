"""Repair Latin/Cyrillic look-alikes that OCR puts into Russian words («Ha» → «На», «2025r.» → «2025 г.»).

Only OCR output goes through here. A token is changed when it mixes scripts, or when it is all-Latin
look-alikes between Russian words and the Cyrillic reading is a word pymorphy3 knows. E-mail addresses,
URLs and codes are left alone, and in them Cyrillic look-alikes are turned back into Latin.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

_TO_CYRILLIC: dict[str, str] = {
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
    "r": "гт", "n": "п", "u": "и", "m": "т", "b": "ьв", "h": "н",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У",
}  # fmt: skip
_DIGIT_TO_CYRILLIC = {"3": "Зз", "0": "Оо", "6": "б"}
_TO_LATIN = {
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "к": "k",
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X",
}  # fmt: skip

_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z]")
_CORE = re.compile(r"^([^\wА-Яа-яЁё]*)(.*?)([^\wА-Яа-яЁё]*)$", re.DOTALL)
_MACHINE = re.compile(r"@|://|^www\.|\.(ru|рф|com|org|net|gov|su|html?)\b|_", re.IGNORECASE)
_YEAR_R = re.compile(r"^(\d{4})[rг](\.?)$")
_LAW = re.compile(r"^(\d+-)([А-ЯЁA-Z]{1,3})3$")
_INITIALS = re.compile(r"^[A-ZА-ЯЁ30]\.[A-ZА-ЯЁ30]$")  # «В.З» read as «B.3»
_LABELS = {"е-тай": "e-mail", "Е-тай": "E-mail", "е-та": "e-mail"}  # Latin labels read in Cyrillic
_MAX_AMBIGUOUS = 4
_NUMBER_SIGNS = {"No", "No.", "N°", "Nо", "Ne", "Ns", "Nº"}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def _known(word: str) -> bool:
    return _morph().word_is_known(word.lower())


def _candidates(core: str, digits: bool) -> list[str]:
    options: list[str] = []
    ambiguous = 0
    upper = core.isupper()
    for ch in core:
        if ch in _TO_CYRILLIC:
            opts = _TO_CYRILLIC[ch]
        elif digits and ch in _DIGIT_TO_CYRILLIC:
            opts = _DIGIT_TO_CYRILLIC[ch]
            opts = [o for o in opts if o.isupper() == upper] or opts
        elif _LAT.match(ch):
            return []  # a Latin letter with no Cyrillic twin: real Latin
        else:
            opts = ch
        ambiguous += len(opts) > 1
        options.append(opts)
    if ambiguous > _MAX_AMBIGUOUS:
        options = [o[0] for o in options]
    return ["".join(p) for p in itertools.product(*options)]


def _pick(candidates: list[str], require_known: bool) -> str | None:
    for cand in candidates:
        if all(_known(part) for part in cand.split("-") if part):
            # «oT» is «от», not «оТ»: a word that starts in lower case stays lower case
            return cand.lower() if cand[:1].islower() else cand
    if require_known or not candidates:
        return None
    return candidates[0]


def _is_russian(token: str) -> bool:
    return bool(_CYR.search(token)) and not _LAT.search(token)


def repair_token(token: str, russian_context: bool) -> str:
    """One whitespace-free token, knowing whether its neighbours are Russian words."""
    if not token:
        return token
    match = _YEAR_R.match(token)
    if match:
        return f"{match.group(1)} г{match.group(2)}"
    lead, core, tail = _CORE.match(token).groups()
    if not core:
        return token
    if _MACHINE.search(token):
        return lead + "".join(_TO_LATIN.get(ch, ch) for ch in core) + tail if _LAT.search(core) else token
    if core in _LABELS:
        return lead + _LABELS[core] + tail
    if (
        _INITIALS.match(core)
        and not core.replace(".", "").isdigit()
        and (_CYR.search(core) or russian_context)
    ):
        initials = [_DIGIT_TO_CYRILLIC.get(ch, _TO_CYRILLIC.get(ch, ch))[0] for ch in core]
        return lead + "".join(initials) + tail
    law = _LAW.match(core)
    if law:
        letters = "".join(_TO_CYRILLIC.get(ch, ch)[0] for ch in law.group(2))
        return f"{lead}{law.group(1)}{letters}З{tail}"
    has_cyr, has_lat = bool(_CYR.search(core)), bool(_LAT.search(core))
    if has_cyr and has_lat:
        fixed = _pick(_candidates(core, digits=True), require_known=False)
        return lead + fixed + tail if fixed else token
    if has_cyr and len(core) >= 4 and re.search(r"[А-Яа-яЁё][306]|[306][А-Яа-яЁё]", core):
        fixed = _pick(_candidates(core, digits=True), require_known=True)
        return lead + fixed + tail if fixed else token
    if has_lat and russian_context and core.isalpha():
        fixed = _pick(_candidates(core, digits=False), require_known=True)
        return lead + fixed + tail if fixed else token
    return token


def repair_words(texts: list[str]) -> list[str]:
    """Repair a line's (or page's) words in order; neighbours decide whether Latin-only words are Russian."""
    out = []
    for i, text in enumerate(texts):
        if text in _NUMBER_SIGNS and i + 1 < len(texts) and texts[i + 1][:1].isdigit():
            out.append("№")
            continue
        window = texts[max(0, i - 2) : i] + texts[i + 1 : i + 3]
        russian = sum(_is_russian(w) for w in window)
        latin = sum(bool(_LAT.search(w)) and not _CYR.search(w) for w in window)
        # Among Russian words, or among numbers and signs with no Latin word near (« oT 21.07.2025»).
        russian_context = russian >= latin and (russian > 0 or latin == 0)
        out.append(repair_token(text, russian_context=russian_context))
    return out


def repair_text(text: str) -> str:
    """Repair free text line by line, keeping its whitespace."""
    lines = []
    for line in text.split("\n"):
        parts = re.split(r"(\s+)", line)
        tokens = parts[0::2]
        fixed = repair_words(tokens)
        parts[0::2] = fixed
        lines.append("".join(parts))
    return "\n".join(lines)
