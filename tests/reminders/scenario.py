"""A small province for the reminder simulations, and a day-by-day driver."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from sqlalchemy import select

from tests.factories import make_agency, make_directive, make_task
from tests.reminders.conftest import SmtpServer, at
from tracker.deadlines.models import ReportingPeriod
from tracker.deadlines.services import open_task_periods
from tracker.extensions import db
from tracker.reminders.outbox import send_pending
from tracker.reminders.services import run_sweep


def days(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def simulate(
    app,
    smtp: SmtpServer,
    first: date,
    last: date,
    *,
    before: Callable[[date], None] | None = None,
    after: Callable[[date], None] | None = None,
    skip: Callable[[date], bool] | None = None,
    sends_per_day: int = 1,
) -> list:
    """Run the daily sweep and the sender for each day, as the scheduler would; return what
    arrived, each message tagged with its day. `skip(day)` simulates the scheduler being down."""
    arrived = []
    for day in days(first, last):
        if skip and skip(day):
            continue
        app.config["TRACKER_NOW"] = at(day)
        with app.app_context():
            if before:
                before(day)
            run_sweep(day)
            for i in range(sends_per_day):
                app.config["TRACKER_NOW"] = at(day, 7, 31 + i * 5)
                send_pending()
            if after:
                after(day)
        arrived.extend(smtp.drain(day))
    return arrived


def by_agency(arrived, marker: str) -> list[date]:
    """The days on which a digest whose subject names `marker` arrived."""
    return [m.day for m in arrived if marker in m.subject and "Tổng hợp" not in m.subject]


def per_day(arrived) -> dict[date, list]:
    grouped = defaultdict(list)
    for m in arrived:
        grouped[m.day].append(m)
    return grouped


def quarter_province(app) -> dict:
    """Agencies and tasks for the July–September 2025 simulation (ids returned)."""
    app.config["TRACKER_NOW"] = at(date(2025, 6, 10))
    with app.app_context():
        stc = make_agency(
            "Sở Tài chính",
            emails=["sotaichinh@tinh.gov.vn", "vanthu.stc@tinh.gov.vn"],
            head_email="giamdoc.stc@tinh.gov.vn",
        )
        syt = make_agency(
            "Sở Y tế", emails=["soyte@tinh.gov.vn"], head_email="giamdoc.syt@tinh.gov.vn"
        )
        snv = make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"])
        sgtvt = make_agency("Sở Giao thông vận tải", emails=["sogtvt@tinh.gov.vn"], active=False)
        d = make_directive("5016/TB-VPUBND")
        undated = make_task(d, stc, content="Quản lý ngân sách thường xuyên")  # created 10/6
        app.config["TRACKER_NOW"] = at(date(2025, 7, 1))
        tasks = {
            "undated": undated,
            "stc_aug15": make_task(
                d, stc, content="Tổng hợp kiến nghị thanh tra tài chính", due_on=date(2025, 8, 15)
            ),
            "syt_sep2": make_task(d, syt, content="Cải thiện chỉ số PAPI", due_on=date(2025, 9, 2)),
            "snv_jul31_done": make_task(
                d, snv, content="Rà soát phân cấp quản lý", due_on=date(2025, 7, 31)
            ),
            "snv_extended": make_task(
                d, snv, content="Kiểm tra công tác cán bộ", due_on=date(2025, 8, 14)
            ),
            "syt_paused": make_task(
                d, syt, content="Nhiệm vụ tạm dừng nhắc", due_on=date(2025, 8, 20)
            ),
            "syt_cancelled": make_task(d, syt, content="Nhiệm vụ đã hủy", due_on=date(2025, 8, 20)),
            "inactive": make_task(
                d, sgtvt, content="Nhiệm vụ của sở đã sáp nhập", due_on=date(2025, 8, 20)
            ),
            "syt_quarterly": make_task(
                d,
                syt,
                content="Báo cáo quý kết quả cải cách hành chính",
                cadence="quarterly",
                # from 21/6: its first period is Q3 (due 20/9); creating the task opens it
                starts_on=date(2025, 6, 21),
                ends_on=date(2026, 12, 31),
            ),
        }
        tasks["stc_aug15"].co_agencies.append(syt)  # a co-agency gets no reminder
        tasks["syt_paused"].reminders_paused = True
        tasks["syt_cancelled"].cancelled_on = date(2025, 7, 1)
        tasks["syt_cancelled"].cancel_reason = "Không còn phù hợp"
        db.session.flush()
        open_task_periods(tasks["syt_quarterly"], date(2025, 9, 30))
        period = db.session.execute(
            select(ReportingPeriod).where(
                ReportingPeriod.task_id == tasks["syt_quarterly"].id,
                ReportingPeriod.key == "2025-Q3",
            )
        ).scalar_one()
        assert period.due_on == date(2025, 9, 20)
        db.session.commit()
        return {
            "agencies": {"stc": stc.id, "syt": syt.id, "snv": snv.id, "sgtvt": sgtvt.id},
            "tasks": {k: t.id for k, t in tasks.items()},
            "period": period.id,
        }
