"""Which index a name means, what a criterion code says, and the points of a register (no
Flask here)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from tracker.text import fold

#: the indexes a province is scored on, with the names the office uses
INDEX_NAMES = {
    "PAR": "Chỉ số cải cách hành chính (PAR Index)",
    "PAPI": "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)",
    "SIPAS": "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
    "DTI": "Chỉ số chuyển đổi số (DTI)",
    "PCI": "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
}
_ALIASES = {
    "par": "PAR",
    "par index": "PAR",
    "parindex": "PAR",
    "chi so cchc": "PAR",
    "chi so cai cach hanh chinh": "PAR",
    "chi so cai cach hanh chinh (par index)": "PAR",
    "papi": "PAPI",
    "sipas": "SIPAS",
    "dti": "DTI",
    "chi so chuyen doi so": "DTI",
    "pci": "PCI",
    "chi so nang luc canh tranh cap tinh": "PCI",
}
_CODE = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,2}")
#: the most points one criterion may carry (PAR Index totals 100)
MAX_POINTS = Decimal(1000)
LEVEL_NAMES = {1: "Lĩnh vực", 2: "Tiêu chí", 3: "Tiêu chí thành phần"}


def index_code(text: str | None) -> str | None:
    """ "PAR Index", "Chỉ số CCHC", "papi" → "PAR", "PAR", "PAPI"; None when unknown."""
    folded = fold(text or "").strip()
    if not folded:
        return None
    if folded.upper() in INDEX_NAMES:
        return folded.upper()
    if folded in _ALIASES:
        return _ALIASES[folded]
    for code in INDEX_NAMES:  # "Chỉ số PAPI 2025", "PAR INDEX tỉnh"
        if re.search(rf"(?<![a-z]){code.lower()}(?![a-z])", folded):
            return code
    return None


def normal_code(text: str | None) -> str | None:
    """ "1", "1.2.", " 2.3.1 " → "1", "1.2", "2.3.1"; None for anything that is not a code
    of at most three levels."""
    raw = (text or "").strip().rstrip(".")
    if raw.endswith(".0") and raw.count(".") == 1:  # Excel wrote 1 as 1.0
        raw = raw[:-2]
    return raw if _CODE.fullmatch(raw) else None


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


@dataclass
class Node:
    """One criterion's numbers for a year: what it may earn and what it lost."""

    code: str
    max_points: Decimal
    lost: Decimal = Decimal(0)
    #: leaves under it (itself when it has none) and how many were assessed / not met
    leaves: int = 0
    assessed: int = 0
    not_met: int = 0
    children: list[str] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return self.max_points - self.lost


def roll_up(
    criteria: list[tuple[str, Decimal]], lost: dict[str, tuple[bool, Decimal]]
) -> dict[str, Node]:
    """The points of every criterion from its leaves' assessments.

    `criteria` is (code, max points) of the whole register; `lost` maps a leaf's code to
    (met, points lost) of its assessment. A parent loses what its leaves lost, never more
    than its own maximum.
    """
    nodes = {code: Node(code, points) for code, points in criteria}
    for code in nodes:
        parent = parent_code(code)
        if parent in nodes:
            nodes[parent].children.append(code)
    for code, node in nodes.items():
        if node.children:
            continue
        chain = [code]
        parent = parent_code(code)
        while parent in nodes:
            chain.append(parent)
            parent = parent_code(parent)
        assessment = lost.get(code)
        for member in chain:
            target = nodes[member]
            target.leaves += 1
            if assessment is not None:
                met, points = assessment
                target.assessed += 1
                target.not_met += 0 if met else 1
                target.lost = min(target.max_points, target.lost + points)
    return nodes
