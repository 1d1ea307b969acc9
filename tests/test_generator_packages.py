"""Package forms of citizens' appeals: call-centre and regional-centre cards, forwarded packages with the
forwarder's printout or a higher body's cover, internal e-mail forwards, and the spread of appeal lengths.
Small worlds and direct calls; properties, not exact text."""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics

import pytest

from data.generator.packages import callcentre_letter, mail_printout, registration_card
from data.generator.people import Person
from data.generator.register import Generator
from data.generator.truthcheck import absence

CARD_HEADS = ("Единый контакт-центр", "Центр управления регионом", "Обращение №")


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    rows, _ = Generator(47, 1, 900).rows()
    return rows


class _Topic:
    theme = "Водоснабжение"
    name = "Перебои в водоснабжении"


def test_call_centre_cards_carry_the_truths_they_claim():
    person = Person("Петрова", "Анна", "Сергеевна", "F")
    operator = Person("Сидоров", "Олег", "Ильич", "M")
    seen = set()
    for seed in range(40):
        letter = callcentre_letter(
            random.Random(seed), number="1234567", created=dt.date(2025, 2, 3), deadline=dt.date(2025, 3, 5),
            applicant=person, address="г. Челябинск, ул. Ленина, д. 5, кв. 7", street="ул. Ленина, д. 5",
            phone="+7 912 345-67-89", email="petrova.a5@mail.ru", topic=_Topic(), body=["Нет воды третий день."],
            typo_rate=0.0, addressee="Губернатор Челябинской области Иванов И.И.", operator=operator,
        )  # fmt: skip
        text = letter.text
        seen |= {
            k for k in ("Единый контакт-центр", "Центр управления регионом", "Дата дедлайна") if k in text
        }
        assert "1234567" in text and "Петрова Анна Сергеевна" in text and "Нет воды третий день." in text
        assert ("petrova.a5@mail.ru" in text) == ("applicant_email" not in letter.hidden)
        assert ("Иванов И.И." in text) == ("addressee" not in letter.hidden)
        assert "Сидоров" in text  # the operator: a name that is not the applicant's
    assert len(seen) == 3  # all three card systems occur


def test_registration_card_and_mail_printout_show_the_applicant():
    person = Person("Орлов", "Пётр", "Ильич", "M")
    card = registration_card(
        random.Random(1), body_name="Управление", received_at="в Администрацию Президента РФ",
        addressed_to="Президент РФ", number="97861", day=dt.date(2025, 1, 31), applicant=person, address="",
        phone="", email="orlov@mail.ru", body=["Текст."], typo_rate=0.0,
    )  # fmt: skip
    assert {"applicant_address", "applicant_phone"} <= card.hidden and "orlov@mail.ru" in card.text
    printed = mail_printout(random.Random(2), card, applicant=person, email="orlov@mail.ru", day=dt.date(2025, 2, 3),
                            subject="Обращение")  # fmt: skip
    assert printed.text.startswith("Fwd: Обращение") and printed.text.endswith("Текст.")
    assert "applicant_email" not in printed.hidden


def test_package_forms_occur_and_keep_their_truths(rows):
    citizens = [r for r in rows if r["doc_kind"] == "citizen_appeal"]
    cards = [r for r in citizens if r["channel"] == "platform" and r["text"].startswith(CARD_HEADS)]
    assert cards and all(r["outgoing_number"] in r["text"] for r in cards)
    forwarded = [r for r in citizens if r["layout"] == "forwarded"]
    two_step = [
        r for r in forwarded if r["text"].count("Приложение: обращение от") and r["text"].count("\f") >= 2
    ]
    printed = [r for r in forwarded if "Текст обращения:" in r["text"]]
    assert two_step and len(printed) > len(two_step)
    # the higher body's number is another «№» before ours: the forwarder's outgoing pair stays the truth
    for r in two_step:
        assert len(re.findall("№", r["text"])) >= 3 and r["outgoing_number"] in r["text"].split("\f")[0]
    assert any(r["text"].startswith("Fwd:") for r in citizens if r["channel"] == "email")
    result = absence(cards + forwarded)
    for field in (
        "applicant_full_name",
        "applicant_email",
        "applicant_phone",
        "applicant_address",
        "addressee",
    ):
        assert result[field][0] == 0, field


def test_citizens_lengths_spread_like_real_mail(rows):
    lengths = sorted(len(r["text"]) for r in rows if r["doc_kind"] == "citizen_appeal")
    q1, median, q3 = statistics.quantiles(lengths, n=4)
    assert 1200 < median < 2500
    assert (
        lengths[len(lengths) // 20] < 800 and lengths[-len(lengths) // 10] > 2200
    )  # short notes and long packages


def test_package_column_names_the_form(rows):
    forms = {r["package"] for r in rows}
    assert {
        "letter",
        "web_form",
        "forwarded",
        "forwarded_card",
        "forwarded_two_step",
        "mail_forward",
    } <= forms
    assert forms <= {"letter", "web_form", "platform_form", "call_centre", "incident", "hotline", "mail_forward",
                     "forwarded", "forwarded_card", "forwarded_two_step"}  # fmt: skip
    for r in rows:
        assert r["package"].startswith("forwarded") == (
            r["layout"] == "forwarded" and bool(r["applicant_full_name"])
        )
        if r["package"] == "mail_forward":
            assert r["text"].startswith("Fwd:") and r["applicant_email"]
