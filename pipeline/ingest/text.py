"""Plain text in any common Russian encoding."""

from __future__ import annotations

import unicodedata

from docket.errors import InputError, UnsupportedFormat

_ENCODINGS = ["cp1251", "koi8_r", "cp866", "utf_16", "mac_cyrillic"]


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown Russian encoding (UTF-8, windows-1251, koi8-r, cp866, UTF-16)."""
    from charset_normalizer import from_bytes

    if not data:
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("the text claims UTF-16 but does not decode as UTF-16") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_ENCODINGS).best()
    if best is None:
        raise InputError("the text is not in any known encoding")
    return str(best)


def check_binary(data: bytes) -> None:
    """Refuse bytes that are not text at all (random or unknown binary data)."""
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise UnsupportedFormat("unsupported file type: binary data that is no format docket reads")


def check_readable(text: str) -> None:
    """Decoded text must be mostly letters, digits, spaces and punctuation, not mojibake."""
    sample = text[:65536]
    if not sample.strip():
        raise InputError("the document has no text")
    odd = 0
    for ch in sample:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f" or ch == "\ufffd":
            odd += 1
    if odd > len(sample) * 0.02:
        raise InputError("the text cannot be decoded: it is not in any known encoding")
