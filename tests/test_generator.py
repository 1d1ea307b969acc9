"""The synthetic world generator: properties of the register, directories and rendered files, not exact text."""

from __future__ import annotations

import csv
import difflib
import email
import io
import json
import re
from email import policy
from pathlib import Path

import pytest

from data.generator.build import build
from data.generator.people import dative_short
from data.generator.register import COLUMNS

REQUIRED = [
    "doc_id", "reg_number", "reg_date", "channel", "doc_kind", "correspondent_id", "correspondent_name",
    "outgoing_number", "outgoing_date", "reply_to_number", "reply_to_date", "addressee", "signatory_name",
    "signatory_position", "applicant_full_name", "applicant_email", "applicant_phone", "applicant_address",
    "forwarded_by_id", "topic_code", "summary", "text", "resolution_author_id", "resolution_text", "executor_id",
    "coexecutor_ids", "deadline", "duplicate_of", "repeat_of", "collective_group", "reply_to_doc_id",
    "appeal_kind", "sender_contact_name", "sender_contact_phone", "sender_contact_email", "page_count",
    "attachment_sheets", "forwarded_by_name", "topic_name", "correspondent_variant", "lookalike_of", "subject",
]  # fmt: skip
DOC_KINDS = {"letter", "citizen_appeal", "collective_appeal", "request", "deputy_request", "prosecutor_act",
             "instruction", "invitation", "notification", "other"}  # fmt: skip
CHANNELS = {"post", "email", "web_form", "medo", "courier", "fax", "in_person", "platform"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    build(out, seed=12, years=2, per_year=500, render=30, workers=2)
    return out


@pytest.fixture(scope="module")
def register(world):
    import pandas as pd

    return pd.read_csv(world / "register.csv", dtype=str, keep_default_na=False)


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_files_columns_and_domains(world, register):
    import pandas as pd

    for name in ("register.parquet", "register.csv", "staff.csv", "units.csv", "organisations.csv", "topics.csv",
                 "absences.csv", "world.json", "rendered/manifest.csv"):  # fmt: skip
        assert (world / name).is_file(), name
    assert set(REQUIRED) <= set(register.columns)
    assert list(register.columns) == COLUMNS
    assert set(register["doc_kind"]) == DOC_KINDS
    assert set(register["channel"]) <= CHANNELS and len(set(register["channel"])) >= 7
    assert register["doc_id"].is_unique
    assert not register.duplicated(["reg_number", "reg_date"]).any()
    for col in ("reg_date", "outgoing_date", "reply_to_date", "deadline"):
        values = register[col][register[col] != ""]
        assert values.map(lambda v: bool(ISO.match(v))).all(), col
    assert register["reg_date"].tolist() == sorted(register["reg_date"])
    staff_ids = {r["staff_id"] for r in _csv(world / "staff.csv")}
    for co in register["coexecutor_ids"]:
        assert co == "" or all(s in staff_ids for s in co.split(";"))
    assert set(register["executor_id"]) <= staff_ids
    parquet = pd.read_parquet(world / "register.parquet")
    assert len(parquet) == len(register)
    # empty in CSV is null in parquet, the same cells
    assert ((register["duplicate_of"] == "").to_numpy() == parquet["duplicate_of"].isna().to_numpy()).all()
    assert parquet["page_count"].min() >= 1
    appeals = register[register["doc_kind"].isin(["citizen_appeal", "collective_appeal"])]
    assert set(appeals["appeal_kind"]) <= {"заявление", "предложение", "жалоба"}
    assert (register.loc[~register.index.isin(appeals.index), "appeal_kind"] == "").all()


def test_directories_are_big_enough_and_consistent(world, register):
    orgs = _csv(world / "organisations.csv")
    assert len(orgs) >= 5000
    assert len({o["inn"] for o in orgs}) == len(orgs)
    assert sum(";" in o["variants"] for o in orgs) > 0.9 * len(orgs)
    topics = [t for t in _csv(world / "topics.csv") if t["level"] == "3"]
    assert len(topics) >= 150
    assert sum(";" in t["unit_ids"] for t in topics) >= 0.2 * len(topics)
    units = _csv(world / "units.csv")
    assert len([u for u in units if not u["abolished"]]) >= 25
    by_id = {o["org_id"]: o for o in orgs}
    letters = register[register["correspondent_id"] != ""]
    for _, row in letters.head(300).iterrows():
        org = by_id[row["correspondent_id"]]
        assert row["correspondent_variant"].upper() in [v.upper() for v in org["variants"].split(";")]
        assert row["correspondent_variant"] in row["text"]


def test_staff_turnover_and_absences(world, register):
    staff = _csv(world / "staff.csv")
    active = [s for s in staff if not s["left"]]
    assert len(active) >= 200
    for year in ("2024", "2025"):
        left = [s for s in staff if s["left"].startswith(year)]
        assert len(left) >= 0.1 * len(active), year
    absences = _csv(world / "absences.csv")
    assert absences and all(a["deputy_id"] and a["deputy_id"] != a["staff_id"] for a in absences)
    # every executor was on the staff the day the letter was registered
    spans = {s["staff_id"]: (s["hired"], s["left"] or "9999") for s in staff}
    for _, row in register.iterrows():
        hired, left = spans[row["executor_id"]]
        assert hired <= row["reg_date"] <= left


def test_reorganisation_drifts_the_register(world, register):
    units = {u["unit_id"]: u for u in _csv(world / "units.csv")}
    abolished = [u for u in units.values() if u["abolished"]]
    assert abolished and all(u["successor_unit_ids"] for u in abolished)
    split = next(u for u in abolished if len(u["successor_unit_ids"].split(";")) == 2)
    day = split["abolished"]
    used = register.groupby(register["reg_date"] >= day)["executor_unit_id"].apply(set)
    assert split["unit_id"] in used[False] and split["unit_id"] not in used[True]
    assert set(split["successor_unit_ids"].split(";")) <= used[True]


def _body(text: str) -> str:
    return " ".join(text.split())


def test_duplicates_point_to_an_earlier_copy(register):
    by_id = register.set_index("doc_id")
    dups = register[register["duplicate_of"] != ""]
    assert len(dups) >= 0.03 * len(register)
    resent = 0
    for _, row in dups.iterrows():
        orig = by_id.loc[row["duplicate_of"]]
        assert orig["reg_date"] <= row["reg_date"]
        assert difflib.SequenceMatcher(None, _body(orig["text"]), _body(row["text"])).ratio() > 0.95
        assert orig["correspondent_id"] == row["correspondent_id"]
        assert orig["applicant_full_name"] == row["applicant_full_name"]
        resent += orig["outgoing_number"] != row["outgoing_number"]
    assert resent > 0


def test_repeat_appeals_collective_appeals_and_lookalikes(register):
    import datetime as dt

    by_id = register.set_index("doc_id")
    repeats = register[register["repeat_of"] != ""]
    assert len(repeats) > 5
    for _, row in repeats.iterrows():
        orig = by_id.loc[row["repeat_of"]]
        assert orig["applicant_full_name"] == row["applicant_full_name"]
        assert orig["topic_code"] == row["topic_code"]
        gap = (dt.date.fromisoformat(row["reg_date"]) - dt.date.fromisoformat(orig["reg_date"])).days
        assert 14 <= gap <= 200
        assert _body(orig["text"]) != _body(row["text"])
    groups = register[register["collective_group"] != ""].groupby("collective_group")
    assert len(groups) >= 3
    for _, g in groups:
        if len(g) > 1:
            assert g["applicant_full_name"].nunique() == len(g)
            assert g["doc_kind"].eq("collective_appeal").all()
    looks = register[register["lookalike_of"] != ""]
    assert len(looks) > 5
    for _, row in looks.iterrows():
        orig = by_id.loc[row["lookalike_of"]]
        if row["lookalike_kind"] == "same_applicant":  # the same citizen on another question
            assert orig["applicant_full_name"] == row["applicant_full_name"]
            assert orig["topic_code"] != row["topic_code"]
        else:  # report, follow_up, reminder: the same sender on the same topic
            assert row["lookalike_kind"] in {"report", "follow_up", "reminder"}
            assert (
                orig["correspondent_id"] == row["correspondent_id"]
                and orig["topic_code"] == row["topic_code"]
            )
        assert row["duplicate_of"] == "" and _body(orig["text"]) != _body(row["text"])


def test_letters_carry_distractors_and_references(register):
    org = register[register["correspondent_id"] != ""]
    replies = org[org["reply_to_number"] != ""]
    assert len(replies) > 10
    for _, row in replies.iterrows():
        assert f"На № {row['reply_to_number']} от" in row["text"]
        assert row["reply_to_doc_id"] and row["reply_to_doc_id"] < row["doc_id"]
    # several numbers in one letter: laws, resolutions, protocols besides the outgoing pair
    many = org["text"].map(lambda t: t.count("№") >= 2).mean()
    assert many > 0.3
    shapes = {re.sub(r"\d+", "9", n) for n in org["outgoing_number"]}
    assert len(shapes) >= 8
    forwarded = register[register["forwarded_by_id"] != ""]
    assert len(forwarded) > 10
    assert forwarded["text"].str.contains("59-ФЗ").mean() > 0.2
    assert (forwarded["applicant_full_name"] != "").all()


@pytest.mark.parametrize(
    ("full", "gender", "expected"),
    [
        ("Иванова Анна Сергеевна", "F", "Ивановой А.С."),
        ("Кузнецов Пётр Ильич", "M", "Кузнецову П.И."),
        ("Толстая Ирина Львовна", "F", "Толстой И.Л."),
        ("Белых Ксения Игоревна", "F", "Белых К.И."),
        ("Шевчук Ольга Петровна", "F", "Шевчук О.П."),
        ("Шевчук Олег Петрович", "M", "Шевчуку О.П."),
        ("Муравьёв Андрей Андреевич", "M", "Муравьёву А.А."),
        ("Крайний Юрий Ильич", "M", "Крайнему Ю.И."),
    ],
)
def test_dative_forms(full, gender, expected):
    assert dative_short(full, gender) == expected


def test_resolutions_name_executors_in_dative_with_personal_styles(world, register):
    staff = {s["staff_id"]: s for s in _csv(world / "staff.csv")}
    for _, row in register.head(400).iterrows():
        for sid in [row["executor_id"]] + [s for s in row["coexecutor_ids"].split(";") if s]:
            assert staff[sid]["name_dative"] in row["resolution_text"]
        if row["deadline"]:
            d = row["deadline"]
            assert f"{d[8:10]}.{d[5:7]}" in row["resolution_text"]
    assert (register["coexecutor_ids"] != "").mean() > 0.05
    phrasings = register.groupby("resolution_author_id")["resolution_text"].apply(
        lambda texts: {
            re.sub(r"[^\n]*[А-ЯЁ][а-яё]+ [А-ЯЁ]\.[А-ЯЁ]\.[^\n]*|Срок[^\n]*|до \d[^\n]*", "", t).strip()
            for t in texts
        }  # fmt: skip
    )
    assert phrasings.map(len).max() >= 3


def test_world_json_and_oracle(world, register):
    data = json.loads((world / "world.json").read_text(encoding="utf-8"))
    assert data["seed"] == 12 and data["counts"]["letters"] == len(register)
    assert 0.75 <= data["oracle_top1"] <= 0.95
    idiosyncratic = (register["executor_id"] != register["oracle_executor_id"]).mean()
    assert 0.05 <= idiosyncratic <= 0.25


def _pdf_text(path: Path) -> tuple[str, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf), len(pdf)
    finally:
        pdf.close()


def _docx_text(data: bytes) -> str:
    from docx import Document
    from docx.table import Table

    out = []
    for item in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(item, Table):
            out += [cell.text for row in item.rows for cell in row.cells]
        else:
            out.append(item.text)
    return "\n".join(out)


def _html_text(html: str) -> str:
    import html as htmllib

    body = re.sub(r"(?s)<head>.*?</head>", "", html)
    body = re.sub(r"<br>\n?|</p>\n?", "\n", body)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", "")


def _eml_text(path: Path, tmp: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = msg.get_body(("plain", "html"))
    text = body.get_content()
    parts = [_html_text(text) if body.get_content_type() == "text/html" else text]
    for att in msg.iter_attachments():
        data = att.get_content()
        if att.get_filename().endswith(".pdf"):
            (tmp / "a.pdf").write_bytes(data)
            parts.append(_pdf_text(tmp / "a.pdf")[0])
        else:
            parts.append(_docx_text(data))
    return "\n".join(parts)


def _medo_text(path: Path, tmp: Path) -> tuple[str, int]:
    """The PDF inside a МЭДО container; its passport names the same file and page count."""
    import zipfile
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert "passport.xml" in names
        passport = ET.fromstring(zf.read("passport.xml"))
        ns = {"xdms": "http://www.infpres.com/IEDMS"}
        file_el = passport.find(".//xdms:files/xdms:file", ns)
        doc = file_el.get("{http://www.infpres.com/IEDMS}localName")
        assert doc in names and doc.endswith(".pdf")
        (tmp / "m.pdf").write_bytes(zf.read(doc))
    text, pages = _pdf_text(tmp / "m.pdf")
    assert int(passport.find(".//xdms:document/xdms:pages", ns).text) == pages
    return text, pages


def test_rendered_files_match_their_ground_truth(world, tmp_path):
    from PIL import Image

    rendered = world / "rendered"
    manifest = _csv(rendered / "manifest.csv")
    assert len(manifest) == 30
    formats = {m["format"] for m in manifest}
    assert {"scan_pdf", "eml"} <= formats and formats & {"pdf", "medo"} and formats & {"png", "tiff"}
    for m in manifest:
        path = rendered / m["file"]
        gt = (rendered / m["gt_text_file"]).read_text(encoding="utf-8")
        assert gt.strip(), m["file"]
        if m["format"] == "pdf":
            text, pages = _pdf_text(path)
            assert _body(text) == _body(gt) and pages == int(m["pages"])
        elif m["format"] == "medo":
            text, pages = _medo_text(path, tmp_path)
            assert _body(text) == _body(gt) and pages == int(m["pages"])
        elif m["format"] == "docx":
            assert _body(_docx_text(path.read_bytes())) == _body(gt)
        elif m["format"] == "eml":
            assert _body(_eml_text(path, tmp_path)) == _body(gt)
        elif m["format"] == "txt":
            assert _body(path.read_text(encoding="utf-8")) == _body(gt)
        elif m["format"] == "scan_pdf":
            text, pages = _pdf_text(path)
            assert pages == int(m["pages"]) and not text.strip()  # an image PDF: OCR is the pipeline's job
        else:
            with Image.open(path) as img:
                assert img.format == {"png": "PNG", "tiff": "TIFF"}[m["format"]]
                dpi = int(m["dpi"])
                size = sorted(img.size)
                assert abs(size[0] - int(8.27 * dpi)) <= 2 and abs(size[1] - int(11.69 * dpi)) <= 2
        assert m["noise"] in {"clean", "light", "heavy", "fax"}


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        build(out, seed=5, years=1, per_year=120, render=10, workers=1)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_cli_rejects_bad_arguments(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "docket.cli", "generate", "--out", str(tmp_path / "w"), "--years", "0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "years" in result.stderr and "Traceback" not in result.stderr


SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def test_committed_samples_cover_every_format_and_match_ground_truth(tmp_path):
    from PIL import Image

    manifest = _csv(SAMPLES / "manifest.csv")
    assert {m["format"] for m in manifest} == {"pdf", "scan_pdf", "png", "tiff", "eml", "docx", "txt", "medo"}
    assert sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file()) < 5_000_000
    register = {r["doc_id"]: r for r in _csv(SAMPLES / "register.csv")}
    for m in manifest:
        assert m["doc_id"] in register
        path, gt = SAMPLES / m["file"], (SAMPLES / m["gt_text_file"]).read_text(encoding="utf-8")
        if m["format"] == "pdf":
            assert _body(_pdf_text(path)[0]) == _body(gt)
        elif m["format"] == "medo":
            assert _body(_medo_text(path, tmp_path)[0]) == _body(gt)
        elif m["format"] == "docx":
            assert _body(_docx_text(path.read_bytes())) == _body(gt)
        elif m["format"] == "eml":
            assert _body(_eml_text(path, tmp_path)) == _body(gt)
        elif m["format"] in ("png", "tiff"):
            with Image.open(path) as img:
                img.verify()


def test_cli_writes_a_small_world(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "w"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "docket.cli",
            "generate",
            "--out",
            str(out),
            "--seed",
            "3",
            "--years",
            "1",
            "--per-year",
            "40",
            "--no-render",
        ],  # fmt: skip
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "oracle_top1" in result.stdout
    data = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert data["parameters"] == {"seed": 3, "years": 1, "per_year": 40, "render": 0, "end": "2025-12-31"}
    assert not (out / "rendered").exists()
