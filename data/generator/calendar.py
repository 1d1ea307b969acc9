"""Working days of the Russian production calendar (the `holidays` package), and date formatting."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

MONTHS_GEN = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip


@lru_cache(maxsize=16)
def _holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("RU", years=year))


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
    m = MONTHS_GEN[day.month - 1]
    styles = (
        f"{day:%d.%m.%Y}",
        f"{day.day} {m} {day.year} г.",
        f"«{day:%d}» {m} {day.year} г.",
        f"{day:%d.%m.%y}",
        f"{day.day:02d} {m} {day.year} года",
        f'"{day:%d}" {m} {day.year} г.',
        f"{day:%d.%m.%Y} г.",
        f"{day.isoformat()}",
    )
    return styles[style % len(styles)]


DATE_STYLES = 8
