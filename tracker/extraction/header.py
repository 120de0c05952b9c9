"""The directive's header: number and symbol, kind, issue and meeting dates, issuer, title.

Two layouts occur: the formal one (national emblem block, "Số: 123/CT-UBND", "Hòa Bình,
ngày 17 tháng 5 năm 2025", the kind in capitals, then the title) and the news one that
provincial portals publish ("Ngày 17/5/2025, Văn phòng UBND tỉnh đã ban hành Thông báo số
5016/TB-VPUBND ..."). Both are read with regular expressions over the folded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tracker.extraction.dates import safe_date
from tracker.extraction.textutil import fold_keep_length

__all__ = ["Header", "parse_header"]

KINDS_BY_CODE = {
    "ct": "Chỉ thị",
    "qd": "Quyết định",
    "kh": "Kế hoạch",
    "cv": "Công văn",
    "bc": "Báo cáo",
    "nq": "Nghị quyết",
    "cd": "Công điện",
    "ttr": "Tờ trình",
    "hd": "Hướng dẫn",
}
KINDS_BY_WORD = [
    ("thong bao ket luan", "Thông báo kết luận"),
    ("thong bao", "Thông báo"),
    ("chi thi", "Chỉ thị"),
    ("quyet dinh", "Quyết định"),
    ("ke hoach", "Kế hoạch"),
    ("cong van", "Công văn"),
    ("cong dien", "Công điện"),
]

_D = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_DW = r"(?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})\s*,?\s*nam\s+(?P<y2>\d{4})"
_ANY_DATE = r"(?:" + _D + r"|" + _DW + r")"
_KIND_WORDS = r"(?:thong bao|chi thi|quyet dinh|ke hoach|cong van|cong dien)"
_SYMBOL = r"(?P<num>\d{1,6}\s*/\s*[\w\-]*\w(?:/[\w\-]*\w)?)"

NUMBER_LINE = re.compile(r"(?m)^[ \t]*so\s*[:.]?\s*" + _SYMBOL)
NUMBER_ISSUED = re.compile(r"ban hanh\s+" + _KIND_WORDS + r"\s+so\s*:?\s*" + _SYMBOL)
NUMBER_ANY = re.compile(r"(?<!\w)" + _KIND_WORDS + r"\s+so\s*:?\s*" + _SYMBOL)
ISSUED_PLACE = re.compile(r"(?<=[a-z]),\s*ngay\s+" + _DW)
ISSUED_NEWS = re.compile(r"(?<!\w)ngay\s+" + _ANY_DATE + r"\s*,[^.\n]{0,200}?ban hanh")
ISSUED_AFTER_NUMBER = re.compile(
    _KIND_WORDS + r"\s+so\s*:?\s*\d{1,6}\s*/\s*[\w\-]+\s+ngay\s+" + _ANY_DATE
)
MEETING_AFTER = re.compile(
    r"(?:cuoc hop|phien hop|hoi nghi|buoi lam viec)[^.;\n]{0,260}?ngay\s+" + _ANY_DATE
)
MEETING_BEFORE = re.compile(
    r"(?<!\w)ngay\s+" + _ANY_DATE + r"\s*,[^.;\n]{0,220}?(?:to chuc |da )?(?:hop|hoi nghi|lam viec)"
)
ISSUER_CONCLUSION = re.compile(
    r"(?:ket luan|y kien chi dao|chi dao) cua (?:dong chi\s+)?(?P<who>(?:pho )?chu tich"
    r"\s+(?:uy ban nhan dan|ubnd)\s+(?:tinh|thanh pho))"
)
ISSUER_SIGNATURE = re.compile(
    r"(?m)^[ \t]*(?P<tm>(?:tm|kt|tl|q)\s*\.\s*)?(?P<who>uy ban nhan dan|ubnd|chu tich|pho chu tich)"
    r"[ \t]*$"
)
ISSUER_HEADER = re.compile(r"(?m)^[ \t]*(?:uy ban nhan dan|ubnd)\s+(?P<lvl>tinh|thanh pho)\b")
ISSUER_WORDS = re.compile(
    r"(?P<who>chu tich (?:uy ban nhan dan|ubnd) (?:tinh|thanh pho)|(?:uy ban nhan dan|ubnd)"
    r" (?:tinh|thanh pho))\s+(?:ban hanh|chi thi|yeu cau|quyet dinh|giao)"
)
TITLE_VV = re.compile(r"(?m)^[ \t]*(?:v/v|ve viec)\s*[:.]?\s*(?P<t>[^\n]{5,300})$")
KIND_LINE = re.compile(
    r"(?m)^[ \t]*(?:thong bao(?: ket luan)?|chi thi|quyet dinh|ke hoach|cong dien)[ \t]*$"
)


@dataclass
class Header:
    """What the document says about itself."""

    number: str | None = None
    kind: str | None = None
    issued: date | None = None
    issuer: str | None = None
    meeting: date | None = None
    title: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Return the header in the engine's output format (dates as ISO strings)."""
        return {
            "number": self.number,
            "kind": self.kind,
            "issued": self.issued.isoformat() if self.issued else None,
            "issuer": self.issuer,
            "meeting": self.meeting.isoformat() if self.meeting else None,
            "title": self.title,
        }


def _date_of(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    if groups.get("d") is not None:
        return safe_date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    if groups.get("d2") is not None:
        return safe_date(int(groups["y2"]), int(groups["m2"]), int(groups["d2"]))
    return None


def _first_date(pattern: re.Pattern[str], folded: str) -> date | None:
    for match in pattern.finditer(folded):
        value = _date_of(match)
        if value is not None:
            return value
    return None


def parse_header(text: str, folded_text: str | None = None) -> Header:
    """Read the header fields; anything not found stays None.

    `folded_text` is fold_keep_length(text) when the caller already has it.
    """
    if folded_text is None:
        folded_text = fold_keep_length(text)
    head = text[:6000]
    folded = folded_text[:6000]
    header = Header()

    symbol_match = (
        NUMBER_LINE.search(folded) or NUMBER_ISSUED.search(folded) or NUMBER_ANY.search(folded)
    )
    if symbol_match:
        raw = head[symbol_match.start("num") : symbol_match.end("num")]
        header.number = re.sub(r"\s+", "", raw).rstrip(".-")

    header.kind = _kind(header.number, folded, head)
    header.issued = (
        _first_date(ISSUED_PLACE, folded)
        or _first_date(ISSUED_NEWS, folded)
        or _first_date(ISSUED_AFTER_NUMBER, folded)
    )
    header.meeting = _first_date(MEETING_AFTER, folded) or _first_date(MEETING_BEFORE, folded)
    header.issuer = _issuer(folded, folded_text[-3000:], header.kind)
    header.title = _title(head, folded, symbol_match)
    return header


def _kind(number: str | None, folded: str, head: str) -> str | None:
    code = ""
    if number and "/" in number:
        code = fold_keep_length(number.split("/")[1].split("-")[0])
    has_conclusion = "ket luan" in folded[:3000]
    if code == "tb":
        return "Thông báo kết luận" if has_conclusion else "Thông báo"
    if code in KINDS_BY_CODE:
        return KINDS_BY_CODE[code]
    kind_line = _kind_line(head)
    if kind_line is not None:
        word = fold_keep_length(kind_line.group().strip())
        for key, value in KINDS_BY_WORD:
            if word == key:
                return "Thông báo kết luận" if value == "Thông báo" and has_conclusion else value
    if re.search(r"(?m)^[ \t]*(?:v/v|ve viec)\b", folded[:3000]) or (number and code == "ubnd"):
        return "Công văn"
    if number and "/" in number and code and code not in KINDS_BY_CODE:
        # "1234/UBND-KT": an official letter carries only the issuer in its symbol.
        return "Công văn" if code.startswith(("ubnd", "vp", "s")) else None
    for key, value in KINDS_BY_WORD:
        if re.search(r"(?<!\w)" + key + r"\s+so\s*:?\s*\d", folded[:1500]):
            return value
    return None


def _issuer(folded: str, tail: str, kind: str | None) -> str | None:
    match = ISSUER_CONCLUSION.search(folded[:6000])
    if match:
        return _issuer_name(match.group("who"))
    level = "tỉnh"
    header_match = ISSUER_HEADER.search(folded[:1500])
    if header_match and header_match.group("lvl") == "thanh pho":
        level = "thành phố"
    # The signature block: "TM. ỦY BAN NHÂN DÂN" signs for the committee, "KT./TL. CHỦ
    # TỊCH" and a bare "CHỦ TỊCH" for the chairman. The header's "ỦY BAN NHÂN DÂN" line is
    # bare too, so bare committee lines are ignored.
    signatures = list(ISSUER_SIGNATURE.finditer(tail))
    prefixed = [m for m in signatures if m.group("tm")]
    chosen = prefixed[0] if prefixed else None
    if chosen is None:
        bare = [m for m in signatures if "chu tich" in m.group("who")]
        chosen = bare[-1] if bare else None
    if chosen is not None:
        tm = (chosen.group("tm") or "").replace(" ", "")
        if tm.startswith("tm") and chosen.group("who") in ("uy ban nhan dan", "ubnd"):
            return f"Ủy ban nhân dân {level}"
        return f"Chủ tịch Ủy ban nhân dân {level}"
    match = ISSUER_WORDS.search(folded[:6000])
    if match:
        return _issuer_name(match.group("who"))
    if header_match and kind in ("Chỉ thị", "Quyết định", "Kế hoạch", "Công văn"):
        return f"Ủy ban nhân dân {level}"
    return None


def _issuer_name(folded_who: str) -> str:
    level = "thành phố" if folded_who.endswith("thanh pho") else "tỉnh"
    body = f"Ủy ban nhân dân {level}"
    if folded_who.startswith("pho chu tich"):
        return f"Phó Chủ tịch {body}"
    if folded_who.startswith("chu tich"):
        return f"Chủ tịch {body}"
    return body


def _kind_line(head: str) -> re.Match[str] | None:
    """The line that is only the document kind ("CHỈ THỊ"), in the first 40 lines.

    Matched on the folded text (same offsets), so "THONG BAO" typed without diacritics
    counts too; the line must be in capitals, as the layout rules require.
    """
    limit = sum(len(line) + 1 for line in head.split("\n")[:40])
    for match in KIND_LINE.finditer(fold_keep_length(head[:limit])):
        if head[match.start() : match.end()].strip().isupper():
            return match
    return None


def _title(head: str, folded: str, symbol_match: re.Match[str] | None) -> str | None:
    match = TITLE_VV.search(folded[:3000])
    if match:
        return head[match.start("t") : match.end("t")].strip() or None
    kind_line = _kind_line(head)
    if kind_line:
        rest = head[kind_line.end() :].lstrip("\n")
        lines = []
        for line in rest.split("\n"):
            line = line.strip()
            if not line or set(line) <= set("-_*=–"):
                if lines:
                    break
                continue
            if "|" in line or re.match(
                r"(?:căn cứ|chủ tịch|ủy ban|uỷ ban|[ivx\d]+\.)", line.lower()
            ):
                break
            lines.append(line)
            if len(lines) == 3 or line.endswith("."):
                break
        if lines:
            return " ".join(lines)[:300]
    if symbol_match and symbol_match.re is not NUMBER_LINE:
        rest = head[symbol_match.end("num") :]
        end = re.search(r"[.\n]", rest)
        title = rest[: end.start() if end else 300].strip(" ,:-")
        if len(title) >= 10:
            return title[:300]
    for line in head.split("\n")[:8]:
        line = line.strip()
        if re.match(r"(?:Kết luận|Thông báo kết luận|Chỉ thị|Kế hoạch|Về việc)\s", line):
            return line[:300]
    return None
