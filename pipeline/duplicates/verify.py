"""Decide whether a candidate is an exact duplicate, a near duplicate or a repeat appeal, and say why."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.contract import DuplicateHit
from pipeline.duplicates import normalize as nz
from pipeline.duplicates.records import IndexRecord

NEAR_TEXT = 0.85  # text similarity alone that makes a near duplicate
NEAR_TEXT_OTHER_REFERENCE = 0.9  # the same sender's letter under another outgoing number
NEAR_WITH_REFERENCE = 0.45  # enough when correspondent, outgoing number and date all agree
REPEAT_QUESTION = 0.35  # word overlap of the two appeals' content that counts as the same question
FACTS_AGREE = 0.6  # below it two similar texts state different figures: different letters
MIN_EXACT_CHARS = 20
TEXT_GATE = 0.25  # estimated shingle Jaccard under which the texts are not compared at all
COLLECTIVE_TEXT = 0.7  # one appeal text under other signers' names and addresses
COLLECTIVE_FACTS = 0.35  # ...and the same house, dates and figures: templated appeals share words, not facts


@dataclass
class Query:
    record: IndexRecord
    normalized: str
    minhash: Any
    text_key: str | None
    reference_key: str | None
    correspondent_key: str | None
    name_key: str | None
    email_key: str | None
    phone_key: str | None
    address_key: str | None
    words: set[str]
    facts: set[str]
    own_tokens: frozenset[str]  # the query's own number, date, address and phone digits: not facts to compare
    free_facts: frozenset[str]  # facts less own_tokens
    person_keys: tuple[tuple[str, str], ...]  # (column, key) of the applicant's keys the query has

    @classmethod
    def build(cls, record: IndexRecord, normalized: str, minhash: Any) -> Query:
        own = _own_tokens(
            record.outgoing_number, record.outgoing_date, record.applicant_address, record.applicant_phone
        )
        found = facts(normalized)
        person = (
            ("email_key", nz.email_key(record.applicant_email)),
            ("phone_key", nz.phone_key(record.applicant_phone)),
            ("name_key", nz.name_key(record.applicant_name)),
            ("address_key", nz.address_key(record.applicant_address)),
        )
        return cls(
            record=record,
            normalized=normalized,
            minhash=minhash,
            text_key=nz.text_key(normalized) if len(normalized) >= MIN_EXACT_CHARS else None,
            reference_key=nz.reference_key(record.outgoing_number),
            correspondent_key=nz.org_key(record.correspondent_name),
            email_key=person[0][1],
            phone_key=person[1][1],
            name_key=person[2][1],
            address_key=person[3][1],
            words=content_words(normalized),
            facts=found,
            own_tokens=own,
            free_facts=frozenset(found - own),
            person_keys=tuple((column, key) for column, key in person if key),
        )


def content_words(normalized: str) -> set[str]:
    """Word stems (first 5 letters) of the longer words: new wording keeps the same nouns in other forms."""
    return {w[:5] for w in normalized.split() if len(w) > 3 and not w.isdigit()}


_FACT = re.compile(
    r"\b(?:\w*\d\w*|(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*)"
)
_DIGITS = re.compile(r"\d+")
_DIGITLIKE = str.maketrans("озбlі", "03611")


def facts(normalized: str, *, ignore: set[str] = frozenset()) -> set[str]:
    """The figures and months of a text: what differs between this month's report and last month's."""
    found = set()
    for token in _FACT.findall(normalized):
        if token[0].isalpha() and not any(ch.isdigit() for ch in token):
            found.add(token[:4])
            continue
        token = token.translate(_DIGITLIKE)
        if token.isdigit():
            token = token.lstrip("0") or "0"
            if token not in ignore:
                found.add(token)
    return found


def _header_tokens(number: str | None, date: dt.date | None) -> set[str]:
    tokens = set(nz.normalize_text(number or "").split())
    if date:
        tokens |= {str(date.day), f"{date.day:02d}", f"{date.month:02d}", str(date.month), str(date.year)}
    return {t.lstrip("0") or "0" for t in tokens}


@lru_cache(maxsize=65536)
def _own_tokens(
    number: str | None, date: dt.date | None, address: str | None, phone: str | None
) -> frozenset[str]:
    # cached: every lookup asks it again for each candidate row, and a sender's numbers repeat
    tokens = _header_tokens(number, date)
    for value in (address, phone):
        if value:
            tokens |= {t.lstrip("0") or "0" for t in _DIGITS.findall(value)}
    return frozenset(tokens)


@lru_cache(maxsize=65536)
def _stored_facts(stored: str) -> frozenset[str]:
    return frozenset(stored.split())


def facts_agree(query: Query, row: Any, candidate_text: str) -> float:
    """Share of the two letters' figures and months that agree, leaving out their own number and date."""
    row_own = _own_tokens(
        row["outgoing_number"], row["outgoing_date"], row["applicant_address"], row["applicant_phone"]
    )
    stored = row.get("facts") if hasattr(row, "get") else None
    return _agreement(query, row_own, _stored_facts(stored) if stored is not None else facts(candidate_text))


def _agreement(query: Query, row_own: frozenset[str], row_facts: frozenset[str] | set[str]) -> float:
    b = row_facts - query.own_tokens - row_own
    a = query.free_facts - row_own
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return 1.0 if union < 3 else shared / union


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def text_similarity(a: str, b: str, at_least: float = 0.0) -> float:
    """Indel similarity of two texts; 0.0 when it is below `at_least` (rapidfuzz then stops early)."""
    from rapidfuzz import fuzz

    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b, score_cutoff=max(0.0, at_least * 100 - 1e-6)) / 100.0


def _fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def classify(query: Query, row: Any) -> DuplicateHit | None:
    """The kind of duplicate the stored letter `row` is of the query, or None."""
    record = query.record
    doc_id = row["document_id"]

    if record.file_sha256 and row["file_sha256"] == record.file_sha256:
        return DuplicateHit(
            document_id=doc_id, kind="exact", score=1.0, reason="тот же файл (совпадает sha256)"
        )
    if query.text_key and row["text_key"] == query.text_key:
        return DuplicateHit(
            document_id=doc_id, kind="exact", score=1.0, reason="тот же текст после нормализации"
        )

    same_reference = bool(query.reference_key) and row["reference_key"] == query.reference_key
    same_date = record.outgoing_date is not None and row["outgoing_date"] == record.outgoing_date
    same_correspondent = bool(
        (record.correspondent_id and row["correspondent_id"] == record.correspondent_id)
        or (query.correspondent_key and row["correspondent_key"] == query.correspondent_key)
    )
    # the signatures say cheaply whether comparing the texts is worth it
    if estimated_jaccard(query, row) < TEXT_GATE and not (same_reference and same_correspondent):
        return _repeat_appeal(query, row, None)
    candidate_text = _normalized(row)
    strong = same_reference and same_date and same_correspondent
    # cheapest test first: most candidates share a template and boilerplate but state other figures
    agree = 1.0 if strong else facts_agree(query, row, candidate_text)
    if agree < min(FACTS_AGREE, COLLECTIVE_FACTS):
        return _repeat_appeal(query, row, candidate_text)
    collective = _collective(query, row) and _other_signer(query, row)
    # every decision below needs at least this much similarity: below it only a repeat appeal is left
    needed_any = NEAR_WITH_REFERENCE if strong else (COLLECTIVE_TEXT if collective else NEAR_TEXT)
    similarity = text_similarity(query.normalized, candidate_text, needed_any)
    if similarity == 0.0:
        return _repeat_appeal(query, row, candidate_text)

    if strong and similarity >= NEAR_WITH_REFERENCE:
        who = row["correspondent_name"] or row["correspondent_id"] or ""
        reason = (
            f"тот же исх. № {row['outgoing_number']} от {_fmt_date(row['outgoing_date'])}, {who}; "
            f"текст совпадает на {similarity:.0%}"
        )
        return DuplicateHit(
            document_id=doc_id, kind="near", score=round(max(similarity, 0.9), 4), reason=reason
        )
    if (
        similarity >= (COLLECTIVE_TEXT if _collective(query, row) else NEAR_TEXT)
        and _other_signer(query, row)
        and not (record.topic_code and row["topic_code"] and record.topic_code != row["topic_code"])
        and agree >= COLLECTIVE_FACTS
    ):
        reason = f"коллективное обращение: текст совпадает на {similarity:.0%}, подписал(а) {row['applicant_name']}"
        return DuplicateHit(
            document_id=doc_id, kind="repeat_appeal", score=round(similarity, 4), reason=reason
        )
    # a look-alike shares the template but states other figures (a monthly report, a follow-up)
    # two numbers from one sender: a re-send keeps the body, a new letter on the same template does not
    other_reference = bool(query.reference_key and row["reference_key"]) and not same_reference
    needed = NEAR_TEXT_OTHER_REFERENCE if other_reference and same_correspondent else NEAR_TEXT
    if similarity >= needed and agree >= FACTS_AGREE:
        reason = f"текст совпадает на {similarity:.0%}"
        if same_reference:
            reason = f"тот же исх. № {row['outgoing_number']}; " + reason
        return DuplicateHit(document_id=doc_id, kind="near", score=round(similarity, 4), reason=reason)

    return _repeat_appeal(query, row, candidate_text)


def light_row(row: Any) -> dict[str, Any]:
    """A stored row without its texts as cannot_hit reads it: a dict, with its own tokens, figures and
    signature values worked out once (the row is kept and meets many queries)."""
    import numpy as np

    out = dict(row)
    out["own_tokens"] = _own_tokens(
        row["outgoing_number"], row["outgoing_date"], row["applicant_address"], row["applicant_phone"]
    )
    out["facts_set"] = None if row["facts"] is None else _stored_facts(row["facts"])
    out["signature_values"] = np.frombuffer(row["signature"], dtype=np.uint32) if row["signature"] else None
    return out


def cannot_hit(query: Query, row: dict[str, Any]) -> bool:
    """True when `classify(query, row)` is surely None, told without the row's text (a `light_row`): no shared
    file, text, reference or person, and a signature or figures too far apart for a near or collective hit.
    Most candidates of a templated letter end here, so their texts are never read."""
    record = query.record
    if (record.file_sha256 and row["file_sha256"] == record.file_sha256) or (
        query.text_key and row["text_key"] == query.text_key
    ):
        return False
    if query.reference_key and row["reference_key"] == query.reference_key:
        return False
    for column, key in query.person_keys:
        if row[column] == key:
            return False  # a repeat appeal is possible, whatever the text
    values = row["signature_values"]
    if query.minhash is None or values is None:
        return True  # estimated_jaccard is 0.0: below the gate
    if _signature_agreement(values, query.minhash) < TEXT_GATE:
        return True
    if row["facts_set"] is None:
        return False
    return _agreement(query, row["own_tokens"], row["facts_set"]) < min(FACTS_AGREE, COLLECTIVE_FACTS)


def _signature_agreement(values: Any, minhash: Any) -> float:
    """The share of MinHash values two signatures share: the estimate of their shingles' Jaccard."""
    import numpy as np

    return np.count_nonzero(values == minhash) / values.size


def _collective(query: Query, row: Any) -> bool:
    """Either card calls the letter a collective appeal, or neither card knows its kind."""
    kinds = {query.record.doc_kind, row["doc_kind"]}
    return "collective_appeal" in kinds or kinds == {None}


def _other_signer(query: Query, row: Any) -> bool:
    """Both letters name an applicant and they are different people: one text, several signers."""
    if not query.name_key or not row["name_key"] or query.name_key == row["name_key"]:
        return False
    same_contact = (query.email_key and query.email_key == row["email_key"]) or (
        query.phone_key and query.phone_key == row["phone_key"]
    )
    return not same_contact


def _normalized(row: Any) -> str:
    stored = row.get("text_norm") if hasattr(row, "get") else None
    return stored if stored is not None else nz.normalize_text(row.get("text") or "")


def estimated_jaccard(query: Query, row: Any) -> float:
    import numpy as np

    if query.minhash is None or not row["signature"]:
        return 0.0
    return _signature_agreement(np.frombuffer(row["signature"], dtype=np.uint32), query.minhash)


def _other_section(a: str | None, b: str | None) -> bool:
    """Both letters carry a topic and they differ in its section (the first two levels of the classifier code):
    a clerk may file the same question under a neighbouring theme, hardly under another section."""
    if not a or not b:
        return False
    return a.split(".")[:2] != b.split(".")[:2]


def _repeat_appeal(query: Query, row: Any, candidate_text: str | None) -> DuplicateHit | None:
    record = query.record
    same = []  # (what matched, the clerk's words for it)
    if query.email_key and row["email_key"] == query.email_key:
        same.append(("email", f"e-mail {row['applicant_email']}"))
    if query.phone_key and row["phone_key"] == query.phone_key:
        same.append(("phone", f"телефон {row['applicant_phone']}"))
    if query.name_key and row["name_key"] == query.name_key:
        same.append(("name", f"заявитель {row['applicant_name']}"))
    if query.address_key and row["address_key"] == query.address_key:
        same.append(("address", f"адрес {row['applicant_address']}"))
    if not same:
        return None
    strong = len(same) >= 2 or same[0][0] not in ("name", "address")
    if record.reg_date is not None and row["reg_date"] is not None and row["reg_date"] > record.reg_date:
        return None  # a repeat appeal follows the earlier one
    if _other_section(record.topic_code, row["topic_code"]):
        return None  # the same person on another question: the classifier's section says so before any words
    if candidate_text is None:
        candidate_text = _normalized(row)
    overlap = _overlap(query.words, content_words(candidate_text))
    same_topic = bool(record.topic_code) and row["topic_code"] == record.topic_code
    if overlap < REPEAT_QUESTION and not (same_topic and overlap >= REPEAT_QUESTION / 2):
        return None
    person = 1.0 if strong else 0.8
    score = round(min(1.0, person * (0.5 + 0.5 * overlap) + (0.05 if same_topic else 0.0)), 4)
    when = f" (зарегистрировано {_fmt_date(row['reg_date'])})" if row["reg_date"] else ""
    reason = f"тот же {', '.join(words for _, words in same)}{when}; вопрос совпадает по значимым словам на {overlap:.0%}"
    if same_topic:
        reason += f", та же тема {row['topic_code']}"
    return DuplicateHit(document_id=row["document_id"], kind="repeat_appeal", score=score, reason=reason)
