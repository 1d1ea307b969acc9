"""Who gets a letter: topic → unit → the specialist covering the topic, with the author's habits, absences
(vacation → deputy), workload balancing; then 10–15 % idiosyncratic choices the rule does not explain.

`Assigner.rule` is the generator's own rule; `oracle_top1` in world.json is how often it equals the recorded
executor, the ceiling a model is read against.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from data.generator.world import Seat, Topic, World, unit_at


class Assigner:
    def __init__(self, world: World, weekly_cap: int, idiosyncratic: float = 0.12):
        self.world = world
        self.weekly_cap = weekly_cap
        self.idiosyncratic = idiosyncratic
        self.load: dict[tuple[str, int, int], int] = defaultdict(int)
        self.seats_by_unit: dict[str, list[Seat]] = defaultdict(list)
        for seat in world.seats:
            self.seats_by_unit[seat.unit_id].append(seat)

    def _present(self, staff_id: str | None, day: dt.date) -> str | None:
        if staff_id is None:
            return None
        deputy = self.world.absent_deputy(staff_id, day)
        return deputy if deputy and self.employed(deputy, day) else staff_id

    def employed(self, staff_id: str, day: dt.date) -> bool:
        st = self.world.staff[staff_id]
        return st.hired <= day and (st.left is None or day <= st.left)

    def _unit_people(self, unit_id: str, day: dt.date, roles=("specialist", "deputy_head")) -> list[str]:
        out = []
        for seat in self.seats_by_unit[unit_id]:
            if seat.role in roles:
                who = seat.occupant(day)
                if who and not self.world.absent_deputy(who, day):
                    out.append(who)
        return out

    def _head(self, unit_id: str, day: dt.date) -> str | None:
        for role in ("head", "deputy_head"):
            for seat in self.seats_by_unit[unit_id]:
                if seat.role == role and (who := seat.occupant(day)):
                    return who
        return None

    def responsible(self, unit_id: str, topic: Topic, day: dt.date) -> str | None:
        for seat in self.seats_by_unit[unit_id]:
            if seat.role == "specialist" and topic.code in seat.topics and seat.opened <= day:
                who = seat.occupant(day)
                if who:
                    return who
        return self._head(unit_id, day)

    def rule(self, topic: Topic, day: dt.date, habit_themes: tuple[str, ...]) -> tuple[str, str]:
        """(executor, unit) the rule picks, deterministic given the state of the world and workload."""
        unit_id = unit_at(self.world, topic, day)[0]
        who = (
            self._head(unit_id, day) if topic.theme in habit_themes else self.responsible(unit_id, topic, day)
        )
        who = self._present(who, day)
        week = day.isocalendar()
        if who and self.load[(who, week[0], week[1])] >= self.weekly_cap:
            people = self._unit_people(unit_id, day, ("specialist",))
            if people:
                who = min(people, key=lambda p: (self.load[(p, week[0], week[1])], p))
        if who is None:
            who = self._present(self._head(unit_id, day), day)
        if who is None:
            # Every seat of the unit is vacant that day (turnover): the letter goes to whoever else handles
            # the topic, and at worst to the longest-serving employee, as a clerk would route it upward.
            who, unit_id = self._fallback(topic, day, unit_id)
        return who, unit_id

    def _fallback(self, topic: Topic, day: dt.date, unit_id: str) -> tuple[str, str]:
        for other in unit_at(self.world, topic, day):
            who = self._present(self._head(other, day), day) or next(
                iter(self._unit_people(other, day)), None
            )
            if who:
                return who, other
        employed = sorted((st.hired, sid) for sid, st in self.world.staff.items() if self.employed(sid, day))
        return employed[0][1], unit_id

    def choose(
        self,
        rng: random.Random,
        topic: Topic,
        day: dt.date,
        habit_themes: tuple[str, ...],
        coexec_rate: float,
    ) -> tuple[str, str, str, list[str]]:
        """(executor, unit, oracle executor, co-executors) as recorded in the register."""
        oracle, unit_id = self.rule(topic, day, habit_themes)
        executor = oracle
        units = unit_at(self.world, topic, day)
        if rng.random() < self.idiosyncratic:
            r = rng.random()
            pool: list[str] = []
            if r < 0.5:
                pool = self._unit_people(unit_id, day)
            elif r < 0.8 and len(units) > 1:
                pool = self._unit_people(units[1], day)
                unit_id = units[1]
            else:
                head = self._head(unit_id, day)
                pool = [head] if head else []
            pool = [p for p in pool if p != oracle]
            if pool:
                executor = rng.choice(pool)
        week = day.isocalendar()
        self.load[(executor, week[0], week[1])] += 1
        co: list[str] = []
        if len(units) > 1 and rng.random() < 0.35:
            other = units[1] if units[0] == unit_id else units[0]
            who = self._present(self.responsible(other, topic, day), day)
            if who and who != executor:
                co.append(who)
        if rng.random() < coexec_rate:
            people = [p for p in self._unit_people(unit_id, day) if p != executor and p not in co]
            if people:
                co.append(rng.choice(people))
        return executor, unit_id, oracle, co
