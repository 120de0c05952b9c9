"""Report pages: the period report, its drill-down lists, the appendix, print and exports.

Report pages are for the office and leaders (agency officers get 403); the overdue export of the
dashboard is for everyone, filtered by what they may see. Bad input renders the form again with
a Vietnamese message and HTTP 400 — never a 500.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.agencies.models import Agency
from tracker.auth.models import Role
from tracker.auth.permissions import office_required, roles_required, task_visibility
from tracker.extensions import db
from tracker.replica import replica_reads
from tracker.reports import charts, exports
from tracker.reports.dashboard import Filters, filter_choices, overdue_records
from tracker.reports.forms import ReportSettingsForm
from tracker.reports.queries import METRIC_LABELS, agency_groups
from tracker.reports.service import (
    PERIOD_CODES,
    ReportError,
    ReportRequest,
    SettingsError,
    agency_position,
    build_report,
    default_code,
    detail_records,
    min_count,
    parse_request,
    period_ranges,
    period_settings,
    save_report_settings,
)
from tracker.timeutil import today
from tracker.web import commit_or_roll_back

bp = Blueprint("reports", __name__, url_prefix="/reports")

report_access = roles_required(Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.LEADER)


def _request_from_args() -> ReportRequest:
    return parse_request(
        request.args.get("year"),
        request.args.get("period"),
        request.args.get("as_of"),
        issuer=request.args.get("issuer"),
        directive=request.args.get("directive"),
    )


def _form_values() -> dict[str, str]:
    now = today()
    return {
        "year": request.args.get("year", str(now.year)),
        "period": request.args.get("period", default_code(now)),
        "as_of": request.args.get("as_of", now.strftime("%d/%m/%Y")),
        "issuer": request.args.get("issuer", ""),
        "directive": request.args.get("directive", ""),
    }


def _error_page(error: ReportError, template: str = "reports/period.html"):
    return (
        render_template(
            template, error=str(error), report=None, form=_form_values(), codes=PERIOD_CODES
        ),
        400,
    )


def _summary_columns() -> list[tuple[str, str, int]]:
    """The summary table's columns with their headers in the interface language (the labels
    are the Vietnamese headers of the XLSX export, listed in tracker/i18n_labels.py)."""
    return [(key, _(label), width) for key, label, width in exports.SUMMARY_COLUMNS]


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _excel_vn() -> bool:
    """`?excel=vn`: the CSV for Excel on a Vietnamese Windows (";" and decimal comma)."""
    return request.args.get("excel") == "vn"


def _csv_name(name: str) -> str:
    return f"{name}-excel-vn.csv" if _excel_vn() else f"{name}.csv"


@bp.route("/")
@report_access
@replica_reads
def period():
    """Báo cáo theo kỳ: one row per lead agency, rates, Wilson intervals, charts, ranking."""
    try:
        req = _request_from_args()
    except ReportError as error:
        return _error_page(error)
    report = build_report(req)
    return render_template(
        "reports/period.html",
        report=report,
        req=req,
        args=req.args(),
        form=_form_values(),
        codes=PERIOD_CODES,
        error=None,
        agency_chart=charts.agency_bars(report["agencies"] + report["small_agencies"]),
        trend_chart=charts.trend_bars(report["trend"]),
        columns=_summary_columns(),
    )


@bp.route("/agency")
@login_required
def agency_report():
    """An agency's own period report and its place among the agencies (thi đua rank).

    An agency officer sees their own agency only; the office and leaders choose one
    (``?agency=``). An agency's cut by directive is ignored: a directive's number is not read
    by id outside the directives an agency works on (issue 14).
    """
    agencies = []
    if current_user.is_agency:
        agency_id = current_user.agency_id
        if agency_id is None:
            abort(403)
    else:
        agency_id = request.args.get("agency", type=int)
        agencies = filter_choices(task_visibility(current_user), with_agencies=True)["agencies"]
        if agency_id is not None and db.session.get(Agency, agency_id) is None:
            agency_id = None
    form = _form_values()
    try:
        req = parse_request(
            request.args.get("year"),
            request.args.get("period"),
            request.args.get("as_of"),
            issuer=request.args.get("issuer"),
            directive=None if current_user.is_agency else request.args.get("directive"),
        )
    except ReportError as error:
        return (
            render_template(
                "reports/agency.html",
                error=str(error),
                position=None,
                form=form,
                codes=PERIOD_CODES,
                agencies=agencies,
                agency_id=agency_id,
            ),
            400,
        )
    position = records = None
    if agency_id is not None:
        position = agency_position(build_report(req, with_trend=False), agency_id)
        records = detail_records(req, agency_id=position["agency_id"])
    return render_template(
        "reports/agency.html",
        error=None,
        req=req,
        args=req.args(),
        form=form,
        codes=PERIOD_CODES,
        agencies=agencies,
        agency_id=agency_id,
        position=position,
        records=records,
    )


@bp.route("/tasks")
@report_access
@replica_reads
def drill_down():
    """The items behind one number of the report (same window, same rules)."""
    try:
        req = _request_from_args()
        metric = request.args.get("metric") or None
        agency_id = request.args.get("agency", type=int)
        records = detail_records(req, metric=metric, agency_id=agency_id)
    except ReportError as error:
        return _error_page(error)
    return render_template(
        "reports/tasks.html",
        req=req,
        args=req.args(),
        records=records,
        metric_label=METRIC_LABELS.get(metric or "", _("Tất cả nhiệm vụ của kỳ")),
        agency_name=agency_groups().names.get(agency_id) if agency_id else None,
        agency_id=agency_id,
    )


@bp.route("/appendix")
@report_access
@replica_reads
def appendix():
    """Phụ lục chi tiết in the offices' layout."""
    try:
        req = _request_from_args()
    except ReportError as error:
        return _error_page(error)
    report = build_report(req, with_trend=False)
    return render_template(
        "reports/appendix.html",
        req=req,
        args=req.args(),
        report=report,
        records=detail_records(req),
    )


@bp.route("/print")
@report_access
@replica_reads
def print_view():
    """A print-ready A4 landscape page: province, period, as-of date and the table."""
    try:
        req = _request_from_args()
    except ReportError as error:
        return _error_page(error)
    report = build_report(req, with_trend=False)
    return render_template(
        "reports/print.html",
        req=req,
        report=report,
        records=detail_records(req) if request.args.get("detail") else None,
        columns=_summary_columns(),
        printed_on=today(),
    )


@bp.route("/export.<fmt>")
@report_access
@replica_reads
def export(fmt: str):
    """The report as XLSX (summary, appendix, ranking) or CSV (summary, or ?sheet=detail)."""
    if fmt not in ("xlsx", "csv"):
        return _error_page(
            ReportError(_("Định dạng “%(fmt)s” không hỗ trợ (chọn xlsx hoặc csv).", fmt=fmt))
        )
    try:
        req = _request_from_args()
    except ReportError as error:
        return _error_page(error)
    name = f"bao-cao-{req.year}-{req.code}-den-{req.as_of.isoformat()}"
    if request.args.get("sheet") == "detail":
        data = exports.details_csv(detail_records(req), excel_vn=_excel_vn())
        return _download(data, _csv_name(f"{name}-chi-tiet"), CSV)
    # the files are the office's Vietnamese documents, whatever the interface language
    with force_locale("vi"):
        report = build_report(req, with_trend=False)
    if fmt == "xlsx":
        return _download(exports.report_xlsx(report, detail_records(req)), f"{name}.xlsx", XLSX)
    return _download(exports.report_csv(report, excel_vn=_excel_vn()), _csv_name(name), CSV)


@bp.route("/overdue.<fmt>")
@login_required
@replica_reads
def overdue_export(fmt: str):
    """Every overdue task the user may see (dashboard filters applied), streamed."""
    if fmt not in ("xlsx", "csv"):
        return _error_page(
            ReportError(_("Định dạng “%(fmt)s” không hỗ trợ (chọn xlsx hoặc csv).", fmt=fmt))
        )
    as_of = today()
    filters = Filters.from_args(request.args, allow_agency=not current_user.is_agency)
    records = overdue_records(task_visibility(current_user), filters, as_of)
    name = f"nhiem-vu-qua-han-{as_of.isoformat()}"
    if fmt == "csv":
        return Response(
            stream_with_context(exports.overdue_csv(records, excel_vn=_excel_vn())),
            mimetype=CSV,
            headers={"Content-Disposition": f'attachment; filename="{_csv_name(name)}"'},
        )
    title = f"Nhiệm vụ quá hạn tính đến ngày {as_of:%d/%m/%Y}"
    return _download(exports.overdue_xlsx(records, title), f"{name}.xlsx", XLSX)


@bp.route("/settings", methods=["GET", "POST"])
@office_required
def settings():
    """The office sets the report's minimum sample and its data ranges (stored settings)."""
    form = ReportSettingsForm()
    if request.method == "GET":
        form.min_count.data = min_count()
        form.cutoff.data = period_settings().cutoff
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            response = commit_or_roll_back(
                lambda: save_report_settings(
                    min_count=form.min_count.data, cutoff=form.cutoff.data
                ),
                errors=SettingsError,
                form=form,
                done=_("Đã lưu quy định báo cáo."),
                to=url_for("reports.settings"),
            )
            if response:
                return response
    year = today().year
    return (
        render_template("reports/settings.html", form=form, year=year, ranges=period_ranges(year)),
        status,
    )
