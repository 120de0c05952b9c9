"""A hand-computed province for the reports.

The clock is pinned to 25/10/2025 so that the quarter report "Q3/2025 as of 05/10/2025" lies in
the past. Q3/2025 with the decree's cut-off runs 15/06/2025–14/09/2025.

Expected numbers for Q3/2025 as of 05/10/2025 (see EXPECTED_Q3):

Sở Tài chính (lead; Sở Kế hoạch và Đầu tư merged into it):
  stc_lead   due 15/08, open                    → open overdue, 51 days (> 30)
  t1         due 20/07, done 18/07              → on time
  t2         due 31/07, done 31/07 (due day)    → on time
  t3         due 10/08, done 20/08              → late
  t4         due 01/08, extended 25/07 → 30/08, done 28/08 → on time, extended
  t5         due 05/09, extension decided 10/10 (after as-of) → 30/09; open → overdue, 30 days
  t6         due 14/09, done 20/10 (after as-of) → open overdue, 21 days
  t7         due 10/06 (before the range), done late → not in Q3
  t8         due 14/06, extended 10/06 → 20/06, done 19/06 → in Q3, on time, extended
  t9         due 01/08, cancelled 15/07          → cancelled (left out)
  t10        due 15/09 (after the range)          → not in Q3
  khdt       (merged agency) due 25/08, done 01/09 → late, counted under Sở Tài chính
  stc_ongoing  no due date, no progress since 17/05 → undated without report for 3 months
Sở Nội vụ: a quarterly task (period 2025-Q2 due 20/06 done 25/06 → late) and a monthly one
  (M06 due 20/06 done 19/06 → on time; M07 due 20/07 done 22/07 → late; M08 due 20/08,
  extended 18/08 → 30/08, open → overdue 36 days, extended; M09 due 20/09 → not in Q3);
  a one-off due 01/05 open (not in Q3; 157 days overdue in the year report).
Sở Y tế: syt_only due 10/08 open (overdue 56 days); one due 01/09 done 01/09 (on time);
  an undated task with a report on 01/09 (not stale) and one whose last report is 01/06 (stale).
Sở Khoa học và Công nghệ: due 12/09 done 10/09 (on time).
A directive issued 10/10/2025 (after the as-of date) with a task due 01/09: not counted.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from tests import factories
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.extensions import db
from tracker.tasks.models import ProgressUpdate

NOW = datetime(2025, 10, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
AS_OF = date(2025, 10, 5)

_ZERO = dict.fromkeys(
    [
        "total",
        "done_on_time",
        "done_late",
        "open_on_time",
        "open_overdue",
        "settled",
        "extended",
        "overdue_30",
        "overdue_120",
        "stale_undated",
        "cancelled",
    ],
    0,
)


def _counts(**kw) -> dict[str, int]:
    return {**_ZERO, **kw}


#: Q3/2025 as of 05/10/2025, by agency name
EXPECTED_Q3 = {
    "Sở Tài chính": _counts(
        total=9,
        done_on_time=4,
        done_late=2,
        open_overdue=3,
        settled=9,
        extended=2,
        overdue_30=1,
        stale_undated=1,
        cancelled=1,
    ),
    "Sở Nội vụ": _counts(
        total=4, done_on_time=1, done_late=2, open_overdue=1, settled=4, extended=1, overdue_30=1
    ),
    "Sở Y tế": _counts(
        total=2, done_on_time=1, open_overdue=1, settled=2, overdue_30=1, stale_undated=1
    ),
    "Sở Khoa học và Công nghệ": _counts(total=1, done_on_time=1, settled=1),
}
EXPECTED_Q3_TOTALS = _counts(
    total=16,
    done_on_time=7,
    done_late=4,
    open_overdue=5,
    settled=16,
    extended=3,
    overdue_30=3,
    stale_undated=2,
    cancelled=1,
)


def _utc(day: date, hour: int = 10) -> datetime:
    return datetime(
        day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    ).astimezone(UTC)


def _extend(task, decided_on, new_due, *, period=None, state="approved"):
    ext = ExtensionRequest(
        task=task,
        period=period,
        previous_due_on=period.due_on if period else task.due_on,
        requested_due_on=new_due,
        reason="Cần thêm thời gian",
        state=state,
        decided_on=decided_on if state != "pending" else None,
        decided_at=_utc(decided_on) if state != "pending" else None,
        approved_due_on=new_due if state == "approved" else None,
    )
    db.session.add(ext)
    return ext


def _period(task, key, label, starts, ends, due, done=None):
    period = ReportingPeriod(
        task=task,
        key=key,
        label=label,
        starts_on=starts,
        ends_on=ends,
        due_on=due,
        original_due_on=due,
        done_on=done,
        report_number=f"{key}/BC" if done else None,
    )
    db.session.add(period)
    return period


def build_report_province() -> dict:
    """The province described in the module doc; returns ids by name."""
    world = factories.small_province()
    a = world.agencies
    khdt = factories.make_agency("Sở Kế hoạch và Đầu tư", merged_into_id=a["stc"].id)
    d = factories.make_directive("12/CT-UBND", issued_on=date(2025, 3, 1), kind="Chỉ thị")
    mk = factories.make_task

    def done(task, day, number="123/BC"):
        task.done_on = day
        task.done_at = _utc(day)
        task.done_report_number = number
        return task

    tasks = {
        "t1": done(
            mk(d, a["stc"], content="Nhiệm vụ một", due_on=date(2025, 7, 20)), date(2025, 7, 18)
        ),
        "t2": done(
            mk(d, a["stc"], content="Nhiệm vụ hai", due_on=date(2025, 7, 31)), date(2025, 7, 31)
        ),
        "t3": done(
            mk(d, a["stc"], content="Nhiệm vụ ba", due_on=date(2025, 8, 10)), date(2025, 8, 20)
        ),
        "t4": mk(d, a["stc"], content="Nhiệm vụ bốn gia hạn", due_on=date(2025, 8, 1)),
        "t5": mk(d, a["stc"], content="Nhiệm vụ năm gia hạn muộn", due_on=date(2025, 9, 5)),
        "t6": done(
            mk(d, a["stc"], content="Nhiệm vụ sáu", due_on=date(2025, 9, 14)), date(2025, 10, 20)
        ),
        "t7": done(
            mk(d, a["stc"], content="Nhiệm vụ bảy", due_on=date(2025, 6, 10)), date(2025, 6, 30)
        ),
        "t8": done(
            mk(d, a["stc"], content="Nhiệm vụ tám", due_on=date(2025, 6, 14)), date(2025, 6, 19)
        ),
        "t9": mk(d, a["stc"], content="Nhiệm vụ chín bị hủy", due_on=date(2025, 8, 1)),
        "t10": mk(d, a["stc"], content="Nhiệm vụ mười", due_on=date(2025, 9, 15)),
        "khdt": done(
            mk(d, khdt, content="Nhiệm vụ của Sở Kế hoạch và Đầu tư", due_on=date(2025, 8, 25)),
            date(2025, 9, 1),
        ),
        "snv_q": mk(d, a["snv"], content="Báo cáo quý", cadence="quarterly"),
        "snv_m": mk(d, a["snv"], content="Báo cáo tháng", cadence="monthly"),
        "snv_old": mk(d, a["snv"], content="Nhiệm vụ cũ quá hạn", due_on=date(2025, 5, 1)),
        "syt_done": done(
            mk(d, a["syt"], content="Y tế hoàn thành", due_on=date(2025, 9, 1)), date(2025, 9, 1)
        ),
        "syt_reported": mk(d, a["syt"], content="Y tế thường xuyên có báo cáo"),
        "syt_stale": mk(d, a["syt"], content="Y tế thường xuyên lâu không báo cáo"),
        "skhcn": done(
            mk(d, a["skhcn"], content="Chuyển đổi số", due_on=date(2025, 9, 12)), date(2025, 9, 10)
        ),
    }
    # creating a recurring task opens its periods; this province sets its own by hand
    db.session.flush()
    db.session.execute(
        delete(ReportingPeriod).where(
            ReportingPeriod.task_id.in_([tasks["snv_q"].id, tasks["snv_m"].id])
        )
    )
    t4, t5, t8 = tasks["t4"], tasks["t5"], tasks["t8"]
    _extend(t4, date(2025, 7, 25), date(2025, 8, 30))
    t4.due_on = date(2025, 8, 30)
    done(t4, date(2025, 8, 28))
    _extend(t5, date(2025, 10, 10), date(2025, 9, 30))
    t5.due_on = date(2025, 9, 30)
    _extend(t8, date(2025, 6, 10), date(2025, 6, 20))
    t8.due_on = date(2025, 6, 20)
    # a refused and a pending request change nothing
    _extend(tasks["t3"], date(2025, 8, 5), date(2025, 9, 30), state="refused")
    _extend(tasks["t10"], date(2025, 8, 5), date(2025, 9, 30), state="pending")
    tasks["t9"].cancelled_on = date(2025, 7, 15)
    tasks["t9"].cancel_reason = "Không còn phù hợp"

    _period(
        tasks["snv_q"],
        "2025-Q2",
        "Quý II/2025",
        date(2025, 3, 15),
        date(2025, 6, 14),
        date(2025, 6, 20),
        date(2025, 6, 25),
    )
    _period(
        tasks["snv_q"],
        "2025-Q3",
        "Quý III/2025",
        date(2025, 6, 15),
        date(2025, 9, 14),
        date(2025, 9, 20),
    )
    _period(
        tasks["snv_m"],
        "2025-M06",
        "Tháng 6/2025",
        date(2025, 5, 15),
        date(2025, 6, 14),
        date(2025, 6, 20),
        date(2025, 6, 19),
    )
    _period(
        tasks["snv_m"],
        "2025-M07",
        "Tháng 7/2025",
        date(2025, 6, 15),
        date(2025, 7, 14),
        date(2025, 7, 20),
        date(2025, 7, 22),
    )
    m08 = _period(
        tasks["snv_m"],
        "2025-M08",
        "Tháng 8/2025",
        date(2025, 7, 15),
        date(2025, 8, 14),
        date(2025, 8, 20),
    )
    _period(
        tasks["snv_m"],
        "2025-M09",
        "Tháng 9/2025",
        date(2025, 8, 15),
        date(2025, 9, 14),
        date(2025, 9, 20),
    )
    db.session.flush()
    _extend(tasks["snv_m"], date(2025, 8, 18), date(2025, 8, 30), period=m08)
    m08.due_on = date(2025, 8, 30)

    db.session.add(
        ProgressUpdate(
            task=tasks["syt_reported"], body="Đang triển khai", created_at=_utc(date(2025, 9, 1))
        )
    )
    db.session.add(
        ProgressUpdate(
            task=tasks["syt_stale"], body="Đã triển khai", created_at=_utc(date(2025, 6, 1))
        )
    )

    late = factories.make_directive("99/TB-VPUBND", issued_on=date(2025, 10, 10))
    tasks["future"] = mk(
        late,
        a["skhcn"],
        content="Giao sau ngày tính đến",
        due_on=date(2025, 9, 1),
        confirm_early_due=True,
    )
    db.session.flush()
    ids = world.ids()
    return {
        "agencies": {**ids.agencies, "khdt": khdt.id},
        "users": ids.users,
        "tasks": {**ids.tasks, **{k: v.id for k, v in tasks.items()}},
    }


@pytest.fixture
def province(app):
    """The hand-computed province, with the clock pinned to 25/10/2025."""
    app.config["TRACKER_NOW"] = NOW
    with app.app_context():
        ids = build_report_province()
        db.session.commit()
    return ids
