"""МЭДО packages: a ZIP transport container holding the document as a PDF and an XML passport
(sender, registration number and date, signatory, annotation, pages, addressee, executor), as the interagency
electronic document exchange delivers letters. The passport follows the shape of the МЭДО 2.7 «xdms» schema."""

from __future__ import annotations

import io
import random
import uuid
import zipfile
from xml.etree import ElementTree as ET

NS = "http://www.infpres.com/IEDMS"
OUR_ORG = "Правительство Челябинской области"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def passport_xml(row: dict, rng: random.Random, file_name: str, pages: int) -> bytes:
    ET.register_namespace("xdms", NS)

    def q(tag: str) -> str:
        return f"{{{NS}}}{tag}"

    def sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
        el = ET.SubElement(parent, q(tag), {q(k): v for k, v in attrs.items()})
        if text is not None:
            el.text = text
        return el

    sent = row.get("outgoing_date") or row["reg_date"]
    root = ET.Element(q("communication"), {q("version"): "2.7"})
    header = sub(root, "header", type="Документ", uid=_uid(rng), created=f"{sent}T{rng.randint(8, 18):02d}:"
                 f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+05:00")  # fmt: skip
    source = sub(header, "source", uid=_uid(rng))
    sub(source, "organization", row.get("correspondent_name") or "")
    document = sub(root, "document", uid=_uid(rng), id=str(rng.randint(100000, 999999)))
    sub(
        document,
        "kind",
        {"instruction": "Поручение", "request": "Запрос"}.get(row.get("doc_kind", ""), "Письмо"),
    )
    num = sub(document, "num")
    sub(num, "number", row.get("outgoing_number") or "")
    sub(num, "date", sent)
    if row.get("signatory_name"):
        signatory = sub(sub(document, "signatories"), "signatory")
        person = sub(signatory, "person")
        sub(person, "post", row.get("signatory_position") or "")
        sub(person, "name", row["signatory_name"])
    addressee = sub(sub(document, "addressees"), "addressee")
    sub(addressee, "organization", OUR_ORG)
    if row.get("addressee"):
        sub(addressee, "person").text = row["addressee"]
    sub(document, "pages", str(pages))
    if row.get("subject"):
        sub(document, "annotation", row["subject"])
    if row.get("sender_contact_name"):
        executor = sub(document, "executor")
        sub(executor, "name", row["sender_contact_name"])
        contacts = [row.get("sender_contact_phone") or "", row.get("sender_contact_email") or ""]
        sub(executor, "phone", contacts[0])
        if contacts[1]:
            sub(executor, "email", contacts[1])
    files = sub(document, "files")
    sub(files, "file", localName=file_name, type="Основной документ", pages=str(pages))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def medo_zip(row: dict, pdf: bytes, rng: random.Random, pages: int) -> bytes:
    """The container: the passport and the PDF under a document uid, fixed timestamps (byte-identical reruns)."""
    doc_name = f"{_uid(rng)}.pdf"
    passport = passport_xml(row, rng, doc_name, pages)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("passport.xml", passport), (doc_name, pdf)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()
