"""`flask --app wsgi agencies import FILE`"""

from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.agencies import services
from tracker.agencies.importer import ImportFormatError, read_table, validate_rows
from tracker.extensions import db

agencies_cli = AppGroup("agencies", help="Danh mục cơ quan, đơn vị.")


@agencies_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--only-valid",
    is_flag=True,
    help="Nhập các dòng hợp lệ dù có dòng lỗi (mặc định: có lỗi thì không nhập gì).",
)
def import_command(file: Path, only_valid: bool) -> None:
    """Import agencies from a CSV or XLSX file with a header row."""
    try:
        rows = read_table(file.name, file.read_bytes())
    except ImportFormatError as error:
        raise click.ClickException(str(error)) from None
    good, errors = validate_rows(rows, services.known_names())
    for error in errors:
        click.echo(f"Dòng {error.line}: {error.message}", err=True)
    if errors and not only_valid:
        raise click.ClickException(
            f"{len(errors)} dòng lỗi; không nhập gì. Sửa tệp hoặc dùng --only-valid."
        )
    created, updated = services.import_rows(good)
    db.session.commit()
    click.echo(f"Đã nhập {created} cơ quan, đơn vị mới, cập nhật {updated}.")
