"""The office's webhook pages: add (bad input kept), edit, delete with confirmation, audited;
the delivery log with the response code."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login_as
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint


def _post(client, path, **fields):
    data = {"name": "", "url": "", "secret": "", "kind": "json", "agency_id": "", **fields}
    return client.post(path, data=data)


def test_add_edit_delete_an_endpoint(app, client, data):
    login_as(client, data.users["admin"])
    page = client.get("/webhooks/new")
    assert page.status_code == 200
    bad = _post(
        client, "/webhooks/new", name="Bảng điều hành", url="ftp://x.vn/h", events=["task.assigned"]
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "http:// hoặc https://" in html
    assert 'value="ftp://x.vn/h"' in html and 'value="Bảng điều hành"' in html
    none = _post(client, "/webhooks/new", name="Bảng", url="https://x.vn/h")
    assert "Vui lòng chọn ít nhất một sự kiện." in none.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(WebhookEndpoint)).first() is None

    ok = _post(
        client,
        "/webhooks/new",
        name="Bảng điều hành",
        url="https://dashboard.tinh.gov.vn/hook",
        events=["task.assigned", "task.overdue"],
        agency_id=str(data.agencies["stc"]),
        active="y",
    )
    assert ok.status_code == 302
    with app.app_context():
        endpoint = db.session.execute(select(WebhookEndpoint)).scalar_one()
        secret = endpoint.secret
        assert len(secret) >= 32 and endpoint.agency_id == data.agencies["stc"]
        assert endpoint.events == ["task.assigned", "task.overdue"]
        endpoint_id = endpoint.id
    shown_once = client.get("/webhooks/").get_data(as_text=True)  # the flash shows the secret once
    assert secret in shown_once
    listing = client.get("/webhooks/").get_data(as_text=True)
    assert "https://dashboard.tinh.gov.vn/hook" in listing and "Sở Tài chính" in listing
    assert secret not in listing

    edited = _post(
        client,
        f"/webhooks/{endpoint_id}/edit",
        name="Bảng điều hành tỉnh",
        url="https://dashboard.tinh.gov.vn/hook2",
        events=["task.completed"],
        kind="gateway",
    )
    assert edited.status_code == 302
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        assert (endpoint.url, endpoint.secret, endpoint.active) == (
            "https://dashboard.tinh.gov.vn/hook2",
            secret,  # an empty secret keeps the old one
            False,
        )
        assert endpoint.kind == "gateway" and endpoint.agency_id is None
        db.session.add(
            WebhookDelivery(
                event_id="x",
                event="task.completed",
                endpoint_id=endpoint_id,
                body="{}",
                status="sent",
                response_code=204,
                attempts=1,
            )
        )
        db.session.commit()

    log = client.get("/webhooks/deliveries").get_data(as_text=True)
    assert "204" in log and "Bảng điều hành tỉnh" in log

    confirm = client.get(f"/webhooks/{endpoint_id}/delete")
    assert "Xóa địa chỉ webhook" in confirm.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(WebhookEndpoint, endpoint_id) is not None  # GET deletes nothing
    assert client.post(f"/webhooks/{endpoint_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(WebhookEndpoint, endpoint_id) is None
        assert db.session.execute(select(WebhookDelivery)).first() is None
        rows = (
            db.session.execute(
                select(AuditLog).where(AuditLog.entity == "webhook_endpoint").order_by(AuditLog.id)
            )
            .scalars()
            .all()
        )
        assert [r.action for r in rows] == ["create", "update", "delete"]
        assert all("secret" not in (r.changes or {}) for r in rows)
