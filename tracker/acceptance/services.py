"""The writes of acceptance: report a completion, accept it, return it, excuse an obligation.

Views (web and API) call these and commit; nothing here commits. The task or period row holds
the current state (``submitted_on``, ``accepted_on``, ``excused_on``), which the state rules of
`tracker.deadlines.status` read; each report and decision is also a `CompletionClaim` row, so
the task's timeline shows every step. Every row written is audited (``__audited__``).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.acceptance.models import ClaimState, CompletionClaim
from tracker.auth.models import User
from tracker.deadlines import services as deadlines
from tracker.deadlines.models import ReportingPeriod
from tracker.deadlines.status import Status
from tracker.extensions import db
from tracker.notifications import services as notify
from tracker.settings import get_setting, set_setting
from tracker.tasks import services as tasks
from tracker.tasks.models import Task
from tracker.timeutil import today, utcnow

#: the office setting: whether an agency's completion waits for the office's acceptance
SETTING_KEY = "acceptance_required"


class AcceptanceError(ValueError):
    """Refused input, with the form field it concerns and a Vietnamese message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# -- the setting ---------------------------------------------------------------------------


def acceptance_required() -> bool:
    """On unless the office turned it off. The code default is the app's
    ``ACCEPTANCE_REQUIRED_DEFAULT`` (True; the older tests run with it off)."""
    default = current_app.config.get("ACCEPTANCE_REQUIRED_DEFAULT", True)
    return bool(get_setting(SETTING_KEY, default))


def set_acceptance_required(value: bool) -> None:
    """Store the office's choice (audited: `Setting` is)."""
    set_setting(SETTING_KEY, bool(value))
    db.session.flush()


def needs_acceptance(user: User | None) -> bool:
    """An agency officer's report waits for the office; the office's own report does not."""
    return acceptance_required() and user is not None and not user.is_office


# -- reporting a completion ----------------------------------------------------------------


def pending_claim(task: Task, period: ReportingPeriod | None = None) -> CompletionClaim | None:
    """The report of this task (or period) the office has not decided yet."""
    return db.session.execute(
        select(CompletionClaim).where(
            CompletionClaim.task_id == task.id,
            CompletionClaim.period_id.is_(None)
            if period is None
            else CompletionClaim.period_id == period.id,
            CompletionClaim.state == ClaimState.PENDING.value,
        )
    ).scalar_one_or_none()


def _check(
    task: Task,
    target: Task | ReportingPeriod,
    *,
    done_on: date | None,
    report_number: str | None,
    report_date: date | None,
) -> date:
    """The checks `complete_task` / `submit_period` make, with their messages."""
    if target.done_on is not None:
        raise AcceptanceError("done_on", _("Nhiệm vụ đã được đánh dấu hoàn thành."))
    if target.submitted_on is not None:
        raise AcceptanceError(
            "done_on", _("Đã báo cáo hoàn thành, đang chờ Văn phòng UBND tỉnh xác nhận.")
        )
    if task.cancelled_on is not None:
        raise AcceptanceError("done_on", _("Nhiệm vụ đã dừng/hủy."))
    local_today = today()
    done_on = done_on or local_today
    if done_on > local_today:
        raise AcceptanceError("done_on", _("Ngày hoàn thành không được sau hôm nay."))
    if not (report_number or "").strip():
        raise AcceptanceError("report_number", _("Vui lòng nhập số văn bản báo cáo kết quả."))
    if report_date and report_date > local_today:
        raise AcceptanceError("report_date", _("Ngày văn bản báo cáo không được sau hôm nay."))
    return done_on


def report_done(
    task: Task,
    period: ReportingPeriod | None = None,
    *,
    done_on: date | None,
    report_number: str | None,
    report_date: date | None,
    note: str | None,
    user: User | None,
    require: bool | None = None,
) -> CompletionClaim | None:
    """The "hoàn thành" of a task (or of one period): done at once when no acceptance is
    needed (`needs_acceptance`), else a pending `CompletionClaim` and the task (period) in
    chờ xác nhận from today. Returns the claim, or None when it was recorded as done.
    ``require`` overrides `needs_acceptance` (the demo and test worlds)."""
    user_id = user.id if user is not None else None
    if not (needs_acceptance(user) if require is None else require):
        if pending_claim(task, period) is not None:
            raise AcceptanceError(
                "done_on",
                _("Đơn vị đã báo cáo hoàn thành: xác nhận hoặc trả lại báo cáo đang chờ."),
            )
        try:
            if period is None:
                tasks.complete_task(
                    task,
                    done_on=done_on,
                    report_number=report_number,
                    report_date=report_date,
                    note=note,
                    user_id=user_id,
                )
            else:
                deadlines.submit_period(
                    period,
                    report_number=report_number,
                    report_date=report_date,
                    done_on=done_on,
                    note=note,
                    user_id=user_id,
                )
        except (tasks.TaskError, deadlines.DeadlineError) as error:
            raise AcceptanceError(error.field, str(error)) from error
        return None
    target = task if period is None else period
    reported_on = _check(
        task, target, done_on=done_on, report_number=report_number, report_date=report_date
    )
    claim = CompletionClaim(
        task=task,
        period=period,
        reported_on=reported_on,
        report_number=(report_number or "").strip()[:100],
        report_date=report_date,
        note=(note or "").strip() or None,
        submitted_by_id=user_id,
        state=ClaimState.PENDING.value,
    )
    db.session.add(claim)
    target.submitted_on = today()
    db.session.flush()
    agency = user.agency.name if user is not None and user.agency is not None else ""
    notify.completion_submitted(
        task,
        period_label=period.label if period is not None else None,
        agency=agency,
        key=f"submitted:{claim.id}",
    )
    return claim


# -- the office's decision -----------------------------------------------------------------


def _check_pending(claim: CompletionClaim) -> None:
    if claim.state != ClaimState.PENDING.value:
        raise AcceptanceError(
            "reason", _("Báo cáo này đã được xử lý (%(state)s).", state=_(claim.state_label))
        )


def accept(claim: CompletionClaim, *, user_id: int | None) -> CompletionClaim:
    """Xác nhận: the task (period) is done on the agency's report date, counted from today."""
    _check_pending(claim)
    task, period = claim.task, claim.period
    target = task if period is None else period
    submitted_on = target.submitted_on
    try:
        if period is None:
            tasks.complete_task(
                task,
                done_on=claim.reported_on,
                report_number=claim.report_number,
                report_date=claim.report_date,
                note=claim.note,
                user_id=claim.submitted_by_id,
            )
        else:
            deadlines.submit_period(
                period,
                report_number=claim.report_number,
                report_date=claim.report_date,
                done_on=claim.reported_on,
                note=claim.note,
                user_id=claim.submitted_by_id,
            )
    except (tasks.TaskError, deadlines.DeadlineError) as error:
        raise AcceptanceError("reason", str(error)) from error
    target.submitted_on = submitted_on or today()
    target.accepted_on = today()
    claim.state = ClaimState.ACCEPTED.value
    claim.decided_by_id = user_id
    claim.decided_at = utcnow()
    db.session.flush()
    return claim


def return_claim(claim: CompletionClaim, *, reason: str | None, user_id: int | None) -> None:
    """Trả lại: not accepted, with the reason; the task (period) is open again and the agency
    is told (in its list and by email, through the outbox)."""
    _check_pending(claim)
    if not (reason or "").strip():
        raise AcceptanceError("reason", _("Vui lòng nêu lý do trả lại."))
    target = claim.task if claim.period is None else claim.period
    target.submitted_on = None
    claim.state = ClaimState.RETURNED.value
    claim.reason = reason.strip()
    claim.decided_by_id = user_id
    claim.decided_at = utcnow()
    db.session.flush()
    notify.completion_returned(
        claim.task,
        period_label=claim.period.label if claim.period is not None else None,
        reason=claim.reason,
        key=f"returned:{claim.id}",
    )


# -- objective cause -----------------------------------------------------------------------

#: the states of an unmet obligation, which the office may excuse
UNMET = (Status.OPEN_OVERDUE, Status.DONE_LATE)


def excuse(
    task: Task, period: ReportingPeriod | None = None, *, reason: str | None, state: Status
) -> None:
    """Mark an unmet obligation "do nguyên nhân khách quan" (from today), with the reason;
    ``state`` is its state today (the caller computes it with the deadline rules)."""
    target = task if period is None else period
    if not (reason or "").strip():
        raise AcceptanceError("reason", _("Vui lòng nêu nguyên nhân khách quan."))
    if target.excused_on is not None:
        raise AcceptanceError("reason", _("Đã được xác định do nguyên nhân khách quan."))
    if state not in UNMET:
        raise AcceptanceError(
            "reason",
            _("Chỉ nhiệm vụ quá hạn (chưa hoàn thành hoặc hoàn thành quá hạn) mới được xác định."),
        )
    target.excused_on = today()
    target.excused_reason = reason.strip()
    db.session.flush()


def unexcuse(task: Task, period: ReportingPeriod | None = None) -> None:
    """Take the mark back (the obligation counts in the rates again)."""
    target = task if period is None else period
    if target.excused_on is None:
        raise AcceptanceError("reason", _("Chưa được xác định do nguyên nhân khách quan."))
    target.excused_on = None
    target.excused_reason = None
    db.session.flush()


# -- reading -------------------------------------------------------------------------------


def pending_count() -> int:
    """How many reports wait for the office (the navigation's count)."""
    return db.session.scalar(
        select(func.count())
        .select_from(CompletionClaim)
        .where(CompletionClaim.state == ClaimState.PENDING.value)
    )


def pending_claims() -> list[CompletionClaim]:
    """The office's "Chờ xác nhận" list, oldest first (first come, first served)."""
    return list(
        db.session.execute(
            select(CompletionClaim)
            .where(CompletionClaim.state == ClaimState.PENDING.value)
            .options(
                selectinload(CompletionClaim.task).selectinload(Task.lead_agency),
                selectinload(CompletionClaim.task).selectinload(Task.directive),
                selectinload(CompletionClaim.period),
                selectinload(CompletionClaim.submitted_by),
            )
            .order_by(CompletionClaim.submitted_at, CompletionClaim.id)
        ).scalars()
    )


def claims_of(task: Task) -> list[CompletionClaim]:
    """Every report of a task and of its periods, oldest first (the timeline, the panel)."""
    return list(
        db.session.execute(
            select(CompletionClaim)
            .where(CompletionClaim.task_id == task.id)
            .options(
                selectinload(CompletionClaim.period),
                selectinload(CompletionClaim.submitted_by),
                selectinload(CompletionClaim.decided_by),
            )
            .order_by(CompletionClaim.submitted_at, CompletionClaim.id)
        ).scalars()
    )
