"""Login throttling per client address (one address trying many emails), shared by every
worker through the database, and an unknown email costing a password-hash check like a known
one. The per-account pause is tested in test_web_hardening.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW, PASSWORD, make_config
from tests.world import EMAILS
from tracker import create_app
from tracker.auth import models as auth_models
from tracker.auth import services as auth_services
from tracker.auth.models import LoginFailure, User
from tracker.extensions import db

TOO_MANY = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
WRONG = "Thư điện tử hoặc mật khẩu không đúng."
ATTACKER = "203.0.113.7"


def _client(app, address: str = ATTACKER):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _guess(client, number: int, **headers):
    return client.post(
        "/login",
        data={"email": f"khongco{number}@tinh.gov.vn", "password": "doan-bua"},
        headers=headers,
    )


def _failures(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(LoginFailure.address, func.count()).group_by(LoginFailure.address)
        ).all()
        db.session.remove()
    return dict(rows)


@pytest.fixture
def other_app(database_url, tmp_path, world):
    """A second app on the same database: another gunicorn worker."""
    app = create_app(make_config(database_url, tmp_path))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_one_address_trying_many_emails_is_refused(app, world):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    attacker = _client(app)
    for number in range(limit):
        response = _guess(attacker, number)
        assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    # refused now, even with a right password, in Vietnamese, without checking it
    response = attacker.post("/login", data={"email": EMAILS["officer_own"], "password": PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert TOO_MANY in html and 'lang="vi"' in html and 'name="email"' in html
    assert int(response.headers["Retry-After"]) > 0
    with app.app_context():
        user = db.session.execute(
            select(User).where(User.email == EMAILS["officer_own"])
        ).scalar_one()
        assert user.failed_logins == 0 and user.last_login_at is None
    assert _failures(app) == {ATTACKER: limit}  # a refused request is not counted again
    # another address is not affected
    response = _client(app, "198.51.100.20").post(
        "/login", data={"email": EMAILS["officer_own"], "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_address_is_released_when_its_failures_leave_the_window(app, world):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    attacker = _client(app)
    for number in range(limit):
        _guess(attacker, number)
    assert _guess(attacker, limit).status_code == 429
    window = app.config["LOGIN_ADDRESS_WINDOW_MINUTES"]
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(minutes=window + 1)
    response = attacker.post("/login", data={"email": EMAILS["officer_own"], "password": PASSWORD})
    assert response.status_code == 302


def test_old_failures_are_pruned_as_new_ones_come(app, world):
    for number in range(3):
        _guess(_client(app, "192.0.2.1"), number)
    assert _failures(app) == {"192.0.2.1": 3}
    app.config["TRACKER_NOW"] = FROZEN_NOW + timedelta(
        minutes=app.config["LOGIN_ADDRESS_WINDOW_MINUTES"] + 1
    )
    _guess(_client(app, "192.0.2.2"), 0)
    assert _failures(app) == {"192.0.2.2": 1}


def test_wrong_passwords_and_locked_accounts_count_for_the_address(app, world):
    """Guessing passwords of real accounts counts too, and so does knocking on a paused
    account (its different message would otherwise be a free way to test emails)."""
    attacker = _client(app)
    per_account = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(per_account):
        attacker.post("/login", data={"email": EMAILS["officer_own"], "password": "sai"})
    response = attacker.post("/login", data={"email": EMAILS["officer_own"], "password": "sai"})
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    assert _failures(app) == {ATTACKER: per_account + 1}
    # a successful login from the address is not a failure
    _client(app).post("/login", data={"email": EMAILS["leader"], "password": PASSWORD})
    assert _failures(app) == {ATTACKER: per_account + 1}


def test_the_count_is_shared_by_every_worker(app, other_app, world):
    """Two apps on one database (two gunicorn workers) see the same failures."""
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    workers = [_client(app), _client(other_app)]
    for number in range(limit):
        assert _guess(workers[number % 2], number).status_code == 200
    for worker in workers:
        assert _guess(worker, limit).status_code == 429


def test_a_spoofed_forwarded_for_is_ignored_without_a_proxy(app, world):
    """With PROXY_FIX_X_FOR = 0 (the default) the header cannot pick a fresh address."""
    attacker = _client(app)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        _guess(attacker, number, **{"X-Forwarded-For": f"10.0.0.{number}"})
    assert _guess(attacker, limit, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429
    assert _failures(app) == {ATTACKER: limit}


def test_behind_a_proxy_each_client_is_counted_apart(database_url, tmp_path, world):
    """ProductionConfig trusts one proxy (nginx on the same host): the address is the last
    X-Forwarded-For entry, the one nginx appended; what the client wrote before it is ignored."""
    app = create_app(make_config(database_url, tmp_path, PROXY_FIX_X_FOR=1))
    try:
        proxy = _client(app, "127.0.0.1")
        limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
        for number in range(limit):
            forwarded = f"10.0.0.{number}, {ATTACKER}"  # a spoofed entry, then nginx's
            assert _guess(proxy, number, **{"X-Forwarded-For": forwarded}).status_code == 200
        assert _guess(proxy, limit, **{"X-Forwarded-For": ATTACKER}).status_code == 429
        # another client through the same proxy logs in
        response = proxy.post(
            "/login",
            data={"email": EMAILS["officer_own"], "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.20"},
        )
        assert response.status_code == 302
        assert _failures(app) == {ATTACKER: limit}
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_production_trusts_one_proxy():
    from config import Config, ProductionConfig

    assert Config.PROXY_FIX_X_FOR == 0 and ProductionConfig.PROXY_FIX_X_FOR == 1


class _HashSpy:
    """Record every password-hash check, wherever it is made."""

    def __init__(self, monkeypatch):
        self.hashes: list[str] = []
        for module in (auth_models, auth_services):
            real = module.check_password_hash
            monkeypatch.setattr(module, "check_password_hash", self._wrap(real))

    def _wrap(self, real):
        def spy(pwhash: str, password: str) -> bool:
            self.hashes.append(pwhash)
            return real(pwhash, password)

        return spy


def test_an_unknown_email_costs_one_hash_check_like_a_known_one(app, world, monkeypatch):
    """No timing measurement: both paths verify one hash made with PASSWORD_HASH_METHOD."""
    method = app.config["PASSWORD_HASH_METHOD"]
    spy = _HashSpy(monkeypatch)
    client = app.test_client()

    unknown = client.post("/login", data={"email": "khongco@tinh.gov.vn", "password": "x"})
    assert WRONG in unknown.get_data(as_text=True)
    assert len(spy.hashes) == 1 and spy.hashes[0].startswith(method + "$")

    spy.hashes.clear()
    known = client.post("/login", data={"email": EMAILS["officer_own"], "password": "x"})
    assert WRONG in known.get_data(as_text=True)
    assert len(spy.hashes) == 1 and spy.hashes[0].startswith(method + "$")


def test_the_dummy_hash_follows_the_configured_method(app_ctx):
    app_ctx.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2000"
    assert auth_services._dummy_hash("pbkdf2:sha256:2000").startswith("pbkdf2:sha256:2000$")
    user, message = auth_services.authenticate("khongco@tinh.gov.vn", "x")
    assert user is None and message == WRONG
