"""`/api/v1`: JSON over the same queries, permission rules and services as the pages.

Every request but the OpenAPI document and its page must carry `Authorization: Bearer
<token>`; the session cookie is ignored here (a browser's cookie must never authenticate an API
write, so the blueprint can be CSRF-exempt). The token's user becomes `current_user` for the
request only (nothing is written to the session), so the permission functions, the services and
the audit log see the same user as on the pages.
"""

import time
from collections.abc import Callable
from datetime import date
from threading import Lock
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    json,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.exceptions import HTTPException

from tracker.acceptance import services as acceptance
from tracker.agencies.models import Agency
from tracker.api import serializers as ser
from tracker.api import services as token_services
from tracker.api.problems import from_http_exception, problem
from tracker.auth.models import OFFICE_ROLES
from tracker.auth.permissions import (
    can_complete,
    can_report_progress,
    get_task_or_404,
    task_visibility,
)
from tracker.deadlines import access
from tracker.deadlines import services as deadline_services
from tracker.deadlines.models import ExtensionRequest, ExtensionState, ReportingPeriod
from tracker.deadlines.obligations import task_lines
from tracker.deadlines.status import Status
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.inbox import services as inbox_services
from tracker.inbox.models import IncomingDocument
from tracker.replica import replica_reads
from tracker.tasks import services as task_services
from tracker.tasks.queries import directive_task_rows, filtered_tasks
from tracker.timeutil import today

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: endpoints readable without a token (the API's own description)
PUBLIC_ENDPOINTS = frozenset({"api.openapi", "api.docs"})
MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


class Invalid(Exception):
    """Bad input: each entry names a field and says what is wrong (→ 422)."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("invalid")
        self.errors = errors


# -- authentication, rate limit, errors ---------------------------------------------------


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


class _Window:
    """Requests per token in the current minute, in this process (a fixed window).

    Each gunicorn worker counts its own requests: the limit per token is a ceiling per
    worker, enough to stop a runaway script without a shared store.
    """

    def __init__(self) -> None:
        self.lock = Lock()
        self.counts: dict[tuple[int, int], int] = {}

    def hit(self, token_id: int, limit: int, now: float) -> int | None:
        """Count one request; return the seconds to wait when over the limit, else None."""
        minute = int(now // 60)
        with self.lock:
            if len(self.counts) > 10_000:
                self.counts = {k: v for k, v in self.counts.items() if k[1] >= minute}
            key = (token_id, minute)
            self.counts[key] = self.counts.get(key, 0) + 1
            if self.counts[key] > limit:
                return max(1, 60 - int(now) % 60)
        return None


rate_window = _Window()


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    row = token_services.authenticate(_bearer() or "")
    if row is None:
        return problem(401, headers={"WWW-Authenticate": 'Bearer realm="tracker"'})
    # Flask-Login reads the user of this request from g._login_user: the token's user, for
    # this request only (no session cookie is set or read)
    g._login_user = row.user
    g.api_token = row
    limit = current_app.config.get("API_RATE_LIMIT_PER_MINUTE", 600)
    wait = rate_window.hit(row.id, limit, time.time())
    if wait is not None:
        return problem(429, headers={"Retry-After": str(wait)})
    return None


def http_error(error: HTTPException) -> Response:
    return from_http_exception(error)


# by code, not only by class: the app's handlers by code (its HTML 403 page) would win
for _code in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500):
    bp.register_error_handler(_code, http_error)
bp.register_error_handler(HTTPException, http_error)


@bp.errorhandler(Invalid)
def invalid(error: Invalid) -> Response:
    db.session.rollback()
    return problem(422, errors=error.errors)


# -- helpers ----------------------------------------------------------------------------


def conditional(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with a strong ETag; a matching If-None-Match gets 304."""
    response = Response(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers["Vary"] = "Authorization, Accept-Language"
    if status == 200 and request.method == "GET":
        response.add_etag()
        response.make_conditional(request)
    return response


def _date_arg(args: dict, name: str, errors: list) -> date | None:
    value = args.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.append({"field": name, "message": _("Ngày phải có dạng YYYY-MM-DD.")})
        return None


def _int_arg(args: dict, name: str, errors: list, default: int | None = None) -> int | None:
    value = args.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        errors.append({"field": name, "message": _("Phải là số nguyên dương.")})
        return default
    return number


def _page_args(errors: list) -> tuple[int, int]:
    page = _int_arg(request.args, "page", errors, 1) or 1
    per_page = _int_arg(request.args, "per_page", errors, DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE
    if per_page > MAX_PER_PAGE:
        errors.append(
            {"field": "per_page", "message": _("Tối đa %(n)s mục một trang.", n=MAX_PER_PAGE)}
        )
    return page, per_page


def paginated(
    stmt,
    page: int,
    per_page: int,
    item: Callable[[Any], dict],
    prepare: Callable[[list[Any]], None] | None = None,
) -> Response:
    """One page of `stmt` (stably ordered by the caller) with RFC 8288 Link headers;
    `prepare` sees the page's rows first (to load what the items need in one statement)."""
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
    if prepare is not None:
        prepare(list(result.items))
    items = [item(row) for row in result.items]
    pages = max(result.pages, 1)
    args = request.args.to_dict()

    def link(number: int, rel: str) -> str:
        args.update(page=str(number), per_page=str(per_page))
        return f'<{url_for(request.endpoint, _external=True, **request.view_args, **args)}>; rel="{rel}"'

    links = [link(1, "first"), link(pages, "last")]
    if page > 1:
        links.append(link(min(page - 1, pages), "prev"))
    if page < pages:
        links.append(link(page + 1, "next"))
    body = {"items": items, "page": page, "per_page": per_page, "total": result.total}
    return conditional(body, headers={"Link": ", ".join(links), "X-Total-Count": str(result.total)})


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(
            [{"field": "body", "message": _("Nội dung yêu cầu phải là một đối tượng JSON.")}]
        )
    return data


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        abort(403)


def _readers_only() -> None:
    """Directives are read by the office and leaders (as the pages); officers get 403."""
    _refuse_unless(current_user.role in OFFICE_ROLES or current_user.is_leader)


# -- reads ------------------------------------------------------------------------------


@bp.get("/tasks")
@replica_reads
def tasks():
    """The tasks the token's user may see, with the task list's filters, ordered by due date."""
    errors: list[dict[str, str]] = []
    args = request.args
    as_of = _date_arg(args, "as_of", errors) or today()
    state = args.get("state", "")
    if state and state not in {s.value for s in Status} | {"open"}:
        errors.append({"field": "state", "message": _("Trạng thái không hợp lệ.")})
    agency_id = _int_arg(args, "agency", errors)
    directive_id = _int_arg(args, "directive", errors)
    due_from = _date_arg(args, "due_from", errors)
    due_to = _date_arg(args, "due_to", errors)
    page, per_page = _page_args(errors)
    if errors:
        raise Invalid(errors)
    stmt = filtered_tasks(
        task_visibility(current_user),
        as_of=as_of,
        query=(args.get("q") or "").strip(),
        status=state,
        agency_id=agency_id,
        directive_id=directive_id,
        due_from=due_from,
        due_to=due_to,
        sort="due",
    )
    # each task's line as the task list shows it: its worst open obligation, and the
    # obligations themselves (a recurring task's periods, a via agency's own deadline)
    lines: dict[int, Any] = {}
    return paginated(
        stmt,
        page,
        per_page,
        lambda task: ser.task_summary(task, as_of, line=lines.get(task.id)),
        prepare=lambda tasks: lines.update(task_lines(tasks, as_of)),
    )


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):
    """One task with its periods, progress updates and extension requests."""
    errors: list[dict[str, str]] = []
    as_of = _date_arg(request.args, "as_of", errors) or today()
    if errors:
        raise Invalid(errors)
    found = get_task_or_404(task_id, current_user)
    periods = db.session.execute(
        select(ReportingPeriod)
        .where(ReportingPeriod.task_id == found.id)
        .order_by(ReportingPeriod.due_on, ReportingPeriod.id)
    ).scalars()
    update_ids = [u.id for u in found.progress_updates]
    period_list = list(periods)
    attachments = db.session.execute(
        select(Attachment)
        .where(
            or_(
                Attachment.task_id == found.id,
                Attachment.progress_update_id.in_(update_ids),
                Attachment.period_id.in_([p.id for p in period_list]),
            )
        )
        .order_by(Attachment.uploaded_at, Attachment.id)
    ).scalars()
    extensions = db.session.execute(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == found.id)
        .order_by(ExtensionRequest.id)
    ).scalars()
    data = ser.task_detail(found, as_of, period_list, list(extensions))
    data["attachments"] = [ser.attachment(a) for a in attachments]
    return conditional(data)


@bp.get("/directives")
@replica_reads
def directives():
    _readers_only()
    errors: list[dict[str, str]] = []
    page, per_page = _page_args(errors)
    if errors:
        raise Invalid(errors)
    stmt = select(Directive).order_by(Directive.issued_on.desc(), Directive.id.desc())
    return paginated(stmt, page, per_page, ser.directive)


@bp.get("/directives/<int:directive_id>")
def directive(directive_id: int):
    _readers_only()
    found = db.session.get(Directive, directive_id)
    if found is None:
        abort(404)
    as_of = today()
    tasks = db.session.execute(directive_task_rows(found.id)).scalars().all()
    lines = task_lines(tasks, as_of)
    data = ser.directive(found)
    data["tasks"] = [ser.task_summary(task, as_of, line=lines[task.id]) for task in tasks]
    return conditional(data)


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """A file, under the rules of the page that serves it (the thing it belongs to)."""
    from tracker.files.downloads import send_attachment

    # the token's user is current_user here
    return send_attachment(attachment_id)


@bp.get("/agencies")
@replica_reads
def agencies():
    """Every agency, active or not (the pickers of every form show the same names)."""
    errors: list[dict[str, str]] = []
    page, per_page = _page_args(errors)
    if errors:
        raise Invalid(errors)
    stmt = select(Agency).order_by(Agency.name, Agency.id)
    return paginated(stmt, page, per_page, ser.agency)


# -- writes (the pages' services, one transaction) ----------------------------------------


def _service_error(error: ValueError) -> Invalid:
    db.session.rollback()
    return Invalid([{"field": getattr(error, "field", "body"), "message": str(error)}])


def _text(data: dict, name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid([{"field": name, "message": _("Phải là chuỗi ký tự.")}])
    return value


@bp.post("/tasks/<int:task_id>/progress")
def post_progress(task_id: int):
    found = get_task_or_404(task_id, current_user)
    _refuse_unless(can_report_progress(current_user, found))
    data = _json_body()
    try:
        update = task_services.add_progress(
            found,
            body=_text(data, "body") or "",
            author_id=current_user.id,
            agency_id=current_user.agency_id,
        )
    except task_services.TaskError as error:
        raise _service_error(error) from None
    db.session.commit()
    return conditional(ser.progress(update), status=201)


@bp.post("/tasks/<int:task_id>/completion")
def post_completion(task_id: int):
    found = get_task_or_404(task_id, current_user)
    _refuse_unless(can_complete(current_user, found))
    data = _json_body()
    errors: list[dict[str, str]] = []
    done_on = _date_arg(data, "done_on", errors)
    report_date = _date_arg(data, "report_date", errors)
    if errors:
        raise Invalid(errors)
    try:  # the same service as the web form: an agency's report waits for acceptance
        acceptance.report_done(
            found,
            done_on=done_on,
            report_number=_text(data, "report_number"),
            report_date=report_date,
            note=_text(data, "note"),
            user=current_user,
        )
    except acceptance.AcceptanceError as error:
        raise _service_error(error) from None
    db.session.commit()
    return conditional(ser.task_summary(found, today()), status=200)


@bp.post("/tasks/<int:task_id>/extension-requests")
def post_extension_request(task_id: int):
    found = get_task_or_404(task_id, current_user)
    _refuse_unless(access.can_request_extension(current_user, found))
    data = _json_body()
    errors: list[dict[str, str]] = []
    wanted = _date_arg(data, "requested_due_on", errors)
    working_days = data.get("working_days")
    if working_days is not None and (
        not isinstance(working_days, int) or isinstance(working_days, bool)
    ):
        errors.append({"field": "working_days", "message": _("Phải là số nguyên dương.")})
        working_days = None
    period = None
    if data.get("period_id") is not None:
        period = (
            db.session.get(ReportingPeriod, data.get("period_id"))
            if isinstance(data.get("period_id"), int)
            else None
        )
        if period is None or period.task_id != found.id:
            errors.append(
                {"field": "period_id", "message": _("Kỳ báo cáo không thuộc nhiệm vụ này.")}
            )
    if errors:
        raise Invalid(errors)
    try:
        wanted = deadline_services.requested_date(
            found, period, requested_due_on=wanted, working_days=working_days
        )
        ext = deadline_services.request_extension(
            found,
            period=period,
            requested_due_on=wanted,
            reason=_text(data, "reason"),
            user_id=current_user.id,
        )
    except deadline_services.DeadlineError as error:
        raise _service_error(error) from None
    db.session.commit()
    return conditional(ser.extension(ext), status=201)


@bp.post("/extension-requests/<int:request_id>/decision")
def post_extension_decision(request_id: int):
    """The office approves (possibly with another date) or refuses with a reason."""
    _refuse_unless(current_user.role in OFFICE_ROLES)
    ext = db.session.get(ExtensionRequest, request_id)
    if ext is None:
        abort(404)
    data = _json_body()
    errors: list[dict[str, str]] = []
    action = data.get("action")
    if action not in ("approve", "refuse"):
        errors.append({"field": "action", "message": _("Chọn approve hoặc refuse.")})
    approved_due_on = _date_arg(data, "approved_due_on", errors)
    if errors:
        raise Invalid(errors)
    if ext.state != ExtensionState.PENDING.value:
        return problem(409, _("Đề nghị gia hạn này đã được xử lý."))
    try:
        if action == "approve":
            deadline_services.approve_extension(
                ext,
                approved_due_on=approved_due_on,
                note=_text(data, "note"),
                user_id=current_user.id,
            )
        else:
            deadline_services.refuse_extension(
                ext, note=_text(data, "note"), user_id=current_user.id
            )
    except deadline_services.DeadlineError as error:
        raise _service_error(error) from None
    db.session.commit()
    return conditional(ser.extension(ext))


@bp.post("/inbox")
def post_inbox():
    """The document system hands over a directive: the file (PDF, DOCX, TXT) and its metadata
    (multipart). It waits in Văn bản đến chờ xử lý; a number already used this year is flagged
    in the answer, not refused (the office decides)."""
    _refuse_unless(current_user.role in OFFICE_ROLES)
    errors: list[dict[str, str]] = []
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        errors.append({"field": "file", "message": _("Chọn tệp văn bản (PDF, DOCX hoặc TXT).")})
    issued_on = _date_arg(request.form, "issued_on", errors)
    if errors:
        raise Invalid(errors)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    try:
        doc, duplicates = inbox_services.receive(
            inbox_services.IncomingInput(
                filename=upload.filename or "",
                data=upload.read(limit + 1),
                number=request.form.get("number", ""),
                issued_on=issued_on,
                title=request.form.get("title", ""),
                issuer=request.form.get("issuer", ""),
            ),
            received_by_id=current_user.id,
        )
    except inbox_services.IncomingError as error:
        raise _service_error(error) from None
    db.session.commit()
    return conditional(
        ser.incoming(doc, duplicates),
        status=201,
        headers={"Location": url_for("inbox.show", incoming_id=doc.id, _external=True)},
    )


@bp.get("/inbox/<int:incoming_id>")
def inbox_document(incoming_id: int):
    """Where a document sent to the inbox stands: pending, processed (with its directive) or
    discarded, so the document system can link back to the directive."""
    _refuse_unless(current_user.role in OFFICE_ROLES)
    doc = db.session.get(IncomingDocument, incoming_id)
    if doc is None:
        abort(404)
    return conditional(ser.incoming(doc, inbox_services.duplicates(doc)))


# -- the description --------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    from tracker.api.spec import build_document

    return conditional(build_document(current_app))


@bp.get("/docs")
def docs():
    from tracker.api.spec import build_document

    document = build_document(current_app)
    return render_template("api/docs.html", document=document)
