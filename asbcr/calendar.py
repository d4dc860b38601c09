"""The working-day calendar: weekends, a nation's bank holidays, and one-off closures.

One counting rule, used for every timescale (see docs/decisions/0002-working-days.md):

- The day of the starting event is day 0, whatever time it happened and whatever day of
  the week it was. Counting starts the next day.
- ``N working days``: the N-th working day after the start. A Saturday start counts
  from Monday (or the first working day after it); a start on a bank holiday likewise.
- ``N days`` / ``N weeks``: the start plus N (or 7 x N) calendar days.
- ``N months``: the same day of the month N months later (the last day of the month
  when that day does not exist: 31 January + 1 month = 28/29 February).
- A calendar-day, week or month deadline that lands on a weekend, bank holiday or
  closure day moves to the next working day, because nothing can be done, sent or
  received on a day the offices are shut.

Bank holidays come from the ``holidays`` package for the area's nation (England and
Wales share a list apart from Wales-only additions the package knows; Scotland and
Northern Ireland have their own). Closure days (an extra bank holiday, an office
closure) are added by an admin and passed in as ``extra_closed``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

NATION_SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}

UNITS = ("working_days", "days", "weeks", "months")


@lru_cache(maxsize=8)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    try:
        subdiv = NATION_SUBDIVISIONS[nation]
    except KeyError as exc:
        raise ValueError(
            f"Unknown nation {nation!r}; use one of {sorted(NATION_SUBDIVISIONS)}."
        ) from exc
    # The holidays object fills in years lazily as dates are looked up.
    return holidays.country_holidays("GB", subdiv=subdiv)


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later, clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last_day))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days for one nation, with extra closure days."""

    nation: str = "england"
    extra_closed: frozenset[dt.date] = field(default_factory=frozenset)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.extra_closed:
            return "Closure day"
        return _bank_holidays(self.nation).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in self.extra_closed
            and day not in _bank_holidays(self.nation)
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` is day 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days after ``start`` up to and including ``end``."""
        if end <= start:
            return 0
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=offset))
        )

    def due(self, start: dt.date, amount: int, unit: str) -> dt.date:
        """The due date of a timescale of ``amount`` ``unit`` starting on ``start``."""
        if unit == "working_days":
            return self.add_working_days(start, amount)
        if unit == "days":
            end = start + dt.timedelta(days=amount)
        elif unit == "weeks":
            end = start + dt.timedelta(weeks=amount)
        elif unit == "months":
            end = add_months(start, amount)
        else:
            raise ValueError(f"Unknown unit {unit!r}; use one of {', '.join(UNITS)}.")
        return self.next_working_day(end)

    def subtract_working_days(self, end: dt.date, count: int) -> dt.date:
        """The working day ``count`` working days before ``end`` (for reminder lead times)."""
        day = end
        remaining = count
        while remaining:
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


def calendar_for(nation: str, extra_closed: Iterable[dt.date] = ()) -> WorkingCalendar:
    return WorkingCalendar(nation=nation, extra_closed=frozenset(extra_closed))


_closure_days: Callable[[object], Iterable[dt.date]] | None = None


def register_closure_days(provider: Callable[[object], Iterable[dt.date]]) -> None:
    """Where an area's closure days come from: the deadlines app, which keeps them,
    registers its selector here when it is ready (this module sits below every app)."""
    global _closure_days
    _closure_days = provider


def calendar_for_area(area) -> WorkingCalendar:
    """The calendar of an area: its nation's bank holidays and the closure days an admin
    recorded for the area or for every area in that nation."""
    closed = _closure_days(area) if _closure_days is not None else ()
    return calendar_for(area.nation, closed)
