"""The office's target page of a task, and the agency's result report (a progress update).
The task page shows both through templates/targets/_task_panel.html."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.permissions import can_report_progress, get_task_or_404, office_required
from tracker.extensions import db
from tracker.targets import services
from tracker.targets.forms import TargetReportForm, TargetsForm
from tracker.targets.rules import format_quantity

bp = Blueprint("targets", __name__, url_prefix="/tasks")


@bp.app_template_global()
def task_targets(task_id: int) -> dict:
    """The task page's panel: the targets with their progress and the checklist."""
    targets = services.targets_of(task_id)
    items = services.checklist_of(task_id)
    return {
        "targets": targets,
        "checklist": items,
        "done": sum(1 for i in items if i.done),
        "report_form": TargetReportForm(formdata=None),
    }


bp.add_app_template_filter(format_quantity, "quantity")


@bp.app_template_global()
def target_summary(starts_on, ends_on) -> dict:
    """The period report's "đạt / chưa đạt chỉ tiêu" section."""
    return services.period_summary(starts_on, ends_on)


@bp.route("/<int:task_id>/targets", methods=["GET", "POST"])
@office_required
def edit(task_id: int):
    task = get_task_or_404(task_id, current_user)
    form = TargetsForm()
    if request.method == "GET":
        form.targets.data = "\n".join(t.label for t in services.targets_of(task.id))
        form.checklist.data = "\n".join(i.text for i in services.checklist_of(task.id))
    if form.validate_on_submit():
        try:
            services.set_targets(task, form.targets.data, form.checklist.data)
        except services.TargetError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu chỉ tiêu và việc cần làm."), "success")
            return redirect(url_for("tasks.show", task_id=task.id, _anchor="chi-tieu"))
    status = 422 if form.errors else 200
    return render_template("targets/edit.html", form=form, task=task), status


@bp.route("/<int:task_id>/targets/report", methods=["POST"])
@login_required
def report(task_id: int):
    """The agency (or the office) reports achieved values and ticks; kept as a progress update."""
    task = get_task_or_404(task_id, current_user)
    if not can_report_progress(current_user, task):
        abort(403)
    form = TargetReportForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng gửi lại."), "danger")
        return redirect(url_for("tasks.show", task_id=task.id, _anchor="chi-tieu"))
    try:
        parsed = services.read_report(
            task, request.form, request.form.getlist("item"), form.note.data
        )
        services.report(task, parsed, user_id=current_user.id, agency_id=current_user.agency_id)
    except services.TargetError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã báo cáo kết quả chỉ tiêu."), "success")
    return redirect(url_for("tasks.show", task_id=task.id, _anchor="chi-tieu"))
