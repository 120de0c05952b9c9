"""Working days on real dates: Tết, 30/4–1/5, Quốc khánh, swapped Saturdays, year ends."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.deadlines.calendar import (
    ANNOUNCED_DAYS_OFF,
    ANNOUNCED_WORKING_DAYS,
    WorkingCalendar,
    default_calendar,
)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# -- Tết -----------------------------------------------------------------------------------


def test_tet_2025_nine_days_off(cal):
    # Thông báo 6150/TB-BLĐTBXH: Saturday 25/01 to Sunday 02/02/2025; so 28/1–2/2 all off.
    assert not any(cal.is_working_day(d) for d in days(date(2025, 1, 25), date(2025, 2, 2)))
    assert cal.is_working_day(date(2025, 1, 24))  # Friday before
    assert cal.is_working_day(date(2025, 2, 3))  # Monday after


def test_tet_2026_nine_days_off(cal):
    # Announced: Saturday 14/02 (27 tháng Chạp) to Sunday 22/02/2026 (mùng 6).
    assert not any(cal.is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert cal.is_working_day(date(2026, 2, 13))
    assert cal.is_working_day(date(2026, 2, 23))


def test_one_working_day_across_tet(cal):
    assert cal.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_day_off_reason_is_vietnamese(cal):
    assert cal.day_off_reason(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.day_off_reason(date(2025, 3, 8)) == "Thứ Bảy"
    assert cal.day_off_reason(date(2025, 3, 9)) == "Chủ nhật"
    assert cal.day_off_reason(date(2025, 3, 10)) is None


# -- 30/4–1/5, Quốc khánh, compensatory and swapped days -----------------------------------


def test_reunification_and_labour_day_2025_with_swap(cal):
    for d in (date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)):
        assert not cal.is_working_day(d)
    assert cal.is_working_day(date(2025, 4, 26))  # Saturday worked back for Friday 2/5
    assert cal.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)


def test_national_day_and_its_adjacent_day(cal):
    # Since 2021, Quốc khánh is 2/9 and one adjacent day.
    assert not cal.is_working_day(date(2024, 9, 2)) and not cal.is_working_day(date(2024, 9, 3))
    assert not cal.is_working_day(date(2025, 9, 1)) and not cal.is_working_day(date(2025, 9, 2))
    assert cal.is_working_day(date(2025, 9, 3))
    assert not cal.is_working_day(date(2027, 9, 2)) and not cal.is_working_day(date(2027, 9, 3))
    # 2026: Monday 31/8 off too, worked back on Saturday 22/8.
    for d in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not cal.is_working_day(d)
    assert cal.is_working_day(date(2026, 8, 22))


def test_holiday_on_a_weekend_is_compensated(cal):
    # 1/5/2027 is a Saturday: the next Monday is off (BLLĐ 2019 art. 111(3)).
    assert not cal.is_working_day(date(2027, 5, 3))
    # Giỗ Tổ 2026 falls on Sunday 26/4: Monday 27/4 off.
    assert not cal.is_working_day(date(2026, 4, 27))


def test_announced_lists_agree_with_the_calendar(cal):
    assert all(not cal.is_working_day(d) for d in ANNOUNCED_DAYS_OFF)
    assert all(cal.is_working_day(d) for d in ANNOUNCED_WORKING_DAYS)
    assert all(d.weekday() == 5 for d in ANNOUNCED_WORKING_DAYS)


def test_announced_days_hold_with_a_package_that_lacks_them(monkeypatch):
    # Simulate an old `holidays` release that knows nothing of 2025–2026: the announced lists
    # alone keep Tết and the swaps right.
    import tracker.deadlines.calendar as module

    monkeypatch.setattr(module, "_package_days_off", lambda year: {})
    monkeypatch.setattr(module, "_package_working_days", frozenset)
    c = WorkingCalendar()
    assert not any(c.is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert not c.is_working_day(date(2025, 5, 2))
    assert c.is_working_day(date(2025, 4, 26))
    assert c.day_off_reason(date(2025, 1, 28)) == "Tết Nguyên đán"


# -- office additions ----------------------------------------------------------------------


def test_extra_days_off_and_working_saturdays():
    c = WorkingCalendar(
        extra_days_off=[date(2026, 2, 23)], working_days=[date(2026, 2, 28), date(2026, 2, 17)]
    )
    assert not c.is_working_day(date(2026, 2, 23))
    assert c.day_off_reason(date(2026, 2, 23)) == "Ngày nghỉ do cơ quan bổ sung"
    assert c.is_working_day(date(2026, 2, 28))  # a Saturday worked back
    assert c.is_working_day(date(2026, 2, 17))  # listed working days win even over a holiday
    assert c.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 17)
    assert c.add_working_days(date(2026, 2, 17), 1) == date(2026, 2, 24)


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError, match="2026-02-23"):
        WorkingCalendar(extra_days_off=[date(2026, 2, 23)], working_days=[date(2026, 2, 23)])


def test_calendars_do_not_share_office_additions(cal):
    WorkingCalendar(extra_days_off=[date(2025, 3, 10)]).is_working_day(date(2025, 3, 10))
    assert cal.is_working_day(date(2025, 3, 10))


# -- arithmetic ----------------------------------------------------------------------------


def test_reminder_on_sunday_moves_to_friday(cal):
    assert cal.previous_working_day(date(2025, 3, 9)) == date(2025, 3, 7)
    assert cal.previous_working_day(date(2025, 3, 7)) == date(2025, 3, 7)
    # A reminder on Quốc khánh 2/9/2025 goes out on Friday 29/8.
    assert cal.previous_working_day(date(2025, 9, 2)) == date(2025, 8, 29)


def test_next_working_day_is_inclusive(cal):
    assert cal.next_working_day(date(2025, 3, 10)) == date(2025, 3, 10)
    assert cal.next_working_day(date(2025, 4, 30)) == date(2025, 5, 5)


def test_counting_starts_the_day_after(cal):
    # Friday + 3 working days → Wednesday; from a Saturday + 1 → Monday.
    assert cal.add_working_days(date(2025, 3, 7), 3) == date(2025, 3, 12)
    assert cal.add_working_days(date(2025, 3, 8), 1) == date(2025, 3, 10)
    assert cal.add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 8)


def test_counting_back(cal):
    assert cal.add_working_days(date(2025, 3, 10), -1) == date(2025, 3, 7)
    assert cal.add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)
    assert cal.add_working_days(date(2026, 1, 2), -1) == date(2025, 12, 31)
    assert cal.add_working_days(date(2026, 1, 2), -2) == date(2025, 12, 30)


def test_across_the_new_year(cal):
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 1, 2)) == 1
    assert cal.working_days_between(date(2026, 1, 2), date(2025, 12, 31)) == -1
    assert cal.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0


def test_many_years_and_a_long_count(cal):
    d = cal.add_working_days(date(2024, 6, 3), 1000)
    assert cal.working_days_between(date(2024, 6, 3), d) == 1000
    assert cal.add_working_days(d, -1000) <= date(2024, 6, 3)


def test_sweep_is_fast(cal):
    # The reminder sweep: 100k look-ups must take well under a second once tabulated.
    import time

    start = time.perf_counter()
    base = date(2025, 3, 3)
    for i in range(100_000):
        cal.add_working_days(base + timedelta(days=i % 365), 5)
    assert time.perf_counter() - start < 5


# -- properties ----------------------------------------------------------------------------

CAL = default_calendar()
DATES = st.dates(min_value=date(1996, 1, 1), max_value=date(2060, 12, 31))


@settings(max_examples=300, deadline=None)
@given(d=DATES, n=st.integers(min_value=1, max_value=80))
def test_adding_lands_on_a_working_day_after_exactly_n(d, n):
    result = CAL.add_working_days(d, n)
    assert result > d
    assert CAL.is_working_day(result)
    counted = sum(CAL.is_working_day(x) for x in days(d + timedelta(days=1), result))
    assert counted == n
    assert CAL.working_days_between(d, result) == n


@settings(max_examples=200, deadline=None)
@given(d=DATES, n=st.integers(min_value=1, max_value=80))
def test_counting_back_lands_on_the_nth_working_day_before(d, n):
    result = CAL.add_working_days(d, -n)
    assert result < d
    assert CAL.is_working_day(result)
    assert sum(CAL.is_working_day(x) for x in days(result, d - timedelta(days=1))) == n


@settings(max_examples=200, deadline=None)
@given(d=DATES)
def test_previous_and_next_working_day(d):
    prev, nxt = CAL.previous_working_day(d), CAL.next_working_day(d)
    assert CAL.is_working_day(prev) and CAL.is_working_day(nxt)
    assert prev <= d <= nxt
    assert not any(CAL.is_working_day(x) for x in days(prev + timedelta(days=1), d))
    assert not any(CAL.is_working_day(x) for x in days(d, nxt - timedelta(days=1)))


@settings(max_examples=200, deadline=None)
@given(a=DATES, b=DATES)
def test_between_is_antisymmetric_and_matches_a_count(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days <= 400:
        assert CAL.working_days_between(lo, hi) == sum(
            CAL.is_working_day(x) for x in days(lo + timedelta(days=1), hi)
        )
