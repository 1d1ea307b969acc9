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
    successors: dict[str, str] = field(default_factory=dict)
    abolished: dict[str, date] = field(default_factory=dict)
    workload: Counter = field(default_factory=Counter)

    @classmethod
    def build(
        cls,
        staff: list[dict],
        units: list[dict] | None = None,
        absences: list[dict] | None = None,
        workload: Counter | None = None,
    ) -> StaffDirectory:
        people = {}
        for row in staff:
            sid = _clean(row.get("staff_id") or row.get("id"))
            if sid is None:
                continue
            people[sid] = Person(
                id=sid,
                name=_clean(row.get("name") or row.get("full_name")) or sid,
                unit=_clean(row.get("unit_id") or row.get("unit")),
                position=_clean(row.get("position")),
                hired=as_date(row.get("hired")),
                left=as_date(row.get("left")),
                gender=_clean(row.get("gender") or row.get("sex")),
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
            if _clean(row.get("successor") or row.get("successor_id")):
                successors[uid] = _clean(row.get("successor") or row.get("successor_id"))
            if as_date(row.get("abolished")):
                abolished[uid] = as_date(row.get("abolished"))
        return cls(people, dict(away), successors, abolished, workload or Counter())

    def name(self, staff_id: str) -> str:
        person = self.people.get(str(staff_id))
        return person.name if person else str(staff_id)

    def unit(self, staff_id: str) -> str | None:
        person = self.people.get(str(staff_id))
        return person.unit if person else None

    def employed(self, person: Person, day: date) -> bool:
        return (person.hired is None or person.hired <= day) and (person.left is None or person.left > day)

    def absent(self, staff_id: str, day: date) -> tuple[bool, str | None]:
        for start, end, deputy in self.absences.get(staff_id, ()):
            if start <= day <= end:
                return True, deputy
        return False, None

    def current_unit(self, unit: str | None, day: date) -> str | None:
        seen = set()
        while unit and unit in self.abolished and self.abolished[unit] <= day and unit not in seen:
            seen.add(unit)
            unit = self.successors.get(unit)
        return unit

    def _holder(self, unit: str | None, position: str | None, day: date, exclude: set[str]) -> str | None:
        """The person employed in the unit on the day: same position first, then the busiest one."""
        if unit is None:
            return None
        candidates = [
            p
            for p in self.people.values()
            if p.unit == unit and p.id not in exclude and self.employed(p, day)
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
                unit = self.current_unit(person.unit, day)
                holder = self._holder(unit, person.position, day, visited)
                if holder is None:
                    return None, f"{person.name} is not employed on {day}"
                reason = f"replaces {person.name} (not employed on {day})"
                current = holder
                continue
            if person.unit and self.current_unit(person.unit, day) != person.unit:
                holder = self._holder(self.current_unit(person.unit, day), person.position, day, visited)
                if holder is not None:
                    reason = f"takes over from {person.name} (unit reorganised)"
                    current = holder
                    continue
            away, deputy = self.absent(current, day)
            if away:
                if deputy and deputy not in visited:
                    reason = f"deputy of {person.name} (absent on {day})"
                    current = deputy
                    continue
                holder = self._holder(self.current_unit(person.unit, day), person.position, day, visited)
                if holder is None:
                    return None, f"{person.name} is absent on {day}"
                reason = f"stands in for {person.name} (absent on {day})"
                current = holder
                continue
            return current, reason
        return None, "no available executor found"
