"""Working days of the Russian production calendar (the `holidays` package), and date formatting."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

MONTHS_GEN = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip


DATE_STYLES = 8


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("RU", years=year))


@lru_cache(maxsize=8192)
def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def format_date(day: dt.date, style: int) -> str:
    """One of the date styles letters use; style is an index into a fixed list."""
    style %= DATE_STYLES
    if style == 0:
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    if style == 3:
        return f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}"
    if style == 6:
        return f"{day.day:02d}.{day.month:02d}.{day.year} г."
    if style == 7:
        return day.isoformat()
    m = MONTHS_GEN[day.month - 1]
    if style == 1:
        return f"{day.day} {m} {day.year} г."
    if style == 2:
        return f"«{day.day:02d}» {m} {day.year} г."
    if style == 4:
        return f"{day.day:02d} {m} {day.year} года"
    return f'"{day.day:02d}" {m} {day.year} г.'
