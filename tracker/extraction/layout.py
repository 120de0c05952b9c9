"""Stage 1: read the document into logical lines, whatever page or converter it came from.

Real notices arrive as a law library's markdown page (bold markers, pipe-drawn layout
tables, a copyright banner and a summary before the letter, "related documents" after
it), as PDF or .doc text wrapped every 80 characters, or as one paragraph a line. The
engine reads paragraphs and sentences; this stage gives it one logical line per
paragraph, outline item or table row:

* markdown emphasis (``**``, ``*``) and heading marks go; lines of only dashes go;
* the page chrome before the letter (everything before the issuer block that precedes
  the national motto) and after it (a markdown heading after the letter, the site's
  "chưa cập nhật nội dung Tiếng Anh" line) is cut, so a summary that restates the tasks
  does not count them twice;
* pipe-drawn tables become one line per row, cells joined by " | ", when the table is a
  task table (a header row names the "chủ trì" column); layout tables (the header's
  two columns, Nơi nhận beside the signature) become plain lines again;
* hard-wrapped text is joined back into paragraphs: a line that does not end a sentence
  goes on in the next line unless that line opens an outline item;
* a task described as a record — content, then labelled lines "Đơn vị chủ trì: …",
  "Đơn vị phối hợp: …", "Thời gian thực hiện: …" — becomes one table row, so the
  labelled deadline applies to that record's agencies only.

Pure functions on strings, no registry: deterministic and cheap (linear in the text).
"""

from __future__ import annotations

import re

from tracker.extraction.textutil import fold_keep_length

__all__ = ["OUTLINE", "TABLE_HEADER", "normalise_layout", "outline_depth", "tab_rows"]

#: An outline marker at the start of a line: I., 1., 1.1., a), -, +, •
OUTLINE = re.compile(
    r"^\s*(?:(?P<roman>(?-i:[IVXLC]+)[.)])|(?P<num>\d{1,2}(?:\.\d{1,2})*)[.)]"
    r"|(?P<letter>[a-zđ]\))|(?P<dash>[-–—•●○▪])|(?P<plus>\+))(?=\s|$)"
)
#: The header line given to the engine before each record turned into a table row.
TABLE_HEADER = "Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành"

_MOTTO = re.compile(r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam")
_RULE = re.compile(r"^[\s\-–—_=.:|]{3,}$")  # also a markdown table's "|---|:---|" line
_TAIL = re.compile(r"^(?:#{1,6}\s|.*chua cap nhat noi dung tieng anh)")
_SENTENCE_END = (".", ":", ";", "!", "?", "…")
_TASK_HEADER = re.compile(r"chu tri|(?:don vi|co quan) thuc hien|chiu trach nhiem")
_TASK_HEADER_OTHER = re.compile(r"noi dung|nhiem vu|cong viec|thoi gian|thoi han|tien do|san pham")
_LABEL = re.compile(
    r"^\s*(?:[-–+•]\s*)?(?:[a-zđ]\)\s*)?"
    r"(?P<label>(?:don vi|co quan)\s+(?:chu tri|thuc hien|phoi hop)[\w ]{0,30}?"
    r"|thoi (?:gian|han)(?:\s+[a-z]+){0,3}?"
    r"|tien do(?:\s+thuc hien)?|nhiem vu|noi dung|co quan thuc hien|san pham[\w ]{0,20}?)"
    r"\s*:\s*"
)


def outline_depth(line: str) -> int | None:
    """Depth of the outline item a line opens (I. = 1, 1. = 2, 1.1. = 3, a) = 5, - = 6),
    or None for a plain line."""
    match = OUTLINE.match(line)
    if match is None:
        return None
    if match.group("roman"):
        return 1
    if match.group("num"):
        return 2 + match.group("num").count(".")
    if match.group("letter"):
        return 5
    return 6 if match.group("dash") else 7


def _clean_line(raw: str) -> tuple[str, bool]:
    """Strip markdown from one line; say whether it closed a bold run (a heading's end)."""
    line = raw.strip()
    closes_bold = line.endswith("**") and len(line) > 2 and not line[-3].isspace()
    line = line.replace("**", "")
    if line.startswith("* "):
        line = "- " + line[2:]
    line = line.replace("*", "")
    line = re.sub(r"^#{1,6}\s*", "", line).strip()
    if _RULE.match(line):
        line = ""
    return line, closes_bold


def _letter_bounds(lines: list[str]) -> tuple[int, int]:
    """First and last line of the letter inside a web page, (0, len) when it is bare."""
    start, end = 0, len(lines)
    folded = [fold_keep_length(line) for line in lines]
    for index in range(len(lines)):
        window = " ".join(folded[index : index + 3])
        if _MOTTO.match(window.strip()) or (
            folded[index] and _MOTTO.search(window) and _MOTTO.search(window).start() == 0
        ):
            start = _issuer_start(lines, index)
            # a bare letter starts with its issuer: only a page's chrome is cut
            if sum(1 for line in lines[:start] if line not in ("", "|")) < 6:
                start = 0
            break
    for index in range(start + 1, len(lines)):
        if _TAIL.match(folded[index]) and index > start + 5:
            end = index
            # the site restates the title on the line before "chưa cập nhật ..."
            if "tieng anh" in folded[index] and index - 1 > start:
                end = index - 1
            break
    return start, end


def _issuer_start(lines: list[str], motto: int) -> int:
    """The issuer's lines stand right before the motto, in capitals."""
    start = motto
    index = motto - 1
    seen = 0
    while index >= 0 and motto - index <= 8:
        line = lines[index]
        if line in ("", "|"):
            if seen:
                break
            index -= 1
            continue
        letters = [c for c in line if c.isalpha()]
        if fold_keep_length(line).startswith("so:"):
            start = index
            index -= 1
            continue
        if not letters or any(c.islower() for c in letters):
            break
        seen += 1
        start = index
        index -= 1
    return start


def normalise_layout(text: str) -> str:
    """Return the text as one logical line per paragraph, outline item or table row."""
    raw_lines = text.split("\n")
    cleaned = [_clean_line(raw) for raw in raw_lines]
    lines = [line for line, _ in cleaned]
    closes = [close for _, close in cleaned]
    start, end = _letter_bounds(lines)
    lines, closes = lines[start:end], closes[start:end]
    wrapped = _wrap_width(lines) if _is_wrapped(lines) else 0
    blocks = _tables(lines, closes)
    out: list[str] = []
    for kind, content, close_flags in blocks:
        if kind == "row":
            out.append(content[0])
            continue
        out.extend(_join(content, close_flags, wrapped))
    return "\n".join(_records(_drop_address_blocks(out)))


_ADDRESS = re.compile(r"^(?:(?:dong )?kinh gui|noi nhan)\b")
_LIST_ITEM = re.compile(r"^\s*[-–+•*]")


def _drop_address_blocks(lines: list[str]) -> list[str]:
    """Drop the Kính gửi and Nơi nhận blocks: addressees and copies are not assignees."""
    out: list[str] = []
    dropping = False
    for line in lines:
        if _ADDRESS.match(fold_keep_length(line)):
            dropping = True
            continue
        if dropping and (_LIST_ITEM.match(line) or line.endswith(";")):
            continue
        dropping = False
        out.append(line)
    return out


_TAB_ROW = re.compile(r"[^\t\n]\t+[^\t\n]")


def tab_rows(text: str) -> str:
    """Tab-separated task tables (a Phụ lục pasted from Word or converted from .doc) become
    " | " rows, from a header row that names the "chủ trì" column to the first line without
    a tab; tabs elsewhere (the header's two columns) are left to become spaces."""
    if "\t" not in text:
        return text
    lines = text.split("\n")
    in_table = False
    for index, line in enumerate(lines):
        cells = [cell.strip() for cell in line.split("\t")]
        filled = [cell for cell in cells if cell]
        if len(filled) < 2 or not _TAB_ROW.search(line):
            in_table = False if not line.strip() or len(filled) < 1 else in_table
            if not filled:
                in_table = False
            continue
        folded = [fold_keep_length(cell) for cell in filled]
        if any(_TASK_HEADER.search(f) and len(f) < 60 for f in folded) and any(
            _TASK_HEADER_OTHER.search(f) and len(f) < 60 for f in folded
        ):
            in_table = True
        if in_table:
            lines[index] = " | ".join(cell.replace("|", "/") for cell in cells)
    return "\n".join(lines)


def _wrap_width(lines: list[str]) -> int:
    """The width the text was wrapped at: a high percentile of its line lengths."""
    lengths = sorted(len(line) for line in lines if len(line) >= 20 and "|" not in line)
    if not lengths:
        return 80
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.8))]


def _is_wrapped(lines: list[str]) -> bool:
    """True when most long lines stop mid-sentence: text from a PDF or a web page."""
    long_lines = 0
    open_lines = 0
    for index, line in enumerate(lines[:-1]):
        if len(line) < 40 or "|" in line:
            continue
        long_lines += 1
        following = lines[index + 1]
        if (
            not line.endswith(_SENTENCE_END)
            and following not in ("", "|")
            and "|" not in following
            and outline_depth(following) is None
        ):
            open_lines += 1
    return long_lines >= 5 and open_lines >= 0.3 * long_lines


def _tables(lines: list[str], closes: list[bool]) -> list[tuple[str, list[str], list[bool]]]:
    """Split lines into plain runs and task-table rows drawn with lone "|" lines.

    A lone "|" opens or closes a cell; two in a row end a table row. A task table (its
    header names the "chủ trì" column) gives one " | "-joined line per row; any other
    pipe-drawn table is page layout, and its cells go back to being plain lines.
    """
    blocks: list[tuple[str, list[str], list[bool]]] = []
    plain: list[str] = []
    plain_close: list[bool] = []
    in_table = False
    header: int | None = None  # number of cells of a task table's header row
    row: list[list[tuple[str, bool]]] = []
    cell: list[tuple[str, bool]] = []

    def flush_plain() -> None:
        if plain:
            blocks.append(("plain", list(plain), list(plain_close)))
            plain.clear()
            plain_close.clear()

    def flush_row() -> None:
        nonlocal header
        cells = [c for c in row]
        row.clear()
        texts = [" ".join(line for line, _ in c if line).strip() for c in cells]
        if not any(texts):
            return
        folded = [fold_keep_length(t) for t in texts]
        is_header = (
            len(texts) >= 3
            and any(_TASK_HEADER.search(f) and len(f) < 60 for f in folded)
            and any(_TASK_HEADER_OTHER.search(f) and len(f) < 60 for f in folded)
        )
        if is_header:
            header = len(texts)
        if is_header or (header is not None and len([t for t in texts if t]) >= 2):
            flush_plain()
            blocks.append(("row", [" | ".join(t.replace("|", "/") for t in texts)], [True]))
            return
        for c in cells:
            for line, close in c:
                plain.append(line)
                plain_close.append(close)
            plain.append("")
            plain_close.append(False)

    for line, close in zip(lines, closes, strict=True):
        if line == "|":
            if not in_table:
                in_table = True
                flush_plain()
                continue
            if any(text for text, _ in cell):
                row.append(list(cell))
                cell.clear()
            elif header is not None and 1 < len(row) < header:
                row.append([])  # an empty cell, not the end of the row
            else:
                flush_row()
            continue
        if not in_table:
            plain.append(line)
            plain_close.append(close)
            continue
        if not line and not any(text for text, _ in cell):
            # a blank line after a closing "|": the table is over
            flush_row()
            in_table = False
            header = None
            continue
        cell.append((line, close))
    if cell:
        row.append(list(cell))
    flush_row()
    flush_plain()
    return blocks


def _join(lines: list[str], closes: list[bool], wrapped: int) -> list[str]:
    """Join wrapped lines into paragraphs.

    In wrapped text a line that does not end a sentence goes on in the next one; in any
    text a sentence cut by a blank line (a page break) goes on when the next line starts
    in lower case. An outline marker, a table row or a header line always starts anew.
    A paragraph is built as a list of lines and tested on its first line and its tail,
    so a huge paste costs linear time.
    """
    out: list[str] = []
    parts: list[str] = []  # the lines of the paragraph being built
    tail = ""  # its last 200 characters
    current_closed = True
    blank = False
    for line, close in zip(lines, closes, strict=True):
        if _PAGE_NUMBER.match(line):
            continue  # a page number between two halves of a sentence
        if not line:
            blank = True
            continue
        one_line = len(parts) == 1
        opened = (
            parts
            and not current_closed
            and not tail.endswith(_SENTENCE_END)
            and outline_depth(line) is None
            and "|" not in line
            and "|" not in tail
            and not (one_line and _header_line(parts[0]))
            and not _header_line(line)
        )
        if parts and _DATE_CUT.search(tail) and _DATE_REST.match(line):
            opened = True  # "Hà Nội, ngày 22" / "tháng 11 năm 2025": one date
        elif one_line and "|" not in line and _bare_marker(parts[0], line):
            opened = True  # "2." / "Rà soát …", "II. NỘI" / "DUNG KẾ HOẠCH": one heading
        elif opened and blank:
            opened = line[:1].islower() or tail.endswith((",", "-", "–"))
        elif opened:
            # a wrapped line reached the wrap width; a short one ended its paragraph unless
            # the next line goes on in lower case (a paragraph's first line may be short:
            # pages indent it); a task sentence that ends with its date and a capital after
            # it is a new paragraph without its stop
            opened = bool(wrapped) and (
                line[:1].islower()
                or (
                    (len(parts[-1]) >= 0.6 * wrapped or one_line)
                    and not _ENDS_WITH_DATE.search(tail)
                )
            )
        if opened:
            parts.append(line)
            tail = (tail + " " + line)[-200:]
        else:
            if parts:
                out.append(" ".join(parts))
            parts = [line]
            tail = line[-200:]
        current_closed = close
        blank = False
    if parts:
        out.append(" ".join(parts))
    return [re.sub(r"\s{2,}", " ", line).strip() for line in out]


def _bare_marker(current: str, line: str) -> bool:
    """An outline marker alone on its line, or a capitalised heading wrapped in two."""
    marker = OUTLINE.match(current)
    if marker is None or outline_depth(line) is not None:
        return False
    rest = current[marker.end() :].strip()
    if not rest:
        return True
    upper = not any(c.islower() for c in rest) and not any(c.islower() for c in line)
    return upper and any(c.isupper() for c in line) and len(current) + len(line) < 160


_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,3}[-–—\s]*|trang \d{1,3}(?:\s*/\s*\d{1,3})?|[-=\s]*page break[-=\s]*)$", re.I
)
_ENDS_WITH_DATE = re.compile(r"(?:\d{1,2}/\d{1,2}/\d{4}|năm \d{4})$")
_DATE_CUT = re.compile(r",\s*ngày\s+\d{1,2}$")
_DATE_REST = re.compile(r"tháng\s+\d{1,2}\s+năm\s+\d{4}\W*$")
_DATE_LINE = re.compile(r",\s*ngay\s+\d{1,2}(?:\s+thang\s+\d{1,2}\s+nam\s+\d{4})?\W*$")


def _header_line(line: str) -> bool:
    """Lines of the header block stay lines: capitals, "Số: …", the place and date."""
    if len(line) > 160:
        return False  # a header line is short; paragraphs grow long while being joined
    if not any(c.islower() for c in line) and any(c.isupper() for c in line):
        return True
    folded = fold_keep_length(line)
    return folded.startswith("so:") or bool(_DATE_LINE.search(folded))


def _records(lines: list[str]) -> list[str]:
    """Turn "content / Đơn vị chủ trì: … / phối hợp: … / Thời gian: …" into table rows.

    The record's content is the lines since the last record, table row or section
    heading; the row replaces them, so the labelled deadline applies to this record only.
    """
    out: list[str] = []
    content: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        label = _label(line)
        if label is None or label[0] == "content":
            out.append(line)
            depth = outline_depth(line)
            if label is not None or (depth is not None and depth <= 3):
                content = [line]
            elif "|" in line:
                content = []
            else:
                content.append(line)
            content = content[-12:]
            index += 1
            continue
        fields: dict[str, str] = {}
        run_end = index
        while run_end < len(lines):
            found = _label(lines[run_end])
            if found is None or found[0] == "content":
                break
            name, value = found
            if value or name != "group":
                fields.setdefault(name, value)
            run_end += 1
        if "lead" not in fields or not content:
            out.extend(lines[index:run_end])
            content = []
            index = run_end
            continue
        text = " ".join(_content_text(c) for c in content)
        del out[len(out) - len(content) :]
        out.append(TABLE_HEADER)
        out.append(f"{text} | {fields['lead']} | {fields.get('co', '')} | {fields.get('due', '')}")
        content = []
        index = run_end
    return out


def _content_text(line: str) -> str:
    line = _strip_outline(line)
    label = _label(line)
    if label is not None and label[0] == "content":
        return label[1]
    return line.replace("|", "/")


def _strip_outline(line: str) -> str:
    match = OUTLINE.match(line)
    return line[match.end() :].strip() if match else line


def _label(line: str) -> tuple[str, str] | None:
    """(field, value) of a labelled line of a task record, else None."""
    folded = fold_keep_length(line)
    match = _LABEL.match(folded)
    if match is None:
        return None
    label = match.group("label")
    value = line[match.end() :].strip()
    if label.startswith(("nhiem vu", "noi dung")):
        return ("content", value)
    if label.startswith(("thoi gian", "thoi han", "tien do")):
        return ("due", value)
    if label == "co quan thuc hien":
        return ("group", value) if not value else ("lead", value)
    if "phoi hop" in label:
        return ("co", value)
    if "chu tri" in label or "thuc hien" in label:
        return ("lead", value)
    if label.startswith("san pham"):
        return ("product", value)
    return ("due", value)
