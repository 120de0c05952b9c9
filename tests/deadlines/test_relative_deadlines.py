"""Relative deadlines read by the Civil Code (BLDS 2015 art. 147–148)."""

from datetime import date

import pytest

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.relative import within_days, within_months, within_working_days


def test_period_starts_the_day_after_the_event():
    # "trong vòng 10 ngày kể từ ngày 03/3/2025": 4/3 … 13/3 (a Thursday).
    assert within_days(date(2025, 3, 3), 10) == date(2025, 3, 13)


def test_last_day_on_a_weekend_rolls_to_monday():
    assert within_days(date(2025, 3, 6), 3) == date(2025, 3, 10)
    assert within_days(date(2025, 3, 6), 3, roll_forward=False) == date(2025, 3, 9)


def test_last_day_on_30_april_rolls_past_the_holidays():
    # 30/4, 1/5, 2/5 (swapped) off, then the weekend: Monday 5/5/2025.
    assert within_days(date(2025, 4, 20), 10) == date(2025, 5, 5)


def test_last_day_in_tet_2026_rolls_to_the_first_working_day():
    assert within_days(date(2026, 2, 6), 10) == date(2026, 2, 23)


def test_an_office_calendar_is_honoured():
    office = WorkingCalendar(extra_days_off=[date(2025, 3, 13)])
    assert within_days(date(2025, 3, 3), 10, office) == date(2025, 3, 14)


def test_months_end_on_the_corresponding_day_or_the_month_end():
    assert within_months(date(2025, 3, 3), 3) == date(2025, 6, 3)
    assert within_months(date(2025, 8, 31), 1) == date(2025, 9, 30)
    assert within_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    # 31/5/2025 + 3 months = 31/8/2025, a Sunday, then 1/9–2/9 off: Wednesday 3/9.
    assert within_months(date(2025, 5, 31), 3) == date(2025, 9, 3)


def test_working_days_from_a_friday():
    assert within_working_days(date(2025, 3, 7), 3) == date(2025, 3, 12)
    assert within_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert within_working_days(date(2025, 3, 8), 0) == date(2025, 3, 10)


@pytest.mark.parametrize("fn", [within_days, within_months, within_working_days])
def test_negative_periods_are_rejected(fn):
    with pytest.raises(ValueError):
        fn(date(2025, 1, 1), -1)
