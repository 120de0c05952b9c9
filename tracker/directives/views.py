"""Directive pages: list, create, edit, show; adding tasks to a directive (office)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from tracker.auth.models import OFFICE_ROLES, Role
from tracker.auth.permissions import office_required, roles_required
from tracker.deadlines.obligations import task_lines
from tracker.directives.forms import DirectiveForm, TaskForm
from tracker.directives.models import Directive, DirectiveKind
from tracker.directives.services import (
    DirectiveError,
    DirectiveInput,
    add_task,
    create_directive,
    delete_directive,
    update_directive,
)
from tracker.extensions import db
from tracker.files.storage import UploadError, store
from tracker.forms import agency_choices, validate_with_upload
from tracker.search import matches
from tracker.tasks.models import Task
from tracker.tasks.queries import directive_task_rows
from tracker.tasks.services import TaskError, TaskInput
from tracker.timeutil import today

bp = Blueprint("directives", __name__, url_prefix="/directives")

readers_required = roles_required(*OFFICE_ROLES, Role.LEADER)


@bp.route("/")
@readers_required
def index():
    query = request.args.get("q", "").strip()
    year = request.args.get("year", type=int)
    kind = request.args.get("kind", "")
    issuer = request.args.get("issuer", "").strip()
    stmt = select(Directive).order_by(Directive.issued_on.desc(), Directive.id.desc())
    if query:
        stmt = stmt.where(matches(query, Directive.search_text))
    if year:
        stmt = stmt.where(Directive.year == year)
    if kind:
        stmt = stmt.where(Directive.kind == kind)
    if issuer:
        stmt = stmt.where(matches(issuer, Directive.search_text))
    page = db.paginate(stmt, per_page=25, error_out=False)
    # one grouped query for the counts of the directives on this page
    counts = {
        row.directive_id: row
        for row in db.session.execute(
            select(
                Task.directive_id,
                func.count(Task.id).label("tasks"),
                func.count(Task.id)
                .filter(Task.done_on.is_(None), Task.cancelled_on.is_(None))
                .label("open"),
            )
            .where(Task.directive_id.in_([d.id for d in page.items]))
            .group_by(Task.directive_id)
        )
    }
    years = db.session.execute(
        select(Directive.year).distinct().order_by(Directive.year.desc())
    ).scalars()
    return render_template(
        "directives/index.html",
        page=page,
        counts=counts,
        query=query,
        year=year,
        kind=kind,
        issuer=issuer,
        years=list(years),
        kinds=DirectiveKind,
    )


def _directive_input(form: DirectiveForm) -> DirectiveInput:
    return DirectiveInput(
        number=form.number.data,
        kind=form.kind.data,
        issued_on=form.issued_on.data,
        issuer=form.issuer.data or "",
        meeting_on=form.meeting_on.data,
        title=form.title.data,
        full_text=form.full_text.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@office_required
def new():
    form = DirectiveForm()
    valid, checked = validate_with_upload(form, form.attachment)
    if valid:
        try:
            directive = create_directive(_directive_input(form), created_by_id=current_user.id)
            if checked:
                store(checked, directive_id=directive.id)
        except DirectiveError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        except UploadError as error:
            db.session.rollback()
            form.attachment.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _(
                    "Đã lưu văn bản số %(number)s. Thêm các nhiệm vụ bên dưới.",
                    number=directive.number,
                ),
                "success",
            )
            return redirect(url_for("directives.show", directive_id=directive.id))
    return render_template("directives/form.html", form=form, directive=None)


@bp.route("/<int:directive_id>")
@readers_required
def show(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    as_of = today()
    tasks = db.session.execute(directive_task_rows(directive.id)).scalars().all()
    lines = task_lines(tasks, as_of)
    rows = [(task, lines[task.id].status.value) for task in tasks]
    return render_template("directives/show.html", directive=directive, rows=rows, as_of=as_of)


@bp.route("/<int:directive_id>/edit", methods=["GET", "POST"])
@office_required
def edit(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    form = DirectiveForm(obj=directive)
    valid, checked = validate_with_upload(form, form.attachment)
    if valid:
        try:
            update_directive(directive, _directive_input(form))
            if checked:
                store(checked, directive_id=directive.id)
        except DirectiveError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        except UploadError as error:
            db.session.rollback()
            form.attachment.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã lưu văn bản."), "success")
            return redirect(url_for("directives.show", directive_id=directive.id))
    return render_template("directives/form.html", form=form, directive=directive)


@bp.route("/<int:directive_id>/delete", methods=["GET", "POST"])
@office_required
def delete(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    if request.method == "POST":
        number = directive.number
        delete_directive(directive)
        db.session.commit()
        flash(
            _("Đã xóa văn bản số %(number)s và các nhiệm vụ của văn bản.", number=number), "success"
        )
        return redirect(url_for("directives.index"))
    return render_template("directives/delete.html", directive=directive)


def task_form(obj=None) -> TaskForm:
    form = TaskForm(obj=obj)
    choices = agency_choices()
    form.lead_agency_id.choices = choices
    form.via_agency_id.choices = choices
    form.co_agency_ids.choices = choices.without_blank()
    return form


def task_input(form: TaskForm) -> TaskInput:
    return TaskInput(
        content=form.content.data or "",
        lead_agency_id=form.lead_agency_id.data,
        co_agency_ids=list(form.co_agency_ids.data or []),
        via_agency_id=form.via_agency_id.data,
        via_due_on=form.via_due_on.data,
        due_on=form.due_on.data,
        cadence=form.cadence.data,
        cadence_rule=form.cadence_rule.data,
        period_due_day=form.period_due_day.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        confirm_early_due=form.confirm_early_due.data,
    )


@bp.route("/<int:directive_id>/tasks/new", methods=["GET", "POST"])
@office_required
def new_task(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    form = task_form()
    if form.validate_on_submit():
        try:
            task = add_task(directive, task_input(form), created_by_id=current_user.id)
        except TaskError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã thêm nhiệm vụ #%(id)s.", id=task.id), "success")
            if request.form.get("next") == "another":
                return redirect(url_for("directives.new_task", directive_id=directive.id))
            return redirect(url_for("directives.show", directive_id=directive.id))
    return render_template("tasks/form.html", form=form, directive=directive, task=None)
