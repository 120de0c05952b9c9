"""Tasks: adding them to a directive, the agency's list, progress, completion, reopening."""

import io

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.tasks.models import ProgressUpdate, Task


def task_form(data, **changes):
    form = {
        "content": "Rà soát chỉ tiêu kinh tế - xã hội năm 2025",
        "lead_agency_id": data.agencies["stc"],
        "co_agency_ids": [data.agencies["snv"]],
        "due_on": "30/06/2025",
        "cadence": "none",
    }
    form.update(changes)
    return form


def test_office_adds_a_task(app, client, data):
    login_as(client, data.users["staff"])
    response = client.post(f"/directives/{data.directive}/tasks/new", data=task_form(data))
    assert response.status_code == 302
    with app.app_context():
        task = db.session.execute(select(Task).order_by(Task.id.desc())).scalars().first()
        assert task.lead_agency.name == "Sở Tài chính"
        assert [a.name for a in task.co_agencies] == ["Sở Nội vụ"]
        assert task.due_on.isoformat() == "2025-06-30"


def test_task_without_lead_agency_keeps_the_form(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        f"/directives/{data.directive}/tasks/new", data=task_form(data, lead_agency_id="")
    )
    html = response.get_data(as_text=True)
    assert "Vui lòng chọn đơn vị chủ trì." in html
    assert "Rà soát chỉ tiêu kinh tế - xã hội năm 2025" in html


def test_due_date_before_the_issue_date_asks_for_confirmation(app, client, data):
    login_as(client, data.users["staff"])
    url = f"/directives/{data.directive}/tasks/new"
    response = client.post(url, data=task_form(data, due_on="30/05/2024"))
    html = response.get_data(as_text=True)
    assert "trước ngày ban hành văn bản" in html and "Tôi xác nhận" in html
    assert (
        client.post(
            url, data=task_form(data, due_on="30/05/2024", confirm_early_due="y")
        ).status_code
        == 302
    )


def test_task_date_that_does_not_exist(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        f"/directives/{data.directive}/tasks/new", data=task_form(data, due_on="31/02/2025")
    )
    assert "Ngày “31/02/2025” không hợp lệ" in response.get_data(as_text=True)


def test_agency_sees_only_its_own_tasks(client, data):
    login_as(client, data.users["officer"])
    html = client.get("/tasks/").get_data(as_text=True)
    assert "Sở Tài chính tổng hợp kiến nghị thanh tra" in html  # lead
    assert "Sở Nội vụ kiểm tra phân cấp" in html  # co-agency
    assert "Sở Y tế cải thiện chỉ số PAPI" not in html  # another agency's
    assert client.get(f"/tasks/{data.tasks['syt_only']}").status_code == 404


def test_agency_list_is_sorted_by_due_date_and_overdue_stands_out(client, data):
    login_as(client, data.users["officer"])
    html = client.get("/tasks/").get_data(as_text=True)
    assert html.index("kiến nghị thanh tra") < html.index("kiểm tra phân cấp")
    assert 'data-status="open_overdue"' in html  # 15/08/2025 is past on 18/08/2025
    desc = client.get("/tasks/?sort=-due").get_data(as_text=True)
    assert desc.index("kiểm tra phân cấp") < desc.index("kiến nghị thanh tra")


def test_task_list_search_ignores_diacritics(client, data):
    login_as(client, data.users["staff"])
    html = client.get("/tasks/?q=kiem tra phan cap").get_data(as_text=True)
    assert "Sở Nội vụ kiểm tra phân cấp" in html and "kiến nghị thanh tra" not in html


def test_task_list_paginates(app, client, data):
    from tests.factories import make_task
    from tracker.agencies.models import Agency
    from tracker.directives.models import Directive

    with app.app_context():
        directive = db.session.get(Directive, data.directive)
        lead = db.session.get(Agency, data.agencies["stc"])
        for i in range(30):
            make_task(directive, lead, content=f"Nhiệm vụ số {i}")
        db.session.commit()
    login_as(client, data.users["staff"])
    first = client.get("/tasks/").get_data(as_text=True)
    assert "Sau ›" in first and "Tổng cộng: 34" in first
    assert client.get("/tasks/?page=2").status_code == 200


def test_progress_update_with_attachment(app, client, data):
    login_as(client, data.users["officer"])
    response = client.post(
        f"/tasks/{data.tasks['stc_co']}/progress",
        data={
            "body": "Đã xây dựng dự thảo kế hoạch",
            "attachment": (io.BytesIO(b"%PDF-1.4"), "du-thao.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/tasks/{data.tasks['stc_co']}").get_data(as_text=True)
    assert "Đã xây dựng dự thảo kế hoạch" in page and "du-thao.pdf" in page


def test_empty_progress_update_is_refused(client, data):
    login_as(client, data.users["officer"])
    response = client.post(f"/tasks/{data.tasks['stc_lead']}/progress", data={"body": ""})
    assert response.status_code == 422
    assert "Vui lòng nhập mục này." in response.get_data(as_text=True)


def test_lead_agency_marks_done_with_the_report_number(app, client, data):
    login_as(client, data.users["officer"])
    url = f"/tasks/{data.tasks['stc_lead']}/complete"
    missing = client.post(url, data={"report_number": "", "note": "ghi chú đã gõ"})
    assert "Vui lòng nhập số văn bản báo cáo kết quả." in missing.get_data(as_text=True)
    assert "ghi chú đã gõ" in missing.get_data(as_text=True)
    response = client.post(
        url,
        data={"report_number": "2150/BC-STC", "report_date": "16/08/2025", "done_on": "16/08/2025"},
    )
    assert response.status_code == 302
    page = client.get(f"/tasks/{data.tasks['stc_lead']}").get_data(as_text=True)
    assert "2150/BC-STC" in page and 'data-status="done_late"' in page


def test_completion_date_in_the_future_is_refused(client, data):
    login_as(client, data.users["officer"])
    response = client.post(
        f"/tasks/{data.tasks['stc_lead']}/complete",
        data={"report_number": "1/BC", "done_on": "01/01/2030"},
    )
    assert "không được sau hôm nay" in response.get_data(as_text=True)


def test_co_agency_cannot_mark_done(client, data):
    login_as(client, data.users["officer"])
    assert (
        client.post(
            f"/tasks/{data.tasks['stc_co']}/complete", data={"report_number": "1/BC"}
        ).status_code
        == 403
    )


def test_another_agency_cannot_touch_the_task(client, data):
    login_as(client, data.users["other"])
    task = data.tasks["stc_lead"]
    assert client.get(f"/tasks/{task}").status_code == 404
    assert client.post(f"/tasks/{task}/progress", data={"body": "x"}).status_code == 404
    assert client.post(f"/tasks/{task}/complete", data={"report_number": "1"}).status_code == 404


def test_leader_reads_but_changes_nothing(client, data):
    login_as(client, data.users["leader"])
    task = data.tasks["stc_lead"]
    assert client.get(f"/tasks/{task}").status_code == 200
    assert client.post(f"/tasks/{task}/progress", data={"body": "x"}).status_code == 403
    assert client.post(f"/tasks/{task}/complete", data={"report_number": "1"}).status_code == 403
    assert client.post(f"/tasks/{task}/reopen", data={"reason": "x"}).status_code == 403
    assert client.post(f"/tasks/{task}/edit", data={}).status_code == 403


def test_only_the_office_reopens(app, client, data):
    task = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    client.post(f"/tasks/{task}/complete", data={"report_number": "2150/BC-STC"})
    assert (
        client.post(f"/tasks/{task}/reopen", data={"reason": "Báo cáo chưa đạt"}).status_code == 403
    )
    client.post("/logout")
    login_as(client, data.users["staff"])
    assert (
        client.post(f"/tasks/{task}/reopen", data={"reason": "Báo cáo chưa đạt"}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(Task, task).done_on is None
        assert (
            db.session.execute(
                select(ProgressUpdate.body).where(ProgressUpdate.task_id == task)
            ).scalar_one()
            == "Mở lại nhiệm vụ: Báo cáo chưa đạt"
        )


def test_office_cancels_with_a_reason_and_resumes(app, client, data):
    task = data.tasks["syt_only"]
    login_as(client, data.users["staff"])
    client.post(f"/tasks/{task}/cancel", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Task, task).cancelled_on is None
    client.post(f"/tasks/{task}/cancel", data={"reason": "Không còn phù hợp"})
    assert 'data-status="cancelled"' in client.get(f"/tasks/{task}").get_data(as_text=True)
    client.post(f"/tasks/{task}/cancel")
    with app.app_context():
        assert db.session.get(Task, task).cancelled_on is None


def test_every_change_is_audited_and_shown_in_the_timeline(app, client, data):
    login_as(client, data.users["staff"])
    task = data.tasks["stc_lead"]
    response = client.post(
        f"/tasks/{task}/edit",
        data=task_form(
            data,
            content="Sở Tài chính tổng hợp kiến nghị thanh tra",
            due_on="20/08/2025",
            co_agency_ids=[data.agencies["skhcn"]],
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        entry = (
            db.session.execute(
                select(AuditLog).where(AuditLog.task_id == task, AuditLog.action == "update")
            )
            .scalars()
            .first()
        )
        assert entry.user.email == data.users["staff"]
        assert entry.changes["due_on"] == ["2025-08-15", "2025-08-20"]
        assert entry.changes["co_agencies"] == [[], ["Sở Khoa học và Công nghệ"]]
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    # the page shows the dates as dd/mm/yyyy, not as stored
    assert "Thời hạn: <del>15/08/2025</del> → 20/08/2025" in page
    assert "2025-08-20" not in page


def test_delete_task_asks_first(app, client, data):
    login_as(client, data.users["staff"])
    task = data.tasks["syt_only"]
    assert "Xóa nhiệm vụ" in client.get(f"/tasks/{task}/delete").get_data(as_text=True)
    client.post(f"/tasks/{task}/delete")
    with app.app_context():
        assert db.session.get(Task, task) is None
        assert (
            db.session.execute(
                select(AuditLog).where(AuditLog.task_id == task, AuditLog.action == "delete")
            )
            .scalars()
            .first()
            is not None
        )


@pytest.mark.parametrize("status", ["open_overdue", "open_on_time", "no_deadline"])
def test_dashboard_counts_link_to_their_lists(client, data, status):
    login_as(client, data.users["staff"])
    html = client.get("/dashboard").get_data(as_text=True)
    assert f"/tasks/?status={status}" in html
    assert client.get(f"/tasks/?status={status}").status_code == 200
