"""Queueing webhook events, and the office's writes on endpoints (the callers commit).

`emit` is called by the services that make the write (tracker.notifications' producers, the
task service's completion), inside their transaction: a rolled-back save queues nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import or_, select

from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.reminders.models import OutboxStatus
from tracker.timeutil import utcnow
from tracker.webhooks.models import EVENTS, EndpointKind, WebhookDelivery, WebhookEndpoint


class WebhookError(ValueError):
    """Bad input for an endpoint (Vietnamese message, with the field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# -- payloads --------------------------------------------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _link(endpoint: str, **values: Any) -> str:
    from tracker.reminders.emails import absolute_url

    return absolute_url(endpoint, **values)


def agency_data(agency: Agency | None) -> dict[str, Any] | None:
    return {"id": agency.id, "name": agency.name} if agency is not None else None


def directive_data(directive: Any) -> dict[str, Any]:
    return {
        "id": directive.id,
        "number": directive.number,
        "title": directive.title,
        "issued_on": _iso(directive.issued_on),
        "url": _link("directives.show", directive_id=directive.id),
    }


def task_data(task: Any) -> dict[str, Any]:
    return {
        "id": task.id,
        "content": task.content,
        "due_on": _iso(task.due_on),
        "done_on": _iso(task.done_on),
        "lead_agency": agency_data(task.lead_agency),
        "url": _link("tasks.show", task_id=task.id),
    }


# -- the gateway's short text ------------------------------------------------------------------


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gateway_text(event: str, data: dict[str, Any]) -> str:
    """A short Vietnamese sentence for an SMS/Zalo gateway (not translated: the receivers are
    Vietnamese phones)."""
    task = data.get("task") or {}
    directive = data.get("directive") or {}
    number = directive.get("number", "")
    content = _clip(task.get("content", ""))
    due = _day(task.get("due_on"))
    agency = (data.get("agency") or task.get("lead_agency") or {}).get("name", "")
    url = task.get("url") or directive.get("url", "")
    if event == "task.assigned":
        text = f"[Giao nhiệm vụ] {agency}: {content} (VB {number}), hạn {due or 'không có'}."
    elif event == "task.due_soon":
        text = f"[Sắp đến hạn] {agency}: {content} (VB {number}), hạn {due}."
    elif event == "task.overdue":
        text = f"[Quá hạn] {agency}: {content} (VB {number}), hạn {due}."
    elif event == "task.completed":
        text = f"[Hoàn thành] {agency}: {content} (VB {number})."
    elif event == "extension.requested":
        new = _day((data.get("extension") or {}).get("requested_due_on"))
        text = f"[Xin gia hạn] {agency} xin gia hạn đến {new}: {content} (VB {number})."
    elif event == "extension.decided":
        ext = data.get("extension") or {}
        if ext.get("state") == "approved":
            text = f"[Gia hạn] Đồng ý gia hạn đến {_day(ext.get('approved_due_on'))}: {content}."
        else:
            text = f"[Gia hạn] Không đồng ý gia hạn: {content}."
    else:  # directive.created
        count = data.get("task_count", 0)
        text = f"[Văn bản mới] {number}: {_clip(directive.get('title', ''))} ({count} nhiệm vụ)."
    return f"{text} {url}".strip()


# -- queueing --------------------------------------------------------------------------------


def _insert_ignore(values: dict[str, Any]) -> bool:
    from sqlalchemy.dialects import postgresql, sqlite

    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        module.insert(WebhookDelivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=("event_id", "endpoint_id"))
    )
    return db.session.execute(stmt).rowcount == 1


def endpoints_for(event: str, agency_ids: Iterable[int | None]) -> list[WebhookEndpoint]:
    """The active endpoints that want `event` about one of `agency_ids` (or about all)."""
    ids = [a for a in agency_ids if a is not None]
    rows = db.session.execute(
        select(WebhookEndpoint)
        .where(
            WebhookEndpoint.active.is_(True),
            or_(WebhookEndpoint.agency_id.is_(None), WebhookEndpoint.agency_id.in_(ids)),
        )
        .order_by(WebhookEndpoint.id)
    ).scalars()
    return [e for e in rows if event in (e.events or [])]


def body_for(endpoint: WebhookEndpoint, payload: dict[str, Any]) -> str:
    if endpoint.kind == EndpointKind.GATEWAY.value:
        content: dict[str, Any] = {"text": gateway_text(payload["event"], payload["data"])}
    else:
        content = payload
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def emit(
    event: str,
    event_id: str,
    agency_ids: Iterable[int | None],
    data: Callable[[], dict[str, Any]],
    endpoints: list[WebhookEndpoint] | None = None,
) -> int:
    """Queue `event` once for every endpoint that wants it; returns how many were new.

    `data` is called only when some endpoint wants the event: with no endpoint registered a
    save costs one small query, not the payload's lookups. `endpoints`, when given, are those
    `endpoints_for(event, …)` returned for a whole batch of events: no query per event."""
    assert event in EVENTS, event
    if endpoints is None:
        endpoints = endpoints_for(event, agency_ids)
    else:  # fetched once for many events of one save (an import's thousands of tasks)
        ids = set(agency_ids)
        endpoints = [e for e in endpoints if e.agency_id is None or e.agency_id in ids]
    if not endpoints:
        return 0
    now = utcnow()
    payload = {
        "event": event,
        "id": event_id[:200],
        "occurred_at": now.isoformat(),
        "data": data(),
    }
    queued = 0
    for endpoint in endpoints:
        queued += _insert_ignore(
            {
                "event_id": event_id[:200],
                "event": event,
                "endpoint_id": endpoint.id,
                "body": body_for(endpoint, payload),
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "created_at": now,
            }
        )
    return queued


# -- the office's endpoints ------------------------------------------------------------------


@dataclass
class EndpointInput:
    name: str
    url: str
    secret: str
    events: list[str]
    kind: str = EndpointKind.JSON.value
    agency_id: int | None = None
    active: bool = True


def check_url(url: str) -> str:
    """Only an http(s) address with a host: no file:, no javascript:, no relative path."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(
            "url", _("Địa chỉ phải bắt đầu bằng http:// hoặc https:// và có tên máy chủ.")
        )
    return url


def _validate(data: EndpointInput) -> None:
    if not data.name.strip():
        raise WebhookError("name", _("Vui lòng nhập tên."))
    data.url = check_url(data.url)
    if not data.events or any(e not in EVENTS for e in data.events):
        raise WebhookError("events", _("Vui lòng chọn ít nhất một sự kiện."))
    if data.kind not in {k.value for k in EndpointKind}:
        raise WebhookError("kind", _("Loại địa chỉ không hợp lệ."))
    if data.agency_id is not None and db.session.get(Agency, data.agency_id) is None:
        raise WebhookError("agency_id", _("Không tìm thấy cơ quan, đơn vị."))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def create_endpoint(data: EndpointInput) -> WebhookEndpoint:
    _validate(data)
    endpoint = WebhookEndpoint(
        name=data.name.strip(),
        url=data.url,
        secret=data.secret.strip() or new_secret(),
        events=[e for e in EVENTS if e in data.events],
        kind=data.kind,
        agency_id=data.agency_id,
        active=data.active,
    )
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def update_endpoint(endpoint: WebhookEndpoint, data: EndpointInput) -> WebhookEndpoint:
    """Change an endpoint; an empty secret keeps the current one."""
    _validate(data)
    endpoint.name = data.name.strip()
    endpoint.url = data.url
    if data.secret.strip():
        endpoint.secret = data.secret.strip()
    endpoint.events = [e for e in EVENTS if e in data.events]
    endpoint.kind = data.kind
    endpoint.agency_id = data.agency_id
    endpoint.active = data.active
    db.session.flush()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log (audited by the model's listener)."""
    for delivery in db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    ).scalars():
        db.session.delete(delivery)
    db.session.delete(endpoint)
    db.session.flush()


# -- the producers' hooks ----------------------------------------------------------------------


def task_assigned(
    directive: Any,
    task: Any,
    agency_id: int,
    role: str,
    endpoints: list[WebhookEndpoint] | None = None,
) -> None:
    """`endpoints`: those of `endpoints_for("task.assigned", …)` for the whole save."""
    emit(
        "task.assigned",
        f"task.assigned:{task.id}:{agency_id}",
        [agency_id],
        lambda: {
            "task": task_data(task),
            "directive": directive_data(directive),
            "agency": agency_data(db.session.get(Agency, agency_id)),
            "role": role,
        },
        endpoints,
    )


def directive_created(directive: Any, tasks: Iterable[Any]) -> None:
    tasks = list(tasks)
    agency_ids: set[int | None] = set()
    for t in tasks:
        agency_ids |= {t.lead_agency_id, t.via_agency_id, *(a.id for a in t.co_agencies)}
    emit(
        "directive.created",
        f"directive.created:{directive.id}",
        agency_ids,
        lambda: {
            "directive": directive_data(directive),
            "task_count": len(tasks),
            "tasks": [task_data(t) for t in tasks],
        },
    )


def task_completed(task: Any) -> None:
    stamp = task.done_at.isoformat() if task.done_at else utcnow().isoformat()
    emit(
        "task.completed",
        f"task.completed:{task.id}:{stamp}",
        [task.lead_agency_id],
        lambda: {
            "task": task_data(task),
            "directive": directive_data(task.directive),
            "report_number": task.done_report_number,
            "report_date": _iso(task.done_report_date),
        },
    )


def _extension_data(request: Any) -> dict[str, Any]:
    task = request.task
    return {
        "task": task_data(task),
        "directive": directive_data(task.directive),
        "agency": agency_data(task.lead_agency),
        "extension": {
            "id": request.id,
            "state": request.state,
            "previous_due_on": _iso(request.previous_due_on),
            "requested_due_on": _iso(request.requested_due_on),
            "approved_due_on": _iso(request.approved_due_on),
            "note": request.decision_note or "",
            "period": request.period.label if request.period is not None else None,
        },
    }


def extension_requested(request: Any) -> None:
    emit(
        "extension.requested",
        f"extension.requested:{request.id}",
        [request.task.lead_agency_id],
        lambda: _extension_data(request),
    )


def extension_decided(request: Any) -> None:
    emit(
        "extension.decided",
        f"extension.decided:{request.id}",
        [request.task.lead_agency_id],
        lambda: _extension_data(request),
    )


#: the sweep's reminder categories → webhook events (update requests and escalations aside)
REMINDER_EVENTS = {
    "due_soon": "task.due_soon",
    "due_today": "task.due_soon",
    "overdue": "task.overdue",
    "escalated": "task.overdue",
}


def reminder(
    key: str,
    category: str,
    agency_id: int,
    task_id: int,
    *,
    due_on: date | None,
    period: str | None,
) -> None:
    """A reminder of the daily sweep (once per reminder key, as the digest's)."""
    from tracker.tasks.models import Task

    event = REMINDER_EVENTS.get(category)
    if event is None:
        return

    def data() -> dict[str, Any]:
        task = db.session.get(Task, task_id)
        return {
            "task": task_data(task),
            "directive": directive_data(task.directive),
            "agency": agency_data(db.session.get(Agency, agency_id)),
            "due_on": _iso(due_on),
            "period": period,
            "category": category,
        }

    emit(event, f"{event}:{key}", [agency_id], data)
