"""Paste a directive, review what was extracted, save it in one transaction (office)."""

import json
from datetime import date
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.auth.permissions import office_required
from tracker.directives.forms import CADENCE_CHOICES
from tracker.directives.models import Directive
from tracker.directives.services import (
    DirectiveError,
    DirectiveInput,
    find_duplicate,
)
from tracker.extensions import db
from tracker.extraction import UnsupportedDocument, extract, read_document
from tracker.extraction.forms import PasteForm, ReviewForm
from tracker.extraction.review import BULK_ACTIONS, apply_bulk, highlight, load_sources
from tracker.extraction.services import (
    agencies_of_kind,
    proposed_tasks,
    registry_from_db,
    save_reviewed,
)
from tracker.extraction.targets import propose_targets
from tracker.extraction.upload import keep_pending, pending_file
from tracker.files.limits import FileTooComplex, check_text_length, current_limits
from tracker.forms import agency_choices
from tracker.inbox import services as inbox_services
from tracker.inbox.models import IncomingDocument
from tracker.tasks.services import check_task
from tracker.tasks.task_form import task_input
from tracker.web import commit_or_roll_back

bp = Blueprint("extraction", __name__, url_prefix="/directives/extract")

KIND_NAMES = {"department": _l("Sở, ban, ngành"), "commune": _l("UBND cấp xã")}


def _set_choices(form: ReviewForm) -> list:
    """Give every row the same two choice lists, so their options are rendered once a page."""
    choices = agency_choices()
    co_choices = choices.without_blank()
    form.bulk_lead_agency_id.choices = choices
    for row in form.tasks:
        row.lead_agency_id.choices = choices
        row.via_agency_id.choices = choices
        row.co_agency_ids.choices = co_choices
    return choices


def _existing(form: ReviewForm) -> Directive | None:
    """The directive already saved under the reviewed number and year, if any: the review
    says so at once and links to it, instead of refusing only when the office saves."""
    number, issued_on = form.number.data, form.issued_on.data
    if not number or not isinstance(issued_on, date):
        return None
    return find_duplicate(number, issued_on.year)


def _incoming(form: ReviewForm) -> IncomingDocument | None:
    """The inbox document this review came from (any state: a processed one is refused)."""
    value = (form.incoming_id.data or "").strip()
    return db.session.get(IncomingDocument, int(value)) if value.isdigit() else None


def _header_warnings(form: ReviewForm) -> list[dict]:
    """The header's warnings carried in the form (only display text: escaped when shown)."""
    try:
        value = json.loads(form.header_warnings.data or "[]")
    except ValueError:
        return []
    return [w for w in value if isinstance(w, dict)] if isinstance(value, list) else []


def _error_summary(form: ReviewForm) -> list[tuple[str, str]]:
    """(anchor, message) for each problem, header fields first, then each row in error."""
    summary = []
    for name in ("number", "kind", "issued_on", "meeting_on", "issuer", "title"):
        for message in getattr(form, name).errors:
            summary.append((name, f"{getattr(form, name).label.text}: {message}"))
    for message in form.bulk_due_on.errors:
        summary.append(("bulk_due_on", f"{form.bulk_due_on.label.text}: {message}"))
    for index, row in enumerate(form.tasks):
        messages = [str(m) for field in row for m in (field.errors or [])]
        if messages:
            lead = row.lead_name.data or ""
            label = _("Nhiệm vụ %(n)s", n=index + 1) + (f" ({lead})" if lead else "")
            summary.append((f"task-{index}", f"{label}: {'; '.join(messages)}"))
    return summary


def _review(form: ReviewForm, status: int = 200, selected: set[int] | None = None):
    choices = _set_choices(form)
    rows = []
    for row in form.tasks:
        sources = load_sources(row.sources.data)
        rows.append(
            {
                "sources": sources,
                "pieces": highlight(row.source_text.data or "", sources),
                "errors": any(field.errors for field in row),
                # chỉ tiêu read from the sentence, attached to the task when it is saved
                "targets": propose_targets(row.source_text.data or ""),
            }
        )
    return (
        render_template(
            "extraction/review.html",
            form=form,
            rows=rows,
            selected=selected or set(),
            header_warnings=_header_warnings(form),
            error_summary=_error_summary(form) if status == 422 else [],
            attachment=pending_file(form.upload_token.data),
            kind_names=KIND_NAMES,
            agency_names={str(c.value): c.label for c in choices if c.value},
            cadence_names=dict(CADENCE_CHOICES),
            existing=_existing(form),
            incoming=_incoming(form),
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
        kept = None
        if upload and upload.filename:
            content = upload.read()
            try:
                text = read_document(upload.filename, content)
            except UnsupportedDocument as error:
                form.file.errors.append(error.message)
                return render_template("extraction/paste.html", form=form), 200
            kept = (upload.filename, content)
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
        # the file waits for "Lưu" only once the notice made a review (no orphan on a refusal)
        token = keep_pending(*kept) if kept else None
        data = _review_data(text, result, registry, upload_token=token or "")
        review = ReviewForm(formdata=None, data=data)
        return _review(review)
    return render_template("extraction/paste.html", form=form)


def _review_data(
    text: str, result: dict, registry, *, upload_token: str = "", incoming=None
) -> dict:
    """The review form's data from the engine's result; an incoming document's metadata (sent
    by the document system) comes before what the engine read from the text."""
    header = result.get("directive") or {}
    data = {
        "number": header.get("number") or "",
        "kind": header.get("kind") or "Thông báo kết luận",
        "issued_on": parse_iso(header.get("issued")),
        "meeting_on": parse_iso(header.get("meeting")),
        "issuer": header.get("issuer") or "",
        "title": header.get("title") or "",
        "full_text": text,
        "header_warnings": json.dumps(result.get("warnings") or [], ensure_ascii=False),
        "upload_token": upload_token,
        "incoming_id": str(incoming.id) if incoming is not None else "",
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
                "sources": json.dumps(row.sources, ensure_ascii=False),
            }
            for row in proposed_tasks(result, registry)
        ],
    }
    if incoming is not None:
        for name in ("number", "issued_on", "title", "issuer"):
            value = getattr(incoming, name)
            if value:
                data[name] = value
    return data


@bp.route("/incoming/<int:incoming_id>", methods=["POST"])
@office_required
def from_incoming(incoming_id: int):
    """Step 1 for a document of the inbox: its text (read on arrival) goes to the review,
    whose "Lưu" attaches its file and marks it processed."""
    incoming = db.session.get(IncomingDocument, incoming_id) or abort(404)
    if not incoming.is_pending:
        flash(_("Văn bản đến này đã được xử lý."), "warning")
        return redirect(url_for("inbox.show", incoming_id=incoming.id))
    text = incoming.text or ""
    limits = current_limits()
    registry = registry_from_db()
    try:
        check_text_length(text, limits)
        result = extract(text, registry)
    except FileTooComplex as error:
        flash(error.message, "warning")
        return redirect(url_for("inbox.show", incoming_id=incoming.id))
    if len(result.get("tasks") or ()) > limits.max_proposed_tasks:
        flash(
            _(
                "Văn bản cho ra %(count)s nhiệm vụ, vượt giới hạn %(limit)s nhiệm vụ "
                "mỗi lần đọc; hãy chia văn bản thành nhiều phần.",
                count=len(result["tasks"]),
                limit=limits.max_proposed_tasks,
            ),
            "warning",
        )
        return redirect(url_for("inbox.show", incoming_id=incoming.id))
    data = _review_data(text, result, registry, incoming=incoming)
    return _review(ReviewForm(formdata=None, data=data))


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
    if action.removeprefix("bulk-") in BULK_ACTIONS:
        return _bulk(form, action.removeprefix("bulk-"))
    if not form.validate_on_submit():
        return _review(form, status=422)

    rows = [row for row in form.tasks if not row.remove.data]
    issued = SimpleNamespace(issued_on=form.issued_on.data)
    inputs, ok = [], True
    for row in rows:
        data = task_input(row)
        for problem in check_task(issued, data):
            getattr(row, problem.field, row.content).errors.append(str(problem))
            ok = False
        inputs.append(data)
    if not rows:
        flash(_("Chưa có nhiệm vụ nào để lưu."), "warning")
        ok = False
    incoming = None
    if (form.incoming_id.data or "").strip():
        incoming = inbox_services.pending_by_id(form.incoming_id.data)
        if incoming is None:
            flash(_("Văn bản đến này đã được xử lý hoặc không còn."), "warning")
            ok = False
    if not ok:
        return _review(form, status=422)
    response = commit_or_roll_back(
        lambda: save_reviewed(
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
            upload_token=form.upload_token.data,
            user_id=current_user.id,
            incoming=incoming,
        ),
        errors=DirectiveError,
        form=form,
        done=lambda directive: _(
            "Đã lưu văn bản số %(number)s với %(count)s nhiệm vụ.",
            number=directive.number,
            count=len(inputs),
        ),
        to=lambda directive: url_for("directives.show", directive_id=directive.id),
        # the incoming document's file has its copy as the directive's attachment now
        after_commit=lambda directive: incoming and inbox_services.forget_file(incoming),
    )
    return response or _review(form, status=422)


def _selected(count: int) -> set[int]:
    """The rows ticked for a bulk action (indexes outside the list are ignored)."""
    chosen = set()
    for value in request.form.getlist("selected"):
        if value.isdigit() and int(value) < count:
            chosen.add(int(value))
    return chosen


def _bulk(form: ReviewForm, name: str):
    """One bulk action on the ticked rows; every other edit on the page is kept as typed."""
    selected = _selected(len(form.tasks))
    if not selected and name != "confirm-early":
        flash(_("Chọn ít nhất một nhiệm vụ trước khi áp dụng cho các nhiệm vụ đã chọn."), "warning")
        return _review(form, selected=selected)
    lead = form.bulk_lead_agency_id.data
    due = form.bulk_due_on.data
    if name == "lead" and not lead:
        form.bulk_lead_agency_id.errors = [_("Chọn cơ quan chủ trì.")]
        return _review(form, status=422, selected=selected)
    if name == "due" and not isinstance(due, date):
        if not form.bulk_due_on.errors:
            form.bulk_due_on.errors = [_("Nhập thời hạn theo dạng dd/mm/yyyy.")]
        return _review(form, status=422, selected=selected)
    rows = apply_bulk(
        [dict(row.data) for row in form.tasks],
        name,
        selected,
        lead_agency_id=lead,
        due_on=due,
        issued_on=form.issued_on.data,
    )
    data = {k: v for k, v in form.data.items() if k not in ("tasks", "csrf_token")}
    data["tasks"] = rows
    changed = ReviewForm(formdata=None, data=data)
    messages = {
        "lead": _("Đã giao chủ trì cho %(count)s nhiệm vụ.", count=len(selected)),
        "due": _("Đã đặt thời hạn cho %(count)s nhiệm vụ.", count=len(selected)),
        "drop": _("Đã bỏ %(count)s nhiệm vụ.", count=len(selected)),
        "confirm-early": _("Đã xác nhận các thời hạn trước ngày ban hành."),
    }
    flash(messages[name], "info")
    return _review(changed, selected=set() if name == "drop" else selected)


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
