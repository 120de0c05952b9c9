"""Reporting periods (kỳ báo cáo) and their due dates.

Nghị định 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước), art. 12, fixes the data
cut-off of periodic reports: a month runs from the 15th of the previous month to the 14th; a
quarter from the 15th of the month before the quarter to the 14th of its last month; the first
six months from 15/12 of the previous year to 14/6, the last six from 15/6 to 14/12; a year from
15/12 of the previous year to 14/12. The decree has no 9-month period; provinces add one (here
15/12 to 14/9 by default, a province setting). Art. 8 requires at least one working day between
the cut-off and the submission date; each province sets that date, often "trước ngày 20 của
tháng cuối kỳ" (provinces themselves report to the Government by the 25th).

Two conventions are offered through ``PeriodSettings.cutoff``:

* ``"decree"`` (default): the art. 12 ranges above — Quý III/2025 is 15/6–14/9/2025;
* ``"calendar"``: calendar months — Quý III/2025 is 1/7–30/9/2025. Some provinces still report
  this way, and statistics by calendar quarter need it. The due day is unchanged, so with
  ``due_day=20`` a calendar-range report falls due before its range ends; that is the
  province's choice, not an error here.

Keys are stable strings stored by the app (``"2025-M07"``, ``"2025-Q3"``, ``"2025-H1"``,
``"2025-9M"``, ``"2025-Y"``; ``"2025-Q1C"`` for the first quarter of the cumulative cycle), so a
period's identity never depends on the settings; its dates do.

For the non-cumulative cadences (monthly, quarterly, semiannual, annual) consecutive periods tile
time: each starts the day after the previous one ends, with no overlap and no gap, also across
years and whatever ``cutoff_day``. The cumulative quarterly cycle ("Quý I, 6 tháng, 9 tháng, cả
năm") overlaps by nature: its four periods all start on 15/12 of the previous year.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from tracker.deadlines.calendar import WorkingCalendar, default_calendar

__all__ = [
    "Cadence",
    "DueOverride",
    "Period",
    "PeriodSettings",
    "meets_submission_gap",
    "period_for",
    "periods_between",
    "report_period",
]

Cutoff = Literal["decree", "calendar"]
DayOffRule = Literal["keep", "next", "previous"]


class Cadence(StrEnum):
    """How often a task reports. Values are stored in the database: do not rename them."""

    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    QUARTERLY_CUMULATIVE = "quarterly-cumulative"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        """The Vietnamese label shown in forms and lists."""
        return _CADENCE_LABELS[self]

    @property
    def is_cumulative(self) -> bool:
        """True for the cycle whose periods overlap (all start at the start of the year)."""
        return self is Cadence.QUARTERLY_CUMULATIVE


_CADENCE_LABELS = {
    Cadence.NONE: "Một lần (không định kỳ)",
    Cadence.MONTHLY: "Hằng tháng",
    Cadence.QUARTERLY: "Hằng quý",
    Cadence.QUARTERLY_CUMULATIVE: "Quý I, 6 tháng, 9 tháng, cả năm (lũy kế)",
    Cadence.SEMIANNUAL: "6 tháng",
    Cadence.ANNUAL: "Hằng năm",
    Cadence.CUSTOM: "Lịch tùy chỉnh",
}


@dataclass(frozen=True)
class DueOverride:
    """A task's own due rule: day ``day`` of the month ``month_offset`` months after the
    period's last month.

    "trước ngày 20 hằng tháng" → ``DueOverride(20)``; "báo cáo 6 tháng trước ngày 05/7" →
    ``DueOverride(5, 1)`` (H1 ends in June; the report is due in July, after the period — allowed;
    H2 is then due 5/1 of the next year). A day past the month's end means its last day.
    """

    day: int
    month_offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError(f"due day out of range: {self.day}")


#: What a task may pass as ``due_day_override``: a day of the period's last month, a fixed
#: ``(day, month)`` such as ``(15, 12)`` for "trước ngày 15/12 hằng năm", or a ``DueOverride``.
DueSpec = int | tuple[int, int] | DueOverride


@dataclass(frozen=True)
class PeriodSettings:
    """The province's reporting conventions.

    * ``cutoff_day``: the last day of data in each month (14 per NĐ 09/2019 art. 12; data run
      from the day after it in the previous month; 31 means the month's end).
    * ``nine_month_end``: (month, day) where the 9-month period ends, (9, 14) by default — the
      decree has none, the province decides. With calendar cut-offs only the month counts.
    * ``due_day``: the report is due "trước ngày ``due_day``" of the period's last month.
    * ``strict_before``: False reads "trước ngày D" as due on D, as offices do in practice; True
      as due on D−1.
    * ``cutoff``: "decree" ranges or "calendar" months (see the module doc).
    * ``due_on_day_off``: when a due date falls on a day off, "keep" it as written (default: the
      date the document states is the one agencies see and are judged by), or move it to the
      "next" working day (BLDS 2015 art. 148(5)) or the "previous" one (so it can be submitted
      before the break).
    """

    cutoff_day: int = 14
    nine_month_end: tuple[int, int] = (9, 14)
    due_day: int = 20
    strict_before: bool = False
    cutoff: Cutoff = "decree"
    due_on_day_off: DayOffRule = "keep"

    def __post_init__(self) -> None:
        if not 1 <= self.cutoff_day <= 31:
            raise ValueError(f"cutoff_day out of range: {self.cutoff_day}")
        month, day = self.nine_month_end
        if not (1 <= month <= 12 and 1 <= day <= 31):
            raise ValueError(f"nine_month_end out of range: {self.nine_month_end}")
        if not 1 <= self.due_day <= 31:
            raise ValueError(f"due_day out of range: {self.due_day}")
        if self.cutoff not in ("decree", "calendar"):
            raise ValueError(f"cutoff must be 'decree' or 'calendar', not {self.cutoff!r}")
        if self.due_on_day_off not in ("keep", "next", "previous"):
            raise ValueError(f"unknown due_on_day_off rule {self.due_on_day_off!r}")


DEFAULT_SETTINGS = PeriodSettings()


@dataclass(frozen=True)
class Period:
    """One reporting period of one cadence.

    ``starts_on``/``ends_on`` bound the data the report covers (both inclusive); ``due_on`` is
    when the report is due (it may fall after ``ends_on`` — usually — or, with calendar ranges or
    an early override, before it). ``year`` is the year the period ends in, ``index`` its
    position in that year (1-based).
    """

    key: str
    label: str
    starts_on: date
    ends_on: date
    due_on: date
    cadence: Cadence
    year: int
    index: int

    def contains(self, d: date) -> bool:
        """True if ``d`` is within the data range of the period."""
        return self.starts_on <= d <= self.ends_on


# -- the shape of each cadence -------------------------------------------------------------

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class _Slot:
    index: int
    code: str
    first_month: int
    last_month: int
    label: str  # formatted with year=
    nine_month: bool = False


_SLOTS: dict[Cadence, tuple[_Slot, ...]] = {
    Cadence.MONTHLY: tuple(
        _Slot(m, f"M{m:02d}", m, m, f"Tháng {m}/{{year}}") for m in range(1, 13)
    ),
    Cadence.QUARTERLY: tuple(
        _Slot(q, f"Q{q}", 3 * q - 2, 3 * q, f"Quý {_ROMAN[q]}/{{year}}") for q in range(1, 5)
    ),
    Cadence.SEMIANNUAL: (
        _Slot(1, "H1", 1, 6, "6 tháng đầu năm {year}"),
        _Slot(2, "H2", 7, 12, "6 tháng cuối năm {year}"),
    ),
    Cadence.ANNUAL: (_Slot(1, "Y", 1, 12, "Năm {year}"),),
    Cadence.QUARTERLY_CUMULATIVE: (
        _Slot(1, "Q1C", 1, 3, "Quý I/{year}"),
        _Slot(2, "H1", 1, 6, "6 tháng đầu năm {year}"),
        _Slot(3, "9M", 1, 9, "9 tháng năm {year}", nine_month=True),
        _Slot(4, "Y", 1, 12, "Năm {year}"),
    ),
}

#: Report codes for ``report_period`` → the slot that defines them.
_REPORT_CODES: dict[str, tuple[Cadence, int]] = {
    **{f"M{m}": (Cadence.MONTHLY, m) for m in range(1, 13)},
    **{f"M{m:02d}": (Cadence.MONTHLY, m) for m in range(1, 13)},
    **{f"Q{q}": (Cadence.QUARTERLY, q) for q in range(1, 5)},
    "Q1C": (Cadence.QUARTERLY_CUMULATIVE, 1),
    "H1": (Cadence.SEMIANNUAL, 1),
    "H2": (Cadence.SEMIANNUAL, 2),
    "9M": (Cadence.QUARTERLY_CUMULATIVE, 3),
    "Y": (Cadence.ANNUAL, 1),
}


def _month_len(year: int, month: int) -> int:
    return _stdcal.monthrange(year, month)[1]


def _day_in(year: int, month: int, day: int) -> date:
    """``day`` of the month, or the month's last day when it is shorter (31 → 30, 29/2 → 28/2)."""
    return date(year, month, min(day, _month_len(year, month)))


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + offset
    return n // 12, n % 12 + 1


def _month_end(settings: PeriodSettings, year: int, month: int) -> date:
    """The last data day attributed to (year, month): the cut-off day or the month's end."""
    if settings.cutoff == "calendar":
        return date(year, month, _month_len(year, month))
    return _day_in(year, month, settings.cutoff_day)


def _range(settings: PeriodSettings, year: int, slot: _Slot) -> tuple[date, date]:
    before_y, before_m = _shift_month(year, slot.first_month, -1)
    starts_on = _month_end(settings, before_y, before_m) + timedelta(days=1)
    if slot.nine_month:
        month, day = settings.nine_month_end
        if settings.cutoff == "calendar":
            ends_on = date(year, month, _month_len(year, month))
        else:
            ends_on = _day_in(year, month, day)
    else:
        ends_on = _month_end(settings, year, slot.last_month)
    return starts_on, ends_on


def _resolve_override(
    cadence: Cadence, spec: DueSpec | None, settings: PeriodSettings
) -> DueOverride:
    if spec is None:
        return DueOverride(settings.due_day)
    if isinstance(spec, DueOverride):
        return spec
    if isinstance(spec, int):
        return DueOverride(spec)
    day, month = spec
    if not 1 <= month <= 12:
        raise ValueError(f"due month out of range: {month}")
    if cadence is Cadence.MONTHLY:
        raise ValueError("a monthly report has no fixed date in the year; give a day of month")
    # A fixed date "dd/mm" is read against the cadence's first period of the year: of the two
    # months that carry that name around it, take the one whose date is nearer the period's
    # end. "Năm: trước 15/12" → December of the same year, "trước 15/01" → January after it,
    # "6 tháng: trước 05/7" → the month after June. The offset is then applied to every period.
    slot = _SLOTS[cadence][0]
    year = 2001  # any non-leap year; only month distances matter
    _, ends_on = _range(settings, year, slot)
    later = (month - slot.last_month) % 12
    candidates = (later, later - 12)

    def distance(offset: int) -> int:
        y, m = _shift_month(year, slot.last_month, offset)
        return abs((_day_in(y, m, day) - ends_on).days)

    return DueOverride(day, min(candidates, key=distance))


def _adjust_due(d: date, settings: PeriodSettings, calendar: WorkingCalendar | None) -> date:
    if settings.strict_before:
        d -= timedelta(days=1)
    if settings.due_on_day_off == "keep":
        return d
    cal = calendar or default_calendar()
    if settings.due_on_day_off == "next":
        return cal.next_working_day(d)
    return cal.previous_working_day(d)


def _make(
    cadence: Cadence,
    year: int,
    slot: _Slot,
    settings: PeriodSettings,
    due: DueOverride,
    calendar: WorkingCalendar | None,
) -> Period:
    starts_on, ends_on = _range(settings, year, slot)
    due_y, due_m = _shift_month(year, slot.last_month, due.month_offset)
    due_on = _adjust_due(_day_in(due_y, due_m, due.day), settings, calendar)
    return Period(
        key=f"{year}-{slot.code}",
        label=slot.label.format(year=year),
        starts_on=starts_on,
        ends_on=ends_on,
        due_on=due_on,
        cadence=cadence,
        year=year,
        index=slot.index,
    )


def _slots(cadence: Cadence) -> tuple[_Slot, ...]:
    try:
        return _SLOTS[cadence]
    except KeyError:
        raise ValueError(f"cadence {cadence.value!r} has no fixed periods") from None


# -- public functions ----------------------------------------------------------------------


def periods_between(
    cadence: Cadence | str,
    first_day: date,
    last_day: date,
    settings: PeriodSettings | None = None,
    *,
    due_day_override: DueSpec | None = None,
    rrule: str | RRule | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Period]:
    """The periods of ``cadence`` whose due date falls in ``[first_day, last_day]``, by due date.

    Selecting by due date is what the app needs: periods are opened ahead up to a horizon, and a
    task with an end date stops producing periods once their due date passes it. ``NONE`` yields
    no periods. ``CUSTOM`` needs ``rrule`` (an RFC 5545 RRULE string, optionally with DTSTART, or
    a ``dateutil.rrule.rrule``): each occurrence is a due date "D" and the period covers the days
    after the previous occurrence up to D; without DTSTART the rule starts at ``first_day``, so
    give DTSTART (e.g. the directive's date) for keys that do not depend on the query.
    ``calendar`` is used only when ``settings.due_on_day_off`` moves due dates.
    """
    cadence = Cadence(cadence)
    settings = settings or DEFAULT_SETTINGS
    if last_day < first_day or cadence is Cadence.NONE:
        return []
    if cadence is Cadence.CUSTOM:
        if rrule is None:
            raise ValueError("a custom cadence needs an rrule")
        if due_day_override is not None:
            raise ValueError("a custom cadence takes its due dates from the rrule")
        return _custom_periods(rrule, first_day, last_day, settings, calendar)
    if rrule is not None:
        raise ValueError(f"an rrule only applies to the custom cadence, not {cadence.value!r}")
    slots = _slots(cadence)
    due = _resolve_override(cadence, due_day_override, settings)
    reach = abs(due.month_offset) // 12 + 1
    found = [
        period
        for year in range(first_day.year - reach, last_day.year + reach + 1)
        for slot in slots
        if first_day
        <= (period := _make(cadence, year, slot, settings, due, calendar)).due_on
        <= last_day
    ]
    found.sort(key=lambda p: (p.due_on, p.ends_on))
    return found


def period_for(
    cadence: Cadence | str,
    key: str | tuple[int, int],
    settings: PeriodSettings | None = None,
    *,
    due_day_override: DueSpec | None = None,
    calendar: WorkingCalendar | None = None,
) -> Period:
    """The period of ``cadence`` named by ``key`` ("2025-Q3") or by ``(year, index)`` ((2025, 3)).

    Indexes are 1-based within the year: months 1–12, quarters 1–4, halves 1–2, the year 1, and
    for the cumulative cycle 1 = Quý I, 2 = 6 tháng, 3 = 9 tháng, 4 = năm.
    """
    cadence = Cadence(cadence)
    settings = settings or DEFAULT_SETTINGS
    slots = _slots(cadence)
    if isinstance(key, str):
        year_text, sep, code = key.partition("-")
        if not sep or not year_text.isdigit():
            raise ValueError(f"malformed period key {key!r}")
        year = int(year_text)
        matches = [s for s in slots if s.code == code.upper()]
        if not matches:
            raise ValueError(f"{key!r} is not a {cadence.value} period")
        slot = matches[0]
    else:
        year, index = key
        if not 1 <= index <= len(slots):
            raise ValueError(f"{cadence.value} periods are numbered 1..{len(slots)}, not {index}")
        slot = slots[index - 1]
    due = _resolve_override(cadence, due_day_override, settings)
    return _make(cadence, year, slot, settings, due, calendar)


def report_period(
    year: int, code: str, settings: PeriodSettings | None = None
) -> tuple[date, date, str]:
    """The data range and label of a report: ``(starts_on, ends_on, label)``.

    Codes: ``M1``..``M12`` (or ``M01``), ``Q1``..``Q4``, ``H1``, ``H2``, ``9M``, ``Y`` (and
    ``Q1C``, same range as Q1). The range follows ``settings.cutoff``: by default the decree's
    cut-off ranges (NĐ 09/2019 art. 12; Q3 = 15/6–14/9, "9M" = 15/12 of the previous year to
    ``nine_month_end``), or calendar months with ``PeriodSettings(cutoff="calendar")``
    (Q3 = 1/7–30/9). Reports count a task in a period by the date of the event (assignment, due
    date, completion) falling in the range, so the same convention must be used for all counts in
    one report.
    """
    settings = settings or DEFAULT_SETTINGS
    try:
        cadence, index = _REPORT_CODES[code.upper()]
    except KeyError:
        raise ValueError(f"unknown report period code {code!r}") from None
    slot = _SLOTS[cadence][index - 1]
    starts_on, ends_on = _range(settings, year, slot)
    return starts_on, ends_on, slot.label.format(year=year)


def meets_submission_gap(period: Period, calendar: WorkingCalendar | None = None) -> bool:
    """True if at least one working day lies after the cut-off and on or before the due date
    (NĐ 09/2019 art. 8: "thời gian chốt số liệu … cách ngày gửi báo cáo ít nhất 01 ngày làm
    việc"). A settings page can warn when a province's due day breaks it."""
    cal = calendar or default_calendar()
    return cal.working_days_between(period.ends_on, period.due_on) >= 1


# -- custom (RRULE) cadences ---------------------------------------------------------------


def _as_rule(rule: str | RRule, first_day: date) -> RRule:
    if isinstance(rule, RRule):
        return rule
    parsed = rrulestr(rule, dtstart=datetime.combine(first_day, time()))
    if not isinstance(parsed, RRule):  # an RRULE set (several rules/EXDATE) is not supported
        raise ValueError("give a single RRULE")
    return parsed


def _custom_periods(
    rule: str | RRule,
    first_day: date,
    last_day: date,
    settings: PeriodSettings,
    calendar: WorkingCalendar | None,
) -> list[Period]:
    parsed = _as_rule(rule, first_day)
    # Due dates may move a little (strict_before, day-off rule); look a bit beyond the window.
    margin = timedelta(days=15)
    dtstart: datetime = parsed._dtstart  # dateutil exposes no public accessor for DTSTART
    tz = dtstart.tzinfo  # occurrences are compared in the rule's own zone (aware or naive)
    lo = datetime.combine(first_day - margin, time(), tz)
    hi = datetime.combine(last_day + margin, time(23, 59, 59), tz)
    periods = []
    for occurrence in parsed.between(lo, hi, inc=True):
        nominal = occurrence.date()
        due_on = _adjust_due(nominal, settings, calendar)
        if not first_day <= due_on <= last_day:
            continue
        previous = parsed.before(occurrence)
        starts_on = previous.date() + timedelta(days=1) if previous else dtstart.date()
        jan1 = datetime(nominal.year, 1, 1, tzinfo=tz)
        index = len(parsed.between(jan1, occurrence, inc=True))
        periods.append(
            Period(
                key=f"{nominal.year}-R{nominal:%m%d}",
                label=f"Kỳ báo cáo {nominal:%d/%m/%Y}",
                starts_on=min(starts_on, nominal),
                ends_on=nominal,
                due_on=due_on,
                cadence=Cadence.CUSTOM,
                year=nominal.year,
                index=index,
            )
        )
    return periods
