"""Setting a task's targets and checklist (the office) and reporting results on them (the
agency, with a progress update). The caller commits; every row written is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.extensions import db
from tracker.targets.models import TaskChecklistItem, TaskTarget
from tracker.targets.rules import (
    MAX_ITEMS,
    MAX_LINE,
    ParsedTarget,
    format_quantity,
    parse_target,
    read_number,
    split_lines,
)
from tracker.tasks import services as task_services
from tracker.tasks.models import Task
from tracker.timeutil import utcnow


class TargetError(ValueError):
    """A user-facing reason (Vietnamese) why targets or a report were not saved; `field`
    names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def targets_of(task_id: int) -> Sequence[TaskTarget]:
    return (
        db.session.execute(
            select(TaskTarget)
            .where(TaskTarget.task_id == task_id)
            .order_by(TaskTarget.position, TaskTarget.id)
        )
        .scalars()
        .all()
    )


def checklist_of(task_id: int) -> Sequence[TaskChecklistItem]:
    return (
        db.session.execute(
            select(TaskChecklistItem)
            .where(TaskChecklistItem.task_id == task_id)
            .order_by(TaskChecklistItem.position, TaskChecklistItem.id)
        )
        .scalars()
        .all()
    )


def parse_target_lines(text: str | None) -> list[ParsedTarget]:
    """Every line a target, or TargetError naming the first line that is not one."""
    lines = split_lines(text)
    if len(lines) > MAX_ITEMS:
        raise TargetError("targets", _("Tối đa %(n)s chỉ tiêu cho một nhiệm vụ.", n=MAX_ITEMS))
    parsed = []
    for number, line in enumerate(lines, start=1):
        target = parse_target(line)
        if target is None:
            raise TargetError(
                "targets",
                _(
                    "Dòng %(n)s (“%(line)s”) không đọc được chỉ tiêu: cần một con số và đơn vị, "
                    "ví dụ “ít nhất 5 giải pháp” hoặc “tỷ lệ ≥ 80 %%”.",
                    n=number,
                    line=line[:80],
                ),
            )
        parsed.append(target)
    return parsed


def _checklist_lines(text: str | None) -> list[str]:
    lines = split_lines(text)
    if len(lines) > MAX_ITEMS:
        raise TargetError(
            "checklist", _("Tối đa %(n)s việc cần làm cho một nhiệm vụ.", n=MAX_ITEMS)
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise TargetError(
                "checklist", _("Dòng %(n)s dài quá %(max)s ký tự.", n=number, max=MAX_LINE)
            )
    return lines


def set_targets(task: Task, targets_text: str | None, checklist_text: str | None) -> None:
    """Replace the task's targets and checklist by the lines typed.

    A line kept as it was keeps what the agency reported on it (its achieved value, its
    tick); a line removed is deleted; a new line starts unreported.
    """
    parsed = parse_target_lines(targets_text)
    items = _checklist_lines(checklist_text)
    old_targets = {t.label: t for t in targets_of(task.id)}
    for position, target in enumerate(parsed):
        row = old_targets.pop(target.text, None)
        if row is None:
            row = TaskTarget(task_id=task.id, label=target.text)
            db.session.add(row)
        row.position = position
        row.comparison = target.comparison.value
        row.quantity = target.quantity
        row.unit = target.unit[:100]
    for row in old_targets.values():
        db.session.delete(row)
    old_items = {i.text: i for i in checklist_of(task.id)}
    for position, text in enumerate(items):
        item = old_items.pop(text, None)
        if item is None:
            item = TaskChecklistItem(task_id=task.id, text=text, done=False)
            db.session.add(item)
        item.position = position
    for item in old_items.values():
        db.session.delete(item)
    db.session.flush()


def attach_proposed(task: Task, proposed: Iterable[ParsedTarget]) -> None:
    """The targets the extraction read, on a task it has just created (no query: a new task
    has none yet, and a directive may bring hundreds of tasks)."""
    for position, target in enumerate(proposed):
        db.session.add(
            TaskTarget(
                task=task,
                position=position,
                label=target.text[:MAX_LINE],
                comparison=target.comparison.value,
                quantity=target.quantity,
                unit=target.unit[:100],
            )
        )


@dataclass
class TargetReport:
    """What one report form said: achieved values by target id, ticked item ids, a note."""

    achieved: dict[int, Decimal | None]
    ticked: set[int]
    note: str


def read_report(task: Task, form: Mapping[str, str], ticked: Iterable[str], note: str | None):
    """Read the report form's fields (`achieved-<id>`, `item` checkboxes) for `task`'s own
    targets and items; a field of another task is ignored, a bad number is a TargetError."""
    achieved: dict[int, Decimal | None] = {}
    for target in targets_of(task.id):
        raw = (form.get(f"achieved-{target.id}") or "").strip()
        if not raw:
            achieved[target.id] = None
            continue
        value = read_number(raw.rstrip("%").strip())
        if value is None:
            raise TargetError(
                f"achieved-{target.id}",
                _(
                    "Kết quả của chỉ tiêu “%(label)s” phải là một số không âm (ví dụ 3 hoặc 80,5).",
                    label=target.label[:80],
                ),
            )
        achieved[target.id] = value
    own_items = {i.id for i in checklist_of(task.id)}
    ticks = set()
    for raw in ticked:
        if str(raw).isdigit() and int(raw) in own_items:
            ticks.add(int(raw))
    text = (note or "").strip()
    if "\x00" in text or len(text) > 4000:
        raise TargetError("note", _("Ghi chú không hợp lệ hoặc dài quá 4000 ký tự."))
    return TargetReport(achieved=achieved, ticked=ticks, note=text)


def summary_line(targets: Sequence[TaskTarget], items: Sequence[TaskChecklistItem]) -> str:
    """ "Chỉ tiêu: ít nhất 5 giải pháp: 3 (chưa đạt); Việc cần làm: 2/3 đã xong." — the
    progress update's text, so the timeline says what was reported."""
    parts = []
    for t in targets:
        if t.achieved is None:
            continue
        state = _("đạt") if t.met else _("chưa đạt")
        parts.append(f"{t.label}: {format_quantity(t.achieved)} ({state})")
    out = []
    if parts:
        out.append(_("Kết quả chỉ tiêu") + ": " + "; ".join(parts) + ".")
    if items:
        done = sum(1 for i in items if i.done)
        out.append(_("Việc cần làm: %(done)s/%(all)s đã xong.", done=done, all=len(items)))
    return " ".join(out)


def report(task: Task, report: TargetReport, *, user_id: int, agency_id: int | None):
    """Record the agency's results and post them as a progress update (one timeline entry)."""
    if task.done_on is not None:
        raise TargetError("note", _("Nhiệm vụ đã hoàn thành, không nhận thêm báo cáo tiến độ."))
    now = utcnow()
    targets = targets_of(task.id)
    items = checklist_of(task.id)
    if not targets and not items:
        raise TargetError("note", _("Nhiệm vụ chưa có chỉ tiêu hoặc việc cần làm."))
    for target in targets:
        value = report.achieved.get(target.id)
        if value != target.achieved:
            target.achieved = value
            target.reported_at = now
            target.reported_by_id = user_id
    for item in items:
        done = item.id in report.ticked
        if done != item.done:
            item.done = done
            item.done_at = now if done else None
            item.done_by_id = user_id if done else None
    db.session.flush()
    body = " ".join(p for p in (summary_line(targets, items), report.note) if p)
    try:
        return task_services.add_progress(task, body=body, author_id=user_id, agency_id=agency_id)
    except task_services.TaskError as error:
        raise TargetError("note", str(error)) from None


def period_summary(starts_on, ends_on) -> dict:
    """ "Đạt / chưa đạt chỉ tiêu" per lead agency for the period report: the targets of the
    tasks due in the period (by the date the directive set) and of the tasks without a
    deadline, cancelled tasks left out. A target is đạt or chưa đạt by the agency's latest
    report, or chưa báo cáo."""
    from tracker.agencies.models import Agency

    rows = db.session.execute(
        select(TaskTarget, Task.lead_agency_id, Agency.name)
        .join(Task, Task.id == TaskTarget.task_id)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(
            Task.cancelled_on.is_(None),
            (Task.original_due_on.is_(None)) | (Task.original_due_on.between(starts_on, ends_on)),
        )
    ).all()
    by_agency: dict[int, dict] = {}
    totals = {"met": 0, "not_met": 0, "unreported": 0}
    for target, agency_id, name in rows:
        line = by_agency.setdefault(
            agency_id,
            {"agency_id": agency_id, "agency": name, "met": 0, "not_met": 0, "unreported": 0},
        )
        key = {True: "met", False: "not_met", None: "unreported"}[target.met]
        line[key] += 1
        totals[key] += 1
    lines = sorted(by_agency.values(), key=lambda r: r["agency"])
    for line in [*lines, totals]:
        reported = line["met"] + line["not_met"]
        line["met_rate"] = round(100 * line["met"] / reported, 1) if reported else None
    return {"agencies": lines, "totals": totals}
