"""My notifications: the list, marking read, and the bell's count in the header."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.notifications import services
from tracker.web import commit_or_roll_back

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def notification_unread_count() -> int:
    """The bell's number (one COUNT), called only where the header shows the bell."""
    if not current_user.is_authenticated:
        return 0
    return services.unread_count(current_user)


@bp.app_template_global()
def notification_message(notification) -> str:
    return services.message(notification)


@bp.app_template_global()
def notification_link(notification) -> str | None:
    target = services.link_endpoint(notification)
    return url_for(target[0], **target[1]) if target else None


@bp.route("/")
@login_required
def index():
    only_unread = request.args.get("unread") == "1"
    page = services.page_for(
        current_user, request.args.get("page", 1, type=int), only_unread=only_unread
    )
    return render_template("notifications/index.html", page=page, only_unread=only_unread)


def _back() -> str:
    """Back to the list page the form was on (only this blueprint's list: no open redirect)."""
    page = request.form.get("page", type=int)
    unread = "1" if request.form.get("unread") == "1" else None
    return url_for("notifications.index", page=page if page and page > 1 else None, unread=unread)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = services.get_visible(current_user, notification_id) or abort(404)
    return commit_or_roll_back(
        lambda: services.mark_read(current_user, notification), errors=(), done=None, to=_back()
    )


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    return commit_or_roll_back(
        lambda: services.mark_all_read(current_user),
        errors=(),
        # nothing was unread: nothing to say
        done=lambda count: (
            _("Đã đánh dấu %(count)s thông báo là đã đọc.", count=count) if count else None
        ),
        to=_back(),
    )
