"""What the task page shows about acceptance (not a view: the task page's view reads it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from tracker.acceptance import services
from tracker.acceptance.forms import ReturnForm
from tracker.acceptance.models import ClaimState
from tracker.auth.models import User
from tracker.deadlines import services as deadlines
from tracker.deadlines.obligations import task_lines
from tracker.i18n import format_date
from tracker.tasks.models import Task


def task_panel(task: Task, user: User, as_of: date) -> dict[str, Any]:
    """The pending reports (with the office's buttons), the excused obligations, and whether
    the office may excuse the task's own deadline."""
    claims = services.claims_of(task)
    overdue_periods = []
    own_unmet = False
    if user.is_office:
        if task.is_recurring:
            overdue_periods = [
                p
                for p in task.periods  # type: ignore[attr-defined]  (backref)
                if p.excused_on is None
                and deadlines.period_status(p, as_of) in services.UNMET
                and p.starts_on <= as_of
            ]
        else:
            own_unmet = task_lines([task], as_of)[task.id].status in services.UNMET
    return {
        "overdue_periods": overdue_periods,
        "can_excuse_task": own_unmet or bool(overdue_periods),
        "pending": [c for c in claims if c.state == ClaimState.PENDING.value],
        "can_decide": user.is_office,
        "return_form": ReturnForm(),
        "excused": [
            {"label": p.label, "period_id": p.id, "on": p.excused_on, "reason": p.excused_reason}
            for p in getattr(task, "periods", [])
            if p.excused_on is not None
        ],
    }


def timeline_events(task: Task) -> list[dict]:
    """Every report and decision, as timeline lines (hooked into the task page)."""
    events = []
    for claim in services.claims_of(task):
        period = f" ({claim.period.label})" if claim.period is not None else ""
        who = claim.submitted_by.full_name if claim.submitted_by else _("Đơn vị")
        events.append(
            {
                "at": claim.submitted_at,
                "kind": "acceptance",
                "text": _(
                    "%(who)s báo cáo hoàn thành%(period)s ngày %(day)s, văn bản %(number)s: "
                    "chờ xác nhận.",
                    who=who,
                    period=period,
                    day=format_date(claim.reported_on),
                    number=claim.report_number,
                ),
            }
        )
        if claim.decided_at is None:
            continue
        by = claim.decided_by.full_name if claim.decided_by else _("Văn phòng")
        if claim.state == ClaimState.ACCEPTED.value:
            text = _("%(who)s xác nhận hoàn thành%(period)s.", who=by, period=period)
        else:
            text = _(
                "%(who)s trả lại báo cáo hoàn thành%(period)s. Lý do: %(reason)s",
                who=by,
                period=period,
                reason=claim.reason or "",
            )
        events.append({"at": claim.decided_at, "kind": "acceptance", "text": text})
    return events
