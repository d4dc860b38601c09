"""The benchmark's floor (one hand-written SQL query, bench/bench_sql.py) gives the same
four statutory figures as the product, so the ratio the benchmark prints is honest."""

import datetime as dt
import sys
from pathlib import Path

import pytest
import time_machine

from reporting import selectors
from reporting.constants import STATUTORY_FIGURES
from reporting.periods import Period

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from bench_sql import statutory_floor  # noqa: E402

TODAY = dt.date(2027, 3, 10)


def _product(areas, period):
    figures = selectors.statutory_figures(areas=areas, period=period)
    return tuple(figures[str(f)] for f in STATUTORY_FIGURES)


def _each(areas, period):
    """The same four figures, one selector each (as the figures had before)."""
    return (
        selectors.applications_received(areas=areas, periods=[period])[period.label],
        selectors.threshold_not_met(areas=areas, periods=[period])[period.label],
        selectors.reviews_carried_out(areas=areas, periods=[period])[period.label],
        selectors.reviews_with_recommendations(areas=areas, periods=[period])[period.label],
    )


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_floor_agrees_with_the_product_on_the_reporting_cases(year_2026, reference, year):
    period = Period.financial_year(year)
    for areas in ([reference["areas"]["hertsmere"]], list(reference["areas"].values())):
        ids = [a.pk for a in areas]
        assert statutory_floor(area_ids=ids, period=period) == _product(areas, period)
        assert _product(areas, period) == _each(areas, period)


def test_floor_agrees_with_the_product_on_the_bench_data(reference):
    from work.management.commands.bench_data import build

    with time_machine.travel(dt.datetime(2027, 3, 10, 6), tick=False):
        counts = build(cases=240, incidents=600, today=TODAY)
    assert counts["listings"] and counts["actions"]
    areas = list(reference["areas"].values())
    figures = {}
    for year in (2025, 2026):
        period = Period.financial_year(year)
        figures[year] = floor = statutory_floor(area_ids=[a.pk for a in areas], period=period)
        assert floor == _product(areas, period) == _each(areas, period)
        for area in areas:
            assert statutory_floor(area_ids=[area.pk], period=period) == _product([area], period)
    # Something of each to count: the comparison is not of zeros.
    applications, not_met, reviews, recommended = figures[2026]
    assert applications > 0 and not_met > 0 and reviews > recommended > 0
