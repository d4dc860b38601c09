"""Dates for the engine: calendar months clamped to the month's end, periods in words."""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

REPORT = "report"


DIARY_SHEET = "diary_sheet"


DISCRETIONARY_FACTORS = {
    "persistence": "the persistence of the anti-social behaviour",
    "harm": "the harm or potential harm caused",
    "adequacy_of_response": "the adequacy of the response to the reports",
    "risk": "the risk to the victim",
    "vulnerability": "the victim's vulnerability",
    "hate": "the behaviour being motivated by hate",
    "cumulative_impact": "the cumulative impact of the behaviour",
}


KIND_LABELS = {DIARY_SHEET: "a diary sheet", REPORT: "a report"}


@lru_cache(maxsize=4096)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, with the day clamped to the end of a shorter month (pure, so
    remembered: detection asks the same few dates for every victim it evaluates)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift(day: dt.date, period: dict, sign: int = 1) -> dt.date:
    amount = int(period["amount"]) * sign
    if period["unit"] == "months":
        return add_months(day, amount)
    return day + dt.timedelta(days=amount)


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 day', '2 days', '1 different complainant': the one place words agree with a number."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def describe_period(period: dict) -> str:
    amount, unit = int(period["amount"]), period["unit"]
    if unit == "months":
        return plural(amount, "calendar month")
    return plural(amount, unit[:-1] if unit.endswith("s") else unit)


@lru_cache(maxsize=4096)
def _fmt(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not recorded"
