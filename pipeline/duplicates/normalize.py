"""Keys the index compares: normalised text, shingle hashes, and person/reference keys."""

from __future__ import annotations

import hashlib
import re
from typing import Any

# OCR mixes Latin and Cyrillic look-alike letters; fold them so "Mинстрой" and "Минстрой" shingle alike.
_LOOKALIKES = str.maketrans("aceopxykmthbё", "асеорхукмтнве")
_NON_WORD = re.compile(r"[\W_]+")
_SHINGLE = 4
_BASE = 1_000_003


def normalize_text(text: str) -> str:
    """Lower case, look-alikes folded, punctuation dropped, whitespace collapsed."""
    return _NON_WORD.sub(" ", text.lower().translate(_LOOKALIKES)).strip()


def text_key(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def shingle_hashes(normalized: str, k: int = _SHINGLE) -> list[int]:
    return shingle_array(normalized, k).tolist()


def shingle_array(normalized: str, k: int = _SHINGLE) -> Any:
    """Distinct 32-bit hashes (uint64 array) of the character k-grams of the text with spaces removed.

    Spaces go because OCR splits and glues words; characters survive both.
    """
    import numpy as np

    compact = normalized.replace(" ", "")
    if not compact:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        k = len(codes)
    n = len(codes) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k):
            acc = acc * np.uint64(_BASE) + codes[i : i + n]
        acc = acc * np.uint64(0x9E3779B97F4A7C15)
    return np.unique(acc >> np.uint64(32))


def words(normalized: str) -> list[str]:
    return normalized.split()


def name_key(name: str | None) -> str | None:
    """Full name as a bag of its words (order-free: «Иванов Иван» == «Иван Иванов»)."""
    if not name:
        return None
    tokens = sorted(t for t in normalize_text(name).split() if len(t) > 1)
    return " ".join(tokens) or None


def email_key(email: str | None) -> str | None:
    if not email:
        return None
    email = email.strip().lower()
    return email if "@" in email else None


def phone_key(phone: str | None) -> str | None:
    """The last ten digits: +7, 8 and formatting do not matter."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    return digits[-10:] if len(digits) >= 10 else None


_ADDRESS_NOISE = re.compile(
    r"\b(г|гор|город|ул|улица|д|дом|кв|квартира|пр|пр-т|проспект|пер|переулок|обл|область|р-н|район)\b\.?"
)


def address_key(address: str | None) -> str | None:
    if not address:
        return None
    text = _ADDRESS_NOISE.sub(" ", address.lower().replace("ё", "е"))
    text = re.sub(r"\b\d{6}\b", " ", text)  # the postcode is often left out
    tokens = _NON_WORD.sub(" ", text).split()
    return " ".join(tokens) or None


def reference_key(number: str | None) -> str | None:
    """Outgoing number without spaces, «№», case and look-alike differences."""
    if not number:
        return None
    text = number.lower().translate(_LOOKALIKES).replace("№", "").replace("n", "")
    text = re.sub(r"[\s\-‐–—_]+", "-", text.strip(" .-"))
    text = re.sub(r"-?([/\\.])-?", r"\1", text)
    return text or None


def org_key(name: str | None) -> str | None:
    if not name:
        return None
    return normalize_text(name).replace('"', "") or None
