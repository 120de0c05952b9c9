"""The scheduler's jobs (built, never started) and the CLI commands."""

import json
from datetime import date

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from tests.conftest import make_config
from tracker import create_app
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.reminders.scheduler import (
    PERIODS_JOB,
    SEND_JOB,
    SWEEP_JOB,
    SchedulerConfigError,
    build_scheduler,
)


def test_build_scheduler_jobs_and_triggers(app):
    scheduler = build_scheduler(app)
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {SWEEP_JOB, SEND_JOB, PERIODS_JOB}
    assert str(scheduler.timezone) == "Asia/Ho_Chi_Minh"

    sweep = jobs[SWEEP_JOB].trigger
    assert isinstance(sweep, CronTrigger) and str(sweep.timezone) == "Asia/Ho_Chi_Minh"
    fields = {f.name: str(f) for f in sweep.fields}
    assert (fields["hour"], fields["minute"]) == ("7", "30")
    periods = {f.name: str(f) for f in jobs[PERIODS_JOB].trigger.fields}
    assert (periods["hour"], periods["minute"]) == ("6", "30")
    send = jobs[SEND_JOB].trigger
    assert isinstance(send, IntervalTrigger) and send.interval.total_seconds() == 60
    # a job added before start gets the defaults when the scheduler starts
    assert scheduler._job_defaults == {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": 900,
    }
    assert {type(s).__name__ for s in scheduler._jobstores.values()} == {"MemoryJobStore"}
    for job in jobs.values():
        assert job.args == (app,)


def test_reminder_time_is_configurable(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path, TRACKER_REMINDER_TIME="08:05"))
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    fields = {f.name: str(f) for f in jobs[SWEEP_JOB].trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("8", "5")


def test_scheduler_refuses_an_unknown_timezone(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path, TRACKER_TIMEZONE="Asia/Hanoi_Typo"))
    try:
        build_scheduler(app)
    except SchedulerConfigError as exc:
        assert "TRACKER_TIMEZONE" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("the scheduler accepted a bad zone")
    result = app.test_cli_runner().invoke(args=["scheduler", "run"])
    assert result.exit_code != 0
    assert "TRACKER_TIMEZONE='Asia/Hanoi_Typo' không phải múi giờ hợp lệ" in result.output


def test_create_app_starts_no_scheduler(app):
    import threading

    names = [t.name for t in threading.enumerate()]
    assert not any("APScheduler" in n for n in names)


def test_cli_dry_run_json_on_demo_data(app, runner):
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    with app.app_context():  # the demo's directive told its agencies (giao nhiệm vụ)
        queued = db.session.execute(select(func.count(OutboxEmail.id))).scalar()
    result = runner.invoke(
        args=["reminders", "run", "--today", "2025-08-08", "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["day"] == "2025-08-08" and payload["dry_run"] is True
    stc = next(a for a in payload["agencies"] if a["agency"] == "Sở Tài chính")
    due_soon = stc["due_soon"]
    assert any(item["due_on"] == "2025-08-15" for item in due_soon)
    item = next(i for i in due_soon if i["due_on"] == "2025-08-15")
    assert item["days_left"] == 7 and item["reminders"] == ["before:7"]
    assert "sotaichinh@tinh.gov.vn" in stc["recipients"]
    for key in ("due_soon", "due_today", "overdue", "escalated", "update_requested"):
        assert key in stc
    with app.app_context():  # a dry run writes nothing
        assert db.session.execute(select(func.count(OutboxEmail.id))).scalar() == queued


def test_cli_run_queues_once_and_outbox_send_without_mail_server(app, runner):
    from tests.reminders.test_delivery import _province

    _province(app)
    first = runner.invoke(args=["reminders", "run", "--today", "2025-08-08"])
    assert first.exit_code == 0, first.output
    assert "Sở Tài chính: 2 nhiệm vụ" in first.output
    again = runner.invoke(args=["reminders", "run", "--today", "2025-08-08"])
    assert "Đã đưa vào hộp thư đi 0 thư nhắc việc" in again.output
    sent = runner.invoke(args=["outbox", "send"])
    assert "Chưa cấu hình MAIL_SERVER" in sent.output
    with app.app_context():
        statuses = set(db.session.execute(select(OutboxEmail.status)).scalars())
        assert statuses == {"pending"}  # readable in the web UI, not delivered
    weekend = runner.invoke(args=["reminders", "run", "--today", "2025-08-09"])
    assert "ngày nghỉ" in weekend.output


def test_open_periods_job_is_skipped_without_the_deadlines_service(app_ctx):
    from tracker.reminders.services import open_periods_job

    result = open_periods_job(date(2025, 8, 8))
    assert result is None or isinstance(result, int)


def test_outbox_interval_is_configurable(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path, TRACKER_OUTBOX_INTERVAL_SECONDS=3))
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs[SEND_JOB].trigger.interval.total_seconds() == 3
    bad = create_app(make_config(database_url, tmp_path, TRACKER_OUTBOX_INTERVAL_SECONDS="0"))
    with pytest.raises(SchedulerConfigError, match="TRACKER_OUTBOX_INTERVAL_SECONDS"):
        build_scheduler(bad)
