"""Office pages: outbox, one email, resend, policy settings, pausing a task; per role."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login_as, make_config
from tests.factories import make_user
from tests.reminders.test_delivery import _province
from tracker import create_app
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.reminders.services import load_policy, run_sweep
from tracker.tasks.models import Task


@pytest.fixture
def world(app):
    ids = _province(app)
    with app.app_context():
        from tracker.agencies.models import Agency

        stc = db.session.execute(select(Agency).where(Agency.name == "Sở Tài chính")).scalar_one()
        syt = db.session.execute(select(Agency).where(Agency.name == "Sở Y tế")).scalar_one()
        make_user("admin@tinh.gov.vn", Role.OFFICE_ADMIN)
        make_user("staff@tinh.gov.vn", Role.OFFICE_STAFF)
        make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, stc)
        make_user("syt@tinh.gov.vn", Role.AGENCY_OFFICER, syt)
        make_user("lanhdao@tinh.gov.vn", Role.LEADER)
        db.session.commit()
        run_sweep(date(2025, 8, 8))
        ids["email"] = (
            db.session.execute(
                select(OutboxEmail.id).where(OutboxEmail.kind == "digest").order_by(OutboxEmail.id)
            )
            .scalars()
            .first()
        )
    return ids


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("admin@tinh.gov.vn", True),
        ("staff@tinh.gov.vn", True),
        ("stc@tinh.gov.vn", False),
        ("lanhdao@tinh.gov.vn", False),
    ],
)
def test_outbox_is_for_the_office_only(client, world, email, allowed):
    login_as(client, email)
    for url in ("/outbox", f"/outbox/{world['email']}", "/reminders/settings"):
        assert client.get(url).status_code == (200 if allowed else 403), url
    response = client.post(f"/outbox/{world['email']}/resend")
    assert response.status_code == (302 if allowed else 403)
    response = client.post(f"/tasks/{world['stc']}/reminders/pause")
    assert response.status_code == (302 if allowed else 403)


def test_outbox_lists_and_shows_undelivered_emails(client, world):
    login_as(client, "staff@tinh.gov.vn")
    page = client.get("/outbox").get_data(as_text=True)
    assert "Chưa gửi: chưa cấu hình máy chủ thư" in page
    assert "[Nhắc việc] Sở Tài chính: 2 nhiệm vụ cần chú ý ngày 08/08/2025" in page
    assert client.get("/outbox?status=sent").get_data(as_text=True).count('data-status="sent"') == 0
    show = client.get(f"/outbox/{world['email']}").get_data(as_text=True)
    assert "Kính gửi:" in show and "http://tracker.test/tasks/" in show
    html = client.get(f"/outbox/{world['email']}/html")
    assert (
        html.status_code == 200 and "default-src 'none'" in html.headers["Content-Security-Policy"]
    )
    assert client.get("/outbox/999999").status_code == 404


def test_resend_puts_a_failed_email_back_in_the_queue(app, client, world):
    with app.app_context():
        email = db.session.get(OutboxEmail, world["email"])
        email.status, email.attempts, email.last_error = "failed", 20, "SMTPServerDisconnected"
        db.session.commit()
    login_as(client, "admin@tinh.gov.vn")
    response = client.post(f"/outbox/{world['email']}/resend", follow_redirects=True)
    assert "Đã đưa thư vào hàng chờ gửi lại." in response.get_data(as_text=True)
    with app.app_context():
        email = db.session.get(OutboxEmail, world["email"])
        assert (email.status, email.attempts, email.last_error) == ("pending", 0, None)


def test_pause_switch_and_reminders_in_the_task_timeline(app, client, world):
    login_as(client, "staff@tinh.gov.vn")
    page = client.get(f"/tasks/{world['stc']}").get_data(as_text=True)
    assert "Sắp đến hạn → Sở Tài chính" in page  # the reminder of 8/8 in the timeline
    assert f"/outbox/{world['email']}" in page
    assert "Dừng gửi nhắc việc cho nhiệm vụ này</button>" in page  # an action, not a state
    english = client.get(f"/tasks/{world['stc']}?lang=en").get_data(as_text=True)
    assert "Stop sending reminders for this task</button>" in english
    client.get("/dashboard?lang=vi")
    client.post(f"/tasks/{world['stc']}/reminders/pause")
    with app.app_context():
        assert db.session.get(Task, world["stc"]).reminders_paused is True
    page = client.get(f"/tasks/{world['stc']}").get_data(as_text=True)
    assert "Đã tạm dừng nhắc việc" in page and "Bật lại nhắc việc" in page
    client.post(f"/tasks/{world['stc']}/reminders/pause")
    with app.app_context():
        assert db.session.get(Task, world["stc"]).reminders_paused is False


def test_agency_officer_sees_reminders_but_no_switch(client, world):
    login_as(client, "stc@tinh.gov.vn")
    page = client.get(f"/tasks/{world['stc']}").get_data(as_text=True)
    assert "Sắp đến hạn → Sở Tài chính" in page
    assert 'data-action="toggle-pause"' not in page
    assert "/outbox/" not in page
    assert client.get(f"/tasks/{world['syt']}").status_code == 404  # another agency's task


def test_policy_settings_save_and_reject_bad_input(app, client, world):
    login_as(client, "admin@tinh.gov.vn")
    page = client.get("/reminders/settings").get_data(as_text=True)
    assert 'value="7, 1"' in page and 'value="14, 30, 120"' in page
    bad = client.post(
        "/reminders/settings",
        data={
            "before_days": "7, bảy",
            "overdue_every_days": "0",
            "escalate_after_days": "14",
            "update_after_months": "3",
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Nhập các số nguyên, cách nhau bằng dấu phẩy" in text
    assert "Nhập từ 1 đến 90 ngày." in text
    assert 'value="7, bảy"' in text  # what was typed is kept
    with app.app_context():
        assert load_policy().before_days == (7, 1)  # nothing half-saved
    ok = client.post(
        "/reminders/settings",
        data={
            "before_days": "10, 3, 1",
            "on_due_day": "y",
            "overdue_every_days": "5",
            "escalate_after_days": "30, 90",
            "update_after_months": "2",
        },
        follow_redirects=True,
    )
    assert "Đã lưu quy định nhắc việc." in ok.get_data(as_text=True)
    with app.app_context():
        policy = load_policy()
        assert policy.before_days == (10, 3, 1) and policy.overdue_every_days == 5
        assert policy.escalate_after_days == (30, 90) and policy.update_after_months == 2


def test_pause_requires_csrf(database_url, tmp_path, world):
    app = create_app(make_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token, page
    client.post(
        "/login",
        data={"email": "admin@tinh.gov.vn", "password": "mat-khau-thu-123", "csrf_token": token[1]},
    )
    assert client.post(f"/tasks/{world['stc']}/reminders/pause").status_code == 400
    page = client.get(f"/tasks/{world['stc']}").get_data(as_text=True)
    assert "reminders/pause" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page
    response = client.post(f"/tasks/{world['stc']}/reminders/pause", data={"csrf_token": token[1]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Task, world["stc"]).reminders_paused is True
        db.session.remove()
        db.engine.dispose()
