"""Reminder letters: the office drafts them; the office and leaders download them.

Agencies get 403: the letter reaches them signed, through the document system, not here.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth.models import Role
from tracker.auth.permissions import office_required, roles_required
from tracker.extensions import db
from tracker.letters import services
from tracker.letters.forms import LetterForm
from tracker.letters.models import ReminderLetter
from tracker.timeutil import today

bp = Blueprint("letters", __name__, url_prefix="/letters")

readers = roles_required(Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.LEADER)


def _chosen(values: list[str]) -> tuple[list[int], bool]:
    """The agency ids ticked (or passed in the link), and whether any value was not an id."""
    ids, bad = [], False
    for value in values:
        value = value.strip()
        if value.isdigit() and len(value) < 10:
            ids.append(int(value))
        elif value:
            bad = True
    return ids, bad


@bp.route("/new", methods=["GET", "POST"])
@office_required
def new():
    """Choose agencies with overdue obligations, type the request and new deadline, sign."""
    as_of = today()
    form = LetterForm()
    if request.method == "GET":
        for key, value in services.defaults().items():
            getattr(form, key).data = value
    overdue = services.overdue_agencies(as_of)
    if request.method == "POST":
        chosen, bad = _chosen(request.form.getlist("agency"))
    elif request.args.get("all"):
        chosen, bad = [a.id for a in overdue], False
    else:
        chosen, bad = _chosen(request.args.getlist("agency"))
    agency_error = _("Có cơ quan, đơn vị không hợp lệ, đã bỏ qua.") if bad else None
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit() and not bad:
            data = services.LetterInput(
                agency_ids=chosen,
                kind=form.kind.data or "",
                per_agency=form.mode.data == "each",
                new_due_on=form.new_due_on.data,
                letter_date=form.letter_date.data,
                **{
                    key: getattr(form, key).data or ""
                    for key in (
                        "subject",
                        "request_text",
                        "parent_body",
                        "issuing_body",
                        "symbol",
                        "place",
                        "signer_authority",
                        "signer_title",
                        "signer_name",
                        "recipients_extra",
                    )
                },
            )
            try:
                letters = services.draft_letters(data, as_of, user_id=current_user.id)
            except services.LetterError as error:
                db.session.rollback()
                if error.field == "agencies":
                    agency_error = str(error)
                else:
                    getattr(form, error.field).errors.append(str(error))
            else:
                db.session.commit()
                flash(
                    _("Đã lập %(n)s công văn; tải về để trình ký.", n=len(letters)),
                    "success",
                )
                return redirect(url_for("letters.index", batch=letters[0].batch))
    known = {a.id for a in overdue}
    return (
        render_template(
            "letters/new.html",
            form=form,
            overdue=overdue,
            chosen=set(chosen) & known,
            agency_error=agency_error,
            as_of=as_of,
        ),
        status,
    )


@bp.route("/")
@readers
def index():
    """The letters drafted so far, newest first; ``?batch=`` marks one submission's."""
    batch = request.args.get("batch", "")
    return render_template(
        "letters/index.html",
        rows=services.recent_letters(),
        batch=batch if batch and services.batch_letters(batch) else "",
    )


DOCX = services.DOCX


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:letter_id>.docx")
@readers
def download(letter_id: int):
    letter = db.session.get(ReminderLetter, letter_id) or abort(404)
    found = services.letter_file(letter)
    if found is None:
        abort(404)
    return _download(found[0], found[1], DOCX)


@bp.route("/batch/<batch>.zip")
@readers
def download_batch(batch: str):
    """Every letter of one submission (one per agency) in one .zip."""
    letters = services.batch_letters(batch[:32])
    if not letters:
        abort(404)
    return _download(
        services.batch_zip(letters),
        f"cong-van-{letters[0].as_of:%Y%m%d}-{batch[:8]}.zip",
        "application/zip",
    )


def timeline_events(task) -> list[dict]:
    """The letters that listed the task, as events of its timeline (Diễn biến)."""
    return [
        {"at": letter.created_at, "kind": "letter", "item": letter}
        for letter in services.letters_for_task(task.id)
    ]


@bp.record_once
def _register_timeline_hook(state) -> None:
    state.app.extensions.setdefault("task_timeline_hooks", []).append(timeline_events)
