"""Sessions can be revoked: a copied session or remember-me cookie stops working at logout,
when the password changes and when the account is deactivated.

The cookies carry the account's session token (Flask-Login's alternative id), never its id;
those events replace the token, so every cookie made with the old one finds nobody.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.world import EMAILS, client_as
from tracker.audit.models import AuditLog
from tracker.auth.models import User
from tracker.extensions import db

DASHBOARD = "/dashboard"


def _user(app, role: str) -> tuple[int, str]:
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == EMAILS[role])).scalar_one()
        result = user.id, user.session_token
        db.session.remove()
    return result


def _copy(app, client, *names: str):
    """A second browser holding copies of `client`'s cookies (a stolen cookie)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _is_logged_in(client) -> bool:
    response = client.get(DASHBOARD)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def test_the_cookie_carries_the_session_token_not_the_id(app, world):
    client = client_as(app, "officer_own")
    user_id, token = _user(app, "officer_own")
    with client.session_transaction() as session:
        assert session["_user_id"] == token
    assert token != str(user_id) and len(token) >= 32
    # every account has its own token
    tokens = {_user(app, role)[1] for role in EMAILS}
    assert len(tokens) == len(EMAILS)


def test_a_copied_session_cookie_dies_at_logout(app, world):
    client = client_as(app, "officer_own")
    thief = _copy(app, client, "session")
    assert _is_logged_in(thief)
    assert client.post("/logout").status_code == 302
    assert not _is_logged_in(thief)
    assert not _is_logged_in(client)
    # logging in again works and gives a new token
    assert client_as(app, "officer_own").get(DASHBOARD).status_code == 200


def test_a_copied_remember_cookie_dies_at_logout(app, world):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": EMAILS["officer_own"], "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    thief = _copy(app, client, "remember_token")  # the remember-me cookie alone
    assert _is_logged_in(thief)
    thief_again = _copy(app, client, "remember_token")
    client.post("/logout")
    assert not _is_logged_in(thief_again)


def test_logout_ends_the_other_sessions_of_the_account(app, world):
    """One token per account: "Đăng xuất" signs the account out on every device."""
    office_pc = client_as(app, "officer_own")
    phone = client_as(app, "officer_own")
    phone.post("/logout")
    assert not _is_logged_in(office_pc)
    # other accounts are not affected
    assert _is_logged_in(client_as(app, "officer_other"))


def test_an_admins_password_reset_ends_the_users_sessions(app, world):
    officer = app.test_client()
    officer.post(
        "/login", data={"email": EMAILS["officer_own"], "password": PASSWORD, "remember": "y"}
    )
    thief = _copy(app, officer, "session")
    remember_thief = _copy(app, officer, "remember_token")
    other = client_as(app, "officer_other")
    user_id, before = _user(app, "officer_own")

    admin = client_as(app, "office_admin")
    response = admin.post(f"/users/{user_id}/password", data={"password": "mat-khau-moi-9"})
    assert response.status_code == 302
    assert _user(app, "officer_own")[1] != before
    for client in (officer, thief, remember_thief):
        assert not _is_logged_in(client)
    assert _is_logged_in(other) and _is_logged_in(admin)
    # the new password opens a new session
    response = app.test_client().post(
        "/login", data={"email": EMAILS["officer_own"], "password": "mat-khau-moi-9"}
    )
    assert response.status_code == 302


def test_a_password_set_in_the_account_form_ends_the_sessions(app, world):
    officer = client_as(app, "officer_own")
    user_id, _ = _user(app, "officer_own")
    admin = client_as(app, "office_admin")
    with app.app_context():
        user = db.session.get(User, user_id)
        form = {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "agency_id": user.agency_id,
            "active": "y",
        }
    # saving without a password leaves the sessions alone ...
    assert admin.post(f"/users/{user_id}/edit", data=form).status_code == 302
    assert _is_logged_in(officer)
    # ... a new password ends them
    form["password"] = "mat-khau-moi-9"
    assert admin.post(f"/users/{user_id}/edit", data=form).status_code == 302
    assert not _is_logged_in(officer)


def test_deactivation_ends_the_sessions_for_good(app, world):
    officer = client_as(app, "officer_own")
    thief = _copy(app, officer, "session")
    user_id, _ = _user(app, "officer_own")
    admin = client_as(app, "office_admin")
    with app.app_context():
        user = db.session.get(User, user_id)
        form = {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "agency_id": user.agency_id,
        }
    assert admin.post(f"/users/{user_id}/edit", data=form).status_code == 302  # no "active"
    assert not _is_logged_in(officer) and not _is_logged_in(thief)
    # reactivated: the old cookies stay dead, the password works again
    form["active"] = "y"
    assert admin.post(f"/users/{user_id}/edit", data=form).status_code == 302
    assert not _is_logged_in(thief)
    assert _is_logged_in(client_as(app, "officer_own"))


def test_an_inactive_account_is_refused_even_with_its_current_token(app, world):
    """The loader checks `active` too: a deactivation written straight to the database
    (or by any code path that does not rotate) still ends the sessions."""
    officer = client_as(app, "officer_own")
    user_id, token = _user(app, "officer_own")
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert _user(app, "officer_own")[1] == token
    assert not _is_logged_in(officer)


def test_an_admin_changing_their_own_password_keeps_this_session_only(app, world):
    admin = app.test_client()
    admin.post(
        "/login", data={"email": EMAILS["office_admin"], "password": PASSWORD, "remember": "y"}
    )
    elsewhere = client_as(app, "office_admin")
    stolen = _copy(app, admin, "session", "remember_token")
    admin_id, _ = _user(app, "office_admin")
    response = admin.post(f"/users/{admin_id}/password", data={"password": "mat-khau-moi-9"})
    assert response.status_code == 302
    assert _is_logged_in(admin)
    assert not _is_logged_in(elsewhere) and not _is_logged_in(stolen)
    # this browser's remember-me cookie was renewed with the new token
    assert _is_logged_in(_copy(app, admin, "remember_token"))


def test_the_token_never_reaches_the_audit_log(app, world):
    officer = client_as(app, "officer_own")
    user_id, _ = _user(app, "officer_own")
    admin = client_as(app, "office_admin")
    admin.post(f"/users/{user_id}/password", data={"password": "mat-khau-moi-9"})
    officer.post("/logout")
    tokens = {_user(app, role)[1] for role in EMAILS}
    with app.app_context():
        rows = db.session.execute(select(AuditLog)).scalars().all()
        text = " ".join(str(row.changes) for row in rows)
    assert rows and not any(token in text for token in tokens)
    assert "session_token" not in text
