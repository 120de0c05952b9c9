"""Deadlines written relative to an event: "trong vòng N ngày kể từ ngày ký", "trong N ngày làm
việc", "trong 3 tháng kể từ ngày ban hành".

Directives do not say how to count, so the Civil Code's general rules on time periods are used
(Bộ luật Dân sự 2015, art. 144–148; they apply whenever the document itself does not provide
otherwise, art. 144(2)):

* art. 147(2): for a period in days, weeks, months or years, the day of the event is not counted;
  the period starts on the next day;
* art. 148(1): a period in days ends at the end of its last day;
* art. 148(3): a period in months ends on the corresponding day of the last month, or that
  month's last day if it has no such day;
* art. 148(5): if the last day is a weekly rest day or a public holiday, the period ends at the
  end of the next working day.

So "trong vòng 10 ngày kể từ ngày 03/3/2025" ends on 13/3/2025 (10 days: 4/3 … 13/3), and if that
day is off, on the next working day. Counted in working days, the same art. 147 start gives
"trong 3 ngày làm việc" from a Friday → Monday, Tuesday, Wednesday: due on Wednesday.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tracker.deadlines.calendar import WorkingCalendar, default_calendar

__all__ = ["within_days", "within_months", "within_working_days"]


def _roll(d: date, calendar: WorkingCalendar | None, roll_forward: bool) -> date:
    if not roll_forward:
        return d
    return (calendar or default_calendar()).next_working_day(d)


def within_days(
    base: date,
    n: int,
    calendar: WorkingCalendar | None = None,
    *,
    roll_forward: bool = True,
) -> date:
    """The last day of "trong vòng ``n`` ngày kể từ ``base``" (calendar days).

    Reading taken: the period starts the day after ``base`` (BLDS 2015 art. 147(2)), so the
    last day is ``base + n`` days; if that day is off in ``calendar`` (the national calendar when
    None), the deadline moves to the next working day (art. 148(5)). ``roll_forward=False`` gives
    the bare ``base + n``, e.g. to show the date the document literally implies.
    """
    if n < 0:
        raise ValueError("a period cannot be negative")
    return _roll(base + timedelta(days=n), calendar, roll_forward)


def within_months(
    base: date,
    n: int,
    calendar: WorkingCalendar | None = None,
    *,
    roll_forward: bool = True,
) -> date:
    """The last day of "trong ``n`` tháng kể từ ``base``".

    The corresponding day ``n`` months later, or that month's last day when it has none
    (BLDS 2015 art. 148(3): 31/8 + 1 month → 30/9; 29/2/2028 + 12 months → 28/2/2029), then
    rolled to the next working day like ``within_days``.
    """
    if n < 0:
        raise ValueError("a period cannot be negative")
    return _roll(base + relativedelta(months=n), calendar, roll_forward)


def within_working_days(base: date, n: int, calendar: WorkingCalendar | None = None) -> date:
    """The last day of "trong ``n`` ngày làm việc kể từ ``base``".

    The ``n``-th working day after ``base`` — the day of ``base`` is not counted, even when it is
    a working day (art. 147(2)); the result is always a working day, so no roll is needed.
    """
    if n < 0:
        raise ValueError("a period cannot be negative")
    if n == 0:
        return _roll(base, calendar, True)
    return (calendar or default_calendar()).add_working_days(base, n)
