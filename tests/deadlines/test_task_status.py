"""Task states as of the end of a day, extensions, due-soon and days overdue."""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.deadlines.status import (
    Status,
    days_overdue,
    due_on_as_of,
    is_due_soon,
    status_as_of,
)

DUE = date(2025, 7, 20)


def test_codes_labels_and_colours():
    assert [s.value for s in Status] == [
        "done_on_time",
        "done_late",
        "open_on_time",
        "open_overdue",
        "no_deadline",
        "cancelled",
        "awaiting_acceptance",  # chờ xác nhận (issue 16)
    ]
    assert [s.label for s in Status] == [
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Đang thực hiện trong hạn",
        "Đang thực hiện quá hạn",
        "Không thời hạn",
        "Dừng/hủy",
        "Chờ xác nhận",
    ]
    assert Status.OPEN_OVERDUE.css_class == "red"
    assert Status.DONE_ON_TIME.css_class == "green"
    assert len({s.css_class for s in Status}) == len(Status)
    assert Status.DONE_LATE.is_done and Status.DONE_LATE.is_overdue
    assert not Status.OPEN_ON_TIME.is_done


@pytest.mark.parametrize(
    ("as_of", "due_on", "done_on", "cancelled_on", "expected"),
    [
        (DUE, DUE, DUE, None, Status.DONE_ON_TIME),  # done on the due date is on time
        (DUE + timedelta(1), DUE, DUE + timedelta(1), None, Status.DONE_LATE),
        (DUE, DUE, None, None, Status.OPEN_ON_TIME),  # still in time on the due date itself
        (DUE + timedelta(1), DUE, None, None, Status.OPEN_OVERDUE),
        (DUE, DUE, DUE + timedelta(1), None, Status.OPEN_ON_TIME),  # done later: open then
        (DUE + timedelta(5), DUE, DUE + timedelta(9), None, Status.OPEN_OVERDUE),
        (DUE, None, None, None, Status.NO_DEADLINE),
        (DUE, None, DUE, None, Status.DONE_ON_TIME),
        (DUE, DUE, None, DUE, Status.CANCELLED),
        (DUE, DUE, None, DUE + timedelta(1), Status.OPEN_ON_TIME),  # cancelled later
        (DUE + timedelta(3), DUE, DUE - timedelta(1), DUE, Status.DONE_ON_TIME),
        (DUE + timedelta(3), DUE, DUE + timedelta(2), DUE + timedelta(1), Status.CANCELLED),
    ],
)
def test_status_examples(as_of, due_on, done_on, cancelled_on, expected):
    got = status_as_of(as_of, due_on=due_on, done_on=done_on, cancelled_on=cancelled_on)
    assert got is expected


def test_due_soon():
    assert is_due_soon(DUE - timedelta(7), DUE, None)
    assert not is_due_soon(DUE - timedelta(8), DUE, None)
    assert is_due_soon(DUE, DUE, None)  # due today: not overdue yet
    assert not is_due_soon(DUE + timedelta(1), DUE, None)  # overdue, not "soon"
    assert not is_due_soon(DUE - timedelta(2), DUE, DUE - timedelta(3))
    assert is_due_soon(DUE - timedelta(2), DUE, DUE)  # done after as_of: open then
    assert not is_due_soon(DUE, None, None)
    assert not is_due_soon(DUE, DUE, None, cancelled_on=DUE)
    assert is_due_soon(DUE - timedelta(10), DUE, None, days=10)


def test_due_on_as_of_takes_the_latest_decided_extension():
    extensions = [(date(2025, 7, 10), date(2025, 8, 31)), (date(2025, 8, 25), date(2025, 9, 30))]
    assert due_on_as_of(date(2025, 7, 9), DUE, extensions) == DUE
    assert due_on_as_of(date(2025, 7, 10), DUE, extensions) == date(2025, 8, 31)
    assert due_on_as_of(date(2025, 9, 1), DUE, reversed(extensions)) == date(2025, 9, 30)
    assert due_on_as_of(date(2025, 9, 1), None, extensions) == date(2025, 9, 30)
    assert due_on_as_of(date(2025, 9, 1), DUE, []) == DUE
    same_day = [(date(2025, 7, 10), date(2025, 8, 1)), (date(2025, 7, 10), date(2025, 8, 15))]
    assert due_on_as_of(date(2025, 7, 10), DUE, same_day) == date(2025, 8, 15)


def test_extension_decided_after_the_day_does_not_rescue_it():
    extensions = [(DUE + timedelta(5), DUE + timedelta(30))]
    as_of = DUE + timedelta(2)
    due = due_on_as_of(as_of, DUE, extensions)
    assert status_as_of(as_of, due_on=due, done_on=None) is Status.OPEN_OVERDUE
    later = DUE + timedelta(6)
    due = due_on_as_of(later, DUE, extensions)
    assert status_as_of(later, due_on=due, done_on=None) is Status.OPEN_ON_TIME


def test_days_overdue():
    assert days_overdue(DUE, DUE, None) == 0
    assert days_overdue(DUE + timedelta(31), DUE, None) == 31
    assert days_overdue(DUE + timedelta(200), DUE, DUE + timedelta(121)) == 121  # frozen
    assert days_overdue(DUE + timedelta(10), DUE, DUE + timedelta(20)) == 10  # done later
    assert days_overdue(DUE + timedelta(10), None, None) == 0
    assert days_overdue(DUE + timedelta(10), DUE, DUE - timedelta(1)) == 0


# -- properties ----------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
MAYBE = st.none() | DAYS
ON_TIME = {Status.DONE_ON_TIME, Status.OPEN_ON_TIME}
LATE = {Status.DONE_LATE, Status.OPEN_OVERDUE}


@settings(max_examples=300)
@given(
    as_of=DAYS,
    due_on=MAYBE,
    done_on=MAYBE,
    cancelled_on=MAYBE,
    later_done=st.integers(min_value=1, max_value=500),
    later_cancel=st.integers(min_value=1, max_value=500),
)
def test_state_never_depends_on_events_after_the_day(
    as_of, due_on, done_on, cancelled_on, later_done, later_cancel
):
    def known(d):
        return d if d is not None and d <= as_of else None

    base = status_as_of(
        as_of, due_on=due_on, done_on=known(done_on), cancelled_on=known(cancelled_on)
    )
    # Whatever happens after as_of — or nothing — the state as of as_of is the same.
    for done in (done_on if known(done_on) else as_of + timedelta(later_done), known(done_on)):
        for cancel in (
            cancelled_on if known(cancelled_on) else as_of + timedelta(later_cancel),
            known(cancelled_on),
        ):
            assert status_as_of(as_of, due_on=due_on, done_on=done, cancelled_on=cancel) is base
    assert days_overdue(as_of, due_on, done_on) == days_overdue(as_of, due_on, known(done_on))
    assert is_due_soon(as_of, due_on, done_on) == is_due_soon(as_of, due_on, known(done_on))


EXTENSIONS = st.lists(st.tuples(DAYS, DAYS), max_size=4)


@settings(max_examples=300)
@given(
    as_of=DAYS,
    original=MAYBE,
    extensions=EXTENSIONS,
    future=st.lists(st.tuples(st.integers(1, 400), DAYS), max_size=3),
    done_on=MAYBE,
)
def test_extensions_decided_after_the_day_change_nothing(
    as_of, original, extensions, future, done_on
):
    later = [(as_of + timedelta(days=k), new) for k, new in future]
    before = due_on_as_of(as_of, original, extensions)
    after = due_on_as_of(as_of, original, [*extensions, *later])
    assert before == after
    assert status_as_of(as_of, due_on=before, done_on=done_on) is status_as_of(
        as_of, due_on=after, done_on=done_on
    )


@settings(max_examples=300)
@given(
    as_of=DAYS,
    due_on=DAYS,
    later=st.integers(min_value=0, max_value=400),
    done_on=MAYBE,
    cancelled_on=MAYBE,
)
def test_moving_the_due_date_later_never_makes_a_task_late(
    as_of, due_on, later, done_on, cancelled_on
):
    first = status_as_of(as_of, due_on=due_on, done_on=done_on, cancelled_on=cancelled_on)
    moved = status_as_of(
        as_of, due_on=due_on + timedelta(days=later), done_on=done_on, cancelled_on=cancelled_on
    )
    if first in ON_TIME:
        assert moved in ON_TIME
    assert days_overdue(as_of, due_on + timedelta(days=later), done_on) <= days_overdue(
        as_of, due_on, done_on
    )


@settings(max_examples=300)
@given(as_of=DAYS, due_on=DAYS, done_on=MAYBE)
def test_days_overdue_agrees_with_the_state(as_of, due_on, done_on):
    state = status_as_of(as_of, due_on=due_on, done_on=done_on)
    assume(state is not Status.CANCELLED)
    assert (days_overdue(as_of, due_on, done_on) > 0) == (state in LATE)
