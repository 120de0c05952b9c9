"""Who writes what on a task's conversation, and what a post may hold (no Flask here).

Leaders and the office write direction (ý kiến chỉ đạo); an officer of an agency of the task
writes a comment (trao đổi). The kind follows the role, never the form: a leader cannot post
a comment, an agency cannot post direction.
"""

from __future__ import annotations

import enum


class CommentKind(enum.StrEnum):
    DIRECTION = "direction"  #: ý kiến chỉ đạo (leaders, the office)
    COMMENT = "comment"  #: trao đổi (the task's agencies)


#: long enough for a page of direction, short enough to keep the timeline readable
MAX_LENGTH = 4000

_DIRECTING_ROLES = frozenset({"leader", "office_admin", "office_staff"})


def kind_for_role(role: str) -> CommentKind | None:
    """The kind a user's post takes; None when the role may not post at all."""
    if role in _DIRECTING_ROLES:
        return CommentKind.DIRECTION
    if role == "agency_officer":
        return CommentKind.COMMENT
    return None


def body_problem(body: str | None) -> str | None:
    """ "empty", "too_long" or "nul" when `body` cannot be saved, else None."""
    text = (body or "").strip()
    if not text:
        return "empty"
    if "\x00" in text:
        return "nul"
    if len(text) > MAX_LENGTH:
        return "too_long"
    return None
