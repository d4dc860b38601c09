"""The counting rule (docs/decisions/0002-working-days.md), without a database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asbcr.calendar import add_months, calendar_for

D = dt.date
ENGLAND = calendar_for("england")


def test_day_one_is_the_working_day_after_the_start():
    # Tuesday 22 December 2026: Wed 23 (1), Thu 24 (2), Fri 25 Christmas, Sat, Sun,
    # Mon 28 Boxing Day (substitute), Tue 29 (3).
    assert ENGLAND.add_working_days(D(2026, 12, 22), 1) == D(2026, 12, 23)
    assert ENGLAND.add_working_days(D(2026, 12, 22), 3) == D(2026, 12, 29)
    # ...Wed 30 (4), Thu 31 (5), Fri 1 January closed, Mon 4 (6), Tue 5 (7) ... Fri 8 (10)
    assert ENGLAND.add_working_days(D(2026, 12, 22), 5) == D(2026, 12, 31)
    assert ENGLAND.add_working_days(D(2026, 12, 22), 10) == D(2027, 1, 8)


def test_a_saturday_start_counts_from_monday():
    assert ENGLAND.add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)
    assert ENGLAND.add_working_days(D(2026, 11, 21), 3) == D(2026, 11, 25)
    # the same as a Friday start
    assert ENGLAND.add_working_days(D(2026, 11, 20), 3) == D(2026, 11, 25)


def test_zero_working_days_is_the_start_itself():
    assert ENGLAND.add_working_days(D(2026, 11, 21), 0) == D(2026, 11, 21)


def test_calendar_days_that_land_on_a_closed_day_move_to_the_next_working_day():
    # 22 December + 28 days = Tuesday 19 January 2027 (a working day).
    assert ENGLAND.due(D(2026, 12, 22), 28, "days") == D(2027, 1, 19)
    # 28 November 2026 + 28 days = Saturday 26 December -> Tuesday 29 December.
    assert ENGLAND.due(D(2026, 11, 28), 28, "days") == D(2026, 12, 29)
    assert ENGLAND.due(D(2026, 12, 22), 4, "weeks") == D(2027, 1, 19)


def test_months_clamp_to_the_end_of_a_short_month():
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    # 31 Jan 2027 + 1 month = Sunday 28 Feb -> Monday 1 March
    assert ENGLAND.due(D(2027, 1, 31), 1, "months") == D(2027, 3, 1)


@pytest.mark.parametrize(
    "nation,expected",
    [
        ("england", D(2027, 1, 5)),  # 1 Jan closed; Mon 4 (6), Tue 5 (7)
        ("wales", D(2027, 1, 5)),
        ("northern_ireland", D(2027, 1, 5)),
        ("scotland", D(2027, 1, 6)),  # 2 January holiday observed on Monday 4 January 2027
    ],
)
def test_each_nation_uses_its_own_bank_holidays(nation, expected):
    assert calendar_for(nation).add_working_days(D(2026, 12, 22), 7) == expected


def test_northern_ireland_and_scotland_have_their_own_days():
    st_patricks = D(2027, 3, 17)  # Wednesday
    assert not calendar_for("northern_ireland").is_working_day(st_patricks)
    assert calendar_for("england").is_working_day(st_patricks)
    st_andrews = D(2026, 11, 30)  # Monday
    assert not calendar_for("scotland").is_working_day(st_andrews)
    assert calendar_for("england").is_working_day(st_andrews)


def test_a_closure_day_is_not_a_working_day():
    extra = calendar_for("england", [D(2026, 12, 24)])
    assert extra.add_working_days(D(2026, 12, 22), 3) == D(2026, 12, 30)
    assert extra.holiday_name(D(2026, 12, 24)) == "Closure day"


def test_unknown_unit_and_nation_are_refused():
    with pytest.raises(ValueError):
        ENGLAND.due(D(2026, 1, 1), 1, "fortnights")
    with pytest.raises(ValueError):
        calendar_for("atlantis").is_working_day(D(2026, 1, 1))


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.integers(0, 40))
def test_working_days_round_trip(start, n):
    due = ENGLAND.add_working_days(start, n)
    assert ENGLAND.working_days_between(start, due) == n
    if n:
        assert ENGLAND.is_working_day(due)
        assert due > start


@given(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(0, 60),
    st.sampled_from(["days", "weeks", "months"]),
)
def test_calendar_due_dates_are_working_days_never_early(start, n, unit):
    due = ENGLAND.due(start, n, unit)
    assert ENGLAND.is_working_day(due)
    assert due >= start
