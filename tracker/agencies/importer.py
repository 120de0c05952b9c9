"""Read an agency list from CSV or XLSX and check every row before anything is saved.

Format: a header row; `name` required; `short_name`, `kind`, `aliases` (separated by
"|"), `email` (several separated by ";" or ","), `head_email` and `merged_into` optional.
No Flask here: the web import, the CLI and the extraction's `--agencies` share it.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from tracker.files.limits import FileTooComplex, Limits, check_zip, current_limits
from tracker.text import fold

COLUMNS = ("name", "short_name", "kind", "aliases", "email", "head_email", "merged_into")

KIND_WORDS = {
    "department": "department",
    "so": "department",
    "so, ban, nganh": "department",
    "so/ban/nganh": "department",
    "ban": "department",
    "nganh": "department",
    "commune": "commune",
    "ubnd cap xa": "commune",
    "xa": "commune",
    "phuong": "commune",
    "xa, phuong": "commune",
    "other": "other",
    "don vi khac": "other",
    "khac": "other",
}


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (wrong type, no header, no `name` column)."""


@dataclass
class AgencyRow:
    line: int
    name: str
    short_name: str | None = None
    kind: str = "department"
    aliases: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    head_email: str | None = None
    merged_into: str | None = None

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "short_name": self.short_name,
            "kind": self.kind,
            "aliases": self.aliases,
            "emails": self.emails,
            "head_email": self.head_email,
            "merged_into": self.merged_into,
        }


@dataclass
class RowError:
    line: int
    message: str


def read_table(
    filename: str,
    data: bytes,
    *,
    required: Callable[[list[str]], None] | None = None,
    max_rows: int | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, {column: text}) for each data row of a CSV or XLSX file.

    Column names are folded ("Số văn bản" → "so_van_ban"). `required` checks the folded
    header and raises ImportFormatError; by default the agency list's `name` column. Every
    spreadsheet import (agencies, tasks) reads through here, so the file checks live once:
    at most `import_max_rows` rows (empty ones included) and `import_max_columns` columns are
    read, and an .xlsx's ZIP directory is checked before openpyxl opens it (tracker.files.limits):
    a small file declaring a million rows is refused, not unpacked. `max_rows` replaces
    `import_max_rows` for a list that is longer by nature (tasks).
    """
    check = required or _require_name
    suffix = Path(filename or "").suffix.lower()
    limits = current_limits()
    if max_rows is not None:
        limits = replace(limits, import_max_rows=max_rows)
    if suffix == ".xlsx":
        return _read_xlsx(data, limits, check)
    if suffix in (".csv", ".txt"):
        return _read_csv(data, limits, check)
    raise ImportFormatError(
        _("Tệp không phải CSV hoặc XLSX. Hãy lưu danh sách dưới dạng .csv (UTF-8) hoặc .xlsx.")
    )


def _require_name(header: list[str]) -> None:
    if "name" not in header:
        raise ImportFormatError(
            _("Dòng tiêu đề (dòng 1) phải có cột “name” (tên cơ quan, đơn vị).")
        )


def _normalise_header(cells: list[str], check: Callable[[list[str]], None]) -> list[str]:
    header = [fold(str(c or "")).replace(" ", "_") for c in cells]
    check(header)
    return header


def _too_many_rows(limits: Limits) -> ImportFormatError:
    return ImportFormatError(
        _(
            "Tệp có hơn %(rows)s dòng; một lần nhập nhận tối đa %(rows)s dòng. "
            "Hãy chia danh sách thành nhiều tệp.",
            rows=limits.import_max_rows,
        )
    )


def _within_width(cells, limits: Limits) -> list:
    """The first `import_max_columns` cells; refuse a row with text beyond them."""
    cells = list(cells)
    if len(cells) > limits.import_max_columns:
        if any(str(c or "").strip() for c in cells[limits.import_max_columns :]):
            raise ImportFormatError(
                _(
                    "Tệp có hơn %(columns)s cột; danh sách cơ quan chỉ cần 7 cột.",
                    columns=limits.import_max_columns,
                )
            )
    return cells[: limits.import_max_columns]


def _cell(value: object, limits: Limits) -> str:
    # NUL cannot be stored in PostgreSQL text: dropped here like at every other edge
    text = "" if value is None else str(value).replace("\x00", "").strip()
    return text[: limits.import_max_cell_chars]


def _table(
    rows, limits: Limits, check: Callable[[list[str]], None]
) -> list[tuple[int, dict[str, str]]]:
    """Read header and data rows from an iterator of cell lists, within `limits`."""
    try:
        first = next(rows)
    except StopIteration:
        raise ImportFormatError(_("Tệp trống.")) from None
    header = _normalise_header([_cell(c, limits) for c in _within_width(first, limits)], check)
    out = []
    for index, cells in enumerate(rows, start=2):
        if index > limits.import_max_rows + 1:
            raise _too_many_rows(limits)
        values = [_cell(c, limits) for c in _within_width(cells, limits)]
        if not any(values):
            continue
        out.append(
            (index, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)})
        )
    return out


def _read_csv(
    data: bytes, limits: Limits, check: Callable[[list[str]], None]
) -> list[tuple[int, dict[str, str]]]:
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:2048]:
        raise ImportFormatError(_("Nội dung tệp không phải văn bản CSV."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(
            _("Tệp CSV không ở bảng mã UTF-8. Khi lưu từ Excel, chọn “CSV UTF-8”.")
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the csv module handles \r\n, \n and the old Mac \r itself (otherwise a lone
    # \r, as "CSV (Macintosh)" writes, raises csv.Error and the import fails with a 500)
    # streamed: rows past the limit are never read
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table(reader, limits, check)
    except csv.Error as error:
        raise ImportFormatError(f"Không đọc được tệp CSV: {error}.") from None


def _read_xlsx(
    data: bytes, limits: Limits, check: Callable[[list[str]], None]
) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    if data[:4] != b"PK\x03\x04":
        raise ImportFormatError(_("Nội dung tệp không phải XLSX (Excel 2007 trở lên)."))
    try:
        check_zip(data, limits)  # before openpyxl inflates anything
    except FileTooComplex as error:
        raise ImportFormatError(error.message) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportFormatError(
            _("Không đọc được tệp XLSX (tệp hỏng hoặc sai định dạng).")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # max_col: a sheet that declares 16 384 columns is not padded to that width
        rows = sheet.iter_rows(max_col=limits.import_max_columns, values_only=True)
        try:
            return _table(rows, limits, check)
        except ImportFormatError:
            raise
        except Exception:  # a damaged sheet part
            raise ImportFormatError(
                _("Không đọc được tệp XLSX (tệp hỏng hoặc sai định dạng).")
            ) from None
    finally:
        workbook.close()


def _split(text: str, separators: str) -> list[str]:
    return [
        part.strip() for part in re.split(f"[{re.escape(separators)}]", text or "") if part.strip()
    ]


def _check_email(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def validate_rows(
    rows: list[tuple[int, dict[str, str]]], known_names: set[str]
) -> tuple[list[AgencyRow], list[RowError]]:
    """Check every row; return the good rows and one error per bad row, with its line.

    `known_names` are folded names already in the registry (for `merged_into`).
    """
    good: list[AgencyRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    names_in_file = {fold(values.get("name", "")) for _line, values in rows}
    for line, values in rows:
        problems = []
        name = " ".join((values.get("name") or "").split())
        if not name:
            problems.append(_("thiếu tên cơ quan, đơn vị (cột name)"))
        elif len(name) > 255:
            problems.append(_("tên dài quá 255 ký tự"))
        elif fold(name) in seen:
            problems.append(_("trùng tên với dòng %(line)s", line=seen[fold(name)]))
        kind_text = fold(values.get("kind", ""))
        kind = KIND_WORDS.get(kind_text, None) if kind_text else "department"
        if kind is None:
            problems.append(
                _(
                    "loại “%(kind)s” không hợp lệ (dùng department/sở, ban, ngành; "
                    "commune/UBND cấp xã; other/đơn vị khác)",
                    kind=values.get("kind"),
                )
            )
        emails = _split(values.get("email", ""), ";,")
        bad = [e for e in emails if not _check_email(e)]
        head = (values.get("head_email") or "").strip() or None
        if head and not _check_email(head):
            bad.append(head)
        if bad:
            problems.append(_("thư điện tử không hợp lệ: %(emails)s", emails=", ".join(bad)))
        merged = (values.get("merged_into") or "").strip() or None
        if merged and fold(merged) not in known_names | names_in_file:
            problems.append(
                _(
                    "cơ quan tiếp nhận “%(name)s” (cột merged_into) không có trong danh mục",
                    name=merged,
                )
            )
        if merged and fold(merged) == fold(name):
            problems.append(_("một cơ quan không thể sáp nhập vào chính nó"))
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
            continue
        seen[fold(name)] = line
        good.append(
            AgencyRow(
                line=line,
                name=name,
                short_name=(values.get("short_name") or "").strip() or None,
                kind=kind or "department",
                aliases=_split(values.get("aliases", ""), "|"),
                emails=emails,
                head_email=head,
                merged_into=merged,
            )
        )
    return good, errors
