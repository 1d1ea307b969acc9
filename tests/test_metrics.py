"""One definition of correct for offline evaluation and live quality."""

from __future__ import annotations

import pytest

from pipeline.metrics import (
    card_accuracy,
    executor_hits,
    field_correct,
    normalise_number,
    normalise_person,
    resolution_template,
    token_f1,
)


@pytest.mark.parametrize(
    "a, b",
    [("№ 01-12/345", "01–12/345"), ("Исх. 345-OГ", "исх.345-ОГ"), ("АВ-12/3456", "AB-12/3456")],
)
def test_numbers_match_after_normalisation(a, b):
    assert normalise_number(a) == normalise_number(b)


def test_numbers_that_differ_do_not_match():
    assert not field_correct("outgoing_number", "01-12/345", "01-12/346")


@pytest.mark.parametrize("name", ["Иванова Анна Сергеевна", "Иванова А.С.", "А.С. Иванова", "ИВАНОВА А. С."])
def test_person_forms_normalise_alike(name):
    assert normalise_person(name) == "иванова а с"


def test_empty_truth_and_empty_prediction_is_not_scored_but_invention_is_wrong():
    assert field_correct("reply_to", None, None) is None
    assert (
        field_correct("reply_to", {"value": {"number": "1", "date": None}, "confidence": 0.5}, None) is False
    )


def test_correspondent_compared_by_directory_id_when_known():
    truth = {"id": "org-1", "name": "Минстрой"}
    assert field_correct("correspondent", {"id": "org-1", "name": "другое написание"}, truth)
    assert not field_correct("correspondent", {"id": "org-2", "name": "Минстрой"}, truth)
    assert field_correct(
        "correspondent", {"id": None, "name": "«Минстрой»"}, {"id": None, "name": "Минстрой"}
    )


def test_applicant_checks_each_filled_subfield():
    truth = {"full_name": "Петров Иван Ильич", "email": "p@mail.ru", "phone": None, "address": ""}
    assert field_correct("applicant", {"full_name": "Петров И.И.", "email": "P@mail.ru"}, truth)
    assert not field_correct("applicant", {"full_name": "Петров И.И.", "email": "q@mail.ru"}, truth)


def test_summary_by_token_f1():
    assert token_f1("О ремонте кровли школы", "о ремонте кровли школы") == 1.0
    assert field_correct("summary", "О ремонте кровли школы № 12", "О ремонте кровли в школе № 12")
    assert not field_correct("summary", "О вывозе мусора", "О ремонте кровли школы")


def test_card_accuracy_counts_only_scored_fields():
    result = card_accuracy(
        [
            ({"outgoing_number": "1-2", "summary": None}, {"outgoing_number": "1-2", "summary": None}),
            ({"outgoing_number": "1-3"}, {"outgoing_number": "1-2"}),
        ]
    )
    assert result["per_field"] == {"outgoing_number": 0.5}
    assert result["overall"] == 0.5


def test_executor_hits():
    assert executor_hits(["a", "b", "c"], "a") == (True, True)
    assert executor_hits(["a", "b", "c"], "c") == (False, True)
    assert executor_hits([], "c") == (False, False)


def test_resolution_template_slots_names_in_any_order():
    a = resolution_template("Ивановой А.С., Петрову И.И. Прошу рассмотреть и подготовить ответ заявителю.")
    b = resolution_template(
        "Кузнецову П.П.,  Сидоровой Е.В.: прошу рассмотреть и подготовить ответ заявителю"
    )
    assert a == b
    assert a != resolution_template("Ивановой А.С. Для сведения.")
