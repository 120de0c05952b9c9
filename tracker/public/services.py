"""Whether the public page is on, and what it shows: the period report's agency rows (the same
service, so the rate rule is the report's), counts and rates only — no task, no name of a
person."""

from __future__ import annotations

from typing import Any

from tracker.reports.service import ReportRequest, build_report
from tracker.settings import get_setting, set_setting

KEY = "public.enabled"

#: the columns a citizen sees: counts and rates, nothing that names a task or a person
COLUMNS = ("total", "done_on_time", "done_late", "settled", "on_time_rate", "completion_rate")


def enabled() -> bool:
    """Off until the office turns it on: nothing is visible without login by default."""
    return bool(get_setting(KEY, False))


def set_enabled(on: bool) -> bool:
    """Turn the page on or off (the caller commits; the setting's row is audited)."""
    set_setting(KEY, bool(on))
    return bool(on)


def public_rows(request: ReportRequest) -> dict[str, Any]:
    """The period's agency rows, reduced to the public columns, and the province's totals."""
    report = build_report(request, with_trend=False)
    rows = [
        {"agency": r["agency"], **{c: r.get(c) for c in COLUMNS}}
        for r in report["agencies"] + report["small_agencies"]
    ]
    rows.sort(key=lambda r: r["agency"])
    totals = {c: report["totals"].get(c) for c in COLUMNS}
    return {"rows": rows, "totals": totals, "label": report["label"], "empty": report["empty"]}
