"""What each agency must be told on day D — pure rules, no Flask, no database.

A *deadline* is one date an agency answers for: a task's due date (the lead agency), a reporting
period's due date (the lead agency), the via agency's consolidation date, or — for an undated
task — the date of its last progress update. For each deadline the policy lists *thresholds*
(7 and 1 days before, the due date, every 7 days while overdue, escalation after 14/30/120
days, an update request every 3 months of silence) and says which of them fire on day D.

Exactly-once and catch-up come from one rule: a threshold fires when its day is **on or before
D and it was not sent yet** (never an equality test). Thresholds of one family supersede each
other — only the latest one reached is considered — so after a missed day or a 10-day outage
an agency gets one digest with everything still relevant (an item that became overdue while the
scheduler was down is reported as overdue, not as "due in 7 days", "due tomorrow" and "overdue"
in three emails).

Working days: reminders before or on the deadline go out on the working day before when their
day is a Sunday or a holiday; reminders after the deadline cannot go out before they are true,
so they wait for the next working day. The sweep itself runs only on working days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _

from tracker.deadlines.calendar import WorkingCalendar

__all__ = [
    "CATEGORIES",
    "Deadline",
    "Notice",
    "Policy",
    "PolicyError",
    "Threshold",
    "decide",
    "pending_thresholds",
]

#: digest sections, most urgent last; an item is listed once, in its most urgent section
CATEGORIES = ("update_requested", "due_soon", "due_today", "overdue", "escalated")
_SEVERITY = {name: i for i, name in enumerate(CATEGORIES)}


class PolicyError(ValueError):
    """A policy the office typed that cannot work (message in Vietnamese, with the field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Policy:
    """The office's reminder rules (defaults are the province's usual practice)."""

    #: remind N calendar days before the due date
    before_days: tuple[int, ...] = (7, 1)
    #: remind on the due date itself
    on_due_day: bool = True
    #: remind every N days while overdue (the first one the day after the due date)
    overdue_every_days: int = 7
    #: escalate to the agency head and the office when overdue by MORE than N days
    escalate_after_days: tuple[int, ...] = (14, 30, 120)
    #: ask for a progress update on an undated task silent for N months (0: never)
    update_after_months: int = 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "before_days": list(self.before_days),
            "on_due_day": self.on_due_day,
            "overdue_every_days": self.overdue_every_days,
            "escalate_after_days": list(self.escalate_after_days),
            "update_after_months": self.update_after_months,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Policy:
        """Build a policy from stored settings; missing keys keep their defaults.

        Raises `PolicyError` on values that cannot work (negative days, 0-day repeats).
        """
        data = dict(data or {})
        default = cls()
        try:
            before = tuple(
                sorted({int(n) for n in data.get("before_days", default.before_days)}, reverse=True)
            )
            escalate = tuple(
                sorted(
                    {int(n) for n in data.get("escalate_after_days", default.escalate_after_days)}
                )
            )
            every = int(data.get("overdue_every_days", default.overdue_every_days))
            months = int(data.get("update_after_months", default.update_after_months))
        except (TypeError, ValueError) as exc:
            raise PolicyError("before_days", _("Các số ngày phải là số nguyên.")) from exc
        if any(n < 1 or n > 90 for n in before):
            raise PolicyError("before_days", _("Số ngày nhắc trước hạn phải từ 1 đến 90."))
        if every < 1 or every > 90:
            raise PolicyError(
                "overdue_every_days", _("Chu kỳ nhắc khi quá hạn phải từ 1 đến 90 ngày.")
            )
        if any(n < 0 or n > 3650 for n in escalate):
            raise PolicyError(
                "escalate_after_days", _("Số ngày quá hạn để báo cáo lãnh đạo phải từ 0 đến 3650.")
            )
        if months < 0 or months > 24:
            raise PolicyError(
                "update_after_months", _("Số tháng đề nghị cập nhật phải từ 0 đến 24.")
            )
        return cls(
            before_days=before,
            on_due_day=bool(data.get("on_due_day", default.on_due_day)),
            overdue_every_days=every,
            escalate_after_days=escalate,
            update_after_months=months,
        )


@dataclass(frozen=True)
class Deadline:
    """One date an agency answers for; the sweep builds these from tasks and periods."""

    #: "task:<id>", "period:<id>" or "via:<task id>"
    subject: str
    task_id: int
    agency_id: int
    #: lead (chủ trì) or via (the consolidating agency)
    role: str
    due_on: date | None
    period_id: int | None = None
    #: undated tasks: the day of the last progress update (or of the task's creation)
    last_activity_on: date | None = None
    #: anything the digest shows (content, labels); the rules ignore it
    info: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def key(self, threshold: str) -> str:
        """The unique key of one reminder of this deadline."""
        due = self.due_on.isoformat() if self.due_on else "-"
        return f"{self.subject}:{self.agency_id}:{threshold}:{due}"


@dataclass(frozen=True)
class Threshold:
    """One reminder of a deadline: its key part, its section and the day it becomes due."""

    name: str
    category: str
    #: the day it goes out (at the earliest)
    on: date
    #: thresholds of one family supersede each other: stage, escalation, update
    family: str


@dataclass(frozen=True)
class Notice:
    """A deadline that goes into an agency's digest today, with the reminders it carries."""

    deadline: Deadline
    category: str
    thresholds: tuple[Threshold, ...]
    days_overdue: int
    days_left: int | None

    @property
    def keys(self) -> list[str]:
        return [self.deadline.key(t.name) for t in self.thresholds]

    @property
    def escalated(self) -> bool:
        return self.category == "escalated"


def _stage_thresholds(due: date, policy: Policy, cal: WorkingCalendar) -> list[Threshold]:
    """Reminders before and on the due date, moved back to a working day."""
    items = [
        Threshold(
            f"before:{n}", "due_soon", cal.previous_working_day(due - timedelta(days=n)), "stage"
        )
        for n in policy.before_days
    ]
    if policy.on_due_day:
        items.append(Threshold("due", "due_today", cal.previous_working_day(due), "stage"))
    return items


def pending_thresholds(
    deadline: Deadline, day: date, policy: Policy, cal: WorkingCalendar
) -> list[Threshold]:
    """The latest threshold reached by `day` in each family (whether or not it was sent).

    Before the due date (and on it) the stage is the latest of "before:N"/"due" whose working day
    has come; after it, the latest "overdue:N" (N = 1, 1 + every, 1 + 2·every, …). Escalation is
    the largest N with days overdue > N. For undated deadlines, the k-th update request falls
    k·months after the last activity.
    """
    found: list[Threshold] = []
    due = deadline.due_on
    if due is None:
        anchor = deadline.last_activity_on
        if anchor is None or policy.update_after_months <= 0:
            return []
        k = 0
        while anchor + relativedelta(months=policy.update_after_months * (k + 1)) <= day:
            k += 1
        if k:
            on = anchor + relativedelta(months=policy.update_after_months * k)
            found.append(
                Threshold(f"update:{anchor.isoformat()}:{k}", "update_requested", on, "update")
            )
        return found
    if day <= due:
        reached = [t for t in _stage_thresholds(due, policy, cal) if t.on <= day]
        if reached:
            # latest by its day; on a tie ("before:1" and "due" both on Friday) the later one
            found.append(max(enumerate(reached), key=lambda p: (p[1].on, p[0]))[1])
        return found
    overdue = (day - due).days
    every = policy.overdue_every_days
    n = 1 + ((overdue - 1) // every) * every
    found.append(Threshold(f"overdue:{n}", "overdue", due + timedelta(days=n), "stage"))
    passed = [n for n in policy.escalate_after_days if overdue > n]
    if passed:
        n = max(passed)
        found.append(
            Threshold(f"escalate:{n}", "escalated", due + timedelta(days=n + 1), "escalation")
        )
    return found


class ThresholdMemo:
    """`pending_thresholds` for one day, remembered per (due date, last activity).

    The thresholds of a deadline depend only on those two dates once the day, the policy and
    the calendar are fixed, and a province's tens of thousands of open deadlines share a few
    thousand due dates: the working-day arithmetic and the month steps run once per date
    instead of once per deadline (issue 7: half of the sweep's time at 1M tasks).
    """

    def __init__(self, day: date, policy: Policy, cal: WorkingCalendar) -> None:
        self.day, self.policy, self.cal = day, policy, cal
        self._seen: dict[tuple[date | None, date | None], list[Threshold]] = {}

    def __call__(self, deadline: Deadline) -> list[Threshold]:
        key = (deadline.due_on, None if deadline.due_on else deadline.last_activity_on)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = pending_thresholds(deadline, self.day, self.policy, self.cal)
        return found


def decide(
    deadlines: Iterable[Deadline],
    day: date,
    policy: Policy,
    cal: WorkingCalendar,
    sent_keys: set[str] | frozenset[str],
    thresholds: ThresholdMemo | None = None,
) -> list[Notice]:
    """The notices of day `day`: deadlines with at least one threshold reached and not sent.

    Nothing goes out on a day off (the next working day catches up). A notice is filed under the
    most urgent category among *all* the thresholds reached — an item already escalated stays in
    the "escalated" section on its weekly overdue reminder. `thresholds` (for `day`, `policy`
    and `cal`) lets the caller share the memo it used to list the candidate keys.
    """
    if not cal.is_working_day(day):
        return []
    thresholds = thresholds or ThresholdMemo(day, policy, cal)
    notices: list[Notice] = []
    for deadline in deadlines:
        reached = thresholds(deadline)
        fresh = tuple(t for t in reached if deadline.key(t.name) not in sent_keys)
        if not fresh:
            continue
        category = max((t.category for t in reached), key=_SEVERITY.__getitem__)
        due = deadline.due_on
        notices.append(
            Notice(
                deadline=deadline,
                category=category,
                thresholds=fresh,
                days_overdue=max(0, (day - due).days) if due else 0,
                days_left=(due - day).days if due and due >= day else None,
            )
        )
    return notices
