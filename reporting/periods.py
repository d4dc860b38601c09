"""Reporting periods: financial years (1 April to 31 March) and arbitrary date ranges."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar dates, in the service's time zone."""

    start: dt.date
    end: dt.date
    label: str
    year: int | None = None

    @classmethod
    def financial_year(cls, year: int) -> "Period":
        """Financial year ``year``: 1 April ``year`` to 31 March ``year + 1`` (2026 is 2026-27)."""
        return cls(
            start=dt.date(year, 4, 1),
            end=dt.date(year + 1, 3, 31),
            label=f"{year}-{str(year + 1)[-2:]}",
            year=year,
        )

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> "Period":
        if end < start:
            raise ValueError("The end date is before the start date.")
        return cls(start=start, end=end, label=f"{start:%-d %b %Y} to {end:%-d %b %Y}")

    @property
    def start_at(self) -> dt.datetime:
        """The first instant of the period (midnight local time), for timestamps."""
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_before(self) -> dt.datetime:
        """The first instant after the period, for ``at < end_before``."""
        return timezone.make_aware(
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)
        )

    @property
    def is_complete(self) -> bool:
        return self.end < timezone.localdate()


def financial_year_of(day: dt.date) -> int:
    """The financial year a date falls in: 31 March 2027 is in 2026, 1 April 2027 in 2027."""
    return day.year if day.month >= 4 else day.year - 1


def current_financial_year() -> int:
    return financial_year_of(timezone.localdate())


def last_complete_financial_year() -> int:
    return current_financial_year() - 1


def financial_years(last: int, count: int = 3) -> list[Period]:
    """``count`` financial years ending with ``last``, oldest first (year-on-year)."""
    return [Period.financial_year(y) for y in range(last - count + 1, last + 1)]
