"""Extension requests: asking for a later due date (task or period), and the office's
decision; one pending request per target, enforced by the database."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.deadlines.models import (
    PENDING_INDEXES,
    ExtensionRequest,
    ExtensionState,
    ReportingPeriod,
)
from tracker.deadlines.relative import within_working_days
from tracker.deadlines.services.errors import DeadlineError, _fmt
from tracker.deadlines.services.office_calendar import working_calendar
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.tasks.models import Task
from tracker.timeutil import local_date, today, utcnow


def _pending(task: Task, period: ReportingPeriod | None) -> ExtensionRequest | None:
    stmt = select(ExtensionRequest).where(
        ExtensionRequest.task_id == task.id,
        ExtensionRequest.state == ExtensionState.PENDING.value,
    )
    if period is None:
        stmt = stmt.where(ExtensionRequest.period_id.is_(None))
    else:
        stmt = stmt.where(ExtensionRequest.period_id == period.id)
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


def current_due(task: Task, period: ReportingPeriod | None) -> date | None:
    return period.due_on if period is not None else task.due_on


def requested_date(
    task: Task,
    period: ReportingPeriod | None,
    *,
    requested_due_on: date | None,
    working_days: int | None,
) -> date | None:
    """The date asked for: typed, or "N ngày làm việc" counted from the current due date.

    When the task is already overdue the working days count from today: "10 more working days"
    asked on 07/12/2026 for a task due 15/11/2025 means until mid-December 2026, not a date that
    passed a year ago (issue 11).
    """
    if requested_due_on is not None or not working_days:
        return requested_due_on
    base = current_due(task, period)
    if base is None:
        return None
    if working_days < 1 or working_days > 365:
        raise DeadlineError("working_days", _("Số ngày làm việc phải từ 1 đến 365."))
    return within_working_days(max(base, today()), working_days, working_calendar())


def _refuse_past(field: str, new_due: date, on: date | None = None) -> None:
    """A deadline moved to a day already gone would be overdue the moment it is granted (and
    escalated by the next sweep): refuse it, saying from which day a date is accepted.

    `on` is the day of the request or decision: today, or a recorded day of the demo's history.
    """
    now = on or today()
    if new_due < now:
        raise DeadlineError(
            field,
            _(
                "Ngày gia hạn %(new_due)s đã qua; vui lòng chọn một ngày từ hôm nay (%(today)s) "
                "trở đi.",
                new_due=_fmt(new_due),
                today=_fmt(now),
            ),
        )


def request_extension(
    task: Task,
    *,
    period: ReportingPeriod | None = None,
    requested_due_on: date | None,
    reason: str | None,
    user_id: int | None,
    on: date | None = None,
) -> ExtensionRequest:
    """An agency asks for a later due date for a task, or for one period of it.

    `on` is the day of the request (today unless history is being recorded, as the demo does).
    """
    if period is not None and period.task_id != task.id:
        raise DeadlineError("requested_due_on", _("Kỳ báo cáo không thuộc nhiệm vụ này."))
    if task.done_on is not None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ đã hoàn thành, không thể đề nghị gia hạn.")
        )
    if task.cancelled_on is not None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ đã dừng/hủy, không thể đề nghị gia hạn.")
        )
    if period is not None and period.done_on is not None:
        raise DeadlineError("requested_due_on", _("Kỳ báo cáo đã nộp, không thể đề nghị gia hạn."))
    due = current_due(task, period)
    if due is None:
        raise DeadlineError(
            "requested_due_on", _("Nhiệm vụ không có thời hạn, không cần đề nghị gia hạn.")
        )
    if requested_due_on is None:
        raise DeadlineError("requested_due_on", _("Vui lòng nhập ngày đề nghị gia hạn đến."))
    if requested_due_on <= due:
        raise DeadlineError(
            "requested_due_on",
            _(
                "Ngày đề nghị gia hạn (%(requested)s) phải sau thời hạn hiện tại (%(due)s).",
                requested=_fmt(requested_due_on),
                due=_fmt(due),
            ),
        )
    _refuse_past("requested_due_on", requested_due_on, on)
    if not (reason or "").strip():
        raise DeadlineError("reason", _("Vui lòng nêu lý do đề nghị gia hạn."))
    if _pending(task, period) is not None:
        raise _already_pending()
    request = ExtensionRequest(
        task=task,
        period=period,
        requested_by_id=user_id,
        previous_due_on=due,
        requested_due_on=requested_due_on,
        reason=reason.strip(),
        state=ExtensionState.PENDING.value,
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError as error:
        # a concurrent submission (a double click) passed the check above first: the partial
        # unique index refused this one. The session must be rolled back, as after any failed
        # flush; the caller does it on DeadlineError.
        if not _is_pending_conflict(error):
            raise
        raise _already_pending() from None
    notify.extension_requested(request)
    return request


def _already_pending() -> DeadlineError:
    return DeadlineError(
        "requested_due_on",
        _(
            "Đã có một đề nghị gia hạn đang chờ Văn phòng UBND tỉnh xử lý; vui lòng chờ kết quả "
            "trước khi đề nghị tiếp."
        ),
    )


def _is_pending_conflict(error: IntegrityError) -> bool:
    """Whether the error is the one-pending-request rule (not, say, a deleted task's key).

    PostgreSQL names the index; SQLite names the indexed columns.
    """
    message = str(error.orig)
    return any(name in message for name in PENDING_INDEXES) or (
        "UNIQUE constraint failed: extension_request.task_id" in message
    )


def approve_extension(
    request: ExtensionRequest,
    *,
    approved_due_on: date | None = None,
    note: str | None = None,
    user_id: int | None,
    on: date | None = None,
) -> ExtensionRequest:
    """The office grants the request, with the date asked for or another one; the new date is
    in force from today (the decision's local date; `on` records a past decision)."""
    _check_pending(request)
    task, period = request.task, request.period
    if task.done_on is not None:
        raise DeadlineError("approved_due_on", _("Nhiệm vụ đã hoàn thành; chỉ có thể từ chối."))
    if task.cancelled_on is not None:
        raise DeadlineError("approved_due_on", _("Nhiệm vụ đã dừng/hủy; chỉ có thể từ chối."))
    if period is not None and period.done_on is not None:
        raise DeadlineError("approved_due_on", _("Kỳ báo cáo đã nộp; chỉ có thể từ chối."))
    new_due = approved_due_on or request.requested_due_on
    due = current_due(task, period)
    if due is not None and new_due <= due:
        raise DeadlineError(
            "approved_due_on",
            _(
                "Ngày gia hạn (%(new_due)s) phải sau thời hạn hiện tại (%(due)s).",
                new_due=_fmt(new_due),
                due=_fmt(due),
            ),
        )
    _refuse_past("approved_due_on", new_due, on)
    request.state = ExtensionState.APPROVED.value
    request.approved_due_on = new_due
    request.decision_note = (note or "").strip() or None
    _decided(request, user_id)
    if period is not None:
        period.due_on = new_due
    else:
        if task.original_due_on is None:
            task.original_due_on = task.due_on
        task.due_on = new_due
        task.updated_by_id = user_id
    db.session.flush()
    notify.extension_decided(request)
    return request


def refuse_extension(
    request: ExtensionRequest, *, note: str | None, user_id: int | None
) -> ExtensionRequest:
    """The office refuses, saying why (the agency sees the reason on the task)."""
    _check_pending(request)
    if not (note or "").strip():
        raise DeadlineError("note", _("Vui lòng nêu lý do từ chối."))
    request.state = ExtensionState.REFUSED.value
    request.decision_note = note.strip()
    _decided(request, user_id)
    db.session.flush()
    notify.extension_decided(request)
    return request


def _check_pending(request: ExtensionRequest) -> None:
    if request.state != ExtensionState.PENDING.value:
        raise DeadlineError("note", _("Đề nghị gia hạn này đã được xử lý."))


def _decided(request: ExtensionRequest, user_id: int | None) -> None:
    now = utcnow()
    request.decided_by_id = user_id
    request.decided_at = now
    request.decided_on = local_date(now)


def extension_counts() -> dict[str, int]:
    """How many requests are in each state (one GROUP BY)."""
    from sqlalchemy import func

    counts = {s.value: 0 for s in ExtensionState}
    for state, n in db.session.execute(
        select(ExtensionRequest.state, func.count()).group_by(ExtensionRequest.state)
    ):
        counts[state] = n
    return counts
