"""The profile page's API tokens: create (shown once), list with last use, revoke with a
confirmation; bad input keeps what was typed."""

import re

from tests.api.conftest import bearer
from tests.world import client_as
from tracker.api.models import ApiToken
from tracker.extensions import db


def test_create_use_list_and_revoke_from_the_profile_page(app, world):
    browser = client_as(app, "leader")
    page = browser.get("/account/tokens")
    assert page.status_code == 200 and "Khóa API cá nhân" in page.get_data(as_text=True)
    created = browser.post("/account/tokens", data={"name": "Bảng điều hành", "expires_on": ""})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    secret = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    # shown once: the list afterwards shows the prefix only
    listed = browser.get("/account/tokens").get_data(as_text=True)
    assert secret not in listed and secret[:12] in listed and "Chưa dùng" in listed
    assert browser.get("/api/v1/agencies", headers=bearer(secret)).status_code == 200
    assert "Chưa dùng" not in browser.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        row = db.session.execute(
            db.select(ApiToken).where(ApiToken.name == "Bảng điều hành")
        ).scalar_one()
        token_id = row.id
    confirm = browser.get(f"/account/tokens/{token_id}/revoke")
    assert confirm.status_code == 200 and "Thu hồi" in confirm.get_data(as_text=True)
    assert browser.get("/api/v1/agencies", headers=bearer(secret)).status_code == 200
    revoked = browser.post(f"/account/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert browser.get("/api/v1/agencies", headers=bearer(secret)).status_code == 401
    assert "Đã thu hồi" in browser.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        from tracker.audit.models import AuditLog

        logged = (
            db.session.execute(
                db.select(AuditLog)
                .where(AuditLog.entity == "api_token", AuditLog.user_id.is_not(None))
                .order_by(AuditLog.id)
            )
            .scalars()
            .all()
        )
        assert [row.action for row in logged] == ["create", "update"]
        assert logged[1].entity_id == token_id and "revoked_at" in logged[1].changes
        assert all(secret not in str(row.changes) for row in logged)
        assert all("token_hash" not in row.changes for row in logged)


def test_someone_elses_token_is_404_and_bad_dates_keep_the_input(app, world):
    other = client_as(app, "officer_other")
    assert other.get(f"/account/tokens/{world['token']}/revoke").status_code == 404
    assert other.post(f"/account/tokens/{world['token']}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, world["token"]).revoked_at is None
    bad = other.post("/account/tokens", data={"name": "Lịch", "expires_on": "31/02/2025"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "31/02/2025" in html and 'value="Lịch"' in html and "new-token" not in html
    past = other.post("/account/tokens", data={"name": "Cũ", "expires_on": "01/01/2025"})
    assert past.status_code == 422 and "trước hôm nay" in past.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ApiToken.id))).scalar_one() == 1
