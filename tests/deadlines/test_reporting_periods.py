"""Reporting periods per NĐ 09/2019/NĐ-CP art. 12, due dates and task overrides."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.periods import (
    Cadence,
    DueOverride,
    PeriodSettings,
    meets_submission_gap,
    period_for,
    periods_between,
    report_period,
)

YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


def test_cadence_values_are_the_stored_codes():
    assert [c.value for c in Cadence] == [
        "none",
        "monthly",
        "quarterly",
        "quarterly-cumulative",
        "semiannual",
        "annual",
        "custom",
    ]
    assert Cadence("quarterly-cumulative") is Cadence.QUARTERLY_CUMULATIVE
    assert Cadence.MONTHLY.label == "Hằng tháng"
    assert all(c.label for c in Cadence)


def test_monthly_periods_follow_the_decree_cutoff():
    periods = periods_between(Cadence.MONTHLY, *YEAR_2025)
    assert [p.key for p in periods] == [f"2025-M{m:02d}" for m in range(1, 13)]
    july = periods[6]
    assert july.label == "Tháng 7/2025"
    assert (july.starts_on, july.ends_on, july.due_on) == (
        date(2025, 6, 15),
        date(2025, 7, 14),
        date(2025, 7, 20),
    )
    january = periods[0]
    assert (january.starts_on, january.ends_on) == (date(2024, 12, 15), date(2025, 1, 14))


def test_quarterly_semiannual_annual():
    q3 = period_for(Cadence.QUARTERLY, "2025-Q3")
    assert (q3.label, q3.starts_on, q3.ends_on, q3.due_on) == (
        "Quý III/2025",
        date(2025, 6, 15),
        date(2025, 9, 14),
        date(2025, 9, 20),
    )
    h1 = period_for(Cadence.SEMIANNUAL, (2025, 1))
    assert (h1.key, h1.label, h1.starts_on, h1.ends_on) == (
        "2025-H1",
        "6 tháng đầu năm 2025",
        date(2024, 12, 15),
        date(2025, 6, 14),
    )
    h2 = period_for(Cadence.SEMIANNUAL, "2025-H2")
    assert (h2.starts_on, h2.ends_on) == (date(2025, 6, 15), date(2025, 12, 14))
    y = period_for(Cadence.ANNUAL, "2025-Y")
    assert (y.label, y.starts_on, y.ends_on, y.due_on) == (
        "Năm 2025",
        date(2024, 12, 15),
        date(2025, 12, 14),
        date(2025, 12, 20),
    )


def test_cumulative_cycle_has_four_overlapping_periods():
    periods = periods_between(Cadence.QUARTERLY_CUMULATIVE, *YEAR_2025)
    assert [(p.key, p.label) for p in periods] == [
        ("2025-Q1C", "Quý I/2025"),
        ("2025-H1", "6 tháng đầu năm 2025"),
        ("2025-9M", "9 tháng năm 2025"),
        ("2025-Y", "Năm 2025"),
    ]
    assert {p.starts_on for p in periods} == {date(2024, 12, 15)}
    assert [p.ends_on for p in periods] == [
        date(2025, 3, 14),
        date(2025, 6, 14),
        date(2025, 9, 14),
        date(2025, 12, 14),
    ]
    assert period_for(Cadence.QUARTERLY_CUMULATIVE, (2025, 3)).key == "2025-9M"


def test_nine_month_end_is_a_province_setting():
    s = PeriodSettings(nine_month_end=(9, 30))
    nine = period_for(Cadence.QUARTERLY_CUMULATIVE, "2025-9M", s)
    assert nine.ends_on == date(2025, 9, 30)


def test_report_periods_decree_and_calendar():
    assert report_period(2025, "Q3") == (date(2025, 6, 15), date(2025, 9, 14), "Quý III/2025")
    calendar = PeriodSettings(cutoff="calendar")
    assert report_period(2025, "Q3", calendar) == (
        date(2025, 7, 1),
        date(2025, 9, 30),
        "Quý III/2025",
    )
    assert report_period(2025, "M1") == (date(2024, 12, 15), date(2025, 1, 14), "Tháng 1/2025")
    assert report_period(2025, "m12")[2] == "Tháng 12/2025"
    assert report_period(2025, "H1")[:2] == (date(2024, 12, 15), date(2025, 6, 14))
    assert report_period(2025, "9M") == (
        date(2024, 12, 15),
        date(2025, 9, 14),
        "9 tháng năm 2025",
    )
    assert report_period(2025, "9M", calendar)[:2] == (date(2025, 1, 1), date(2025, 9, 30))
    assert report_period(2025, "Y", calendar)[:2] == (date(2025, 1, 1), date(2025, 12, 31))
    assert report_period(2028, "M2", calendar)[1] == date(2028, 2, 29)
    with pytest.raises(ValueError):
        report_period(2025, "Q5")


# -- due dates and overrides ---------------------------------------------------------------


def test_strict_before_moves_due_one_day_earlier():
    s = PeriodSettings(strict_before=True)
    assert period_for(Cadence.MONTHLY, "2025-M07", s).due_on == date(2025, 7, 19)


def test_due_day_31_in_a_30_day_month_and_29_february():
    assert period_for(Cadence.MONTHLY, "2025-M04", due_day_override=31).due_on == date(2025, 4, 30)
    assert period_for(Cadence.MONTHLY, "2028-M02", due_day_override=31).due_on == date(2028, 2, 29)
    assert period_for(Cadence.MONTHLY, "2027-M02", due_day_override=29).due_on == date(2027, 2, 28)
    assert period_for(Cadence.ANNUAL, "2028-Y", due_day_override=(29, 2)).due_on == date(
        2029, 2, 28
    )


def test_task_overrides():
    # "trước ngày 20 hằng tháng"
    assert period_for(Cadence.MONTHLY, "2025-M03", due_day_override=20).due_on == date(2025, 3, 20)
    # "trước ngày 15/12 hằng năm"
    assert period_for(Cadence.ANNUAL, "2025-Y", due_day_override=(15, 12)).due_on == date(
        2025, 12, 15
    )
    # "báo cáo năm trước ngày 15/01": January after the year.
    assert period_for(Cadence.ANNUAL, "2025-Y", due_day_override=(15, 1)).due_on == date(
        2026, 1, 15
    )
    # "báo cáo 6 tháng trước ngày 05/7": due after the period ends, which is allowed.
    h1 = period_for(Cadence.SEMIANNUAL, "2025-H1", due_day_override=(5, 7))
    assert h1.due_on == date(2025, 7, 5) and h1.due_on > h1.ends_on
    h2 = period_for(Cadence.SEMIANNUAL, "2025-H2", due_day_override=(5, 7))
    assert h2.due_on == date(2026, 1, 5)
    # "trước ngày 5 tháng sau" as an explicit offset.
    assert period_for(
        Cadence.MONTHLY, "2025-M12", due_day_override=DueOverride(5, 1)
    ).due_on == date(2026, 1, 5)
    with pytest.raises(ValueError):
        period_for(Cadence.MONTHLY, "2025-M12", due_day_override=(5, 1))


def test_period_due_on_a_holiday():
    # Due day 30 → April's period is due on 30/4/2025, a holiday.
    keep = period_for(Cadence.MONTHLY, "2025-M04", due_day_override=30)
    assert keep.due_on == date(2025, 4, 30)
    nxt = PeriodSettings(due_on_day_off="next")
    assert period_for(Cadence.MONTHLY, "2025-M04", nxt, due_day_override=30).due_on == date(
        2025, 5, 5
    )
    prev = PeriodSettings(due_on_day_off="previous")
    assert period_for(Cadence.MONTHLY, "2025-M04", prev, due_day_override=30).due_on == date(
        2025, 4, 29
    )
    # Due in Tết 2025 (29/1): next → Monday 3/2, previous → Friday 24/1.
    assert period_for(Cadence.MONTHLY, "2025-M01", nxt, due_day_override=29).due_on == date(
        2025, 2, 3
    )
    assert period_for(Cadence.MONTHLY, "2025-M01", prev, due_day_override=29).due_on == date(
        2025, 1, 24
    )
    # 20/7/2025 is a Sunday.
    assert period_for(Cadence.MONTHLY, "2025-M07", prev).due_on == date(2025, 7, 18)
    office = WorkingCalendar(extra_days_off=[date(2025, 7, 18)])
    assert period_for(Cadence.MONTHLY, "2025-M07", prev, calendar=office).due_on == date(
        2025, 7, 17
    )


def test_submission_gap_of_article_8():
    assert meets_submission_gap(period_for(Cadence.MONTHLY, "2025-M07"))
    same_day = PeriodSettings(due_day=14)
    assert not meets_submission_gap(period_for(Cadence.MONTHLY, "2025-M07", same_day))


# -- selection by due date -----------------------------------------------------------------


def test_periods_are_selected_by_due_date():
    # A task running 1/3–10/8/2025: the July report (due 20/7) is in, August's (20/8) is not.
    periods = periods_between(Cadence.MONTHLY, date(2025, 3, 1), date(2025, 8, 10))
    assert [p.key for p in periods] == [f"2025-M{m:02d}" for m in range(3, 8)]
    assert periods_between(Cadence.MONTHLY, date(2025, 7, 20), date(2025, 7, 20))[0].key == (
        "2025-M07"
    )
    assert periods_between(Cadence.MONTHLY, date(2025, 7, 21), date(2025, 8, 19)) == []
    assert periods_between(Cadence.NONE, *YEAR_2025) == []
    assert periods_between(Cadence.MONTHLY, date(2025, 2, 1), date(2025, 1, 1)) == []


def test_override_due_in_next_year_is_found_in_that_year():
    periods = periods_between(Cadence.SEMIANNUAL, *YEAR_2025, due_day_override=(5, 7))
    assert [p.key for p in periods] == ["2024-H2", "2025-H1"]


def test_custom_rrule():
    rule = "DTSTART:20241201\nRRULE:FREQ=MONTHLY;BYMONTHDAY=5"
    periods = periods_between(Cadence.CUSTOM, date(2025, 1, 1), date(2025, 3, 31), rrule=rule)
    assert [p.key for p in periods] == ["2025-R0105", "2025-R0205", "2025-R0305"]
    assert [p.index for p in periods] == [1, 2, 3]
    assert (periods[1].starts_on, periods[1].ends_on) == (date(2025, 1, 6), date(2025, 2, 5))
    first = periods_between(Cadence.CUSTOM, date(2024, 12, 1), date(2024, 12, 31), rrule=rule)
    assert first[0].starts_on == date(2024, 12, 1)
    with pytest.raises(ValueError):
        periods_between(Cadence.CUSTOM, *YEAR_2025)


def test_bad_keys_and_settings():
    with pytest.raises(ValueError):
        period_for(Cadence.QUARTERLY, "2025-H1")
    with pytest.raises(ValueError):
        period_for(Cadence.QUARTERLY, "Q3")
    with pytest.raises(ValueError):
        period_for(Cadence.QUARTERLY, (2025, 5))
    with pytest.raises(ValueError):
        period_for(Cadence.NONE, (2025, 1))
    with pytest.raises(ValueError):
        PeriodSettings(cutoff="weekly")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        PeriodSettings(due_day=0)


# -- properties ----------------------------------------------------------------------------

TILING = [Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.SEMIANNUAL, Cadence.ANNUAL]
SETTINGS = st.builds(
    PeriodSettings,
    cutoff_day=st.integers(min_value=1, max_value=31),
    due_day=st.integers(min_value=1, max_value=31),
    cutoff=st.sampled_from(["decree", "calendar"]),
    strict_before=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    cadence=st.sampled_from(TILING),
    s=SETTINGS,
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
    span=st.integers(min_value=0, max_value=1500),
)
def test_non_cumulative_periods_never_overlap_and_leave_no_gap(cadence, s, first, span):
    periods = periods_between(cadence, first, first + timedelta(days=span), s)
    assert len({p.key for p in periods}) == len(periods)
    for p in periods:
        assert p.starts_on <= p.ends_on
        assert first <= p.due_on <= first + timedelta(days=span)
    ordered = sorted(periods, key=lambda p: p.starts_on)
    for before, after in zip(ordered, ordered[1:], strict=False):
        assert after.starts_on == before.ends_on + timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(
    cadence=st.sampled_from(TILING),
    s=SETTINGS,
    d=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
)
def test_every_day_is_in_exactly_one_period(cadence, s, d):
    around = periods_between(cadence, d - timedelta(days=400), d + timedelta(days=800), s)
    assert sum(p.contains(d) for p in around) == 1


@settings(max_examples=100, deadline=None)
@given(
    cadence=st.sampled_from([*TILING, Cadence.QUARTERLY_CUMULATIVE]),
    year=st.integers(min_value=2000, max_value=2060),
)
def test_keys_round_trip(cadence, year):
    for p in periods_between(cadence, date(year, 1, 1), date(year, 12, 31)):
        assert period_for(cadence, p.key) == p
        assert period_for(cadence, (p.year, p.index)) == p
