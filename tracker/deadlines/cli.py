"""`flask --app wsgi periods open [--until YYYY-MM-DD]`: open the periods of recurring tasks."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from tracker.deadlines.services import HORIZON_DAYS, open_periods
from tracker.extensions import db
from tracker.timeutil import today

periods_cli = AppGroup("periods", help="Kỳ báo cáo của nhiệm vụ định kỳ.")


@periods_cli.command("open")
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help=f"Tạo các kỳ có hạn đến ngày này (mặc định: hôm nay + {HORIZON_DAYS} ngày).",
)
def open_command(until) -> None:
    """Create the periods due up to a date for every recurring task (idempotent)."""
    last = until.date() if until else today() + timedelta(days=HORIZON_DAYS)
    created = open_periods(last)
    db.session.commit()
    click.echo(f"Đã tạo {created} kỳ báo cáo (hạn đến {last:%d/%m/%Y}).")
