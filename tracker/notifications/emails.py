"""The event emails (Vietnamese, plain text + HTML), rendered once when queued, like the digest.

They share the digest's helpers (absolute links under TRACKER_BASE_URL, dd/mm/yyyy, weekday
names) and speak the default language whatever the language of the request that queued them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.deadlines.models import ExtensionState
from tracker.reminders.emails import WEEKDAYS, absolute_url, vn_day

#: an agency's part in a task, as the assignment email names it
ROLE_WORDS = {"lead": _l("chủ trì"), "co": _l("phối hợp"), "via": _l("tổng hợp, báo cáo")}

_SAMPLE_ID = 987_654_321

if TYPE_CHECKING:
    from tracker.agencies.models import Agency
    from tracker.auth.models import User
    from tracker.comments.models import TaskComment
    from tracker.deadlines.models import ExtensionRequest
    from tracker.directives.models import Directive
    from tracker.notifications.services import Assignment
    from tracker.subassign.models import SubAssignment
    from tracker.tasks.models import Task


def _render(name: str, **ctx: Any) -> tuple[str, str]:
    """The .txt and .html of `emails/<name>` in the default language (no request needed)."""
    from tracker.i18n import period_label

    context = {
        "province": current_app.config["TRACKER_PROVINCE"],
        "office_email": current_app.config.get("TRACKER_OFFICE_EMAIL"),
        "vn_day": vn_day,
        "weekday": lambda d: str(WEEKDAYS[d.weekday()]),
        "period_label": period_label,
        **ctx,
    }
    env = current_app.jinja_env
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return (
            env.get_template(f"emails/{name}.txt").render(**context),
            env.get_template(f"emails/{name}.html").render(**context),
        )


def _subject(text: str, **values: Any) -> str:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _(text, **values)


def render_assignment(
    agency: Agency, directive: Directive, items: list[Assignment]
) -> tuple[str, str, str]:
    """Subject, text and HTML of "giao nhiệm vụ": an agency's tasks of one directive.

    The words of each row (roles, weekday, link) are made here, once per distinct value: an
    import tells an agency of thousands of tasks, and translating them row by row in the
    templates was most of its time.
    """
    roles: dict[tuple[str, ...], str] = {}
    weekdays: dict[int, str] = {}
    # the link of one task with the id swapped in: the URL map is walked once, not per task
    sample = absolute_url("tasks.show", task_id=_SAMPLE_ID)
    rows = []
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for item in items:
            task = item.task
            key = tuple(item.roles)
            if key not in roles:
                roles[key] = ", ".join(str(ROLE_WORDS.get(r, ROLE_WORDS["via"])) for r in key)
            day = task.due_on.weekday() if task.due_on else None
            if day is not None and day not in weekdays:
                weekdays[day] = str(WEEKDAYS[day])
            rows.append(
                {
                    "task": task,
                    "roles": item.roles,
                    "roles_label": roles[key],
                    "weekday": weekdays.get(day, "") if day is not None else "",
                    "url": sample.replace(str(_SAMPLE_ID), str(task.id)),
                }
            )
    subject = _subject(
        "[Giao nhiệm vụ] %(agency)s: %(count)s nhiệm vụ tại văn bản số %(number)s",
        agency=agency.name,
        count=len(rows),
        number=directive.number,
    )
    text, html = _render(
        "assigned",
        agency=agency,
        directive=directive,
        rows=rows,
        tasks_url=absolute_url("tasks.index"),
    )
    return subject, text, html


def render_extension_decided(
    request: ExtensionRequest, agency: Agency | None
) -> tuple[str, str, str]:
    approved = request.state == ExtensionState.APPROVED.value
    task = request.task
    if approved:
        subject = _subject(
            "[Gia hạn] Chấp thuận gia hạn đến %(due)s: nhiệm vụ tại văn bản số %(number)s",
            due=vn_day(request.approved_due_on),
            number=task.directive.number,
        )
    else:
        subject = _subject(
            "[Gia hạn] Không chấp thuận đề nghị gia hạn: nhiệm vụ tại văn bản số %(number)s",
            number=task.directive.number,
        )
    text, html = _render(
        "extension_decided",
        agency=agency,
        request=request,
        task=task,
        approved=approved,
        url=absolute_url("tasks.show", task_id=task.id),
    )
    return subject, text, html


def render_extension_requested(
    request: ExtensionRequest, agency: Agency | None
) -> tuple[str, str, str]:
    task = request.task
    subject = _subject(
        "[Đề nghị gia hạn] %(agency)s đề nghị gia hạn đến %(due)s",
        agency=agency.name if agency else "",
        due=vn_day(request.requested_due_on),
    )
    text, html = _render(
        "extension_requested",
        agency=agency,
        request=request,
        task=task,
        url=absolute_url("tasks.show", task_id=task.id),
        decide_url=absolute_url("deadlines.extensions"),
    )
    return subject, text, html


def render_reopened(
    task: Task, agency: Agency | None, *, reason: str, period: str | None
) -> tuple[str, str, str]:
    subject = _subject(
        "[Trả lại] Nhiệm vụ tại văn bản số %(number)s được mở lại", number=task.directive.number
    )
    text, html = _render(
        "reopened",
        agency=agency,
        task=task,
        reason=reason,
        period=period,
        url=absolute_url("tasks.show", task_id=task.id),
    )
    return subject, text, html


def render_direction(
    comment: TaskComment, task: Task, agency: Agency | None
) -> tuple[str, str, str]:
    """Subject, text and HTML of "ý kiến chỉ đạo" sent to the task's lead agency."""
    author = comment.author
    subject = _subject(
        "[Ý kiến chỉ đạo] Nhiệm vụ tại văn bản số %(number)s", number=task.directive.number
    )
    text, html = _render(
        "direction",
        agency=agency,
        task=task,
        comment=comment,
        author=author.full_name if author else "",
        url=absolute_url("tasks.show", task_id=task.id),
    )
    return subject, text, html


def render_subassigned(
    row: SubAssignment, task: Task, by: User, assignee: User
) -> tuple[str, str, str]:
    """Subject, text and HTML of "giao xử lý" sent to the officer a task was handed to."""
    subject = _subject(
        "[Giao xử lý] Nhiệm vụ tại văn bản số %(number)s", number=task.directive.number
    )
    text, html = _render(
        "subassigned",
        row=row,
        task=task,
        by=by.full_name,
        assignee=assignee,
        url=absolute_url("tasks.show", task_id=task.id),
    )
    return subject, text, html
