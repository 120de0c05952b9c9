"""The office's "Chờ xác nhận" list and its decisions; thin: the services make the writes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.acceptance import services
from tracker.acceptance.forms import ExcuseForm, ReturnForm, SettingForm
from tracker.acceptance.models import CompletionClaim
from tracker.acceptance.panel import timeline_events
from tracker.auth.permissions import get_task_or_404, office_required
from tracker.deadlines import services as deadlines
from tracker.deadlines.models import ReportingPeriod
from tracker.deadlines.obligations import task_lines
from tracker.deadlines.status import Status
from tracker.extensions import db
from tracker.tasks.models import Task
from tracker.timeutil import today

bp = Blueprint("acceptance", __name__, url_prefix="/acceptance")


@bp.record_once
def _register(state) -> None:
    """The task timeline shows each report and decision; the navigation shows the count."""
    state.app.extensions.setdefault("task_timeline_hooks", []).append(timeline_events)
    state.app.jinja_env.globals["acceptance_pending_count"] = services.pending_count


def _claim_or_404(claim_id: int) -> CompletionClaim:
    claim = db.session.get(CompletionClaim, claim_id)
    if claim is None:
        abort(404)
    return claim


def _back(claim_or_task_id: int):
    """Back where the office decided: the list, or the task page (``next=task``)."""
    if request.args.get("next") == "task":
        return redirect(url_for("tasks.show", task_id=claim_or_task_id))
    return redirect(url_for("acceptance.index"))


@bp.route("/")
@office_required
def index():
    """Chờ xác nhận: every completion report the office has not decided yet."""
    return render_template(
        "acceptance/index.html",
        claims=services.pending_claims(),
        return_form=ReturnForm(),
        setting_form=SettingForm(required=services.acceptance_required()),
        required=services.acceptance_required(),
    )


@bp.route("/setting", methods=["POST"])
@office_required
def setting():
    form = SettingForm()
    if form.validate_on_submit():
        services.set_acceptance_required(bool(form.required.data))
        db.session.commit()
        flash(
            _("Đã bật xác nhận báo cáo hoàn thành.")
            if form.required.data
            else _("Đã tắt xác nhận: báo cáo hoàn thành của đơn vị được ghi nhận ngay."),
            "success",
        )
    else:
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "danger")
    return redirect(url_for("acceptance.index"))


@bp.route("/<int:claim_id>/accept", methods=["POST"])
@office_required
def accept(claim_id: int):
    claim = _claim_or_404(claim_id)
    task_id = claim.task_id
    try:  # the app's CSRFProtect has checked the token
        services.accept(claim, user_id=current_user.id)
    except services.AcceptanceError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã xác nhận hoàn thành nhiệm vụ #%(id)s.", id=task_id), "success")
    return _back(task_id)


@bp.route("/<int:claim_id>/return", methods=["POST"])
@office_required
def return_claim(claim_id: int):
    claim = _claim_or_404(claim_id)
    task_id = claim.task_id
    form = ReturnForm()
    try:
        if not form.validate_on_submit():
            raise services.AcceptanceError("reason", _("Vui lòng nêu lý do trả lại."))
        services.return_claim(claim, reason=form.reason.data, user_id=current_user.id)
    except services.AcceptanceError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã trả lại báo cáo hoàn thành nhiệm vụ #%(id)s.", id=task_id), "success")
    return _back(task_id)


def _target(task: Task, period_id: str | None) -> ReportingPeriod | None:
    if not period_id:
        return None
    # a number PostgreSQL's integer column can hold, or no such period
    if not period_id.isdigit() or int(period_id) > 2**31 - 1:
        abort(404)
    period = db.session.get(ReportingPeriod, int(period_id))
    if period is None or period.task_id != task.id:
        abort(404)
    return period


def _state_today(task: Task, period: ReportingPeriod | None) -> Status:
    if period is not None:
        return deadlines.period_status(period, today())
    return task_lines([task], today())[task.id].status


@bp.route("/tasks/<int:task_id>/excuse", methods=["POST"])
@office_required
def excuse(task_id: int):
    """Do nguyên nhân khách quan: the obligation leaves the agency's rates."""
    task = get_task_or_404(task_id, current_user)
    form = ExcuseForm()
    period = _target(task, form.period_id.data)
    try:
        if not form.validate_on_submit():
            raise services.AcceptanceError("reason", _("Vui lòng nêu nguyên nhân khách quan."))
        services.excuse(task, period, reason=form.reason.data, state=_state_today(task, period))
    except services.AcceptanceError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã xác định không hoàn thành do nguyên nhân khách quan."), "success")
    return redirect(url_for("tasks.show", task_id=task.id))


@bp.route("/tasks/<int:task_id>/unexcuse", methods=["POST"])
@office_required
def unexcuse(task_id: int):
    task = get_task_or_404(task_id, current_user)
    period = _target(task, request.form.get("period_id"))
    try:  # the app's CSRFProtect has checked the token
        services.unexcuse(task, period)
    except services.AcceptanceError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã bỏ xác định nguyên nhân khách quan."), "success")
    return redirect(url_for("tasks.show", task_id=task.id))
