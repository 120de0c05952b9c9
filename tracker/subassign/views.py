"""Giao xử lý pages: the hand-over form of one task, and the agency's list of handed-over
tasks ("Giao cho tôi"). The task page shows the hand-over through `subassign_panel`."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.models import Role
from tracker.auth.permissions import get_task_or_404, roles_required
from tracker.subassign import services
from tracker.subassign.forms import SubAssignForm
from tracker.web import commit_or_roll_back

bp = Blueprint("subassign", __name__, url_prefix="/tasks")


def _assignee_id(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) < 10:
        return int(text)
    return -1  # never an officer's id: the service says so next to the field


@bp.route("/<int:task_id>/giao-xu-ly", methods=["GET", "POST"])
@login_required
def edit(task_id: int):
    """An officer of the task's lead or co-agency hands it on inside the agency (403 for the
    office, leaders and the via agency: they see the hand-over on the task page)."""
    task = get_task_or_404(task_id, current_user)
    if not services.may_subassign(current_user, task):
        abort(403)
    row = services.current(task, current_user.agency_id)
    form = SubAssignForm()
    officers = services.officers(current_user.agency_id)
    form.assignee.choices = [("", _("— Không chọn —"))] + [
        (str(o.id), f"{o.full_name} ({o.email})") for o in officers
    ]
    if request.method == "GET" and row is not None:
        form.unit.data = "" if row.assignee_id else row.assignee_label
        form.assignee.data = str(row.assignee_id) if row.assignee_id else ""
        form.note.data = row.assign_note
        form.internal_due_on.data = row.internal_due_on
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            data = services.HandOver(
                unit=form.unit.data or "",
                assignee_id=_assignee_id(form.assignee.data),
                note=form.note.data or "",
                internal_due_on=form.internal_due_on.data,
            )
            response = commit_or_roll_back(
                lambda: services.assign(task, current_user, data),
                errors=services.SubAssignError,
                form=form,
                done=_("Đã giao xử lý nhiệm vụ."),
                to=url_for("tasks.show", task_id=task.id, _anchor="giao-xu-ly"),
            )
            if response:
                return response
    return render_template("subassign/edit.html", task=task, form=form, row=row), status


@bp.route("/<int:task_id>/giao-xu-ly/xoa", methods=["POST"])
@login_required
def clear(task_id: int):
    """Take the hand-over back: the agency handles the task as a whole again."""
    task = get_task_or_404(task_id, current_user)
    if not services.may_subassign(current_user, task):
        abort(403)
    target = url_for("tasks.show", task_id=task.id, _anchor="giao-xu-ly")
    return commit_or_roll_back(
        lambda: services.clear(task, current_user),
        errors=(),
        done=lambda cleared: _("Đã thu hồi giao xử lý.") if cleared else None,
        to=target,
    )


@bp.route("/giao-xu-ly")
@roles_required(Role.AGENCY_OFFICER)
def index():
    """The agency's handed-over tasks; `?mine=1` keeps those given to the user ("Giao cho
    tôi")."""
    if current_user.agency_id is None:
        abort(403)
    mine = request.args.get("mine") == "1"
    rows = services.agency_list(current_user.agency_id, mine=current_user if mine else None)
    return render_template("subassign/index.html", rows=rows, mine=mine)


def subassign_panel(task) -> dict:
    """What the task page's "Giao xử lý" card shows: every agency's hand-over (read-only for
    the office and leaders) and whether the user may change their agency's."""
    rows = services.for_task(task)
    names = {a.id: a.name for a in (task.lead_agency, *task.co_agencies) if a is not None}
    return {
        "rows": [(names.get(r.agency_id, ""), r) for r in rows],
        "can_edit": services.may_subassign(current_user, task),
    }


@bp.record_once
def _register(state) -> None:
    """The task page's include reaches the panel without the task view importing this one."""
    state.app.jinja_env.globals["subassign_panel"] = subassign_panel
