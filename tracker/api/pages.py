"""The user's own API tokens, on the profile page: create (shown once), list, revoke."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.api import services
from tracker.api.forms import TokenForm
from tracker.api.models import ApiToken
from tracker.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")


def _own_token_or_404(token_id: int) -> ApiToken:
    """Someone else's token answers 404, as if it did not exist."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    return row


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The list with last use, and the form; a new token is shown on this response only.

    The token is rendered into the page, never flashed or put in a URL, so it is not kept in
    the session cookie or the browser's history.
    """
    form = TokenForm()
    secret = None
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                _row, secret = services.create_token(
                    current_user, name=form.name.data or "", expires_on=form.expires_on.data
                )
            except services.TokenError as error:
                db.session.rollback()
                getattr(form, error.field, form.expires_on).errors.append(str(error))
            else:
                db.session.commit()
                status = 201
                form = TokenForm(formdata=None)
    return (
        render_template(
            "api/tokens.html",
            form=form,
            secret=secret,
            rows=services.user_tokens(current_user.id),
        ),
        status,
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int):
    """GET asks for confirmation; POST revokes (at once: the next request with it gets 401)."""
    from flask import request

    row = _own_token_or_404(token_id)
    if request.method == "POST":
        services.revoke_token(row)
        db.session.commit()
        flash(_("Đã thu hồi khóa API %(prefix)s….", prefix=row.prefix), "success")
        return redirect(url_for("account.tokens"))
    return render_template("api/revoke.html", row=row)
