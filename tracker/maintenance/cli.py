"""`flask --app wsgi backup [-o FILE]`: a consistent copy of a SQLite database.

PostgreSQL is backed up with its own tools (`pg_dump -Fc` / `pg_restore`, see the README);
for the embedded SQLite database this uses SQLite's online backup API, which gives a
consistent copy even while the app is writing.
"""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.timeutil import utcnow


@click.command("backup")
@with_appcontext
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def backup_command(output: Path | None) -> None:
    """Copy the SQLite database (and say how to back up PostgreSQL)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "Cơ sở dữ liệu PostgreSQL: dùng pg_dump -Fc (xem README, mục Sao lưu)."
        )
    source = Path(url.database)
    if not source.exists():
        raise click.ClickException(f"Không tìm thấy tệp cơ sở dữ liệu {source}.")
    if output is None:
        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        output = Path(current_app.instance_path) / "backups" / f"tracker-{stamp}.sqlite"
    output.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    with sqlite3.connect(source) as src, sqlite3.connect(output) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    click.echo(f"Đã sao lưu vào {output}")
