"""Who can take a letter on a given day: staff who left, absences with deputies, abolished units.

Plain data in (lists of dicts with ISO dates), a picklable object out. `resolve(staff_id, day)` maps a
predicted executor to the person who actually holds the work that day, with the reason.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        try:
            return value.date()
        except (ValueError, TypeError):
            return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def ru_date(value: Any) -> str:
    """A date as the clerk writes it (31.12.2025)."""
    day = as_date(value)
    return day.strftime("%d.%m.%Y") if day else str(value or "")


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


@dataclass
class Person:
    id: str
    name: str
    unit: str | None = None
    position: str | None = None
    hired: date | None = None
    left: date | None = None
    gender: str | None = None


@dataclass
class StaffDirectory:
    people: dict[str, Person] = field(default_factory=dict)
    absences: dict[str, list[tuple[date, date, str | None]]] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    abolished: dict[str, date] = field(default_factory=dict)
    workload: Counter = field(default_factory=Counter)
    # staff id → [(start, end, seat, unit, position)]; seat → [(start, end, staff id)]
    posts: dict[str, list[tuple]] = field(default_factory=dict)
    holders: dict[str, list[tuple]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        staff: list[dict],
        units: list[dict] | None = None,
        absences: list[dict] | None = None,
        workload: Counter | None = None,
        assignments: list[dict] | None = None,
    ) -> StaffDirectory:
        people = {}
        for row in staff:
            sid = _clean(row.get("staff_id") or row.get("id"))
            if sid is None:
                continue
            gender = (_clean(row.get("gender") or row.get("sex")) or "").casefold()
            people[sid] = Person(
                id=sid,
                name=_clean(row.get("full_name") or row.get("name")) or sid,
                unit=_clean(row.get("unit_id") or row.get("unit")),
                position=_clean(row.get("position")),
                hired=as_date(row.get("hired")),
                left=as_date(row.get("left")),
                gender={
                    "f": "femn",
                    "ж": "femn",
                    "female": "femn",
                    "m": "masc",
                    "м": "masc",
                    "male": "masc",
                }.get(gender),
            )
        away: dict[str, list] = defaultdict(list)
        for row in absences or []:
            sid, start, end = _clean(row.get("staff_id")), as_date(row.get("start")), as_date(row.get("end"))
            if sid and start and end:
                away[sid].append((start, end, _clean(row.get("deputy_id"))))
        successors, abolished = {}, {}
        for row in units or []:
            uid = _clean(row.get("unit_id") or row.get("id"))
            if uid is None:
                continue
            raw = _clean(row.get("successor_unit_ids") or row.get("successor") or row.get("successor_id"))
            if raw:
                successors[uid] = [u.strip() for u in raw.split(";") if u.strip()]
            if as_date(row.get("abolished")):
                abolished[uid] = as_date(row.get("abolished"))
        posts: dict[str, list] = defaultdict(list)
        holders: dict[str, list] = defaultdict(list)
        for row in assignments or []:
            sid, seat = _clean(row.get("staff_id")), _clean(row.get("seat_id"))
            start, end = as_date(row.get("start")), as_date(row.get("end"))
            if not sid or not seat:
                continue
            posts[sid].append((start, end, seat, _clean(row.get("unit_id")), _clean(row.get("position"))))
            holders[seat].append((start, end, sid))
        return cls(
            people, dict(away), successors, abolished, workload or Counter(), dict(posts), dict(holders)
        )

    def name(self, staff_id: str) -> str:
        person = self.people.get(str(staff_id))
        return person.name if person else str(staff_id)

    def unit(self, staff_id: str, day: date | None = None) -> str | None:
        post = self._post(str(staff_id), day) if day else None
        if post:
            return post[3]
        person = self.people.get(str(staff_id))
        return person.unit if person else None

    @staticmethod
    def _covers(start: date | None, end: date | None, day: date) -> bool:
        return (start is None or start <= day) and (end is None or day <= end)

    def _post(self, staff_id: str, day: date) -> tuple | None:
        """The post held on the day, else the last one taken before it."""
        posts = self.posts.get(staff_id) or []
        for post in posts:
            if self._covers(post[0], post[1], day):
                return post
        earlier = [p for p in posts if p[0] is None or p[0] <= day]
        return max(earlier, key=lambda p: p[0] or date.min) if earlier else None

    def employed(self, person: Person, day: date) -> bool:
        if not ((person.hired is None or person.hired <= day) and (person.left is None or person.left > day)):
            return False
        posts = self.posts.get(person.id)
        return not posts or any(self._covers(p[0], p[1], day) for p in posts)

    def absent(self, staff_id: str, day: date) -> tuple[bool, str | None]:
        for start, end, deputy in self.absences.get(staff_id, ()):
            if start <= day <= end:
                return True, deputy
        return False, None

    def current_units(self, unit: str | None, day: date) -> list[str]:
        """The unit itself, or what it became after reorganisations up to the day."""
        if unit is None:
            return []
        found, queue, seen = [], [unit], set()
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            if current in self.abolished and self.abolished[current] <= day and self.successors.get(current):
                queue.extend(self.successors[current])
            else:
                found.append(current)
        return found

    def _seat_holder(self, seat: str, day: date, exclude: set[str]) -> str | None:
        for start, end, sid in self.holders.get(seat, ()):
            if (
                sid not in exclude
                and self._covers(start, end, day)
                and sid in self.people
                and self.employed(self.people[sid], day)
            ):
                return sid
        return None

    def _members(self, unit: str) -> list[Person]:
        """Everyone who ever belonged to the unit (an index built on first use: scanning all staff for
        every stand-in took most of an evaluation)."""
        index = self.__dict__.get("_unit_index")
        if index is None:
            index = defaultdict(list)
            for person in self.people.values():
                for member_of in {person.unit, *(post[3] for post in self.posts.get(person.id, ()))}:
                    if member_of:
                        index[member_of].append(person)
            self.__dict__["_unit_index"] = index = dict(index)
        return index.get(unit, [])

    def _holder(self, units: list[str], position: str | None, day: date, exclude: set[str]) -> str | None:
        """Someone employed in the units on the day: same position first, then the busiest."""
        if not units:
            return None
        members = {p.id: p for unit in units for p in self._members(unit)}
        candidates = [
            p
            for p in members.values()
            if p.id not in exclude and self.employed(p, day) and self.unit(p.id, day) in units
        ]
        if not candidates:
            return None
        same = [p for p in candidates if position and p.position == position]
        pool = same or candidates
        return max(pool, key=lambda p: (self.workload.get(p.id, 0), p.hired or date.min)).id

    def resolve(self, staff_id: str, day: date) -> tuple[str | None, str | None]:
        """(who takes the work on `day`, why it moved) or (None, reason) when nobody can be found."""
        current, reason = str(staff_id), None
        visited: set[str] = set()
        for _ in range(6):
            visited.add(current)
            person = self.people.get(current)
            if person is None:
                return current, reason
            if not self.employed(person, day):
                post = self._post(current, day)
                holder = self._seat_holder(post[2], day, visited) if post else None
                if holder is None:
                    unit = post[3] if post else person.unit
                    position = post[4] if post else person.position
                    holder = self._holder(self.current_units(unit, day), position, day, visited)
                if holder is None:
                    return None, f"{person.name} не на должности {ru_date(day)}"
                reason = f"на должности, где был(а) {person.name} (на {ru_date(day)})"
                current = holder
                continue
            if (
                not self.posts.get(current)
                and person.unit
                and self.current_units(person.unit, day) != [person.unit]
            ):
                holder = self._holder(self.current_units(person.unit, day), person.position, day, visited)
                if holder is not None:
                    reason = f"вместо: {person.name} (подразделение реорганизовано)"
                    current = holder
                    continue
            away, deputy = self.absent(current, day)
            if away:
                if deputy and deputy not in visited:
                    reason = f"заместитель: {person.name} отсутствует {ru_date(day)}"
                    current = deputy
                    continue
                unit = self.unit(current, day)
                holder = self._holder(self.current_units(unit, day), person.position, day, visited)
                if holder is None:
                    return None, f"{person.name} отсутствует {ru_date(day)}"
                reason = f"замещает: {person.name} отсутствует {ru_date(day)}"
                current = holder
                continue
            return current, reason
        return None, "нет доступного исполнителя"
