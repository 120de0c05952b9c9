"""Issue 14, the low-severity points: directive numbers, NUL bytes, account enumeration,
lockout abuse, headers and session lifetimes. Each test failed on main before its fix."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from config import ProductionConfig
from tests import factories
from tests.conftest import FROZEN_NOW, PASSWORD, make_config
from tests.world import EMAILS, client_as
from tracker import create_app
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.extensions import db

WRONG = "Thư điện tử hoặc mật khẩu không đúng."


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# -- 3. ?directive=N names only a directive the user may see --------------------------------


def test_the_dashboard_names_only_a_directive_the_officer_may_see(app, world):
    with app.app_context():
        syt = db.session.execute(select(Agency).where(Agency.name == "Sở Y tế")).scalar_one()
        secret = factories.make_directive("777/TB-BIMAT")
        factories.make_task(secret, syt, content="Chỉ Sở Y tế")
        db.session.commit()
        secret_id = secret.id
    own = client_as(app, "officer_own").get(f"/dashboard?directive={secret_id}")
    assert own.status_code == 200 and "777/TB-BIMAT" not in own.get_data(as_text=True)
    other = client_as(app, "officer_other").get(f"/dashboard?directive={secret_id}")
    assert "777/TB-BIMAT" in other.get_data(as_text=True)
    office = client_as(app, "office_staff").get(f"/dashboard?directive={secret_id}")
    assert "777/TB-BIMAT" in office.get_data(as_text=True)


# -- 4. NUL bytes are refused at the edge -------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/dashboard?q=%00", "/tasks/?q=a%00b", "/directives/?q=%00", "/users?q=%00"]
)
def test_a_nul_in_a_query_string_is_a_400_with_a_message(app, world, path):
    response = client_as(app, "office_admin").get(path)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.get_data(as_text=True)


def test_a_nul_in_form_text_or_a_file_name_saves_nothing(app, world):
    client = client_as(app, "officer_own")
    task = world["own"]
    response = client.post(f"/tasks/{task}/progress", data={"body": "Đã xong\x00"})
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.get_data(as_text=True)
    response = client.post(
        f"/tasks/{task}/progress",
        data={"body": "Báo cáo", "attachment": (io.BytesIO(b"%PDF-1.4\n"), "x\x00.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    with app.app_context():
        from tracker.tasks.models import ProgressUpdate

        bodies = db.session.execute(select(ProgressUpdate.body)).scalars().all()
    assert bodies == ["Đã họp triển khai"]
    # the login form too (anonymous)
    response = app.test_client().post("/login", data={"email": "a\x00@b.vn", "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_an_import_is_refused_or_dropped(app_ctx):
    from tracker.agencies.importer import ImportFormatError, read_table

    with pytest.raises(ImportFormatError, match="không phải văn bản CSV"):
        read_table("a.csv", "name,short_name\nSở A\x00B,SAB\n".encode())
    # past the first 2 KB the csv module reads it: the cell keeps its text without the NUL
    padding = "".join(f"Cơ quan {n},C{n}\n" for n in range(200))
    rows = read_table("a.csv", f"name,short_name\n{padding}Sở A\x00B,SAB\n".encode())
    assert rows[-1][1] == {"name": "Sở AB", "short_name": "SAB"}


# -- 5. one message for an unknown email, a paused and a deactivated account ----------------


def test_unknown_paused_and_deactivated_accounts_get_the_same_answer(app, world):
    limit = app.config["LOGIN_MAX_FAILURES"]
    client = _client(app, "198.51.100.9")
    for _ in range(limit + 1):
        paused = client.post("/login", data={"email": EMAILS["officer_own"], "password": "sai"})
    paused_right = client.post(
        "/login", data={"email": EMAILS["officer_own"], "password": PASSWORD}
    )
    unknown = client.post("/login", data={"email": "khongco@tinh.gov.vn", "password": "sai"})
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == EMAILS["leader"])).scalar_one()
        user.active = False
        db.session.commit()
    deactivated = _client(app, "198.51.100.10").post(
        "/login", data={"email": EMAILS["leader"], "password": PASSWORD}
    )
    for response in (paused, paused_right, unknown, deactivated):
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and WRONG in html
        assert "quá nhiều lần" not in html and "đã bị khóa" not in html


# -- 6. an attacker cannot lock the office out ----------------------------------------------


def test_guessing_from_one_address_does_not_lock_the_account_elsewhere(app, world):
    attacker = _client(app, "203.0.113.66")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        attacker.post("/login", data={"email": EMAILS["office_admin"], "password": "doan"})
    # the attacker's address is paused for that account, even with the right password
    response = attacker.post("/login", data={"email": EMAILS["office_admin"], "password": PASSWORD})
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    # the admin, in the office, logs in at once
    office = _client(app, "10.0.0.5")
    response = office.post("/login", data={"email": EMAILS["office_admin"], "password": PASSWORD})
    assert response.status_code == 302
    # and the attacker's pause ends after LOGIN_LOCK_MINUTES
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    response = _client(app, "203.0.113.66").post(
        "/login", data={"email": EMAILS["office_admin"], "password": PASSWORD}
    )
    assert response.status_code == 302


# -- 12. headers, cookies and session lifetimes --------------------------------------------


def test_logged_in_pages_and_downloads_are_not_cached(app, world):
    client = client_as(app, "office_staff")
    for path in ("/dashboard", f"/tasks/{world['own']}", f"/files/{world['task_file']}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        response.close()
    login_page = app.test_client().get("/login")
    assert "no-store" not in login_page.headers.get("Cache-Control", "")


def test_production_sends_hsts_and_refuses_the_default_secret(tmp_path, monkeypatch):
    class Production(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        SECRET_KEY = "dev-only-change-me"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)
    Production.SECRET_KEY = "change-me-to-a-long-random-string"
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)
    Production.SECRET_KEY = "x" * 48
    app = create_app(Production)
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    nginx = (create_app.__globals__["ROOT"] / "deploy" / "nginx-tracker.conf").read_text()
    assert "Strict-Transport-Security" in nginx


def test_the_remember_me_cookie_is_samesite_and_lasts_30_days(app, world):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": EMAILS["officer_own"], "password": PASSWORD, "remember": "y"}
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)


def test_an_idle_session_ends_on_the_server(app, world):
    client = client_as(app, "officer_own")
    assert client.get("/dashboard").status_code == 200
    idle = app.config["SESSION_IDLE_MINUTES"]
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=idle - 5)
    assert client.get("/dashboard").status_code == 200  # still active: the clock restarts
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=2 * idle - 5)
    assert client.get("/dashboard").status_code == 200
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=3 * idle)
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/dashboard").status_code == 302  # really logged out


def test_a_session_ends_after_its_absolute_lifetime_even_when_used(app, world):
    from tracker.auth.sessions import save_session_limits

    with app.app_context():
        save_session_limits(idle_minutes=60, absolute_hours=2)  # the office's setting
        db.session.commit()
    client = client_as(app, "officer_own")
    for minutes in range(30, 120, 30):
        app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=minutes)
        assert client.get("/dashboard").status_code == 200
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=125)
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_settings_module_has_defaults(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path))
    assert app.config["SESSION_IDLE_MINUTES"] == 120 and app.config["SESSION_MAX_HOURS"] == 12


def test_the_admin_sets_the_session_limits(app, world):
    admin = client_as(app, "office_admin")
    page = admin.get("/settings/sessions").get_data(as_text=True)
    assert 'value="120"' in page and 'value="12"' in page
    bad = admin.post("/settings/sessions", data={"idle_minutes": "1", "absolute_hours": "x"})
    assert bad.status_code == 200 and "Từ 5 đến 1440 phút" in bad.get_data(as_text=True)
    done = admin.post("/settings/sessions", data={"idle_minutes": "30", "absolute_hours": "8"})
    assert done.status_code == 302
    with app.app_context():
        from tracker.auth.sessions import session_limits

        assert tuple(session_limits()) == (30, 8)
    assert client_as(app, "office_staff").get("/settings/sessions").status_code == 403
