"""Resolutions in each manager's personal style: phrasings, deadline format, how executors are named."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# Resolution kind → phrasings a manager may adopt.
PHRASES = {
    "answer_applicant": [
        "Прошу рассмотреть и подготовить ответ заявителю.",
        "Рассмотреть, ответить заявителю.",
        "Прошу рассмотреть обращение и дать ответ заявителю в установленный срок.",
        "Для рассмотрения и ответа заявителю.",
        "Разобраться. Ответ заявителю.",
    ],
    "consider_answer": [
        "Прошу рассмотреть и подготовить ответ.",
        "Рассмотреть, подготовить проект ответа.",
        "Прошу проработать и подготовить ответ за моей подписью.",
        "Для рассмотрения и подготовки ответа.",
    ],
    "info": ["Для сведения.", "К сведению.", "Для сведения и использования в работе.", "Принять к сведению."],
    "work": ["В работу.", "Прошу взять в работу.", "В работу, доложить.", "Прошу организовать исполнение."],
    "proposals": [
        "Прошу подготовить предложения.",
        "Подготовить предложения, доложить.",
        "Прошу проработать вопрос и подготовить предложения.",
    ],
    "report": [
        "Прошу подготовить информацию в установленный срок.",
        "Подготовить и направить информацию.",
        "Прошу обеспечить исполнение и подготовить доклад.",
        "Обеспечить исполнение. Доклад к сроку.",
    ],
    "participate": [
        "Прошу обеспечить участие.",
        "Прошу принять участие.",
        "Обеспечить участие, доложить об итогах.",
    ],
    "prosecutor": [
        "Прошу рассмотреть, принять меры и подготовить ответ в прокуратуру.",
        "Рассмотреть, устранить нарушения, ответ в прокуратуру.",
        "Прошу обеспечить рассмотрение и подготовить ответ.",
    ],
}


@dataclass
class Style:
    phrases: dict[str, str]  # kind → the phrasing this manager uses
    alt: dict[str, str]  # a second phrasing used sometimes
    deadline_fmt: int
    executors_first: bool
    lead_mark: int  # 0: none, 1: «(отв.)» after the main executor, 2: «свод – …»
    coexec_rate: float
    habit_themes: tuple[str, ...]  # themes this manager routes to the unit head, not the specialist


def make_style(rng: random.Random, themes: list[str]) -> Style:
    kinds = sorted(PHRASES)
    phrases = {k: rng.choice(PHRASES[k]) for k in kinds}
    alt = {k: rng.choice(PHRASES[k]) for k in rng.sample(kinds, rng.randint(2, 4))}
    return Style(
        phrases=phrases,
        alt=alt,
        deadline_fmt=rng.randrange(5),
        executors_first=rng.random() < 0.7,
        lead_mark=rng.choice([0, 0, 1, 2]),
        coexec_rate=rng.uniform(0.05, 0.2),
        habit_themes=tuple(rng.sample(themes, 3)),
    )


def format_deadline(day: dt.date, fmt: int) -> str:
    return (
        f"Срок – до {day:%d.%m.%Y}",
        f"Срок: {day:%d.%m.%Y}",
        f"до {day:%d.%m.%y}",
        f"Срок исполнения – {day:%d.%m.%Y} г.",
        f"Срок {day:%d.%m}",
    )[fmt]


def resolution_text(
    rng: random.Random, style: Style, kind: str, executors_dative: list[str], deadline: dt.date | None
) -> str:
    phrase = style.phrases[kind]
    if kind in style.alt and rng.random() < 0.35:
        phrase = style.alt[kind]
    names = list(executors_dative)
    if len(names) > 1 and style.lead_mark == 1:
        names[0] += " (отв.)"
    who = ", ".join(names)
    if len(names) > 1 and style.lead_mark == 2:
        who = ", ".join(names) + f"\nСвод – {executors_dative[0]}"
    parts = [who, phrase] if style.executors_first else [phrase, who]
    if deadline is not None:
        parts.append(format_deadline(deadline, style.deadline_fmt))
    return "\n".join(parts)
