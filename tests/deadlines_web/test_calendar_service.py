"""The office calendar: the national one plus the days the office adds, on real dates."""

from datetime import date

import pytest

from tracker.deadlines import services
from tracker.deadlines.relative import within_months, within_working_days


def test_working_calendar_includes_the_offices_days(app_ctx):
    cal = services.working_calendar()
    assert cal.is_working_day(date(2025, 9, 5))
    services.add_calendar_exception(date(2025, 9, 5), "off", "Nghỉ thêm")
    services.add_calendar_exception(date(2025, 9, 6), "working", "Làm bù thứ Bảy")
    cal = services.working_calendar()
    assert not cal.is_working_day(date(2025, 9, 5))
    assert cal.is_working_day(date(2025, 9, 6))
    assert cal.day_off_reason(date(2025, 9, 5)) == "Ngày nghỉ do cơ quan bổ sung"
    # "3 ngày làm việc" from Thursday 04/9/2025: Sat 06, Mon 08, Tue 09
    assert within_working_days(date(2025, 9, 4), 3, cal) == date(2025, 9, 9)


def test_the_calendar_is_cached_per_context_and_refreshed_on_change(app_ctx):
    first = services.working_calendar()
    assert services.working_calendar() is first
    row = services.add_calendar_exception(date(2026, 2, 13), "off")
    second = services.working_calendar()
    assert second is not first
    # Tết Bính Ngọ 14–22/02/2026; with 13/02 off, 3 working days from 12/02 end on 25/02
    assert within_working_days(date(2026, 2, 12), 3, second) == date(2026, 2, 25)
    services.delete_calendar_exception(row)
    assert within_working_days(date(2026, 2, 12), 3, services.working_calendar()) == date(
        2026, 2, 24
    )


def test_national_holidays_on_real_dates(app_ctx):
    cal = services.working_calendar()
    # 30/4–1/5/2025 plus the swapped Friday 02/5 (worked back on Saturday 26/4)
    assert within_working_days(date(2025, 4, 29), 1, cal) == date(2025, 5, 5)
    assert within_working_days(date(2025, 4, 25), 1, cal) == date(2025, 4, 26)
    # Quốc khánh 2025: 01/9 and 02/9
    assert within_working_days(date(2025, 8, 29), 1, cal) == date(2025, 9, 3)
    # Tết Ất Tỵ 25/01–02/02/2025
    assert within_working_days(date(2025, 1, 24), 1, cal) == date(2025, 2, 3)
    # month ends: 31/01 + 1 month → 28/02/2025 (Friday), 29/02/2028 + 12 months → 28/02/2029
    assert within_months(date(2025, 1, 31), 1, cal) == date(2025, 2, 28)
    assert within_months(date(2028, 2, 29), 12, cal, roll_forward=False) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (date(2025, 9, 7), "off", r"vốn đã là ngày nghỉ \(Chủ nhật\)"),
        (date(2025, 9, 2), "off", r"vốn đã là ngày nghỉ \(Quốc khánh\)"),
        (date(2025, 9, 8), "working", "vốn đã là ngày làm việc"),
        (None, "off", "Vui lòng nhập ngày"),
        (date(2025, 9, 8), "maybe", "Vui lòng chọn loại ngày"),
    ],
)
def test_refused_exceptions(app_ctx, day, kind, message):
    with pytest.raises(services.DeadlineError, match=message):
        services.add_calendar_exception(day, kind)


def test_a_day_only_once(app_ctx):
    services.add_calendar_exception(date(2025, 9, 5), "off")
    with pytest.raises(services.DeadlineError, match="đã có trong danh sách"):
        services.add_calendar_exception(date(2025, 9, 5), "off")
