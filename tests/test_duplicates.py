"""Duplicate index: each kind, the hard negatives, tenant isolation, persistence and the register loader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from pipeline.contract import Card, CardField, Correspondent
from pipeline.document import Document, Page
from pipeline.duplicates import (
    IndexRecord,
    build_index_from_register,
    find_duplicates,
    load_index,
    open_index,
    record_from_card,
)

LETTER = (
    "Министерство строительства области\n"
    "Исх. № 01-12/345 от 12.03.2025\n"
    "Главе администрации города\n"
    "О ремонте кровли\n"
    "Уважаемый Иван Петрович! В связи с обращением жителей дома № 10 по улице Гагарина просим рассмотреть "
    "вопрос о выделении средств на капитальный ремонт кровли многоквартирного дома, пострадавшей в результате "
    "урагана 5 марта 2025 года. Смета работ на сумму 2 400 000 рублей прилагается. О принятом решении просим "
    "сообщить в срок до 1 апреля 2025 года.\n"
    "Заместитель министра А.В. Сидоров"
)

APPEAL = (
    "Здравствуйте. Я, Кузнецова Анна Сергеевна, проживаю по адресу ул. Ленина, д. 5, кв. 12. "
    "Во дворе нашего дома уже третий месяц не вывозят мусор, контейнерная площадка переполнена, "
    "отходы разносит ветер по детской площадке. Прошу принять меры и организовать регулярный вывоз мусора. "
    "Телефон для связи +7 912 345-67-89."
)

REPEAT_APPEAL = (
    "Добрый день! Пишу повторно. Мусор с контейнерной площадки у дома 5 на улице Ленина так и не вывозят, "
    "площадка переполнена, ветер разносит отходы по двору и детской площадке. Требую навести порядок "
    "с вывозом мусора. Кузнецова А.С."
)

OTHER_QUESTION = (
    "Прошу сообщить, когда будет отремонтирована дорога на улице Садовой: ямы на проезжей части "
    "повреждают автомобили, ливневая канализация засорена. Кузнецова Анна Сергеевна."
)


def ocr_noise(text: str, rate: float, seed: int = 1) -> str:
    """What a scan does to text: confused letters, glued and split words, broken lines."""
    rng = random.Random(seed)
    confusions = {"о": "0", "е": "с", "и": "н", "л": "п", "ш": "щ", "З": "3", "а": "а", "с": "c", "р": "p"}
    out = []
    for ch in text:
        r = rng.random()
        if r < rate and ch in confusions:
            out.append(confusions[ch])
        elif r < rate * 1.3 and ch == " ":
            out.append("" if rng.random() < 0.5 else "\n")
        elif r < rate * 1.5 and ch.isalpha():
            continue
        else:
            out.append(ch)
    return "".join(out)


def doc(text: str, doc_id: str = "query") -> Document:
    return Document(id=doc_id, media_type="text/plain", pages=[Page(number=1, text=text)])


def letter_record(doc_id: str, text: str = LETTER, **kw) -> IndexRecord:
    base = dict(
        reg_date=dt.date(2025, 3, 14),
        correspondent_id="org-7",
        correspondent_name="Министерство строительства области",
        outgoing_number="01-12/345",
        outgoing_date=dt.date(2025, 3, 12),
        topic_code="0003.0009",
        doc_kind="letter",
    )
    base.update(kw)
    return IndexRecord(document_id=doc_id, text=text, **base)


def appeal_record(doc_id: str, text: str = APPEAL, **kw) -> IndexRecord:
    base = dict(
        reg_date=dt.date(2025, 2, 3),
        applicant_name="Кузнецова Анна Сергеевна",
        applicant_email="a.kuznetsova@mail.ru",
        applicant_phone="+7 912 345-67-89",
        applicant_address="г. Город, ул. Ленина, д. 5, кв. 12",
        topic_code="0005.0005.0056.1152",
        doc_kind="citizen_appeal",
    )
    base.update(kw)
    return IndexRecord(document_id=doc_id, text=text, **base)


@pytest.fixture
def index(tmp_path):
    idx = open_index(f"sqlite:///{tmp_path / 'dup.sqlite3'}", "org-a")
    idx.add(letter_record("letter-1"))
    idx.add(appeal_record("appeal-1"))
    idx.add(
        IndexRecord(
            document_id="unrelated",
            text="Просим направить сведения о численности работников учреждений культуры за 2024 год.",
            reg_date=dt.date(2025, 1, 10),
        )
    )
    return idx


def kinds(hits) -> dict[str, str]:
    return {h.document_id: h.kind for h in hits}


def test_exact_by_file_hash_and_by_normalised_text(index):
    index.add(letter_record("scan-1", text="(unreadable)", file_sha256="f" * 64))
    hits = index.match(letter_record("q", text="whatever", file_sha256="f" * 64))
    assert kinds(hits)["scan-1"] == "exact"
    hits = index.lookup(doc(LETTER.upper().replace("\n", "  ")), Card())
    assert kinds(hits)["letter-1"] == "exact"
    assert hits[0].score == 1.0 and hits[0].reason


@pytest.mark.parametrize("rate", [0.02, 0.05, 0.08])
def test_near_duplicate_survives_ocr_noise_and_another_layout(index, rate):
    scanned = "ВХОДЯЩИЙ № 95-3\nДата 14.03.2025\n" + ocr_noise(LETTER, rate) + "\nСтр. 1 из 1"
    hits = index.lookup(doc(scanned), Card())
    assert kinds(hits) == {"letter-1": "near"}
    assert "совпадает" in hits[0].reason


def test_email_copy_with_headers_is_near(index):
    email = (
        "From: minstroy@region.ru\nTo: adm@city.ru\nSubject: О ремонте кровли\n\n"
        + LETTER.replace("\n", " ")
        + "\n--\nОтправлено из системы электронного документооборота"
    )
    assert kinds(index.lookup(doc(email), Card())) == {"letter-1": "near"}


def test_same_reference_date_and_correspondent_is_strong_evidence(index):
    noisy = ocr_noise(LETTER, 0.15, seed=3)
    query = letter_record("q", text=noisy, reg_date=dt.date(2025, 3, 20))
    hits = index.match(query)
    assert kinds(hits) == {"letter-1": "near"}
    assert "01-12/345" in hits[0].reason


def test_monthly_report_of_same_sender_and_topic_is_not_a_duplicate(tmp_path):
    idx = open_index(f"sqlite:///{tmp_path / 'r.sqlite3'}", "org-a")
    march = (
        "Отчёт о ходе исполнения программы благоустройства за март 2025 года. Выполнено работ на 12,4 млн "
        "рублей, отремонтировано 14 дворов, установлено 9 детских площадок. Исх. № 15-03/77 от 02.04.2025."
    )
    april = (
        "Отчёт о ходе исполнения программы благоустройства за апрель 2025 года. Выполнено работ на 18,1 млн "
        "рублей, отремонтировано 21 двор, установлено 4 детские площадки. Исх. № 15-04/91 от 05.05.2025."
    )
    idx.add(letter_record("march", text=march, outgoing_number="15-03/77", outgoing_date=dt.date(2025, 4, 2)))
    query = letter_record("april", text=april, outgoing_number="15-04/91", outgoing_date=dt.date(2025, 5, 5))
    assert idx.match(query) == []


def test_repeat_appeal_in_new_words(index):
    query = appeal_record(
        "appeal-2",
        text=REPEAT_APPEAL,
        reg_date=dt.date(2025, 3, 10),
        applicant_name="Анна Сергеевна Кузнецова",
        applicant_address=None,
        applicant_phone="8 (912) 345-67-89",
    )
    hits = index.match(query)
    assert kinds(hits) == {"appeal-1": "repeat_appeal"}
    assert "Кузнецова" in hits[0].reason or "телефон" in hits[0].reason


def test_same_citizen_other_question_is_not_a_repeat(index):
    query = appeal_record(
        "appeal-3", text=OTHER_QUESTION, reg_date=dt.date(2025, 3, 10), topic_code="0003.0011"
    )
    assert index.match(query) == []


def test_other_citizen_same_question_is_not_a_repeat(index):
    query = appeal_record(
        "appeal-4",
        text=REPEAT_APPEAL.replace("Кузнецова А.С.", "Морозов П.П."),
        applicant_name="Морозов Павел Петрович",
        applicant_email="morozov@yandex.ru",
        applicant_phone="+7 900 000-00-01",
        applicant_address="г. Город, ул. Мира, д. 1",
    )
    assert index.match(query) == []


def test_collective_appeal_signers_are_linked(index):
    body = (
        "Мы, жители посёлка Северный, возражаем против строительства асфальтового завода рядом с жилыми "
        "домами и школой. Просим отменить выданное разрешение и провести общественные слушания."
    )
    index.add(appeal_record("coll-1", text=body + "\nПетров И.И.", applicant_name="Петров Илья Ильич"))
    query = appeal_record(
        "coll-2",
        text=body + "\nСмирнова О.В.",
        applicant_name="Смирнова Ольга Викторовна",
        applicant_email=None,
        applicant_phone="+7 900 111-22-33",
    )
    hits = index.match(query)
    assert kinds(hits) == {"coll-1": "repeat_appeal"}
    assert hits[0].reason.startswith("коллективное обращение")


def test_tenants_never_see_each_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    a, b = open_index(url, "org-a"), open_index(url, "org-b")
    a.add(letter_record("letter-1"))
    assert b.lookup(doc(LETTER), Card()) == []
    assert len(b) == 0 and len(a) == 1
    assert kinds(a.lookup(doc(LETTER), Card())) == {"letter-1": "exact"}


def test_add_is_idempotent_and_visible_to_another_process(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    writer, reader = open_index(url, "t"), open_index(url, "t")
    assert reader.lookup(doc(LETTER), Card()) == []  # reader has built its LSH already
    writer.add(letter_record("l1"))
    writer.add(letter_record("l1"))
    assert len(writer) == 1
    assert kinds(reader.lookup(doc(ocr_noise(LETTER, 0.05)), Card())) == {"l1": "near"}


def test_record_from_card_model_and_json():
    card = Card(
        correspondent=CardField[Correspondent](
            value=Correspondent(id="org-7", name="Минстрой"), confidence=0.9, source="directory"
        ),
        outgoing_number=CardField[str](value="01-12/345", confidence=0.9, source="rule"),
        outgoing_date=CardField[dt.date](value=dt.date(2025, 3, 12), confidence=0.9, source="rule"),
    )
    from_model = record_from_card("d", "text", card, reg_date="2025-03-14")
    from_json = record_from_card("d", "text", card.model_dump(mode="json"), reg_date=dt.date(2025, 3, 14))
    assert from_model == from_json
    assert from_model.correspondent_name == "Минстрой" and from_model.outgoing_date == dt.date(2025, 3, 12)


def test_register_loader_and_load_index(tmp_path, monkeypatch):
    import pandas as pd

    world = tmp_path / "world"
    world.mkdir()
    pd.DataFrame(
        [
            {
                "doc_id": "r1",
                "reg_date": "2025-03-14",
                "text": LETTER,
                "correspondent_name": "Минстрой",
                "outgoing_number": "01-12/345",
                "outgoing_date": "2025-03-12",
                "applicant_full_name": None,
            },
            {
                "doc_id": "r2",
                "reg_date": "2025-02-03",
                "text": APPEAL,
                "applicant_full_name": "Кузнецова Анна Сергеевна",
                "applicant_email": "a.kuznetsova@mail.ru",
            },
        ]
    ).to_parquet(world / "register.parquet")
    assert len(build_index_from_register(world)) == 2

    from docket.settings import Settings

    settings = Settings(register_path=world)
    assert load_index(Settings()) is None
    index = load_index(settings)
    assert len(index) == 2
    assert load_index(settings) is not None  # second time from the cache file
    hits = find_duplicates(doc(ocr_noise(LETTER, 0.03)), Card(), index)
    assert kinds(hits) == {"r1": "near"}


def test_bad_register_is_a_clear_error(tmp_path):
    from docket.errors import InputError
    from docket.settings import Settings

    with pytest.raises(InputError):
        load_index(Settings(register_path=tmp_path / "missing"))
    bad = tmp_path / "register.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(InputError):
        load_index(Settings(register_path=bad))


def test_band_index_finds_similar_signatures_across_merges(monkeypatch):
    import numpy as np

    from pipeline.duplicates import bands

    monkeypatch.setattr(bands, "_MERGE_EVERY", 5)
    index = bands.BandIndex(0.3, 64)
    rng = np.random.default_rng(0)
    signatures = rng.integers(0, 2**32, (12, 64), dtype=np.uint32)
    for i in range(12):  # one at a time: some land in the sorted arrays, the last ones still pending
        index.add([i + 1], signatures[i : i + 1])
    close = signatures[3].copy()
    close[32:] = rng.integers(0, 2**32, 32, dtype=np.uint32)  # half the hashes changed: Jaccard ~0.5
    assert index.query(close)[0] == 4
    assert index.query(signatures[11]) == [12]
    index.add(list(range(13, 13 + 30)), rng.integers(0, 2**32, (30, 64), dtype=np.uint32))  # one merge
    assert index.query(signatures[11]) == [12] and index.query(close)[0] == 4
    assert len(index) == 42


def test_same_sender_same_template_other_subject_is_not_near(tmp_path):
    idx = open_index(f"sqlite:///{tmp_path / 't.sqlite3'}", "org-a")
    template = (
        "Законодательное Собрание области. Исх. № {n}. Депутатский запрос. О {topic}. В мой адрес поступило "
        "коллективное обращение избирателей о {topic}. Прошу рассмотреть вопрос и принять меры. Жители "
        "неоднократно обращались в связи с ситуацией, в том числе в органы прокуратуры. {detail}"
    )
    first = template.format(
        n="08-17/1567", topic="работе такси", detail="Маршрут и расписание остаются главной проблемой."
    )
    second = template.format(
        n="08-17/1700", topic="налоговых льготах", detail="Дотация и субвенция распределяются неравномерно."
    )
    idx.add(letter_record("first", text=first, outgoing_number="08-17/1567", outgoing_date=None))
    query = letter_record("second", text=second, outgoing_number="08-17/1700", outgoing_date=None)
    assert idx.match(query) == []
    resent = letter_record("resent", text=first.replace("1567", "1580"), outgoing_number="08-17/1580")
    assert kinds(idx.match(resent)) == {"first": "near"}


def test_card_without_contacts_uses_the_mobile_and_mailbox_in_the_text(index):
    # the pipeline's card missed the applicant (read as a plain letter); the letter itself gives the contacts
    text = REPEAT_APPEAL + "\nТел.: 8 (912) 345-67-89, эл. почта: a.kuznetsova@mail.ru"
    hits = index.lookup(doc(text), Card())
    assert kinds(hits) == {"appeal-1": "repeat_appeal"}
    assert "a.kuznetsova@mail.ru" in hits[0].reason and "телефон" in hits[0].reason
    # an organisation's letter with its own contacts meets no earlier applicant
    other = LETTER + "\nИсп. Орлова Е.П., тел. 8 (912) 000-11-22, orlova@mail.ru"
    assert "appeal-1" not in kinds(index.lookup(doc(other), Card()))


def test_sketch_estimate_is_never_below_the_full_signature(monkeypatch):
    import numpy as np

    from pipeline.duplicates import bands

    monkeypatch.setattr(bands, "_MERGE_EVERY", 20)
    index = bands.BandIndex(0.3, 64)
    rng = np.random.default_rng(1)
    stored = rng.integers(0, 2**32, (50, 64), dtype=np.uint32)
    query = stored[7].copy()
    query[::3] = rng.integers(0, 2**32, 22, dtype=np.uint32)
    index.add(list(range(1, 26)), stored[:25])  # merged into the arrays...
    for i in range(25, 50):  # ...and pending
        index.add([i + 1], stored[i : i + 1])
    estimate = index.similarity(list(range(1, 51)) + [999], query)
    full = (stored == query).mean(axis=1)
    assert (estimate[:50] >= full).all() and estimate[7] == full[7] and estimate[50] == 0.0


def test_same_citizen_same_boilerplate_other_section_is_not_a_repeat(index):
    # a new complaint by the same person, in the same stock phrases, filed under another section of the
    # classifier: another question, however many words the two letters share
    stock = (
        " Я пенсионер, самостоятельно решить этот вопрос не могу. Обращались в администрацию и в управляющую "
        "компанию, получили отписку. Прошу разобраться и принять меры."
    )
    index.add(
        appeal_record(
            "stock-1",
            text="Во дворе дома 5 на улице Ленина третий месяц не вывозят мусор, контейнеры переполнены, "
            "отходы разносит ветер по детской площадке." + stock,
        )
    )
    other = appeal_record(
        "stock-2",
        text="У дома 5 на улице Ленина с осени не горят фонари уличного освещения, вечером на тротуаре "
        "темно, пожилые жители падают на льду." + stock,
        reg_date=dt.date(2025, 3, 20),
        topic_code="0003.0008.0083",
    )
    assert "stock-1" not in kinds(index.match(other))
    # the same question under a neighbouring theme of the same section is still a repeat
    same = dataclasses.replace(
        other,
        text="Пишу повторно. Мусор так и не вывозят: контейнерная площадка у дома 5 переполнена, "
        "по двору летают пакеты и отходы." + stock,
    )
    same.topic_code = "0005.0005.0057"
    assert kinds(index.match(same)).get("stock-1") == "repeat_appeal"


def test_candidates_dropped_unread_never_had_a_hit(tmp_path):
    # a lookup reads the text of an unkeyed candidate only when cannot_hit leaves it in: for every pair of
    # these letters (re-sends, OCR copies, monthly reports, appeals, co-signers) that must never lose a hit
    from sqlalchemy import select

    from pipeline.duplicates import normalize as nz
    from pipeline.duplicates.store import tables
    from pipeline.duplicates.verify import Query, cannot_hit, classify, light_row

    report = (
        "Министерство строительства области. Исх. № {n} от {d}.2025. О ходе капитального ремонта. "
        "Сообщаем, что по состоянию на {d}.2025 отремонтировано {a} домов из {b}, освоено {c} тыс. рублей. "
        "Работы ведутся по графику, подрядчики обеспечены материалами."
    )
    letters = [letter_record("letter-1"), letter_record("ocr", text=ocr_noise(LETTER, 0.05))]
    letters += [
        letter_record(
            f"report-{i}", text=report.format(n=f"01-12/{i}", d=f"0{i}.0{i}", a=10 + i, b=90 + i, c=i * 7)
        )
        for i in range(1, 6)
    ]
    letters += [
        appeal_record("appeal-1"),
        appeal_record("repeat", text=REPEAT_APPEAL, reg_date=dt.date(2025, 3, 1)),
    ]
    letters += [
        appeal_record(
            f"co-{i}",
            applicant_name=name,
            applicant_email=None,
            applicant_phone=None,
            doc_kind="collective_appeal",
        )
        for i, name in enumerate(["Петров Пётр Петрович", "Сидорова Мария Ивановна"])
    ]
    idx = open_index(f"sqlite:///{tmp_path / 'c.sqlite3'}", "org-a")
    idx.add_many(letters)
    _, table = tables()
    with idx.engine.connect() as conn:
        rows = conn.execute(select(table)).mappings().all()
    dropped = hits = 0
    for record in letters:
        normalized = nz.normalize_text(record.text)
        query = Query.build(
            dataclasses.replace(record, document_id="q"), normalized, idx._minhash(normalized)
        )
        for row in rows:
            hit = classify(query, row)
            hits += hit is not None
            if cannot_hit(query, light_row(row)):
                dropped += 1
                assert hit is None, (record.document_id, row["document_id"], hit)
    assert dropped > 20 and hits > 10  # both sides of the test were exercised


def test_sketches_of_letters_added_one_by_one_are_compared_at_once(monkeypatch):
    import numpy as np

    from pipeline.duplicates import bands

    monkeypatch.setattr(bands, "_MERGE_EVERY", 10**6)
    index = bands.BandIndex(0.3, 64)
    rng = np.random.default_rng(2)
    stored = rng.integers(0, 2**32, (1500, 64), dtype=np.uint32)
    for i in range(1500):  # past the first buffer of 1,024 pending letters
        index.add([i + 1], stored[i : i + 1])
    query = stored[1200].copy()
    query[:16] = 0
    estimate = index.similarity([5, 1201, 1499, 2000], query)
    assert estimate[1] >= 0.75 and estimate[3] == 0.0 and estimate[0] < 0.2
    assert index.query(query)[0] == 1201
