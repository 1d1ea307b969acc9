"""DOCX letters (python-docx): the two-column header as a borderless table, then paragraphs."""

from __future__ import annotations

import datetime as dt
import io
import random

LEFT_HEADER = ("letterhead", "regline")
FIXED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def docx_bytes(blocks: list[tuple[str, str]], layout: str, rng: random.Random) -> tuple[bytes, str]:
    """The document and its ground truth: paragraphs in reading order (left header cell, right cell, body)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = rng.choice(["Times New Roman", "Arial", "PT Serif", "Liberation Serif"])
    style.font.size = Pt(rng.choice([11, 12, 13, 14]))
    props = doc.core_properties
    props.created = props.modified = FIXED
    props.author = props.last_modified_by = "docket generator"
    props.revision = 1
    gt: list[str] = []
    i = 0
    two = layout in ("two_column", "forwarded")
    first = True
    while i < len(blocks):
        name, text = blocks[i]
        if name == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            first = True
            i += 1
            continue
        if two and first and name == "letterhead":
            left, j = [], i
            while j < len(blocks) and blocks[j][0] in LEFT_HEADER:
                left.append(blocks[j][1])
                j += 1
            right = blocks[j][1] if j < len(blocks) and blocks[j][0] == "addressee" else ""
            j += 1 if right else 0
            table = doc.add_table(rows=1, cols=2)
            table.cell(0, 0).text = "\n".join(left)
            table.cell(0, 1).text = right
            gt += ["\n".join(left), right] if right else ["\n".join(left)]
            first = False
            i = j
            continue
        first = first and name not in ("letterhead", "addressee", "from", "form_header")
        para = doc.add_paragraph(text)
        if name in ("title", "greeting"):
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif name in ("addressee", "from"):
            para.paragraph_format.left_indent = Pt(260)
        elif name == "body":
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        gt.append(text)
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue()), "\n".join(t for t in gt if t)


def _fixed_zip(data: bytes) -> bytes:
    """Re-pack with a fixed timestamp per entry: the same seed must give the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()
