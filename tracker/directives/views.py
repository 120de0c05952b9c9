"""Directive pages: list, create, edit, show; adding tasks to a directive (office)."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth.models import OFFICE_ROLES, Role
from tracker.auth.permissions import office_required, roles_required
from tracker.deadlines.obligations import task_lines
from tracker.directives.forms import DirectiveForm
from tracker.directives.models import Directive, DirectiveKind
from tracker.directives.queries import directive_list, issued_years, task_counts
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
from tracker.forms import validate_with_upload
from tracker.tasks.queries import directive_task_rows
from tracker.tasks.services import TaskError
from tracker.tasks.task_form import task_form, task_input
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("directives", __name__, url_prefix="/directives")

readers_required = roles_required(*OFFICE_ROLES, Role.LEADER)


@bp.route("/")
@readers_required
def index():
    query = request.args.get("q", "").strip()
    year = request.args.get("year", type=int)
    kind = request.args.get("kind", "")
    issuer = request.args.get("issuer", "").strip()
    page = db.paginate(directive_list(query, year, kind, issuer), per_page=25, error_out=False)
    return render_template(
        "directives/index.html",
        page=page,
        counts=task_counts([d.id for d in page.items]),
        query=query,
        year=year,
        kind=kind,
        issuer=issuer,
        years=issued_years(),
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

        def save() -> Directive:
            directive = create_directive(_directive_input(form), created_by_id=current_user.id)
            if checked:
                store(checked, directive_id=directive.id)
            return directive

        response = commit_or_roll_back(
            save,
            errors=(DirectiveError, UploadError),
            form=form,
            field="attachment",  # an UploadError names no field: it is the file's
            done=lambda directive: _(
                "Đã lưu văn bản số %(number)s. Thêm các nhiệm vụ bên dưới.",
                number=directive.number,
            ),
            to=lambda directive: url_for("directives.show", directive_id=directive.id),
        )
        if response:
            return response
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

        def save() -> None:
            update_directive(directive, _directive_input(form))
            if checked:
                store(checked, directive_id=directive.id)

        response = commit_or_roll_back(
            save,
            errors=(DirectiveError, UploadError),
            form=form,
            field="attachment",  # an UploadError names no field: it is the file's
            done=_("Đã lưu văn bản."),
            to=url_for("directives.show", directive_id=directive.id),
        )
        if response:
            return response
    return render_template("directives/form.html", form=form, directive=directive)


@bp.route("/<int:directive_id>/delete", methods=["GET", "POST"])
@office_required
def delete(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    if request.method == "POST":
        return commit_or_roll_back(
            lambda: delete_directive(directive),
            errors=(),
            done=_(
                "Đã xóa văn bản số %(number)s và các nhiệm vụ của văn bản.",
                number=directive.number,
            ),
            to=url_for("directives.index"),
        )
    return render_template("directives/delete.html", directive=directive)


@bp.route("/<int:directive_id>/tasks/new", methods=["GET", "POST"])
@office_required
def new_task(directive_id: int):
    directive = db.session.get(Directive, directive_id) or abort(404)
    form = task_form()
    if form.validate_on_submit():
        another = request.form.get("next") == "another"
        response = commit_or_roll_back(
            lambda: add_task(directive, task_input(form), created_by_id=current_user.id),
            errors=TaskError,
            form=form,
            done=lambda task: _("Đã thêm nhiệm vụ #%(id)s.", id=task.id),
            to=url_for(
                "directives.new_task" if another else "directives.show",
                directive_id=directive.id,
            ),
        )
        if response:
            return response
    return render_template("tasks/form.html", form=form, directive=directive, task=None)
