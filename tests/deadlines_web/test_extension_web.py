"""Extensions (gia hạn) through real requests, with each role."""

from datetime import date

import pytest

from tests.conftest import login_as
from tests.deadlines_web.conftest import form_value
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.extensions import db
from tracker.tasks.models import Task


def _new(client, task_id, **form):
    return client.post(f"/tasks/{task_id}/extensions/new", data=form)


def _requests(app, task_id):
    with app.app_context():
        return [
            (r.state, r.previous_due_on, r.requested_due_on, r.approved_due_on, r.period_id)
            for r in db.session.execute(
                db.select(ExtensionRequest)
                .where(ExtensionRequest.task_id == task_id)
                .order_by(ExtensionRequest.id)
            ).scalars()
        ]


def _request_id(app, task_id):
    with app.app_context():
        return db.session.execute(
            db.select(ExtensionRequest.id).where(ExtensionRequest.task_id == task_id)
        ).scalar_one()


def test_lead_officer_requests_and_office_approves_with_another_date(app, client, data):
    task_id = data.tasks["stc_lead"]  # due 15/08/2025, overdue today (18/08)
    login_as(client, data.users["officer"])
    page = client.get(f"/tasks/{task_id}")
    assert f"/tasks/{task_id}/extensions/new" in page.get_data(as_text=True)
    assert client.get(f"/tasks/{task_id}/extensions/new").status_code == 200
    response = _new(client, task_id, requested_due_on="30/09/2025", reason="Chờ số liệu quyết toán")
    assert response.status_code == 302
    assert _requests(app, task_id) == [
        ("pending", date(2025, 8, 15), date(2025, 9, 30), None, None)
    ]
    # while pending, the officer's task page shows the request and no second button
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Chờ xử lý" in html and "Chờ số liệu quyết toán" in html
    client.post("/logout")

    login_as(client, data.users["staff"])
    queue = client.get("/extensions").get_data(as_text=True)
    assert 'data-count="pending">1<' in queue
    assert "Chờ số liệu quyết toán" in queue
    request_id = _request_id(app, task_id)
    response = client.post(
        f"/extensions/{request_id}",
        data={"action": "approve", "approved_due_on": "20/09/2025", "note": "Gia hạn một lần"},
    )
    assert response.status_code == 302
    assert _requests(app, task_id) == [
        ("approved", date(2025, 8, 15), date(2025, 9, 30), date(2025, 9, 20), None)
    ]
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert (task.original_due_on, task.due_on) == (date(2025, 8, 15), date(2025, 9, 20))
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'data-status="open_on_time"' in html  # the status uses the approved date
    assert "15/08/2025" in html and "20/09/2025" in html and "Đã chấp thuận" in html
    assert 'data-count="approved">1<' in client.get("/extensions").get_data(as_text=True)


def test_office_refuses_with_a_reason_the_agency_then_sees(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    _new(client, task_id, requested_due_on="30/09/2025", reason="Thiếu người")
    client.post("/logout")
    login_as(client, data.users["admin"])
    request_id = _request_id(app, task_id)
    no_reason = client.post(f"/extensions/{request_id}", data={"action": "refuse", "note": ""})
    assert no_reason.status_code == 422
    assert "Vui lòng nêu lý do từ chối." in no_reason.get_data(as_text=True)
    assert _requests(app, task_id)[0][0] == "pending"
    response = client.post(
        f"/extensions/{request_id}",
        data={"action": "refuse", "note": "Nhiệm vụ đã quá hạn, đề nghị hoàn thành ngay."},
    )
    assert response.status_code == 302
    assert _requests(app, task_id)[0][0] == "refused"
    again = client.post(
        f"/extensions/{request_id}", data={"action": "approve"}, follow_redirects=True
    )
    assert "đã được xử lý" in again.get_data(as_text=True)
    client.post("/logout")
    login_as(client, data.users["officer"])
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Đã từ chối" in html and "đề nghị hoàn thành ngay" in html
    with app.app_context():
        assert db.session.get(Task, task_id).due_on == date(2025, 8, 15)


def test_approving_a_date_not_later_than_the_current_one_is_refused(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    _new(client, task_id, requested_due_on="30/09/2025", reason="Lý do")
    client.post("/logout")
    login_as(client, data.users["staff"])
    request_id = _request_id(app, task_id)
    response = client.post(
        f"/extensions/{request_id}", data={"action": "approve", "approved_due_on": "10/08/2025"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "phải sau thời hạn hiện tại (15/08/2025)" in html
    assert form_value(html, "approved_due_on") == "10/08/2025"
    bad = client.post(
        f"/extensions/{request_id}", data={"action": "approve", "approved_due_on": "31/02/2025"}
    )
    assert bad.status_code == 422
    assert "không hợp lệ" in bad.get_data(as_text=True)
    assert _requests(app, task_id)[0][0] == "pending"


def test_other_agency_gets_404_and_leader_403(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["other"])
    assert client.get(f"/tasks/{task_id}/extensions/new").status_code == 404
    assert _new(client, task_id, requested_due_on="30/09/2025", reason="x").status_code == 404
    assert client.get("/extensions").status_code == 403
    client.post("/logout")
    login_as(client, data.users["leader"])
    assert client.get(f"/tasks/{task_id}/extensions/new").status_code == 403
    assert _new(client, task_id, requested_due_on="30/09/2025", reason="x").status_code == 403
    assert client.get("/extensions").status_code == 403
    client.post("/logout")
    # a co-agency sees the task but is not answerable for its deadline
    login_as(client, data.users["officer"])
    co_task = data.tasks["stc_co"]
    assert client.get(f"/tasks/{co_task}/extensions/new").status_code == 403
    assert client.get("/extensions").status_code == 403
    client.post("/logout")
    # the office decides, it does not ask
    login_as(client, data.users["staff"])
    assert client.get(f"/tasks/{task_id}/extensions/new").status_code == 403
    assert _requests(app, task_id) == []


def test_leader_and_agency_cannot_decide(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    _new(client, task_id, requested_due_on="30/09/2025", reason="Lý do")
    request_id = _request_id(app, task_id)
    assert client.post(f"/extensions/{request_id}", data={"action": "approve"}).status_code == 403
    client.post("/logout")
    login_as(client, data.users["leader"])
    assert client.post(f"/extensions/{request_id}", data={"action": "approve"}).status_code == 403
    assert _requests(app, task_id)[0][0] == "pending"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01/08/2025", "phải sau thời hạn hiện tại (15/08/2025)"),
        ("15/08/2025", "phải sau thời hạn hiện tại (15/08/2025)"),
        ("31/02/2025", "Ngày “31/02/2025” không hợp lệ"),
        ("", "Vui lòng nhập ngày đề nghị gia hạn đến."),
    ],
)
def test_bad_dates_keep_what_was_typed(app, client, data, typed, message):
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    response = _new(client, task_id, requested_due_on=typed, reason="Lý do chính đáng")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert form_value(html, "requested_due_on") == typed
    assert "Lý do chính đáng" in html
    assert _requests(app, task_id) == []


def test_done_cancelled_no_deadline_and_second_pending_are_refused(app, client, data):
    login_as(client, data.users["officer"])
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        task.done_on = date(2025, 8, 14)
        db.session.commit()
    done = _new(client, data.tasks["stc_lead"], requested_due_on="30/09/2025", reason="x")
    assert "Nhiệm vụ đã hoàn thành, không thể đề nghị gia hạn." in done.get_data(as_text=True)
    ongoing = _new(client, data.tasks["stc_ongoing"], requested_due_on="30/09/2025", reason="x")
    assert "không có thời hạn" in ongoing.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        task.done_on = None
        task.cancelled_on = date(2025, 8, 16)
        db.session.commit()
    cancelled = _new(client, data.tasks["stc_lead"], requested_due_on="30/09/2025", reason="x")
    assert "đã dừng/hủy" in cancelled.get_data(as_text=True)
    with app.app_context():
        db.session.get(Task, data.tasks["stc_lead"]).cancelled_on = None
        db.session.commit()
    first = _new(client, data.tasks["stc_lead"], requested_due_on="30/09/2025", reason="x")
    assert first.status_code == 302
    second = _new(client, data.tasks["stc_lead"], requested_due_on="15/10/2025", reason="y")
    assert second.status_code == 422
    assert "đang chờ Văn phòng UBND tỉnh xử lý" in second.get_data(as_text=True)
    assert len(_requests(app, data.tasks["stc_lead"])) == 1


def test_working_days_are_counted_on_the_office_calendar(app, client, data):
    login_as(client, data.users["staff"])
    client.post("/calendar", data={"day": "19/08/2025", "kind": "off", "note": "Nghỉ thêm"})
    client.post("/logout")
    login_as(client, data.users["officer"])
    # due Friday 15/08, overdue today (Mon 18/08): + 3 working days from today:
    # (19 off), Wed 20, Thu 21, Fri 22
    response = _new(client, data.tasks["stc_lead"], working_days="3", reason="Lý do")
    assert response.status_code == 302
    assert _requests(app, data.tasks["stc_lead"])[0][2] == date(2025, 8, 22)


def test_extension_of_one_period(app, client, data, monthly):
    with app.app_context():
        period_id = db.session.execute(
            db.select(ReportingPeriod.id).filter_by(task_id=monthly, key="2025-M08")
        ).scalar_one()
    login_as(client, data.users["officer"])
    assert "period=" in client.get(f"/tasks/{monthly}").get_data(as_text=True)
    response = client.post(
        f"/tasks/{monthly}/extensions/new?period={period_id}",
        data={"requested_due_on": "25/08/2025", "reason": "Chờ số liệu Kho bạc"},
    )
    assert response.status_code == 302
    # another task's period in the URL: 404
    assert (
        client.get(f"/tasks/{data.tasks['stc_lead']}/extensions/new?period={period_id}").status_code
        == 404
    )
    client.post("/logout")
    login_as(client, data.users["staff"])
    request_id = _request_id(app, monthly)
    client.post(f"/extensions/{request_id}", data={"action": "approve", "approved_due_on": ""})
    with app.app_context():
        period = db.session.get(ReportingPeriod, period_id)
        assert (period.original_due_on, period.due_on) == (date(2025, 8, 20), date(2025, 8, 25))
        assert db.session.get(Task, monthly).due_on is None  # the task itself is untouched
    html = client.get(f"/tasks/{monthly}").get_data(as_text=True)
    assert "25/08/2025" in html and "ban đầu" in html
