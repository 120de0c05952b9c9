"""`flask --app wsgi scheduler run`, `reminders run`, `outbox send`."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.timeutil import today

scheduler_cli = AppGroup("scheduler", help="Bộ lập lịch (tiến trình riêng, một bản duy nhất).")
reminders_cli = AppGroup("reminders", help="Nhắc việc.")
outbox_cli = AppGroup("outbox", help="Hộp thư đi.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler in the foreground (daily sweep, outbox sender, reporting periods)."""
    from tracker.reminders.scheduler import SchedulerConfigError, build_scheduler

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = current_app._get_current_object()
    try:
        scheduler = build_scheduler(app)
    except SchedulerConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id:<26} {job.trigger}")
    if app.config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite"):
        click.echo("SQLite: chỉ chạy MỘT bộ lập lịch (khóa điều phối chỉ có trên PostgreSQL).")
    if not app.config.get("MAIL_SERVER"):
        click.echo("Chưa cấu hình MAIL_SERVER: thư được lưu trong hộp thư đi, không gửi đi.")
    click.echo("Bộ lập lịch đang chạy (Ctrl+C để dừng).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


@reminders_cli.command("run")
@click.option(
    "--today", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Ngày tính (YYYY-MM-DD)"
)
@click.option("--dry-run", is_flag=True, help="Chỉ tính, không đưa vào hộp thư đi")
@click.option("--json", "as_json", is_flag=True, help="In JSON theo từng cơ quan, đơn vị")
def reminders_run(day: datetime | None, dry_run: bool, as_json: bool) -> None:
    """Compute what each agency must be told on a day and queue it (the daily job's code)."""
    from tracker.reminders.services import plan_as_json, run_sweep

    as_of = day.date() if day else today()
    result = run_sweep(as_of, dry_run=dry_run)
    if as_json:
        payload = (
            plan_as_json(result.plan) if result.plan else {"day": as_of.isoformat(), "agencies": []}
        )
        payload.update(
            dry_run=dry_run,
            locked_out=result.locked_out,
            digests_queued=result.digests_queued,
            digests_skipped=result.digests_skipped,
            reminders_recorded=result.reminders_recorded,
            summary_queued=result.summary_queued,
            agencies_without_mailbox=result.agencies_without_mailbox,
        )
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if result.locked_out:
        click.echo("Một bộ lập lịch khác đang chạy nhắc việc; bỏ qua.")
        return
    if not result.working_day:
        click.echo(
            f"{as_of:%d/%m/%Y} là ngày nghỉ: không gửi nhắc việc (ngày làm việc tiếp theo sẽ gửi bù)."
        )
        return
    digests = result.plan.digests if result.plan else []
    for d in digests:
        click.echo(f"  {d.agency_name}: {len(d.notices)} nhiệm vụ")
    if dry_run:
        click.echo(
            f"Thử (không gửi): {len(digests)} cơ quan, đơn vị cần nhắc ngày {as_of:%d/%m/%Y}."
        )
    else:
        click.echo(
            f"Đã đưa vào hộp thư đi {result.digests_queued} thư nhắc việc"
            f"{' và thư tổng hợp' if result.summary_queued else ''}; "
            f"{result.reminders_recorded} lượt nhắc được ghi nhận."
        )
    if result.agencies_without_mailbox:
        click.echo("Chưa có địa chỉ thư: " + ", ".join(result.agencies_without_mailbox))


@outbox_cli.command("send")
def outbox_send() -> None:
    """Deliver the pending emails now (the minute job's code)."""
    from tracker.reminders.outbox import send_pending

    result = send_pending()
    if result.not_configured:
        click.echo(
            f"Chưa cấu hình MAIL_SERVER: {result.pending} thư vẫn nằm trong hộp thư đi (xem trên trang Hộp thư đi)."
        )
        return
    if result.locked_out:
        click.echo("Một bộ gửi thư khác đang chạy; bỏ qua.")
        return
    click.echo(
        f"Đã gửi {result.sent} thư; {result.retry_later} thư sẽ gửi lại; "
        f"{result.failed} thư gửi không thành công; còn {result.pending} thư chờ gửi."
    )
