"""Reporting periods: financial years (1 April to 31 March) and arbitrary date ranges."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

# The statistics cover financial years 2000-01 to 2099-00 (1 April 2000 to 31 March
# 2100): wide enough for any real report, and every date in it is one Python can count
# days from. The period parser and the URL converter for years both check these.
FIRST_YEAR = 2000
LAST_YEAR = 2099
EARLIEST = dt.date(FIRST_YEAR, 4, 1)
LATEST = dt.date(LAST_YEAR + 1, 3, 31)


class PeriodOutOfRange(ValueError):
    """A year or date outside the years the statistics cover."""


def check_financial_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodOutOfRange(
            f"Statistics cover the financial years {FIRST_YEAR} to {LAST_YEAR} only."
        )
    return year


def check_date(day: dt.date, name: str = "The date") -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise PeriodOutOfRange(
            f"{name} must be between {EARLIEST:%-d %B %Y} and {LATEST:%-d %B %Y}."
        )
    return day


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
        check_financial_year(year)
        return cls(
            start=dt.date(year, 4, 1),
            end=dt.date(year + 1, 3, 31),
            label=f"{year}-{str(year + 1)[-2:]}",
            year=year,
        )

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> "Period":
        check_date(start)
        check_date(end)
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
