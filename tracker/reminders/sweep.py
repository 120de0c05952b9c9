"""What the daily sweep plans and what it did: the values passed between the sweep
(`services`), the emails (`emails`) and the notifications, kept apart so that none of them
imports another only for its types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.reminders.policy import Notice


@dataclass
class AgencyDigest:
    """What one agency is told on one day."""

    agency_id: int
    agency_name: str
    recipients: list[str]
    head_email: str | None
    notices: list[Notice] = field(default_factory=list)

    def section(self, category: str) -> list[Notice]:
        return [n for n in self.notices if n.category == category]

    @property
    def escalates(self) -> bool:
        """True when a fresh escalation is in today's digest: the head and the office get a copy."""
        return any(t.family == "escalation" for n in self.notices for t in n.thresholds)

    def cc(self, office_email: str | None) -> list[str]:
        if not self.escalates:
            return []
        extra = [e for e in (self.head_email, office_email) if e]
        return [e for e in dict.fromkeys(extra) if e not in self.recipients]

    @property
    def dedup_key(self) -> str:
        return f"digest:{self.agency_id}"


@dataclass
class Plan:
    day: date
    working_day: bool
    digests: list[AgencyDigest]
    summary: dict[str, Any] | None


@dataclass
class SweepResult:
    day: date
    working_day: bool
    locked_out: bool = False
    digests_queued: int = 0
    digests_skipped: int = 0
    reminders_recorded: int = 0
    summary_queued: bool = False
    agencies_without_mailbox: list[str] = field(default_factory=list)
    plan: Plan | None = None
