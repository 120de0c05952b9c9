"""Property: a state as of day D depends only on what had happened by the end of D.

A task (and each period of a recurring task) is built twice: once with its whole history, once
with only the events up to D (completion, cancellation, extensions decided on or before D). The
two must give the same state, due date and period list as of D — whatever came later, including
extensions decided after D and the current due date they produced.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.deadlines.calendar import default_calendar
from tracker.deadlines.models import ReportingPeriod
from tracker.deadlines.periods import DEFAULT_SETTINGS
from tracker.deadlines.services import periods_as_of, task_due_as_of, task_status
from tracker.tasks.models import Task

START = date(2025, 1, 1)
days = st.integers(min_value=0, max_value=500).map(lambda n: START + timedelta(days=n))
maybe_day = st.none() | days
extensions = st.lists(st.tuples(days, days), max_size=4).map(
    lambda xs: sorted(xs, key=lambda x: x[0])
)


def _task(original, current, done_on, cancelled_on, cadence="none") -> Task:
    return Task(
        id=1,
        content="Nhiệm vụ",
        cadence=cadence,
        original_due_on=original,
        due_on=current,
        done_on=done_on,
        cancelled_on=cancelled_on,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 6, 30),
    )


def _upto(d, as_of):
    return d if d is not None and d <= as_of else None


@settings(max_examples=300, deadline=None)
@given(
    as_of=days,
    original=maybe_day,
    done_on=maybe_day,
    cancelled_on=maybe_day,
    approved=extensions,
)
def test_task_state_ignores_what_happened_after_the_day(
    as_of, original, done_on, cancelled_on, approved
):
    current = approved[-1][1] if approved else original
    full = _task(original, current, done_on, cancelled_on)
    known = [(decided, due) for decided, due in approved if decided <= as_of]
    then = _task(
        original,
        known[-1][1] if known else original,  # what the task looked like that evening
        _upto(done_on, as_of),
        _upto(cancelled_on, as_of),
    )
    full_history = {(1, None): approved}
    then_history = {(1, None): known}
    assert task_due_as_of(full, as_of, full_history) == task_due_as_of(then, as_of, then_history)
    assert task_status(full, as_of, full_history) == task_status(then, as_of, then_history)


@settings(max_examples=150, deadline=None)
@given(
    as_of=days,
    submitted=st.dictionaries(st.integers(0, 17), days, max_size=6),
    approved=st.dictionaries(st.integers(0, 17), extensions, max_size=4),
    cancelled_on=maybe_day,
)
def test_period_states_ignore_what_happened_after_the_day(as_of, submitted, approved, cancelled_on):
    def build(cut: bool):
        task = _task(
            None, None, None, _upto(cancelled_on, as_of) if cut else cancelled_on, "monthly"
        )
        history = {}
        schedule = [
            (n, date(2025, 1, 20) + timedelta(days=31 * n)) for n in range(18)
        ]  # not the real periods: stored rows with their own dates
        for n, due in schedule:
            done = submitted.get(n)
            ext = approved.get(n, [])
            if cut:
                done = _upto(done, as_of)
                ext = [(d, new) for d, new in ext if d <= as_of]
            row = ReportingPeriod(
                id=100 + n,
                key=f"2025-X{n:02d}",
                label=f"Kỳ {n}",
                starts_on=due - timedelta(days=35),
                ends_on=due - timedelta(days=6),
                due_on=ext[-1][1] if ext else due,
                original_due_on=due,
                done_on=done,
            )
            task.periods.append(row)
            history[(1, row.id)] = ext
        return task, history

    full, full_history = build(cut=False)
    then, then_history = build(cut=True)
    kwargs = {"settings": DEFAULT_SETTINGS, "calendar": default_calendar()}
    assert [
        (s.key, s.due_on, s.done_on, s.status, s.due_soon)
        for s in periods_as_of(full, as_of, full_history, **kwargs)
    ] == [
        (s.key, s.due_on, s.done_on, s.status, s.due_soon)
        for s in periods_as_of(then, as_of, then_history, **kwargs)
    ]
