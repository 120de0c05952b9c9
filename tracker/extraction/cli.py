"""`flask --app wsgi directives extract FILE [--agencies FILE.csv] [--base-date D] --json`"""

import json
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from tracker.extraction import Registry, UnsupportedDocument, extract, read_document
from tracker.extraction.services import registry_from_db

directives_cli = AppGroup("directives", help="Văn bản chỉ đạo.")


@directives_cli.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--agencies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Danh mục cơ quan (định dạng của `agencies import`) thay cho cơ sở dữ liệu.",
)
@click.option("--base-date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="In JSON")
def extract_command(file: Path, agencies: Path | None, base_date, as_json: bool) -> None:
    """Propose the header and the tasks of a directive (.txt, .docx, .pdf)."""
    try:
        text = read_document(file.name, file.read_bytes())
    except UnsupportedDocument as error:
        raise click.ClickException(error.message) from None
    registry = Registry.from_csv(agencies) if agencies else registry_from_db()
    base: date | None = base_date.date() if base_date else None
    result = extract(text, registry, base_date=base)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    header = result["directive"]
    click.echo(f"{header.get('kind')} số {header.get('number')} ngày {header.get('issued')}")
    for task in result["tasks"]:
        due = task.get("due") or task.get("cadence") or "—"
        click.echo(f"- {task['agency']}: {due}  {' '.join(task.get('warnings') or [])}")
    for warning in result["warnings"]:
        click.echo(f"! {warning.get('message')}")
