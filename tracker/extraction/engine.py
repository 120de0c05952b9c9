"""Turn the text of a directive into a proposed header and task list for human review.

Four stages, each with its own tests:

1. reading the document (layout.py): page chrome, markdown, pipe-drawn, tab and .docx
   tables, labelled task records and hard-wrapped lines become one logical line per
   paragraph, outline item or table row; the header is read from it (header.py);
2. subjects and their scope (subjects.py and below): agency lists, shared heads ("các Bộ:
   Công an, Tài chính"), and the outline — a subject named by an item (I., 1., 1.1., a))
   reaches that item's deeper sub-items and stops at the next item of its level;
3. dates and cadences (dates.py): deadlines through the office's working calendar
   (tracker.deadlines.calendar), cadences with their first due date after the issue date,
   periods from an event that has not happened ("chờ sự kiện"), two-hop reports;
4. proposed tasks, each with the words that justified its fields (`sources`).

Within a paragraph the engine reads sentence by sentence:

* a paragraph may open with its subject ("Sở Tài chính: ...", "Các Sở Tài chính, Nội vụ,
  Nông nghiệp và Môi trường: ..."); a sentence may name its own ("Sở Nội vụ theo dõi ...",
  "... giao các Sở, Ban, ngành ...") or inherit the last one;
* each deadline phrase in a sentence gives one task per subject agency; a sentence that is
  only a deadline ("Thời hạn hoàn thành trước ngày 30/6/2025.") completes the one before;
* a cadence ("Hằng tháng", "định kỳ hàng quý", "báo cáo 6 tháng ... trước ngày 05/7")
  gives a recurring task; "gửi Sở X trước ngày A để tổng hợp, báo cáo UBND tỉnh trước ngày
  B" and "(qua Sở X tổng hợp)" give the report-via agency;
* sentences with a subject but no deadline give one undated task per subject and paragraph.

It uses regular expressions and the registry only: deterministic, no network, no model.
The output is a proposal; every doubt becomes a warning with a Vietnamese message.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from tracker.extraction.dates import (
    Cadence,
    Deadline,
    find_cadences,
    find_deadlines,
    last_day_of_month,
)
from tracker.extraction.header import parse_header
from tracker.extraction.layout import normalise_layout, outline_depth, tab_rows
from tracker.extraction.registry import Match, Registry
from tracker.extraction.subjects import Item, Span, parse_list
from tracker.extraction.textutil import clean_text, expand_words, fold_keep_length

__all__ = ["COLLECTIVE_AGENCY", "MAX_CHARS", "WARNING_CODES", "extract"]

#: `agency` of a task addressed to a group ("Các Sở, Ban, ngành"); the phrase itself is
#: kept in the task's notes and `collective_kind` says which group. score_extraction.py
#: and its answer keys use "*" for such subjects.
COLLECTIVE_AGENCY = "*"

#: Longer input is cut to bound the time a paste can take; a directive is rarely 100 KB.
MAX_CHARS = 2_000_000

WARNING_CODES = (
    "due-before-issued",
    "unknown-agency",
    "deadline-without-agency",
    "invalid-date",
    "former-agency",
    "awaiting-event",
)

_SECTION = re.compile(
    r"\s*(?:(?-i:[IVXLC]+)[.)]|(?:phần|mục|chương|điều)\s+\w+[.:])", re.IGNORECASE
)
_WRAP_WIDTH = 130  # a line this short without final punctuation may be a wrapped one
_BULLET = re.compile(
    r"^\s*(?:(?P<section>(?:(?-i:[IVXLC]+)|\d+(?:\.\d+)*)[.)]|(?:phần|mục|chương)\s+[\w]+[.:]?)"
    r"|[-–—•●○▪+*·]|[a-zđ][.)]|\(\w{1,3}\))\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-ZÀ-Ỹ0-9])")
_NO_SPLIT_BEFORE = re.compile(
    r"(?:\b(?:TP|Tp|tp|TX|Tx|P|X|Th|ThS|TS|PGS|GS|KT|TM|TL|Q|St|v\.v|Ô|B|Đ/c|đ/c|Số|No)\.)$"
)
_LEAD_IN = re.compile(
    r"^\s*(?:(?:đối với|riêng|về phía|giao cho|giao|yêu cầu|đề nghị|đồng ý|chỉ đạo|chấp thuận"
    r"|cho phép)\s+)+",
    re.IGNORECASE,
)
_TRIGGER = re.compile(r"(?<![\w])(?P<pre>\w+\s+)?(?:giao|yeu cau|de nghi)(?:\s+cho)?\s+(?=\w)")
_NOT_TRIGGER_PRE = {"duoc", "ban", "chuyen", "da", "se", "dang", "bi", "noi", "theo", "khi", "tai"}
_CO = re.compile(r"(?<![\w])phoi hop(?:\s+chat che)?\s+(?:voi|cung)\s+(?=\w)")
_VIA = re.compile(
    r"(?<![\w])(?P<how>thong qua|qua|gui(?:\s+(?:bao cao|ket qua|van ban|ho so|du thao|de xuat|"
    r"y kien)(?:\s*,\s*(?:bao cao|ket qua|ho so|van ban))?)?(?:\s+(?:ve|den|toi|cho))?)\s+(?=\w)"
)
_VIA_CONFIRM = re.compile(r"^[^.;]{0,60}?(?:tong hop|tham dinh|theo doi|tiep nhan)")
_WRITTEN_DATE = re.compile(
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{2,4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?",
    re.IGNORECASE,
)
_SEND_THEN = re.compile(r"\s*(?:truoc|cham nhat|trong (?:vong|thang|quy))\b")
_CHAIN_BETWEEN = re.compile(r"(?:tong hop|tham dinh|xem xet)[^.;]{0,40}?(?:bao cao|trinh)")
_DEADLINE_ONLY = re.compile(
    r"^\W*(?:thoi han|thoi gian|han|hoan thanh|xong|cham nhat|truoc|trong)\b", re.IGNORECASE
)
_CLOSING = re.compile(
    r"thong bao (?:de|cho)|(?:de|xin) (?:cac co quan[\w ,]*)?biet,? (?:va )?thuc hien|noi nhan"
    r"|quan tam,? (?:chi dao,? )?(?:va )?thuc hien\W*$"
)
_NARRATIVE_AFTER_SUBJECT = re.compile(r"^\s*(?:da|dang|vua)\b")
_ASSIGNMENT_OPENING = re.compile(
    r"(?:ket luan|yeu cau|chi thi|chi dao|giao nhiem vu|de nghi|nhiem vu|to chuc thuc hien"
    r"|nhu sau|sau day|noi dung sau)(?: cu the)?(?: nhu sau)?\s*:\s*$"
)
_TITLE = re.compile(
    r"\s*(?:bo truong|tong giam doc|giam doc|chu tich|thu truong|truong ban|chanh van phong"
    r"|chanh thanh tra|tong cuc truong|cuc truong)\s+"
)
# "Bộ trưởng các Bộ: Quốc phòng, Công an": the ministers' ministries (a shared-head list)
_TITLE_OF_LIST = re.compile(r"cac (?:(?:bo|tap doan|tong cong ty|so|cuc)\s*:|(?:bo|tap doan)\b)")
_CLAUSE_COMMA = re.compile(r", (?=\w)")
_LEAD_ROLE = re.compile(
    r"(?:chu tri|co trach nhiem|chiu trach nhiem|khan truong|tham muu|la co quan dau moi"
    r"|phoi hop voi)\b"
)
_HEAD_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/((?:19|20)\d{2})(?!\d)")
_OPENING_BEFORE_COLON = re.compile(r"(?:nhu sau|y kien|chi dao|yeu cau|ket luan)\s*$")
_TOPIC = re.compile(r"^\W*(?:ve|doi voi|rieng|trong do|nhiem vu|ve viec)\b")
_ISSUER_LIKE = re.compile(r"^(?:uy ban nhan dan|hoi dong nhan dan|ubnd|hdnd) (?:tinh|thanh pho)$")


@dataclass
class _Subject:
    items: list[Item]
    source: str  # heading | sentence | trigger | inherited
    depth: int = 99  # outline depth of the item that named it (99: not an outline item)

    def key(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.items)


@dataclass
class _Anchor:
    """Something in a sentence that gives a task: a deadline, a cadence, or both."""

    start: int
    end: int
    due: date | None = None
    deadline: Deadline | None = None
    cadence: str | None = None
    period_due_day: str | None = None
    via: Item | None = None
    via_due: date | None = None
    event: str | None = None  # "kể từ ngày Thông tư … có hiệu lực": due when the event is known
    written: str = ""  # the deadline or cadence phrase as the text writes it
    notes: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


@dataclass
class _Context:
    registry: Registry
    year: int | None
    base: date | None
    issued: date | None
    tasks: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    last_group: list[Item] = field(default_factory=list)
    undated_allowed: bool = True
    table_roles: dict[str, int] | None = None
    table_group: list[Item] = field(default_factory=list)
    last_flushed: tuple[tuple[str, ...], str, list[dict]] | None = None
    last_flushed_subject: _Subject | None = None


def extract(text: str, registry: Registry, *, base_date: date | None = None) -> dict:
    """Propose the header and tasks of a directive for a person to review.

    `base_date` anchors relative deadlines ("trong vòng 60 ngày") that name no date; the
    issue date is used when it is not given. Never raises on any text; the same input
    always gives the same output.
    """
    if isinstance(text, str):  # tabs are table cells only until clean_text turns them to spaces
        text = tab_rows(text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n"))
    text = normalise_layout(clean_text(text)[:MAX_CHARS])
    document = _Pair(text, fold_keep_length(text))  # folded once: the costliest step
    header = parse_header(text, document.folded)
    year = next((d.year for d in (header.issued, header.meeting, base_date) if d is not None), None)
    if year is None:
        # a news page quoting a letter: the year of the first full date at its head
        # ("09:10, 14/10/2021") completes "trước ngày 28-10"
        head = _HEAD_DATE.search(document.folded, 0, 400)
        year = int(head.group(1)) if head else None
    context = _Context(
        registry=registry,
        year=year,
        base=base_date or header.issued,
        issued=header.issued,
    )
    carried: _Subject | None = None
    paragraphs = _paragraphs(document)
    opening = _first_assignment(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        context.undated_allowed = index >= opening
        carried = _paragraph(paragraph, context, carried)
    return {
        "directive": header.as_dict(),
        "tasks": context.tasks,
        "warnings": _dedupe(context.warnings),
    }


# -- paragraphs and sentences -----------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    """A piece of the document with its folded copy (same length, same offsets)."""

    text: str
    folded: str

    def __getitem__(self, index: slice) -> _Pair:
        return _Pair(self.text[index], self.folded[index])

    def strip(self) -> _Pair:
        left = len(self.text) - len(self.text.lstrip())
        return self[left : len(self.text.rstrip())]

    def join(self, other: _Pair) -> _Pair:
        return _Pair(f"{self.text} {other.text}", f"{self.folded} {other.folded}")


def _paragraphs(document: _Pair) -> list[_Pair]:
    """Split on lines, joining lines a PDF or e-mail wrapped in the middle of a sentence."""
    paragraphs: list[_Pair] = []
    previous = ""  # the last physical line
    start = 0
    for raw in document.text.split("\n"):
        pair = document[start : start + len(raw)].strip()
        start += len(raw) + 1
        line = pair.text
        if not line:
            previous = ""
            continue
        if (
            previous
            and len(previous) <= _WRAP_WIDTH
            and not previous.endswith((".", ":", ";", "!", "?", "”", '"', ")"))
            and "|" not in previous
            and "|" not in line
            and not previous.isupper()
            and not _SECTION.match(previous)
            and (line[:1].islower() or previous.endswith((",", "-", "–")))
            and not _BULLET.match(line)
        ):
            paragraphs[-1] = paragraphs[-1].join(pair)
        else:
            paragraphs.append(pair)
        previous = line
    return paragraphs


def _first_assignment(paragraphs: list[_Pair]) -> int:
    """Index of the paragraph after "... kết luận như sau:" / "... yêu cầu:", else 0.

    Before it come the news lead, the meeting's background and the assessment; agencies
    named there are not being given work, so they give no undated tasks.
    """
    for index, paragraph in enumerate(paragraphs):
        if _ASSIGNMENT_OPENING.search(paragraph.folded[-200:]):
            return index + 1
    return 0


def _sentences(paragraph: _Pair) -> list[_Pair]:
    """Split a paragraph into sentences, not after abbreviations like "TP." or "v.v."."""
    text = paragraph.text
    parts: list[_Pair] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _NO_SPLIT_BEFORE.search(text[max(start, match.start() - 8) : match.start()]):
            continue
        parts.append(paragraph[start : match.start()].strip())
        start = match.end()
    parts.append(paragraph[start:].strip())
    return [part for part in parts if part.text]


def _paragraph(paragraph: _Pair, context: _Context, carried: _Subject | None) -> _Subject | None:
    """Extract the tasks of one paragraph; return the subject later paragraphs inherit."""
    bullet = _BULLET.match(paragraph.text)
    is_section = bool(bullet and bullet.group("section"))
    body = paragraph[bullet.end() :] if bullet else paragraph
    if body.text.count("|") >= 2:
        _table_row(body, context, carried)
        return carried
    depth = outline_depth(paragraph.text)
    heading, body = _heading(body, context.registry)
    if heading is None and depth is not None and depth <= 5:
        heading, body = _bare_heading(body, context.registry)
    if heading is not None and depth is not None:
        heading.depth = depth
    # an outline item deeper than the one that named the subject stays in its scope
    inside = carried is not None and depth is not None and depth > carried.depth
    subject = heading or carried
    if heading is not None:
        carried = heading
    elif is_section and not inside:
        carried = None
        subject = None
    state = _ParagraphState(subject=subject, heading=heading)
    for sentence in _sentences(body):
        _sentence(sentence, context, state)
        state.seen_sentence = True
    _flush_undated(context, state)
    named = [item for item in state.leads if item.kind != "collective"]
    if named:
        context.last_group = named
    if inside:
        return carried
    if heading is None and state.first_subject is not None:
        carried = None  # a paragraph that names its own subjects ends the heading's reach
        if depth is not None and depth <= 5 and not body.text.rstrip().endswith((".", ";", "!")):
            # "3. Bộ Tài chính … thực hiện các nhiệm vụ sau:" heads 3.1., 3.2., …
            carried = _Subject(state.first_subject.items, "heading", depth)
    if body.text.rstrip().endswith(":") and heading is None and state.first_subject is None:
        carried = None  # "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:" opens a new section
    return carried


def _bare_heading(body: _Pair, registry: Registry) -> tuple[_Subject | None, _Pair]:
    """ "1. Sở Khoa học và Công nghệ" alone on its line heads the sub-items below it."""
    text = body.text.rstrip(" .:")
    if not text or text.endswith((";", ",")) or len(text) > 300:
        return None, body
    lead = _LEAD_IN.match(text)
    offset = lead.end() if lead else 0
    span = Span(text[offset:], body.folded[offset : len(text)])
    if not span.tokens:
        return None, body
    items, end = parse_list(span, registry, 0)
    if not items or end != len(span.tokens):
        return None, body
    return _Subject(items, "heading"), body[len(body.text) :]


def _heading(body: _Pair, registry: Registry) -> tuple[_Subject | None, _Pair]:
    """Return the subject of "Sở Tài chính: ..." and the text after the colon."""
    colon = body.text.find(":")
    if colon <= 0 or colon > 400:
        return None, body
    lead = _LEAD_IN.match(body.text)
    offset = lead.end() if lead else 0
    span = Span(body.text[offset : colon + 1], body.folded[offset : colon + 1])
    if not span.tokens:
        return None, body
    items, end = parse_list(span, registry, 0)
    if not items or end != len(span.tokens):
        return None, body
    # "Giao các Bộ: Công an, Tài chính …": the colon is inside a shared-head list
    _, whole, _ = _Text(body.text, body.folded).parse(registry, offset)
    if len(whole) > len(items) or any(
        a.surface != b.surface for a, b in zip(whole, items, strict=False)
    ):
        return None, body
    return _Subject(items, "heading"), body[colon + 1 :].strip()


@dataclass
class _ParagraphState:
    subject: _Subject | None
    heading: _Subject | None
    first_subject: _Subject | None = None
    leads: list[Item] = field(default_factory=list)
    undated: dict[tuple[str, ...], tuple[_Subject, list[str], list[Item]]] = field(
        default_factory=dict
    )
    last_undated: tuple[tuple[str, ...], str] | None = None
    seen_sentence: bool = False


_FIRST_WORD = re.compile(r"\s*([\w&]+(?:-[\w&]+)*)[\s,]*(\w*)")
_LIST_STARTERS = frozenset(
    "uy ubnd thu lanh chu nguoi bo ban bao trung chi kho ngan lien tinh benh cong van"
    " thanh dien hoi mat so dai cuc doan truong vien quy hiep".split()
)
# "các" starts a list only before an agency noun: "các Sở", "các cơ quan", "các xã"
_AFTER_CAC = frozenset(
    "so ban nganh co don dia xa phuong dac huyen thanh thi to doan hoi doanh chu bo tap tong"
    " cuc benh trung cong dai vien truong".split()
)


def _may_start_list(word: str, following: str, registry: Registry) -> bool:
    """Cheap test before tokenising: can an agency list start with this folded word?"""
    if word == "cac":
        return following in _AFTER_CAC
    return word in _LIST_STARTERS or expand_words(word)[0] in registry.trie


_WINDOWS = (64, 400, 4000)  # characters tokenised to read a list; grown when it fills one


@dataclass
class _Text:
    """A sentence and its folded copy; tokenised only in windows where lists may start."""

    text: str
    folded: str

    def parse(
        self, registry: Registry, start: int, *, allow_unknown: bool = True
    ) -> tuple[Span, list[Item], int]:
        """Parse the agency list at character `start`; return (window, items, end token).

        Only a window after `start` is tokenised, grown while the list fills it, so a
        long sentence costs little when the list is short (it nearly always is).
        """
        first = _FIRST_WORD.match(self.folded, start)
        if first is None or not _may_start_list(first.group(1), first.group(2), registry):
            return Span(""), [], 0
        for size in _WINDOWS:
            end = start + size
            span = Span(self.text[start:end], self.folded[start:end])
            items, end_token = parse_list(span, registry, 0, allow_unknown=allow_unknown)
            if end_token < len(span.tokens) - 1 or end >= len(self.text):
                break
        return span, items, end_token


def _sentence(pair: _Pair, context: _Context, state: _ParagraphState) -> None:
    sentence = pair.text
    span = _Text(sentence, pair.folded)
    if _CLOSING.search(span.folded):
        return
    own = _own_subject(span, context, state)
    if own is not None:
        if state.first_subject is None:
            state.first_subject = own
        state.subject = own if own.source != "trigger" or state.heading is None else state.subject
        subject: _Subject | None = own
    else:
        subject = state.subject
    if subject is not None:
        subject = _expand_backref(subject, context, state)

    anchors = _anchors(span, context)
    if not anchors:
        if subject is not None and context.undated_allowed:
            key = subject.key()
            entry = state.undated.setdefault(key, (subject, [], []))
            entry[1].append(sentence)
            entry[2].extend(_co_agencies(span, context.registry))
            state.last_undated = (key, sentence)
            _remember_leads(state, subject)
        else:
            state.last_undated = None
        return

    text = sentence
    if own is None and _deadline_only(span, anchors):
        if state.last_undated is not None:
            key, previous = state.last_undated
            entry = state.undated.get(key)
            if entry and entry[1] and entry[1][-1] is previous:
                entry[1].pop()
                text = f"{previous} {sentence}"
        elif not state.seen_sentence and subject is not None:
            text = _reclaim_undated(context, subject, sentence)
        elif not state.seen_sentence and context.last_flushed_subject is not None:
            # "Thời gian hoàn thành trước ngày …" on its own line closes the item before it
            subject = context.last_flushed_subject
            text = _reclaim_undated(context, subject, sentence)
            if text == sentence:
                subject = None
    state.last_undated = None

    if subject is None:
        context.warnings.append(
            _warning(
                "deadline-without-agency",
                "Câu có thời hạn nhưng không xác định được cơ quan chủ trì.",
                sentence,
            )
        )
        return
    _remember_leads(state, subject)
    co = _co_agencies(span, context.registry)
    for anchor in anchors:
        for item in subject.items:
            _emit(context, item, anchor, co, text)


def _remember_leads(state: _ParagraphState, subject: _Subject) -> None:
    for item in subject.items:
        if all(item.name != known.name for known in state.leads):
            state.leads.append(item)


def _own_subject(sentence: _Text, context: _Context, state: _ParagraphState) -> _Subject | None:
    """The subject a sentence names itself: at its start, or after "giao"/"yêu cầu"."""
    registry = context.registry
    best: _Subject | None = None
    lead = _LEAD_IN.match(sentence.text)
    start = lead.end() if lead else 0
    title = _TITLE.match(sentence.folded, start)
    if title and (
        sentence.text[title.end() : title.end() + 1].isupper()
        or _TITLE_OF_LIST.match(sentence.folded, title.end())
    ):
        start = title.end()  # "Bộ trưởng Bộ Tài chính …" is the ministry's task
    span, items, end = sentence.parse(registry, start)
    if items:
        items = [item for item in items if not _ISSUER_LIKE.match(_folded_name(item))]
        if items:
            best = _Subject(items, "trigger" if lead else "sentence")
            if not lead and end < len(span.tokens):
                rest = span.folded[span.tokens[end].start :]
                if _NARRATIVE_AFTER_SUBJECT.match(rest):
                    best = None
    if best is None:
        # "Về dự án …: Ủy ban nhân dân tỉnh X rà soát …": the subject follows the topic
        colon = sentence.folded.find(": ", 0, 600)
        if colon > 0 and (
            _TOPIC.match(sentence.folded) or _OPENING_BEFORE_COLON.search(sentence.folded[:colon])
        ):
            _, items, _ = sentence.parse(registry, colon + 2)
            items = [item for item in items if not _ISSUER_LIKE.match(_folded_name(item))]
            if items:
                best = _Subject(items, "sentence")
    if best is None:
        # "Trên cơ sở kết quả khảo sát, Sở Xây dựng chủ trì, …": after an opening clause
        role = _LEAD_ROLE.search(sentence.folded, 0, 400)
        for comma in _CLAUSE_COMMA.finditer(sentence.folded, 0, role.start() if role else 0):
            span, items, end = sentence.parse(registry, comma.end())
            items = [item for item in items if item.kind == "named"]
            if not items or end >= len(span.tokens):
                continue
            if _LEAD_ROLE.match(span.folded, span.tokens[end].start):
                best = _Subject(items, "sentence")
                break
    for match in _TRIGGER.finditer(sentence.folded):
        pre = (match.group("pre") or "").strip()
        if pre in _NOT_TRIGGER_PRE or (lead and match.end() <= lead.end()):
            continue
        _, items, _ = sentence.parse(registry, match.end())
        items = [item for item in items if not _ISSUER_LIKE.match(_folded_name(item))]
        if items:
            if state.heading is not None and best is None:
                continue  # "Sở X: ... yêu cầu các đơn vị ..." keeps Sở X as the lead
            return _Subject(items, "trigger")
    return best


def _folded_name(item: Item) -> str:
    return " ".join(fold_keep_length(item.surface).split())


def _expand_backref(subject: _Subject, context: _Context, state: _ParagraphState) -> _Subject:
    """Replace "các cơ quan ... được giao nhiệm vụ nêu trên" by the agencies it refers to."""
    if not any(item.backref for item in subject.items):
        return subject
    group = [item for item in state.leads if item.kind != "collective"] or context.last_group
    if not group:
        return subject
    items: list[Item] = []
    for item in subject.items:
        items.extend(group if item.backref else [item])
    return _Subject(items, subject.source)


def _deadline_only(span: _Text, anchors: list[_Anchor]) -> bool:
    """True for "Thời hạn hoàn thành trước ngày 30/6/2025." and similar."""
    if not _DEADLINE_ONLY.match(span.folded):
        return False
    rest = span.folded
    for anchor in sorted(anchors, key=lambda a: a.start, reverse=True):
        rest = rest[: anchor.start] + rest[anchor.end :]
    letters = re.sub(r"[^a-z]", "", rest)
    return len(letters) <= 40


# -- deadlines, cadences and report-via agencies -----------------------------------------


@dataclass
class _Via:
    start: int
    end: int
    item: Item
    how: str


def _vias(sentence: _Text, registry: Registry) -> list[_Via]:
    found: list[_Via] = []
    for match in _VIA.finditer(sentence.folded):
        span, items, _ = sentence.parse(registry, match.end(), allow_unknown=False)
        items = [item for item in items if item.kind == "named"]
        if not items:
            continue
        item = items[0]
        item_end = match.end() + span.tokens[item.end - 1].end
        after = sentence.folded[item_end:]
        how = match.group("how")
        confirmed = bool(_VIA_CONFIRM.match(after)) or after.lstrip().startswith(")")
        if how.startswith("gui") and not confirmed:
            # "gửi Sở Tư pháp trước ngày 15/11" or "gửi Sở X ..., báo cáo UBND tỉnh"
            later = after[:200].split(";")[0]
            confirmed = bool(_SEND_THEN.match(after) or re.search(r"bao cao|trinh", later))
        if confirmed:
            found.append(_Via(match.start(), item_end, item, how))
    return found


def _anchors(span: _Text, context: _Context) -> list[_Anchor]:
    folded = span.folded
    deadlines = find_deadlines(folded, context.year, context.base)
    cadences = find_cadences(folded)
    vias = _vias(span, context.registry) if (deadlines or cadences) else []
    anchors: list[_Anchor] = []
    chained: set[int] = set()

    # two hops: "gửi Sở Tài chính trước ngày 05/7 để tổng hợp, báo cáo UBND tỉnh trước ngày 10/7"
    via_due: dict[int, tuple[_Via, Deadline]] = {}
    for via in vias:
        if not via.how.startswith("gui"):
            continue
        for index, first in enumerate(deadlines):
            if not 0 <= first.start - via.end <= 4:
                continue
            for later in range(index + 1, len(deadlines)):
                between = folded[first.end : deadlines[later].start]
                if ";" in between or not _CHAIN_BETWEEN.search(between):
                    continue
                chained.add(index)
                via_due[later] = (via, first)
                break

    # "trước ngày 01/6 và 15/11 hằng năm": several days of the year, one recurring task
    joined = _joined_days(folded, deadlines)
    chained |= set(joined)
    used: set[int] = set()
    for index, deadline in enumerate(deadlines):
        if index in chained:
            continue
        anchor = _Anchor(deadline.start, deadline.end, deadline=deadline)
        # two hops: the lead's own deadline is the first ("gửi Sở X trước 05/7"), the via
        # agency's the later one ("báo cáo UBND tỉnh trước 10/7")
        own, hop = deadline, None
        if index in via_due:
            via, own = via_due[index]
            hop = deadline
            anchor.start = min(anchor.start, via.start)
            anchor.via = via.item
        cadence = _pair_cadence(folded, deadline, deadlines, index, cadences, used)
        days = [deadlines[i] for i in sorted(i for i, j in joined.items() if j == index)]
        if cadence == "annual" and days:
            days.append(deadline)
            cadence = {2: "semiannual", 4: "quarterly", 12: "monthly"}.get(len(days), cadence)
            anchor.start = min(anchor.start, days[0].start)
        if cadence is not None:
            anchor.cadence = cadence
            anchor.period_due_day = _period_day(own)
            # the first period's deadline: the first such day after the issue date
            anchor.due = _first_due(context.issued, cadence, [*days, own] if days else [own])
        else:
            anchor.due = own.due
            if hop is not None and not (hop.due is None and hop.has_year is False):
                anchor.via_due = hop.due
        for part in (own, hop):
            if part is not None and part.invalid:
                anchor.invalid.append(span.text[part.start : part.end])
        if own.invalid:
            anchor.due = None
        if own is not deadline:
            anchor.notes.extend(own.notes)
        if own.event is not None:
            anchor.event = " ".join(span.text[own.event[0] : own.event[1]].split())
        anchor.notes.extend(deadline.notes)
        anchors.append(anchor)
    seen: set[str] = {a.cadence for a in anchors if a.cadence}
    for index, cadence in enumerate(cadences):
        if index in used or cadence.cadence in seen:
            continue
        seen.add(cadence.cadence)
        anchors.append(_Anchor(cadence.start, cadence.end, cadence=cadence.cadence))
    anchors.sort(key=lambda a: a.start)
    for anchor in anchors:
        anchor.written = span.text[anchor.start : anchor.end].strip()
    _assign_vias(span, anchors, vias)
    # "định kỳ 6 tháng, hằng năm (qua Sở Tài chính)": a list of cadences shares its via
    for first, second in reversed(list(itertools.pairwise(anchors))):
        if (
            first.via is None
            and second.via is not None
            and first.cadence
            and second.cadence
            and _CADENCE_JOIN.match(folded[first.end : second.start])
        ):
            first.via = second.via
    return anchors


_AFTER_EVENT = re.compile(r"\s*(?:hoan thanh |trong vong [^,;]{1,30} )?(?:sau khi|ke tu khi)\b")
_CADENCE_JOIN = re.compile(r"^\s*(?:,|va|hoac)?\s*$")
_DAYS_BETWEEN = re.compile(r"^\s*(?:(?:,|va)\s*(?:ngay\s*)?)?$")


def _joined_days(folded: str, deadlines: list[Deadline]) -> dict[int, int]:
    """Map each day of "ngày 01/6 và 15/11 hằng năm" but the last to the last one."""
    joined: dict[int, int] = {}
    run: list[int] = []
    for index, deadline in enumerate(deadlines):
        yearless = deadline.kind == "date" and not deadline.has_year
        if (
            run
            and yearless
            and _DAYS_BETWEEN.match(folded[deadlines[run[-1]].end : deadline.start])
        ):
            run.append(index)
        else:
            _close_run(run, joined)
            run = [index] if yearless else []
    _close_run(run, joined)
    return joined


def _close_run(run: list[int], joined: dict[int, int]) -> None:
    if len(run) > 1:
        for index in run[:-1]:
            joined[index] = run[-1]


def _pair_cadence(
    folded: str,
    deadline: Deadline,
    deadlines: list[Deadline],
    index: int,
    cadences: list[Cadence],
    used: set[int],
) -> str | None:
    """The cadence a deadline day belongs to ("trước ngày 20 hằng tháng", "báo cáo năm
    trước ngày 15/12"), or None for a one-off deadline. Dates with a year are one-off."""
    if deadline.kind == "day":
        for c_index, cadence in enumerate(cadences):
            if cadence.start >= deadline.start and cadence.start < deadline.end + 3:
                used.add(c_index)
        return deadline.period
    if deadline.kind != "date" or deadline.has_year:
        return None
    # a cadence right after the date: "trước ngày 15/12 hằng năm"
    attached = None
    for c_index, cadence in enumerate(cadences):
        if c_index not in used and 0 <= cadence.start - deadline.end <= 3:
            attached = cadence.cadence
            used.add(c_index)
            break
    previous_end = deadlines[index - 1].end if index > 0 else 0
    nearest = None
    for c_index, cadence in enumerate(cadences):
        if c_index in used or not previous_end <= cadence.start < deadline.start:
            continue
        between = folded[cadence.end : deadline.start]
        if ";" in between or len(between) > 160:
            continue
        if attached is None or cadence.cadence == attached:
            nearest = c_index
    if nearest is not None:
        used.add(nearest)
        return attached or cadences[nearest].cadence
    return attached


def _first_due(issued: date | None, cadence: str, days: list[Deadline]) -> date | None:
    """The first deadline after `issued` of "trước ngày 20 hằng tháng", "trước ngày 15 của
    tháng cuối quý", "trước ngày 01/6 và 15/11 hằng năm"; None when the text fixes no day."""
    if issued is None:
        return None
    candidates: list[date] = []
    for deadline in days:
        if deadline.day is None or deadline.invalid:
            continue
        if deadline.month is not None:
            months = [deadline.month]
        elif cadence == "monthly":
            months = list(range(1, 13))
        elif cadence in ("quarterly", "quarterly-cumulative"):
            months = [3, 6, 9, 12]
        else:
            continue
        for year in (issued.year, issued.year + 1):
            for month in months:
                day = min(deadline.day, last_day_of_month(year, month).day)
                candidate = date(year, month, day)
                if candidate > issued:
                    candidates.append(candidate)
    return min(candidates) if candidates else None


def _period_day(deadline: Deadline) -> str | None:
    if deadline.day is None:
        return None
    if deadline.month is None:
        return f"{deadline.day:02d}"
    return f"{deadline.day:02d}/{deadline.month:02d}"


def _assign_vias(span: _Text, anchors: list[_Anchor], vias: list[_Via]) -> None:
    """Give each task the report-via agency written in its part of the sentence."""
    if not vias:
        return
    bounds = _unit_bounds(span.folded, anchors)
    for anchor, (low, high) in zip(anchors, bounds, strict=True):
        if anchor.via is not None:
            continue
        for via in vias:
            if low <= via.start < high:
                anchor.via = via.item
                break


def _unit_bounds(folded: str, anchors: list[_Anchor]) -> list[tuple[int, int]]:
    """Cut the sentence into one piece per anchor, at the first ';' or ',' between two."""
    bounds = []
    low = 0
    for position, anchor in enumerate(anchors):
        if position == len(anchors) - 1:
            bounds.append((low, len(folded) + 1))
            break
        following = anchors[position + 1].start
        cut = following
        for mark in (";", ","):
            found = folded.find(mark, anchor.end, following)
            if found != -1:
                cut = found
                break
        bounds.append((low, cut))
        low = cut
    return bounds


def _co_agencies(sentence: _Text, registry: Registry) -> list[Item]:
    items: list[Item] = []
    for match in _CO.finditer(sentence.folded):
        _, found, _ = sentence.parse(registry, match.end())
        for item in found:
            if all(item.name != known.name for known in items):
                items.append(item)
    return items


# -- output -----------------------------------------------------------------------------


def _emit(context: _Context, item: Item, anchor: _Anchor, co: list[Item], text: str) -> None:
    task = _task(context, item, text)
    task["co_agencies"] = _co_names(co, task["agency"])
    task["due"] = anchor.due.isoformat() if anchor.due else None
    task["cadence"] = anchor.cadence
    task["period_due_day"] = anchor.period_due_day
    if anchor.via is not None and anchor.via.name != task["agency"]:
        # "Sở Nội vụ … (qua Sở Nội vụ tổng hợp)": an agency does not report through itself
        task["via"] = anchor.via.name
        if anchor.via.match is not None and anchor.via.match.note:
            task["notes"].append(anchor.via.match.note)
    if anchor.written:
        task["sources"]["cadence" if anchor.cadence else "due"] = anchor.written
    if task["via"] is not None:
        task["sources"]["via"] = anchor.via.surface
    if task["via"] is not None and anchor.via_due:
        task["via_due"] = anchor.via_due.isoformat()
    task["notes"].extend(anchor.notes)
    if anchor.event:
        _flag(
            context,
            task,
            "awaiting-event",
            f"Thời hạn tính từ một sự kiện chưa xảy ra («{anchor.event}»): chờ sự kiện, "
            "chưa đề xuất ngày; nhập thời hạn khi biết ngày của sự kiện.",
        )
    for raw in anchor.invalid:
        written = _WRITTEN_DATE.search(raw)
        raw = written.group() if written else raw
        _flag(context, task, "invalid-date", f"Ngày «{raw}» không tồn tại; để trống thời hạn.")
    if anchor.due and context.issued and anchor.due < context.issued:
        _flag(
            context,
            task,
            "due-before-issued",
            f"Thời hạn {anchor.due:%d/%m/%Y} trước ngày ban hành {context.issued:%d/%m/%Y}; "
            "cần kiểm tra lại.",
        )
    context.tasks.append(task)


def _task(context: _Context, item: Item, text: str) -> dict:
    collective = item.kind == "collective"
    record = item.match.record if item.match is not None else None
    task: dict = {
        "agency": COLLECTIVE_AGENCY if collective else item.name,
        "agency_id": record.id if record is not None and not collective else None,
        "collective": collective,
        "collective_kind": item.collective_kind if collective else None,
        "co_agencies": [],
        "via": None,
        "via_due": None,
        "due": None,
        "cadence": None,
        "period_due_day": None,
        "text": text,
        # the words of the text that justified each field, for the review screen
        "sources": {"agency": item.surface},
        "warnings": [],
        "notes": [],
    }
    if collective:
        task["notes"].append(f"Giao chung: {item.surface}")
    elif record is None:
        _flag(
            context,
            task,
            "unknown-agency",
            f"Không tìm thấy «{item.surface}» trong danh mục cơ quan; giữ nguyên tên như văn bản.",
        )
    elif item.match is not None and item.match.former is not None and item.match.note:
        task["notes"].append(item.match.note)
        _flag(context, task, "former-agency", f"{item.match.note}.")
    return task


def _co_names(co: list[Item], agency: str) -> list[str]:
    names: list[str] = []
    for item in co:
        if item.name != agency and item.name not in names:
            names.append(item.name)
    return names


def _flag(context: _Context, task: dict, code: str, message: str) -> None:
    if code not in task["warnings"]:
        task["warnings"].append(code)
    context.warnings.append(_warning(code, message, task["text"]))


def _warning(code: str, message: str, text: str) -> dict:
    return {"code": code, "message": message, "text": text}


def _flush_undated(context: _Context, state: _ParagraphState) -> None:
    context.last_flushed = None
    context.last_flushed_subject = None
    for subject, sentences, co in state.undated.values():
        if not sentences:
            continue
        text = " ".join(sentences)
        tasks = []
        for item in subject.items:
            task = _task(context, item, text)
            task["co_agencies"] = _co_names(co, task["agency"])
            context.tasks.append(task)
            tasks.append(task)
        context.last_flushed = (subject.key(), text, tasks)
        context.last_flushed_subject = subject


def _reclaim_undated(context: _Context, subject: _Subject, sentence: str) -> str:
    """A bullet that is only a deadline ("- Hoàn thành trước ngày 30/9/2025.") dates the
    undated task of the bullet before it, when that bullet had the same subject."""
    flushed = context.last_flushed
    if flushed is None or flushed[0] != subject.key():
        return sentence
    _, text, tasks = flushed
    if context.tasks[-len(tasks) :] != tasks or any(
        t is not c for t, c in zip(context.tasks[-len(tasks) :], tasks, strict=True)
    ):
        return sentence
    del context.tasks[-len(tasks) :]
    context.last_flushed = None
    context.last_flushed_subject = None
    return f"{text} {sentence}"


def _dedupe(warnings: list[dict]) -> list[dict]:
    seen: set[tuple[str, str, str]] = set()
    result = []
    for warning in warnings:
        key = (warning["code"], warning["message"], warning["text"])
        if key not in seen:
            seen.add(key)
            result.append(warning)
    return result


_COLUMN_ROLES = (
    ("lead", re.compile(r"chu tri|(?:don vi|co quan) thuc hien|chiu trach nhiem")),
    ("co", re.compile(r"phoi hop")),
    ("due", re.compile(r"thoi gian|thoi han|tien do|han hoan thanh")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|ten")),
)


def _table_row(row: _Pair, context: _Context, carried: _Subject | None) -> None:
    """One row of an assignment table: "STT | Nội dung | Chủ trì | Phối hợp | Thời hạn".

    A header row names the columns; without one, the lead is the first cell that is wholly
    an agency list, the co-agencies the next such cell, and the content the longest cell.
    """
    pairs: list[_Pair] = []
    start = 0
    for raw in row.text.split("|"):
        pairs.append(row[start : start + len(raw)].strip())
        start += len(raw) + 1
    # an agency cell lists with ";" and ends with ".": "Sở KH&CN; Sở Tư pháp."
    cells = [_list_cell(pair.text) for pair in pairs]
    folded = [_list_cell(pair.folded) for pair in pairs]
    roles: dict[str, int] = {}
    for index, cell in enumerate(folded):
        for role, pattern in _COLUMN_ROLES:
            if role not in roles and len(cell) < 60 and pattern.search(cell):
                roles[role] = index
                break
    if "lead" in roles and ("content" in roles or "due" in roles):
        context.table_roles = roles
        return
    roles = context.table_roles or {}
    lists: dict[int, list[Item]] = {}
    for index, cell in enumerate(cells):
        if not cell:
            continue
        text = _Text(cell, folded[index])
        span, items, end = text.parse(context.registry, 0)
        if items and end == len(span.tokens):
            lists[index] = items
    lead_index = roles.get("lead")
    if lead_index is not None and lead_index < len(cells) and cells[lead_index]:
        if lead_index not in lists:
            cell = cells[lead_index]
            partial = _cell_items(cell, folded[lead_index], context.registry)
            # the "chủ trì" cell names agencies then goes on, or names one we do not know
            lists[lead_index] = partial or [Item("unknown", 0, 0, cell, match=Match(None))]
    elif lead_index is None or lead_index not in lists:
        lead_index = next(iter(lists), None)
    leads = lists.get(lead_index, []) if lead_index is not None else []
    for item in leads:
        if item.kind != "collective" and all(item.name != g.name for g in context.table_group):
            context.table_group.append(item)
    if context.table_group:
        context.last_group = list(context.table_group)
    co_index = roles.get("co")
    if co_index is None:
        co_index = next((i for i in lists if i != lead_index), None)
    co = lists.get(co_index, []) if co_index is not None and co_index != lead_index else []
    content_index = roles.get("content")
    if content_index is None or content_index >= len(cells) or not cells[content_index]:
        content_index = max(range(len(cells)), key=lambda i: len(cells[i]))
    content = cells[content_index]
    anchors: list[_Anchor] = []
    due_index = roles.get("due")
    candidates = [due_index] if due_index is not None and due_index < len(cells) else []
    candidates += [i for i in range(len(cells)) if i not in candidates]
    for index in candidates:
        if index in (lead_index, co_index) or not cells[index]:
            continue
        if index == content_index and index != due_index:
            anchors = _anchors(_Text(cells[index], folded[index]), context)
        else:
            anchors = _cell_anchors(cells[index], context)
        if anchors:
            break
    subject = _Subject(leads, "table") if leads else carried
    if subject is None:
        if anchors:
            context.warnings.append(
                _warning(
                    "deadline-without-agency",
                    "Dòng bảng có thời hạn nhưng không xác định được cơ quan chủ trì.",
                    content,
                )
            )
        return
    subject = _expand_backref(subject, context, _ParagraphState(subject, None))
    for item in subject.items:
        if anchors:
            for anchor in anchors:
                _emit(context, item, anchor, co, content)
        elif context.undated_allowed:
            task = _task(context, item, content)
            task["co_agencies"] = _co_names(co, task["agency"])
            context.tasks.append(task)


def _cell_items(cell: str, folded: str, registry: Registry) -> list[Item]:
    """The agencies a cell lists before it goes on in prose, one list per "," piece."""
    items: list[Item] = []
    start = 0
    while start < len(cell):
        while start < len(cell) and cell[start] in " ,":
            start += 1
        if start >= len(cell):
            break
        span, found, end = _Text(cell, folded).parse(registry, start)
        named = [i for i in found if i.kind != "unknown" or len(i.surface) < 60]
        if not named:
            break
        items.extend(named)
        if end >= len(span.tokens):
            break
        rest = span.text[span.tokens[end].start :] if end < len(span.tokens) else ""
        stripped = rest.lstrip()
        if not stripped.startswith(","):
            break
        start += span.tokens[end].start
    return items


def _list_cell(cell: str) -> str:
    return cell.replace(";", ",").rstrip(" .")


def _cell_anchors(cell: str, context: _Context) -> list[_Anchor]:
    """Deadlines of a "Thời hạn" cell, where "Tháng 9/2025" or "30/6/2025" stand alone."""
    if re.fullmatch(r"\s*\d{4}(?:\s*[-–]\s*\d{4})?\s*", cell):
        cell = f"năm {cell.strip()}"  # a year (or years) alone in the "Thời gian" column
    elif re.fullmatch(r"\s*\d{1,2}\s*/\s*\d{4}\s*", cell):
        cell = f"tháng {cell.strip()}"  # "12/2025": a month
    for prefix in ("hoàn thành ", "; "):
        text = prefix + cell
        anchors = _anchors(_Text(text, fold_keep_length(text)), context)
        if anchors:
            return anchors
    if _AFTER_EVENT.match(fold_keep_length(cell)):
        # "Sau khi Nghị định … ban hành": due when the event is known
        event = " ".join(cell.split()).rstrip(".")
        return [_Anchor(0, len(cell), event=event, written=cell.strip())]
    return []
