"""Office pages: the outbox, one email, resend, the reminder policy, pausing a task's reminders."""

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from tracker.auth.permissions import get_task_or_404, office_required
from tracker.extensions import db
from tracker.reminders import outbox as outbox_service
from tracker.reminders import services
from tracker.reminders.forms import PolicyForm
from tracker.reminders.models import OutboxEmail, OutboxStatus
from tracker.reminders.policy import Policy, PolicyError
from tracker.web import commit_or_roll_back

bp = Blueprint("reminders", __name__)


@bp.route("/outbox")
@office_required
def outbox():
    """Hộp thư đi: every email the reminders produced, newest first, filtered by status."""
    status = request.args.get("status", "")
    stmt = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    if status in {s.value for s in OutboxStatus}:
        stmt = stmt.where(OutboxEmail.status == status)
    else:
        status = ""
    page = db.paginate(stmt, per_page=25, error_out=False)
    counts = dict(
        db.session.execute(
            select(OutboxEmail.status, func.count(OutboxEmail.id)).group_by(OutboxEmail.status)
        ).all()
    )
    return render_template(
        "reminders/outbox.html",
        page=page,
        status=status,
        counts=counts,
        statuses=list(OutboxStatus),
        mail_configured=outbox_service.mail_configured(),
    )


def _email_or_404(email_id: int) -> OutboxEmail:
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    return email


@bp.route("/outbox/<int:email_id>")
@office_required
def outbox_show(email_id: int):
    return render_template(
        "reminders/outbox_show.html",
        email=_email_or_404(email_id),
        mail_configured=outbox_service.mail_configured(),
    )


@bp.route("/outbox/<int:email_id>/html")
@office_required
def outbox_html(email_id: int):
    """The HTML body as the recipient sees it, with a CSP that allows only its inline styles.

    A password-reset email's body holds a link only its recipient may use: never shown.
    """
    email = _email_or_404(email_id)
    if email.kind == "password_reset":
        abort(404)
    response = Response(email.body_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
        "form-action 'none'"
    )
    return response


@bp.route("/outbox/<int:email_id>/resend", methods=["POST"])
@office_required
def outbox_resend(email_id: int):
    email = _email_or_404(email_id)
    return commit_or_roll_back(
        lambda: outbox_service.resend(email),
        errors=(),
        done=_("Đã đưa thư vào hàng chờ gửi lại."),
        to=url_for("reminders.outbox_show", email_id=email.id),
    )


@bp.route("/reminders/settings", methods=["GET", "POST"])
@office_required
def settings():
    """The reminder policy the office edits (stored in the settings table)."""
    policy = services.load_policy()
    form = PolicyForm()
    if request.method == "GET":
        form.before_days.data = ", ".join(str(n) for n in policy.before_days)
        form.on_due_day.data = policy.on_due_day
        form.overdue_every_days.data = policy.overdue_every_days
        form.escalate_after_days.data = ", ".join(str(n) for n in policy.escalate_after_days)
        form.update_after_months.data = policy.update_after_months
    elif form.validate_on_submit():
        response = commit_or_roll_back(
            lambda: services.save_policy(
                Policy.from_dict(
                    {
                        "before_days": form.before_days.days,
                        "on_due_day": form.on_due_day.data,
                        "overdue_every_days": form.overdue_every_days.data,
                        "escalate_after_days": form.escalate_after_days.days,
                        "update_after_months": form.update_after_months.data,
                    }
                )
            ),
            errors=PolicyError,
            form=form,
            done=_("Đã lưu quy định nhắc việc."),
            to=url_for("reminders.settings"),
        )
        if response:
            return response
    return render_template("reminders/settings.html", form=form, defaults=Policy())


@bp.route("/tasks/<int:task_id>/reminders/pause", methods=["POST"])
@office_required
def toggle_pause(task_id: int):
    """Pause (or resume) the reminders of one task; the change is in the task's audit log."""
    task = get_task_or_404(task_id, current_user)
    return commit_or_roll_back(
        lambda: services.toggle_pause(task),
        errors=(),
        done=lambda paused: (
            _("Đã tạm dừng nhắc việc cho nhiệm vụ này.")
            if paused
            else _("Đã bật lại nhắc việc cho nhiệm vụ này.")
        ),
        to=url_for("tasks.show", task_id=task.id),
    )


def timeline_events(task) -> list[dict]:
    """The reminders sent for a task, as timeline events (hooked into the task page)."""
    return [
        {"at": r.created_at, "kind": "reminder", "item": r}
        for r in services.reminders_for_task(task.id)
    ]


@bp.record_once
def _register_timeline_hook(state) -> None:
    """Add the reminders to the task timeline without touching the task view's code."""
    state.app.extensions.setdefault("task_timeline_hooks", []).append(timeline_events)
