"""Reporting periods of recurring tasks in the database: opened ahead, never twice, stopping at
the end date, following the office's settings and calendar, on real dates."""

from datetime import date

import pytest

from tests import factories
from tracker.agencies.models import Agency
from tracker.deadlines import services
from tracker.deadlines.models import ReportingPeriod
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.tasks.services import TaskInput, update_task


def _keys(task_id: int) -> list[str]:
    return list(
        db.session.execute(
            db.select(ReportingPeriod.key)
            .where(ReportingPeriod.task_id == task_id)
            .order_by(ReportingPeriod.due_on)
        ).scalars()
    )


def _task(data, **kw) -> Task:
    return factories.make_task(
        db.session.get(Directive, data.directive),
        db.session.get(Agency, data.agencies["stc"]),
        **kw,
    )


def test_creating_a_recurring_task_opens_its_periods_up_to_today_plus_60_days(app_ctx, monthly):
    # today 18/8/2025 → horizon 17/10/2025; the October report (due 20/10) is not open yet
    assert _keys(monthly) == ["2025-M06", "2025-M07", "2025-M08", "2025-M09"]
    july = db.session.execute(
        db.select(ReportingPeriod).filter_by(task_id=monthly, key="2025-M07")
    ).scalar_one()
    # NĐ 09/2019 art. 12: 15/6 to 14/7, due "trước ngày 20" = 20/7
    assert (july.starts_on, july.ends_on, july.due_on) == (
        date(2025, 6, 15),
        date(2025, 7, 14),
        date(2025, 7, 20),
    )
    assert july.original_due_on == july.due_on
    assert july.label == "Tháng 7/2025"


def test_opening_twice_creates_nothing_new(app_ctx, monthly):
    assert services.open_periods(date(2025, 12, 31)) == 3  # M10, M11, M12
    assert services.open_periods(date(2025, 12, 31)) == 0
    task = db.session.get(Task, monthly)
    assert services.open_task_periods(task, date(2025, 12, 31)) == 0
    keys = _keys(monthly)
    assert len(keys) == len(set(keys)) == 7


def test_periods_stop_at_the_end_date(app_ctx, data):
    task = _task(
        data,
        cadence="quarterly",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    services.open_task_periods(task, date(2027, 12, 31))
    assert _keys(task.id) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]


def test_a_cancelled_task_gets_no_new_periods(app_ctx, monthly):
    task = db.session.get(Task, monthly)
    task.cancelled_on = date(2025, 8, 18)
    assert services.open_periods(date(2026, 6, 30)) == 0


def test_task_due_day_override_and_fixed_date(app_ctx, data):
    own_day = _task(data, cadence="quarterly", period_due_day="10", starts_on=date(2025, 1, 1))
    assert [p.due_on for p in sorted(own_day.periods, key=lambda p: p.due_on)] == [
        date(2025, 3, 10),
        date(2025, 6, 10),
        date(2025, 9, 10),
    ]
    yearly = _task(data, cadence="annual", period_due_day="15/12", starts_on=date(2025, 1, 1))
    services.open_task_periods(yearly, date(2026, 12, 31))
    assert [(p.key, p.due_on) for p in yearly.periods] == [
        ("2025-Y", date(2025, 12, 15)),
        ("2026-Y", date(2026, 12, 15)),
    ]


def test_month_ends_and_29_february_2028(app_ctx, data):
    task = _task(data, cadence="monthly", period_due_day="31", starts_on=date(2028, 1, 1))
    services.open_task_periods(task, date(2028, 4, 30))
    assert [p.due_on for p in sorted(task.periods, key=lambda p: p.due_on)] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_settings_change_the_nine_month_period_and_due_day(app_ctx, data):
    services.save_period_settings(
        due_day=25,
        nine_month_end="30/9",
        strict_before=False,
        cutoff="decree",
        due_on_day_off="keep",
    )
    task = _task(
        data, cadence="quarterly-cumulative", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    services.open_task_periods(task, date(2025, 12, 31))
    nine = next(p for p in task.periods if p.key == "2025-9M")
    assert (nine.starts_on, nine.ends_on, nine.due_on) == (
        date(2024, 12, 15),
        date(2025, 9, 30),
        date(2025, 9, 25),
    )


def test_strict_before_reads_truoc_ngay_20_as_the_19th(app_ctx, data):
    services.save_period_settings(
        due_day=20,
        nine_month_end="14/9",
        strict_before=True,
        cutoff="decree",
        due_on_day_off="keep",
    )
    task = _task(data, cadence="semiannual", starts_on=date(2025, 1, 1))
    services.open_task_periods(task, date(2025, 12, 31))
    assert [p.due_on for p in sorted(task.periods, key=lambda p: p.due_on)] == [
        date(2025, 6, 19),
        date(2025, 12, 19),
    ]


def test_due_date_in_tet_2025_moves_to_the_next_working_day_of_the_office_calendar(app_ctx, data):
    services.save_period_settings(
        due_day=28,
        nine_month_end="14/9",
        strict_before=False,
        cutoff="decree",
        due_on_day_off="next",
    )
    task = _task(data, cadence="monthly", starts_on=date(2025, 1, 1), ends_on=date(2025, 2, 28))
    # 28/01/2025 is in Tết Ất Tỵ (25/01–02/02): due on Monday 03/02
    assert services.task_schedule(task, date(2025, 3, 1))[0].due_on == date(2025, 2, 3)
    # the Chairman grants 03/02 off as well: the office calendar moves it to 04/02
    services.add_calendar_exception(date(2025, 2, 3), "off", "Nghỉ thêm theo quyết định của tỉnh")
    assert services.task_schedule(task, date(2025, 3, 1))[0].due_on == date(2025, 2, 4)


def test_custom_rrule_cadence(app_ctx, data):
    task = _task(
        data,
        cadence="custom",
        cadence_rule="FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=5",
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 12, 31),
    )
    services.open_task_periods(task, date(2026, 6, 30))
    assert [(p.key, p.due_on) for p in sorted(task.periods, key=lambda p: p.due_on)] == [
        ("2025-R0605", date(2025, 6, 5)),
        ("2025-R0805", date(2025, 8, 5)),
        ("2025-R1005", date(2025, 10, 5)),
        ("2025-R1205", date(2025, 12, 5)),
    ]


def test_editing_the_cadence_drops_future_unsubmitted_periods_only(app_ctx, monthly):
    task = db.session.get(Task, monthly)
    june = next(p for p in task.periods if p.key == "2025-M06")
    services.submit_period(
        june,
        report_number="1/BC",
        report_date=None,
        done_on=date(2025, 6, 19),
        note=None,
        user_id=None,
    )
    update_task(
        task,
        TaskInput(
            content=task.content,
            lead_agency_id=task.lead_agency_id,
            cadence="quarterly",
            starts_on=task.starts_on,
            ends_on=task.ends_on,
        ),
    )
    keys = _keys(monthly)
    # June (submitted) and July (past) stay as history; the future monthly ones are gone
    assert "2025-M06" in keys and "2025-M07" in keys
    assert "2025-M09" not in keys
    assert "2025-Q3" in keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20", 20), ("15/12", (15, 12)), ("", None), ("32", None), ("31/02", None), ("x", None)],
)
def test_parse_due_spec(text, expected):
    assert services.parse_due_spec(text) == expected


def test_periods_open_command(runner, monthly):
    result = runner.invoke(args=["periods", "open", "--until", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert "Đã tạo 3 kỳ báo cáo" in result.output
    again = runner.invoke(args=["periods", "open", "--until", "2025-12-31"])
    assert "Đã tạo 0 kỳ báo cáo" in again.output
    default = runner.invoke(args=["periods", "open"])
    assert "17/10/2025" in default.output  # today + 60 days


def test_editing_the_due_day_moves_future_periods_without_history(app_ctx, monthly):
    task = db.session.get(Task, monthly)
    september = next(p for p in task.periods if p.key == "2025-M09")
    august = next(p for p in task.periods if p.key == "2025-M08")
    services.request_extension(
        task, period=august, requested_due_on=date(2025, 8, 29), reason="x", user_id=None
    )
    update_task(
        task,
        TaskInput(
            content=task.content,
            lead_agency_id=task.lead_agency_id,
            cadence="monthly",
            period_due_day="25",
            starts_on=task.starts_on,
            ends_on=task.ends_on,
        ),
    )
    db.session.refresh(september)
    db.session.refresh(august)
    assert (september.due_on, september.original_due_on) == (date(2025, 9, 25), date(2025, 9, 25))
    assert august.due_on == date(2025, 8, 20)  # it has an extension request: left alone
    assert _keys(monthly).count("2025-M09") == 1
