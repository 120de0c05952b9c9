"""What a target line says and whether a reported value meets it (no Flask here).

A target is a comparison, a quantity and a unit: "ít nhất 05 giải pháp" is (≥, 5, "giải
pháp"), "100 % vốn giải ngân" is (≥, 100, "%"), "tỷ lệ ≥ 80 %" is (≥, 80, "%"), "không quá
3 ngày" is (≤, 3, "ngày"). Directives write counts with a leading zero ("02 cuộc đối thoại")
and decimals with a comma ("80,5 %"). A bare number is read as "at least": a directive that
asks for "02 cuộc đối thoại" is met by three.

The office types one target per line on the task's target page; the extraction reads the same
phrases out of a directive's sentences (`tracker.extraction.targets`) with these functions.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: a quantity larger than this is a typing slip, not a target
MAX_QUANTITY = Decimal("1000000000")
#: characters of one target line or checklist item
MAX_LINE = 300
#: targets and checklist items on one task
MAX_ITEMS = 30


class Comparison(enum.StrEnum):
    AT_LEAST = "gte"  #: ít nhất, tối thiểu, ≥ (and a bare number)
    AT_MOST = "lte"  #: tối đa, không quá, ≤
    EXACTLY = "eq"  #: đúng, =


SYMBOLS = {Comparison.AT_LEAST: "≥", Comparison.AT_MOST: "≤", Comparison.EXACTLY: "="}

_AT_LEAST = r"ít nhất|tối thiểu|không ít hơn|không dưới|từ|≥|>=|trên"
_AT_MOST = r"tối đa|không quá|không vượt quá|không nhiều hơn|dưới|≤|<="
_EXACTLY = r"đúng|bằng|="
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?![\d.])|\d+(?:,\d+)?"
_CUE = rf"(?P<cue>{_AT_LEAST}|{_AT_MOST}|{_EXACTLY})"
#: the words that end a unit ("05 giải pháp, sáng kiến …", "02 cuộc đối thoại của …")
_STOP = {
    "của",
    "với",
    "cho",
    "trong",
    "về",
    "tại",
    "có",
    "được",
    "nhằm",
    "để",
    "và",
    "hoặc",
    "trở",
    "so",
    "đã",
    "đến",
    "theo",
    "mang",
    "thuộc",
    "trên",
    "từ",
}
_UNIT_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LINE = re.compile(
    rf"(?:{_CUE}\s*)?(?P<number>{_NUMBER})\s*(?P<rest>.*)", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True)
class ParsedTarget:
    comparison: Comparison
    quantity: Decimal
    unit: str
    #: the words the target was read from
    text: str

    def describe(self) -> str:
        """ "≥ 5 giải pháp", "≥ 100 %": how the task page and the review screen show it."""
        return f"{SYMBOLS[self.comparison]} {format_quantity(self.quantity)} {self.unit}".strip()


def format_quantity(value: Decimal | None) -> str:
    """5 → "5", 80.50 → "80,5" (a Vietnamese decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def read_number(text: str) -> Decimal | None:
    """ "05" → 5, "80,5" → 80.5, "1.000" → 1000; None for anything else."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    else:
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above is a valid Decimal
        return None
    return value if value <= MAX_QUANTITY else None


def comparison_of(cue: str | None) -> Comparison:
    cue = (cue or "").lower()
    if re.fullmatch(_AT_MOST, cue):
        return Comparison.AT_MOST
    if re.fullmatch(_EXACTLY, cue):
        return Comparison.EXACTLY
    return Comparison.AT_LEAST


def unit_after(rest: str) -> str:
    """The unit a number is followed by: "%" or up to four words before a stop word or a
    punctuation mark ("giải pháp, sáng kiến cấp tỉnh" → "giải pháp")."""
    rest = rest.lstrip()
    if rest.startswith("%"):
        return "%"
    words: list[str] = []
    for token in re.split(r"(\s+)", rest):
        if not token or token.isspace():
            continue
        match = _WORD.match(token)
        if match is None or match.group(0).lower() in _STOP:
            break
        words.append(match.group(0))
        if match.end() < len(token) or len(words) == _UNIT_WORDS:
            break  # punctuation right after the word ends the unit
    return " ".join(words)


def parse_target(line: str) -> ParsedTarget | None:
    """Read one target line typed by the office; None when it has no number or no unit."""
    text = " ".join((line or "").split())
    if not text or len(text) > MAX_LINE:
        return None
    for match in re.finditer(
        rf"(?:(?<![\w]){_CUE}\s*)?(?<![\d,./-])(?P<number>{_NUMBER})(?![\d/-])", text, re.IGNORECASE
    ):
        quantity = read_number(match.group("number"))
        if quantity is None:
            continue
        unit = unit_after(text[match.end() :])
        if not unit:
            # "tỷ lệ giải ngân ≥ 80": the unit may come before the number
            continue
        cue = match.group("cue")
        if cue is None:
            before = text[: match.start()].lower()
            found = re.findall(rf"(?<!\w)({_AT_LEAST}|{_AT_MOST}|{_EXACTLY})(?!\w)", before)
            cue = found[-1] if found else None
        return ParsedTarget(comparison_of(cue), quantity, unit, text)
    return None


def is_met(comparison: str, quantity: Decimal, achieved: Decimal | None) -> bool | None:
    """Whether `achieved` meets the target; None while nothing was reported."""
    if achieved is None:
        return None
    if comparison == Comparison.AT_MOST:
        return achieved <= quantity
    if comparison == Comparison.EXACTLY:
        return achieved == quantity
    return achieved >= quantity


def percent_done(comparison: str, quantity: Decimal, achieved: Decimal | None) -> int | None:
    """How far an "at least" target is reached, 0–100 (for the progress bar); a met
    "at most" or "exactly" target is 100, an unmet one 0."""
    if achieved is None:
        return None
    if comparison != Comparison.AT_LEAST:
        return 100 if is_met(comparison, quantity, achieved) else 0
    if quantity <= 0:
        return 100
    return int(min(Decimal(100), achieved * 100 / quantity))


def split_lines(text: str | None) -> list[str]:
    """The non-empty lines of a textarea, trimmed (a leading "- " or "• " dropped)."""
    out = []
    for raw in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-•*+]|\d+[.)])\s+", "", raw).strip()
        if line:
            out.append(line)
    return out
