"""Page breaks: the register's text carries a form feed where each page of the letter ends, in step with
`page_count` and with the pages a renderer actually draws. A tiny world; properties, not exact text."""

from __future__ import annotations

import random

import pytest

from data.generator.layout import layout, page_text, paged_text, paginate
from data.generator.register import Generator
from data.generator.render_pdf import pdf_bytes


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    rows, _ = Generator(31, 1, 250).rows(keep_letters=lambda n: set(range(n)))
    return rows


def _words(text: str) -> list[str]:
    return text.split()


def test_form_feeds_match_page_count(rows):
    multi = [r for r in rows if r["page_count"] > 1]
    assert 0.1 < len(multi) / len(rows) < 0.7
    for r in rows:
        assert r["text"].count("\f") == r["page_count"] - 1, r["doc_id"]
        assert not r["text"].startswith("\f") and not r["text"].endswith("\f")
    # a break ends a line, as a text export writes it; the page after it starts with text
    for r in multi:
        for part in r["text"].split("\f")[1:]:
            assert part[:1].strip(), r["doc_id"]
        assert all(r["text"][i - 1] == "\n" for i, c in enumerate(r["text"]) if c == "\f")


def test_pages_of_the_text_are_the_pages_rendered(rows, tmp_path):
    import pypdfium2 as pdfium

    multi = [r for r in rows if r["page_count"] > 1][:12]
    assert any(r["layout"] == "forwarded" for r in rows if r["page_count"] > 1)
    for r in multi:
        blocks = [(b.name, b.text) for b in r["_letter"].blocks]
        pages = layout(blocks, r["layout"])
        path = tmp_path / f"{r['doc_id']}.pdf"
        path.write_bytes(pdf_bytes(pages, random.Random(1), ""))
        pdf = pdfium.PdfDocument(str(path))
        try:
            drawn = [page.get_textpage().get_text_range() for page in pdf]
        finally:
            pdf.close()
        parts = r["text"].split("\f")
        assert len(drawn) == len(parts) == r["page_count"]
        for got, want, laid in zip(drawn, parts, pages, strict=True):
            # the same words on the same page (the two-column header is read left block first)
            assert sorted(_words(got)) == sorted(_words(want)), r["doc_id"]
            assert sorted(_words(page_text(laid))) == sorted(_words(want))


def test_a_paragraph_running_over_a_page_is_cut_at_the_break():
    para = " ".join(f"слово{i}" for i in range(3000))
    blocks = [("subject", "О проверке"), ("body", para), ("signature", "Директор\nИ.И. Иванов")]
    pages, breaks = paginate(blocks, "stacked")
    text = paged_text(blocks, breaks)
    assert len(pages) > 2 and text.count("\f") == len(pages) - 1
    assert all(b[0] == 1 for b in breaks)  # all inside the long paragraph
    assert _words(text) == _words("\n".join(t for _, t in blocks))
    assert paged_text(blocks, []) == "\n".join(t for _, t in blocks)
