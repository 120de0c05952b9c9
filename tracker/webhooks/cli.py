"""`flask --app wsgi webhooks send`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

webhooks_cli = AppGroup("webhooks", help="Webhook (kênh thông báo tới hệ thống khác).")


@webhooks_cli.command("send")
def send_command() -> None:
    """Deliver the webhooks that are due now (the scheduler's minute job does the same)."""
    from tracker.webhooks.sender import send_pending

    result = send_pending()
    if result.locked_out:
        click.echo("Một tiến trình khác đang gửi webhook; bỏ qua lần này.")
        return
    click.echo(
        f"Đã gửi {result.sent}, thử lại sau {result.retry_later}, "
        f"lỗi hẳn {result.failed}, còn chờ {result.pending}."
    )
