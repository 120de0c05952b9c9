"""The index register's writes (import, quarterly assessment, yearly result, task tags) and
its report. The caller commits; every row written is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.agencies.services import find_by_name
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.indexes.importer import CriterionRow
from tracker.indexes.models import (
    CriterionAssessment,
    IndexCriterion,
    IndexResult,
    ScoreIndex,
    TaskCriterion,
)
from tracker.indexes.rules import INDEX_NAMES, level_of, parent_code, roll_up
from tracker.tasks.models import Task
from tracker.timeutil import utcnow

#: years the office may record (a register older or newer is a typing slip)
YEARS = range(2015, 2101)


class RegisterError(ValueError):
    """A user-facing reason (Vietnamese) a write was refused; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def agency_id_by_name(name: str) -> int | None:
    agency = find_by_name(name)
    return agency.id if agency is not None else None


def import_rows(rows: list[CriterionRow]) -> tuple[int, int]:
    """Write checked rows: (added, updated). A criterion is known by its index and code; one
    missing from the file is kept (its assessments are history)."""
    added = updated = 0
    indexes: dict[str, ScoreIndex] = {}
    known: dict[tuple[int, str], IndexCriterion] = {}
    for row in rows:
        index = indexes.get(row.index)
        if index is None:
            index = db.session.execute(
                select(ScoreIndex).where(ScoreIndex.code == row.index)
            ).scalar_one_or_none()
            if index is None:
                index = ScoreIndex(code=row.index, name=INDEX_NAMES[row.index])
                db.session.add(index)
                db.session.flush()
            indexes[row.index] = index
            for c in db.session.execute(
                select(IndexCriterion).where(IndexCriterion.index_id == index.id)
            ).scalars():
                known[(index.id, c.code)] = c
        criterion = known.get((index.id, row.code))
        parent = parent_code(row.code)
        values = {
            "name": row.name,
            "max_points": row.max_points,
            "agency_id": row.agency_id,
            "level": level_of(row.code),
            "position": row.line,
            "parent_id": known[(index.id, parent)].id if parent else None,
        }
        if criterion is None:
            criterion = IndexCriterion(index_id=index.id, code=row.code, **values)
            db.session.add(criterion)
            added += 1
        else:
            changed = False
            for key, value in values.items():
                if getattr(criterion, key) != value:
                    setattr(criterion, key, value)
                    changed = True
            updated += 1 if changed else 0
        db.session.flush()
        known[(index.id, row.code)] = criterion
    return added, updated


def indexes() -> Sequence[ScoreIndex]:
    return db.session.execute(select(ScoreIndex).order_by(ScoreIndex.code)).scalars().all()


def criteria_of(index_id: int) -> Sequence[IndexCriterion]:
    return (
        db.session.execute(
            select(IndexCriterion)
            .where(IndexCriterion.index_id == index_id)
            .options(selectinload(IndexCriterion.agency))
            .order_by(IndexCriterion.position, IndexCriterion.id)
        )
        .scalars()
        .all()
    )


def is_leaf(criterion: IndexCriterion) -> bool:
    return (
        db.session.execute(
            select(IndexCriterion.id).where(IndexCriterion.parent_id == criterion.id).limit(1)
        ).first()
        is None
    )


def may_assess(user: User, criterion: IndexCriterion) -> bool:
    """The office, or an officer of the agency that tracks the criterion."""
    if user.role in (Role.OFFICE_ADMIN, Role.OFFICE_STAFF):
        return True
    return (
        user.role == Role.AGENCY_OFFICER
        and user.agency_id is not None
        and user.agency_id == criterion.agency_id
    )


def assess(
    criterion: IndexCriterion,
    *,
    year: int | None,
    quarter: int | None,
    met: bool | None,
    points_lost: Decimal | None,
    reason: str | None,
    objective: bool,
    user: User,
) -> CriterionAssessment:
    """Record (or correct) a quarter's đạt / chưa đạt of a leaf criterion."""
    if not is_leaf(criterion):
        raise RegisterError(
            "met",
            _("Tiêu chí này có tiêu chí thành phần: hãy ghi kết quả từng tiêu chí thành phần."),
        )
    if year not in YEARS:
        raise RegisterError("year", _("Năm phải từ 2015 đến 2100."))
    if quarter not in (1, 2, 3, 4):
        raise RegisterError("quarter", _("Vui lòng chọn quý."))
    if met is None:
        raise RegisterError("met", _("Vui lòng chọn Đạt hoặc Chưa đạt."))
    text = (reason or "").strip()
    lost = Decimal(0) if met else (points_lost or Decimal(0))
    if not met:
        if not text:
            raise RegisterError("reason", _("Vui lòng nêu lý do chưa đạt."))
        if lost < 0 or lost > criterion.max_points:
            raise RegisterError(
                "points_lost",
                _(
                    "Điểm bị trừ phải từ 0 đến %(max)s (điểm tối đa của tiêu chí).",
                    max=_num(criterion.max_points),
                ),
            )
    row = db.session.execute(
        select(CriterionAssessment).where(
            CriterionAssessment.criterion_id == criterion.id,
            CriterionAssessment.year == year,
            CriterionAssessment.quarter == quarter,
        )
    ).scalar_one_or_none()
    if row is None:
        row = CriterionAssessment(criterion_id=criterion.id, year=year, quarter=quarter, met=met)
        db.session.add(row)
    row.met = met
    row.points_lost = lost
    row.reason = text or None
    row.objective = bool(objective) and not met
    row.agency_id = criterion.agency_id
    row.recorded_by_id = user.id
    row.recorded_at = utcnow()
    db.session.flush()
    return row


def save_result(
    index: ScoreIndex,
    *,
    year: int | None,
    score: Decimal | None,
    rank: int | None,
    rank_of: int | None,
) -> IndexResult:
    """The province's published score and rank for a year ("xếp hạng 37/63")."""
    if year not in YEARS:
        raise RegisterError("year", _("Năm phải từ 2015 đến 2100."))
    if score is not None and not (0 <= score <= 1000):
        raise RegisterError("score", _("Điểm phải từ 0 đến 1000."))
    if rank_of is not None and not (1 <= rank_of <= 100):
        raise RegisterError("rank_of", _("Số tỉnh, thành phố được xếp hạng phải từ 1 đến 100."))
    if rank is not None and not (1 <= rank <= (rank_of or 100)):
        raise RegisterError("rank", _("Thứ hạng phải từ 1 đến số tỉnh, thành phố được xếp hạng."))
    row = db.session.execute(
        select(IndexResult).where(IndexResult.index_id == index.id, IndexResult.year == year)
    ).scalar_one_or_none()
    if row is None:
        row = IndexResult(index_id=index.id, year=year)
        db.session.add(row)
    row.score, row.rank, row.rank_of = score, rank, rank_of
    db.session.flush()
    return row


def criteria_of_task(task_id: int) -> Sequence[IndexCriterion]:
    return (
        db.session.execute(
            select(IndexCriterion)
            .join(TaskCriterion, TaskCriterion.criterion_id == IndexCriterion.id)
            .where(TaskCriterion.task_id == task_id)
            .options(selectinload(IndexCriterion.index))
            .order_by(IndexCriterion.index_id, IndexCriterion.position)
        )
        .scalars()
        .all()
    )


def all_criteria() -> Sequence[IndexCriterion]:
    return (
        db.session.execute(
            select(IndexCriterion)
            .options(selectinload(IndexCriterion.index))
            .order_by(IndexCriterion.index_id, IndexCriterion.position)
        )
        .scalars()
        .all()
    )


def tag_task(task: Task, criterion_ids: list[int]) -> None:
    """Set the criteria a task serves (unknown ids are ignored)."""
    wanted = set(
        db.session.execute(
            select(IndexCriterion.id).where(IndexCriterion.id.in_(criterion_ids))
        ).scalars()
    )
    current = {
        t.criterion_id: t
        for t in db.session.execute(
            select(TaskCriterion).where(TaskCriterion.task_id == task.id)
        ).scalars()
    }
    for criterion_id, link in current.items():
        if criterion_id not in wanted:
            db.session.delete(link)
    for criterion_id in wanted - set(current):
        db.session.add(TaskCriterion(task_id=task.id, criterion_id=criterion_id))
    db.session.flush()


def _num(value: Decimal | None) -> str:
    from tracker.targets.rules import format_quantity

    return format_quantity(value)


@dataclass
class Latest:
    met: bool
    lost: Decimal
    reason: str | None
    objective: bool
    quarter: int


def _latest(criterion_ids: list[int], year: int, quarter: int) -> dict[int, Latest]:
    """Each criterion's latest assessment of `year` up to `quarter`."""
    out: dict[int, Latest] = {}
    rows = db.session.execute(
        select(CriterionAssessment)
        .where(
            CriterionAssessment.criterion_id.in_(criterion_ids),
            CriterionAssessment.year == year,
            CriterionAssessment.quarter <= quarter,
        )
        .order_by(CriterionAssessment.quarter)
    ).scalars()
    for r in rows:
        out[r.criterion_id] = Latest(r.met, r.points_lost, r.reason, r.objective, r.quarter)
    return out


def _tasks_by_criterion(criterion_ids: list[int]) -> dict[int, list[Task]]:
    out: dict[int, list[Task]] = {}
    rows = db.session.execute(
        select(TaskCriterion)
        .where(TaskCriterion.criterion_id.in_(criterion_ids))
        .options(selectinload(TaskCriterion.task).selectinload(Task.lead_agency))
    ).scalars()
    for link in rows:
        out.setdefault(link.criterion_id, []).append(link.task)
    return out


def report(index: ScoreIndex, year: int, quarter: int = 4, root: IndexCriterion | None = None):
    """Per lĩnh vực (or under `root`): points, points lost, the criteria lost with their
    agency, reason and tasks, and the change from the year before; the province's result."""
    criteria = list(criteria_of(index.id))
    if root is not None:
        prefix = root.code + "."
        criteria = [c for c in criteria if c.code == root.code or c.code.startswith(prefix)]
    ids = [c.id for c in criteria]
    by_code = {c.code: c for c in criteria}
    now = _latest(ids, year, quarter)
    before = _latest(ids, year - 1, 4)
    shape = [(c.code, c.max_points) for c in criteria]
    nodes = roll_up(
        shape, {c.code: (now[c.id].met, now[c.id].lost) for c in criteria if c.id in now}
    )
    prev = roll_up(
        shape, {c.code: (before[c.id].met, before[c.id].lost) for c in criteria if c.id in before}
    )
    tasks = _tasks_by_criterion(ids)
    lines: list[dict[str, Any]] = []
    lost: list[dict[str, Any]] = []
    for c in criteria:
        node, old = nodes[c.code], prev[c.code]
        # a criterion's tasks include those tagged on its lĩnh vực and tiêu chí above it
        chain_tasks: list[Task] = []
        code: str | None = c.code
        while code is not None:
            if code in by_code:
                chain_tasks.extend(tasks.get(by_code[code].id, []))
            code = parent_code(code)
        line = {
            "criterion": c,
            "node": node,
            "assessed": node.assessed > 0,
            "points": node.points if node.assessed else None,
            "previous": old.points if old.assessed else None,
            "change": (node.points - old.points) if node.assessed and old.assessed else None,
            "latest": now.get(c.id),
            "tasks": tasks.get(c.id, []),
        }
        lines.append(line)
        latest = now.get(c.id)
        if not node.children and latest is not None and not latest.met:
            lost.append({**line, "tasks": list(dict.fromkeys(chain_tasks))})
    top_level = min((c.level for c in criteria), default=1)
    areas = [line for line in lines if line["criterion"].level == top_level]
    total_max = sum((a["criterion"].max_points for a in areas), Decimal(0))
    total_lost = sum((a["node"].lost for a in areas), Decimal(0))
    results = {
        r.year: r
        for r in db.session.execute(
            select(IndexResult).where(
                IndexResult.index_id == index.id, IndexResult.year.in_([year, year - 1])
            )
        ).scalars()
    }
    result, previous_result = results.get(year), results.get(year - 1)
    rank_change = None
    if result and previous_result and result.rank and previous_result.rank:
        rank_change = previous_result.rank - result.rank  # up the table is positive
    return {
        "index": index,
        "root": root,
        "year": year,
        "quarter": quarter,
        "lines": lines,
        "areas": areas,
        "lost": lost,
        "total_max": total_max,
        "total_lost": total_lost,
        "total_points": total_max - total_lost,
        "assessed": sum(a["node"].assessed for a in areas),
        "leaves": sum(a["node"].leaves for a in areas),
        "result": result,
        "previous_result": previous_result,
        "rank_change": rank_change,
    }


def agency_criteria(agency_id: int | None) -> Sequence[IndexCriterion]:
    """The criteria an agency tracks (its officers' list)."""
    if agency_id is None:
        return []
    return (
        db.session.execute(
            select(IndexCriterion)
            .where(IndexCriterion.agency_id == agency_id)
            .options(selectinload(IndexCriterion.index))
            .order_by(IndexCriterion.index_id, IndexCriterion.position)
        )
        .scalars()
        .all()
    )
