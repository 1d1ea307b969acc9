"""One tenant's duplicate index: candidates from MinHash LSH and from stored keys, verified per kind."""

from __future__ import annotations

import threading
from typing import Any

from pipeline.contract import DuplicateHit
from pipeline.duplicates import normalize as nz
from pipeline.duplicates.records import IndexRecord
from pipeline.duplicates.verify import TEXT_GATE, Query, cannot_hit, classify, facts, light_row

NUM_PERM = 64
LSH_THRESHOLD = 0.3  # Jaccard of 4-gram shingles; OCR noise and another layout pull true pairs down to ~0.4
MAX_CANDIDATES = 200
RECENT_SAME_TOPIC = 30
MAX_LSH = (
    50  # unkeyed candidates verified, the closest by their sketches first (30 lost no hit on 3,400 queries)
)
MAX_BANDED = 2000  # LSH candidates whose sketches are compared, those sharing most bands first
LIGHT_ROWS_KEPT = 20_000  # candidates' rows without texts kept in memory (~1 KB each)
_SEED = 7


class DuplicateIndex:
    """One tenant's index over a storage backend. Every key and query carries the tenant."""

    def __init__(
        self, engine: Any, tenant: str, *, threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM
    ):
        if not tenant:
            raise ValueError("tenant must be a non-empty string")
        self.engine = engine
        self.tenant = tenant
        self.threshold = threshold
        self.num_perm = num_perm
        self._bands: Any = None
        self._last_seq = 0
        self._statements: dict[tuple, Any] = {}
        self._light: dict[int, Any] = {}
        self._light_lock = threading.Lock()

    # -- signatures ---------------------------------------------------------------------------------------
    def _minhash(self, normalized: str) -> Any:
        """The letter's MinHash values (uint32 array), or None for a text without characters."""
        from pipeline.duplicates.signature import signature

        return signature(normalized, self.num_perm, _SEED)

    def _rows(self, records: list[IndexRecord]) -> list[dict[str, Any]]:
        from pipeline.duplicates.signature import signatures

        normalized = [nz.normalize_text(record.text) for record in records]
        values = signatures(normalized, self.num_perm, _SEED)
        return [
            self._row(record, text, sig.tobytes() if text.replace(" ", "") else None)
            for record, text, sig in zip(records, normalized, values, strict=True)
        ]

    def _row(self, record: IndexRecord, normalized: str, signature: bytes | None) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "document_id": record.document_id,
            "reg_date": record.reg_date,
            "file_sha256": record.file_sha256,
            "text_key": nz.text_key(normalized) if normalized else None,
            "correspondent_id": record.correspondent_id,
            "correspondent_name": record.correspondent_name,
            "correspondent_key": nz.org_key(record.correspondent_name),
            "outgoing_number": record.outgoing_number,
            "reference_key": nz.reference_key(record.outgoing_number),
            "outgoing_date": record.outgoing_date,
            "applicant_name": record.applicant_name,
            "name_key": nz.name_key(record.applicant_name),
            "applicant_email": record.applicant_email,
            "email_key": nz.email_key(record.applicant_email),
            "applicant_phone": record.applicant_phone,
            "phone_key": nz.phone_key(record.applicant_phone),
            "applicant_address": record.applicant_address,
            "address_key": nz.address_key(record.applicant_address),
            "topic_code": record.topic_code,
            "doc_kind": record.doc_kind,
            "text": record.text,
            "text_norm": normalized,
            "facts": " ".join(sorted(facts(normalized))),
            "signature": signature,
        }

    # -- writing ------------------------------------------------------------------------------------------
    def add(self, record: IndexRecord) -> None:
        """Add (or replace) one registered letter; idempotent per document_id."""
        self.add_many([record])

    def add_many(self, records: list[IndexRecord], chunk: int = 5000) -> None:
        from sqlalchemy import delete, insert

        from pipeline.duplicates.store import tables

        _, table = tables()
        for start in range(0, len(records), chunk):
            batch = list({record.document_id: record for record in records[start : start + chunk]}.values())
            rows = {row["document_id"]: row for row in self._rows(batch)}
            with self.engine.begin() as conn:
                conn.execute(
                    delete(table).where(table.c.tenant == self.tenant, table.c.document_id.in_(list(rows)))
                )
                conn.execute(insert(table), list(rows.values()))

    def __len__(self) -> int:
        from sqlalchemy import func, select

        from pipeline.duplicates.store import tables

        _, table = tables()
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(table.c.tenant == self.tenant)).scalar_one())

    # -- LSH ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the in-memory LSH up to date with rows written since (by this or another process)."""
        with self.engine.connect() as conn:
            self._refresh(conn)

    def _refresh(self, conn: Any) -> None:
        import numpy as np

        from pipeline.duplicates.bands import BandIndex

        if self._bands is None:
            self._bands = BandIndex(self.threshold, self.num_perm)
        params = {"tenant": self.tenant, "last_seq": self._last_seq}
        result = conn.execute(self._statement(("refresh",)), params)
        seqs, keys, sketches = [], [], []
        while batch := result.fetchmany(50_000):
            self._last_seq = batch[-1][0]
            rows = [(seq, signature) for seq, signature in batch if signature]
            if rows:
                signatures = np.frombuffer(b"".join(sig for _, sig in rows), dtype=np.uint32)
                signatures = signatures.reshape(len(rows), self.num_perm)
                seqs.append(np.fromiter((seq for seq, _ in rows), dtype=np.uint32, count=len(rows)))
                keys.append(self._bands.band_keys(signatures))
                sketches.append(self._bands.sketch(signatures))
        if seqs:
            # one merge for everything new: a process opening a 1M-letter index sorts each band once
            self._bands.add_keys(np.concatenate(seqs), np.concatenate(keys), np.concatenate(sketches))

    # -- reading ------------------------------------------------------------------------------------------
    def lookup(
        self, document: Any, card: Any, *, exclude: set[str] | frozenset[str] = frozenset()
    ) -> list[DuplicateHit]:
        from pipeline.duplicates.records import record_from_card

        record = record_from_card(document.id, document.text, card, file_sha256=document.id)
        if not record.applicant_email and not record.applicant_phone:
            record = _contacts_from_text(record)
        return self.match(record, exclude=exclude)

    def match(
        self, record: IndexRecord, *, exclude: set[str] | frozenset[str] = frozenset()
    ) -> list[DuplicateHit]:
        """Hits for a letter given as an IndexRecord (its card already in index form)."""
        import numpy as np

        normalized = nz.normalize_text(record.text)
        minhash = self._minhash(normalized) if normalized else None
        query = Query.build(record, normalized, minhash)
        keys = {
            column: value
            for column, value in (
                ("file_sha256", record.file_sha256),
                ("text_key", query.text_key),
                ("reference_key", query.reference_key),
                ("name_key", query.name_key),
                ("email_key", query.email_key),
                ("phone_key", query.phone_key),
                ("address_key", query.address_key),
            )
            if value
        }
        # co-signers of a collective appeal arrive within days, under the same topic
        topic = record.topic_code if record.topic_code and query.name_key else None

        with self.engine.connect() as conn:
            self._refresh(conn)
            similar = self._bands.query(minhash, limit=MAX_BANDED) if minhash is not None else []
            if not keys and not topic and not similar:
                return []
            params: dict[str, Any] = {"tenant": self.tenant, **keys}
            if topic:
                params["topic"] = topic
            seqs: set[int] = set()
            unkeyed = set(similar)
            if keys or topic:
                shape = ("candidates", tuple(keys), bool(topic))
                for seq, keyed in conn.execute(self._statement(shape), params):
                    (seqs if keyed else unkeyed).add(seq)
            # a letter that shares no key is worth reading only if its signature is close enough to
            # compare texts (classify's gate): most LSH and same-topic candidates stop here, unread
            unkeyed = sorted(unkeyed - seqs)
            if unkeyed and minhash is not None:
                estimate = self._bands.similarity(unkeyed, minhash)
                closest = np.argsort(-estimate, kind="stable")[:MAX_LSH]
                closest = closest[estimate[closest] >= TEXT_GATE]
                if closest.size:
                    # their figures and signatures first, without the texts: few are worth reading whole
                    wanted = sorted(np.asarray(unkeyed)[closest].tolist())
                    light = self._light_rows(conn, wanted)
                    seqs.update(row["seq"] for row in light if not cannot_hit(query, row))
            if not seqs:
                return []
            rows = conn.execute(self._statement(("rows",)), {"seqs": sorted(seqs)}).mappings().all()

        hits: dict[str, DuplicateHit] = {}
        for row in rows:
            if row["document_id"] in exclude:
                continue
            hit = classify(query, row)
            if hit is not None:
                best = hits.get(hit.document_id)
                if best is None or hit.score > best.score:
                    hits[hit.document_id] = hit
        order = {"exact": 0, "near": 1, "repeat_appeal": 2}
        return sorted(hits.values(), key=lambda h: (order[h.kind], -h.score, h.document_id))

    def _light_rows(self, conn: Any, seqs: list[int]) -> list[Any]:
        """Rows without their texts, kept for the next lookups: a template's letters come back as candidates
        of every letter on that template. A row never changes under its seq (a re-added letter gets a new
        one), so a kept row is never stale; one deleted since is dropped by the full read."""
        rows = [self._light.get(seq) for seq in seqs]
        missing = [seq for seq, row in zip(seqs, rows, strict=True) if row is None]
        if missing:
            found = conn.execute(self._statement(("light",)), {"seqs": missing}).mappings().all()
            fetched = {row["seq"]: light_row(row) for row in found}
            rows = [row if row is not None else fetched.get(seq) for seq, row in zip(seqs, rows, strict=True)]
            with self._light_lock:  # lookups of one index may run in several threads
                self._light.update(fetched)
                while len(self._light) > LIGHT_ROWS_KEPT:
                    del self._light[next(iter(self._light))]  # the oldest kept first
        return [row for row in rows if row is not None]

    def _statement(self, shape: tuple) -> Any:
        """Statements with bound parameters, built once per shape, so SQLAlchemy compiles each only once."""
        statement = self._statements.get(shape)
        if statement is None:
            statement = self._statements[shape] = _build_statement(shape)
        return statement


def _contacts_from_text(record: IndexRecord) -> IndexRecord:
    """A card without the applicant's e-mail and phone (not read as an appeal, or the fields missed): the
    personal mailbox and mobile number written in the letter, found by the card's own rules. They only ever
    meet the contacts of earlier applicants, so an organisation's letter gains nothing from them."""
    import dataclasses

    from pipeline.card import applicant

    found_email, found_phone = applicant.email(record.text), applicant.phone(record.text)
    if found_email is None and found_phone is None:
        return record
    return dataclasses.replace(
        record,
        applicant_email=found_email.value if found_email else None,
        applicant_phone=found_phone.value if found_phone else None,
    )


def _build_statement(shape: tuple) -> Any:
    from sqlalchemy import bindparam, literal, select, union_all

    from pipeline.duplicates.store import tables

    _, table = tables()
    tenant = table.c.tenant == bindparam("tenant")
    if shape[0] == "refresh":
        return (
            select(table.c.seq, table.c.signature)
            .where(tenant, table.c.seq > bindparam("last_seq"))
            .order_by(table.c.seq)
        )
    if shape[0] in ("rows", "light"):
        skipped = ("text",) if shape[0] == "rows" else ("text", "text_norm")
        wanted = [column for column in table.c if column.name not in skipped]
        return (
            select(*wanted)
            .where(table.c.seq.in_(bindparam("seqs", expanding=True)))
            .limit(MAX_CANDIDATES * 3)
        )
    _, columns, topic = shape
    # one indexed lookup per key, united: an OR over several columns makes SQLite scan the tenant
    # seq only: each lookup is answered from its index without reading the rows
    parts = [
        select(table.c.seq, literal(1).label("keyed"))
        .where(tenant, table.c[column] == bindparam(column))
        .limit(MAX_CANDIDATES)
        for column in columns
    ]
    if topic:
        parts.append(
            select(table.c.seq, literal(0).label("keyed"))
            .where(tenant, table.c.topic_code == bindparam("topic"))
            .order_by(table.c.seq.desc())
            .limit(RECENT_SAME_TOPIC)
        )
    return union_all(*[part.subquery().select() for part in parts])
