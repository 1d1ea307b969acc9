"""One tenant's duplicate index: candidates from MinHash LSH and from stored keys, verified per kind."""

from __future__ import annotations

from typing import Any

from pipeline.contract import DuplicateHit
from pipeline.duplicates import normalize as nz
from pipeline.duplicates.records import IndexRecord
from pipeline.duplicates.verify import Query, classify, facts

NUM_PERM = 64
LSH_THRESHOLD = 0.3  # Jaccard of 4-gram shingles; OCR noise and another layout pull true pairs down to ~0.4
MAX_CANDIDATES = 200
RECENT_SAME_TOPIC = 30
MAX_LSH = 100  # LSH candidates verified, those sharing most bands first
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
        self._permutations: Any = None

    # -- signatures ---------------------------------------------------------------------------------------
    def _minhash(self, normalized: str) -> Any:
        from datasketch import MinHash

        if self._permutations is None:
            self._permutations = MinHash(num_perm=self.num_perm, seed=_SEED, hashfunc=int).permutations
        minhash = MinHash(
            num_perm=self.num_perm,
            seed=_SEED,
            hashfunc=int,
            permutations=self._permutations,
            scheme="affine32",
        )
        minhash.update_batch(nz.shingle_hashes(normalized))
        return minhash

    def _row(self, record: IndexRecord) -> dict[str, Any]:
        normalized = nz.normalize_text(record.text)
        signature = self._minhash(normalized).hashvalues.astype("uint32").tobytes() if normalized else None
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
            rows = {}
            for record in records[start : start + chunk]:
                rows[record.document_id] = self._row(record)
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
        import numpy as np
        from sqlalchemy import select

        from pipeline.duplicates.bands import BandIndex
        from pipeline.duplicates.store import tables

        _, table = tables()
        if self._bands is None:
            self._bands = BandIndex(self.threshold, self.num_perm)
        query = (
            select(table.c.seq, table.c.document_id, table.c.signature)
            .where(table.c.tenant == self.tenant, table.c.seq > self._last_seq)
            .order_by(table.c.seq)
        )
        with self.engine.connect() as conn:
            result = conn.execute(query)
            while batch := result.fetchmany(100_000):
                self._last_seq = batch[-1][0]
                rows = [(document_id, signature) for _, document_id, signature in batch if signature]
                if rows:
                    signatures = np.frombuffer(b"".join(sig for _, sig in rows), dtype=np.uint32)
                    self._bands.add([document_id for document_id, _ in rows], signatures)

    # -- reading ------------------------------------------------------------------------------------------
    def lookup(
        self, document: Any, card: Any, *, exclude: set[str] | frozenset[str] = frozenset()
    ) -> list[DuplicateHit]:
        from pipeline.duplicates.records import record_from_card

        record = record_from_card(document.id, document.text, card, file_sha256=document.id)
        return self.match(record, exclude=exclude)

    def match(
        self, record: IndexRecord, *, exclude: set[str] | frozenset[str] = frozenset()
    ) -> list[DuplicateHit]:
        """Hits for a letter given as an IndexRecord (its card already in index form)."""
        from sqlalchemy import select, union

        from pipeline.duplicates.store import tables

        _, table = tables()
        self.refresh()
        normalized = nz.normalize_text(record.text)
        minhash = self._minhash(normalized) if normalized else None
        query = Query.build(record, normalized, minhash)

        similar = set(self._bands.query(minhash.hashvalues, limit=MAX_LSH)) if minhash is not None else set()
        # one indexed lookup per key, united: an OR over several columns makes SQLite scan the tenant
        lookups = []
        for column, value in (
            ("file_sha256", record.file_sha256),
            ("text_key", query.text_key),
            ("reference_key", query.reference_key),
            ("name_key", query.name_key),
            ("email_key", query.email_key),
            ("phone_key", query.phone_key),
            ("address_key", query.address_key),
        ):
            if value:
                lookups.append(
                    select(table.c.seq)
                    .where(table.c.tenant == self.tenant, table.c[column] == value)
                    .limit(MAX_CANDIDATES)
                )
        if record.topic_code and query.name_key:
            # co-signers of a collective appeal arrive within days, under the same topic
            lookups.append(
                select(table.c.seq)
                .where(table.c.tenant == self.tenant, table.c.topic_code == record.topic_code)
                .order_by(table.c.seq.desc())
                .limit(RECENT_SAME_TOPIC)
            )
        if similar:
            lookups.append(
                select(table.c.seq).where(
                    table.c.tenant == self.tenant, table.c.document_id.in_(list(similar))
                )
            )
        if not lookups:
            return []
        seqs = union(*[lookup.subquery().select() for lookup in lookups])
        wanted = [column for column in table.c if column.name != "text"]
        statement = select(*wanted).where(table.c.seq.in_(seqs.scalar_subquery())).limit(MAX_CANDIDATES * 3)
        with self.engine.connect() as conn:
            rows = conn.execute(statement).mappings().all()

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
