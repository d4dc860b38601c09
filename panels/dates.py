"""Adding a procedure period (days, working days, weeks, months) to a date.

Used for the meeting target, the minutes deadline and the overdue-action ladder. Working
days skip weekends and the bank holidays of the area's nation.
"""

import calendar
import datetime as dt
from functools import lru_cache

import holidays

SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.UK(subdiv=SUBDIVISIONS.get(nation, "ENG"), years=year).keys())


def is_working_day(day: dt.date, nation: str = "england") -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_period(start: dt.date, amount: int, unit: str, nation: str = "england") -> dt.date:
    """``start`` plus a procedure period; ``amount`` working days counts whole working days."""
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "working_days":
        day, left = start, amount
        while left > 0:
            day += dt.timedelta(days=1)
            if is_working_day(day, nation):
                left -= 1
        return day
    raise ValueError(f"Unknown unit {unit!r}")
