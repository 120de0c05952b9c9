"""Working days of a Vietnamese state office.

Saturdays and Sundays are off (the 40-hour week of Quyết định 188/1999/QĐ-TTg), as are the public
holidays of Bộ luật Lao động 2019 art. 112 — Tết Dương lịch, Tết Nguyên đán, Giỗ Tổ Hùng Vương,
30/4, 1/5 and Quốc khánh (2/9 and one adjacent day) — plus the compensatory days (art. 111(3))
and the swapped days the Government announces each year ("hoán đổi ngày làm việc": a weekday
off that is worked back on a Saturday).

The fixed and lunar holidays and the compensatory days come from the ``holidays`` package
(``holidays.country_holidays("VN")``). Announcements arrive every year and the package can lag
behind them, so this module also carries ``ANNOUNCED_DAYS_OFF`` and ``ANNOUNCED_WORKING_DAYS``, the
officially announced days for recent years; they are merged with the package so a deadline does
not move when the package is upgraded or pinned. The office adds anything else (a day off the
Chairman grants, a Saturday worked back) through ``extra_days_off`` and ``working_days``.

Each calendar year is computed once per ``WorkingCalendar`` into a flag table and a sorted list of
working-day ordinals: ``is_working_day`` is a lookup and ``add_working_days`` a bisection, because
the nightly reminder sweep asks these questions for every open task.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays

__all__ = [
    "ANNOUNCED_DAYS_OFF",
    "ANNOUNCED_WORKING_DAYS",
    "WorkingCalendar",
    "default_calendar",
]


def _span(first: date, last: date, name: str) -> dict[date, str]:
    days: dict[date, str] = {}
    d = first
    while d <= last:
        days[d] = name
        d += timedelta(days=1)
    return days


#: Days off announced by the Government for officials (cán bộ, công chức, viên chức), weekdays and
#: weekends alike. The ``holidays`` package (0.109) already has all of them; they are listed so the
#: calendar stays right with an older or newer package, and so a reader can check them against the
#: announcement without reading the package.
ANNOUNCED_DAYS_OFF: Mapping[date, str] = MappingProxyType(
    {
        # 2024 — Tết Giáp Thìn: Thursday 08/02 to Wednesday 14/02/2024;
        # 30/4–1/5: off 29/4, worked back on Saturday 04/5 (Công văn 2450/VPCP-KGVX, 2024).
        date(2024, 1, 1): "Tết Dương lịch",
        **_span(date(2024, 2, 8), date(2024, 2, 14), "Tết Nguyên đán"),
        date(2024, 4, 18): "Giỗ Tổ Hùng Vương",
        date(2024, 4, 29): "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)",
        date(2024, 4, 30): "Ngày Chiến thắng",
        date(2024, 5, 1): "Ngày Quốc tế Lao động",
        date(2024, 9, 2): "Quốc khánh",
        date(2024, 9, 3): "Quốc khánh",
        # 2025 — Tết Ất Tỵ: from Saturday 25/01 to Sunday 02/02/2025, nine days
        # (Thông báo 6150/TB-BLĐTBXH, 2024); 30/4–1/5: off Friday 02/5, worked back on Saturday
        # 26/4/2025; Quốc khánh: 01/9 and 02/9/2025.
        date(2025, 1, 1): "Tết Dương lịch",
        **_span(date(2025, 1, 25), date(2025, 2, 2), "Tết Nguyên đán"),
        date(2025, 4, 7): "Giỗ Tổ Hùng Vương",
        date(2025, 4, 30): "Ngày Chiến thắng",
        date(2025, 5, 1): "Ngày Quốc tế Lao động",
        date(2025, 5, 2): "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)",
        date(2025, 9, 1): "Quốc khánh",
        date(2025, 9, 2): "Quốc khánh",
        # 2026 — Tết Bính Ngọ: from Saturday 14/02 to Sunday 22/02/2026 (27 tháng Chạp to mùng 6
        # tháng Giêng), nine days; Giỗ Tổ falls on Sunday 26/4, compensated on Monday 27/4;
        # Quốc khánh: 01/9 and 02/9, plus Monday 31/8 worked back on Saturday 22/8/2026.
        date(2026, 1, 1): "Tết Dương lịch",
        **_span(date(2026, 2, 14), date(2026, 2, 22), "Tết Nguyên đán"),
        date(2026, 4, 26): "Giỗ Tổ Hùng Vương",
        date(2026, 4, 27): "Giỗ Tổ Hùng Vương (nghỉ bù)",
        date(2026, 4, 30): "Ngày Chiến thắng",
        date(2026, 5, 1): "Ngày Quốc tế Lao động",
        date(2026, 8, 31): "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)",
        date(2026, 9, 1): "Quốc khánh",
        date(2026, 9, 2): "Quốc khánh",
    }
)

#: Saturdays worked back for a weekday taken off (the other half of each swap above).
ANNOUNCED_WORKING_DAYS: Mapping[date, str] = MappingProxyType(
    {
        date(2024, 5, 4): "Làm bù cho thứ Hai 29/4/2024",
        date(2025, 4, 26): "Làm bù cho thứ Sáu 02/5/2025",
        date(2026, 8, 22): "Làm bù cho thứ Hai 31/8/2026",
    }
)

_WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}


@cache
def _package_days_off(year: int) -> Mapping[date, str]:
    """The ``holidays`` package's Vietnamese days off for one year (names in Vietnamese)."""
    return MappingProxyType(dict(holidays.country_holidays("VN", years=year, language="vi")))


@cache
def _package_working_days() -> frozenset[date]:
    """The Saturdays the package knows were worked back for a swapped day off.

    The package encodes each swap as ``(month, day, from_month, from_day[, from_year])`` in
    ``VietnamStaticHolidays.special_public_holidays``; only the day off is exposed as a holiday,
    so the worked Saturday is read from that table. Any change of that internal layout simply
    yields no days, and ``ANNOUNCED_WORKING_DAYS`` still covers the recent years.
    """
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays

        table = VietnamStaticHolidays.special_public_holidays
        days: set[date] = set()
        for year, entries in table.items():
            if entries and isinstance(entries[0], int):
                entries = (entries,)
            for entry in entries:
                if len(entry) in (4, 5):
                    from_year = entry[4] if len(entry) == 5 else year
                    days.add(date(from_year, entry[2], entry[3]))
        return frozenset(d for d in days if d.weekday() >= 5)
    except Exception:  # pragma: no cover - depends on the installed package's internals
        return frozenset()


class _Year:
    """One calendar year: a working flag per day and the sorted ordinals of the working days."""

    __slots__ = ("first", "flags", "ordinals")

    def __init__(self, first: int, flags: bytearray) -> None:
        self.first = first
        self.flags = bytes(flags)
        self.ordinals = [first + i for i, f in enumerate(flags) if f]


class WorkingCalendar:
    """Which days a Vietnamese state office works, and arithmetic in working days.

    ``extra_days_off`` are days the office does not work on top of the national calendar (an
    announced day the package and ``ANNOUNCED_DAYS_OFF`` miss, a provincial day off).
    ``working_days`` are days worked although they would be off — normally a Saturday worked back
    for a swapped day, but a holiday listed here is treated as a working day too. A day cannot be
    in both lists.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        *,
        use_announced: bool = True,
    ) -> None:
        self._extra_off = frozenset(extra_days_off)
        self._extra_working = frozenset(working_days)
        clash = self._extra_off & self._extra_working
        if clash:
            listed = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"days both off and working: {listed}")
        self._use_announced = use_announced
        self._years: dict[int, _Year] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(extra_days_off={len(self._extra_off)} days, "
            f"working_days={len(self._extra_working)} days)"
        )

    # -- tables ----------------------------------------------------------------------------

    def _official_off(self, d: date) -> str | None:
        name = _package_days_off(d.year).get(d)
        if name is None and self._use_announced:
            name = ANNOUNCED_DAYS_OFF.get(d)
        return name

    def _official_working(self, d: date) -> bool:
        return d in _package_working_days() or (self._use_announced and d in ANNOUNCED_WORKING_DAYS)

    def _compute(self, d: date) -> bool:
        if d in self._extra_working:
            return True
        if d in self._extra_off:
            return False
        if self._official_working(d):
            return True
        if self._official_off(d) is not None:
            return False
        return d.weekday() < 5

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            first = date(year, 1, 1).toordinal()
            length = date(year + 1, 1, 1).toordinal() - first if year < 9999 else 365
            flags = bytearray(length)
            for i in range(length):
                flags[i] = self._compute(date.fromordinal(first + i))
            table = self._years.setdefault(year, _Year(first, flags))
        return table

    # -- questions -------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True if the office works on ``d``."""
        table = self._year(d.year)
        return bool(table.flags[d.toordinal() - table.first])

    def day_off_reason(self, d: date) -> str | None:
        """Why ``d`` is off, in Vietnamese (holiday name, "Thứ Bảy", …); None on a working day."""
        if self.is_working_day(d):
            return None
        if d in self._extra_off:
            return "Ngày nghỉ do cơ quan bổ sung"
        return self._official_off(d) or _WEEKEND_NAMES.get(d.weekday(), "Ngày nghỉ")

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` ("trong N ngày làm việc").

        Counting starts on the day after ``d`` (Bộ luật Dân sự 2015 art. 147: the day of the
        event is not counted), whether or not ``d`` itself is a working day: a document signed on
        Friday with "3 ngày làm việc" is due on Wednesday. For ``n > 0`` the result is always a
        working day and exactly ``n`` working days lie in ``(d, result]``. A negative ``n``
        counts back (the ``|n|``-th working day before ``d``, used to send a reminder N working
        days ahead of a due date); ``n == 0`` returns ``d`` unchanged.
        """
        if n == 0:
            return d
        o = d.toordinal()
        year = d.year
        table = self._year(year)
        if n > 0:
            idx = bisect_right(table.ordinals, o)  # working days on or before d in its year
            while True:
                k = idx + n - 1
                if k < len(table.ordinals):
                    return date.fromordinal(table.ordinals[k])
                n -= len(table.ordinals) - idx
                year += 1
                table = self._year(year)
                idx = 0
        m = -n
        idx = bisect_left(table.ordinals, o)  # working days strictly before d in its year
        while True:
            if idx - m >= 0:
                return date.fromordinal(table.ordinals[idx - m])
            m -= idx
            year -= 1
            table = self._year(year)
            idx = len(table.ordinals)

    def previous_working_day(self, d: date) -> date:
        """``d`` if it is a working day, else the last working day before it.

        Used to move a reminder that would fall on a weekend or holiday forward in time, so it
        arrives before the break rather than after it (a Sunday reminder goes out on Friday).
        """
        return d if self.is_working_day(d) else self.add_working_days(d, -1)

    def next_working_day(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it.

        This is the roll-forward of Bộ luật Dân sự 2015 art. 148(5): a period whose last day is a
        day off ends at the end of the next working day. For the working day strictly after
        ``d`` use ``add_working_days(d, 1)``.
        """
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]`` — after ``a``, up to and including ``b``.

        The half-open interval matches ``add_working_days``:
        ``working_days_between(d, add_working_days(d, n)) == n`` for ``n >= 0``. If ``b < a`` the
        result is minus the count over ``(b, a]``; ``a == b`` gives 0.
        """
        if b < a:
            return -self.working_days_between(b, a)
        ta = self._year(a.year)
        tb = self._year(b.year)
        rank_a = bisect_right(ta.ordinals, a.toordinal())
        rank_b = bisect_right(tb.ordinals, b.toordinal())
        if a.year == b.year:
            return rank_b - rank_a
        total = len(ta.ordinals) - rank_a + rank_b
        for year in range(a.year + 1, b.year):
            total += len(self._year(year).ordinals)
        return total


@cache
def default_calendar() -> WorkingCalendar:
    """The national calendar without office-specific additions, shared by callers that need one
    and were not given one (tables are computed once per process)."""
    return WorkingCalendar()
