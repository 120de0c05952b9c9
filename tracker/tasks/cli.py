"""`flask --app wsgi tasks list [--agency NAME] [--directive NUMBER] [--as-of DATE] --json`

and `flask --app wsgi tasks import FILE [--only-valid]` (a spreadsheet of tasks).
"""

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.agencies.services import find_by_name
from tracker.deadlines.obligations import involves_agency_sql, worst_open
from tracker.deadlines.services import (
    ExtensionHistory,
    approved_extensions,
    periods_as_of,
    task_due_as_of,
    via_status,
)
from tracker.deadlines.status import OPEN_STATES, is_due_soon, status_as_of
from tracker.directives.models import Directive
from tracker.directives.services import DirectiveError
from tracker.extensions import db
from tracker.tasks import importing
from tracker.tasks.models import Task
from tracker.tasks.services import TaskError
from tracker.timeutil import today

tasks_cli = AppGroup("tasks", help="Nhiệm vụ.")


def task_record(task: Task, as_of: date, history: ExtensionHistory | None = None) -> dict:
    """One task as the JSON of `tasks list` (and of the API-like exports), as it stood at the
    end of `as_of`: the due date then in force (extensions decided later are ignored), done
    only if done by then, and for a recurring task its periods with their own states.
    ``status`` and ``line`` are what the task's line in the task list shows: for a recurring
    task that is still open, its worst open period (state, due date, label); ``own_status``
    is the task's own state.

    `history` (from `approved_extensions`) avoids a query per task when listing many.
    """
    if history is None:
        history = approved_extensions([task.id])
    due = task_due_as_of(task, as_of, history)
    state = status_as_of(as_of, due_on=due, done_on=task.done_on, cancelled_on=task.cancelled_on)
    record = {
        "id": task.id,
        "directive": task.directive.number,
        "content": task.content,
        "lead_agency": task.lead_agency.name,
        "co_agencies": [a.name for a in task.co_agencies],
        "via": task.via_agency.name if task.via_agency else None,
        "due": due.isoformat() if due else None,
        "original_due": task.original_due_on.isoformat() if task.original_due_on else None,
        "cadence": task.cadence if task.is_recurring else None,
        "done": task.done_on.isoformat() if task.done_on and task.done_on <= as_of else None,
        "status": state.value,
        "due_soon": is_due_soon(as_of, due, task.done_on, cancelled_on=task.cancelled_on),
    }
    via_state = via_status(task, as_of)
    if via_state is not None:
        record["via_due"] = task.via_due_on.isoformat() if task.via_due_on else None
        record["via_done"] = (
            task.via_done_on.isoformat() if task.via_done_on and task.via_done_on <= as_of else None
        )
        record["via_status"] = via_state.value
    # the task's line, as the task list shows it: a recurring task's own state is rarely what
    # matters (it has no deadline of its own) — its worst open period is (issue 12)
    line = {"status": state.value, "due": record["due"], "period": None}
    if task.is_recurring:
        periods = periods_as_of(task, as_of, history)
        record["periods"] = [p.record() for p in periods]
        worst = worst_open(periods, lambda p: p.status) if state in OPEN_STATES else None
        if worst is not None:
            line = {
                "status": worst.status.value,
                "due": worst.due_on.isoformat(),
                "period": worst.label,
            }
    record["own_status"] = state.value
    record["status"] = line["status"]
    record["line"] = line
    return record


@tasks_cli.command("list")
@click.option("--agency", default=None, help="Tên cơ quan, đơn vị (chủ trì, phối hợp hoặc qua)")
@click.option("--directive", default=None, help="Số, ký hiệu văn bản")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="In JSON")
def list_command(agency: str | None, directive: str | None, as_of, as_json: bool) -> None:
    """List tasks with their status as of a date (today by default)."""
    day = as_of.date() if as_of else today()
    stmt = (
        select(Task)
        .join(Task.directive)
        .options(
            selectinload(Task.co_agencies),
            selectinload(Task.lead_agency),
            selectinload(Task.via_agency),
            selectinload(Task.directive),
            selectinload(Task.periods),  # type: ignore[attr-defined]  (backref)
        )
        .order_by(Task.id)
    )
    if agency:
        found = find_by_name(agency)
        if found is None:
            raise click.ClickException(f"Không tìm thấy cơ quan, đơn vị “{agency}”.")
        stmt = stmt.where(involves_agency_sql(found.id))
    if directive:
        stmt = stmt.where(Directive.number == directive.strip())
    tasks = db.session.execute(stmt).scalars().all()
    history = approved_extensions([t.id for t in tasks])
    records = [task_record(t, day, history) for t in tasks]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for r in records:
        click.echo(
            f"#{r['id']:<5} {r['directive']:<18} {r['lead_agency'][:32]:<32} "
            f"{r['line']['due'] or '—':<10} {r['status']}"
            + (f" ({r['line']['period']})" if r["line"]["period"] else "")
        )


@tasks_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--only-valid",
    is_flag=True,
    help="Nhập các dòng hợp lệ dù có dòng lỗi (mặc định: có lỗi thì không nhập gì).",
)
def import_command(file: Path, only_valid: bool) -> None:
    """Import tasks from an XLSX/CSV file made from the template (the web page's download)."""
    try:
        rows = importing.read_rows(file.name, file.read_bytes())
    except importing.ImportFormatError as error:
        raise click.ClickException(str(error)) from None
    plan = importing.plan_import(rows)
    for error in plan.errors:
        click.echo(f"Dòng {error.line}: {error.message}", err=True)
    if plan.errors and not only_valid:
        db.session.rollback()
        raise click.ClickException(
            f"{len(plan.errors)} dòng lỗi; không nhập gì. Sửa tệp hoặc dùng --only-valid."
        )
    if plan.skipped:
        click.echo(f"{len(plan.skipped)} dòng đã có trong hệ thống (nhập trước đó), bỏ qua.")
    if not plan.rows:
        db.session.rollback()
        if plan.skipped:
            click.echo("Không còn dòng nào cần nhập.")
            return
        raise click.ClickException("Không có dòng hợp lệ nào để nhập.")
    # committed batch by batch: the bar moves at each commit
    with click.progressbar(length=len(plan.rows), label="Đang nhập", file=sys.stderr) as bar:
        try:
            tasks, directives = importing.import_plan(
                plan, on_batch=lambda done, _total: bar.update(done - bar.pos)
            )
        except (TaskError, DirectiveError, importing.ImportStopped) as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
    click.echo(f"Đã nhập {tasks} nhiệm vụ ({directives} văn bản mới).")
