"""The agency registry pages (office only) and the picker's search endpoint."""

import json

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from tracker.agencies import reorganisation, services
from tracker.agencies.forms import AgencyForm, ConfirmImportForm, ImportForm, MergeForm, RenameForm
from tracker.agencies.importer import ImportFormatError, read_table, validate_rows
from tracker.agencies.models import Agency, AgencyAlias, AgencyKind
from tracker.auth.permissions import office_required
from tracker.extensions import db
from tracker.files.limits import current_limits
from tracker.forms import agency_choices
from tracker.search import matches
from tracker.text import fold
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("agencies", __name__, url_prefix="/agencies")


def search_statement(query: str):
    """Agencies whose name or alias contains `query`, ignoring case and diacritics."""
    stmt = select(Agency)
    if query:
        alias_match = select(AgencyAlias.agency_id).where(matches(query, AgencyAlias.name_folded))
        stmt = stmt.where(or_(matches(query, Agency.name_folded), Agency.id.in_(alias_match)))
    return stmt


@bp.route("/")
@office_required
def index():
    query = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    status = request.args.get("status", "active")
    stmt = search_statement(query).order_by(Agency.name)
    if kind in {k.value for k in AgencyKind}:
        stmt = stmt.where(Agency.kind == kind)
    if status == "active":
        stmt = stmt.where(Agency.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Agency.active.is_(False))
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template(
        "agencies/index.html", page=page, query=query, kind=kind, status=status, kinds=AgencyKind
    )


@bp.route("/search.json")
@login_required
def search_json():
    """Names for pickers that search as you type."""
    query = request.args.get("q", "").strip()
    stmt = search_statement(query).where(Agency.active.is_(True)).order_by(Agency.name).limit(20)
    return jsonify([{"id": a.id, "name": a.name} for a in db.session.execute(stmt).scalars()])


def _form(agency: Agency | None = None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    form.parent_id.choices = agency_choices()
    form.merged_into_id.choices = agency_choices()
    if agency is not None:
        # on a GET, and for a POST that left a list out (WTForms would fall back to the
        # model's list of objects): the agency's own names and addresses, as text
        if request.method == "GET" or "aliases" not in request.form:
            form.aliases.data = "\n".join(a.name for a in agency.aliases)
        if request.method == "GET" or "emails" not in request.form:
            form.emails.data = "\n".join(c.email for c in agency.contacts)
    return form


def _save(form: AgencyForm, agency: Agency | None):
    return commit_or_roll_back(
        lambda: services.save_agency(
            agency,
            name=form.name.data,
            short_name=form.short_name.data,
            kind=form.kind.data,
            parent_id=form.parent_id.data,
            merged_into_id=form.merged_into_id.data,
            head_email=form.head_email.data,
            active=form.active.data,
            aliases=form.alias_list(),
            emails=form.email_list(),
        ),
        errors=services.AgencyError,
        form=form,
        field="name",
        done=lambda saved: _("Đã lưu “%(name)s”.", name=saved.name),
        to=url_for("agencies.index"),
    )


@bp.route("/new", methods=["GET", "POST"])
@office_required
def new():
    form = _form()
    if form.validate_on_submit():
        response = _save(form, None)
        if response:
            return response
    return render_template("agencies/form.html", form=form, agency=None)


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@office_required
def edit(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = _form(agency)
    if form.validate_on_submit():
        response = _save(form, agency)
        if response:
            return response
    return render_template("agencies/form.html", form=form, agency=agency)


@bp.route("/<int:agency_id>/deactivate", methods=["POST"])
@office_required
def deactivate(agency_id: int):
    agency = db.session.get(Agency, agency_id) or abort(404)
    return commit_or_roll_back(
        lambda: services.toggle_active(agency),
        errors=(),
        done=lambda active: (
            _("Đã kích hoạt lại “%(name)s”.", name=agency.name)
            if active
            else _("Đã ngừng hoạt động “%(name)s”.", name=agency.name)
        ),
        to=url_for("agencies.index"),
    )


@bp.route("/<int:agency_id>/merge", methods=["GET", "POST"])
@office_required
def merge(agency_id: int):
    """Merge into another agency: the form, then a preview of every task that moves, then
    the confirmation (the preview's button posts the same form with `confirm` set)."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = MergeForm()
    form.new_id.choices = agency_choices()
    if request.method == "GET":
        form.on.data = today()
        if agency.merged_into_id:
            form.new_id.data = agency.merged_into_id
    plan = None
    if form.validate_on_submit():
        new = db.session.get(Agency, form.new_id.data) or abort(404)
        try:
            if form.confirm.data == "1":
                shown = form.shown_task_ids()
                if shown is None:
                    abort(400)
                plan = reorganisation.merge_agencies(
                    agency,
                    new,
                    on=form.on.data,
                    users=form.users.data,
                    expected_task_ids=shown,
                )
                moved = len(plan.tasks)
                db.session.commit()
                flash(
                    _(
                        "Đã hợp nhất “%(old)s” vào “%(new)s”: %(count)s nhiệm vụ được chuyển.",
                        old=agency.name,
                        new=new.name,
                        count=moved,
                    ),
                    "success",
                )
                return redirect(url_for("agencies.index", q=new.name, status="all"))
            plan = reorganisation.plan_merge(agency, new, on=form.on.data)
        except services.AgencyError as error:
            db.session.rollback()
            form.new_id.errors.append(str(error))
            try:  # show what would move now (the list may have changed since the preview)
                plan = reorganisation.plan_merge(agency, new, on=form.on.data)
            except services.AgencyError:
                plan = None
        if plan is not None:
            form.task_ids.data = ",".join(str(i) for i in plan.task_ids)
    return render_template("agencies/merge.html", agency=agency, form=form, plan=plan)


@bp.route("/<int:agency_id>/rename", methods=["GET", "POST"])
@office_required
def rename(agency_id: int):
    """A new name for the same agency; the old one stays as an alias."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = RenameForm()
    if form.validate_on_submit():
        old_name = agency.name
        response = commit_or_roll_back(
            lambda: reorganisation.rename_agency(agency, form.new_name.data),
            errors=services.AgencyError,
            form=form,
            field="new_name",
            done=lambda _result: _(
                "Đã đổi tên “%(old)s” thành “%(new)s”.", old=old_name, new=agency.name
            ),
            to=lambda _result: url_for("agencies.index", q=agency.name),
        )
        if response:
            return response
    return render_template("agencies/rename.html", agency=agency, form=form)


@bp.route("/import", methods=["GET", "POST"])
@office_required
def import_file():
    """Upload → preview (every bad row with its line) → confirm the good rows."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = read_table(upload.filename, upload.read())
        except ImportFormatError as error:
            form.file.errors.append(str(error))
        else:
            known = services.known_names()
            good, errors = validate_rows(rows, known)
            if not good and not errors:
                form.file.errors.append(_("Tệp không có dòng dữ liệu nào."))
            else:
                confirm = ConfirmImportForm(
                    rows=json.dumps([r.as_dict() for r in good], ensure_ascii=False)
                )
                return render_template(
                    "agencies/import_preview.html",
                    good=good,
                    errors=errors,
                    confirm=confirm,
                    filename=upload.filename,
                    # the import updates an agency of the same name: say which rows do
                    updates={r.line for r in good if fold(r.name) in known},
                    kind_labels={k.value: k.label for k in AgencyKind},
                )
    return render_template("agencies/import.html", form=form)


def _text(value) -> str:
    """A cell of the confirmed rows as text (a crafted number or null is not a 500)."""
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError("not a cell")


def _texts(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError("not a list of cells")
    return [_text(v) for v in value]


@bp.route("/import/confirm", methods=["POST"])
@office_required
def import_confirm():
    confirm = ConfirmImportForm()
    try:
        data = json.loads(confirm.rows.data or "[]")
        if not isinstance(data, list) or len(data) > current_limits().import_max_rows:
            raise ValueError("not a list of rows, or too many")
        values = [
            (
                int(row["line"]),
                {
                    "name": _text(row["name"]),
                    "short_name": _text(row.get("short_name")),
                    "kind": _text(row.get("kind")),
                    "aliases": "|".join(_texts(row.get("aliases"))),
                    "email": ";".join(_texts(row.get("emails"))),
                    "head_email": _text(row.get("head_email")),
                    "merged_into": _text(row.get("merged_into")),
                },
            )
            for row in data
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        # the preview page posts what it was given: anything else was crafted
        abort(400, description=_("Dữ liệu xác nhận không hợp lệ, vui lòng tải tệp lên lại."))
    good, errors = validate_rows(values, services.known_names())  # never trust the browser
    if errors or not good:
        flash(_("Dữ liệu xác nhận không hợp lệ, vui lòng tải tệp lên lại."), "danger")
        return redirect(url_for("agencies.import_file"))
    return commit_or_roll_back(
        lambda: services.import_rows(good),
        errors=services.AgencyError,
        done=lambda counts: _(
            "Đã nhập %(created)s cơ quan, đơn vị mới và cập nhật %(updated)s.",
            created=counts[0],
            updated=counts[1],
        ),
        to=url_for("agencies.index"),
        failed_to=url_for("agencies.import_file"),
    )
