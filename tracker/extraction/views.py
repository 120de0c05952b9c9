"""Paste a directive, review what was extracted, save it in one transaction (office)."""

from datetime import date
from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.auth.permissions import office_required
from tracker.directives.models import Directive
from tracker.directives.services import (
    DirectiveError,
    DirectiveInput,
    create_directive,
    find_duplicate,
)
from tracker.extensions import db
from tracker.extraction import UnsupportedDocument, extract, read_document
from tracker.extraction.forms import PasteForm, ReviewForm
from tracker.extraction.services import agencies_of_kind, proposed_tasks, registry_from_db
from tracker.files.limits import FileTooComplex, check_text_length, current_limits
from tracker.forms import agency_choices
from tracker.tasks.services import TaskInput, check_task

bp = Blueprint("extraction", __name__, url_prefix="/directives/extract")

KIND_NAMES = {"department": _l("Sở, ban, ngành"), "commune": _l("UBND cấp xã")}


def _set_choices(form: ReviewForm) -> None:
    """Give every row the same two choice lists, so their options are rendered once a page."""
    choices = agency_choices()
    co_choices = choices.without_blank()
    for row in form.tasks:
        row.lead_agency_id.choices = choices
        row.via_agency_id.choices = choices
        row.co_agency_ids.choices = co_choices


def _existing(form: ReviewForm) -> Directive | None:
    """The directive already saved under the reviewed number and year, if any: the review
    says so at once and links to it, instead of refusing only when the office saves."""
    number, issued_on = form.number.data, form.issued_on.data
    if not number or not isinstance(issued_on, date):
        return None
    return find_duplicate(number, issued_on.year)


def _review(form: ReviewForm, header_warnings: list | None = None, status: int = 200):
    _set_choices(form)
    return (
        render_template(
            "extraction/review.html",
            form=form,
            header_warnings=header_warnings or [],
            kind_names=KIND_NAMES,
            existing=_existing(form),
        ),
        status,
    )


@bp.route("/", methods=["GET", "POST"])
@office_required
def paste():
    """Step 1: paste text or upload a file; the result is a review screen, nothing saved."""
    form = PasteForm()
    if form.validate_on_submit():
        text = form.text.data or ""
        upload = form.file.data
        if upload and upload.filename:
            try:
                text = read_document(upload.filename, upload.read())
            except UnsupportedDocument as error:
                form.file.errors.append(error.message)
                return render_template("extraction/paste.html", form=form), 200
        if not text.strip():
            form.text.errors.append(_("Vui lòng dán nội dung văn bản hoặc chọn tệp."))
            return render_template("extraction/paste.html", form=form), 200
        limits = current_limits()
        try:
            check_text_length(text, limits)
        except FileTooComplex as error:
            form.text.errors.append(error.message)
            return render_template("extraction/paste.html", form=form), 200
        registry = registry_from_db()
        result = extract(text, registry, base_date=form.base_date.data)
        if len(result.get("tasks") or ()) > limits.max_proposed_tasks:
            # one review page holds a bounded number of rows (5,827 rows made a 64 MB page)
            form.text.errors.append(
                _(
                    "Văn bản cho ra %(count)s nhiệm vụ, vượt giới hạn %(limit)s nhiệm vụ "
                    "mỗi lần đọc; hãy chia văn bản thành nhiều phần.",
                    count=len(result["tasks"]),
                    limit=limits.max_proposed_tasks,
                )
            )
            return render_template("extraction/paste.html", form=form), 200
        header = result.get("directive") or {}
        data = {
            "number": header.get("number") or "",
            "kind": header.get("kind") or "Thông báo kết luận",
            "issued_on": parse_iso(header.get("issued")),
            "meeting_on": parse_iso(header.get("meeting")),
            "issuer": header.get("issuer") or "",
            "title": header.get("title") or "",
            "full_text": text,
            "tasks": [
                {
                    "content": row.content,
                    "source_text": row.source_text,
                    "lead_name": row.lead_name,
                    "collective_kind": row.collective_kind or "",
                    "warnings": ",".join(row.warnings),
                    "lead_agency_id": row.lead_agency_id,
                    "co_agency_ids": row.co_agency_ids,
                    "via_agency_id": row.via_agency_id,
                    "via_due_on": row.via_due_on,
                    "due_on": row.due_on,
                    "cadence": row.cadence,
                    "period_due_day": row.period_due_day or "",
                }
                for row in proposed_tasks(result, registry)
            ],
        }
        review = ReviewForm(formdata=None, data=data)
        return _review(review, result.get("warnings"))
    return render_template("extraction/paste.html", form=form)


def parse_iso(text):
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.route("/review", methods=["POST"])
@office_required
def review():
    """Step 2: edit, add, remove, fan out; save only when the office confirms."""
    form = ReviewForm()
    _set_choices(form)
    action = request.form.get("action", "save")
    if len(form.tasks) > current_limits().max_proposed_tasks:
        flash(
            _(
                "Mỗi lần lưu tối đa %(limit)s nhiệm vụ.",
                limit=current_limits().max_proposed_tasks,
            ),
            "warning",
        )
        return _review(form, status=422)
    if action == "add":
        form.tasks.append_entry({"cadence": "none"})
        return _review(form)
    if action.startswith("fanout-"):
        index = action.removeprefix("fanout-")
        if not index.isdigit() or int(index) >= len(form.tasks):
            flash(_("Không tìm thấy nhiệm vụ cần tách."), "warning")
            return _review(form, status=422)
        return _review(_fan_out(form, int(index)))
    if not form.validate_on_submit():
        return _review(form, status=422)

    rows = [row for row in form.tasks if not row.remove.data]
    issued = SimpleNamespace(issued_on=form.issued_on.data)
    inputs, ok = [], True
    for row in rows:
        data = TaskInput(
            content=row.content.data or "",
            lead_agency_id=row.lead_agency_id.data,
            co_agency_ids=list(row.co_agency_ids.data or []),
            via_agency_id=row.via_agency_id.data,
            via_due_on=row.via_due_on.data,
            due_on=row.due_on.data,
            cadence=row.cadence.data,
            period_due_day=row.period_due_day.data,
            source_text=row.source_text.data or "",
            confirm_early_due=row.confirm_early_due.data,
        )
        for problem in check_task(issued, data):
            getattr(row, problem.field, row.content).errors.append(str(problem))
            ok = False
        inputs.append(data)
    if not rows:
        flash(_("Chưa có nhiệm vụ nào để lưu."), "warning")
        ok = False
    if not ok:
        return _review(form, status=422)
    try:
        directive = create_directive(
            DirectiveInput(
                number=form.number.data,
                kind=form.kind.data,
                issued_on=form.issued_on.data,
                issuer=form.issuer.data or "",
                meeting_on=form.meeting_on.data,
                title=form.title.data,
                full_text=form.full_text.data or "",
                tasks=inputs,
            ),
            created_by_id=current_user.id,
        )
    except DirectiveError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(str(error))
        return _review(form, status=422)
    db.session.commit()
    flash(
        _(
            "Đã lưu văn bản số %(number)s với %(count)s nhiệm vụ.",
            number=directive.number,
            count=len(inputs),
        ),
        "success",
    )
    return redirect(url_for("directives.show", directive_id=directive.id))


def _fan_out(form: ReviewForm, index: int) -> ReviewForm:
    """Replace a collective row ("Các Sở, ban, ngành") by one row per agency of its kind."""
    kind = request.form.get(f"fanout_kind-{index}") or form.tasks[index].collective_kind.data
    entries = [dict(row.data) for row in form.tasks]
    if not (0 <= index < len(entries)) or kind not in KIND_NAMES:
        flash(_("Chọn loại cơ quan, đơn vị để giao."), "warning")
        return form
    template = entries.pop(index)
    copies = []
    for agency in agencies_of_kind(kind):
        row = dict(template)
        row.update(lead_agency_id=agency.id, lead_name=agency.name, collective_kind="")
        copies.append(row)
    entries[index:index] = copies
    data = {k: v for k, v in form.data.items() if k not in ("tasks", "csrf_token")}
    data["tasks"] = entries
    fanned = ReviewForm(formdata=None, data=data)
    flash(
        _(
            "Đã tách thành %(count)s nhiệm vụ, mỗi %(kind)s một nhiệm vụ.",
            count=len(copies),
            kind=KIND_NAMES[kind],
        ),
        "info",
    )
    return fanned
