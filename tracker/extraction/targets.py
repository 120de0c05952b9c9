"""Targets (chỉ tiêu) a directive's sentence sets: "ít nhất 05 giải pháp", "02 cuộc đối
thoại", "đạt tỷ lệ 100%".

The last stage after layout → subjects → dates → engine: it reads one task's sentence and
proposes what the review screen offers as the task's chỉ tiêu. Like `dates`, it matches on
the folded sentence (`textutil.fold_keep_length`), so its patterns are plain ASCII and its
spans hold in the sentence as written. A number alone is not a target — directives are full
of document numbers, dates and years ("Quyết định số 813/QĐ-UBND ngày 30/3/2018", "năm
2025"). A number is proposed when

* it is a percentage ("100%", "80,5 %");
* a quantity cue comes before it ("ít nhất", "tối thiểu", "không quá", "tối đa");
* it is written with a leading zero and followed by a word ("02 cuộc đối thoại", "05 giải
  pháp"): the way notices write counts, never years or dates.

No Flask here; `tracker.targets.rules` reads the quantity and unit.
"""

from __future__ import annotations

import re

from tracker.extraction.textutil import fold_keep_length
from tracker.targets.rules import (
    Comparison,
    ParsedTarget,
    comparison_of,
    read_number,
    unit_after,
)

__all__ = ["propose_targets"]

_CUES = {
    "it nhat": "ít nhất",
    "toi thieu": "tối thiểu",
    "khong it hon": "không ít hơn",
    "khong duoi": "không dưới",
    "toi da": "tối đa",
    "khong qua": "không quá",
    "khong vuot qua": "không vượt quá",
}
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?![\d.])|\d+(?:,\d+)?"
_CANDIDATE = re.compile(
    rf"(?:(?<![a-z])(?P<cue>{'|'.join(sorted(_CUES, key=len, reverse=True))})\s+)?"
    rf"(?<![\d,./-])(?P<number>{_NUMBER})(?![\d/-])(?P<percent>\s*%)?"
)
#: words before a number that make it a reference, a date or a rank, not a target
_NOT_A_COUNT = re.compile(
    r"(?:so|ngay|thang|nam|quy|khoan|dieu|muc|diem|giai doan|lan thu|thu|phu luc|ky|de an|"
    r"chuong trinh|nghi quyet|ke hoach|du an)\s*$"
)
#: words after a percentage (what it is a percentage of), at most this many
_AFTER_PERCENT = 6


def propose_targets(sentence: str) -> list[ParsedTarget]:
    """The targets `sentence` sets, in order (each phrase once)."""
    folded = fold_keep_length(sentence or "")
    out: list[ParsedTarget] = []
    seen: set[tuple[str, str, str]] = set()
    for match in _CANDIDATE.finditer(folded):
        quantity = read_number(match.group("number"))
        if quantity is None:
            continue
        cue = match.group("cue")
        number = match.group("number")
        before = folded[: match.start()].rstrip()
        if match.group("percent"):
            unit = "%"
            text = _percent_text(sentence, match.start(), match.end())
        else:
            if cue is None and not (len(number) >= 2 and number.startswith("0")):
                continue
            if cue is None and _NOT_A_COUNT.search(before):
                continue
            unit = unit_after(sentence[match.end() :])
            if not unit:
                continue
            text = sentence[match.start() : match.end()] + " " + unit
        comparison = comparison_of(_CUES.get(cue or "", "")) if cue else Comparison.AT_LEAST
        target = ParsedTarget(comparison, quantity, unit, " ".join(text.split()))
        key = (target.comparison.value, target.text, target.unit)
        if key in seen:
            continue
        seen.add(key)
        out.append(target)
    return out


def _percent_text(sentence: str, start: int, end: int) -> str:
    """ "đạt tỷ lệ 100%", "100% các chỉ tiêu trong năm 2025": the percentage with the few
    words around it that say what it counts, within the clause."""
    head = sentence[:start]
    clause_start = max(head.rfind(c) for c in ",;:.") + 1
    lead = head[clause_start:].split()[-3:]
    tail = re.split(r"[,;:.]", sentence[end:], maxsplit=1)[0].split()[:_AFTER_PERCENT]
    return " ".join([*lead, sentence[start:end].strip(), *tail])
