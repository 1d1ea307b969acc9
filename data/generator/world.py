"""The receiving body: managers, structural units with competences, staff over time, absences, reorganisations.

Staff sit in *seats* (a role in a unit covering some topics); a seat has a chain of occupants over the
history (turnover), and a reorganisation ends seats in abolished units and opens seats in their successors.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field

from data.generator.people import Person, PersonFactory
from data.generator.topics_bank import SECTIONS, THEMES

REGION_GEN = "Челябинской области"

# (unit id, name, supervising manager, themes it handles)
UNITS = [
    ("U01", "Управление жилищно-коммунального хозяйства", "D1",
     ["Водоснабжение и водоотведение", "Теплоснабжение", "Электроснабжение и газоснабжение",
      "Управление многоквартирными домами", "Оплата жилищно-коммунальных услуг",
      "Обращение с твердыми коммунальными отходами"]),
    ("U02", "Управление жилищной политики", "D1", ["Жилищные вопросы"]),
    ("U03", "Управление благоустройства и городской среды", "D1", ["Благоустройство территорий"]),
    ("U04", "Управление дорожного хозяйства", "D1", ["Дорожное хозяйство"]),
    ("U05", "Управление транспорта", "D1", ["Транспорт"]),
    ("U06", "Управление строительства и архитектуры", "D1", ["Строительство и архитектура"]),
    ("U07", "Управление здравоохранения", "D2", ["Здравоохранение"]),
    ("U08", "Управление образования", "D2", ["Образование"]),
    ("U09", "Управление социальной защиты населения", "D2", ["Социальная защита"]),
    ("U10", "Управление культуры", "D2", ["Культура"]),
    ("U11", "Управление физической культуры и спорта", "D2", ["Физическая культура и спорт"]),
    ("U12", "Управление молодежной политики", "D2", ["Молодежная политика"]),
    ("U13", "Управление по труду и занятости населения", "D2", ["Труд и занятость"]),
    ("U14", "Управление экономического развития", "D3", ["Экономическое развитие и предпринимательство"]),
    ("U15", "Управление сельского хозяйства", "D3", ["Сельское хозяйство"]),
    ("U16", "Управление земельных отношений", "D3", ["Земельные отношения"]),
    ("U17", "Управление государственного имущества", "D3", ["Имущественные отношения"]),
    ("U18", "Управление промышленности и торговли", "D3",
     ["Торговля и потребительский рынок", "Промышленность и энергетика"]),
    ("U19", "Финансовое управление", "D3", ["Финансы и бюджет"]),
    ("U20", "Управление общественной безопасности", "D4", ["Общественная безопасность и правопорядок"]),
    ("U21", "Управление гражданской защиты", "D4", ["Гражданская оборона и чрезвычайные ситуации"]),
    ("U22", "Управление экологии и природопользования", "D4", ["Экология и природопользование"]),
    ("U23", "Правовое управление", "D6", ["Законность и судопроизводство"]),
    ("U24", "Управление внутренней политики", "D5", ["Внутренняя политика и общество"]),
    ("U25", "Управление информационной политики и связи", "D5", ["Информационная политика и связь"]),
    ("U26", "Управление по работе с обращениями граждан", "D6", []),
    ("U27", "Управление государственной службы и кадров", "D6", []),
    ("U28", "Управление делами и документооборота", "D6", ["Архивное дело и делопроизводство"]),
    ("U29", "Управление по взаимодействию с органами местного самоуправления", "D5",
     ["Государственное и муниципальное управление"]),
]  # fmt: skip

# Questions of the "Государственное и муниципальное управление" theme that other units own.
QUESTION_OWNERS = {
    "Работа с обращениями граждан": "U26",
    "Государственная гражданская служба": "U27",
    "Награждение и поощрение": "U27",
    "Предоставление государственных услуг": "U25",
}

# Themes a second unit plausibly handles too (co-execution, and a source of disagreement).
SECOND_UNITS = {
    "Благоустройство территорий": "U04",
    "Дорожное хозяйство": "U03",
    "Строительство и архитектура": "U02",
    "Жилищные вопросы": "U09",
    "Социальная защита": "U13",
    "Транспорт": "U04",
    "Земельные отношения": "U17",
    "Имущественные отношения": "U16",
    "Экология и природопользование": "U21",
    "Общественная безопасность и правопорядок": "U21",
    "Экономическое развитие и предпринимательство": "U18",
    "Сельское хозяйство": "U16",
    "Молодежная политика": "U11",
    "Оплата жилищно-коммунальных услуг": "U09",
    "Образование": "U12",
    "Здравоохранение": "U09",
}

MANAGERS = [
    ("GOV", "Губернатор Челябинской области", "Губернатору Челябинской области"),
    ("CHAIR", "Первый заместитель Губернатора Челябинской области – Председатель Правительства",
     "Первому заместителю Губернатора Челябинской области – Председателю Правительства"),
    ("D1", "Заместитель Губернатора Челябинской области", "Заместителю Губернатора Челябинской области"),
    ("D2", "Заместитель Губернатора Челябинской области", "Заместителю Губернатора Челябинской области"),
    ("D3", "Заместитель Губернатора Челябинской области", "Заместителю Губернатора Челябинской области"),
    ("D4", "Заместитель Губернатора Челябинской области", "Заместителю Губернатора Челябинской области"),
    ("D5", "Заместитель Губернатора Челябинской области", "Заместителю Губернатора Челябинской области"),
    ("D6", "Руководитель Аппарата Губернатора и Правительства Челябинской области",
     "Руководителю Аппарата Губернатора и Правительства Челябинской области"),
]  # fmt: skip

SPECIALIST_POSITIONS = ["начальник отдела", "консультант", "главный специалист", "ведущий специалист"]


@dataclass
class Topic:
    code: str
    name: str
    about: str  # prepositional form for «О …»
    section_code: str
    section: str
    theme_code: str
    theme: str
    vocabulary: list[str]
    units: list[str] = field(default_factory=list)


@dataclass
class Unit:
    unit_id: str
    name: str
    supervisor: str  # manager key
    created: dt.date
    abolished: dt.date | None = None
    successors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class Tenure:
    staff_id: str
    start: dt.date
    end: dt.date | None  # last day in the seat


@dataclass
class Seat:
    seat_id: str
    unit_id: str
    role: str  # head / deputy_head / specialist / manager
    position: str
    topics: list[str]
    opened: dt.date
    closed: dt.date | None = None
    tenures: list[Tenure] = field(default_factory=list)
    _starts: list[dt.date] = field(default_factory=list)

    def occupant(self, day: dt.date) -> str | None:
        if day < self.opened or (self.closed is not None and day >= self.closed):
            return None
        if not self._starts:
            self._starts = [t.start for t in self.tenures]
        i = bisect.bisect_right(self._starts, day) - 1
        if i < 0:
            return None
        t = self.tenures[i]
        return t.staff_id if t.end is None or day <= t.end else None


@dataclass
class Staff:
    staff_id: str
    person: Person
    hired: dt.date
    left: dt.date | None = None


@dataclass
class World:
    start: dt.date
    end: dt.date
    topics: list[Topic]
    units: dict[str, Unit]
    seats: list[Seat]
    staff: dict[str, Staff]
    managers: dict[str, Seat]
    absences: dict[str, list[tuple[dt.date, dt.date, str]]]
    reorganisations: list[dict]

    def unit_seats(self, unit_id: str) -> list[Seat]:
        return [s for s in self.seats if s.unit_id == unit_id]

    def absent_deputy(self, staff_id: str, day: dt.date) -> str | None:
        for start, end, deputy in self.absences.get(staff_id, ()):
            if start <= day <= end:
                return deputy
        return None


def build_topics(rng: random.Random) -> list[Topic]:
    topics = []
    theme_counter: dict[str, int] = {}
    q_counter = 0
    for section_code, theme_name, questions, vocabulary in THEMES:
        theme_counter[section_code] = theme_counter.get(section_code, 0) + 1
        theme_code = f"{section_code}.{theme_counter[section_code] * 7 + 3:04d}"
        for q in questions:
            q_counter += 1
            name, about = q.split("|")
            code = f"{theme_code}.{q_counter * 11 + 50:04d}"
            topics.append(
                Topic(
                    code=code,
                    name=name,
                    about=about,
                    section_code=section_code,
                    section=SECTIONS[section_code],
                    theme_code=theme_code,
                    theme=theme_name,
                    vocabulary=list(vocabulary),
                )
            )
    theme_owner = {theme: uid for uid, _, _, themes in UNITS for theme in themes}
    for t in topics:
        t.units = [QUESTION_OWNERS.get(t.name, theme_owner[t.theme])]
        second = SECOND_UNITS.get(t.theme)
        if second and rng.random() < 0.45:
            t.units.append(second)
    return topics


def _tenure_chain(
    rng: random.Random, opened: dt.date, closed: dt.date, first: str | None, new_staff, turnover: float
) -> list[Tenure]:
    """Occupants of a seat from `opened` to `closed`: each leaves at an exponential time, a successor follows."""
    tenures: list[Tenure] = []
    day = opened
    staff_id = first or new_staff(day)
    while True:
        stay = int(rng.expovariate(turnover) * 365) + 20
        leave = day + dt.timedelta(days=stay)
        if leave >= closed:
            tenures.append(Tenure(staff_id, day, None))
            return tenures
        tenures.append(Tenure(staff_id, day, leave))
        day = leave + dt.timedelta(days=rng.randint(7, 45))
        if day >= closed:
            return tenures
        staff_id = new_staff(day)


def build_world(seed: int, start: dt.date, end: dt.date, turnover: float = 0.19) -> World:
    rng = random.Random(f"{seed}:world")
    people = PersonFactory(seed)
    topics = build_topics(rng)
    units = {uid: Unit(uid, name, sup, start - dt.timedelta(days=3650)) for uid, name, sup, _ in UNITS}
    for t in topics:
        for uid in t.units:
            units[uid].topics.append(t.code)

    staff: dict[str, Staff] = {}
    counter = [0]

    def new_staff(day: dt.date, senior: bool = False) -> str:
        counter[0] += 1
        sid = f"S{counter[0]:04d}"
        hired = day if day > start else start - dt.timedelta(days=rng.randint(100, 5000))
        staff[sid] = Staff(sid, people.person(rng, min_age=35 if senior else 23), hired)
        return sid

    seats: list[Seat] = []
    managers: dict[str, Seat] = {}
    span = (end - start).days
    for key, position, _ in MANAGERS:
        seat = Seat(f"M-{key}", "U00", "manager", position, [], start)
        first = new_staff(start, senior=True)
        if key == "D3":  # a deputy is replaced halfway: his habits and style leave with him
            change = start + dt.timedelta(days=int(span * 0.55))
            seat.tenures = [Tenure(first, start, change - dt.timedelta(days=1))]
            seat.tenures.append(Tenure(new_staff(change, senior=True), change, None))
        else:
            seat.tenures = [Tenure(first, start, None)]
        managers[key] = seat
        seats.append(seat)

    def open_unit_seats(unit: Unit, opened: dt.date, closed: dt.date, carry: dict[str, str]) -> None:
        """Seats of a unit: head, deputy head, specialists each covering part of the unit's topics."""
        n_spec = max(3, min(8, 2 + len(unit.topics) // 2 + rng.randint(0, 2)))
        own = list(unit.topics)
        rng.shuffle(own)
        roles = [("head", "начальник управления"), ("deputy_head", "заместитель начальника управления")]
        for i in range(n_spec):
            roles.append(("specialist", SPECIALIST_POSITIONS[min(i, len(SPECIALIST_POSITIONS) - 1)]))
        for i, (role, position) in enumerate(roles):
            covered = own[i - 2 :: n_spec] if role == "specialist" else []
            seat = Seat(f"{unit.unit_id}-{i + 1:02d}", unit.unit_id, role, position, covered, opened, closed)
            first = carry.get(role) if role != "specialist" else carry.get(f"spec{i - 2}")
            seat.tenures = _tenure_chain(
                rng, opened, closed, first, lambda d, r=role: new_staff(d, r != "specialist"), turnover
            )
            seats.append(seat)

    # Reorganisations: one unit split in two, two units merged into one.
    split_day = start + dt.timedelta(days=int(span * 0.4))
    merge_day = start + dt.timedelta(days=int(span * 0.7))
    closing = {"U01": split_day, "U10": merge_day, "U12": merge_day}
    for unit in units.values():
        open_unit_seats(unit, start, closing.get(unit.unit_id, end + dt.timedelta(days=1)), {})

    def carry_from(uid: str, day: dt.date, mapping: dict[str, str]) -> dict[str, str]:
        """Who moves from the old unit's seats into the new unit's roles (old role → new role)."""
        out = {}
        old = [s for s in seats if s.unit_id == uid]
        by_role = {
            "head": [s for s in old if s.role == "head"],
            "deputy_head": [s for s in old if s.role == "deputy_head"],
        }
        specs = [s for s in old if s.role == "specialist"]
        for old_role, new_role in mapping.items():
            if old_role.startswith("spec"):
                idx = int(old_role[4:])
                src = specs[idx] if idx < len(specs) else None
            else:
                src = by_role[old_role][0]
            who = src.occupant(day - dt.timedelta(days=1)) if src else None
            if who:
                out[new_role] = who
        return out

    housing = [
        t
        for t in topics
        if t.theme in ("Управление многоквартирными домами", "Оплата жилищно-коммунальных услуг")
    ]
    split_a = Unit("U30", "Управление жилищного хозяйства", "D1", split_day)
    split_b = Unit("U31", "Управление коммунальной инфраструктуры", "D1", split_day)
    merged = Unit("U32", "Управление культуры и молодежной политики", "D2", merge_day)
    for t in topics:
        if "U01" in t.units:
            target = split_a if t in housing else split_b
            t.units = [target.unit_id if u == "U01" else u for u in t.units]
            target.topics.append(t.code)
        if "U10" in t.units or "U12" in t.units:
            t.units = list(dict.fromkeys("U32" if u in ("U10", "U12") else u for u in t.units))
            merged.topics.append(t.code)
    units["U01"].abolished, units["U01"].successors = split_day, ["U30", "U31"]
    for uid in ("U10", "U12"):
        units[uid].abolished, units[uid].successors = merge_day, ["U32"]
    for new in (split_a, split_b, merged):
        units[new.unit_id] = new
    close = end + dt.timedelta(days=1)
    open_unit_seats(
        split_a,
        split_day,
        close,
        carry_from("U01", split_day, {"head": "head", "spec0": "spec0", "spec1": "spec1"}),
    )
    open_unit_seats(
        split_b,
        split_day,
        close,
        carry_from(
            "U01", split_day, {"deputy_head": "head", "spec2": "spec0", "spec3": "spec1", "spec4": "spec2"}
        ),
    )
    carry = carry_from("U10", merge_day, {"head": "head", "spec0": "spec0", "spec1": "spec1"})
    carry.update(carry_from("U12", merge_day, {"head": "deputy_head", "spec0": "spec2"}))
    open_unit_seats(merged, merge_day, close, carry)
    reorganisations = [
        {"date": split_day.isoformat(), "kind": "split", "from": ["U01"], "to": ["U30", "U31"]},
        {"date": merge_day.isoformat(), "kind": "merge", "from": ["U10", "U12"], "to": ["U32"]},
    ]

    # Topics keep their pre-reorganisation owners for the dates before it.
    world = World(start, end, topics, units, seats, staff, managers, {}, reorganisations)
    _finish_staff(world)
    world.absences = _absences(rng, world)
    return world


def _finish_staff(world: World) -> None:
    last: dict[str, dt.date | None] = {}
    for seat in world.seats:
        for t in seat.tenures:
            prev = last.get(t.staff_id, dt.date.min)
            last[t.staff_id] = None if (t.end is None or prev is None) else max(prev, t.end)
    for sid, st in world.staff.items():
        st.left = last.get(sid)
        if st.left is not None and st.left >= world.end:
            st.left = None


def _absences(rng: random.Random, world: World) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    """Two vacations a year and some sick leave per person; a colleague of the same unit stands in."""
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    by_unit: dict[str, list[Seat]] = {}
    for seat in world.seats:
        by_unit.setdefault(seat.unit_id, []).append(seat)
    for seat in world.seats:
        peers = [s for s in by_unit[seat.unit_id] if s is not seat and s.role != "manager"]
        if seat.role == "manager":
            peers = [s for s in by_unit["U00"] if s is not seat and s.seat_id.startswith("M-D")]
        for tenure in seat.tenures:
            t_end = tenure.end or world.end
            year = max(tenure.start, world.start).year
            while year <= t_end.year:
                spells = [14, 14] + ([rng.randint(4, 10)] if rng.random() < 0.5 else [])
                for length in spells:
                    s = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 350))
                    e = s + dt.timedelta(days=length - 1)
                    if s < max(tenure.start, world.start) or e > t_end:
                        continue
                    candidates = [
                        p.occupant(s) for p in peers if p.role in ("head", "deputy_head", "manager")
                    ]
                    if seat.role == "specialist":
                        candidates = [p.occupant(s) for p in peers if p.role == "specialist"] + candidates[:1]
                    candidates = [c for c in candidates if c and c != tenure.staff_id]
                    if candidates:
                        out.setdefault(tenure.staff_id, []).append((s, e, rng.choice(candidates)))
                year += 1
    for spells in out.values():
        spells.sort()
    return out


def unit_at(world: World, topic: Topic, day: dt.date) -> list[str]:
    """Units handling a topic on a day: before a reorganisation, the abolished predecessor."""
    out = []
    for uid in topic.units:
        unit = world.units[uid]
        if unit.created > day:
            pred = [u.unit_id for u in world.units.values() if uid in u.successors]
            out.extend(p for p in pred if p not in out)
        elif uid not in out:
            out.append(uid)
    return out
