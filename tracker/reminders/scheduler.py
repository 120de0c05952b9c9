"""The scheduler process: `flask --app wsgi scheduler run` (never started by `create_app`).

One dedicated process (its own supervisor program or container, one replica) runs an APScheduler
3.x `BlockingScheduler` with the default in-memory job store; the three jobs are registered from
code at every start under fixed ids with `replace_existing=True`. The jobs hold no business
state — they sweep the database — so a restart, a missed run or a second scheduler changes
nothing: the sweep catches up ("on or before today, not yet sent"), the unique keys make a second
run a no-op, and on PostgreSQL an advisory lock lets only one scheduler work at a time.

Job defaults: `coalesce=True` (ten missed minutes run once), `max_instances=1` (a slow sweep is
not overlapped by the next), `misfire_grace_time=900` (a run up to 15 minutes late still runs; a
later one is skipped and the next day's sweep catches up).
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 900}
SWEEP_JOB = "reminders.daily_sweep"
SEND_JOB = "outbox.send"
PERIODS_JOB = "deadlines.open_periods"
INBOX_JOB = "inbox.import_folder"


class SchedulerConfigError(ValueError):
    """The configuration does not allow the scheduler to start (message says what to fix)."""


def load_zone(name: str | None) -> ZoneInfo:
    """The committee's zone, or a clear error instead of a scheduler running on the host's zone."""
    try:
        if not name:
            raise ZoneInfoNotFoundError("empty")
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SchedulerConfigError(
            f"TRACKER_TIMEZONE={name!r} không phải múi giờ hợp lệ (ví dụ: Asia/Ho_Chi_Minh); "
            "bộ lập lịch không khởi động."
        ) from exc


def parse_time(text: str) -> tuple[int, int]:
    """Parse "HH:MM" (local time of the daily sweep)."""
    try:
        hour_text, minute_text = text.strip().split(":")
        hour, minute = int(hour_text), int(minute_text)
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    except (AttributeError, ValueError):
        pass
    raise SchedulerConfigError(
        f"TRACKER_REMINDER_TIME={text!r} phải có dạng GG:PP (ví dụ 07:30); bộ lập lịch không khởi động."
    )


def outbox_interval(value: object) -> int:
    """Seconds between two outbox runs (default 60; the stack tests use a few seconds)."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        seconds = 0
    if seconds < 1:
        raise SchedulerConfigError(
            f"TRACKER_OUTBOX_INTERVAL_SECONDS={value!r} phải là số giây dương (mặc định 60); "
            "bộ lập lịch không khởi động."
        )
    return seconds


# The callables are module-level functions taking the app: nothing needs pickling (memory store),
# and each runs inside its own application context, so its session is removed afterwards.


def daily_sweep(app: Flask) -> Any:
    from tracker.reminders.services import run_sweep
    from tracker.timeutil import today

    with app.app_context():
        return run_sweep(today())


def send_outbox(app: Flask) -> Any:
    """The minute job: the outbox's emails, then the webhooks (same claim → send → mark)."""
    from tracker.reminders.outbox import send_pending
    from tracker.webhooks.sender import send_pending as send_webhooks

    with app.app_context():
        result = send_pending()
        try:
            send_webhooks()
        except Exception:  # a webhook problem never stops the emails' job
            log.exception("webhooks not sent")
        return result


def open_periods(app: Flask) -> Any:
    from tracker.reminders.services import open_periods_job
    from tracker.timeutil import today

    with app.app_context():
        return open_periods_job(today())


def inbox_folder(app: Flask) -> Any:
    """The watched folder of the document system (only when TRACKER_INBOX_DIR is set)."""
    from pathlib import Path

    from tracker.inbox.services import import_folder

    with app.app_context():
        return import_folder(Path(app.config["TRACKER_INBOX_DIR"]))


def inbox_settings(app: Flask) -> tuple[str, int] | None:
    """(folder, seconds) of the inbox job, or None when no folder is configured."""
    from pathlib import Path

    folder = (app.config.get("TRACKER_INBOX_DIR") or "").strip()
    if not folder:
        return None
    if not Path(folder).is_dir():
        raise SchedulerConfigError(
            f"TRACKER_INBOX_DIR={folder!r} không phải thư mục; bộ lập lịch không khởi động."
        )
    try:
        seconds = int(app.config.get("TRACKER_INBOX_INTERVAL_SECONDS", 300))
    except (TypeError, ValueError):
        seconds = 0
    if seconds < 1:
        raise SchedulerConfigError(
            "TRACKER_INBOX_INTERVAL_SECONDS phải là số giây dương (mặc định 300); "
            "bộ lập lịch không khởi động."
        )
    return folder, seconds


def build_scheduler(app: Flask) -> BlockingScheduler:
    """The configured scheduler, jobs added, not started (tests inspect `get_jobs()`)."""
    tz = load_zone(app.config.get("TRACKER_TIMEZONE"))
    hour, minute = parse_time(app.config.get("TRACKER_REMINDER_TIME", "07:30"))
    scheduler = BlockingScheduler(
        timezone=tz,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults=dict(JOB_DEFAULTS),
    )
    # periods first (an hour before the sweep, or just after midnight), so new periods are swept
    periods_hour, periods_minute = (hour - 1, minute) if hour >= 1 else (0, 5)
    scheduler.add_job(
        open_periods,
        CronTrigger(hour=periods_hour, minute=periods_minute, timezone=tz),
        args=[app],
        id=PERIODS_JOB,
        name="Mở kỳ báo cáo",
        replace_existing=True,
    )
    scheduler.add_job(
        daily_sweep,
        CronTrigger(hour=hour, minute=minute, timezone=tz),
        args=[app],
        id=SWEEP_JOB,
        name="Nhắc việc hằng ngày",
        replace_existing=True,
    )
    interval = outbox_interval(app.config.get("TRACKER_OUTBOX_INTERVAL_SECONDS", 60))
    scheduler.add_job(
        send_outbox,
        IntervalTrigger(seconds=interval, timezone=tz),
        args=[app],
        id=SEND_JOB,
        name="Gửi hộp thư đi",
        replace_existing=True,
    )
    inbox = inbox_settings(app)
    if inbox is not None:
        scheduler.add_job(
            inbox_folder,
            IntervalTrigger(seconds=inbox[1], timezone=tz),
            args=[app],
            id=INBOX_JOB,
            name="Nhận văn bản đến từ thư mục",
            replace_existing=True,
        )
    return scheduler
