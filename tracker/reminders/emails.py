"""Rendering the emails (Vietnamese, HTML + plain text) with absolute links.

The sweep renders an email once, when it queues it; the outbox stores the result, so what the
office reads in the web UI is exactly what was (or will be) delivered.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.links import base_url
from tracker.reminders.models import KIND_LABELS
from tracker.reminders.policy import CATEGORIES
from tracker.reminders.sweep import AgencyDigest, Plan, SweepResult

WEEKDAYS = (
    _l("Thứ Hai"),
    _l("Thứ Ba"),
    _l("Thứ Tư"),
    _l("Thứ Năm"),
    _l("Thứ Sáu"),
    _l("Thứ Bảy"),
    _l("Chủ nhật"),
)

#: digest sections in reading order: the most urgent first
SECTION_ORDER = tuple(reversed(CATEGORIES))
SECTION_TITLES = {
    "escalated": _l("Quá hạn lâu, đã báo cáo lãnh đạo"),
    "overdue": _l("Quá hạn"),
    "due_today": _l("Đến hạn"),
    "due_soon": _l("Sắp đến hạn"),
    "update_requested": _l("Đề nghị cập nhật tiến độ (nhiệm vụ không thời hạn)"),
}


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute link under `base_url()` (built without a request: the scheduler has none)."""
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def vn_day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _render(name: str, ctx: dict[str, Any]) -> str:
    """Render an email template without the request-bound context processors (the scheduler
    has no request; the web's locale selector needs one)."""
    with _email_locale():
        return current_app.jinja_env.get_template(name).render(**ctx)


def _email_locale():
    """Emails speak the default language (Vietnamese), even when a web request queues them."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "province": current_app.config["TRACKER_PROVINCE"],
        "office_email": current_app.config.get("TRACKER_OFFICE_EMAIL"),
        "base_url": base_url(),
        "vn_day": vn_day,
        "weekday": lambda d: str(WEEKDAYS[d.weekday()]),
        "kind_labels": KIND_LABELS,
        **extra,
    }


def render_digest(
    digest: AgencyDigest, day: date, *, supplement: bool = False
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an agency's daily digest; a ``supplement`` lists what a
    later sweep of the same day found after the day's digest was queued."""
    sections = []
    for category in SECTION_ORDER:
        items = digest.section(category)
        if items:
            rows = [
                {
                    "notice": n,
                    "deadline": n.deadline,
                    "url": absolute_url("tasks.show", task_id=n.deadline.task_id),
                }
                for n in items
            ]
            sections.append({"code": category, "title": SECTION_TITLES[category], "items": rows})
    count = len(digest.notices)
    with _email_locale():
        subject = _(
            "[Nhắc việc] %(agency)s: %(count)s nhiệm vụ cần chú ý ngày %(day)s",
            agency=digest.agency_name,
            count=count,
            day=vn_day(day),
        )
        if supplement:
            subject = _("%(subject)s (bổ sung)", subject=subject)
    ctx = _context(
        digest=digest,
        day=day,
        supplement=supplement,
        sections=sections,
        count=count,
        tasks_url=absolute_url("tasks.index"),
    )
    return (
        subject,
        _render("emails/digest.txt", ctx),
        _render("emails/digest.html", ctx),
    )


def render_summary(p: Plan, result: SweepResult) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the office's daily summary."""
    summary = p.summary or {}
    rows = [
        {**item, "url": absolute_url("tasks.show", task_id=item["task_id"])}
        for item in summary.get("longest_overdue", [])
    ]
    sent_to = [
        {"agency": d.agency_name, "count": len(d.notices), "escalates": d.escalates}
        for d in p.digests
        if d.recipients
    ]
    with _email_locale():
        subject = _(
            "[Nhắc việc] Tổng hợp tình hình thực hiện nhiệm vụ ngày %(day)s", day=vn_day(p.day)
        )
    ctx = _context(
        day=p.day,
        counts=summary.get("counts", []),
        longest=rows,
        sent_to=sent_to,
        without_mailbox=result.agencies_without_mailbox,
        outbox_url=absolute_url("reminders.outbox"),
        tasks_url=absolute_url("tasks.index"),
    )
    return (
        subject,
        _render("emails/summary.txt", ctx),
        _render("emails/summary.html", ctx),
    )
