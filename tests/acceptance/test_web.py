"""Acceptance through real requests, per role: the agency reports, the office accepts or returns
it from "Chờ xác nhận" or the task page, and marks an objective cause."""

from sqlalchemy import select

from tests.conftest import login_as
from tracker.acceptance.models import ClaimState, CompletionClaim
from tracker.extensions import db
from tracker.tasks.models import Task


def _report(client, task_id: int, number: str = "45/BC-STC"):
    return client.post(
        f"/tasks/{task_id}/complete",
        data={"report_number": number, "done_on": "14/08/2025"},
        follow_redirects=True,
    )


def _claim(app, task_id: int) -> CompletionClaim:
    with app.app_context():
        return db.session.execute(
            select(CompletionClaim).where(CompletionClaim.task_id == task_id)
        ).scalar_one()


def test_the_agency_reports_and_the_office_accepts(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, "stc@tinh.gov.vn")
    page = _report(client, task_id).get_data(as_text=True)
    assert "chờ Văn phòng UBND tỉnh xác nhận" in page
    assert "Chờ xác nhận" in page  # the state badge and the panel
    assert "Báo cáo hoàn thành</a>" not in page  # no second report
    # the agency may not decide, nor see the office's list
    claim = _claim(app, task_id)
    assert client.get("/acceptance/").status_code == 403
    assert client.post(f"/acceptance/{claim.id}/accept").status_code == 403
    client.post("/logout")

    login_as(client, "staff@tinh.gov.vn")
    listing = client.get("/acceptance/").get_data(as_text=True)
    assert f'data-claim-id="{claim.id}"' in listing
    assert 'data-awaiting="1"' in listing  # the count in the navigation
    assert "45/BC-STC" in listing
    done = client.post(f"/acceptance/{claim.id}/accept", follow_redirects=True)
    assert "Đã xác nhận hoàn thành" in done.get_data(as_text=True)
    with app.app_context():
        task = db.session.get(Task, task_id)
        assert task.done_on.isoformat() == "2025-08-14"
        assert task.accepted_on.isoformat() == "2025-08-18"
    timeline = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "báo cáo hoàn thành ngày 14/08/2025" in timeline
    assert "xác nhận hoàn thành." in timeline


def test_the_office_returns_with_a_reason_and_the_agency_is_told(app, client, data):
    task_id = data.tasks["stc_lead"]
    login_as(client, "stc@tinh.gov.vn")
    _report(client, task_id)
    client.post("/logout")
    claim = _claim(app, task_id)

    login_as(client, "admin@tinh.gov.vn")
    refused = client.post(
        f"/acceptance/{claim.id}/return?next=task", data={"reason": ""}, follow_redirects=True
    )
    assert "Vui lòng nêu lý do trả lại" in refused.get_data(as_text=True)
    assert _claim(app, task_id).state == ClaimState.PENDING.value
    client.post(
        f"/acceptance/{claim.id}/return?next=task",
        data={"reason": "Thiếu biên bản nghiệm thu"},
    )
    assert _claim(app, task_id).state == ClaimState.RETURNED.value
    client.post("/logout")

    login_as(client, "stc@tinh.gov.vn")
    notices = client.get("/notifications/").get_data(as_text=True)
    assert "Thiếu biên bản nghiệm thu" in notices
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "trả lại báo cáo hoàn thành" in page
    assert "Báo cáo hoàn thành</a>" in page  # may report again


def test_leader_and_other_agency_are_refused(app, client, data):
    login_as(client, "stc@tinh.gov.vn")
    _report(client, data.tasks["stc_lead"])
    client.post("/logout")
    claim = _claim(app, data.tasks["stc_lead"])
    for email in ("lanhdao@tinh.gov.vn", "syt@tinh.gov.vn"):
        login_as(client, email)
        assert client.get("/acceptance/").status_code == 403
        assert (
            client.post(f"/acceptance/{claim.id}/return", data={"reason": "x"}).status_code == 403
        )
        assert (
            client.post(
                f"/acceptance/tasks/{data.tasks['stc_lead']}/excuse", data={"reason": "x"}
            ).status_code
            == 403
        )
        client.post("/logout")
    assert _claim(app, data.tasks["stc_lead"]).state == ClaimState.PENDING.value


def test_the_setting_turns_acceptance_off(app, client, data):
    login_as(client, "staff@tinh.gov.vn")
    client.post("/acceptance/setting", data={})  # the box unticked
    assert "Đang tắt" in client.get("/acceptance/").get_data(as_text=True)
    client.post("/logout")
    login_as(client, "stc@tinh.gov.vn")
    page = _report(client, data.tasks["stc_lead"]).get_data(as_text=True)
    assert "Đã đánh dấu hoàn thành nhiệm vụ" in page


def test_the_office_marks_an_objective_cause(app, client, data):
    task_id = data.tasks["stc_lead"]  # overdue since 16/08
    login_as(client, "staff@tinh.gov.vn")
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="excuse"' in page
    empty = client.post(f"/acceptance/tasks/{task_id}/excuse", data={"reason": " "})
    assert empty.status_code == 302
    client.post(f"/acceptance/tasks/{task_id}/excuse", data={"reason": "Bão số 3 gây ngập lụt"})
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Bão số 3 gây ngập lụt" in page
    report = client.get("/reports/?year=2025&period=Q3").get_data(as_text=True)
    assert "Bão số 3 gây ngập lụt" in report
    client.post(f"/acceptance/tasks/{task_id}/unexcuse")
    with app.app_context():
        assert db.session.get(Task, task_id).excused_on is None
