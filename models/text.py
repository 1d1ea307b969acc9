"""Text normalisation shared by the models: optional lemmatisation with pymorphy3 (cached per word form)."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[а-яёa-z0-9]+", re.I)


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    if not word.isalpha() or len(word) < 3:
        return word
    return _morph().parse(word)[0].normal_form


def lemmatise(text: str) -> str:
    return " ".join(lemma(w) for w in _WORD.findall(text.casefold().replace("ё", "е")))


def plain(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold().replace("ё", "е")))
