"""Date arithmetic for appeal windows and stages.

Working days skip weekends and the bank holidays of the area's nation. The shared
working-day calendar (``asbcr.calendar``) is used when it is installed; until then the
same rule is applied here with the ``holidays`` package.
"""

import calendar
import datetime as dt
from functools import lru_cache

import holidays

_SUBDIV = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}


@lru_cache(maxsize=16)
def _bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv=_SUBDIV.get(nation, "ENG"), years=year))


def is_working_day(day: dt.date, nation: str = "england") -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation, day.year)


def _add_working_days_fallback(start: dt.date, n: int, nation: str) -> dt.date:
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, nation):
            n -= 1
    return day


def add_months(start: dt.date, n: int) -> dt.date:
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_period(start: dt.date, *, amount: int, unit: str, area=None) -> dt.date:
    """``start`` plus ``amount`` days, weeks, months or working days (procedure units).

    With the shared calendar, a period in days that ends on a day the offices are shut
    runs to the next working day, as every other timescale does.
    """
    if area is not None:
        try:
            from asbcr.calendar import calendar_for_area

            return calendar_for_area(area).due(start, amount, unit)
        except ImportError:
            pass
    nation = getattr(area, "nation", "england")
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    if unit == "months":
        return add_months(start, amount)
    if unit == "working_days":
        return _add_working_days_fallback(start, amount, nation)
    raise ValueError(f"Unknown unit: {unit}")
