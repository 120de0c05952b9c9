"""A simulated quarter: the sweep and the sender run every day from 1/7 to 30/9/2025 against a real
SMTP server, and each agency gets exactly the emails the policy promises, on the right days."""

from datetime import date

from sqlalchemy import func, select

from tests.reminders.scenario import by_agency, days, quarter_province, simulate
from tracker.deadlines.calendar import default_calendar
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail, ReminderRecord
from tracker.tasks.models import Task

D = date


def test_quarter_day_by_day(mail_app, smtp):
    ids = quarter_province(mail_app)
    t = ids["tasks"]

    def after(day: date) -> None:
        if day == D(2025, 7, 30):  # Sở Nội vụ reports the task done after the morning reminder
            db.session.get(Task, t["snv_jul31_done"]).done_on = day
        if day == D(2025, 8, 11):  # an extension is approved: the due date moves to 12/9
            db.session.get(Task, t["snv_extended"]).due_on = D(2025, 9, 12)
        if day == D(2025, 9, 2):  # done on the holiday, its due date
            db.session.get(Task, t["syt_sep2"]).done_on = day
        if day == D(2025, 9, 19):
            db.session.get(ReportingPeriod, ids["period"]).done_on = day
        db.session.commit()

    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 9, 30), after=after)

    assert by_agency(arrived, "Sở Tài chính") == [
        D(2025, 8, 8),  # 7 days before 15/8
        D(2025, 8, 14),  # 1 day before
        D(2025, 8, 15),  # due today
        D(2025, 8, 18),  # overdue 1 day fell on Saturday 16/8 → Monday
        D(2025, 8, 25),  # overdue 8 days (Saturday 23/8 → Monday)
        D(2025, 9, 3),  # overdue 15 days + escalation (30/8 Sat; 1/9 and 2/9 are Quốc khánh)
        D(2025, 9, 8),  # overdue 22 days
        D(2025, 9, 10),  # undated task created 10/6: no update for 3 months
        D(2025, 9, 15),  # overdue 29 days + escalation "more than 30 days"
        D(2025, 9, 22),
        D(2025, 9, 29),
    ]
    assert by_agency(arrived, "Sở Y tế") == [
        D(2025, 8, 26),  # 7 days before 2/9
        D(2025, 8, 29),  # 1/9 and 2/9 are holidays: "tomorrow" and "today" go out on Friday
        D(2025, 9, 12),  # the Q3 period due Saturday 20/9: 7 days before (13/9 Sat) → Friday
        D(2025, 9, 19),  # due Saturday → Friday; then reported done
    ]  # not the co-agency copy of 15/8, not the paused or the cancelled task
    assert by_agency(arrived, "Sở Nội vụ") == [
        D(2025, 7, 24),
        D(2025, 7, 30),  # done that day: no "due today" on 31/7
        D(2025, 8, 7),  # 7 days before the original 14/8; extended on 11/8 → no 13/8, 14/8
        D(2025, 9, 5),  # 7 days before the new 12/9
        D(2025, 9, 11),
        D(2025, 9, 12),
        D(2025, 9, 15),  # overdue 1 day (13/9 Saturday)
        D(2025, 9, 22),
        D(2025, 9, 29),  # overdue 15 days → escalated (no head address: the office only)
    ]
    assert by_agency(arrived, "Giao thông") == []  # inactive agency

    # nothing on weekends or on the 2/9 holiday; the office summary every working day
    cal = default_calendar()
    working = [d for d in days(D(2025, 7, 1), D(2025, 9, 30)) if cal.is_working_day(d)]
    assert D(2025, 9, 1) not in working and D(2025, 9, 2) not in working
    assert {m.day for m in arrived} <= set(working)
    summaries = [m.day for m in arrived if "Tổng hợp tình hình" in m.subject]
    assert summaries == working

    # exactly once: every outbox key arrived once and the outbox says so
    keys = [m.key for m in arrived]
    assert len(keys) == len(set(keys))
    with mail_app.app_context():
        assert db.session.execute(select(func.count(OutboxEmail.id))).scalar() == len(keys)
        statuses = set(db.session.execute(select(OutboxEmail.status)).scalars())
        assert statuses == {"sent"}
        paused = db.session.execute(
            select(func.count(ReminderRecord.id)).where(
                ReminderRecord.task_id.in_([t["syt_paused"], t["syt_cancelled"], t["inactive"]])
            )
        ).scalar()
        assert paused == 0

    # escalation: copies to the head and the office, only on the escalation days
    stc = {m.day: m for m in arrived if "Sở Tài chính" in m.subject}
    assert set(stc[D(2025, 9, 3)].rcpt_tos) == {
        "sotaichinh@tinh.gov.vn",
        "vanthu.stc@tinh.gov.vn",
        "giamdoc.stc@tinh.gov.vn",
        "vanphong@tinh.gov.vn",
    }
    assert set(stc[D(2025, 9, 8)].rcpt_tos) == {"sotaichinh@tinh.gov.vn", "vanthu.stc@tinh.gov.vn"}
    assert "giamdoc.stc@tinh.gov.vn" in stc[D(2025, 9, 15)].rcpt_tos
    assert "quá hạn 19 ngày" in stc[D(2025, 9, 3)].text
    assert "QUÁ HẠN LÂU" in stc[D(2025, 9, 3)].text
    assert "ĐỀ NGHỊ CẬP NHẬT TIẾN ĐỘ" in stc[D(2025, 9, 10)].text
    snv_last = [m for m in arrived if "Sở Nội vụ" in m.subject][-1]
    assert set(snv_last.rcpt_tos) == {"sonoivu@tinh.gov.vn", "vanphong@tinh.gov.vn"}
