"""Assemble the period report: one dictionary that the page, the exports and the CLI all show.

The numbers come from `tracker.reports.queries` (SQL aggregates); this module folds merged
agencies into their successors, computes the rates and Wilson intervals, ranks agencies for the
year-end emulation table and checks the user's input. Input problems raise `ReportError` with a
Vietnamese message that the page shows and the CLI prints — never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_gettext
from sqlalchemy import or_, select

from tracker.agencies.models import Agency
from tracker.deadlines.periods import PeriodSettings, report_period
from tracker.deadlines.services import period_settings as deadline_period_settings
from tracker.deadlines.status import Status, days_overdue, status_as_of
from tracker.deadlines.wilson import wilson_interval
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.signature_models import AttachmentSignature
from tracker.files.signatures import SignatureState
from tracker.i18n import format_datetime, parse_date, period_label
from tracker.reports import queries
from tracker.reports.queries import METRIC_LABELS, METRICS, Scope
from tracker.settings import get_setting, set_setting
from tracker.timeutil import today

#: report codes offered by the page and the CLI, with their Vietnamese names
PERIOD_CODES: dict[str, str] = {
    **{f"M{m}": lazy_gettext("Tháng %(month)s", month=m) for m in range(1, 13)},
    **{
        f"Q{q}": lazy_gettext("Quý %(quarter)s", quarter=r)
        for q, r in zip(range(1, 5), ("I", "II", "III", "IV"), strict=True)
    },
    "H1": lazy_gettext("6 tháng đầu năm"),
    "9M": lazy_gettext("9 tháng"),
    "Y": lazy_gettext("Cả năm"),
}
DEFAULT_MIN_COUNT = 5

RULES = [
    lazy_gettext(
        "Nhiệm vụ thuộc kỳ: nhiệm vụ giao một lần có thời hạn (đang có hiệu lực tại ngày tính "
        "đến, sau các lần gia hạn đã được chấp thuận đến ngày đó) nằm trong kỳ, và mỗi kỳ báo cáo "
        "của nhiệm vụ định kỳ có hạn nằm trong kỳ (mỗi kỳ báo cáo tính là một nhiệm vụ)."
    ),
    lazy_gettext(
        "Chỉ dùng dữ liệu đến hết ngày tính đến: hoàn thành, gia hạn, dừng/hủy sau ngày đó không "
        "được tính."
    ),
    lazy_gettext(
        "Tỷ lệ hoàn thành và tỷ lệ đúng hạn tính trên số nhiệm vụ đã đến hạn (đã hoàn thành hoặc "
        "đã quá hạn); hoàn thành quá hạn được tính là hoàn thành nhưng không đúng hạn."
    ),
    lazy_gettext("Nhiệm vụ dừng/hủy không tính vào các chỉ tiêu và tỷ lệ."),
    lazy_gettext(
        "Tính theo đơn vị chủ trì; nhiệm vụ của đơn vị đã sáp nhập được tính cho đơn vị tiếp nhận."
    ),
    lazy_gettext(
        "Khoảng tin cậy Wilson 95% của tỷ lệ đúng hạn; đơn vị có ít hơn số nhiệm vụ tối thiểu "
        "được trình bày riêng và không xếp hạng."
    ),
]


class ReportError(ValueError):
    """Bad report input, with a message (Vietnamese) fit to show the user."""


@dataclass(frozen=True)
class ReportRequest:
    year: int
    code: str
    as_of: date
    starts_on: date
    ends_on: date
    label: str
    #: the cut: only the directives signed by this issuer (Chủ tịch, a Phó Chủ tịch, …)
    issuer: str = ""
    #: the cut: only the tasks of this directive or plan
    directive_id: int | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.starts_on, self.ends_on, self.as_of, self.issuer, self.directive_id)

    def args(self) -> dict[str, str]:
        """The query arguments that reproduce this report (for links)."""
        args = {"year": str(self.year), "period": self.code, "as_of": self.as_of.isoformat()}
        if self.issuer:
            args["issuer"] = self.issuer
        if self.directive_id is not None:
            args["directive"] = str(self.directive_id)
        return args


#: setting keys (tracker.settings) of the report, edited on the page "Báo cáo theo kỳ: quy định"
SETTING_MIN_COUNT = "reports.min_count"
SETTING_CUTOFF = "reports.cutoff"
#: the smallest and largest sample the office may set (a threshold above 100 due tasks would
#: put nearly every agency of a province apart in a monthly report)
MIN_COUNT_RANGE = (1, 100)
CUTOFFS = ("decree", "calendar")


class SettingsError(ValueError):
    """A report setting that cannot be stored, with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def period_settings() -> PeriodSettings:
    """The province's convention for report ranges: the period rules the office set on the
    "Kỳ báo cáo" page (the end of the 9-month period among them), with the report's own
    cut-off — the decree's unless set to calendar months."""
    cutoff = get_setting(SETTING_CUTOFF, "decree")
    return replace(deadline_period_settings(), cutoff=cutoff if cutoff in CUTOFFS else "decree")


def min_count() -> int:
    """Agencies with fewer due tasks than this are shown apart (setting ``reports.min_count``)."""
    value = get_setting(SETTING_MIN_COUNT, DEFAULT_MIN_COUNT)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_MIN_COUNT


def save_report_settings(*, min_count: int | None, cutoff: str | None) -> None:
    """Validate and store the report's settings (the caller commits).

    They change how every report is computed from then on, also reports of past periods shown
    again: a report to keep as it was is kept as its export.
    """
    low, high = MIN_COUNT_RANGE
    if min_count is None or not low <= min_count <= high:
        raise SettingsError(
            "min_count",
            gettext("Số nhiệm vụ tối thiểu phải từ %(min)s đến %(max)s.", min=low, max=high),
        )
    if cutoff not in CUTOFFS:
        raise SettingsError("cutoff", gettext("Lựa chọn không hợp lệ."))
    set_setting(SETTING_MIN_COUNT, min_count)
    set_setting(SETTING_CUTOFF, cutoff)
    db.session.flush()


def period_ranges(year: int) -> list[tuple[str, date, date]]:
    """The data range of each quarter and cumulative report of `year`, as the settings say
    (shown next to the settings so the office sees what a choice means)."""
    settings = period_settings()
    rows = []
    for code in ("Q1", "Q2", "Q3", "Q4", "H1", "9M", "Y"):
        starts_on, ends_on, _label = report_period(year, code, settings)
        rows.append((str(PERIOD_CODES[code]), starts_on, ends_on))
    return rows


def default_code(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1}"


def _parse_cut(issuer: str | None, directive: str | int | None) -> tuple[str, int | None]:
    """The report's cut: an issuer who signed directives, or one directive (by id)."""
    from tracker.directives.models import Directive

    issuer = (issuer or "").strip()
    if (
        issuer
        and not db.session.execute(
            select(Directive.id).where(Directive.issuer == issuer).limit(1)
        ).first()
    ):
        raise ReportError(gettext("Người ký “%(issuer)s” không có văn bản nào.", issuer=issuer))
    text = str(directive or "").strip()
    if not text:
        return issuer, None
    if not text.isdigit() or len(text) > 9 or db.session.get(Directive, int(text)) is None:
        raise ReportError(gettext("Văn bản chỉ đạo “%(value)s” không có.", value=text))
    return issuer, int(text)


def parse_request(
    year: str | int | None,
    code: str | None,
    as_of: str | date | None,
    *,
    issuer: str | None = None,
    directive: str | int | None = None,
) -> ReportRequest:
    """Check the report's input; raise `ReportError` (Vietnamese) if anything is wrong."""
    now = today()
    if year in (None, ""):
        year_number = now.year
    else:
        try:
            year_number = int(str(year).strip())
        except ValueError:
            raise ReportError(gettext("Năm “%(year)s” không hợp lệ.", year=year)) from None
    if not 2000 <= year_number <= 2100:
        raise ReportError(gettext("Năm %(year)s nằm ngoài khoảng 2000–2100.", year=year_number))
    code = (code or default_code(now)).strip().upper()
    if code not in PERIOD_CODES:
        raise ReportError(
            gettext(
                "Kỳ báo cáo “%(code)s” không hợp lệ. Chọn một trong: %(codes)s.",
                code=code,
                codes=", ".join(PERIOD_CODES),
            )
        )
    starts_on, ends_on, label = report_period(year_number, code, period_settings())
    if isinstance(as_of, date):
        day = as_of
    else:
        try:
            day = parse_date(as_of)
        except ValueError:
            raise ReportError(
                gettext(
                    "Ngày tính đến “%(as_of)s” không đúng định dạng (dd/mm/yyyy hoặc yyyy-mm-dd).",
                    as_of=as_of,
                )
            ) from None
        day = day or now
    if day < starts_on:
        raise ReportError(
            gettext(
                "Ngày tính đến %(as_of)s trước ngày bắt đầu kỳ %(period)s (%(starts_on)s): "
                "chưa có số liệu để báo cáo.",
                as_of=f"{day:%d/%m/%Y}",
                period=period_label(label),
                starts_on=f"{starts_on:%d/%m/%Y}",
            )
        )
    issuer_name, directive_id = _parse_cut(issuer, directive)
    return ReportRequest(
        year_number, code, day, starts_on, ends_on, label, issuer_name, directive_id
    )


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _with_rates(counts: dict[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = dict(counts)
    done = counts["done_on_time"] + counts["done_late"]
    row["completed"] = done
    row["completion_rate"] = _percent(done, counts["settled"])
    row["on_time_rate"] = _percent(counts["done_on_time"], counts["settled"])
    if counts["settled"]:
        low, high = wilson_interval(counts["done_on_time"], counts["settled"])
        row["wilson_low"], row["wilson_high"] = round(100 * low, 1), round(100 * high, 1)
    else:
        row["wilson_low"] = row["wilson_high"] = None
    return row


def _agency_rows(scope: Scope) -> tuple[list[dict[str, Any]], dict[str, int]]:
    return _rows_from(queries.counts_by_lead_agency(scope))


def _rows_from(by_agency: dict[int, dict[str, int]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Agency rows (merged agencies under their successor, rates) and the province's totals."""
    groups = queries.agency_groups()
    merged: dict[int, dict[str, int]] = {}
    members: dict[int, set[int]] = {}
    for agency_id, counts in by_agency.items():
        successor = groups.successor.get(agency_id, agency_id)
        into = merged.setdefault(successor, dict.fromkeys(METRICS, 0))
        for metric in METRICS:
            into[metric] += counts[metric]
        if agency_id != successor:
            members.setdefault(successor, set()).add(agency_id)
    rows = []
    totals = dict.fromkeys(METRICS, 0)
    for agency_id, counts in merged.items():
        if not any(counts.values()):
            continue
        for metric in METRICS:
            totals[metric] += counts[metric]
        rows.append(
            {
                "agency_id": agency_id,
                "agency": groups.names.get(agency_id, str(agency_id)),
                "merged": sorted(groups.names[m] for m in members.get(agency_id, ())),
                **_with_rates(counts),
            }
        )
    rows.sort(key=lambda r: r["agency"])
    return rows, totals


def _ranking(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Thi đua: rank by the Wilson lower bound of the on-time rate (a small agency with 3 of 3
    does not outrank one with 95 of 100), then by the rate, then by the number of due tasks."""
    ranked = sorted(
        rows, key=lambda r: (-(r["wilson_low"] or 0), -(r["on_time_rate"] or 0), -r["settled"])
    )
    table = []
    for position, r in enumerate(ranked, start=1):
        table.append(
            {
                "rank": position,
                "agency_id": r["agency_id"],
                "agency": r["agency"],
                "settled": r["settled"],
                "done_on_time": r["done_on_time"],
                "on_time_rate": r["on_time_rate"],
                "wilson_low": r["wilson_low"],
                "wilson_high": r["wilson_high"],
                "score": r["wilson_low"],
            }
        )
    return table


def trend_quarters(request: ReportRequest, quarters: int = 4) -> list[tuple[str, str, date, date]]:
    """The last ``quarters`` quarters up to the report's end (or its as-of day, if earlier):
    ``(key, label, starts_on, ends_on)``."""
    settings = period_settings()
    chosen = []
    for year in (request.year - 1, request.year):
        for q in range(1, 5):
            starts_on, ends_on, label = report_period(year, f"Q{q}", settings)
            if starts_on > min(request.ends_on, request.as_of):
                continue
            chosen.append((f"{year}-Q{q}", label, starts_on, ends_on))
    return chosen[-quarters:]


def _sum(counts: list[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(METRICS, 0)
    for c in counts:
        for metric in METRICS:
            total[metric] += c[metric]
    return total


def report_and_trend(
    request: ReportRequest, quarters: int = 4
) -> tuple[dict[int, dict[str, int]], list[dict[str, Any]]]:
    """The report's counts per lead agency and the rates of the last quarters, evaluated as of
    the same day (so the figures do not move when the report is recomputed), from one pass over
    the items of all their windows (see `queries.elementary_windows`)."""
    chosen = trend_quarters(request, quarters)
    windows = [(request.starts_on, request.ends_on)] + [(s, e) for _, _, s, e in chosen]
    pieces = queries.elementary_windows(windows)
    counts = queries.counts_by_agency_and_piece(
        request.as_of, pieces, issuer=request.issuer, directive_id=request.directive_id
    )

    def inside(starts_on: date, ends_on: date) -> set[int | None]:
        return {i for i, (s, e) in enumerate(pieces) if starts_on <= s and e <= ends_on}

    in_report = inside(request.starts_on, request.ends_on) | {queries.UNDATED}
    by_agency: dict[int, list[dict[str, int]]] = {}
    for (agency_id, piece), metrics in counts.items():
        if piece in in_report:
            by_agency.setdefault(agency_id, []).append(metrics)
    points = []
    for key, label, starts_on, ends_on in chosen:
        in_quarter = inside(starts_on, ends_on)
        rated = _with_rates(_sum([m for (_, piece), m in counts.items() if piece in in_quarter]))
        points.append(
            {
                "key": key,
                "label": label,
                "settled": rated["settled"],
                "on_time_rate": rated["on_time_rate"],
                "completion_rate": rated["completion_rate"],
            }
        )
    return {a: _sum(ms) for a, ms in by_agency.items()}, points


def trend(request: ReportRequest, quarters: int = 4) -> list[dict[str, Any]]:
    """Rates of the last ``quarters`` quarters up to the report's end, as of the same day."""
    return report_and_trend(request, quarters)[1]


def build_report(request: ReportRequest, *, with_trend: bool = True) -> dict[str, Any]:
    """The period report as plain data (JSON-ready): what the page shows, number for number."""
    threshold = min_count()
    if with_trend:
        by_agency, points = report_and_trend(request)
        rows, totals = _rows_from(by_agency)
    else:
        points = []
        rows, totals = _agency_rows(request.scope)
    main = [r for r in rows if r["settled"] >= threshold]
    small = [r for r in rows if r["settled"] < threshold]
    for r in rows:
        r["small"] = r["settled"] < threshold
    notes = []
    if request.as_of > today():
        notes.append(
            gettext(
                "Ngày tính đến %(as_of)s sau hôm nay: số liệu có thể thay đổi khi có thêm kết quả.",
                as_of=f"{request.as_of:%d/%m/%Y}",
            )
        )
    if request.as_of < request.ends_on:
        notes.append(
            gettext(
                "Kỳ báo cáo chưa kết thúc (đến %(ends_on)s): nhiệm vụ có hạn sau ngày tính đến "
                "được tính là đang thực hiện trong hạn.",
                ends_on=f"{request.ends_on:%d/%m/%Y}",
            )
        )
    excused = _excused(request)
    if excused:
        notes.append(
            gettext(
                "%(count)s nhiệm vụ không hoàn thành do nguyên nhân khách quan được loại khỏi "
                "tỷ lệ và bảng xếp hạng thi đua (danh sách và lý do bên dưới).",
                count=len(excused),
            )
        )
    empty = not rows
    by_issuer = []
    if not request.issuer and not request.directive_id:
        # the report from the angle of who signed the directives (Chủ tịch, each Phó Chủ tịch)
        by_issuer = [
            {"issuer": issuer, **_with_rates(counts)}
            for issuer, counts in sorted(queries.counts_by_issuer(request.scope).items())
            if counts["total"] or counts["cancelled"]
        ]
    return {
        "issuer": request.issuer,
        "directive": _directive_summary(request.directive_id, _with_rates(totals)),
        "by_issuer": by_issuer,
        "excused": excused,
        "province": current_app.config["TRACKER_PROVINCE"],
        "year": request.year,
        "period": request.code,
        "label": request.label,
        "starts_on": request.starts_on.isoformat(),
        "ends_on": request.ends_on.isoformat(),
        "as_of": request.as_of.isoformat(),
        "min_count": threshold,
        "metrics": {m: str(METRIC_LABELS[m]) for m in METRICS},
        "rules": [str(rule) for rule in RULES],
        "agencies": main,
        "small_agencies": small,
        "totals": _with_rates(totals),
        "ranking": _ranking(main),
        "trend": points,
        "empty": empty,
        "empty_reason": (
            gettext(
                "Không có nhiệm vụ nào có thời hạn trong kỳ %(period)s (%(starts_on)s – "
                "%(ends_on)s) tính đến ngày %(as_of)s.",
                period=period_label(request.label),
                starts_on=f"{request.starts_on:%d/%m/%Y}",
                ends_on=f"{request.ends_on:%d/%m/%Y}",
                as_of=f"{request.as_of:%d/%m/%Y}",
            )
            if empty
            else None
        ),
        "notes": notes,
    }


def _directive_summary(directive_id: int | None, totals: dict[str, Any]) -> dict[str, Any] | None:
    """The directive a report is cut to, with its headline ("Kế hoạch 09/KH-UBND: đã hoàn thành
    36/36 nhiệm vụ")."""
    if directive_id is None:
        return None
    from tracker.directives.models import Directive

    directive = db.session.get(Directive, directive_id)
    if directive is None:
        return None
    return {
        "id": directive.id,
        "kind": directive.kind,
        "number": directive.number,
        "issued_on": directive.issued_on.isoformat(),
        "title": directive.title,
        "headline": gettext(
            "%(kind)s %(number)s: đã hoàn thành %(done)s/%(total)s nhiệm vụ trong kỳ "
            "(%(on_time)s đúng hạn, %(overdue)s đang quá hạn).",
            kind=gettext(directive.kind),
            number=directive.number,
            done=totals["completed"],
            total=totals["total"],
            on_time=totals["done_on_time"],
            overdue=totals["open_overdue"],
        ),
    }


def _excused(request: ReportRequest) -> list[dict[str, Any]]:
    """The obligations left out as "do nguyên nhân khách quan" (issue 16), with the reason."""
    rows = queries.excused_items(request.scope)
    names = dict(
        db.session.execute(
            select(Agency.id, Agency.name).where(Agency.id.in_({r.lead_agency_id for r in rows}))
        ).all()
    )
    return [
        {
            "task_id": r.task_id,
            "period": r.period_label,
            "agency": names.get(r.lead_agency_id, ""),
            "reason": r.excused_reason or "",
        }
        for r in rows
    ]


def _result_text(row: Any, state: Status) -> str:
    if state.is_done:
        text = f"{state.label} ({row.done_on:%d/%m/%Y})"
        return f"{text}; {row.report_number}" if row.report_number else text
    if state is Status.CANCELLED:
        return f"{state.label} ({row.cancelled_on:%d/%m/%Y})"
    return state.label


def detail_records(
    request: ReportRequest, *, metric: str | None = None, agency_id: int | None = None
) -> list[dict[str, Any]]:
    """The items behind a number (``metric`` of ``agency_id``, successor groups included), or
    the whole appendix: one joined query, states computed from the row's own dates."""
    if metric is not None and metric not in METRICS:
        raise ReportError(gettext("Chỉ tiêu “%(metric)s” không có trong báo cáo.", metric=metric))
    agency_ids = queries.agency_groups().members(agency_id) if agency_id else None
    stmt = queries.detail_rows(request.scope, metric=metric, agency_ids=agency_ids)
    records = []
    for number, row in enumerate(db.session.execute(stmt), start=1):
        state = status_as_of(
            request.as_of,
            due_on=row.due_on,
            done_on=row.done_on,
            cancelled_on=row.cancelled_on,
            submitted_on=row.submitted_on,
            accepted_on=row.accepted_on,
        )
        content = row.content
        if row.period_label:
            content = f"{content} — {row.period_label}"
        records.append(
            {
                "stt": number,
                "kind": row.kind,
                "task_id": row.task_id,
                "period_id": row.period_id,
                "content": content,
                "directive": row.directive_number,
                "directive_issued_on": row.directive_issued_on,
                "lead_agency": row.lead_agency,
                "co_agencies": row.co_agencies or "",
                "due_on": row.due_on,
                "original_due_on": row.original_due_on,
                "extended": bool(row.extended),
                "status": state.value,
                "status_label": state.label,
                "result": _result_text(row, state),
                "days_overdue": days_overdue(request.as_of, row.due_on, row.done_on),
            }
        )
    add_signatures(records)
    return records


def agency_position(report: dict[str, Any], agency_id: int) -> dict[str, Any]:
    """An agency's own line of a report and its place in it: its figures, its rank in the thi
    đua table ("3/12") or why it has none, and the province's totals beside them. Nothing of
    another agency but the count of ranked agencies (an agency sees its own report)."""
    groups = queries.agency_groups()
    counted_as = groups.successor.get(agency_id, agency_id)
    rows = report["agencies"] + report["small_agencies"]
    row = next((r for r in rows if r["agency_id"] == counted_as), None)
    rank = next((r["rank"] for r in report["ranking"] if r["agency_id"] == counted_as), None)
    return {
        "agency_id": counted_as,
        "agency": groups.names.get(counted_as, ""),
        "row": row,
        "rank": rank,
        "ranked": len(report["ranking"]),
        "small": bool(row and row["small"]),
        "totals": report["totals"],
        "min_count": report["min_count"],
    }


#: a signature's verdict in the Vietnamese of the exported files (the pages translate theirs,
#: templates/signing/_signature.html)
SIGNATURE_PROBLEMS = {
    "modified": "Tài liệu bị sửa sau khi ký",
    "untrusted": "Chứng thư không thuộc tổ chức tin cậy",
    "expired": "Chứng thư hết hạn",
    "invalid": "Chữ ký số không hợp lệ",
}


def signature_text(verdict: dict[str, Any] | None) -> str:
    """The line "Đã ký số: <signer>, <time> ✓", or the problem, of the XLSX and CSV appendix."""
    if not verdict:
        return ""
    if verdict["status"] == "valid":
        return f"Đã ký số: {verdict['signer']}, {format_datetime(verdict['signed_at'])} ✓"
    problem = SIGNATURE_PROBLEMS.get(verdict["status"], SIGNATURE_PROBLEMS["invalid"])
    return f"{problem} ({verdict['signer']}) ✗" if verdict.get("signer") else f"{problem} ✗"


def add_signatures(records: list[dict[str, Any]]) -> None:
    """Give each item the stored verdict on its completion report's signatures: the PDF
    attached when the task was completed (a period's report for a period), the latest one if
    several. Unsigned PDFs and other files say nothing. The verdicts were stored at upload
    (tracker.files.signing): nothing is verified here, and the signed files are few, so they
    are read in one query without listing the appendix's ids."""
    if not records:
        return
    rows = db.session.execute(
        select(
            Attachment.task_id,
            Attachment.period_id,
            AttachmentSignature.status,
            AttachmentSignature.signer,
            AttachmentSignature.organisation,
            AttachmentSignature.signed_at,
            AttachmentSignature.problem,
        )
        .join(AttachmentSignature, AttachmentSignature.attachment_id == Attachment.id)
        .where(
            AttachmentSignature.status != SignatureState.UNSIGNED.value,
            or_(Attachment.task_id.is_not(None), Attachment.period_id.is_not(None)),
        )
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    by_task: dict[int, dict[str, Any]] = {}
    by_period: dict[int, dict[str, Any]] = {}
    for row in rows:
        verdict = {
            "status": row.status,
            "signer": row.signer,
            "organisation": row.organisation,
            "signed_at": row.signed_at,
            "problem": row.problem,
        }
        if row.task_id is not None:
            by_task[row.task_id] = verdict
        else:
            by_period[row.period_id] = verdict
    for record in records:
        if record["kind"] == "period":
            verdict = by_period.get(record["period_id"])
        elif record["kind"] == "task":
            verdict = by_task.get(record["task_id"])
        else:
            verdict = None
        record["signature"] = verdict
        record["signature_text"] = signature_text(verdict)
