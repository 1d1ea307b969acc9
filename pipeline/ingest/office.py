"""DOCX: paragraphs and table cells in document order; header and table cells become their own blocks."""

from __future__ import annotations

import io

from docket.errors import CorruptDocument
from pipeline.document import Block, Page
from pipeline.ingest.archive import check_members, open_zip
from pipeline.ingest.limits import Context


def _table_blocks(table) -> list[Block]:
    blocks = []
    for row in table.rows:
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            text = "\n".join(p.text for p in cell.paragraphs).strip()
            if text:
                blocks.append(Block(text=text))
            for inner in cell.tables:
                blocks.extend(_table_blocks(inner))
    return blocks


def _paragraph_blocks(lines: list[str]) -> list[Block]:
    """Consecutive non-empty paragraphs form a block; an empty paragraph ends it."""
    blocks, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(Block(text="\n".join(current)))
            current = []
    return blocks


def extract_docx(data: bytes, ctx: Context, first_number: int = 1) -> list[Page]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with open_zip(data) as archive:
        check_members(archive, ctx)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises lxml, KeyError, PackageNotFoundError... on damage
        raise CorruptDocument(f"the DOCX file is damaged ({type(exc).__name__})") from exc
    blocks: list[Block] = []
    for section in document.sections[:1]:
        blocks.extend(_paragraph_blocks([p.text for p in section.header.paragraphs]))
    pending: list[str] = []
    for child in document.element.body.iterchildren():
        ctx.check_time()
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            pending.append(Paragraph(child, document).text)
        elif tag == "tbl":
            blocks.extend(_paragraph_blocks(pending))
            pending = []
            blocks.extend(_table_blocks(Table(child, document)))
    blocks.extend(_paragraph_blocks(pending))
    ctx.add_pages(1)
    return [Page(number=first_number, text="\n\n".join(b.text for b in blocks), blocks=blocks)]
