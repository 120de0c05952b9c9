"""Reorganising agencies: merge one into another, or rename one (as provinces did in 2025).

A merge is one transaction (the caller commits) that:

* moves OLD's open obligations to NEW — the open tasks it leads, those it works on as a
  co-agency, and those reported through it whose consolidated report is still due. Their
  open reporting periods and pending extension requests belong to the task, so they follow;
  the sweep then reminds NEW, whose officers see and complete them;
* leaves finished (done or cancelled) tasks with OLD, for the record: the period report folds
  OLD under NEW through `merged_into`;
* records each move in the task's audit row with a note ("Chuyển từ OLD do hợp nhất ngày …");
* makes OLD's name and aliases aliases of NEW (extraction and import find NEW), sets OLD's
  `merged_into` to NEW and deactivates it;
* moves OLD's user accounts to NEW, or deactivates them (ending their sessions), as the
  office chooses.

Merging again an agency already merged into NEW moves what is left with it (tasks that an
earlier `merged_into` set by hand left behind). A rename is the same operation without a
second agency: the old name stays as an alias.

`plan_merge` computes the preview (every task that will move) without writing; `merge_agencies`
recomputes it inside the transaction and, given the ids the office saw, refuses when the list
changed meanwhile, so what is confirmed is what was shown.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.agencies.models import Agency
from tracker.agencies.services import AgencyError, find_by_name, set_aliases
from tracker.audit import audit_note, current_actor_id
from tracker.auth.models import User
from tracker.auth.services import update_user
from tracker.deadlines.obligations import involves_agency_sql
from tracker.deadlines.status import is_open_sql
from tracker.extensions import db
from tracker.sql import in_ids
from tracker.tasks.models import Task, task_co_agency
from tracker.text import fold
from tracker.timeutil import today

MERGE_NOTE = "agency_merge"
RENAME_NOTE = "agency_rename"


class UserChoice(enum.StrEnum):
    """What becomes of the merged agency's accounts."""

    MOVE = "move"  #: they now work for the successor
    DEACTIVATE = "deactivate"  #: they can no longer log in

    @property
    def label(self) -> str:
        return {
            "move": "Chuyển sang cơ quan tiếp nhận",
            "deactivate": "Ngừng hoạt động các tài khoản",
        }[self.value]


@dataclass(frozen=True)
class MovingTask:
    """One task that moves, and in which roles OLD holds it ("lead", "co", "via")."""

    task: Task
    roles: tuple[str, ...]


@dataclass
class MergePlan:
    """What a merge will do: the preview the office confirms."""

    old: Agency
    new: Agency
    on: date
    tasks: list[MovingTask] = field(default_factory=list)
    #: finished tasks that keep OLD for the record
    kept: int = 0
    users: list[User] = field(default_factory=list)

    @property
    def task_ids(self) -> list[int]:
        return [m.task.id for m in self.tasks]


def resolve(name: str) -> Agency:
    """The agency called `name` (or with that alias); a Vietnamese error when none is."""
    agency = find_by_name(name)
    if agency is None:
        raise AgencyError(_("Không có cơ quan, đơn vị tên “%(name)s”.", name=name))
    return agency


def _check(old: Agency, new: Agency, on: date) -> None:
    if old.id == new.id:
        raise AgencyError(_("Một cơ quan không thể sáp nhập vào chính nó."))
    if old.merged_into_id is not None and old.merged_into_id != new.id:
        raise AgencyError(
            _(
                "“%(old)s” đã sáp nhập vào “%(other)s”.",
                old=old.name,
                other=old.merged_into.name if old.merged_into else old.merged_into_id,
            )
        )
    if new.merged_into_id is not None:
        raise AgencyError(
            _(
                "“%(new)s” đã sáp nhập vào cơ quan khác, không thể tiếp nhận.",
                new=new.name,
            )
        )
    if not new.active:
        raise AgencyError(_("“%(new)s” đang ngừng hoạt động.", new=new.name))
    if on > today():
        raise AgencyError(_("Ngày hợp nhất không được sau hôm nay."))


def _moving_condition(agency_id: int):
    """Open tasks where the agency is lead, co-agency, or a via agency yet to report (SQL)."""
    co = select(task_co_agency.c.task_id).where(task_co_agency.c.agency_id == agency_id)
    return and_(
        is_open_sql(today(), done_on=Task.done_on, cancelled_on=Task.cancelled_on),
        or_(
            Task.lead_agency_id == agency_id,
            in_ids(Task.id, co),
            and_(Task.via_agency_id == agency_id, Task.via_done_on.is_(None)),
        ),
    )


def count_open_tasks(agency: Agency) -> int:
    """How many tasks a merge of `agency` would move."""
    return db.session.execute(
        select(func.count()).select_from(Task).where(_moving_condition(agency.id))
    ).scalar_one()


def plan_merge(old: Agency, new: Agency, *, on: date) -> MergePlan:
    """Every task that will move, the finished ones kept, the accounts concerned; no write."""
    _check(old, new, on)
    tasks = db.session.execute(
        select(Task)
        .where(_moving_condition(old.id))
        .options(
            joinedload(Task.directive),
            joinedload(Task.lead_agency),
            selectinload(Task.co_agencies),
        )
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
    ).scalars()
    moving = []
    for task in tasks:
        roles = []
        if task.lead_agency_id == old.id:
            roles.append("lead")
        if any(a.id == old.id for a in task.co_agencies):
            roles.append("co")
        if task.via_agency_id == old.id and task.via_done_on is None:
            roles.append("via")
        moving.append(MovingTask(task, tuple(roles)))
    involved = db.session.execute(
        select(func.count()).select_from(Task).where(involves_agency_sql(old.id))
    ).scalar_one()
    users = list(
        db.session.execute(
            select(User).where(User.agency_id == old.id).order_by(User.full_name)
        ).scalars()
    )
    return MergePlan(
        old=old, new=new, on=on, tasks=moving, kept=involved - len(moving), users=users
    )


def _move_task(task: Task, old: Agency, new: Agency) -> None:
    """Put NEW where OLD is on one open task, without naming an agency twice."""
    if task.lead_agency_id == old.id:
        task.lead_agency_id = new.id
        task.lead_agency = new
    if any(a.id == old.id for a in task.co_agencies):
        others = [a for a in task.co_agencies if a.id not in (old.id, new.id)]
        if task.lead_agency_id != new.id:
            others.append(new)
        task.co_agencies = sorted(others, key=lambda a: a.name)
    elif task.lead_agency_id == new.id and any(a.id == new.id for a in task.co_agencies):
        task.co_agencies = [a for a in task.co_agencies if a.id != new.id]
    if task.via_agency_id == old.id and task.via_done_on is None:
        task.via_agency_id = new.id
        task.via_agency = new
    task.updated_by_id = current_actor_id()


def merge_agencies(
    old: Agency,
    new: Agency,
    *,
    on: date,
    users: UserChoice | str = UserChoice.MOVE,
    expected_task_ids: Collection[int] | None = None,
) -> MergePlan:
    """Merge OLD into NEW as of `on` (see the module docstring); the caller commits.

    `expected_task_ids` are the tasks the office saw in the preview: when the tasks to move
    are no longer exactly those, nothing is written and the office is asked to look again.
    """
    try:
        users = UserChoice(users)
    except ValueError:
        raise AgencyError(_("Lựa chọn không hợp lệ.")) from None
    plan = plan_merge(old, new, on=on)
    if expected_task_ids is not None and set(expected_task_ids) != set(plan.task_ids):
        raise AgencyError(
            _(
                "Danh sách nhiệm vụ sẽ chuyển đã thay đổi từ lúc xem trước. "
                "Vui lòng xem lại trước khi xác nhận."
            )
        )
    note = {
        "kind": MERGE_NOTE,
        "from_id": old.id,
        "from": old.name,
        "to_id": new.id,
        "to": new.name,
        "on": on.isoformat(),
    }
    session = db.session()
    with audit_note(session, note):
        for moving in plan.tasks:
            _move_task(moving.task, old, new)
        set_aliases(
            new,
            [*(a.name for a in new.aliases), old.name, *(a.name for a in old.aliases)],
        )
        old.merged_into_id = new.id
        old.active = False
        for user in plan.users:
            if users is UserChoice.MOVE:
                user.agency_id = new.id
            elif user.active:
                update_user(user, active=False)  # its sessions end at once
    return plan


def rename_agency(agency: Agency, new_name: str) -> Agency:
    """Give an agency a new name, keeping the old one as an alias; the caller commits."""
    new_name = " ".join((new_name or "").split())
    if not new_name:
        raise AgencyError(_("Vui lòng nhập tên mới."))
    if len(new_name) > 255:
        raise AgencyError(_("Tên mới dài quá 255 ký tự."))
    if fold(new_name) == agency.name_folded and new_name == agency.name:
        raise AgencyError(_("Tên mới trùng với tên hiện tại."))
    clash = db.session.execute(
        select(Agency).where(Agency.name_folded == fold(new_name), Agency.id != agency.id)
    ).scalar_one_or_none()
    if clash is not None:
        raise AgencyError(_("Đã có cơ quan, đơn vị tên “%(name)s”.", name=clash.name))
    old_name = agency.name
    note = {"kind": RENAME_NOTE, "from": old_name, "to": new_name, "on": today().isoformat()}
    with audit_note(db.session(), note):
        agency.name = new_name
        set_aliases(agency, [*(a.name for a in agency.aliases), old_name])
    return agency
