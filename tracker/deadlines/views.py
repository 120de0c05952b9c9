"""Deadline pages: extension requests and decisions, period reports, the via agency's delivery,
the office's calendar exceptions and period rules (the task page's deadline panel is built in
panel.py)."""

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.acceptance import services as acceptance
from tracker.auth.permissions import get_task_or_404, office_required
from tracker.deadlines import access, services
from tracker.deadlines.calendar import WorkingCalendar
from tracker.deadlines.forms import (
    CalendarExceptionForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    PeriodReportForm,
    PeriodSettingsForm,
    ViaDoneForm,
)
from tracker.deadlines.models import (
    CalendarException,
    ExtensionRequest,
    ExtensionState,
    ReportingPeriod,
)
from tracker.deadlines.periods import Cadence, meets_submission_gap, periods_between
from tracker.extensions import db
from tracker.files.storage import UploadError, store
from tracker.forms import validate_with_upload
from tracker.tasks.models import Task
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("deadlines", __name__)


# -- extensions --------------------------------------------------------------------------


def _period_of(task: Task, period_id: int | None) -> ReportingPeriod | None:
    if period_id is None:
        return None
    period = db.session.get(ReportingPeriod, period_id)
    if period is None or period.task_id != task.id:
        abort(404)
    return period


@bp.route("/tasks/<int:task_id>/extensions/new", methods=["GET", "POST"])
@login_required
def request_extension(task_id: int):
    """An officer of the lead agency asks for a later due date (task or one period)."""
    task = get_task_or_404(task_id, current_user)
    if not access.can_request_extension(current_user, task):
        abort(403)
    period = _period_of(task, request.args.get("period", type=int))
    form = ExtensionRequestForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():

            def ask() -> None:
                wanted = services.requested_date(
                    task,
                    period,
                    requested_due_on=form.requested_due_on.data,
                    working_days=form.working_days.data,
                )
                services.request_extension(
                    task,
                    period=period,
                    requested_due_on=wanted,
                    reason=form.reason.data,
                    user_id=current_user.id,
                )

            response = commit_or_roll_back(
                ask,
                errors=services.DeadlineError,
                form=form,
                done=_("Đã gửi đề nghị gia hạn tới Văn phòng UBND tỉnh."),
                to=url_for("tasks.show", task_id=task.id),
            )
            if response:
                return response
    return (
        render_template(
            "deadlines/extension_request.html",
            form=form,
            task=task,
            period=period,
            current_due=services.current_due(task, period),
        ),
        status,
    )


@bp.route("/extensions")
@office_required
def extensions():
    """The office's queue: requests waiting for a decision, and the latest decisions."""
    counts = services.extension_counts()
    base = select(ExtensionRequest).options(
        selectinload(ExtensionRequest.task).selectinload(Task.lead_agency),
        selectinload(ExtensionRequest.period),
        selectinload(ExtensionRequest.requested_by),
        selectinload(ExtensionRequest.decided_by),
    )
    pending = (
        db.session.execute(
            base.where(ExtensionRequest.state == ExtensionState.PENDING.value).order_by(
                ExtensionRequest.requested_at, ExtensionRequest.id
            )
        )
        .scalars()
        .all()
    )
    decided = (
        db.session.execute(
            base.where(ExtensionRequest.state != ExtensionState.PENDING.value)
            .order_by(ExtensionRequest.decided_at.desc(), ExtensionRequest.id.desc())
            .limit(20)
        )
        .scalars()
        .all()
    )
    return render_template(
        "deadlines/extensions.html",
        counts=counts,
        pending=pending,
        decided=decided,
        form=ExtensionDecisionForm(),
    )


@bp.route("/extensions/<int:request_id>", methods=["GET", "POST"])
@office_required
def decide(request_id: int):
    """Approve (with the date asked for or another) or refuse (with a reason)."""
    ext = db.session.get(ExtensionRequest, request_id) or abort(404)
    if request.method == "POST" and ext.state != ExtensionState.PENDING.value:
        flash(_("Đề nghị gia hạn này đã được xử lý."), "warning")
        return redirect(url_for("deadlines.extensions"))
    form = ExtensionDecisionForm()
    if request.method == "GET":
        form.approved_due_on.data = ext.requested_due_on
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():

            def decide_it() -> str:
                if form.action.data == "approve":
                    services.approve_extension(
                        ext,
                        approved_due_on=form.approved_due_on.data,
                        note=form.note.data,
                        user_id=current_user.id,
                    )
                    return _("Đã chấp thuận đề nghị gia hạn.")
                services.refuse_extension(ext, note=form.note.data, user_id=current_user.id)
                return _("Đã từ chối đề nghị gia hạn.")

            response = commit_or_roll_back(
                decide_it,
                errors=services.DeadlineError,
                form=form,
                done=lambda message: message,
                to=url_for("deadlines.extensions"),
            )
            if response:
                return response
    return render_template("deadlines/decide.html", ext=ext, form=form), status


# -- periods -----------------------------------------------------------------------------


@bp.route("/tasks/<int:task_id>/periods/<int:period_id>/submit", methods=["GET", "POST"])
@login_required
def submit_period(task_id: int, period_id: int):
    """The lead agency (or the office) records a period's report."""
    task = get_task_or_404(task_id, current_user)
    period = _period_of(task, period_id)
    if not access.can_submit_period(current_user, task):
        abort(403)
    if period.done_on is not None:
        flash(_("Kỳ báo cáo này đã được nộp."), "info")
        return redirect(url_for("tasks.show", task_id=task.id))
    form = PeriodReportForm()
    status = 200
    if request.method == "POST":
        status = 422
        valid, checked = validate_with_upload(form, form.attachment)
        if valid:

            def submit() -> None:
                acceptance.report_done(  # waits for the office's acceptance (issue 16)
                    task,
                    period,
                    report_number=form.report_number.data,
                    report_date=form.report_date.data,
                    done_on=form.done_on.data,
                    note=form.note.data,
                    user=current_user,
                )
                if checked:
                    store(checked, period_id=period.id)

            response = commit_or_roll_back(
                submit,
                errors=(acceptance.AcceptanceError, UploadError),
                form=form,
                field="attachment",  # an UploadError names no field: it is the file's
                done=_("Đã ghi nhận báo cáo %(period)s.", period=period.label),
                to=url_for("tasks.show", task_id=task.id),
            )
            if response:
                return response
    return (
        render_template("deadlines/period_submit.html", form=form, task=task, period=period),
        status,
    )


@bp.route("/tasks/<int:task_id>/periods/<int:period_id>/reopen", methods=["POST"])
@office_required
def reopen_period(task_id: int, period_id: int):
    task = get_task_or_404(task_id, current_user)
    period = _period_of(task, period_id)
    return commit_or_roll_back(
        lambda: services.reopen_period(period),
        errors=services.DeadlineError,
        done=_("Đã mở lại %(period)s.", period=period.label),
        to=url_for("tasks.show", task_id=task.id),
    )


@bp.route("/tasks/<int:task_id>/periods/open", methods=["POST"])
@office_required
def open_task_periods(task_id: int):
    """Open the task's periods up to the horizon now, without waiting for the scheduler."""
    task = get_task_or_404(task_id, current_user)
    return commit_or_roll_back(
        lambda: services.open_task_periods(task, today() + timedelta(days=services.HORIZON_DAYS)),
        errors=(),
        done=lambda created: _("Đã tạo %(count)s kỳ báo cáo mới.", count=created),
        to=url_for("tasks.show", task_id=task.id),
    )


# -- two-hop -----------------------------------------------------------------------------


@bp.route("/tasks/<int:task_id>/via-done", methods=["POST"])
@login_required
def via_done(task_id: int):
    """The via agency delivered its consolidated report."""
    task = get_task_or_404(task_id, current_user)
    if not access.can_mark_via_done(current_user, task):
        abort(403)
    form = ViaDoneForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors if isinstance(errors, list) else [errors]:
                flash(str(error), "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    return commit_or_roll_back(
        lambda: services.mark_via_done(task, done_on=form.done_on.data),
        errors=services.DeadlineError,
        done=_("Đã ghi nhận đơn vị tổng hợp gửi báo cáo tổng hợp."),
        to=url_for("tasks.show", task_id=task.id),
    )


# -- calendar ----------------------------------------------------------------------------


def _days_of_year(year: int, cal: WorkingCalendar) -> list[dict[str, Any]]:
    """Weekdays off and weekend days worked in ``year``: what differs from a plain week."""
    days = []
    d = date(year, 1, 1)
    while d.year == year:
        working = cal.is_working_day(d)
        if (d.weekday() < 5) != working:
            days.append({"day": d, "working": working, "reason": cal.day_off_reason(d)})
        d += timedelta(days=1)
    return days


@bp.route("/calendar", methods=["GET", "POST"])
@office_required
def calendar():
    """The office's days off and worked Saturdays, and the year as the app counts it."""
    form = CalendarExceptionForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            response = commit_or_roll_back(
                lambda: services.add_calendar_exception(
                    form.day.data, form.kind.data, form.note.data
                ),
                errors=services.DeadlineError,
                form=form,
                done=lambda row: _("Đã thêm ngày %(day)s.", day=f"{row.day:%d/%m/%Y}"),
                to=lambda row: url_for("deadlines.calendar", year=row.day.year),
            )
            if response:
                return response
    year = request.args.get("year", type=int) or today().year
    if not 2000 <= year <= 2100:
        year = today().year
    exceptions = (
        db.session.execute(select(CalendarException).order_by(CalendarException.day.desc()))
        .scalars()
        .all()
    )
    return (
        render_template(
            "deadlines/calendar.html",
            form=form,
            exceptions=exceptions,
            year=year,
            days=_days_of_year(year, services.working_calendar()),
        ),
        status,
    )


@bp.route("/calendar/<int:exception_id>/delete", methods=["POST"])
@office_required
def delete_calendar_day(exception_id: int):
    row = db.session.get(CalendarException, exception_id) or abort(404)
    day = row.day
    return commit_or_roll_back(
        lambda: services.delete_calendar_exception(row),
        errors=(),
        done=_("Đã xóa ngày %(day)s khỏi danh sách.", day=f"{day:%d/%m/%Y}"),
        to=url_for("deadlines.calendar", year=day.year),
    )


# -- period rules ------------------------------------------------------------------------


@bp.route("/settings/periods", methods=["GET", "POST"])
@office_required
def period_settings():
    """The province's period rules: due day, 9-month end, "trước ngày D", ranges."""
    current = services.period_settings()
    form = PeriodSettingsForm()
    if request.method == "GET":
        form.due_day.data = current.due_day
        month, day = current.nine_month_end
        form.nine_month_end.data = f"{day}/{month}"
        form.strict_before.data = current.strict_before
        form.cutoff.data = current.cutoff
        form.due_on_day_off.data = current.due_on_day_off
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            response = commit_or_roll_back(
                lambda: services.save_period_settings(
                    due_day=form.due_day.data,
                    nine_month_end=form.nine_month_end.data,
                    strict_before=form.strict_before.data,
                    cutoff=form.cutoff.data,
                    due_on_day_off=form.due_on_day_off.data,
                ),
                errors=services.DeadlineError,
                form=form,
                done=_("Đã lưu quy định kỳ báo cáo."),
                to=url_for("deadlines.period_settings"),
            )
            if response:
                return response
    year = today().year
    cal = services.working_calendar()
    # one row per distinct period of the year (Quý I and 6 tháng appear in several cadences)
    distinct = {
        (p.label, p.starts_on, p.ends_on, p.due_on): p
        for cadence in (Cadence.QUARTERLY, Cadence.QUARTERLY_CUMULATIVE, Cadence.SEMIANNUAL)
        for p in periods_between(
            cadence, date(year, 1, 1), date(year, 12, 31), current, calendar=cal
        )
    }
    preview = [
        {"period": p, "gap_ok": meets_submission_gap(p, cal)}
        for p in sorted(distinct.values(), key=lambda p: (p.due_on, p.ends_on))
    ]
    return (
        render_template(
            "deadlines/settings.html", form=form, preview=preview, year=year, current=current
        ),
        status,
    )
