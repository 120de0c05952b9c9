"""Task pages: the agency's list, a task with its timeline, progress, completion."""

import io
import re
import secrets
from dataclasses import asdict
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from tracker.acceptance import services as acceptance
from tracker.auth.permissions import (
    can_complete,
    can_report_progress,
    get_task_or_404,
    office_required,
    task_visibility,
)
from tracker.deadlines.obligations import task_lines
from tracker.deadlines.status import Status, is_due_soon
from tracker.directives.services import DirectiveError
from tracker.extensions import db
from tracker.files.storage import UploadError, store
from tracker.forms import validate_with_upload
from tracker.reports.dashboard import (
    Filters,
    filter_choices,
    obligation_label,
    obligation_matcher,
)
from tracker.tasks import importing, services
from tracker.tasks.forms import (
    CompleteForm,
    ConfirmTaskImportForm,
    ProgressForm,
    ReasonForm,
    TaskImportForm,
)
from tracker.tasks.page import task_page
from tracker.tasks.queries import (
    ID_SORTS,
    SORTS,
    ObligationPage,
    filtered_tasks,
    matching_obligations,
    obligation_totals,
)
from tracker.tasks.search import agency_suggestion
from tracker.tasks.task_form import task_form, task_input
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


@bp.route("/")
@login_required
def index():
    """Nhiệm vụ của đơn vị (agency) or every task (office, leader), filtered and sorted.

    The filters are parsed as the dashboard parses them (`Filters`), so each of its tiles opens
    exactly the tasks it counts; a value that is not valid is ignored with a warning.
    """
    as_of = today()
    visibility = task_visibility(current_user)
    filters = Filters.from_args(request.args, allow_agency=not current_user.is_agency)
    choices = filter_choices(visibility, with_agencies=not current_user.is_agency)
    filters.keep_known(choices)
    # with a state or a due-date filter the list counts what the dashboard's tile counts: the
    # obligations in that state (a recurring task may have several overdue periods), and
    # each row names them; the totals come with the page's ids (`ObligationPage`)
    wanted = filters.task_filters()
    sort = request.args.get("sort", "due")
    matching = matching_obligations(visibility, as_of, wanted)
    obligations_total = None
    if matching is not None and (sort in ID_SORTS or sort not in SORTS):
        page = ObligationPage(
            per_page=25,
            error_out=False,
            matching=matching,
            sort=sort if sort in ID_SORTS else "due",
            session=db.session,
        )
        obligations_total = page.obligations
    else:
        stmt = filtered_tasks(
            visibility, as_of=as_of, **asdict(wanted), sort=sort, matching=matching
        )
        if matching is None:
            page = db.paginate(stmt, per_page=25, error_out=False)
        else:  # sorted by the directive: the tasks' rows are read to sort them
            obligations_total, tasks_total = obligation_totals(matching)
            page = db.paginate(stmt, per_page=25, error_out=False, count=False)
            page.total = tasks_total
    return render_template(
        "tasks/index.html",
        page=page,
        as_of=as_of,
        lines=task_lines(page.items, as_of),
        matches_filter=obligation_matcher(filters, as_of) if matching is not None else None,
        obligations_total=obligations_total,
        obligation_label=obligation_label,
        is_due_soon=is_due_soon,
        statuses=list(Status),
        f=filters,
        choices=choices,
        # "so tai chinh" names an agency: offer its filter (lead, co- or via agency)
        suggested_agency=(
            agency_suggestion(filters.q)
            if filters.q and choices["agencies"] and not filters.agency_id
            else None
        ),
    )


@bp.route("/<int:task_id>")
@login_required
def show(task_id: int):
    return task_page(get_task_or_404(task_id, current_user))


@bp.route("/<int:task_id>/progress", methods=["POST"])
@login_required
def progress(task_id: int):
    task = get_task_or_404(task_id, current_user)
    if not can_report_progress(current_user, task):
        abort(403)
    form = ProgressForm()
    valid, checked = validate_with_upload(form, form.attachment)
    if valid:
        key = form.request_key.data or None
        posted = services.progress_by_key(key)
        if posted is not None and posted.task_id == task.id:
            # the same form posted again (a retry after a lost response): already saved
            flash(_("Đã gửi báo cáo tiến độ."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
        if posted is not None:
            key = None  # a key from another task's form (crafted): an ordinary post
        try:
            update = services.add_progress(
                task,
                body=form.body.data,
                author_id=current_user.id,
                agency_id=current_user.agency_id,
                request_key=key,
            )
            if checked:
                store(checked, progress_update_id=update.id)
            db.session.commit()
        except services.TaskError as error:
            db.session.rollback()
            form.body.errors.append(str(error))
            if task.is_done:  # the page no longer shows the form: say it above the task
                flash(str(error), "danger")
        except UploadError as error:
            db.session.rollback()
            form.attachment.errors.append(str(error))
        except IntegrityError:
            # two copies of the same POST raced: the unique key let the first one through
            db.session.rollback()
            if services.progress_by_key(key) is None:
                raise
            flash(_("Đã gửi báo cáo tiến độ."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
        else:
            flash(_("Đã gửi báo cáo tiến độ."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
    # keep what was typed: show the task page again with the errors
    return task_page(task, form, 422)


@bp.route("/<int:task_id>/complete", methods=["GET", "POST"])
@login_required
def complete(task_id: int):
    task = get_task_or_404(task_id, current_user)
    if not can_complete(current_user, task):
        abort(403)
    if task.is_done:
        flash(_("Nhiệm vụ đã hoàn thành."), "info")
        return redirect(url_for("tasks.show", task_id=task.id))
    form = CompleteForm()
    valid, checked = validate_with_upload(form, form.attachment)
    if valid:
        try:
            claim = acceptance.report_done(
                task,
                done_on=form.done_on.data,
                report_number=form.report_number.data,
                report_date=form.report_date.data,
                note=form.note.data,
                user=current_user,
            )
            if checked:
                store(checked, task_id=task.id)
        except acceptance.AcceptanceError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        except UploadError as error:
            db.session.rollback()
            form.attachment.errors.append(str(error))
        else:
            db.session.commit()
            if claim is not None:
                flash(_("Đã gửi báo cáo hoàn thành, chờ Văn phòng UBND tỉnh xác nhận."), "success")
            else:
                flash(_("Đã đánh dấu hoàn thành nhiệm vụ."), "success")
            return redirect(url_for("tasks.show", task_id=task.id))
    return render_template("tasks/complete.html", form=form, task=task)


@bp.route("/<int:task_id>/reopen", methods=["POST"])
@office_required
def reopen(task_id: int):
    task = get_task_or_404(task_id, current_user)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng nêu lý do mở lại nhiệm vụ."), "danger")
        return redirect(url_for("tasks.show", task_id=task.id))
    return commit_or_roll_back(
        lambda: services.reopen_task(task, reason=form.reason.data, user_id=current_user.id),
        errors=services.TaskError,
        done=_("Đã mở lại nhiệm vụ."),
        to=url_for("tasks.show", task_id=task.id),
    )


@bp.route("/<int:task_id>/cancel", methods=["POST"])
@office_required
def cancel(task_id: int):
    task = get_task_or_404(task_id, current_user)
    if task.is_cancelled:
        services.resume_task(task, user_id=current_user.id)
        db.session.commit()
        flash(_("Đã tiếp tục theo dõi nhiệm vụ."), "success")
        return redirect(url_for("tasks.show", task_id=task.id))
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise services.TaskError("reason", _("Vui lòng nêu lý do dừng/hủy."))
        services.cancel_task(task, reason=form.reason.data, user_id=current_user.id)
    except services.TaskError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Đã dừng/hủy nhiệm vụ."), "success")
    return redirect(url_for("tasks.show", task_id=task.id))


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@office_required
def edit(task_id: int):
    task = get_task_or_404(task_id, current_user)
    form = task_form(task)
    if request.method == "GET":
        form.co_agency_ids.data = [a.id for a in task.co_agencies]
        form.due_on.data = task.original_due_on
    if form.validate_on_submit():
        response = commit_or_roll_back(
            lambda: services.update_task(task, task_input(form), user_id=current_user.id),
            errors=services.TaskError,
            form=form,
            done=_("Đã lưu nhiệm vụ."),
            to=url_for("tasks.show", task_id=task.id),
        )
        if response:
            return response
    return render_template("tasks/form.html", form=form, directive=task.directive, task=task)


@bp.route("/<int:task_id>/delete", methods=["GET", "POST"])
@office_required
def delete(task_id: int):
    task = get_task_or_404(task_id, current_user)
    if request.method == "POST":
        return commit_or_roll_back(
            lambda: services.delete_task(task),
            errors=(),
            done=_("Đã xóa nhiệm vụ #%(id)s.", id=task_id),
            to=url_for("directives.show", directive_id=task.directive_id),
        )
    return render_template("tasks/delete.html", task=task)


# -- import from a spreadsheet (office) -------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _import_path(token: str, suffix: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "imports" / f"{token}{suffix}"


@bp.route("/import/template.xlsx")
@office_required
def import_template():
    """The XLSX template: the header row the importer expects, and a sheet of instructions."""
    return send_file(
        io.BytesIO(importing.template_xlsx()),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="mau-nhap-nhiem-vu.xlsx",
    )


@bp.route("/import", methods=["GET", "POST"])
@office_required
def import_file():
    """Upload → preview (every bad row with its line and reason) → confirm.

    The checked file waits on the server under a random name kept in the user's session, so
    the confirmation reads and checks the same bytes again without the browser resending
    thousands of rows.
    """
    form = TaskImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        try:
            rows = importing.read_rows(upload.filename, data)
        except importing.ImportFormatError as error:
            form.file.errors.append(str(error))
        else:
            plan = importing.plan_import(rows)
            if not plan.rows and not plan.errors and not plan.skipped:
                form.file.errors.append(_("Tệp không có dòng dữ liệu nào."))
            else:
                token = secrets.token_urlsafe(24)
                suffix = Path(upload.filename or "").suffix.lower()
                path = _import_path(token, suffix)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                session["task_import"] = {"token": token, "suffix": suffix}
                return render_template(
                    "tasks/import_preview.html",
                    plan=plan,
                    confirm=ConfirmTaskImportForm(
                        token=token, only_valid="1" if plan.errors else ""
                    ),
                    filename=upload.filename,
                )
    return render_template("tasks/import.html", form=form)


@bp.route("/import/confirm", methods=["POST"])
@office_required
def import_confirm():
    confirm = ConfirmTaskImportForm()
    pending = session.get("task_import") or {}
    token = confirm.token.data or ""
    if (
        not confirm.validate_on_submit()
        or not _TOKEN.match(token)
        or pending.get("token") != token
        or pending.get("suffix") not in (".xlsx", ".csv", ".txt")
    ):
        flash(_("Phiên nhập đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại."), "danger")
        return redirect(url_for("tasks.import_file"))
    path = _import_path(token, pending["suffix"])
    try:
        rows = importing.read_rows(path.name, path.read_bytes())
    except (OSError, importing.ImportFormatError):
        flash(_("Phiên nhập đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại."), "danger")
        return redirect(url_for("tasks.import_file"))
    plan = importing.plan_import(rows)  # checked again: the registry may have changed
    if not plan.rows and plan.skipped and not plan.errors:
        flash(_("Mọi dòng của tệp đã có trong hệ thống; không có gì để nhập."), "info")
        return redirect(url_for("tasks.index"))
    if (plan.errors and confirm.only_valid.data != "1") or not plan.rows:
        flash(_("Tệp còn dòng lỗi, chưa nhập gì. Vui lòng tải tệp lên lại."), "danger")
        return redirect(url_for("tasks.import_file"))
    try:
        # committed in batches (see importing): other users are not kept waiting
        count, directives = importing.import_plan(plan, user_id=current_user.id)
    except (services.TaskError, DirectiveError, importing.ImportStopped) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("tasks.import_file"))
    session.pop("task_import", None)
    path.unlink(missing_ok=True)
    flash(
        _(
            "Đã nhập %(count)s nhiệm vụ (%(directives)s văn bản mới).",
            count=count,
            directives=directives,
        ),
        "success",
    )
    return redirect(url_for("tasks.index"))
