"""The office's journal (nhật ký): every audit row, filtered, described and linked.

The audit log keeps raw values (an agency's id, "2025-09-20"); this module turns a page of rows
into what a clerk reads — who, when, what kind of object, which one (with a link to it), and
each changed field before and after — with the names it needs fetched in one statement per
kind, and writes the same rows as CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from tracker.agencies.models import Agency
from tracker.audit.models import AuditLog
from tracker.audit.notes import describe_note
from tracker.auth.models import User
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.i18n import format_datetime, parse_date
from tracker.reports.exports import BOM, csv_safe_text
from tracker.tasks.timeline import FIELD_LABELS, format_value
from tracker.timeutil import zone

#: the kinds of object the journal filters by, with their names on the page
KINDS: dict[str, Any] = {
    "task": _l("Nhiệm vụ"),
    "directive": _l("Văn bản chỉ đạo"),
    "agency": _l("Cơ quan, đơn vị"),
    "user_account": _l("Tài khoản"),
    "reporting_period": _l("Kỳ báo cáo"),
    "extension_request": _l("Đề nghị gia hạn"),
    "progress_update": _l("Báo cáo tiến độ"),
    "attachment": _l("Tệp đính kèm"),
    "setting": _l("Cài đặt"),
    "calendar_exception": _l("Lịch nghỉ, làm bù"),
    "outbox_email": _l("Thư đi"),
    "incoming_document": _l("Văn bản đến"),
    "task_subassignment": _l("Giao xử lý trong đơn vị"),
}

ACTIONS = {"create": _l("Tạo"), "update": _l("Sửa"), "delete": _l("Xóa")}

#: fields of the registry and the accounts, beyond the task fields the timeline names
EXTRA_LABELS = {
    "name": _l("Tên"),
    "short_name": _l("Tên viết tắt"),
    "kind": _l("Loại"),
    "aliases": _l("Tên gọi khác"),
    "contacts": _l("Thư điện tử nhận nhắc việc"),
    "head_email": _l("Thư điện tử của thủ trưởng"),
    "merged_into_id": _l("Đã sáp nhập vào"),
    "parent_id": _l("Cơ quan cấp trên"),
    "active": _l("Đang hoạt động"),
    "email": _l("Thư điện tử"),
    "full_name": _l("Họ và tên"),
    "role": _l("Vai trò"),
    "agency_id": _l("Cơ quan, đơn vị"),
    "locked_until": _l("Tạm khóa đến"),
    "number": _l("Số, ký hiệu"),
    "title": _l("Trích yếu"),
    "issued_on": _l("Ngày ban hành"),
    "issuer": _l("Người ký, cơ quan ban hành"),
    "key": _l("Mục cài đặt"),
    "value": _l("Giá trị"),
    "day": _l("Ngày"),
    "body": _l("Nội dung"),
    "filename": _l("Tên tệp"),
    "label": _l("Kỳ"),
    "reason": _l("Lý do"),
    "decision_note": _l("Ý kiến xử lý"),
    "status": _l("Trạng thái"),
}

#: copies kept for searching and machine columns: noise in a journal
HIDDEN_FIELDS = frozenset(
    {"id", "name_folded", "full_name_folded", "search_text", "full_text", "stored_name"}
)

#: fields holding an agency's id, shown by the agency's name
AGENCY_ID_FIELDS = frozenset(
    {"lead_agency_id", "via_agency_id", "merged_into_id", "parent_id", "agency_id"}
)

#: a setting's key → the page where the office changes it
SETTING_PAGES = {
    "reminders.": "reminders.settings",
    "reports.": "reports.settings",
    "periods.": "deadlines.period_settings",
}

PER_PAGE = 50


@dataclass
class JournalFilters:
    """The journal's filters, read from the query string; a bad value is dropped with a note."""

    kind: str = ""
    object_id: int | None = None
    #: a user's id, or "system" for what the scheduler and the command line did
    user: str = ""
    date_from: date | None = None
    date_to: date | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> JournalFilters:
        f = cls()
        kind = (args.get("kind") or "").strip()
        if kind in KINDS:
            f.kind = kind
        elif kind:
            f.warnings.append(_("Loại đối tượng “%(kind)s” không có, đã bỏ qua.", kind=kind))
        text = (args.get("object") or "").strip().lstrip("#")
        if text:
            if text.isdigit() and int(text) < 2**31:
                f.object_id = int(text)
            else:
                f.warnings.append(_("Mã đối tượng phải là một số: “%(text)s”.", text=text))
        user = (args.get("user") or "").strip()
        if user == "system" or (user.isdigit() and int(user) < 2**31):
            f.user = user
        elif user:
            f.warnings.append(_("Người thực hiện không hợp lệ, đã bỏ qua."))
        for name in ("date_from", "date_to"):
            text = (args.get(name) or "").strip()
            if not text:
                continue
            try:
                setattr(f, name, parse_date(text))
            except ValueError:
                f.warnings.append(
                    _(
                        "Ngày “%(text)s” không hợp lệ. Nhập theo dạng dd/mm/yyyy, "
                        "ví dụ 15/08/2025.",
                        text=text,
                    )
                )
        return f

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for the export link and the pages)."""
        values = {
            "kind": self.kind,
            "object": str(self.object_id) if self.object_id is not None else "",
            "user": self.user,
            "date_from": self.date_from.strftime("%d/%m/%Y") if self.date_from else "",
            "date_to": self.date_to.strftime("%d/%m/%Y") if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}

    def statement(self) -> Select:
        """The audit rows these filters keep, newest first."""
        stmt = select(AuditLog)
        if self.kind == "task" and self.object_id is not None:
            # a task's journal includes its periods, requests, files and updates
            stmt = stmt.where(AuditLog.task_id == self.object_id)
        else:
            if self.kind:
                stmt = stmt.where(AuditLog.entity == self.kind)
            if self.object_id is not None:
                stmt = stmt.where(AuditLog.entity_id == self.object_id)
        if self.user == "system":
            stmt = stmt.where(AuditLog.user_id.is_(None))
        elif self.user:
            stmt = stmt.where(AuditLog.user_id == int(self.user))
        tz = zone()
        if self.date_from:
            start = datetime.combine(self.date_from, time.min, tz)
            stmt = stmt.where(AuditLog.at >= start)
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, tz)
            stmt = stmt.where(AuditLog.at < end)
        return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class JournalRow:
    """One audit row as the journal shows it."""

    id: int
    at: datetime
    user: str
    action: str
    kind: str
    entity: str
    entity_id: int | None
    target: str
    url: str | None
    changes: list[ChangeLine]
    note: str | None


def _names(model: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _lookups(entries: list[AuditLog]) -> dict[str, dict[int, str]]:
    """The names every row of the page needs, one statement per kind of object."""
    agency_ids: set[int] = set()
    user_ids: set[int] = set()
    directive_ids: set[int] = set()
    for entry in entries:
        if entry.user_id:
            user_ids.add(entry.user_id)
        if entry.entity_id is not None:
            {"agency": agency_ids, "user_account": user_ids, "directive": directive_ids}.get(
                entry.entity, set()
            ).add(entry.entity_id)
        for key, pair in (entry.changes or {}).items():
            if key in AGENCY_ID_FIELDS and isinstance(pair, list | tuple):
                agency_ids.update(v for v in pair if isinstance(v, int))
    return {
        "agency": _names(Agency, Agency.name, agency_ids),
        "user_account": _names(User, User.full_name, user_ids),
        "directive": _names(Directive, Directive.number, directive_ids),
    }


def _value(entity: str, key: str, value: Any, agencies: dict[int, str]) -> str:
    if key in AGENCY_ID_FIELDS and isinstance(value, int):
        return agencies.get(value, f"#{value}")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return format_value(entity, key, value, agencies)


def _changes(entry: AuditLog, agencies: dict[int, str]) -> list[ChangeLine]:
    lines = []
    for key, pair in (entry.changes or {}).items():
        if key in HIDDEN_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        label = FIELD_LABELS.get(key) or EXTRA_LABELS.get(key) or key
        lines.append(
            ChangeLine(
                label=str(label),
                before=_value(entry.entity, key, pair[0], agencies),
                after=_value(entry.entity, key, pair[1], agencies),
            )
        )
    return lines


def _recorded(entry: AuditLog, key: str) -> Any:
    """A field's value as the row recorded it (after a change, or before a delete)."""
    pair = (entry.changes or {}).get(key)
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return pair[1] if pair[1] is not None else pair[0]
    return None


def _target(entry: AuditLog, names: dict[str, dict[int, str]]) -> tuple[str, str | None]:
    """What the row changed, and the page where it is (None when there is none any more)."""
    entity, oid = entry.entity, entry.entity_id
    gone = entry.action == "delete"
    if entity == "task":
        label = _("Nhiệm vụ #%(id)s", id=oid)
        return label, None if gone else url_for("tasks.show", task_id=oid)
    if entity == "agency":
        label = names["agency"].get(oid) or str(_recorded(entry, "name") or f"#{oid}")
        return label, None if gone else url_for("agencies.edit", agency_id=oid)
    if entity == "user_account":
        label = names["user_account"].get(oid) or str(_recorded(entry, "email") or f"#{oid}")
        return label, None if gone else url_for("auth.user_edit", user_id=oid)
    if entity == "directive":
        label = names["directive"].get(oid) or str(_recorded(entry, "number") or f"#{oid}")
        return label, None if gone else url_for("directives.show", directive_id=oid)
    if entity == "setting":
        key = entry.entity_key or str(_recorded(entry, "key") or "")
        page = next((p for prefix, p in SETTING_PAGES.items() if key.startswith(prefix)), None)
        return key, url_for(page) if page else None
    if entity == "outbox_email":
        return _("Thư #%(id)s", id=oid), url_for("reminders.outbox_show", email_id=oid)
    if entity == "incoming_document":
        label = _("Văn bản đến #%(id)s", id=oid)
        number = _recorded(entry, "number")
        return (f"{label} ({number})" if number else label), url_for("inbox.show", incoming_id=oid)
    if entity == "calendar_exception":
        day = _recorded(entry, "day")
        return str(day or f"#{oid}"), url_for("deadlines.calendar")
    # parts of a task: a period, an extension request, a file, a progress update
    kind = str(KINDS.get(entity, entity))
    if entry.task_id:
        label = _("%(kind)s #%(id)s của nhiệm vụ #%(task)s", kind=kind, id=oid, task=entry.task_id)
        return label, url_for("tasks.show", task_id=entry.task_id)
    return f"{kind} #{oid}", None


def describe(entries: list[AuditLog]) -> list[JournalRow]:
    """The rows of one page, ready to show."""
    names = _lookups(entries)
    rows = []
    for entry in entries:
        target, url = _target(entry, names)
        rows.append(
            JournalRow(
                id=entry.id,
                at=entry.at,
                user=names["user_account"].get(entry.user_id, f"#{entry.user_id}")
                if entry.user_id
                else _("Hệ thống"),
                action=str(ACTIONS.get(entry.action, entry.action)),
                kind=str(KINDS.get(entry.entity, entry.entity)),
                entity=entry.entity,
                entity_id=entry.entity_id,
                target=target,
                url=url,
                changes=_changes(entry, names["agency"]),
                note=describe_note(entry.note),
            )
        )
    return rows


CSV_HEADER = [
    "Thời điểm",
    "Người thực hiện",
    "Thao tác",
    "Loại đối tượng",
    "Đối tượng",
    "Mã",
    "Nội dung thay đổi",
    "Ghi chú",
]


def _csv_text(rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else csv_safe_text(str(v)) for v in row])
    return out.getvalue()


def journal_csv(filters: JournalFilters, chunk: int = 500) -> Iterator[bytes]:
    """Stream the filtered journal as CSV (UTF-8 with BOM, formulas defused), in chunks."""
    yield (BOM + _csv_text([CSV_HEADER])).encode("utf-8")
    result = db.session.execute(filters.statement().execution_options(yield_per=chunk))
    for entries in result.scalars().partitions():
        lines = []
        for row in describe(list(entries)):
            changes = "; ".join(f"{c.label}: {c.before} → {c.after}" for c in row.changes)
            lines.append(
                [
                    format_datetime(row.at),
                    row.user,
                    row.action,
                    row.kind,
                    row.target,
                    row.entity_id,
                    changes,
                    row.note,
                ]
            )
        yield _csv_text(lines).encode("utf-8")
