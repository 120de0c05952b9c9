"""The office's trusted roots (Quản trị → Chứng thư số tin cậy) and re-verifying a PDF."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from tracker.auth.permissions import office_required
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.signature_models import TrustedRoot
from tracker.files.signing import (
    MAX_CERTIFICATE_BYTES,
    TrustedRootError,
    add_trusted_root,
    delete_trusted_root,
    reverify,
)

bp = Blueprint("signing", __name__)


class TrustedRootForm(FlaskForm):
    file = FileField(
        _l("Tệp chứng thư số (.pem, .crt, .cer, .der)"),
        validators=[FileRequired(_l("Chọn tệp chứng thư số (PEM hoặc DER)."))],
    )


@bp.route("/admin/trusted-roots", methods=["GET", "POST"])
@office_required
def roots():
    form = TrustedRootForm()
    if form.validate_on_submit():
        try:
            root = add_trusted_root(
                form.file.data.read(MAX_CERTIFICATE_BYTES + 1), user_id=current_user.id
            )
        except TrustedRootError as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã thêm chứng thư số tin cậy “%(subject)s”.", subject=root.subject), "success")
            return redirect(url_for("signing.roots"))
    rows = db.session.execute(select(TrustedRoot).order_by(TrustedRoot.subject)).scalars().all()
    return render_template("signing/roots.html", form=form, roots=rows)


@bp.route("/admin/trusted-roots/<int:root_id>/delete", methods=["GET", "POST"])
@office_required
def delete_root(root_id: int):
    root = db.session.get(TrustedRoot, root_id) or abort(404)
    if request.method == "POST":
        subject = root.subject
        delete_trusted_root(root)
        db.session.commit()
        flash(_("Đã xóa chứng thư số tin cậy “%(subject)s”.", subject=subject), "success")
        return redirect(url_for("signing.roots"))
    return render_template("signing/delete_root.html", root=root)


@bp.route("/files/<int:attachment_id>/verify", methods=["POST"])
@office_required
def reverify_attachment(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    if reverify(attachment) is None:
        flash(
            _(
                "Tệp “%(name)s” không phải PDF hoặc không còn trên máy chủ.",
                name=attachment.filename,
            ),
            "warning",
        )
    else:
        db.session.commit()
        flash(
            _("Đã kiểm tra lại chữ ký số của tệp “%(name)s”.", name=attachment.filename), "success"
        )
    return redirect(_back())


def _back() -> str:
    """Back to the page the button was on (same site only), else the trusted-roots page."""
    target = request.referrer or ""
    parts = urlsplit(target)
    if target and parts.netloc == request.host and parts.scheme in ("http", "https"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("signing.roots")
