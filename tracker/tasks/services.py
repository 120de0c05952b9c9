"""Writes to tasks: create, edit, progress, completion, reopening, cancellation.

Views parse input and call one of these; the caller commits, so a request either saves
everything it asked for or nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.agencies.models import Agency
from tracker.deadlines.services import sync_task_periods
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.tasks.models import ProgressUpdate, Task
from tracker.timeutil import today, utcnow
from tracker.webhooks import services as webhooks

CADENCES = {
    "none",
    "monthly",
    "quarterly",
    "quarterly-cumulative",
    "semiannual",
    "annual",
    "custom",
}


class TaskError(ValueError):
    """A user-facing reason (in Vietnamese), with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class TaskInput:
    content: str
    lead_agency_id: int | None
    co_agency_ids: list[int] = field(default_factory=list)
    via_agency_id: int | None = None
    via_due_on: date | None = None
    due_on: date | None = None
    cadence: str = "none"
    cadence_rule: str | None = None
    period_due_day: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    source_text: str = ""
    #: the office confirmed a due date before the directive's issue date
    confirm_early_due: bool = False


def check_task(directive: Directive, data: TaskInput) -> list[TaskError]:
    """Return every problem with `data` (empty when it can be saved)."""
    problems = []
    if not (data.content or "").strip():
        problems.append(TaskError("content", _("Vui lòng nhập nội dung nhiệm vụ.")))
    if not data.lead_agency_id:
        problems.append(TaskError("lead_agency_id", _("Vui lòng chọn đơn vị chủ trì.")))
    elif data.lead_agency_id in (data.co_agency_ids or []):
        problems.append(
            TaskError("co_agency_ids", _("Đơn vị chủ trì không đồng thời là đơn vị phối hợp."))
        )
    if data.cadence not in CADENCES:
        problems.append(TaskError("cadence", _("Chế độ báo cáo không hợp lệ.")))
    if data.cadence == "custom":
        problems.extend(_check_rrule(data.cadence_rule))
    if data.period_due_day and not _valid_due_day(data.period_due_day):
        problems.append(
            TaskError(
                "period_due_day", _("Hạn mỗi kỳ ghi dạng “20” (ngày trong tháng) hoặc “15/12”.")
            )
        )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(TaskError("ends_on", _("Ngày kết thúc trước ngày bắt đầu.")))
    if (
        data.due_on
        and directive.issued_on
        and data.due_on < directive.issued_on
        and not data.confirm_early_due
    ):
        problems.append(
            TaskError(
                "due_on",
                _(
                    "Thời hạn %(due)s trước ngày ban hành văn bản (%(issued)s). Kiểm tra lại, "
                    "hoặc đánh dấu xác nhận nếu văn bản ghi đúng như vậy.",
                    due=f"{data.due_on:%d/%m/%Y}",
                    issued=f"{directive.issued_on:%d/%m/%Y}",
                ),
            )
        )
    # two-hop: the lead reports to the via agency by due_on, which then consolidates and
    # reports by its own via_due_on ("gửi Sở X trước 05/7 để tổng hợp, báo cáo trước 10/7")
    if data.via_due_on and data.due_on and data.via_due_on < data.due_on:
        problems.append(
            TaskError(
                "via_due_on",
                _("Hạn tổng hợp của đơn vị tổng hợp không được trước thời hạn của đơn vị chủ trì."),
            )
        )
    if data.via_due_on and not data.via_agency_id:
        problems.append(
            TaskError(
                "via_due_on", _("Hạn tổng hợp chỉ dùng khi có đơn vị tổng hợp (báo cáo qua).")
            )
        )
    return problems


def _check_rrule(rule: str | None) -> list[TaskError]:
    if not rule:
        return [TaskError("cadence_rule", _("Chế độ tùy chỉnh cần quy tắc lặp."))]
    from dateutil.rrule import rrulestr

    try:
        rrulestr(rule.removeprefix("RRULE:"), dtstart=utcnow().replace(tzinfo=None))
    except (ValueError, TypeError):
        return [
            TaskError(
                "cadence_rule",
                _("Quy tắc lặp không hợp lệ (ví dụ đúng: FREQ=MONTHLY;BYMONTHDAY=20)."),
            )
        ]
    return []


def _valid_due_day(text: str) -> bool:
    parts = text.strip().split("/")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return False
    if len(numbers) == 1:
        return 1 <= numbers[0] <= 31
    if len(numbers) == 2:
        day, month = numbers
        try:
            date(2028, month, day)  # a leap year accepts 29/2
        except ValueError:
            return False
        return True
    return False


def _agencies(ids: list[int]) -> list[Agency]:
    """The agencies with these ids; from the session's identity map when already loaded
    (an import of thousands of tasks names the same few agencies again and again)."""
    if not ids:
        return []
    found = [db.session.get(Agency, i) for i in ids]
    return [a for a in found if a is not None]


def _apply(task: Task, data: TaskInput) -> None:
    task.content = data.content.strip()
    task.lead_agency_id = data.lead_agency_id
    task.co_agencies = _agencies([i for i in data.co_agency_ids if i != data.lead_agency_id])
    task.via_agency_id = data.via_agency_id
    task.via_due_on = data.via_due_on
    task.cadence = data.cadence or "none"
    task.cadence_rule = data.cadence_rule if data.cadence == "custom" else None
    task.period_due_day = (data.period_due_day or "").strip() or None
    task.starts_on = data.starts_on
    task.ends_on = data.ends_on
    if data.source_text:
        task.source_text = data.source_text
    task.refresh_search_text()


def create_task(directive: Directive, data: TaskInput, *, created_by_id: int | None = None) -> Task:
    """Add a task to `directive`; raise the first TaskError if the input is not valid."""
    problems = check_task(directive, data)
    if problems:
        raise problems[0]
    with db.session.no_autoflush:
        task = Task(directive=directive, created_by_id=created_by_id, updated_by_id=created_by_id)
        _apply(task, data)
        task.due_on = data.due_on
        task.original_due_on = data.due_on
        db.session.add(task)
    db.session.flush()
    sync_task_periods(task, new=True)
    return task


def create_tasks(
    directive: Directive, inputs: list[TaskInput], *, created_by_id: int | None = None
) -> list[Task]:
    """Add many tasks to `directive` with one flush (a directive's save, an import of
    thousands of rows); the same checks as `create_task`, all made before anything is added."""
    for data in inputs:
        problems = check_task(directive, data)
        if problems:
            raise problems[0]
    tasks = []
    with db.session.no_autoflush:
        for data in inputs:
            task = Task(
                directive=directive, created_by_id=created_by_id, updated_by_id=created_by_id
            )
            _apply(task, data)
            task.due_on = data.due_on
            task.original_due_on = data.due_on
            db.session.add(task)
            tasks.append(task)
    db.session.flush()
    for task in tasks:
        sync_task_periods(task, new=True)
    return tasks


def update_task(task: Task, data: TaskInput, *, user_id: int | None = None) -> Task:
    """Edit a task (office). A new due date replaces the original one; an approved
    extension still in force keeps the task's current due date."""
    problems = check_task(task.directive, data)
    if problems:
        raise problems[0]
    involved = notify.involved_agencies(task)
    with db.session.no_autoflush:
        _apply(task, data)
    if data.due_on != task.original_due_on:
        extended = task.due_on != task.original_due_on
        task.original_due_on = data.due_on
        if not extended or data.due_on is None:
            task.due_on = data.due_on
    task.updated_by_id = user_id
    db.session.flush()
    sync_task_periods(task)
    # an agency the edit brings in (a new lead, co- or via agency) hears of the task now
    newcomers = notify.involved_agencies(task) - involved
    if newcomers:
        notify.tasks_assigned(task.directive, [task], added=True, only=newcomers)
    return task


def progress_by_key(request_key: str | None) -> ProgressUpdate | None:
    """The update a form with this idempotency key already posted, if any."""
    if not request_key:
        return None
    return db.session.execute(
        select(ProgressUpdate).where(ProgressUpdate.request_key == request_key)
    ).scalar_one_or_none()


def add_progress(
    task: Task,
    *,
    body: str,
    author_id: int | None,
    agency_id: int | None,
    request_key: str | None = None,
) -> ProgressUpdate:
    """Record a progress report; `request_key` (unique) makes a retried POST a no-op.

    A completed task has no progress left to report (its page no longer offers the form, and
    an old tab's POST is refused here).
    """
    if task.done_on is not None:
        raise TaskError("body", _("Nhiệm vụ đã hoàn thành, không nhận thêm báo cáo tiến độ."))
    if not (body or "").strip():
        raise TaskError("body", _("Vui lòng nhập nội dung báo cáo tiến độ."))
    update = ProgressUpdate(
        task=task,
        body=body.strip(),
        author_id=author_id,
        agency_id=agency_id,
        request_key=request_key or None,
    )
    db.session.add(update)
    db.session.flush()
    return update


def complete_task(
    task: Task,
    *,
    done_on: date | None,
    report_number: str | None,
    report_date: date | None,
    note: str | None,
    user_id: int | None,
) -> Task:
    """Mark a task done with the report that proves it."""
    if task.done_on is not None:
        raise TaskError("done_on", _("Nhiệm vụ đã được đánh dấu hoàn thành."))
    if task.cancelled_on is not None:
        raise TaskError("done_on", _("Nhiệm vụ đã dừng/hủy."))
    local_today = today()
    done_on = done_on or local_today
    if done_on > local_today:
        raise TaskError("done_on", _("Ngày hoàn thành không được sau hôm nay."))
    if not (report_number or "").strip():
        raise TaskError("report_number", _("Vui lòng nhập số văn bản báo cáo kết quả."))
    if report_date and report_date > local_today:
        raise TaskError("report_date", _("Ngày văn bản báo cáo không được sau hôm nay."))
    task.done_on = done_on
    task.done_at = utcnow()
    task.done_report_number = report_number.strip()
    task.done_report_date = report_date
    task.done_note = (note or "").strip() or None
    task.done_by_id = user_id
    task.updated_by_id = user_id
    db.session.flush()
    webhooks.task_completed(task)
    return task


def reopen_task(task: Task, *, reason: str, user_id: int | None) -> Task:
    """Undo a completion (office only); the reason goes into the timeline."""
    if task.done_on is None:
        raise TaskError("reason", _("Nhiệm vụ chưa hoàn thành, không cần mở lại."))
    if not (reason or "").strip():
        raise TaskError("reason", _("Vui lòng nêu lý do mở lại."))
    completed_at = task.done_at
    task.done_on = None
    task.done_at = None
    task.done_report_number = None
    task.done_report_date = None
    task.done_note = None
    task.done_by_id = None
    task.submitted_on = task.accepted_on = None  # acceptance (issue 16): nothing awaits
    task.updated_by_id = user_id
    db.session.add(
        ProgressUpdate(task=task, body=f"Mở lại nhiệm vụ: {reason.strip()}", author_id=user_id)
    )
    db.session.flush()
    notify.task_reopened(task, reason=reason, completed_at=completed_at)
    return task


def cancel_task(task: Task, *, reason: str, user_id: int | None) -> Task:
    """Dừng/hủy a task (office); it stays in history and leaves the rates.

    A completed task cannot be cancelled: its completion is a fact the reports count (and a
    cancellation after it would change nothing: `status_as_of` keeps it completed). The office
    reopens it first if the completion was a mistake.
    """
    if not (reason or "").strip():
        raise TaskError("reason", _("Vui lòng nêu lý do dừng/hủy."))
    if task.cancelled_on is not None:
        raise TaskError("reason", _("Nhiệm vụ đã dừng/hủy."))
    if task.done_on is not None:
        raise TaskError(
            "reason",
            _("Nhiệm vụ đã hoàn thành, không thể dừng/hủy. Mở lại nhiệm vụ trước nếu cần."),
        )
    task.cancelled_on = today()
    task.cancel_reason = reason.strip()
    task.updated_by_id = user_id
    db.session.flush()
    return task


def resume_task(task: Task, *, user_id: int | None) -> Task:
    task.cancelled_on = None
    task.cancel_reason = None
    task.updated_by_id = user_id
    db.session.flush()
    return task


def delete_task(task: Task) -> None:
    db.session.delete(task)
    db.session.flush()
