"""Submitting a period's report, and the periods on the task page."""

import io
from datetime import date

from tests.conftest import login_as
from tests.deadlines_web.conftest import form_value
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.files.models import Attachment


def _period(app, task_id, key):
    with app.app_context():
        return db.session.execute(
            db.select(ReportingPeriod).filter_by(task_id=task_id, key=key)
        ).scalar_one()


def test_the_task_page_lists_periods_with_their_own_state(app, client, data, monthly):
    login_as(client, data.users["officer"])
    html = client.get(f"/tasks/{monthly}").get_data(as_text=True)
    for key in ("2025-M06", "2025-M07", "2025-M08", "2025-M09"):
        assert f'data-period="{key}"' in html
    assert "Tháng 7/2025" in html
    assert 'data-status="open_overdue"' in html  # June and July, not submitted
    assert 'data-flag="due_soon"' in html  # August, due 20/08
    assert "Nộp báo cáo" in html


def test_lead_officer_submits_a_period_with_its_report(app, client, data, monthly):
    july = _period(app, monthly, "2025-M07")
    login_as(client, data.users["officer"])
    url = f"/tasks/{monthly}/periods/{july.id}/submit"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        data={
            "report_number": "215/BC-STC",
            "report_date": "18/07/2025",
            "done_on": "18/07/2025",
            "note": "Gửi qua hệ thống quản lý văn bản",
            "attachment": (io.BytesIO(b"%PDF-1.4 report"), "bao-cao-thang-7.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    july = _period(app, monthly, "2025-M07")
    assert (july.done_on, july.report_number, july.report_date) == (
        date(2025, 7, 18),
        "215/BC-STC",
        date(2025, 7, 18),
    )
    with app.app_context():
        files = db.session.execute(db.select(Attachment).filter_by(period_id=july.id)).all()
    assert len(files) == 1
    html = client.get(f"/tasks/{monthly}").get_data(as_text=True)
    assert "215/BC-STC" in html and "bao-cao-thang-7.pdf" in html
    assert 'data-status="done_on_time"' in html
    # a second submission is not accepted
    again = client.post(url, data={"report_number": "216/BC-STC"})
    assert again.status_code == 302
    assert _period(app, monthly, "2025-M07").report_number == "215/BC-STC"


def test_late_submission_is_done_late(app, client, data, monthly):
    june = _period(app, monthly, "2025-M06")
    login_as(client, data.users["staff"])  # the office may record it for the agency
    response = client.post(
        f"/tasks/{monthly}/periods/{june.id}/submit", data={"report_number": "190/BC-STC"}
    )
    assert response.status_code == 302
    assert _period(app, monthly, "2025-M06").done_on == date(2025, 8, 18)
    html = client.get(f"/tasks/{monthly}").get_data(as_text=True)
    assert 'data-status="done_late"' in html
    # the office can undo it
    client.post(f"/tasks/{monthly}/periods/{june.id}/reopen")
    assert _period(app, monthly, "2025-M06").done_on is None


def test_bad_input_keeps_what_was_typed(app, client, data, monthly):
    july = _period(app, monthly, "2025-M07")
    login_as(client, data.users["officer"])
    url = f"/tasks/{monthly}/periods/{july.id}/submit"
    response = client.post(url, data={"report_number": "215/BC-STC", "report_date": "31/02/2025"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ngày “31/02/2025” không hợp lệ" in html
    assert form_value(html, "report_date") == "31/02/2025"
    assert form_value(html, "report_number") == "215/BC-STC"
    future = client.post(url, data={"report_number": "215/BC-STC", "done_on": "19/08/2025"})
    assert "không được sau hôm nay" in future.get_data(as_text=True)
    missing = client.post(url, data={"report_number": ""})
    assert "Vui lòng nhập số văn bản báo cáo." in missing.get_data(as_text=True)
    exe = client.post(
        url,
        data={"report_number": "215/BC", "attachment": (io.BytesIO(b"MZ..."), "virus.pdf")},
        content_type="multipart/form-data",
    )
    assert exe.status_code == 422
    assert "không đúng với phần mở rộng" in exe.get_data(as_text=True)
    assert _period(app, monthly, "2025-M07").done_on is None


def test_who_may_submit(app, client, data, monthly):
    july = _period(app, monthly, "2025-M07")
    url = f"/tasks/{monthly}/periods/{july.id}/submit"
    login_as(client, data.users["other"])  # Sở Y tế: not involved
    assert client.get(url).status_code == 404
    assert client.post(url, data={"report_number": "1"}).status_code == 404
    client.post("/logout")
    login_as(client, data.users["leader"])
    assert client.post(url, data={"report_number": "1"}).status_code == 403
    assert client.post(f"/tasks/{monthly}/periods/{july.id}/reopen").status_code == 403
    client.post("/logout")
    # a period of another task under this task's URL
    login_as(client, data.users["officer"])
    other_url = f"/tasks/{data.tasks['stc_lead']}/periods/{july.id}/submit"
    assert client.get(other_url).status_code == 404
    assert _period(app, monthly, "2025-M07").done_on is None


def test_co_agency_officer_sees_periods_but_cannot_submit(app, client, data):
    # Sở Nội vụ leads a monthly task where Sở Tài chính only co-operates
    from tests import factories
    from tracker.agencies.models import Agency
    from tracker.directives.models import Directive

    with app.app_context():
        task = factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["snv"]),
            co=[db.session.get(Agency, data.agencies["stc"])],
            cadence="monthly",
            starts_on=date(2025, 7, 1),
        )
        db.session.commit()
        task_id, period_id = task.id, task.periods[0].id
    login_as(client, data.users["officer"])
    html = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "data-period=" in html and "Nộp báo cáo" not in html
    assert client.get(f"/tasks/{task_id}/periods/{period_id}/submit").status_code == 403


def test_office_opens_periods_from_the_task_page(app, client, data, monthly):
    login_as(client, data.users["staff"])
    response = client.post(f"/tasks/{monthly}/periods/open")
    assert response.status_code == 302
    client.post("/logout")
    login_as(client, data.users["leader"])
    assert client.post(f"/tasks/{monthly}/periods/open").status_code == 403
