"""The index register pages: the list, the XLSX import, the report per index and per lĩnh
vực (with their XLSX), the agency's quarterly assessment, the year's result, a task's tags."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.models import OFFICE_ROLES, Role
from tracker.auth.permissions import get_task_or_404, office_required, roles_required
from tracker.extensions import db
from tracker.forms import options
from tracker.indexes import services
from tracker.indexes.exports import report_xlsx
from tracker.indexes.forms import (
    AssessmentForm,
    RegisterImportForm,
    ResultForm,
    TaskCriteriaForm,
)
from tracker.indexes.importer import ImportFormatError, read_register
from tracker.indexes.models import IndexCriterion, ScoreIndex
from tracker.indexes.rules import LEVEL_NAMES
from tracker.targets.rules import read_number
from tracker.timeutil import today

bp = Blueprint("indexes", __name__, url_prefix="/indexes")
readers_required = roles_required(*OFFICE_ROLES, Role.LEADER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def task_criteria(task_id: int) -> dict:
    """The task page's panel: the criteria the task serves, and the office's tag form."""
    tagged = services.criteria_of_task(task_id)
    form = None
    if current_user.is_authenticated and current_user.role in OFFICE_ROLES:
        choices = [
            (c.id, f"{c.index.code} {c.code}. {c.name[:90]}") for c in services.all_criteria()
        ]
        if choices:
            form = TaskCriteriaForm(formdata=None, criterion_ids=[c.id for c in tagged])
            form.criterion_ids.choices = options(choices)
    return {"tagged": tagged, "form": form}


def _year_quarter() -> tuple[int, int]:
    year = request.args.get("year", type=int) or today().year
    quarter = request.args.get("quarter", type=int) or 4
    if year not in services.YEARS:
        year = today().year
    return year, quarter if quarter in (1, 2, 3, 4) else 4


@bp.route("/")
@login_required
def index():
    """The office and leaders see every index; an agency officer the criteria it tracks."""
    if current_user.role == Role.AGENCY_OFFICER:
        return render_template(
            "indexes/agency.html", criteria=services.agency_criteria(current_user.agency_id)
        )
    return render_template(
        "indexes/index.html",
        indexes=services.indexes(),
        can_manage=current_user.role in OFFICE_ROLES,
    )


@bp.route("/import", methods=["GET", "POST"])
@office_required
def import_file():
    """Check the whole file; save nothing unless every row is right (each bad row is listed
    with its line, so the clerk corrects the file and uploads it again)."""
    form = RegisterImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows, errors = read_register(upload.filename, upload.read(), services.agency_id_by_name)
        except ImportFormatError as error:
            form.file.errors.append(str(error))
        else:
            if not errors:
                added, updated = services.import_rows(rows)
                db.session.commit()
                flash(
                    _(
                        "Đã nhập bộ chỉ số: %(added)s tiêu chí mới, %(updated)s tiêu chí cập nhật.",
                        added=added,
                        updated=updated,
                    ),
                    "success",
                )
                return redirect(url_for("indexes.index"))
    status = 422 if (errors or form.errors) else 200
    return render_template("indexes/import.html", form=form, errors=errors), status


def _decimal(text: str | None, field: str):
    """ "1,5" or "1.5" → 1.5; empty → None; anything else a RegisterError on `field`."""
    if not (text or "").strip():
        return None
    value = read_number(text or "")
    if value is None:
        raise services.RegisterError(field, _("Vui lòng nhập một số không âm, ví dụ 1,5."))
    return value


def _index_or_404(index_id: int) -> ScoreIndex:
    index = db.session.get(ScoreIndex, index_id)
    if index is None:
        abort(404)
    return index


def _criterion_or_404(criterion_id: int) -> IndexCriterion:
    criterion = db.session.get(IndexCriterion, criterion_id)
    if criterion is None:
        abort(404)
    return criterion


def _page(
    index: ScoreIndex,
    root: IndexCriterion | None,
    result_form: ResultForm | None = None,
    status: int = 200,
):
    year, quarter = _year_quarter()
    data = services.report(index, year, quarter, root)
    form = None
    if current_user.role in OFFICE_ROLES and root is None:
        form = result_form or ResultForm(
            formdata=None,
            year=year,
            score=data["result"].score if data["result"] else None,
            rank=data["result"].rank if data["result"] else None,
            rank_of=data["result"].rank_of if data["result"] and data["result"].rank_of else 34,
        )
    return (
        render_template("indexes/report.html", r=data, result_form=form, level_names=LEVEL_NAMES),
        status,
    )


@bp.route("/<int:index_id>")
@readers_required
def report(index_id: int):
    return _page(_index_or_404(index_id), None)


@bp.route("/criteria/<int:criterion_id>")
@readers_required
def area(criterion_id: int):
    """One lĩnh vực (or tiêu chí) and what is under it."""
    criterion = _criterion_or_404(criterion_id)
    return _page(criterion.index, criterion)


def _xlsx(data: dict, name: str) -> Response:
    return Response(
        report_xlsx(data),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<int:index_id>/export.xlsx")
@readers_required
def export(index_id: int):
    index = _index_or_404(index_id)
    year, quarter = _year_quarter()
    return _xlsx(services.report(index, year, quarter), f"chi-so-{index.code.lower()}-{year}.xlsx")


@bp.route("/criteria/<int:criterion_id>/export.xlsx")
@readers_required
def area_export(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    year, quarter = _year_quarter()
    data = services.report(criterion.index, year, quarter, criterion)
    name = f"chi-so-{criterion.index.code.lower()}-{criterion.code}-{year}.xlsx"
    return _xlsx(data, name)


@bp.route("/<int:index_id>/results", methods=["POST"])
@office_required
def save_result(index_id: int):
    index = _index_or_404(index_id)
    form = ResultForm()
    if form.validate_on_submit():
        try:
            services.save_result(
                index,
                year=form.year.data,
                score=_decimal(form.score.data, "score"),
                rank=form.rank.data,
                rank_of=form.rank_of.data,
            )
        except services.RegisterError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu kết quả chỉ số năm %(year)s.", year=form.year.data), "success")
            return redirect(url_for("indexes.report", index_id=index.id, year=form.year.data))
    return _page(index, None, form, 422)


@bp.route("/criteria/<int:criterion_id>/assess", methods=["GET", "POST"])
@login_required
def assess(criterion_id: int):
    """The agency that tracks the criterion (or the office) records a quarter's result."""
    criterion = _criterion_or_404(criterion_id)
    if not services.may_assess(current_user, criterion):
        abort(403)
    year, quarter = _year_quarter()
    form = AssessmentForm()
    if request.method == "GET":
        form.year.data = year
        form.quarter.data = str(
            quarter if request.args.get("quarter") else (today().month - 1) // 3 + 1
        )
    if form.validate_on_submit():
        try:
            services.assess(
                criterion,
                year=form.year.data,
                quarter=int(form.quarter.data),
                met={"yes": True, "no": False}.get(form.met.data or ""),
                points_lost=_decimal(form.points_lost.data, "points_lost"),
                reason=form.reason.data,
                objective=form.objective.data,
                user=current_user,
            )
        except services.RegisterError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã ghi kết quả tiêu chí %(code)s.", code=criterion.code), "success")
            if current_user.role == Role.AGENCY_OFFICER:
                return redirect(url_for("indexes.index"))
            return redirect(
                url_for("indexes.report", index_id=criterion.index_id, year=form.year.data)
            )
    status = 422 if form.errors else 200
    return (
        render_template(
            "indexes/assess.html", form=form, criterion=criterion, leaf=services.is_leaf(criterion)
        ),
        status,
    )


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@office_required
def tag_task(task_id: int):
    """The office sets the criteria a task serves (from the task page)."""
    task = get_task_or_404(task_id, current_user)
    ids = [int(v) for v in request.form.getlist("criterion_ids") if v.isdigit() and len(v) < 10]
    services.tag_task(task, ids)
    db.session.commit()
    flash(_("Đã lưu tiêu chí chỉ số của nhiệm vụ."), "success")
    return redirect(url_for("tasks.show", task_id=task.id, _anchor="tieu-chi"))
