from __future__ import annotations

import json
from datetime import date

from pipeline.contract import Card, CardField
from pipeline.deadline import DeadlineRules, compute_deadline, is_working_day
from pipeline.document import Document, Page


def _doc(text: str = "Прошу рассмотреть.", **metadata) -> Document:
    return Document(id="x", media_type="text/plain", pages=[Page(1, text)], metadata=metadata)


def _card(kind: str | None) -> Card:
    card = Card()
    if kind:
        card.doc_kind = CardField[str](value=kind, confidence=1.0, source="rule")
    return card


def test_appeal_is_answered_in_30_days():
    due = compute_deadline(_doc(), _card("citizen_appeal"), date(2025, 9, 1))
    assert due.date == date(2025, 10, 1) and due.rule == "59-FZ:appeal_30d"


def test_deadline_on_substituted_day_off_moves_to_previous_working_day():
    # 2025-10-04 + 30 days = Monday 3 November 2025, a day off moved from Saturday 1 November.
    due = compute_deadline(_doc(), _card("citizen_appeal"), date(2025, 10, 4))
    assert due.date == date(2025, 11, 1)  # the working Saturday
    assert due.rule.endswith("+previous_working_day")
    assert is_working_day(date(2025, 11, 1)) and not is_working_day(date(2025, 11, 3))


def test_deadline_on_new_year_holidays_moves_back_to_december():
    due = compute_deadline(_doc(), _card("collective_appeal"), date(2025, 12, 5))  # + 30 = 4 January 2026
    assert due.date == date(2025, 12, 30)


def test_out_of_competence_appeal_is_forwarded_in_7_days():
    due = compute_deadline(_doc(out_of_competence=True), _card("citizen_appeal"), date(2025, 9, 1))
    assert due.date == date(2025, 9, 8) and due.rule.startswith("59-FZ:forward_7d")


def test_explicit_date_wins_over_the_kind_term():
    text = "Просим представить информацию в срок до 15.09.2025 по прилагаемой форме."
    due = compute_deadline(_doc(text), _card("request"), date(2025, 9, 1))
    assert due.date == date(2025, 9, 15) and due.rule == "explicit_date"
    text = "Просим представить информацию в срок до «12» сентября 2025 г."
    assert compute_deadline(_doc(text), _card("request"), date(2025, 9, 1)).date == date(2025, 9, 12)


def test_explicit_term_in_days_and_in_working_days():
    due = compute_deadline(_doc("Ответ направить в течение 10 дней."), _card("letter"), date(2025, 9, 1))
    assert due.date == date(2025, 9, 11) and due.rule == "explicit_term:10_days"
    due = compute_deadline(_doc("в течение 5 рабочих дней"), _card("letter"), date(2025, 9, 5))
    assert due.date == date(2025, 9, 12)


def test_explicit_date_in_the_past_is_ignored():
    text = "Ранее просили ответить в срок до 01.02.2020."
    assert compute_deadline(_doc(text), _card("citizen_appeal"), date(2025, 9, 1)).rule == "59-FZ:appeal_30d"


def test_kinds_without_a_term_get_no_deadline_and_rules_are_configurable(tmp_path):
    assert compute_deadline(_doc(), _card("invitation"), date(2025, 9, 1)) is None
    assert compute_deadline(_doc(), _card(None), date(2025, 9, 1)) is None
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"terms": {"invitation": 3}, "appeal_days": 15}), "utf-8")
    rules = DeadlineRules.from_file(path)
    assert compute_deadline(_doc(), _card("invitation"), date(2025, 9, 1), rules).date == date(2025, 9, 4)
    assert compute_deadline(_doc(), _card("citizen_appeal"), date(2025, 9, 1), rules).date == date(
        2025, 9, 16
    )


def test_invitation_takes_the_date_of_the_event_it_announces():
    text = "Уважаемый Иван Петрович!\n6 февраля 2025 г. в 14:30 состоится заседание рабочей группы."
    due = compute_deadline(_doc(text), _card("invitation"), date(2025, 1, 24))
    assert due.date == date(2025, 2, 6) and due.rule == "event_date"
    text = "Приглашаем принять участие в совещании, которое состоится «28» января 2025 г. в 10:00."
    assert compute_deadline(_doc(text), _card("invitation"), date(2025, 1, 9)).date == date(2025, 1, 28)


def test_terms_in_working_days_and_margin_before_a_stated_date():
    rules = DeadlineRules(
        terms={"letter": 10}, working_terms=("letter",), explicit_margin_days=2, explicit_margin_working=True
    )
    # Monday 1 September 2025 + 10 working days = Monday 15 September
    due = compute_deadline(_doc(), _card("letter"), date(2025, 9, 1), rules)
    assert due.date == date(2025, 9, 15) and due.rule == "kind:letter_10wd"
    # stated Monday 15 September, two working days earlier = Thursday 11 September
    due = compute_deadline(_doc("в срок до 15.09.2025"), _card("request"), date(2025, 9, 1), rules)
    assert due.date == date(2025, 9, 11) and due.rule == "explicit_date-2wd"
    assert DeadlineRules.from_dict(rules.to_dict()) == rules


def test_learnt_rules_find_working_day_terms_and_kinds_without_deadlines():
    from datetime import timedelta

    from pipeline.deadline import add_working_days
    from training.deadline_rules import learn_deadline_rules

    rows = []
    for k in range(60):
        registered = date(2025, 1, 13) + timedelta(days=3 * k)
        due = add_working_days(registered, 10)
        rows.append({"doc_kind": "letter", "reg_date": registered, "deadline": due, "text": "Просим."})
        rows.append({"doc_kind": "notification", "reg_date": registered, "deadline": None, "text": "."})
    rules = learn_deadline_rules(rows)
    assert rules.terms["letter"] == 10 and "letter" in rules.working_terms
    assert rules.terms["notification"] is None
