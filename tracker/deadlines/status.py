"""The state of an obligation on a given day, in Python and in SQL, side by side.

An *obligation* is what the office tracks (see ``tracker.deadlines.obligations``): a one-off
task's deadline, each reporting period of a recurring task, a via agency's own deadline. Each
rule below is written twice under one name — ``rule(...)`` for one object in Python (a task
page, a report row, the digest) and ``rule_sql(...)`` for every row at once (lists, counts,
exports over 1M rows) — and nowhere else; ``tests/deadlines_web/test_obligation_sql_equals_python``
drives random histories through the services and checks the two forms agree on every day.
The SQL forms take column expressions (SQLAlchemy Core only, no model, no Flask), so the same
rule serves a task, a period (with its task's cancellation) and a via item.

The Government Office counts due tasks as done (on time / late) or not done (within the deadline /
overdue) — Báo cáo 1270/BC-TCTTTg (2017) — and provinces add tasks without a deadline, tasks
due soon (within 7 days) and cancelled tasks. Every state here is computed *as of the end of a
local calendar day* (Asia/Ho_Chi_Minh; callers convert timestamps with
``tracker.timeutil.local_date``), from dates only, so that:

* a report for a past date can be recomputed and gives the same answer it gave then — nothing
  that happened after ``as_of`` (a completion, a cancellation, an extension decided later) is
  looked at;
* "done on the due date" is on time, and a task becomes overdue on the day after its due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, FromClause, Subquery, and_, case, func, literal, or_, select

from tracker.deadlines.periods import Cadence
from tracker.timeutil import today

__all__ = [
    "DUE_SOON_DAYS",
    "OPEN_STATES",
    "Status",
    "days_overdue",
    "due_on_as_of",
    "due_on_as_of_sql",
    "latest_extension_sql",
    "ONE_OFF_CADENCES",
    "accepted_done_on",
    "accepted_done_on_sql",
    "is_awaiting_sql",
    "is_due_soon",
    "is_due_soon_sql",
    "is_excused",
    "is_excused_sql",
    "is_done",
    "is_done_sql",
    "is_one_off",
    "is_one_off_sql",
    "is_open",
    "is_open_sql",
    "is_overdue",
    "is_overdue_sql",
    "status_as_of",
    "status_as_of_sql",
    "status_is_sql",
]

#: "sắp đến hạn": due within this many days (provincial practice)
DUE_SOON_DAYS = 7


class Status(StrEnum):
    """A task's state; the values are stable codes (stored in snapshots and used in URLs)."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"
    CANCELLED = "cancelled"
    #: chờ xác nhận: the agency reported it done, the office has not accepted it yet (issue 16)
    AWAITING_ACCEPTANCE = "awaiting_acceptance"

    @property
    def label(self) -> str:
        """The Vietnamese label used in lists, filters and Excel exports."""
        return _LABELS[self]

    @property
    def css_class(self) -> str:
        """The colour the UI gives the state (red overdue, green done, …)."""
        return _CSS[self]

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE)

    @property
    def is_overdue(self) -> bool:
        """Late, whether finished late or still open past the deadline."""
        return self in (Status.DONE_LATE, Status.OPEN_OVERDUE)


_LABELS = {
    Status.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Status.DONE_LATE: "Hoàn thành quá hạn",
    Status.OPEN_ON_TIME: "Đang thực hiện trong hạn",
    Status.OPEN_OVERDUE: "Đang thực hiện quá hạn",
    Status.NO_DEADLINE: "Không thời hạn",
    Status.CANCELLED: "Dừng/hủy",
    Status.AWAITING_ACCEPTANCE: "Chờ xác nhận",
}

#: the states of an open obligation (neither done nor cancelled): what `status=open` keeps;
#: one awaiting acceptance is still open — the office has not counted it done
OPEN_STATES = frozenset(
    {Status.OPEN_ON_TIME, Status.OPEN_OVERDUE, Status.NO_DEADLINE, Status.AWAITING_ACCEPTANCE}
)

_CSS = {
    Status.DONE_ON_TIME: "green",
    Status.DONE_LATE: "teal",
    Status.OPEN_ON_TIME: "blue",
    Status.OPEN_OVERDUE: "red",
    Status.NO_DEADLINE: "grey",
    Status.CANCELLED: "dark",
    Status.AWAITING_ACCEPTANCE: "orange",
}


def _done_by(as_of: date, done_on: date | None) -> date | None:
    return done_on if done_on is not None and done_on <= as_of else None


def _is_cancelled(as_of: date, done_on: date | None, cancelled_on: date | None) -> bool:
    """Cancelled on or before ``as_of`` — unless completed on or before the cancellation.

    The services refuse to cancel a completed task (``tasks.services.cancel_task``); rows from
    before that rule may hold both dates, and keep their completed state.
    """
    if cancelled_on is None or cancelled_on > as_of:
        return False
    done = _done_by(as_of, done_on)
    return done is None or done > cancelled_on


def _is_cancelled_sql(as_of: date, done_on, cancelled_on) -> ColumnElement[bool]:
    return and_(
        cancelled_on.is_not(None),
        cancelled_on <= as_of,
        or_(done_on.is_(None), done_on > cancelled_on),
    )


def status_as_of(
    as_of: date,
    *,
    due_on: date | None,
    done_on: date | None,
    cancelled_on: date | None = None,
    submitted_on: date | None = None,
    accepted_on: date | None = None,
) -> Status:
    """The state of an obligation at the end of day ``as_of``.

    * ``done_on`` counts only if ``done_on <= as_of``: a task finished later was still open then.
    * Cancelled only if ``cancelled_on <= as_of``; one completed on or before the day it was
      cancelled keeps its completed state (cancelling finished work changes nothing).
    * Done: on time if ``done_on <= due_on`` (done on the due date is on time), late otherwise.
      A completed task without a deadline is "done on time" — it cannot have missed one; reports
      that rate punctuality count only tasks that had a deadline.
    * Open: no deadline → ``NO_DEADLINE``; overdue once ``as_of > due_on``; otherwise on time.

    ``due_on`` is the deadline in force on ``as_of`` — pass ``due_on_as_of(...)`` when there are
    extensions. SQL: `status_as_of_sql` (one CASE) and `status_is_sql` (one state, as a WHERE).

    Acceptance (issue 16): ``submitted_on`` is the day the agency reported it done while the
    office has not yet accepted it (chờ xác nhận, between done and the open states);
    ``accepted_on`` the day the office accepted it — the completion (dated ``done_on``, the
    agency's report date) counts only from then (`accepted_done_on`).
    """
    done_on = accepted_done_on(as_of, done_on, accepted_on)  # acceptance (issue 16)
    if _is_cancelled(as_of, done_on, cancelled_on):
        return Status.CANCELLED
    done = _done_by(as_of, done_on)
    if done is not None:
        if due_on is None or done <= due_on:
            return Status.DONE_ON_TIME
        return Status.DONE_LATE
    if _is_awaiting(as_of, submitted_on):  # acceptance (issue 16)
        return Status.AWAITING_ACCEPTANCE
    if due_on is None:
        return Status.NO_DEADLINE
    return Status.OPEN_OVERDUE if as_of > due_on else Status.OPEN_ON_TIME


def status_is_sql(
    code: str,
    as_of: date,
    *,
    due_on,
    done_on,
    cancelled_on,
    submitted_on=None,
    accepted_on=None,
) -> ColumnElement[bool]:
    """`status_as_of(...) == code` as a WHERE clause, one per state (mutually exclusive).

    Written per state rather than as ``CASE … = code`` so that the open states use `is_open_sql`
    — the predicate of the partial indexes on open tasks and periods — and an index serves them.
    """
    # only the asked state's clause is built: the dashboard asks for ~50 per page, and building
    # all six each time cost more than its SQL on a loaded server (issue 12)
    status = Status(code)
    done_on = accepted_done_on_sql(as_of, done_on, accepted_on)  # acceptance (issue 16)
    if status is Status.CANCELLED:
        return _is_cancelled_sql(as_of, done_on, cancelled_on)
    if status in (Status.DONE_ON_TIME, Status.DONE_LATE):
        done = is_done_sql(as_of, done_on=done_on, cancelled_on=cancelled_on)
        if status is Status.DONE_ON_TIME:
            return and_(done, or_(due_on.is_(None), done_on <= due_on))
        return and_(done, done_on > due_on)
    opened = is_open_sql(as_of, done_on=done_on, cancelled_on=cancelled_on)
    if submitted_on is not None:  # acceptance (issue 16): awaiting comes before the open states
        awaiting = is_awaiting_sql(as_of, submitted_on)
        if status is Status.AWAITING_ACCEPTANCE:
            return and_(opened, awaiting)
        opened = and_(opened, ~awaiting)
    elif status is Status.AWAITING_ACCEPTANCE:
        return literal(False)
    if status is Status.NO_DEADLINE:
        return and_(opened, due_on.is_(None))
    if status is Status.OPEN_OVERDUE:
        return and_(opened, due_on < as_of)
    return and_(opened, due_on >= as_of)


def status_as_of_sql(
    as_of: date, *, due_on, done_on, cancelled_on, submitted_on=None, accepted_on=None
) -> ColumnElement[str]:
    """`status_as_of` for every row at once: the state's code, as a CASE."""
    kw = {"submitted_on": submitted_on, "accepted_on": accepted_on}
    return case(
        *(
            (
                status_is_sql(
                    s.value, as_of, due_on=due_on, done_on=done_on, cancelled_on=cancelled_on, **kw
                ),
                literal(s.value),
            )
            for s in (
                Status.CANCELLED,
                Status.DONE_ON_TIME,
                Status.DONE_LATE,
                Status.AWAITING_ACCEPTANCE,
                Status.NO_DEADLINE,
                Status.OPEN_OVERDUE,
            )
        ),
        else_=literal(Status.OPEN_ON_TIME.value),
    )


def is_open(
    as_of: date,
    *,
    done_on: date | None,
    cancelled_on: date | None,
    accepted_on: date | None = None,
) -> bool:
    """Neither done nor cancelled at the end of ``as_of`` (still work to do); one awaiting
    acceptance is open (`accepted_done_on`)."""
    done_on = accepted_done_on(as_of, done_on, accepted_on)
    return _done_by(as_of, done_on) is None and not _is_cancelled(as_of, done_on, cancelled_on)


def is_open_sql(as_of: date, *, done_on, cancelled_on, accepted_on=None) -> ColumnElement[bool]:
    """`is_open` in SQL.

    The services never record a completion or a cancellation after today, so for today (or a
    later day) "open" is simply "no completion, no cancellation" — exactly the predicate of the
    partial indexes on open tasks and periods (`ix_task_open_*`, `ix_reporting_period_open_*`),
    which then serve every list of today's work. Only a day in the past needs the history-aware
    form, which no partial index can serve.
    """
    if as_of >= today():
        return and_(done_on.is_(None), cancelled_on.is_(None))
    done_on = accepted_done_on_sql(as_of, done_on, accepted_on)
    return and_(
        or_(done_on.is_(None), done_on > as_of),
        or_(cancelled_on.is_(None), cancelled_on > as_of),
    )


def is_done(as_of: date, *, done_on: date | None, cancelled_on: date | None) -> bool:
    """Completed by the end of ``as_of`` (on time or late) and not cancelled before that."""
    return _done_by(as_of, done_on) is not None and not _is_cancelled(as_of, done_on, cancelled_on)


def is_done_sql(as_of: date, *, done_on, cancelled_on) -> ColumnElement[bool]:
    """`is_done` in SQL: the two done states of `status_is_sql` share it."""
    return and_(
        ~_is_cancelled_sql(as_of, done_on, cancelled_on),
        done_on.is_not(None),
        done_on <= as_of,
    )


def is_overdue(
    as_of: date,
    *,
    due_on: date | None,
    done_on: date | None,
    cancelled_on: date | None,
    submitted_on: date | None = None,
    accepted_on: date | None = None,
) -> bool:
    """Open and past its deadline at the end of ``as_of`` (quá hạn from the day after ``due_on``).

    One awaiting acceptance is not overdue: the agency has reported, the office is to act."""
    done_on = accepted_done_on(as_of, done_on, accepted_on)
    return (
        due_on is not None
        and as_of > due_on
        and is_open(as_of, done_on=done_on, cancelled_on=cancelled_on)
        and not _is_awaiting(as_of, submitted_on)
    )


def is_overdue_sql(
    as_of: date, *, due_on, done_on, cancelled_on, submitted_on=None, accepted_on=None
) -> ColumnElement[bool]:
    """`is_overdue` in SQL."""
    return status_is_sql(
        Status.OPEN_OVERDUE,
        as_of,
        due_on=due_on,
        done_on=done_on,
        cancelled_on=cancelled_on,
        submitted_on=submitted_on,
        accepted_on=accepted_on,
    )


def is_due_soon(
    as_of: date,
    due_on: date | None,
    done_on: date | None,
    days: int = DUE_SOON_DAYS,
    *,
    cancelled_on: date | None = None,
    submitted_on: date | None = None,
    accepted_on: date | None = None,
) -> bool:
    """True if open and due within ``days`` days: ``as_of <= due_on <= as_of + days``.

    "Sắp đến hạn" is 7 days in provincial practice; a task due today is still due soon (not
    overdue until tomorrow). Done or cancelled obligations (as of ``as_of``) are never due soon.
    """
    done_on = accepted_done_on(as_of, done_on, accepted_on)
    if due_on is None or not is_open(as_of, done_on=done_on, cancelled_on=cancelled_on):
        return False
    if _is_awaiting(as_of, submitted_on):  # reported: nothing left for the agency to do
        return False
    return as_of <= due_on <= as_of + timedelta(days=days)


def is_due_soon_sql(
    as_of: date,
    *,
    due_on,
    done_on,
    cancelled_on,
    days: int = DUE_SOON_DAYS,
    submitted_on=None,
    accepted_on=None,
) -> ColumnElement[bool]:
    """`is_due_soon` in SQL."""
    done_on = accepted_done_on_sql(as_of, done_on, accepted_on)
    clauses = [
        is_open_sql(as_of, done_on=done_on, cancelled_on=cancelled_on),
        due_on >= as_of,
        due_on <= as_of + timedelta(days=days),
    ]
    if submitted_on is not None:
        clauses.append(~is_awaiting_sql(as_of, submitted_on))
    return and_(*clauses)


# -- acceptance of a completion (issue 16) ------------------------------------------------
#
# Kept apart from the rules above so their SQL shapes can change without touching these: each
# rule above calls `accepted_done_on(_sql)` once on entry and `_is_awaiting` / `is_awaiting_sql`
# once before the open states, and nothing else.


def accepted_done_on(as_of: date, done_on: date | None, accepted_on: date | None) -> date | None:
    """The completion as the office had counted it at the end of ``as_of``.

    A completion dated ``done_on`` (the agency's report date) counts only once the office has
    accepted it (``accepted_on``); before that day the obligation was awaiting acceptance. No
    ``accepted_on`` (acceptance not required, or rows from before it) counts from ``done_on``.
    """
    if done_on is None or accepted_on is None or accepted_on <= as_of:
        return done_on
    return None


def accepted_done_on_sql(as_of: date, done_on, accepted_on) -> ColumnElement:
    """`accepted_done_on` in SQL. For today or later ``done_on`` itself: the services never
    record an acceptance after today, and the open-task partial indexes keep serving."""
    if accepted_on is None or as_of >= today():
        return done_on
    return case((or_(accepted_on.is_(None), accepted_on <= as_of), done_on), else_=None)


def _is_awaiting(as_of: date, submitted_on: date | None) -> bool:
    """Reported done by the agency on or before ``as_of`` (callers check it is not yet done)."""
    return submitted_on is not None and submitted_on <= as_of


def is_awaiting_sql(as_of: date, submitted_on) -> ColumnElement[bool]:
    """`_is_awaiting` in SQL."""
    return and_(submitted_on.is_not(None), submitted_on <= as_of)


def is_excused(as_of: date, excused_on: date | None) -> bool:
    """Marked "do nguyên nhân khách quan" (objective cause) by the office on or before
    ``as_of``: the obligation stays in lists but leaves the agency's rates and the thi đua
    table (issue 16)."""
    return excused_on is not None and excused_on <= as_of


def is_excused_sql(as_of: date, excused_on) -> ColumnElement[bool]:
    """`is_excused` in SQL."""
    return and_(excused_on.is_not(None), excused_on <= as_of)


def due_on_as_of(
    as_of: date,
    original_due_on: date | None,
    extensions: Iterable[tuple[date, date]],
) -> date | None:
    """The deadline in force at the end of ``as_of``.

    ``extensions`` are the approved extensions as ``(decided_on, new_due_on)``; the one decided
    last on or before ``as_of`` wins (on a tie, the later in the iterable), whether it moves the
    deadline later or earlier. Extensions decided after ``as_of`` are ignored, so a task that
    was overdue on a day stays overdue for that day even if it is extended afterwards.
    """
    current = original_due_on
    latest: date | None = None
    for decided_on, new_due_on in extensions:
        if decided_on <= as_of and (latest is None or decided_on >= latest):
            latest = decided_on
            current = new_due_on
    return current


def latest_extension_sql(as_of: date, extensions: FromClause) -> Subquery:
    """The extension `due_on_as_of` picks, for every owner at once: ``(owner_id,
    approved_due_on)`` of the approved extension decided last on or before ``as_of`` (ties:
    the later ``seq``, as the later in the Python iterable).

    ``extensions`` holds the approved extensions as columns ``owner_id``, ``decided_on``,
    ``approved_due_on`` and ``seq``; `tracker.deadlines.obligations.approved_extensions_sql`
    builds it. Joined to the rows (issue 7) rather than asked per row: one pass over the
    approved extensions, which PostgreSQL can run in parallel.
    """
    rank = (
        func.row_number()
        .over(
            partition_by=extensions.c.owner_id,
            order_by=(extensions.c.decided_on.desc(), extensions.c.seq.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(extensions.c.owner_id, extensions.c.approved_due_on, rank)
        .where(extensions.c.decided_on <= as_of)
        .subquery()
    )
    return select(ranked.c.owner_id, ranked.c.approved_due_on).where(ranked.c.rank == 1).subquery()


def due_on_as_of_sql(original_due_on, latest: FromClause) -> ColumnElement:
    """`due_on_as_of` in SQL, over rows outer-joined to ``latest`` (`latest_extension_sql`) on
    their id."""
    return func.coalesce(latest.c.approved_due_on, original_due_on)


#: the cadence of a one-off task (older rows may hold NULL or "")
ONE_OFF_CADENCES = (Cadence.NONE.value, "")


def is_one_off(cadence: str | None) -> bool:
    """A one-off task has its own deadline; a recurring one has reporting periods instead."""
    return cadence is None or cadence in ONE_OFF_CADENCES


def is_one_off_sql(cadence) -> ColumnElement[bool]:
    """`is_one_off` in SQL."""
    return or_(cadence.is_(None), cadence.in_(ONE_OFF_CADENCES))


def days_overdue(as_of: date, due_on: date | None, done_on: date | None) -> int:
    """Calendar days past the deadline as of ``as_of``; 0 if not late or without a deadline.

    For a task still open this grows each day (``as_of - due_on``); for a task finished late it
    is frozen at ``done_on - due_on``. Calendar days, not working days, because the provincial
    thresholds ("quá hạn trên 30 ngày", "trên 120 ngày") are stated in days.
    """
    if due_on is None:
        return 0
    end = done_on if done_on is not None and done_on <= as_of else as_of
    return max(0, (end - due_on).days)
