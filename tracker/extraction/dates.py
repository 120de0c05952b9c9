"""Deadline and reporting-cadence phrases of Vietnamese directives.

Every function here takes the *folded* sentence (see textutil.fold_keep_length) so the
patterns are plain ASCII, and reports character spans valid in the original sentence.
A bare date is never a deadline: directives cite other documents with dates all the time
("Quyết định số 813/QĐ-UBND ngày 30/3/2018"). Only a date introduced by a deadline cue
("trước ngày", "chậm nhất", "thời hạn", "hoàn thành trước", "trong tháng", ...) counts.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.deadlines.calendar import default_calendar

__all__ = [
    "Cadence",
    "Deadline",
    "add_working_days",
    "find_cadences",
    "find_deadlines",
    "last_day_of_month",
    "safe_date",
]

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMBER_WORDS = {"sau": 6, "chin": 9, "ba": 3, "mot": 1}


@dataclass
class Deadline:
    """A deadline phrase found in a sentence."""

    start: int
    end: int
    due: date | None
    raw: str  # the phrase as written (folded)
    kind: str  # date | day | month | quarter | year | relative
    has_year: bool = True
    invalid: bool = False  # the phrase names a day that does not exist
    day: int | None = None  # for periodic days: "trước ngày 20 hằng tháng", "15/12 hằng năm"
    month: int | None = None
    period: str | None = None  # cadence a day-only phrase implies ("hằng tháng" -> monthly)
    notes: list[str] = field(default_factory=list)
    # "kể từ ngày Thông tư … có hiệu lực": counted from an event; its offsets in the sentence
    event: tuple[int, int] | None = None


@dataclass
class Cadence:
    """A reporting-cadence phrase ("định kỳ hằng quý", "báo cáo 6 tháng", ...)."""

    start: int
    end: int
    cadence: str


def last_day_of_month(year: int, month: int) -> date:
    """Return the last day of that month (callers validate the month)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def safe_date(year: int, month: int, day: int) -> date | None:
    """Return the date, or None when it does not exist (31/02, month 13, year 0)."""
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def add_working_days(start: date, days: int) -> date:
    """Return the date `days` working days after `start`, on the office's calendar.

    Weekends, Tết and the other public holidays (with the announced swaps) are skipped:
    tracker.deadlines.calendar is the one place that knows them.
    """
    return default_calendar().add_working_days(start, max(0, days))


def roll_to_working_day(day: date) -> date:
    """A period counted in days that ends on a day off ends on the next working day
    (Bộ luật Dân sự 2015 art. 148); an explicit date is never moved."""
    return default_calendar().next_working_day(day)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


# -- deadline patterns ------------------------------------------------------------------

_B = r"(?<![\w/])"  # a word starts here
_DATE = (
    r"(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?(?![\d/])"
)
_DATE_WORDS = r"(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})(?:\s*(?:,\s*)?nam\s+(?P<y2>\d{4}))?(?!\d)"
_CUE = (
    r"(?:truoc|cham nhat(?: la)?(?: vao)?(?: truoc)?|han chot(?: la)?(?: truoc)?"
    r"|(?:thoi han|thoi gian|han)(?: hoan thanh| thuc hien| bao cao| gui| nop| trinh)?"
    r"(?: la)?\s*:?\s*(?:truoc|cham nhat)?"
    r"|hoan thanh(?: xong)?(?: vao| truoc)?|xong truoc|ket thuc truoc|khong qua|den het)"
)
DATE_CUE = re.compile(_B + _CUE + r"\s*(?:ngay\s*)?(?:" + _DATE + r"|" + _DATE_WORDS + r")")
# "trước ngày 20 hằng tháng", "trước ngày 15 của tháng cuối quý"
DAY_CUE = re.compile(
    _B + r"(?:truoc|cham nhat(?: la)?(?: vao)?|vao|tu)\s*(?:ngay\s*)?(?P<d>\d{1,2})"
    r"\s+(?P<what>hang thang|cua thang cuoi quy|thang cuoi (?:cua )?quy|cua thang|hang quy)"
)
MONTH_CUE = re.compile(
    _B + r"(?P<cue>(?:hoan thanh |thuc hien xong |xong )?(?:trong|truoc|cuoi|vao)"
    r"|hoan thanh|thoi gian[\w ]{0,20}?:)\s*thang\s+(?P<m>\d{1,2})"
    r"(?:\s*(?:/|-|nam|,\s*nam)\s*(?P<y>\d{4}))?(?![\d/])"
)
QUARTER_CUE = re.compile(
    _B + r"(?P<cue>(?:hoan thanh |thuc hien xong |xong )?(?:trong|truoc|cuoi|vao)"
    r"|hoan thanh|thoi gian[\w ]{0,20}?:)\s*(?:quy|qui)\s+(?P<q>iv|i{1,3}|[1-4])(?!\w)"
    r"(?:\s*(?:/|-|nam|,\s*nam)\s*(?P<y>\d{4}))?"
)
YEAR_CUE = re.compile(
    _B + r"(?:hoan thanh(?: trong| vao| truoc)?(?: cuoi)?|(?:truoc|den|vao) cuoi|den het|truoc het)"
    r" nam (?P<y>\d{4})"
    r"(?:\s*[-–]\s*(?:nam\s*)?(?P<last>\d{4}))?(?!\d)"
)
# "6 tháng đầu năm 2026": the first half ends on 30/6
HALF_CUE = re.compile(
    _B + r"(?:hoan thanh(?: trong)? |trong )?(?:6|sau) thang dau nam (?P<y>\d{4})(?!\d)"
)
RELATIVE = re.compile(
    _B + r"(?:trong vong|trong thoi han|trong thoi gian|trong|cham nhat(?: la)?(?: sau)?"
    r"|khong qua|sau)\s+(?P<n>\d{1,3})\s+(?P<unit>ngay lam viec|ngay|tuan|thang)"
    r"(?:\s+(?P<from>(?:ke|tinh) tu)(?P<tail>[^.;]{0,80}))?"
)
#: "kể từ ngày Thông tư … có hiệu lực", "kể từ khi Đề án được phê duyệt": an event whose date
#: the text does not give (not "kể từ ngày ký", not "kể từ ngày Quyết định này có hiệu lực").
_EVENT = re.compile(
    r"(?:thong tu|nghi dinh|luat|quyet dinh|nghi quyet|de an|du an|ke hoach|chuong trinh"
    r"|van ban|quy dinh|huong dan)(?! nay)[^.;,]{0,80}?"
    r"(?:co hieu luc|duoc (?:phe duyet|ban hanh|thong qua|cong bo)|ban hanh)"
    r"|(?:nhan duoc|duoc giao|hoan thanh) (?:ket qua|ho so|de nghi|bao cao)"
)
_AND_DATE = re.compile(r"\s*(?:,|va)\s*(?:ngay\s*)?" + _DATE)
_TAIL_DATE = re.compile(r"ngay\s*(?:" + _DATE + r"|" + _DATE_WORDS + r")")


_DIGIT = re.compile(r"\d")


def find_deadlines(folded: str, year: int | None, base: date | None) -> list[Deadline]:
    """Return the deadline phrases of a folded sentence, left to right, without overlaps.

    `year` completes dates written without one ("trước ngày 05/7"); `base` anchors
    relative phrases ("trong vòng 60 ngày") that name no date of their own.
    """
    found: list[Deadline] = []
    if not _DIGIT.search(folded):
        return []  # every deadline phrase has a number (quarters: "quý I" has none, but
        # is only a deadline with its year or the directive's, handled below)
    for match in DATE_CUE.finditer(folded):
        found.append(_from_date_match(match, year))
        # "trước ngày 01/6 và 15/11 hằng năm": the days after the first share its cue
        position = match.end()
        while more := _AND_DATE.match(folded, position):
            found.append(_from_date_match(more, year))
            position = more.end()
    for match in DAY_CUE.finditer(folded):
        day = int(match.group("d"))
        what = match.group("what")
        period = "monthly" if what in ("hang thang", "cua thang") else "quarterly"
        found.append(
            Deadline(
                match.start(),
                match.end(),
                None,
                match.group(),
                "day",
                has_year=False,
                invalid=not 1 <= day <= 31,
                day=day,
                period=period,
            )
        )
    for match in MONTH_CUE.finditer(folded):
        found.append(_from_month_match(match, year))
    for match in QUARTER_CUE.finditer(folded):
        found.append(_from_quarter_match(match, year))
    for match in YEAR_CUE.finditer(folded):
        # "năm 2026 - 2027": a range ends with its last year
        value = int(match.group("last") or match.group("y"))
        found.append(
            Deadline(match.start(), match.end(), safe_date(value, 12, 31), match.group(), "year")
        )
    for match in HALF_CUE.finditer(folded):
        value = int(match.group("y"))
        found.append(
            Deadline(match.start(), match.end(), safe_date(value, 6, 30), match.group(), "year")
        )
    for match in RELATIVE.finditer(folded):
        deadline = _from_relative_match(match, year, base)
        if deadline is not None:
            found.append(deadline)
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    result: list[Deadline] = []
    for deadline in found:
        if result and deadline.start < result[-1].end:
            continue
        result.append(deadline)
    return result


def _from_date_match(match: re.Match[str], year: int | None) -> Deadline:
    if match.group("d") is not None:
        day, month, written_year = int(match.group("d")), int(match.group("m")), match.group("y")
    else:
        day, month, written_year = int(match.group("d2")), int(match.group("m2")), match.group("y2")
    has_year = written_year is not None
    use_year = _year(written_year) if has_year else year
    deadline = Deadline(
        match.start(), match.end(), None, match.group(), "date", has_year, day=day, month=month
    )
    if use_year is None:
        deadline.invalid = safe_date(2024, month, day) is None  # leap year: 29/2 is a day
        if not deadline.invalid:
            deadline.notes.append("Văn bản không ghi năm và không xác định được năm ban hành.")
        return deadline
    deadline.due = safe_date(use_year, month, day)
    deadline.invalid = deadline.due is None
    return deadline


def _from_month_match(match: re.Match[str], year: int | None) -> Deadline:
    month = int(match.group("m"))
    written = match.group("y")
    use_year = int(written) if written else year
    deadline = Deadline(match.start(), match.end(), None, match.group(), "month", bool(written))
    if not 1 <= month <= 12 or (use_year is not None and safe_date(use_year, month, 1) is None):
        deadline.invalid = True
        return deadline
    if use_year is None:
        return deadline
    if match.group("cue").strip() == "truoc":  # "trước tháng 9" = by the end of August
        deadline.due = date(use_year, month, 1) - timedelta(days=1)
    else:
        deadline.due = last_day_of_month(use_year, month)
    return deadline


def _from_quarter_match(match: re.Match[str], year: int | None) -> Deadline:
    quarter = ROMAN[match.group("q")]
    written = match.group("y")
    use_year = int(written) if written else year
    deadline = Deadline(match.start(), match.end(), None, match.group(), "quarter", bool(written))
    if use_year is None or safe_date(use_year, 1, 1) is None:
        deadline.invalid = use_year is not None
        return deadline
    if match.group("cue").strip() == "truoc":  # "trước quý IV" = by the end of quarter III
        deadline.due = date(use_year, 3 * quarter - 2, 1) - timedelta(days=1)
    else:
        deadline.due = last_day_of_month(use_year, 3 * quarter)
    return deadline


def _from_relative_match(
    match: re.Match[str], year: int | None, base: date | None
) -> Deadline | None:
    amount = int(match.group("n"))
    unit = match.group("unit")
    cue = match.group().split()[0]
    if cue in ("trong", "sau") and not match.group("from"):
        # "trong 6 tháng" or "sau 30 ngày" alone are durations, not deadlines.
        if not match.group().startswith(("trong vong", "trong thoi")):
            return None
    end = match.end("unit")
    start_date = base
    origin = "ngày làm căn cứ"
    tail = match.group("tail") or ""
    tail_match = _TAIL_DATE.search(tail)
    invalid = False
    if tail_match:
        end = match.start("tail") + tail_match.end()
        explicit = _from_date_match(tail_match, year)
        start_date = explicit.due
        invalid = explicit.invalid
        origin = "ngày ghi trong văn bản"
    elif match.group("from"):
        end = match.end("from") + len(tail.split(",")[0].rstrip())
    deadline = Deadline(match.start(), end, None, match.group()[: end - match.start()], "relative")
    deadline.invalid = invalid
    if not tail_match and match.group("from") and _EVENT.search(tail):
        # the event has not happened yet: no date until the office knows it
        first = tail.split(",")[0].rstrip()
        deadline.event = (match.start("tail"), match.start("tail") + len(first))
        deadline.notes.append("Hạn tính từ một sự kiện chưa xảy ra: chờ sự kiện.")
        return deadline
    if start_date is None:
        if not invalid:
            deadline.notes.append("Hạn tương đối nhưng không có ngày làm căn cứ để tính.")
        return deadline
    if not 1901 <= start_date.year <= 2199:
        return deadline  # outside the calendar's years: no arithmetic on nonsense
    if unit == "ngay":
        due = start_date + timedelta(days=amount)
    elif unit == "tuan":
        due = start_date + timedelta(weeks=amount)
    elif unit == "ngay lam viec":
        due = add_working_days(start_date, amount)
    else:
        month_index = start_date.month - 1 + amount
        target_year, target_month = start_date.year + month_index // 12, month_index % 12 + 1
        if target_year > 2199:
            return deadline
        last = last_day_of_month(target_year, target_month).day
        due = date(target_year, target_month, min(start_date.day, last))
    unit_vi = {"ngay": "ngày", "tuan": "tuần", "thang": "tháng", "ngay lam viec": "ngày làm việc"}
    note = f"Hạn tính bằng {amount} {unit_vi[unit]} kể từ {start_date:%d/%m/%Y} ({origin})"
    if unit == "ngay lam viec":
        note += ", đã trừ ngày nghỉ cuối tuần, lễ, Tết"
    elif due.year <= 2199:
        rolled = roll_to_working_day(due)
        if rolled != due:
            note += f"; ngày cuối {due:%d/%m/%Y} là ngày nghỉ nên hạn chuyển sang {rolled:%d/%m/%Y}"
            due = rolled
    deadline.due = due
    deadline.notes.append(note + ".")
    return deadline


# -- cadence patterns -------------------------------------------------------------------

_PERIOD = {
    "thang": "monthly",
    "quy": "quarterly",
    "nam": "annual",
    "6 thang": "semiannual",
    "sau thang": "semiannual",
}
_PERIOD_WORD = r"(?P<p>6 thang|sau thang|thang|quy|nam)"
_NOT_ONE_OFF = r"(?!\s*(?:\d|/|-\s*\d|(?:iv|i{1,3})\b|(?:dau|cuoi) nam \d|nay|toi|sau|truoc))"
CUMULATIVE = re.compile(
    r"quy\s*(?:i\b|1\b)?\s*,\s*(?:6|sau) thang\s*,\s*(?:9|chin) thang\s*(?:,|va)\s*"
    r"(?:ca |hang |mot )?nam"
)
PERIODIC = re.compile(
    _B + r"(?P<lead>dinh ky\s+(?:hang |moi )?|bao cao\s+(?:dinh ky\s+)?(?:hang |moi )?"
    r"|(?:hang|moi)\s+)" + _PERIOD_WORD + _NOT_ONE_OFF
)
SEMIANNUAL_ONCE = re.compile(_B + r"(?:6|sau) thang (?:mot|1) lan")
_MORE = re.compile(r"\s*(?:,|va|hoac)\s*(?:bao cao\s+)?" + _PERIOD_WORD + r"(?!\w)" + _NOT_ONE_OFF)
_CLAUSE_START = re.compile(r"(?:^|[.;:,(\-–•+]|\bva|\bdong thoi)\s*$")
_REPORT_BEFORE = re.compile(r"(?:bao cao|tong hop|gui)[^.;]{0,80}$")
_ACTION_AFTER = re.compile(
    r"\s*,?\s*(?:bao cao|tong hop|gui|danh gia|ra soat|kiem tra|to chuc|cap nhat|thong ke)"
)


def find_cadences(folded: str) -> list[Cadence]:
    """Return reporting-cadence phrases, left to right.

    "hằng năm" only counts where it governs an action ("Hằng tháng rà soát...",
    "báo cáo ... hằng quý", "định kỳ hằng năm"), not inside a noun phrase such as
    "thu ngân sách hằng năm của tỉnh".
    """
    found: list[Cadence] = []
    masked = folded
    for match in CUMULATIVE.finditer(folded):
        found.append(Cadence(match.start(), match.end(), "quarterly-cumulative"))
        masked = (
            masked[: match.start()] + " " * (match.end() - match.start()) + masked[match.end() :]
        )
    for match in SEMIANNUAL_ONCE.finditer(masked):
        found.append(Cadence(match.start(), match.end(), "semiannual"))
    for match in PERIODIC.finditer(masked):
        lead = match.group("lead")
        if lead.startswith(("hang", "moi")) and not _governs_action(masked, match):
            continue
        found.append(Cadence(match.start(), match.end(), _PERIOD[match.group("p")]))
        position = match.end()
        while True:
            more = _MORE.match(masked, position)
            if not more:
                break
            found.append(Cadence(more.start("p"), more.end(), _PERIOD[more.group("p")]))
            position = more.end()
    found.sort(key=lambda c: c.start)
    result: list[Cadence] = []
    for cadence in found:
        if result and cadence.start < result[-1].end:
            continue
        result.append(cadence)
    return result


_DAY_BEFORE = re.compile(r"(?<![\d/])\d{1,2}\s*/\s*\d{1,2}\s*$")


def _governs_action(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 120) : match.start()]
    if _DAY_BEFORE.search(before):
        return True  # "trước ngày 15/12 hằng năm": the day of a yearly deadline
    if _CLAUSE_START.search(before) or _REPORT_BEFORE.search(before[-100:]):
        return True
    return bool(_ACTION_AFTER.match(text, match.end()))
