"""Văn bản đến chờ xử lý: the office's list, one document, its file, and discarding it.

Processing starts on the extraction's review (`extraction.from_incoming`), which saves the
directive and marks the document processed in the same transaction.
"""

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from tracker.auth.permissions import office_required
from tracker.extensions import db
from tracker.inbox import services
from tracker.inbox.models import IncomingDocument

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

#: characters of the text shown on the document's page (the review shows it all)
PREVIEW_CHARS = 4000


class DiscardForm(FlaskForm):
    note = TextAreaField(_l("Lý do (không bắt buộc)"), validators=[Optional(), Length(max=2000)])


@bp.app_context_processor
def _inbox_count() -> dict:
    """The navigation's count, queried only where the link is rendered (the office's pages)."""
    return {"inbox_pending_count": services.pending_count}


def _document(incoming_id: int) -> IncomingDocument:
    return db.session.get(IncomingDocument, incoming_id) or abort(404)


@bp.route("/")
@office_required
def index():
    return render_template(
        "inbox/index.html",
        pending=services.pending_documents(),
        decided=services.recent_decided(),
    )


@bp.route("/<int:incoming_id>")
@office_required
def show(incoming_id: int):
    doc = _document(incoming_id)
    text = doc.text or ""
    return render_template(
        "inbox/show.html",
        doc=doc,
        duplicates=services.duplicates(doc),
        preview=text[:PREVIEW_CHARS],
        truncated=len(text) > PREVIEW_CHARS,
        form=FlaskForm(),
    )


@bp.route("/<int:incoming_id>/file")
@office_required
def download(incoming_id: int):
    doc = _document(incoming_id)
    path = services.path_of(doc)
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype=doc.content_type, as_attachment=True, download_name=doc.filename
    )


@bp.route("/<int:incoming_id>/discard", methods=["GET", "POST"])
@office_required
def discard(incoming_id: int):
    """A confirmation page: the document leaves the list (its row and audit stay)."""
    doc = _document(incoming_id)
    if not doc.is_pending:
        flash(_("Văn bản đến này đã được xử lý."), "warning")
        return redirect(url_for("inbox.show", incoming_id=doc.id))
    form = DiscardForm()
    if form.validate_on_submit():
        services.discard(doc, current_user.id, form.note.data or "")
        db.session.commit()
        services.forget_file(doc)
        flash(_("Đã bỏ văn bản đến “%(name)s”.", name=doc.number or doc.filename), "success")
        return redirect(url_for("inbox.index"))
    return render_template("inbox/discard.html", doc=doc, form=form)
