"""A small hand-built register (not the generator's): staff, units, absences and letters whose executor
follows topic and author, with resolutions in two authors' styles. Other test files import `build_world`."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

STAFF = [
    # id, name, dative short form as a clerk writes it, unit, position, hired, left
    ("s1", "Иванова Анна Сергеевна", "Ивановой А.С.", "u1", "главный специалист", "2018-01-01", ""),
    ("s2", "Кузнецов Пётр Ильич", "Кузнецову П.И.", "u1", "ведущий специалист", "2018-01-01", ""),
    ("s3", "Ковальчук Мария Ивановна", "Ковальчук М.И.", "u2", "главный специалист", "2018-01-01", ""),
    ("s4", "Шевченко Олег Андреевич", "Шевченко О.А.", "u2", "ведущий специалист", "2018-01-01", ""),
    ("s5", "Толстая Ирина Львовна", "Толстой И.Л.", "u3", "главный специалист", "2018-01-01", "2024-03-01"),
    ("s6", "Зайцев Антон Павлович", "Зайцеву А.П.", "u3", "главный специалист", "2024-02-15", ""),
    ("s7", "Белых Ксения Игоревна", "Белых К.И.", "u4", "главный специалист", "2018-01-01", ""),
    ("s8", "Муравьёв Андрей Андреевич", "Муравьёву А.А.", "u4", "ведущий специалист", "2018-01-01", ""),
]
UNITS = [
    ("u1", "Отдел ЖКХ"),
    ("u2", "Отдел образования"),
    ("u3", "Отдел транспорта"),
    ("u4", "Отдел финансов"),
]
TOPICS = {
    "01": ("u1", "отопление подъезд крыша управляющая компания протечка капитальный ремонт"),
    "02": ("u2", "школа детский сад очередь учитель зачисление класс"),
    "03": ("u3", "автобус маршрут остановка дорога расписание перевозчик"),
    "04": ("u4", "бюджет субсидия платеж задолженность финансирование смета"),
}
# Within a unit the author routes: author a1 → the first specialist, a2 → the second.
ROUTE = {("u1", "a1"): "s1", ("u1", "a2"): "s2", ("u2", "a1"): "s3", ("u2", "a2"): "s4",
         ("u3", "a1"): "s5", ("u3", "a2"): "s5", ("u4", "a1"): "s7", ("u4", "a2"): "s8"}  # fmt: skip
AUTHORS = {"a1": "Главе города Смирнову В.В.", "a2": "Заместителю главы Орловой Е.Н."}
TEMPLATES = {
    "a1": "{name} Прошу рассмотреть и подготовить ответ заявителю в срок до {deadline}.",
    "a2": "{name}, {co} — для подготовки ответа. Срок — {deadline}.",
}


def _filler(rng: random.Random, words: str, n: int = 25) -> str:
    vocab = words.split() + [
        "просим",
        "уважаемый",
        "сообщаем",
        "связи",
        "вопрос",
        "обращение",
        "жители",
        "района",
    ]
    return " ".join(rng.choice(vocab) for _ in range(n))


def build_world(folder: Path, n: int = 600, seed: int = 0, start: date = date(2023, 1, 9)) -> Path:
    """Write register.csv, staff.csv, units.csv, absences.csv under `folder`; return the folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    dative = {s[0]: s[2] for s in STAFF}
    rows = []
    day = start
    for i in range(n):
        day = day + timedelta(days=1 if i % 2 else 0)
        topic = rng.choice(sorted(TOPICS))
        unit, words = TOPICS[topic]
        author = rng.choice(sorted(AUTHORS))
        executor = ROUTE[(unit, author)]
        if executor == "s5" and day >= date(2024, 3, 1):
            executor = "s6"
        if executor == "s7" and date(2024, 6, 1) <= day <= date(2024, 6, 30):
            executor = "s8"  # absent: the deputy takes it
        kind = rng.choice(["citizen_appeal", "letter", "request"])
        deadline = day + timedelta(days=30)
        while deadline.weekday() >= 5:
            deadline -= timedelta(days=1)
        co = ("s1" if executor != "s1" else "s2") if author == "a2" else ""
        name = dative[executor]
        text = TEMPLATES[author].format(
            name=name, co=dative.get(co, ""), deadline=deadline.strftime("%d.%m.%Y")
        )
        rows.append(
            {
                "doc_id": f"d{i}",
                "reg_number": f"{i + 1}-ОГ",
                "reg_date": day.isoformat(),
                "doc_kind": kind,
                "correspondent_id": f"org{rng.randint(1, 5)}",
                "correspondent_name": "Жители",
                "addressee": AUTHORS[author],
                "topic_code": topic,
                "summary": f"О вопросе {words.split()[0]}",
                "text": f"Уважаемый руководитель! {_filler(rng, words)}",
                "resolution_author_id": author,
                "resolution_text": text,
                "executor_id": executor,
                "coexecutor_ids": co,
                "deadline": deadline.isoformat(),
            }
        )
    _write(folder / "register.csv", rows)
    _write(
        folder / "staff.csv",
        [
            {"staff_id": s[0], "name": s[1], "unit_id": s[3], "position": s[4], "hired": s[5], "left": s[6]}
            for s in STAFF
        ],
    )
    _write(
        folder / "units.csv",
        [{"unit_id": u, "name": name, "abolished": "", "successor": ""} for u, name in UNITS],
    )
    _write(
        folder / "absences.csv",
        [{"staff_id": "s7", "start": "2024-06-01", "end": "2024-06-30", "deputy_id": "s8"}],
    )
    return folder


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_build_world_writes_the_tables(tmp_path):
    folder = build_world(tmp_path / "w", n=50)
    assert {p.name for p in folder.iterdir()} == {"register.csv", "staff.csv", "units.csv", "absences.csv"}
    assert len((folder / "register.csv").read_text("utf-8").splitlines()) == 51
