"""The task page's timeline (diễn biến): progress updates, recorded changes and other features'
events, newest first.

The audit log stores raw column values ("pending", "2025-09-20", an agency's id) so that it stays
exact; this module turns them into what a reader of the page understands: the Vietnamese label of
a state or a cadence, dates as dd/mm/yyyy, agencies by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, select

from tracker.agencies.models import Agency
from tracker.audit.models import AuditLog
from tracker.audit.notes import describe_note
from tracker.dbtypes import UTCDateTime
from tracker.deadlines.models import ExtensionState
from tracker.extensions import db
from tracker.i18n import format_date, format_datetime
from tracker.tasks.models import Task
from tracker.web import cadence_label

#: the recorded fields the timeline shows, with their names on the page
FIELD_LABELS = {
    "content": _l("Nội dung"),
    "lead_agency_id": _l("Đơn vị chủ trì"),
    "co_agencies": _l("Đơn vị phối hợp"),
    "via_agency_id": _l("Báo cáo qua"),
    "via_due_on": _l("Hạn đơn vị tổng hợp báo cáo"),
    "via_done_on": _l("Ngày đơn vị tổng hợp gửi báo cáo"),
    "report_number": _l("Số văn bản báo cáo"),
    "report_date": _l("Ngày văn bản báo cáo"),
    "due_on": _l("Thời hạn"),
    "original_due_on": _l("Thời hạn ban đầu"),
    "cadence": _l("Chế độ báo cáo"),
    "done_on": _l("Ngày hoàn thành"),
    "done_report_number": _l("Số văn bản báo cáo"),
    "done_report_date": _l("Ngày văn bản báo cáo"),
    "done_note": _l("Ghi chú hoàn thành"),
    "cancelled_on": _l("Ngày dừng/hủy"),
    "cancel_reason": _l("Lý do dừng/hủy"),
    "reminders_paused": _l("Tạm dừng nhắc việc"),
    "state": _l("Trạng thái"),
    "approved_due_on": _l("Hạn được gia hạn"),
    # acceptance (tracker.acceptance, issue 16)
    "submitted_on": _l("Ngày báo cáo hoàn thành (chờ xác nhận)"),
    "accepted_on": _l("Ngày Văn phòng xác nhận"),
    "excused_on": _l("Ngày xác định do nguyên nhân khách quan"),
    "excused_reason": _l("Nguyên nhân khách quan"),
    "requested_due_on": _l("Hạn đề nghị"),
    # a task's chỉ tiêu and checklist (tracker.targets)
    "label": _l("Chỉ tiêu"),
    "achieved": _l("Kết quả đạt"),
    "text": _l("Việc cần làm"),
    "assignee_label": _l("Giao xử lý cho"),
    "assign_note": _l("Ghi chú giao xử lý"),
    "internal_due_on": _l("Hạn xử lý nội bộ"),
}

#: fields holding an agency's id: shown by the agency's name
AGENCY_FIELDS = frozenset({"lead_agency_id", "via_agency_id"})


@dataclass(frozen=True)
class Change:
    """One changed field of an audit entry, ready to show: label, before, after."""

    label: str
    before: str
    after: str


def _state_label(value: str) -> str:
    try:
        return _(ExtensionState(value).label)
    except ValueError:
        return value


def _claim_state_label(value: str) -> str:
    from tracker.acceptance.models import ClaimState

    try:
        return _(ClaimState(value).label)
    except ValueError:
        return value


#: fields whose stored value is a code with a human label (per table, since "state" or
#: "cadence" could mean something else in another table)
_CODE_LABELS = {
    ("extension_request", "state"): _state_label,
    ("completion_claim", "state"): _claim_state_label,
    ("task", "cadence"): lambda value: str(cadence_label(value)),
}


def _column_type(entity: str, key: str) -> Any:
    table = db.metadata.tables.get(entity)
    column = table.c.get(key) if table is not None else None
    return column.type if column is not None else None


def format_value(entity: str, key: str, value: Any, agency_names: dict[int, str]) -> str:
    """A stored audit value as the page shows it ("—" for none)."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if key in AGENCY_FIELDS and isinstance(value, int):
        return agency_names.get(value, f"#{value}")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    label = _CODE_LABELS.get((entity, key))
    if label is not None:
        return label(value)
    column_type = _column_type(entity, key)
    try:
        if isinstance(column_type, UTCDateTime):
            return format_datetime(datetime.fromisoformat(value))
        if isinstance(column_type, Date):
            return format_date(date.fromisoformat(value))
    except (TypeError, ValueError):
        pass  # not what the column holds today: show it as stored
    return str(value)


def describe_changes(entry: AuditLog, agency_names: dict[int, str]) -> list[Change]:
    """The shown fields of one audit entry, in the order they were recorded."""
    return [
        Change(
            label=str(FIELD_LABELS[key]),
            before=format_value(entry.entity, key, pair[0], agency_names),
            after=format_value(entry.entity, key, pair[1], agency_names),
        )
        for key, pair in (entry.changes or {}).items()
        if key in FIELD_LABELS and isinstance(pair, list | tuple) and len(pair) == 2
    ]


def _agency_names(entries: list[AuditLog]) -> dict[int, str]:
    """The names of every agency the entries mention, in one statement."""
    ids = {
        value
        for entry in entries
        for key, pair in (entry.changes or {}).items()
        if key in AGENCY_FIELDS and isinstance(pair, list | tuple)
        for value in pair
        if isinstance(value, int)
    }
    if not ids:
        return {}
    return dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())


def build_timeline(task: Task) -> list[dict]:
    """Progress updates, completion and recorded changes, newest first."""
    events = []
    for update in task.progress_updates:
        events.append({"at": update.created_at, "kind": "progress", "item": update})
    entries = [
        entry
        for entry in db.session.execute(
            select(AuditLog).where(AuditLog.task_id == task.id).order_by(AuditLog.at)
        ).scalars()
        # shown as themselves (the updates here, the posts in the conversation, the reminder
        # letters that listed the task through their hook)
        if entry.entity not in ("progress_update", "task_comment", "reminder_letter_item")
    ]
    names = _agency_names(entries)
    for entry in entries:
        events.append(
            {
                "at": entry.at,
                "kind": "audit",
                "item": entry,
                "changes": describe_changes(entry, names),
                "note": describe_note(entry.note),
            }
        )
    # other features add their events (reminders sent, …) through app.extensions
    for hook in current_app.extensions.get("task_timeline_hooks", ()):
        events.extend(hook(task))
    events.sort(key=lambda e: e["at"], reverse=True)
    return events
