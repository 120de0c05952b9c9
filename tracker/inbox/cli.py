"""`flask --app wsgi inbox import DIR`: the watched folder of the document system."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

inbox_cli = AppGroup("inbox", help="Văn bản đến từ hệ thống quản lý văn bản.")


@inbox_cli.command("import")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=Path)
)
def import_command(folder: Path) -> None:
    """Import the files of FOLDER into Văn bản đến chờ xử lý (done/ and failed/ keep them)."""
    from tracker.inbox.services import import_folder

    result = import_folder(folder)
    for name, doc_id in result.imported:
        click.echo(f"Đã nhận: {name} (văn bản đến #{doc_id})")
    for name in result.skipped:
        click.echo(f"Đã có trong hộp văn bản đến, bỏ qua: {name}")
    for name, reason in result.failed:
        click.echo(f"Không nhận: {name}: {reason}", err=True)
    click.echo(
        f"Đã nhận {len(result.imported)}, bỏ qua {len(result.skipped)}, lỗi {len(result.failed)}."
    )
