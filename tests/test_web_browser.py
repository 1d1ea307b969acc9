"""The review page in a real browser (Playwright driving the system Chromium, never a downloaded one):
log in, upload letters, verify one card as it is and one with a corrected field, and see the quality view
count both. Also: labels, focus order, text contrast, evidence highlight. Only when asked
(DOCKET_REVIEW_RESULTS=<dir>, as `python -m bench review` sets it) are the keystrokes and clicks to verify
written to <dir>/review.json and the review screen to docs/review-screen.png, so a test run leaves the
tree as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = os.environ.get("DOCKET_REVIEW_RESULTS")
SCREENSHOT = ROOT / "docs" / "review-screen.png"

LETTER_RIGHT = """Министерство строительства Челябинской области
от 14.03.2024 № 01-12/3456
Губернатору Челябинской области
О ремонте кровли школы № 12
Просим рассмотреть вопрос о выделении средств на ремонт кровли здания школы.
Министр И.И. Петров
"""
LETTER_WRONG = """Прокуратура Центрального района
от 02.10.2024 № 7-15-2024
Главе администрации
О представлении информации
Прошу представить сведения о результатах проверки обращения гражданина Сидорова П.П.
Прокурор района А.В. Кузнецов
"""
# One wrong field: the clerk replaces the outgoing number docket read with the one on the paper register.
CORRECT_NUMBER = "7-15-2025"

# Contrast of every visible text node against the first opaque background behind it (WCAG 2 formula).
CONTRAST_JS = """
() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const worst = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("svg, .sr, .skip")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    worst.push([Math.round(ratio * 100) / 100, node.textContent.trim().slice(0, 40)]);
  }
  worst.sort((a, b) => a[0] - b[0]);
  return worst.slice(0, 5);
}
"""
UNLABELLED_JS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => el.type !== "hidden" && !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
  .map((el) => el.name || el.id)
"""


class Counter:
    """Drives the page and counts what a clerk would do: clicks and keystrokes."""

    def __init__(self, page):
        self.page, self.clicks, self.keys = page, 0, 0

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def figures(self) -> dict[str, int]:
        return {"clicks": self.clicks, "keystrokes": self.keys, "actions": self.clicks + self.keys}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from docket.settings import Settings
    from service.app import create_app

    home = tmp_path_factory.mktemp("browser-home")
    app = create_app(Settings(home=home, workers=1))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    password = re.search(r"password: (\S+)", (home / "demo-login.txt").read_text()).group(1)
    yield {"url": f"http://127.0.0.1:{port}", "home": home, "password": password}
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian package `chromium` (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def upload(page, url: str, text: str) -> str:
    page.goto(url + "/")
    page.fill("#text", text)
    page.select_option("#channel", "post")
    page.click("form[action='/upload'] button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/doc_\w+$"))
    return page.url.rsplit("/", 1)[-1]


def letter_pdf(directory: Path) -> Path:
    """A one-page PDF letter with a text layer (fpdf2 with the DejaVu font the setup installs)."""
    from fpdf import FPDF

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip(f"no {font}: install the Debian package fonts-dejavu-core")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(font))
    pdf.set_font("dejavu", size=12)
    for line in LETTER_RIGHT.splitlines():
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    path = directory / "letter.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def upload_file(page, url: str, path: Path) -> str:
    page.goto(url + "/")
    page.set_input_files("#file", str(path))
    page.click("form[action='/upload'] button[type=submit]")
    page.wait_for_url(re.compile(r"/documents/doc_\w+$"))
    page.wait_for_selector("form#card")
    return page.url.rsplit("/", 1)[-1]


def open_from_inbox(counter: Counter, url: str, document_id: str) -> None:
    counter.page.goto(url + "/")
    counter.click(f"a[href='/documents/{document_id}']")
    counter.page.wait_for_selector("form#card")


def test_clerk_verifies_cards_in_the_browser(server, browser, tmp_path):
    url = server["url"]
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(30_000)

    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("#login", "demo")
    page.fill("#password", server["password"])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(url + "/")
    assert page.evaluate(UNLABELLED_JS) == []

    right_id = upload(page, url, LETTER_RIGHT)
    wrong_id = upload(page, url, LETTER_WRONG)

    # Card right: open it from the inbox, accept with one key.
    right = Counter(page)
    open_from_inbox(right, url, right_id)
    assert page.evaluate(UNLABELLED_JS) == []
    levels = page.eval_on_selector_all(".field", "els => els.map(e => e.className.match(/level-(\\w+)/)[1])")
    assert levels == sorted(levels, key=["low", "mid", "high", "none"].index), levels
    focused = page.evaluate("document.activeElement.closest('.field')?.className || ''")
    assert "level-low" in focused, "the first field to check has the focus when the card opens"
    right.press("Control+Enter")
    page.wait_for_url(re.compile(r"/\?accepted="))
    assert "Карточка принята" in page.inner_text("main")

    # One field wrong: Tab (or Enter) from the focused field to the outgoing number, fix it, accept.
    wrong = Counter(page)
    open_from_inbox(wrong, url, wrong_id)
    for _ in range(40):
        if page.evaluate("document.activeElement.name") == "card.outgoing_number":
            break
        wrong.press("Tab")
    assert page.evaluate("document.activeElement.name") == "card.outgoing_number"
    assert page.inner_text("pre.page-text mark") == "7-15-2024", "the evidence is highlighted on the page"
    contrast = page.evaluate(CONTRAST_JS)
    wrong.press("Control+A")
    wrong.type(CORRECT_NUMBER)
    wrong.press("Control+Enter")
    page.wait_for_url(re.compile(r"/\?accepted="))
    assert contrast[0][0] >= 4.5, f"low text contrast on the review page: {contrast}"

    # Enter moves to the next field (keyboard-first), it does not submit the card.
    page.goto(f"{url}/documents/{right_id}")
    first = page.evaluate("document.activeElement.name")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") != first and "/documents/" in page.url

    page.goto(url + "/quality")
    assert page.inner_text("#n-verified") == "2"
    row = page.inner_text("tr[data-field='Исходящий номер']")
    assert "50 %" in row, row
    assert page.locator("figure.chart svg").count() == 1
    for path in ("/", "/quality"):
        page.goto(url + path)
        worst = page.evaluate(CONTRAST_JS)
        assert worst[0][0] >= 4.5, f"low text contrast on {path}: {worst}"

    # A PDF letter, verified, then sent again: the page image is shown with the evidence boxed on it,
    # and the earlier, verified letter is one click away, with the reason.
    first_id = upload_file(page, url, letter_pdf(tmp_path))
    assert page.locator(".page-image img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/\?accepted="))
    again_id = upload_file(page, url, letter_pdf(tmp_path))
    link = f".dups a[href='/documents/{first_id}']"
    assert page.locator(link).count() == 1
    assert page.inner_text(".dups .reason").strip("— ")
    page.locator(".page-image img").evaluate("img => img.decode()")
    page.focus("[name='card.outgoing_number']")
    assert page.inner_text("pre.page-text mark") == "01-12/3456"
    box = page.locator(".evidence-box").bounding_box()
    image = page.locator(".page-image img").bounding_box()
    assert box and box["height"] < image["height"] / 10, "the evidence is boxed at line level on the image"
    worst = page.evaluate(CONTRAST_JS)
    assert worst[0][0] >= 4.5, f"low text contrast with the duplicate warning: {worst}"
    if RESULTS_DIR:
        page.screenshot(path=str(SCREENSHOT), full_page=False)
    page.click(link)
    page.wait_for_url(f"{url}/documents/{first_id}")
    assert again_id != first_id
    context.close()

    figures = {
        "card_right": right.figures(),
        "one_field_wrong": {
            **wrong.figures(),
            "tabs_to_field": wrong.keys - 2 - len(CORRECT_NUMBER),
            "typed_characters": len(CORRECT_NUMBER),
            "actions_without_typing": wrong.clicks + wrong.keys - len(CORRECT_NUMBER),
        },
        "counted_from": "the click on the document in the inbox",
        "lowest_text_contrast_review": contrast[0][0],
    }
    print("\ntime-to-verify (clicks, keystrokes):", json.dumps(figures, ensure_ascii=False))
    assert figures["card_right"]["actions"] >= 1 and figures["one_field_wrong"]["typed_characters"] > 0
    if RESULTS_DIR:
        results = Path(RESULTS_DIR) / "review.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
