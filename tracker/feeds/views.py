"""The public feed (the token is the credential) and the page that issues a new address."""

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from tracker.agencies.models import Agency
from tracker.auth.models import OFFICE_ROLES, Role
from tracker.extensions import db
from tracker.feeds import services

bp = Blueprint("feeds", __name__)


@bp.route("/calendar/<calendar_token>.ics")
def calendar(calendar_token: str):
    """No login: calendar applications cannot log in. A wrong or revoked token is a 404."""
    agency = services.agency_for_token(calendar_token)
    if agency is not None:
        body = services.feed_ics(agency)
    else:
        user = services.user_for_token(calendar_token)
        if user is None:
            abort(404)
        body = services.user_feed_ics(user)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=lich.ics"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _agency_or_abort(agency_id: int) -> Agency:
    """The office manages every agency's address; an officer only its own agency's."""
    if not (
        current_user.role in OFFICE_ROLES
        or (current_user.role == Role.AGENCY_OFFICER and current_user.agency_id == agency_id)
    ):
        abort(403)
    return db.session.get(Agency, agency_id) or abort(404)


@bp.route("/agencies/<int:agency_id>/calendar", methods=["GET", "POST"])
@login_required
def agency_calendar(agency_id: int):
    """Explain the feed; the POST issues a new address (revoking the old one) shown once."""
    agency = _agency_or_abort(agency_id)
    form = FlaskForm()  # the CSRF token is all a new address needs
    url = None
    if form.validate_on_submit():
        url = services.feed_url(services.issue_token(agency))
        db.session.commit()
    return render_template("feeds/agency_calendar.html", agency=agency, form=form, url=url)


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def user_calendar():
    """One's own address (Tài khoản → Lịch của tôi); the POST issues a new one, shown once,
    revoking the old one."""
    form = FlaskForm()
    url = None
    if form.validate_on_submit():
        url = services.feed_url(services.issue_user_token(current_user))
        db.session.commit()
    return render_template(
        "feeds/user_calendar.html",
        form=form,
        url=url,
        days=services.USER_FEED_DAYS,
        is_officer=current_user.role == Role.AGENCY_OFFICER,
    )
