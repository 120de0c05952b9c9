"""The office's calendar exceptions page and period settings page; the via agency's delivery."""

from datetime import date

import pytest

from tests import factories
from tests.conftest import login_as
from tests.deadlines_web.conftest import form_value
from tracker.agencies.models import Agency
from tracker.deadlines import services
from tracker.deadlines.models import CalendarException
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task


@pytest.mark.parametrize("role", ["leader", "officer", "other"])
def test_office_pages_are_office_only(client, data, role):
    login_as(client, data.users[role])
    for url in ("/calendar", "/settings/periods", "/extensions"):
        assert client.get(url).status_code == 403
    assert client.post("/calendar", data={"day": "05/09/2025", "kind": "off"}).status_code == 403
    assert client.post("/settings/periods", data={"due_day": "25"}).status_code == 403


def test_office_nav_links(client, data):
    login_as(client, data.users["staff"])
    html = client.get("/tasks/").get_data(as_text=True)
    assert 'href="/extensions"' in html and 'href="/calendar"' in html
    client.post("/logout")
    login_as(client, data.users["officer"])
    assert 'href="/extensions"' not in client.get("/tasks/").get_data(as_text=True)


def test_calendar_page_adds_and_removes_days(app, client, data):
    login_as(client, data.users["staff"])
    page = client.get("/calendar?year=2026").get_data(as_text=True)
    assert "Tết" in page and "22/08/2026" in page  # a Saturday worked back in 2026
    response = client.post(
        "/calendar", data={"day": "05/09/2025", "kind": "off", "note": "Nghỉ thêm"}
    )
    assert response.status_code == 302
    client.post("/calendar", data={"day": "06/09/2025", "kind": "working", "note": "Làm bù"})
    html = client.get("/calendar?year=2025").get_data(as_text=True)
    assert 'data-day="2025-09-05"' in html and "Nghỉ thêm" in html
    with app.app_context():
        assert not services.working_calendar().is_working_day(date(2025, 9, 5))
        row_id = db.session.execute(
            db.select(CalendarException.id).filter_by(day=date(2025, 9, 5))
        ).scalar_one()
    duplicate = client.post("/calendar", data={"day": "05/09/2025", "kind": "off"})
    assert duplicate.status_code == 422
    assert "đã có trong danh sách" in duplicate.get_data(as_text=True)
    assert client.post(f"/calendar/{row_id}/delete").status_code == 302
    with app.app_context():
        assert services.working_calendar().is_working_day(date(2025, 9, 5))


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        ("31/02/2025", "off", "Ngày “31/02/2025” không hợp lệ"),
        ("07/09/2025", "off", "vốn đã là ngày nghỉ (Chủ nhật)"),
        ("08/09/2025", "working", "vốn đã là ngày làm việc"),
        ("", "off", "Vui lòng nhập mục này."),
    ],
)
def test_calendar_bad_input_keeps_what_was_typed(app, client, data, day, kind, message):
    login_as(client, data.users["admin"])
    response = client.post("/calendar", data={"day": day, "kind": kind, "note": "ghi chú"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert form_value(html, "day") == day
    with app.app_context():
        assert db.session.execute(db.select(CalendarException)).first() is None


def test_settings_page_saves_the_period_rules(app, client, data):
    login_as(client, data.users["staff"])
    html = client.get("/settings/periods").get_data(as_text=True)
    assert form_value(html, "due_day") == "20" and form_value(html, "nine_month_end") == "14/9"
    assert "9 tháng năm 2025" in html
    response = client.post(
        "/settings/periods",
        data={
            "due_day": "25",
            "nine_month_end": "30/9",
            "strict_before": "y",
            "cutoff": "decree",
            "due_on_day_off": "next",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        settings = services.period_settings()
    assert (settings.due_day, settings.nine_month_end, settings.strict_before) == (
        25,
        (9, 30),
        True,
    )
    assert settings.due_on_day_off == "next"
    html = client.get("/settings/periods").get_data(as_text=True)
    assert form_value(html, "nine_month_end") == "30/9"


@pytest.mark.parametrize(
    ("form", "message", "field", "typed"),
    [
        ({"due_day": "40", "nine_month_end": "14/9"}, "từ 1 đến 31", "due_day", "40"),
        ({"due_day": "20", "nine_month_end": "31/9"}, "ví dụ 14/9", "nine_month_end", "31/9"),
        ({"due_day": "20", "nine_month_end": "mười bốn"}, "ví dụ 14/9", "nine_month_end", None),
        (
            {"due_day": "hai mươi", "nine_month_end": "14/9"},
            "không phải là một số nguyên",
            "due_day",
            "hai mươi",
        ),
        (
            {"due_day": "", "nine_month_end": "14/9"},
            "Vui lòng nhập ngày hạn báo cáo.",
            "due_day",
            "",
        ),
    ],
)
def test_settings_bad_input(app, client, data, form, message, field, typed):
    login_as(client, data.users["admin"])
    response = client.post(
        "/settings/periods", data={**form, "cutoff": "decree", "due_on_day_off": "keep"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if typed:
        assert form_value(html, field) == typed
    with app.app_context():
        assert services.period_settings().due_day == 20


@pytest.fixture
def two_hop(app, data):
    """Sở Tài chính reports by 15/08 to Sở Nội vụ, which consolidates by 25/08/2025."""
    with app.app_context():
        task = factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["stc"]),
            content="Báo cáo kết quả kiểm tra phân cấp",
            via=db.session.get(Agency, data.agencies["snv"]),
            due_on=date(2025, 8, 15),
            via_due_on=date(2025, 8, 25),
        )
        db.session.commit()
        return task.id


def test_via_agency_item_and_delivery(app, client, data, two_hop):
    snv_officer = "snv@tinh.gov.vn"
    with app.app_context():
        factories.make_user(
            snv_officer, factories.Role.AGENCY_OFFICER, db.session.get(Agency, data.agencies["snv"])
        )
        db.session.commit()
    login_as(client, data.users["officer"])  # the lead sees the item but cannot mark it
    html = client.get(f"/tasks/{two_hop}").get_data(as_text=True)
    assert 'id="via"' in html and "25/08/2025" in html
    assert "Đã gửi báo cáo tổng hợp" not in html
    assert client.post(f"/tasks/{two_hop}/via-done", data={}).status_code == 403
    client.post("/logout")
    login_as(client, data.users["leader"])
    assert client.post(f"/tasks/{two_hop}/via-done", data={}).status_code == 403
    client.post("/logout")
    login_as(client, data.users["other"])
    assert client.post(f"/tasks/{two_hop}/via-done", data={}).status_code == 404
    client.post("/logout")

    login_as(client, snv_officer)
    html = client.get(f"/tasks/{two_hop}").get_data(as_text=True)
    assert "Đã gửi báo cáo tổng hợp" in html
    bad = client.post(
        f"/tasks/{two_hop}/via-done", data={"done_on": "31/02/2025"}, follow_redirects=True
    )
    assert "không hợp lệ" in bad.get_data(as_text=True)
    response = client.post(f"/tasks/{two_hop}/via-done", data={"done_on": "18/08/2025"})
    assert response.status_code == 302
    with app.app_context():
        task = db.session.get(Task, two_hop)
        assert task.via_done_on == date(2025, 8, 18)
        assert task.done_on is None  # the lead's own item is separate
    html = client.get(f"/tasks/{two_hop}").get_data(as_text=True)
    assert 'data-status="done_on_time"' in html and 'data-status="open_overdue"' in html


def test_via_due_date_cannot_precede_the_leads(app, data):
    from tracker.tasks.services import TaskError

    with app.app_context(), pytest.raises(TaskError, match="không được trước thời hạn"):
        factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["stc"]),
            via=db.session.get(Agency, data.agencies["snv"]),
            due_on=date(2025, 8, 15),
            via_due_on=date(2025, 8, 10),
        )
