"""Import tasks from a spreadsheet (the office's Excel lists), checked row by row first.

The file is read by the agency importer's `read_table` (one place for the file checks);
agencies are found by the extraction's `Registry` (names, aliases, former agencies). Every
row is checked first (`plan_import`, nothing written): a file with a bad row imports nothing
unless only the valid rows are asked for. Then `import_plan` writes through the directive and
task services in batches of `import_batch_rows`, one transaction each, so that on SQLite the
other users' writes wait for one batch (well under a second), never for the whole file.

If the process dies mid-way (a worker killed, the machine stopped), the batches already
committed stay, each complete with its notifications and audit rows; the rest is not
written. Importing the same file again is safe: a row whose task is already in its directive
(same content, lead agency, due date and cadence) is skipped and reported, so only the
missing rows are written. No Flask request here: the CLI and the web page share it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.agencies.importer import ImportFormatError, RowError, read_table
from tracker.agencies.models import Agency
from tracker.deadlines.periods import Cadence
from tracker.directives.models import Directive, DirectiveKind
from tracker.directives.services import DirectiveInput, create_directive
from tracker.extensions import db
from tracker.extraction.registry import Registry
from tracker.extraction.services import registry_from_db
from tracker.files.limits import current_limits
from tracker.notifications import services as notify
from tracker.tasks.models import Task
from tracker.tasks.services import TaskInput, check_task, create_tasks
from tracker.text import fold

__all__ = [
    "COLUMNS",
    "ImportFormatError",
    "ImportPlan",
    "ImportStopped",
    "RowError",
    "TaskRow",
    "import_plan",
    "plan_import",
    "read_rows",
    "template_xlsx",
]

#: (folded header key, the header as the template writes it, what the column holds)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("so_van_ban", "Số văn bản", "Số, ký hiệu của văn bản chỉ đạo, ví dụ 5016/TB-VPUBND"),
    ("ngay_ban_hanh", "Ngày ban hành", "dd/mm/yyyy; bắt buộc khi văn bản chưa có trong hệ thống"),
    ("trich_yeu", "Trích yếu", "Bắt buộc khi văn bản chưa có trong hệ thống"),
    ("loai_van_ban", "Loại văn bản", "Thông báo kết luận, Chỉ thị, Quyết định, Kế hoạch, …"),
    ("noi_dung", "Nội dung", "Nội dung nhiệm vụ (bắt buộc)"),
    ("chu_tri", "Chủ trì", "Tên hoặc tên gọi khác của cơ quan chủ trì (bắt buộc)"),
    ("phoi_hop", "Phối hợp", "Các cơ quan phối hợp, ngăn cách bằng dấu ;"),
    ("qua", "Qua", "Cơ quan tổng hợp (báo cáo qua), nếu có"),
    ("thoi_han", "Thời hạn", "dd/mm/yyyy hoặc ô kiểu ngày; để trống nếu thường xuyên"),
    ("dinh_ky", "Định kỳ", "Hằng tháng, Hằng quý, 6 tháng, Hằng năm, …; để trống nếu một lần"),
    ("ghi_chu", "Ghi chú", "Ghi chú, trích dẫn nguyên văn"),
)
_KEYS = {key for key, _header, _help in COLUMNS}

#: the app's cadence labels, folded, plus the spellings offices use ("hàng" for "hằng")
CADENCE_WORDS: dict[str, str] = {
    **{fold(c.label): c.value for c in Cadence if c is not Cadence.CUSTOM},
    "": "none",
    "mot lan": "none",
    "khong": "none",
    "hang thang": "monthly",
    "hang quy": "quarterly",
    "6 thang": "semiannual",
    "sau thang": "semiannual",
    "hang nam": "annual",
    "quy i, 6 thang, 9 thang, ca nam": "quarterly-cumulative",
}
KIND_WORDS: dict[str, str] = {fold(k.value): k.value for k in DirectiveKind}

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


def _require_columns(header: list[str]) -> None:
    missing = [h for key, h, _help in COLUMNS[:1] + COLUMNS[4:6] if key not in header]
    if missing:
        raise ImportFormatError(
            _(
                "Dòng tiêu đề (dòng 1) thiếu cột: %(columns)s. Hãy dùng tệp mẫu.",
                columns=", ".join(missing),
            )
        )


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV/XLSX task list through the shared spreadsheet reader (at most
    `task_import_max_rows` rows: a task list is longer than an agency list)."""
    return read_table(
        filename,
        data,
        required=_require_columns,
        max_rows=current_limits().task_import_max_rows,
    )


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy as typed, or the ISO text a real date cell reads as; ValueError if neither."""
    text = (text or "").strip()
    if not text:
        return None
    found = _DATE.match(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
        return date(year, month, day)
    found = _ISO.match(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        return date(year, month, day)
    raise ValueError(text)


@dataclass
class TaskRow:
    """One good row: the task to create and the directive it belongs to."""

    line: int
    number: str
    year: int
    data: TaskInput
    lead_name: str
    co_names: list[str] = field(default_factory=list)
    via_name: str = ""
    new_directive: bool = False

    @property
    def cadence_label(self) -> str:
        """The cadence as the forms name it (empty for a one-off task)."""
        return "" if self.data.cadence == "none" else Cadence(self.data.cadence).label


@dataclass
class ImportPlan:
    """What an import would do: the good rows, one error per bad row, the new directives."""

    rows: list[TaskRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: rows whose task is already in its directive (an earlier import of the same file)
    skipped: list[RowError] = field(default_factory=list)
    #: (number, year) → the header of a directive the file creates
    new_directives: dict[tuple[str, int], DirectiveInput] = field(default_factory=dict)

    @property
    def directive_count(self) -> int:
        return len({(r.number, r.year) for r in self.rows})


def _agency(
    registry: Registry, name: str, column: str, problems: list[str], seen: dict
) -> tuple[int | None, str]:
    # a list names the same few agencies thousands of times: match each spelling once
    match = seen.get(name)
    if match is None:
        match = seen[name] = registry.match(name)
    if match.record is None or match.record.id is None:
        problems.append(
            _(
                "không tìm thấy cơ quan “%(name)s” (cột %(column)s) trong danh mục",
                name=name,
                column=column,
            )
        )
        return None, name
    return match.record.id, match.record.name


def _existing_directives(numbers: Iterable[str]) -> dict[str, list[Directive]]:
    """Saved directives by number (one query; a number may recur in different years)."""
    wanted = sorted(set(numbers))
    found: dict[str, list[Directive]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for directive in db.session.execute(
            select(Directive).where(Directive.number.in_(chunk))
        ).scalars():
            found.setdefault(directive.number, []).append(directive)
    return found


def _task_key(directive_id: int, data: TaskInput) -> tuple:
    """What makes a row "already imported": its task's directive, content, lead, due, cadence."""
    return (
        directive_id,
        data.content.strip(),
        data.lead_agency_id,
        data.due_on,
        data.cadence or "none",
    )


def _saved_tasks(directives: dict[str, list[Directive]]) -> Counter:
    """How many tasks of each `_task_key` the saved directives hold (one query per 500)."""
    ids = sorted({d.id for found in directives.values() for d in found})
    keys: Counter = Counter()
    for start in range(0, len(ids), 500):
        for row in db.session.execute(
            select(
                Task.directive_id,
                Task.content,
                Task.lead_agency_id,
                Task.original_due_on,
                Task.cadence,
            ).where(Task.directive_id.in_(ids[start : start + 500]))
        ):
            keys[tuple(row)] += 1
    return keys


def plan_import(
    rows: list[tuple[int, dict[str, str]]], registry: Registry | None = None
) -> ImportPlan:
    """Check every row and return the plan; nothing is written.

    A row names a saved directive by its number (with ngày ban hành when the number recurs
    across years), or the header of a new one: then ngày ban hành and trích yếu are needed,
    and the first row of that number gives the header for the others. A good row whose task
    the directive already has (as many times as the file repeats it) goes to `skipped`: a
    second import of a file, after one that stopped half-way, writes only what is missing.
    """
    registry = registry or registry_from_db()
    seen: dict = {}
    plan = ImportPlan()
    existing = _existing_directives(
        " ".join((v.get("so_van_ban") or "").split()) for _line, v in rows
    )
    saved_tasks = _saved_tasks(existing)
    for line, values in rows:
        problems: list[str] = []
        number = " ".join((values.get("so_van_ban") or "").split())
        issued: date | None = None
        try:
            issued = parse_date(values.get("ngay_ban_hanh", ""))
        except ValueError:
            problems.append(
                _(
                    "ngày ban hành “%(value)s” không đúng dạng dd/mm/yyyy",
                    value=values.get("ngay_ban_hanh"),
                )
            )
        directive: Directive | None = None
        stand_in: Directive | None = None
        new = False
        year = issued.year if issued else 0
        if not number:
            problems.append(_("thiếu số văn bản"))
        elif len(number) > 100:
            problems.append(_("số văn bản dài quá 100 ký tự"))
        else:
            saved = existing.get(number, [])
            if issued:
                saved = [d for d in saved if d.year == issued.year]
            if len(saved) == 1:
                directive = stand_in = saved[0]
                year = directive.year
            elif len(saved) > 1:
                problems.append(
                    _(
                        "có nhiều văn bản số %(number)s; điền ngày ban hành để chọn",
                        number=number,
                    )
                )
            elif issued and (number, issued.year) in plan.new_directives:
                new = True
                stand_in = Directive(issued_on=issued)
            elif issued:
                kind_text = (values.get("loai_van_ban") or "").strip()
                kind = KIND_WORDS.get(fold(kind_text)) if kind_text else DirectiveKind.CONCLUSION
                title = (values.get("trich_yeu") or "").strip()
                if kind is None:
                    problems.append(_("loại văn bản “%(kind)s” không hợp lệ", kind=kind_text))
                if not title:
                    problems.append(
                        _(
                            "văn bản số %(number)s chưa có trong hệ thống: cần trích yếu để tạo mới",
                            number=number,
                        )
                    )
                if kind is not None and title:
                    new = True
                    stand_in = Directive(issued_on=issued)
                    plan.new_directives[(number, issued.year)] = DirectiveInput(
                        number=number, kind=str(kind), issued_on=issued, title=title
                    )
            elif not problems:
                problems.append(
                    _(
                        "văn bản số %(number)s chưa có trong hệ thống: cần ngày ban hành và "
                        "trích yếu để tạo mới",
                        number=number,
                    )
                )
        content = " ".join((values.get("noi_dung") or "").split())
        if not content:
            problems.append(_("thiếu nội dung nhiệm vụ"))
        lead_name = (values.get("chu_tri") or "").strip()
        lead_id = None
        if not lead_name:
            problems.append(_("thiếu cơ quan chủ trì"))
        else:
            lead_id, lead_name = _agency(registry, lead_name, _("Chủ trì"), problems, seen)
        co_ids: list[int] = []
        co_names: list[str] = []
        for name in [p.strip() for p in (values.get("phoi_hop") or "").split(";") if p.strip()]:
            agency_id, resolved = _agency(registry, name, _("Phối hợp"), problems, seen)
            if agency_id is not None and agency_id not in co_ids:
                co_ids.append(agency_id)
                co_names.append(resolved)
        via_name = (values.get("qua") or "").strip()
        via_id = None
        if via_name:
            via_id, via_name = _agency(registry, via_name, _("Qua"), problems, seen)
        due: date | None = None
        try:
            due = parse_date(values.get("thoi_han", ""))
        except ValueError:
            problems.append(
                _(
                    "thời hạn “%(value)s” không đúng dạng dd/mm/yyyy",
                    value=values.get("thoi_han"),
                )
            )
        cadence_text = values.get("dinh_ky") or ""
        cadence = CADENCE_WORDS.get(fold(cadence_text).rstrip("."))
        if cadence is None:
            problems.append(
                _(
                    "định kỳ “%(value)s” không hợp lệ (dùng: Hằng tháng, Hằng quý, 6 tháng, "
                    "Hằng năm, Quý I, 6 tháng, 9 tháng, cả năm; để trống nếu một lần)",
                    value=cadence_text,
                )
            )
        data = TaskInput(
            content=content,
            lead_agency_id=lead_id,
            co_agency_ids=co_ids,
            via_agency_id=via_id,
            due_on=due,
            cadence=cadence or "none",
            source_text=(values.get("ghi_chu") or "").strip(),
        )
        if not problems and stand_in is not None:
            # the task service's own rules (lead also co-agency, due before the issue date…)
            problems.extend(str(p).rstrip(".") for p in check_task(stand_in, data))
        if problems:
            plan.errors.append(RowError(line, "; ".join(problems)))
            continue
        if directive is not None and saved_tasks[_task_key(directive.id, data)] > 0:
            saved_tasks[_task_key(directive.id, data)] -= 1
            plan.skipped.append(
                RowError(line, _("đã có trong văn bản %(number)s, bỏ qua", number=number))
            )
            continue
        plan.rows.append(
            TaskRow(
                line=line,
                number=number,
                year=year,
                data=data,
                lead_name=lead_name,
                co_names=co_names,
                via_name=via_name,
                new_directive=new,
            )
        )
    return plan


class ImportStopped(Exception):
    """A batch failed after others were committed: they stay, the rest was not written.

    `done` rows are saved; `line` is the first row of the batch that failed. Importing the
    file again (after fixing the cause) skips the saved rows and writes the rest.
    """

    def __init__(self, done: int, line: int, error: Exception) -> None:
        self.done = done
        self.line = line
        self.error = error
        super().__init__(
            _(
                "Đã nhập %(done)s dòng; dừng ở dòng %(line)s: %(error)s Sửa lỗi rồi nhập lại "
                "tệp: các dòng đã nhập sẽ được bỏ qua.",
                done=done,
                line=line,
                error=str(error).rstrip(".") + ".",
            )
        )


def _batches(plan: ImportPlan, size: int) -> list[list[tuple[tuple[str, int], list[TaskRow]]]]:
    """The rows in order of their directives, cut every `size` rows, grouped by directive
    within each cut (a directive across a cut: its agencies hear of it once per batch)."""
    by_directive: dict[tuple[str, int], list[TaskRow]] = {}
    for row in plan.rows:
        by_directive.setdefault((row.number, row.year), []).append(row)
    ordered = [row for rows in by_directive.values() for row in rows]
    batches = []
    for start in range(0, len(ordered), size):
        parts: dict[tuple[str, int], list[TaskRow]] = {}
        for row in ordered[start : start + size]:
            parts.setdefault((row.number, row.year), []).append(row)
        batches.append(list(parts.items()))
    return batches


def import_plan(
    plan: ImportPlan,
    *,
    user_id: int | None = None,
    batch_rows: int | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Write the good rows through the services, committing every `batch_rows` rows; return
    (tasks created, directives created). Each agency is told once per directive and batch.

    Each batch is one transaction: its tasks, their periods, audit rows, notifications and
    queued emails commit together or not at all. `on_batch(done, total)` is called after each
    commit (the CLI's progress bar; a test writes from another connection there). An error in
    the first batch leaves nothing written and is raised as it is; in a later one, the batches
    before stay and `ImportStopped` says how far the import went (see the module docstring).
    """
    size = max(1, batch_rows or current_limits().import_batch_rows)
    total = len(plan.rows)
    done = created_directives = 0
    for batch in _batches(plan, size):
        try:
            created_directives += _write_batch(batch, plan, user_id)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            if done == 0:
                raise
            raise ImportStopped(done, batch[0][1][0].line, error) from error
        done += sum(len(rows) for _key, rows in batch)
        if on_batch is not None:
            on_batch(done, total)
    return total, created_directives


def _write_batch(
    batch: list[tuple[tuple[str, int], list[TaskRow]]], plan: ImportPlan, user_id: int | None
) -> int:
    """Write one batch in the current transaction; return the directives it created."""
    existing = {
        (d.number, d.year): d
        for directives in _existing_directives(key[0] for key, _rows in batch).values()
        for d in directives
    }
    # loaded (again: a commit expired them) so the services find every agency in the identity
    # map instead of loading them one by one
    agencies = list(db.session.execute(select(Agency)).scalars())  # noqa: F841
    created = 0
    for key, rows in batch:
        directive = existing.get(key)
        if directive is None:
            header = replace(plan.new_directives[key], tasks=[r.data for r in rows])
            existing[key] = create_directive(header, created_by_id=user_id)  # tells the agencies
            created += 1
            continue
        tasks = create_tasks(directive, [r.data for r in rows], created_by_id=user_id)
        notify.tasks_assigned(directive, tasks, added=True)
    return created


def template_xlsx() -> bytes:
    """The downloadable template: the header row and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append([header for _key, header, _help in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate((18, 14, 40, 20, 60, 28, 36, 20, 12, 14, 30), start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Cách điền"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for _key, header, help_text in COLUMNS:
        guide.append([header, help_text])
    guide.append([])
    guide.append(
        [
            "Lưu ý",
            "Tên cơ quan được đối chiếu với danh mục (tên, tên viết tắt, tên gọi khác). "
            "Nếu có dòng lỗi thì không nhập dòng nào; sửa tệp rồi tải lên lại.",
        ]
    )
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
