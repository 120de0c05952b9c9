"""Who may hand a task on inside an agency, and what a hand-over may hold (no Flask here)."""

from __future__ import annotations

from collections.abc import Iterable

#: a phòng's name is a line, not a paragraph
MAX_UNIT = 200
#: a note to a colleague, not a report
MAX_NOTE = 2000


def may_subassign(role: str, user_agency_id: int | None, answering_ids: Iterable[int]) -> bool:
    """An officer of the task's lead or co-agency, for their own agency only.

    The via agency only consolidates the report, and the office and leaders follow the task
    from outside: they see the hand-over, never change it.
    """
    return (
        role == "agency_officer"
        and user_agency_id is not None
        and (user_agency_id in set(answering_ids))
    )


def input_problem(unit: str, assignee_id: int | None, note: str) -> tuple[str, str] | None:
    """(field, problem) when the hand-over cannot be saved, else None.

    Exactly one of a phòng or an officer: "giao cho Phòng Ngân sách" or "giao cho chị Lan",
    never both, so the page can say in one line who handles the task.
    """
    if "\x00" in unit or "\x00" in note:
        return ("unit", "nul")
    if unit and assignee_id is not None:
        return ("unit", "both")
    if not unit and assignee_id is None:
        return ("unit", "none")
    if len(unit) > MAX_UNIT:
        return ("unit", "unit_too_long")
    if len(note) > MAX_NOTE:
        return ("note", "note_too_long")
    return None
