"""Models → JSON objects of the API (the shapes are described in `tracker.api.spec`)."""

from datetime import date, datetime
from typing import Any

from tracker.agencies.models import Agency
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.deadlines.status import status_as_of
from tracker.directives.models import Directive
from tracker.files.models import Attachment
from tracker.tasks.models import ProgressUpdate, Task


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def agency(row: Agency) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "active": row.active,
    }


def _agency_ref(row: Agency | None) -> dict[str, Any] | None:
    return None if row is None else {"id": row.id, "name": row.name}


def directive(row: Directive) -> dict[str, Any]:
    return {
        "id": row.id,
        "number": row.number,
        "year": row.year,
        "kind": row.kind,
        "issued_on": _d(row.issued_on),
        "issuer": row.issuer,
        "title": row.title,
    }


def task_summary(
    task: Task, as_of: date, status: str | None = None, line: Any = None
) -> dict[str, Any]:
    """A task as the list shows it: its state as of `as_of` and the one lead agency.

    With its `line` (tracker.deadlines.obligations.task_lines) the state is the one the task
    list shows — a recurring task's worst open period — and the task's obligations are listed,
    each with its own state, so a filter on a state is explained by at least one of them.
    """
    if line is not None:
        status = line.status.value
    if status is None:
        status = status_as_of(
            as_of,
            due_on=task.due_on,
            done_on=task.done_on,
            cancelled_on=task.cancelled_on,
            submitted_on=task.submitted_on,
            accepted_on=task.accepted_on,
        ).value
    summary = _task_fields(task, status)
    if line is not None:
        summary["obligations"] = [
            {
                "kind": row.kind,
                "period_id": row.period_id,
                "period": row.period_label,
                "agency_id": row.agency_id,
                "due_on": _d(row.due_on),
                "status": str(row.status),
            }
            for row in line.obligations
        ]
    return summary


def _task_fields(task: Task, status: str) -> dict[str, Any]:
    return {
        "id": task.id,
        "directive_id": task.directive_id,
        "directive_number": task.directive.number,
        "content": task.content,
        "lead_agency": _agency_ref(task.lead_agency),
        "due_on": _d(task.due_on),
        "original_due_on": _d(task.original_due_on),
        "cadence": task.cadence,
        "status": str(status),
        "done_on": _d(task.done_on),
        "cancelled_on": _d(task.cancelled_on),
    }


def progress(row: ProgressUpdate) -> dict[str, Any]:
    return {
        "id": row.id,
        "task_id": row.task_id,
        "period_id": row.period_id,
        "agency_id": row.agency_id,
        "body": row.body,
        "created_at": _dt(row.created_at),
    }


def period(row: ReportingPeriod) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "label": row.label,
        "starts_on": _d(row.starts_on),
        "ends_on": _d(row.ends_on),
        "due_on": _d(row.due_on),
        "done_on": _d(row.done_on),
        "report_number": row.report_number,
    }


def extension(row: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "task_id": row.task_id,
        "period_id": row.period_id,
        "state": row.state,
        "previous_due_on": _d(row.previous_due_on),
        "requested_due_on": _d(row.requested_due_on),
        "approved_due_on": _d(row.approved_due_on),
        "reason": row.reason,
        "decision_note": row.decision_note,
        "requested_at": _dt(row.requested_at),
        "decided_at": _dt(row.decided_at),
    }


def task_detail(
    task: Task, as_of: date, periods: list[ReportingPeriod], extensions: list[ExtensionRequest]
) -> dict[str, Any]:
    data = task_summary(task, as_of)
    data.update(
        {
            "co_agencies": [_agency_ref(a) for a in task.co_agencies],
            "via_agency": _agency_ref(task.via_agency),
            "via_due_on": _d(task.via_due_on),
            "done_report_number": task.done_report_number,
            "done_report_date": _d(task.done_report_date),
            "periods": [period(p) for p in periods],
            "progress_updates": [progress(u) for u in task.progress_updates],
            "extension_requests": [extension(e) for e in extensions],
        }
    )
    return data


def attachment(row: Attachment) -> dict[str, Any]:
    from flask import url_for

    return {
        "id": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "progress_update_id": row.progress_update_id,
        "period_id": row.period_id,
        "uploaded_at": _dt(row.uploaded_at),
        "url": url_for("api.attachment", attachment_id=row.id),
    }


def incoming(row, duplicates) -> dict[str, Any]:
    """An incoming document (tracker.inbox) with what else carries its number this year."""
    from flask import url_for

    return {
        "id": row.id,
        "number": row.number,
        "year": row.year,
        "issued_on": _d(row.issued_on),
        "title": row.title,
        "issuer": row.issuer,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "state": row.state,
        "source": row.source,
        "received_at": _dt(row.received_at),
        "directive_id": row.directive_id,
        "duplicate": bool(duplicates),
        "duplicate_directive_ids": [d.id for d in duplicates.directives],
        "duplicate_incoming_ids": [d.id for d in duplicates.incoming],
        "url": url_for("inbox.show", incoming_id=row.id, _external=True),
    }
