"""The letter as a .docx in the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I), with no Flask.

What the decree fixes and this file follows: A4 paper; margins top and bottom 20 mm, left
30 mm, right 15 mm; Times New Roman; at the top a borderless two-column header — on the left
the issuing body (bold, upper case, under its parent body when there is one, a short rule
below), "Số:      /<symbol>" and the trích yếu "V/v …"; on the right the quốc hiệu "CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM" (bold, upper case), the tiêu ngữ "Độc lập - Tự do - Hạnh phúc" (bold,
ruled below) and the place and date in italics ("Hòa Bình, ngày 05 tháng 02 năm 2025": a day
below 10 and a month below 3 take a leading 0). Then "Kính gửi:", the body at 14 pt, justified,
first lines indented, ending with "./."; at the bottom "Nơi nhận:" (bold italic 12 pt, its
lines 11 pt) beside the signer's authority and title (bold, upper case) and name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
#: the text width: A4 (210 mm) less the left (30 mm) and right (15 mm) margins
TEXT_WIDTH_CM = 16.5


@dataclass(frozen=True)
class Line:
    """One overdue obligation as the letter lists it."""

    directive: str
    content: str
    due_on: date
    days_overdue: int


@dataclass(frozen=True)
class Addressee:
    """An agency the letter is sent to, with its overdue obligations."""

    name: str
    lines: list[Line]


@dataclass(frozen=True)
class Letter:
    """Everything printed on one letter."""

    issuing_body: str
    symbol: str
    place: str
    subject: str
    as_of: date
    addressees: list[Addressee]
    request_text: str
    new_due_on: date
    signer_title: str
    parent_body: str = ""
    letter_date: date | None = None
    signer_authority: str = ""
    signer_name: str = ""
    recipients_extra: list[str] = field(default_factory=list)
    #: who the agencies report to ("UBND tỉnh (qua Văn phòng UBND tỉnh)")
    report_to: str = "UBND tỉnh (qua Văn phòng UBND tỉnh)"


def vn_long_date(place: str, day: date | None, year: int) -> str:
    """ "Hòa Bình, ngày 05 tháng 02 năm 2025"; without a day, blanks for the clerk's pen."""
    if day is None:
        return f"{place}, ngày      tháng      năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # East Asian and complex-script slots too, or Word falls back for Vietnamese diacritics
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _rule_below(paragraph) -> None:
    """A thin line under the paragraph (as wide as the paragraph between its indents).

    Added before any other paragraph property: python-docx inserts the later ones in schema
    order around it."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _rule(container, indent_cm: float) -> None:
    """A short centred line under the paragraph before it (ND30: under the issuing body and
    under the tiêu ngữ): an empty paragraph, ``indent_cm`` in from each side, ruled below."""
    paragraph = container.add_paragraph()
    _rule_below(paragraph)
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)


def _para(
    container,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    first: bool = False,
    indent_cm: tuple[float, float] = (0, 0),
    first_line_cm: float = 0,
    before: float = 0,
    after: float = 0,
):
    """A paragraph with one run; ``first`` reuses the empty paragraph a new cell holds."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if indent_cm != (0, 0):
        fmt.left_indent, fmt.right_indent = Cm(indent_cm[0]), Cm(indent_cm[1])
    if first_line_cm:
        fmt.first_line_indent = Cm(first_line_cm)
    if text:
        _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _body(doc, text: str, *, before: float = 6, bold: bool = False):
    return _para(
        doc,
        text,
        BODY_PT,
        bold=bold,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line_cm=1.0,
        before=before,
    )


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word reads those)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _body_lines(issuing_body: str) -> list[str]:
    """ "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH" on two lines, as letters print it; other names as
    typed (a line break typed by the office is kept)."""
    text = issuing_body.strip()
    if "\n" in text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    for prefix in ("ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "):
        if text.upper().startswith(prefix) and len(text) > len(prefix):
            return [prefix.strip(), text[len(prefix) :]]
    return [text]


def _header(doc, letter: Letter) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [6.3, TEXT_WIDTH_CM - 6.3 + 0.4])
    left, right = table.rows[0].cells
    first = True
    if letter.parent_body.strip():
        _para(left, letter.parent_body.strip().upper(), 13, first=True)
        first = False
    lines = _body_lines(letter.issuing_body)
    for line in lines:
        _para(left, line.upper(), 13, bold=True, first=first)
        first = False
    _rule(left, 2.0)  # about a third of the column, centred
    _para(left, f"Số:       /{letter.symbol.strip()}", 13, before=6)
    _para(left, letter.subject.strip(), 12, before=4)

    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, first=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _rule(right, 2.3)  # as long as the tiêu ngữ
    year = (letter.letter_date or letter.as_of).year
    _para(
        right,
        vn_long_date(letter.place.strip(), letter.letter_date, year),
        14,
        italic=True,
        before=10,
    )


def _addressees(doc, letter: Letter) -> None:
    names = [a.name for a in letter.addressees]
    if len(names) == 1:
        _para(doc, f"Kính gửi: {names[0]}.", BODY_PT, before=18, after=6)
        return
    _para(doc, "Kính gửi:", BODY_PT, before=18, indent_cm=(0, 0), align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, name in enumerate(names):
        end = "." if index == len(names) - 1 else ";"
        _para(doc, f"- {name}{end}", BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, indent_cm=(4.5, 0))


def _lines_table(doc, lines: list[Line]) -> None:
    widths = [1.2, 3.4, 7.2, 2.6, 2.1]
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    headers = ("STT", "Văn bản giao", "Nội dung nhiệm vụ", "Thời hạn", "Số ngày quá hạn")
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _para(cell, text, 12, bold=True, first=True, before=2, after=2)
    for number, line in enumerate(lines, start=1):
        cells = table.add_row().cells
        _para(cells[0], str(number), 12, first=True, before=2, after=2)
        _para(cells[1], line.directive, 12, first=True, before=2, after=2)
        _para(
            cells[2],
            line.content,
            12,
            first=True,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            before=2,
            after=2,
        )
        _para(cells[3], f"{line.due_on:%d/%m/%Y}", 12, first=True, before=2, after=2)
        _para(cells[4], str(line.days_overdue), 12, first=True, before=2, after=2)
    _widths(table, widths)
    # the header row repeats on every page the table runs onto
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _body_text(doc, letter: Letter) -> None:
    total = sum(len(a.lines) for a in letter.addressees)
    single = len(letter.addressees) == 1
    who = letter.addressees[0].name if single else "các cơ quan, đơn vị sau"
    _body(
        doc,
        "Qua theo dõi việc thực hiện các nhiệm vụ được giao tại văn bản chỉ đạo của UBND tỉnh, "
        f"Chủ tịch UBND tỉnh, tính đến ngày {letter.as_of:%d/%m/%Y}, {who} còn {total:02d} "
        "nhiệm vụ đã quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:",
    )
    for index, addressee in enumerate(letter.addressees, start=1):
        if not single:
            _body(
                doc,
                f"{index}. {addressee.name}: {len(addressee.lines):02d} nhiệm vụ",
                bold=True,
            )
        _lines_table(doc, addressee.lines)
    for paragraph in letter.request_text.strip().splitlines():
        if paragraph.strip():
            _body(doc, paragraph.strip())
    _body(
        doc,
        f"Thời hạn hoàn thành và báo cáo kết quả về {letter.report_to}: "
        f"trước ngày {letter.new_due_on:%d/%m/%Y}./.",
    )


def _signature(doc, letter: Letter) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [8.0, TEXT_WIDTH_CM - 8.0 + 0.4])
    # the signature block is never split across two pages
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    _para(
        left,
        "Nơi nhận:",
        12,
        bold=True,
        italic=True,
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=12,
    )
    for line in ["- Như trên;", *letter.recipients_extra]:
        _para(left, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    if letter.signer_authority.strip():
        _para(right, letter.signer_authority.strip().upper(), 14, bold=True, first=True, before=12)
        first = False
    _para(
        right,
        letter.signer_title.strip().upper(),
        14,
        bold=True,
        first=first,
        before=0 if not first else 12,
    )
    for _ in range(4):  # room for the signature and the seal
        _para(right, "", 14)
    if letter.signer_name.strip():
        _para(right, letter.signer_name.strip(), 14, bold=True)


def render(letter: Letter) -> bytes:
    """The letter as .docx bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    doc.core_properties.title = letter.subject
    doc.core_properties.author = letter.issuing_body
    _header(doc, letter)
    _addressees(doc, letter)
    _body_text(doc, letter)
    _signature(doc, letter)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
