"""Acceptance of a completion (issue 16), through the services: report, accept, return, excuse.

Today is 18/08/2025 (tests/conftest.py); task ``stc_lead`` of Sở Tài chính is due 15/08.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests import factories
from tracker.acceptance import services as acceptance
from tracker.acceptance.models import ClaimState, CompletionClaim
from tracker.audit.models import AuditLog
from tracker.auth.models import User
from tracker.deadlines import obligations as ob
from tracker.deadlines.status import Status, status_as_of_sql
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.reminders.models import OutboxEmail
from tracker.reports.service import build_report, parse_request
from tracker.tasks.models import Task
from tracker.timeutil import today

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _report(task: Task, user: User, done_on: date | None = None):
    return acceptance.report_done(
        task,
        done_on=done_on,
        report_number="45/BC-STC",
        report_date=None,
        note="Đã gửi kèm hồ sơ",
        user=user,
    )


def _sql_status(task_id: int, day: date) -> str:
    arm = ob.arms(day)[0]
    return db.session.execute(
        ob.rows_sql(arm, status_as_of_sql(day, **arm.status_kwargs()).label("s")).where(
            Task.id == task_id
        )
    ).one()[-1]


def _set_day(app, day: date) -> None:
    app.config["TRACKER_NOW"] = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZONE)


def test_an_agency_report_waits_for_the_office(app_ctx, data):
    task = db.session.get(Task, data.tasks["stc_lead"])
    claim = _report(task, _user("stc@tinh.gov.vn"), done_on=date(2025, 8, 14))
    db.session.commit()
    assert claim.state == ClaimState.PENDING.value
    assert task.done_on is None and task.submitted_on == today()
    line = ob.task_lines([task], today())[task.id]
    assert line.status is Status.AWAITING_ACCEPTANCE
    assert _sql_status(task.id, today()) == Status.AWAITING_ACCEPTANCE.value
    assert acceptance.pending_count() == 1
    # the office is told
    assert db.session.execute(
        select(Notification).where(Notification.kind == "completion_submitted")
    ).scalar_one()
    # a second report while the first waits is refused
    with pytest.raises(acceptance.AcceptanceError, match="chờ Văn phòng"):
        _report(task, _user("stc@tinh.gov.vn"))


def test_the_office_own_report_and_the_setting_off_are_done_at_once(app_ctx, data):
    task = db.session.get(Task, data.tasks["stc_lead"])
    assert _report(task, _user("staff@tinh.gov.vn")) is None
    assert task.done_on == today() and task.submitted_on is None
    other = db.session.get(Task, data.tasks["stc_ongoing"])
    acceptance.set_acceptance_required(False)
    assert acceptance.acceptance_required() is False
    assert _report(other, _user("stc@tinh.gov.vn")) is None
    assert other.done_on == today()


def test_accepted_on_the_agency_date_counted_from_the_acceptance(app, data):
    """Done on the agency's date (on time: 14/08 ≤ 15/08), but a report for a day before the
    acceptance still says "chờ xác nhận": every report follows the accepted date."""
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        claim = _report(task, _user("stc@tinh.gov.vn"), done_on=date(2025, 8, 14))
        db.session.commit()
        claim_id, task_id = claim.id, task.id
    _set_day(app, date(2025, 8, 20))
    with app.app_context():
        claim = db.session.get(CompletionClaim, claim_id)
        acceptance.accept(claim, user_id=None)
        db.session.commit()
        task = db.session.get(Task, task_id)
        assert (task.done_on, task.submitted_on, task.accepted_on) == (
            date(2025, 8, 14),
            date(2025, 8, 18),
            date(2025, 8, 20),
        )
        expected = {
            date(2025, 8, 17): Status.OPEN_OVERDUE,  # not yet reported
            date(2025, 8, 18): Status.AWAITING_ACCEPTANCE,
            date(2025, 8, 19): Status.AWAITING_ACCEPTANCE,
            date(2025, 8, 20): Status.DONE_ON_TIME,
        }
        history = {}
        for day, state in expected.items():
            (o,) = ob.task_obligations(task, day, history)
            assert o.status is state, day
            assert _sql_status(task_id, day) == state.value, day
        with pytest.raises(acceptance.AcceptanceError, match="đã được xử lý"):
            acceptance.accept(claim, user_id=None)


def test_a_return_reopens_and_tells_the_agency(app_ctx, data):
    task = db.session.get(Task, data.tasks["stc_lead"])
    claim = _report(task, _user("stc@tinh.gov.vn"))
    with pytest.raises(acceptance.AcceptanceError, match="lý do"):
        acceptance.return_claim(claim, reason="  ", user_id=None)
    acceptance.return_claim(claim, reason="Thiếu biên bản nghiệm thu", user_id=None)
    db.session.commit()
    assert claim.state == ClaimState.RETURNED.value and task.submitted_on is None
    assert ob.task_lines([task], today())[task.id].status is Status.OPEN_OVERDUE
    notice = db.session.execute(
        select(Notification).where(Notification.kind == "completion_returned")
    ).scalar_one()
    assert notice.agency_id == task.lead_agency_id
    assert notice.data["reason"] == "Thiếu biên bản nghiệm thu"
    email = db.session.execute(
        select(OutboxEmail).where(OutboxEmail.dedup_key == f"returned:{claim.id}")
    ).scalar_one()
    assert "sotaichinh@tinh.gov.vn" in email.recipients
    assert "Thiếu biên bản nghiệm thu" in email.body_text
    # the agency may report again
    assert _report(task, _user("stc@tinh.gov.vn")).state == ClaimState.PENDING.value


def test_every_step_leaves_audit_rows(app_ctx, data):
    task = db.session.get(Task, data.tasks["stc_lead"])
    claim = _report(task, _user("stc@tinh.gov.vn"))
    acceptance.accept(claim, user_id=None)
    db.session.commit()
    rows = db.session.execute(
        select(AuditLog.entity, AuditLog.action).where(AuditLog.task_id == task.id)
    ).all()
    assert ("completion_claim", "create") in rows
    assert ("completion_claim", "update") in rows
    assert ("task", "update") in rows


def test_a_period_report_waits_and_is_accepted(app_ctx, data):
    stc = db.session.get(Task, data.tasks["stc_lead"]).lead_agency
    task = factories.make_task(
        db.session.get(Task, data.tasks["stc_lead"]).directive,
        stc,
        content="Báo cáo tình hình giải ngân hằng tháng",
        cadence="monthly",
        starts_on=date(2025, 5, 1),
    )
    db.session.commit()
    period = sorted(task.periods, key=lambda p: p.due_on)[0]
    claim = acceptance.report_done(
        task,
        period,
        done_on=None,
        report_number="3/BC",
        report_date=None,
        note=None,
        user=_user("stc@tinh.gov.vn"),
    )
    assert period.submitted_on == today() and period.done_on is None
    obligations = {o.period_id: o for o in ob.task_obligations(task, today(), {})}
    assert obligations[period.id].status is Status.AWAITING_ACCEPTANCE
    acceptance.accept(claim, user_id=None)
    assert period.done_on == today() and period.accepted_on == today()


def test_objective_cause_leaves_the_rates_and_the_report_says_why(app_ctx, data):
    task = db.session.get(Task, data.tasks["stc_lead"])
    ongoing = db.session.get(Task, data.tasks["stc_ongoing"])
    with pytest.raises(acceptance.AcceptanceError, match="quá hạn"):
        acceptance.excuse(ongoing, reason="Bão lũ", state=Status.NO_DEADLINE)
    before = build_report(parse_request(2025, "Q3", today()))
    stc_before = next(r for r in before["agencies"] + before["small_agencies"] if r["open_overdue"])
    acceptance.excuse(task, reason="Bão số 3 gây ngập lụt", state=Status.OPEN_OVERDUE)
    db.session.commit()
    after = build_report(parse_request(2025, "Q3", today()))
    rows = {r["agency"]: r for r in after["agencies"] + after["small_agencies"]}
    stc_after = rows.get(stc_before["agency"])
    assert stc_after is None or stc_after["open_overdue"] == stc_before["open_overdue"] - 1
    assert after["totals"]["total"] == before["totals"]["total"] - 1
    assert after["excused"] == [
        {
            "task_id": task.id,
            "period": None,
            "agency": "Sở Tài chính",
            "reason": "Bão số 3 gây ngập lụt",
        }
    ]
    assert any("nguyên nhân khách quan" in n and "1" in n for n in after["notes"])
    # it stays in lists, with its state
    assert ob.task_lines([task], today())[task.id].status is Status.OPEN_OVERDUE
    acceptance.unexcuse(task)
    assert task.excused_on is None


def test_the_api_completion_follows_the_same_service(app, data, client):
    from tracker.api.services import create_token

    with app.app_context():
        token = create_token(_user("stc@tinh.gov.vn"), name="Kho")[1]
        db.session.commit()
    response = client.post(
        f"/api/v1/tasks/{data.tasks['stc_lead']}/completion",
        json={"report_number": "9/BC-STC", "done_on": "2025-08-14"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == Status.AWAITING_ACCEPTANCE.value
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        assert task.done_on is None and acceptance.pending_claim(task) is not None
    again = client.post(
        f"/api/v1/tasks/{data.tasks['stc_lead']}/completion",
        json={"report_number": "9/BC-STC"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert again.status_code == 422


def test_reopening_an_accepted_task_leaves_nothing_awaiting(app_ctx, data):
    from tracker.tasks import services as tasks

    task = db.session.get(Task, data.tasks["stc_lead"])
    acceptance.accept(_report(task, _user("stc@tinh.gov.vn")), user_id=None)
    tasks.reopen_task(task, reason="Nhầm", user_id=None)
    assert (task.submitted_on, task.accepted_on) == (None, None)
    assert ob.task_lines([task], today())[task.id].status is Status.OPEN_OVERDUE


def test_a_task_with_reports_can_be_deleted(app_ctx, data):
    from tracker.tasks import services as tasks

    task = db.session.get(Task, data.tasks["stc_lead"])
    acceptance.return_claim(_report(task, _user("stc@tinh.gov.vn")), reason="Sai", user_id=None)
    _report(task, _user("stc@tinh.gov.vn"))
    db.session.commit()
    tasks.delete_task(task)
    db.session.commit()
    assert db.session.execute(select(CompletionClaim)).first() is None
