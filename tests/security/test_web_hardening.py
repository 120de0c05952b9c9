"""CSRF, login throttling, session renewal, uploads that lie about their type, and the security
headers of every page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW, PASSWORD, make_config
from tests.security.test_authorization_matrix import POLICY, RULES, build_url
from tests.world import client_as
from tracker import create_app
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.tasks.models import ProgressUpdate, Task

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def csrf_app(database_url, tmp_path, world):
    app = create_app(make_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no PostgreSQL connection left for the garbage collector


def test_a_post_without_csrf_token_is_refused_in_vietnamese(csrf_app, world):
    with csrf_app.app_context():
        before = db.session.execute(select(func.count(ProgressUpdate.id))).scalar_one()
    client = client_as_csrf(csrf_app, "stc@tinh.gov.vn")
    for url, data in (
        (f"/tasks/{world['own']}/progress", {"body": "Không có mã CSRF"}),
        (f"/tasks/{world['own']}/complete", {"report_number": "1/BC"}),
        ("/logout", {}),
    ):
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert "Yêu cầu không hợp lệ" in html and "Phiên làm việc của biểu mẫu" in html
        assert 'lang="vi"' in html
    with csrf_app.app_context():
        assert db.session.execute(select(func.count(ProgressUpdate.id))).scalar_one() == before
        assert db.session.get(Task, world["own"]).done_on is None
    # a token from another session does not help either
    other = client_as_csrf(csrf_app, "syt@tinh.gov.vn")
    token = _token(other, f"/tasks/{world['other']}")
    response = client.post(
        f"/tasks/{world['own']}/progress", data={"body": "x", "csrf_token": token}
    )
    assert response.status_code == 400


def _token(client, path: str) -> str:
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def client_as_csrf(app, email: str):
    client = app.test_client()
    token = _token(client, "/login")
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_login_is_throttled_then_released(app, world):
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = client.post("/login", data={"email": "stc@tinh.gov.vn", "password": "sai"})
        assert "Thư điện tử hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    # paused for this address: even the right password is refused, with the same message as a
    # wrong one (a different message would tell that the account exists)
    response = client.post("/login", data={"email": "stc@tinh.gov.vn", "password": PASSWORD})
    assert response.status_code == 200
    assert "Thư điện tử hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    # the other accounts are not affected
    assert client_as(app, "officer_other").get("/dashboard").status_code == 200
    # after the pause the right password works again
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    response = app.test_client().post(
        "/login", data={"email": "stc@tinh.gov.vn", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_unknown_and_known_accounts_get_the_same_message(app, world):
    client = app.test_client()
    unknown = client.post("/login", data={"email": "khongco@tinh.gov.vn", "password": "x"})
    known = client.post("/login", data={"email": "stc@tinh.gov.vn", "password": "x"})
    assert "Thư điện tử hoặc mật khẩu không đúng." in unknown.get_data(as_text=True)
    assert "Thư điện tử hoặc mật khẩu không đúng." in known.get_data(as_text=True)


def test_session_is_renewed_at_login_and_dropped_at_logout(app, world):
    client = app.test_client()
    client.get("/login?lang=en")  # an anonymous session exists before login
    before = client.get_cookie("session").value
    assert (
        client.post("/login", data={"email": "stc@tinh.gov.vn", "password": PASSWORD}).status_code
        == 302
    )
    after = client.get_cookie("session")
    assert after is not None and after.value != before
    assert after.http_only and after.same_site == "Lax"
    with client.session_transaction() as session:
        assert session.get("_user_id") and session.get("lang") == "en"  # language kept
    client.post("/logout")
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    "name, content",
    [
        ("bao-cao.pdf", EXE),  # an executable renamed .pdf
        ("bao-cao.docx", HTML),  # a web page renamed .docx
        ("bao-cao.png", b"%PDF-1.4 not a png"),
        ("bao-cao.exe", EXE),  # a forbidden type
        ("bao-cao.html", HTML),
        ("bao-cao.svg", b"<svg onload=alert(1)>"),
    ],
)
def test_uploads_that_lie_are_refused_everywhere(app, world, name, content):
    """Progress updates, completions and a period's report refuse the file and save nothing."""
    client = client_as(app, "officer_own")

    def counts():
        with app.app_context():
            return (
                db.session.execute(select(func.count(Attachment.id))).scalar_one(),
                db.session.execute(select(func.count(ProgressUpdate.id))).scalar_one(),
                db.session.get(Task, world["own"]).done_on,
                db.session.get(ReportingPeriod, world["period"]).done_on,
            )

    before = counts()
    forms = [
        (f"/tasks/{world['own']}/progress", {"body": "Báo cáo tiến độ kèm tệp"}),
        (f"/tasks/{world['own']}/complete", {"report_number": "12/BC-STC"}),
        (
            f"/tasks/{world['periodic']}/periods/{world['period']}/submit",
            {"report_number": "13/BC-STC"},
        ),
    ]
    for url, data in forms:
        response = client.post(
            url,
            data={**data, "attachment": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 422), (url, response.status_code)
        assert name in html and ("Không nhận tệp" in html or "không đúng với phần mở rộng" in html)
        assert data.get("body", data.get("report_number")) in html  # what was typed is kept
    assert counts() == before


def test_every_page_carries_the_security_headers(app, world):
    """Pages, error pages, JSON, downloads and static files of every role."""
    seen = 0
    for role in ("anonymous", "office_admin", "officer_own"):
        client = client_as(app, role)
        urls = [build_url(r, POLICY[r.endpoint], world) for r in RULES if "GET" in r.methods]
        urls += ["/static/app.js", "/khong-co-trang-nay", f"/tasks/{world['other']}"]
        for url in urls:
            response = client.get(url)
            headers = response.headers
            response.close()
            csp = headers.get("Content-Security-Policy", "")
            if url.startswith("/outbox/") and url.endswith("/html") and response.status_code == 200:
                # an email's HTML as its recipient sees it: inline styles only, no script at all,
                # framed by the outbox page
                assert csp.startswith("default-src 'none'") and "script" not in csp, url
            else:
                assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
                assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
            assert headers.get("X-Frame-Options") == "DENY", url
            assert headers.get("X-Content-Type-Options") == "nosniff", url
            assert headers.get("Referrer-Policy") in (
                "same-origin",
                "strict-origin-when-cross-origin",
                "no-referrer",
            ), url
            seen += 1
    assert seen > 100


def test_templates_hold_no_inline_script_or_style():
    """The CSP forbids them: an inline handler would silently not work in the browser."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if "emails" in path.parts:
            continue  # emails are read in mail clients, not under the app's CSP
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\son(click|load|submit|change|input|mouseover)=", text
        ):
            offenders.append(str(path.relative_to(root)))
    assert not offenders, offenders
