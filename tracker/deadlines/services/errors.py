"""The deadline services' user-facing error, and how their messages write a date."""

from __future__ import annotations

from datetime import date


class DeadlineError(ValueError):
    """A user-facing reason (in Vietnamese), with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "—"
