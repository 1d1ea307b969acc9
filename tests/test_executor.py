from __future__ import annotations

import pickle
from datetime import date

import numpy as np
import pytest
from test_training_world import build_world

from models.executor import ExecutorRanker, RoutingTable
from models.features import record_from_card
from models.names import dative_short
from models.staff import StaffDirectory
from pipeline.contract import Card, CardField, Topic
from pipeline.document import Document, Page


@pytest.mark.parametrize(
    ("full", "style", "expected"),
    [
        ("Иванова Анна Сергеевна", "surname_initials", "Ивановой А.С."),
        ("Кузнецов Пётр Ильич", "surname_initials", "Кузнецову П.И."),
        ("Ковальчук Мария Ивановна", "surname_initials", "Ковальчук М.И."),  # female, consonant: indeclinable
        ("Ковальчук Иван Петрович", "surname_initials", "Ковальчуку И.П."),
        ("Шевченко Ольга Андреевна", "surname_initials", "Шевченко О.А."),
        ("Черных Илья Олегович", "surname_initials", "Черных И.О."),
        ("Толстая Ирина Львовна", "surname_initials", "Толстой И.Л."),
        ("Лихачёва-Смирнова Нина Юрьевна", "surname_initials", "Лихачёвой-Смирновой Н.Ю."),
        ("Зайцев Антон Павлович", "initials_surname", "А.П. Зайцеву"),
        ("Зайцева Алла Павловна", "surname_initials_spaced", "Зайцевой А. П."),
    ],
)
def test_dative_names(full, style, expected):
    assert dative_short(full, style) == expected


def _staff() -> StaffDirectory:
    staff = [
        {
            "staff_id": "a",
            "name": "Иванова Анна Сергеевна",
            "unit_id": "u1",
            "position": "гл",
            "hired": "2020-01-01",
            "left": "2024-01-01",
        },
        {
            "staff_id": "b",
            "name": "Петров Пётр Петрович",
            "unit_id": "u1",
            "position": "гл",
            "hired": "2023-12-01",
            "left": "",
        },
        {
            "staff_id": "c",
            "name": "Сидоров Олег Ильич",
            "unit_id": "u1",
            "position": "вед",
            "hired": "2020-01-01",
            "left": "",
        },
        {
            "staff_id": "d",
            "name": "Орлова Нина Юрьевна",
            "unit_id": "u2",
            "position": "гл",
            "hired": "2020-01-01",
            "left": "",
        },
        {
            "staff_id": "e",
            "name": "Белов Ян Ильич",
            "unit_id": "u3",
            "position": "гл",
            "hired": "2020-01-01",
            "left": "",
        },
    ]
    units = [{"unit_id": "u2", "abolished": "2024-05-01", "successor": "u3"}]
    absences = [{"staff_id": "c", "start": "2024-02-01", "end": "2024-02-10", "deputy_id": "b"}]
    return StaffDirectory.build(staff, units, absences)


def test_staff_who_left_are_mapped_to_the_holder_of_their_position():
    staff = _staff()
    assert staff.resolve("a", date(2023, 6, 1)) == ("a", None)
    target, reason = staff.resolve("a", date(2024, 3, 1))
    assert target == "b" and "где был(а) Иванова" in reason


def test_absent_staff_are_mapped_to_their_deputy():
    staff = _staff()
    target, reason = staff.resolve("c", date(2024, 2, 5))
    assert target == "b" and "отсутствует 05.02.2024" in reason
    assert staff.resolve("c", date(2024, 2, 11))[0] == "c"


def test_abolished_unit_hands_work_to_its_successor():
    staff = _staff()
    assert staff.resolve("d", date(2024, 4, 30))[0] == "d"
    target, reason = staff.resolve("d", date(2024, 5, 2))
    assert target == "e" and "реорганизовано" in reason


def _records(n: int = 300, seed: int = 0):
    rng = np.random.default_rng(seed)
    words = {"x1": "отопление крыша подъезд", "x2": "школа учитель класс", "x3": "автобус маршрут дорога"}
    records, y, dates = [], [], []
    for i in range(n):
        label = ["x1", "x2", "x3"][i % 3]
        text = " ".join(rng.choice(words[label].split(), size=8)) + " просим рассмотреть"
        records.append({"text": text, "doc_kind": "letter", "topic_code": label[-1], "author_id": "a"})
        y.append(label)
        dates.append(date(2024, 1, 1).fromordinal(date(2024, 1, 1).toordinal() + i // 5))
    return records, y, dates


def test_ranker_is_an_estimator_with_calibrated_probabilities_and_pickles():
    records, y, dates = _records()
    ranker = ExecutorRanker(max_rows=None, use_char=True).fit(records[:240], y[:240], dates[:240])
    proba = ranker.predict_proba(records[240:])
    assert proba.shape == (60, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (ranker.predict(records[240:]) == np.array(y[240:])).mean() > 0.9
    clone = pickle.loads(pickle.dumps(ranker))
    assert np.allclose(clone.predict_proba(records[240:]), proba)
    assert ranker.model_.coef_.flags["F_CONTIGUOUS"]
    # No card fields at all (the extractor found none): still a ranking from the text.
    bare = [{"text": r["text"]} for r in records[240:]]
    assert (ranker.predict(bare) == np.array(y[240:])).mean() > 0.8


def test_routing_table_shrinks_a_rare_author_topic_pair_towards_the_topic():
    # topic t: 9 letters to p0 and 1 to p1 overall; author b sent one letter on t, and it went to p1
    records = [{"topic_code": "t", "author_id": "a"}] * 9 + [{"topic_code": "t", "author_id": "b"}]
    y_index = np.array([0] * 9 + [1])
    strong = RoutingTable(prior_strength=10.0).fit(records, y_index, None, 2)
    weak = RoutingTable(prior_strength=0.1).fit(records, y_index, None, 2)
    query = [
        {"topic_code": "t", "author_id": "b"},
        {"topic_code": "t", "author_id": "new"},
        {"topic_code": "x"},
    ]
    p_strong, known = strong.predict_proba(query)
    p_weak, _ = weak.predict_proba(query)
    assert known.tolist() == [True, True, False]
    assert p_strong[0].argmax() == 0 and p_weak[0].argmax() == 1  # one letter is weak evidence
    assert np.allclose(p_strong[1], [0.9, 0.1]) and np.allclose(p_strong[:2].sum(axis=1), 1.0)
    assert not p_strong[2].any()
    # recency: the same counts, but p1's letter is the newest and the half-life short
    dates = [date(2024, 1, 1)] * 9 + [date(2024, 12, 1)]
    recent = RoutingTable(half_life_days=30.0).fit(records, y_index, dates, 2)
    assert recent.predict_proba([{"topic_code": "t", "author_id": None}])[0][0].argmax() == 1


def test_ranker_learns_units_and_spreads_them_over_their_people():
    records, y, dates = _records(600)
    unit_of = {"x1": "u1", "x2": "u2", "x3": "u2"}
    units = [unit_of[v] for v in y]
    ranker = ExecutorRanker(max_rows=None).fit(records[:480], y[:480], dates[:480], units[:480])
    assert list(ranker.groups_) == ["u1", "u2"] and ranker.model_.coef_.shape[0] == 1
    assert (ranker.predict(records[480:]) == np.array(y[480:])).mean() > 0.9  # the topic table decides
    proba = ranker.predict_proba([{"text": r["text"]} for r in records[480:]])
    assert np.allclose(proba.sum(axis=1), 1.0)
    # without the topic, the linear model still tells u1's letters from u2's
    in_u1 = np.array([unit_of[v] == "u1" for v in y[480:]])
    p_u1 = proba[:, list(ranker.classes_).index("x1")]
    assert (p_u1[in_u1] > 0.5).mean() > 0.8 and (p_u1[~in_u1] < 0.5).mean() > 0.8


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from training.register import load_register
    from training.train import train_register

    world = build_world(tmp_path_factory.mktemp("world"), n=900)
    trained, report = train_register(load_register(world), 0.2)
    return trained, report


def _letter(text: str, registered: str) -> Document:
    return Document(
        id="t", media_type="text/plain", pages=[Page(1, text)], metadata={"registered": registered}
    )


def test_bundle_suggests_available_executors_with_reasons(bundle):
    trained, report = bundle
    assert report["executor_top1"] > 0.85 and report["executor_top3"] >= report["executor_top1"]
    card = Card(
        topic=CardField[Topic](value=Topic(code="03"), confidence=0.9, source="model"),
        addressee=CardField[str](value="Главе города Смирнову В.В.", confidence=0.9, source="rule"),
    )
    text = "Уважаемый руководитель! автобус маршрут остановка расписание перевозчик дорога автобус"
    # Before 2024-03-01 the transport specialist s5 handles it; afterwards s5 has left, and s6 holds the post.
    early = trained.suggest_executors(_letter(text, "2023-06-01"), card, top_k=3)
    late = trained.suggest_executors(_letter(text, "2024-09-01"), card, top_k=3)
    assert early[0].id == "s5"
    assert late[0].id == "s6" and all(s.id != "s5" for s in late)
    assert 0 < late[0].score <= 1 and late[0].name == "Зайцев Антон Павлович"
    assert any("похожее письмо" in r for r in late[0].reasons)


def test_bundle_never_suggests_an_absent_executor(bundle):
    trained, _ = bundle
    card = Card(
        topic=CardField[Topic](value=Topic(code="04"), confidence=0.9, source="model"),
        addressee=CardField[str](value="Главе города Смирнову В.В.", confidence=0.9, source="rule"),
    )
    text = "Уважаемый руководитель! бюджет субсидия платеж задолженность финансирование смета"
    during = trained.suggest_executors(_letter(text, "2024-06-10"), card, top_k=3)
    assert during and all(s.id != "s7" for s in during) and during[0].id == "s8"


def test_bundle_handles_an_empty_card(bundle):
    trained, _ = bundle
    doc = _letter("школа детский сад очередь учитель зачисление класс", "2024-08-01")
    suggestions = trained.suggest_executors(doc, Card(), top_k=3)
    assert all(0 <= s.score <= 1 for s in suggestions)
    record = record_from_card(doc, Card())
    assert record["doc_kind"] is None and record["text"]
