"""Office pages: webhook endpoints (list, add, edit, delete) and the delivery log."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker.agencies.models import Agency
from tracker.auth.permissions import office_required
from tracker.extensions import db
from tracker.forms import options
from tracker.reminders.models import OutboxStatus
from tracker.web import commit_or_roll_back
from tracker.webhooks import sender, services
from tracker.webhooks.forms import EVENT_LABELS, KIND_LABELS, EndpointForm
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _form(endpoint: WebhookEndpoint | None = None) -> EndpointForm:
    form = EndpointForm(obj=None)
    if endpoint is not None and request.method == "GET":
        form.name.data = endpoint.name
        form.url.data = endpoint.url
        form.kind.data = endpoint.kind
        form.agency_id.data = str(endpoint.agency_id or "")
        form.events.data = list(endpoint.events or [])
        form.active.data = endpoint.active
    agencies = db.session.execute(
        select(Agency.id, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)
    ).all()
    form.agency_id.choices = options(
        [("", _("Tất cả cơ quan, đơn vị"))] + [(str(a.id), a.name) for a in agencies]
    )
    return form


def _input(form: EndpointForm) -> services.EndpointInput:
    agency = form.agency_id.data or ""
    return services.EndpointInput(
        name=form.name.data or "",
        url=form.url.data or "",
        secret=form.secret.data or "",
        events=list(form.events.data or []),
        kind=form.kind.data or "json",
        agency_id=int(agency) if agency.isdigit() else None,
        active=bool(form.active.data),
    )


def _save(form: EndpointForm, endpoint: WebhookEndpoint | None, done):
    """Validate and write; on an error the field says why and nothing is saved (None)."""
    if not form.validate_on_submit():
        return None

    def save() -> WebhookEndpoint:
        data = _input(form)
        if endpoint is None:
            return services.create_endpoint(data)
        services.update_endpoint(endpoint, data)
        return endpoint

    return commit_or_roll_back(
        save, errors=services.WebhookError, form=form, done=done, to=url_for("webhooks.index")
    )


@bp.route("/")
@office_required
def index():
    endpoints = db.session.execute(
        select(WebhookEndpoint).order_by(WebhookEndpoint.name, WebhookEndpoint.id)
    ).scalars()
    counts = {
        (endpoint_id, status): n
        for endpoint_id, status, n in db.session.execute(
            select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
                WebhookDelivery.endpoint_id, WebhookDelivery.status
            )
        )
    }
    return render_template(
        "webhooks/index.html",
        endpoints=list(endpoints),
        counts=counts,
        event_labels=EVENT_LABELS,
        kind_labels=KIND_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@office_required
def new():
    form = _form()
    if request.method == "GET":
        form.events.data = ["task.assigned", "task.completed"]
        form.active.data = True
    response = _save(
        form,
        None,
        lambda endpoint: _(
            "Đã thêm địa chỉ webhook. Khóa bí mật: %(secret)s", secret=endpoint.secret
        ),
    )
    if response:
        return response
    return render_template("webhooks/form.html", form=form, endpoint=None)


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
@office_required
def edit(endpoint_id: int):
    endpoint = _endpoint_or_404(endpoint_id)
    form = _form(endpoint)
    response = _save(form, endpoint, _("Đã lưu địa chỉ webhook."))
    if response:
        return response
    return render_template("webhooks/form.html", form=form, endpoint=endpoint)


@bp.route("/<int:endpoint_id>/delete", methods=["GET", "POST"])
@office_required
def delete(endpoint_id: int):
    """GET asks for confirmation; POST deletes the endpoint and its delivery log."""
    endpoint = _endpoint_or_404(endpoint_id)
    if request.method == "POST":
        return commit_or_roll_back(
            lambda: services.delete_endpoint(endpoint),
            errors=(),
            done=_("Đã xóa địa chỉ webhook."),
            to=url_for("webhooks.index"),
        )
    deliveries = db.session.execute(
        select(func.count(WebhookDelivery.id)).where(WebhookDelivery.endpoint_id == endpoint.id)
    ).scalar_one()
    return render_template("webhooks/delete.html", endpoint=endpoint, deliveries=deliveries)


@bp.route("/deliveries")
@office_required
def deliveries():
    """Nhật ký gửi webhook: newest first, by endpoint and status, with the response code."""
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
    status = request.args.get("status", "")
    if status in {s.value for s in OutboxStatus}:
        stmt = stmt.where(WebhookDelivery.status == status)
    else:
        status = ""
    endpoint_id = request.args.get("endpoint_id", type=int)
    if endpoint_id:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    page = db.paginate(stmt, per_page=50, error_out=False)
    return render_template(
        "webhooks/deliveries.html",
        page=page,
        status=status,
        endpoint_id=endpoint_id,
        statuses=list(OutboxStatus),
        event_labels=EVENT_LABELS,
    )


@bp.route("/deliveries/<int:delivery_id>/resend", methods=["POST"])
@office_required
def resend(delivery_id: int):
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        abort(404)
    return commit_or_roll_back(
        lambda: sender.resend(delivery),
        errors=(),
        done=_("Đã đưa webhook vào hàng chờ gửi lại."),
        to=url_for("webhooks.deliveries"),
    )
