"""Passwords (issue 14.7): a minimum strength, a self-service change, a reset by email through
the outbox with a signed, expiring, single-use link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import FROZEN_NOW, PASSWORD
from tests.world import EMAILS, client_as
from tracker.auth.passwords import TOO_COMMON, TOO_SHORT, common_passwords, password_problem
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail

NEW = "ba-con-voi-di-qua-cau"


@pytest.mark.parametrize(
    "password, problem",
    [
        ("12345678", TOO_SHORT),
        ("1234567890", TOO_COMMON),
        ("matkhau123", TOO_COMMON),
        ("Mat-Khau-123", TOO_COMMON),
        ("aaaaaaaaaaaa", TOO_COMMON),
        ("abababababab", TOO_COMMON),
        ("stc@tinh.gov.vn", TOO_COMMON),  # one's own email
        (NEW, None),
        ("Sở Tài chính 2025!", None),
    ],
)
def test_password_strength(password, problem):
    assert password_problem(password, "stc@tinh.gov.vn") == problem


def test_the_common_list_ships_in_the_package():
    assert len(common_passwords()) > 100 and "password" in common_passwords()


def test_an_admin_cannot_set_a_weak_password(app, world):
    admin = client_as(app, "office_admin")
    response = admin.post(f"/users/{world['user']}/password", data={"password": "12345678"})
    assert response.status_code == 200
    assert "ít nhất 10 ký tự" in response.get_data(as_text=True)
    response = admin.post(f"/users/{world['user']}/password", data={"password": "1234567890"})
    assert "quá phổ biến" in response.get_data(as_text=True)


def test_the_cli_refuses_a_weak_password(app, world):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "moi@tinh.gov.vn",
            "--name",
            "Mới",
            "--role",
            "leader",
            "--password",
            "12345678",
        ]
    )
    assert result.exit_code != 0 and "10 ký tự" in result.output


def test_a_user_changes_their_own_password(app, world):
    client = client_as(app, "officer_own")
    other_device = client_as(app, "officer_own")
    page = client.get("/account")
    assert page.status_code == 200 and "Đổi mật khẩu" in page.get_data(as_text=True)
    wrong = client.post("/account", data={"current": "sai", "password": NEW, "confirm": NEW})
    assert "Mật khẩu hiện tại không đúng" in wrong.get_data(as_text=True)
    weak = client.post(
        "/account", data={"current": PASSWORD, "password": "12345678", "confirm": "12345678"}
    )
    assert "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    mismatch = client.post(
        "/account", data={"current": PASSWORD, "password": NEW, "confirm": NEW + "x"}
    )
    assert "không khớp" in mismatch.get_data(as_text=True)
    done = client.post("/account", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    assert other_device.get("/dashboard").status_code == 302  # the others end
    fresh = app.test_client()
    assert (
        fresh.post("/login", data={"email": EMAILS["officer_own"], "password": NEW}).status_code
        == 302
    )


def _reset_emails(app) -> list[OutboxEmail]:
    with app.app_context():
        emails = (
            db.session.execute(select(OutboxEmail).where(OutboxEmail.kind == "password_reset"))
            .scalars()
            .all()
        )
        db.session.expunge_all()
    return emails


def test_a_reset_link_by_email_works_once_and_expires(app, world):
    anonymous = app.test_client()
    unknown = anonymous.post("/password/forgot", data={"email": "khongco@tinh.gov.vn"})
    known = anonymous.post("/password/forgot", data={"email": EMAILS["officer_own"]})
    assert unknown.status_code == known.status_code == 302  # the same answer
    emails = _reset_emails(app)
    assert len(emails) == 1 and emails[0].recipients == [EMAILS["officer_own"]]
    link = re.search(r"http://tracker\.test(/password/reset/\S+)", emails[0].body_text).group(1)

    # the office sees that a reset email exists, never its link
    office = client_as(app, "office_staff")
    shown = office.get(f"/outbox/{emails[0].id}").get_data(as_text=True)
    assert link not in shown and "không được hiển thị" in shown
    assert office.get(f"/outbox/{emails[0].id}/html").status_code == 404

    assert anonymous.get(link).status_code == 200
    weak = anonymous.post(link, data={"password": "1234567890", "confirm": "1234567890"})
    assert "quá phổ biến" in weak.get_data(as_text=True)
    done = anonymous.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    login = anonymous.post("/login", data={"email": EMAILS["officer_own"], "password": NEW})
    assert login.status_code == 302
    # used once: the same link no longer works
    again = app.test_client().get(link)
    assert again.status_code == 302 and "/password/forgot" in again.headers["Location"]

    # a new link expires after PASSWORD_RESET_MINUTES
    app.test_client().post("/password/forgot", data={"email": EMAILS["officer_own"]})
    latest = max(_reset_emails(app), key=lambda e: e.id)
    link = re.search(r"http://tracker\.test(/password/reset/\S+)", latest.body_text).group(1)
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(
        minutes=app.config["PASSWORD_RESET_MINUTES"] + 1
    )
    assert app.test_client().get(link).status_code == 302


def test_forgot_requests_do_not_flood_an_inbox(app, world):
    client = app.test_client()
    for _ in range(10):
        client.post("/password/forgot", data={"email": EMAILS["leader"]})
    assert len(_reset_emails(app)) == 3


def test_a_tampered_link_is_refused(app, world):
    response = app.test_client().get("/password/reset/eyJ1IjoxLCJoIjoiYWJjIn0.AAAA.BBBB")
    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]
