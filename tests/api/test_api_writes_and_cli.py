"""API writes through the pages' services, the token CLI, and the demo province check."""

from sqlalchemy import func, select

from tests.api.conftest import bearer
from tracker.api.models import ApiToken
from tracker.audit.models import AuditLog
from tracker.deadlines.models import ExtensionRequest
from tracker.extensions import db
from tracker.tasks.models import ProgressUpdate, Task


def test_progress_and_completion_are_audited_as_the_tokens_user(app, world, tokens, client):
    officer = bearer(tokens["officer_own"])
    posted = client.post(
        f"/api/v1/tasks/{world['own']}/progress", json={"body": "  Đã họp lần 2 "}, headers=officer
    )
    assert posted.status_code == 201 and posted.json["body"] == "Đã họp lần 2"
    done = client.post(
        f"/api/v1/tasks/{world['own']}/completion",
        json={"report_number": "45/BC-STC", "report_date": "2025-08-18", "note": "xong"},
        headers=officer,
    )
    assert done.status_code == 200 and done.json["status"] == "done_late"
    with app.app_context():
        task = db.session.get(Task, world["own"])
        assert task.done_report_number == "45/BC-STC" and task.done_by_id is not None
        officer_id = task.done_by_id
        authors = set(
            db.session.execute(
                select(AuditLog.user_id).where(AuditLog.task_id == world["own"])
            ).scalars()
        )
        assert officer_id in authors
    again = client.post(
        f"/api/v1/tasks/{world['own']}/completion", json={"report_number": "x"}, headers=officer
    )
    assert again.status_code == 422 and again.json["errors"][0]["field"] == "done_on"


def test_a_leaders_token_cannot_write_and_refused_writes_change_nothing(app, world, tokens, client):
    def counts():
        with app.app_context():
            return (
                db.session.execute(select(func.count(ProgressUpdate.id))).scalar_one(),
                db.session.execute(select(func.count(AuditLog.id))).scalar_one(),
            )

    before = counts()
    leader = bearer(tokens["leader"])
    for url, body in (
        (f"/api/v1/tasks/{world['own']}/progress", {"body": "lãnh đạo"}),
        (f"/api/v1/tasks/{world['own']}/completion", {"report_number": "1/BC"}),
        (f"/api/v1/tasks/{world['own']}/extension-requests", {"reason": "x"}),
        (f"/api/v1/extension-requests/{world['extension']}/decision", {"action": "refuse"}),
    ):
        response = client.post(url, json=body, headers=leader)
        assert response.status_code == 403, url
        assert response.mimetype == "application/problem+json"
    # the co-agency may report progress but not complete
    co = client.post(
        f"/api/v1/tasks/{world['co']}/completion",
        json={"report_number": "1/BC"},
        headers=bearer(tokens["officer_own"]),
    )
    assert co.status_code == 403
    assert counts() == before


def test_validation_errors_list_the_fields_in_the_requests_language(app, world, tokens, client):
    officer = bearer(tokens["officer_own"], **{"Accept-Language": "en"})
    response = client.post(
        f"/api/v1/tasks/{world['own']}/completion",
        json={"done_on": "18/08/2025", "report_date": "mai"},
        headers=officer,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"done_on", "report_date"}
    assert response.json["errors"][0]["message"] == "Dates must read YYYY-MM-DD."
    not_json = client.post(f"/api/v1/tasks/{world['own']}/progress", data="body=x", headers=officer)
    assert not_json.status_code == 422 and not_json.json["errors"][0]["field"] == "body"
    pending = client.post(
        f"/api/v1/tasks/{world['own']}/extension-requests",
        json={"requested_due_on": "2025-10-01", "reason": "Thêm thời gian"},
        headers=officer,
    )
    assert pending.status_code == 422
    assert pending.json["errors"][0]["field"] == "requested_due_on"


def test_extension_request_and_decision(app, world, tokens, client):
    office = bearer(tokens["office_staff"])
    refused = client.post(
        f"/api/v1/extension-requests/{world['extension']}/decision",
        json={"action": "refuse"},
        headers=office,
    )
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "note"
    refused = client.post(
        f"/api/v1/extension-requests/{world['extension']}/decision",
        json={"action": "refuse", "note": "Không đủ căn cứ"},
        headers=office,
    )
    assert refused.status_code == 200 and refused.json["state"] == "refused"
    twice = client.post(
        f"/api/v1/extension-requests/{world['extension']}/decision",
        json={"action": "approve"},
        headers=office,
    )
    assert twice.status_code == 409
    asked = client.post(
        f"/api/v1/tasks/{world['own']}/extension-requests",
        json={"working_days": 10, "reason": "Chờ số liệu"},
        headers=bearer(tokens["officer_own"]),
    )
    assert asked.status_code == 201 and asked.json["state"] == "pending"
    approved = client.post(
        f"/api/v1/extension-requests/{asked.json['id']}/decision",
        json={"action": "approve"},
        headers=office,
    )
    assert approved.status_code == 200
    with app.app_context():
        task = db.session.get(Task, world["own"])
        assert task.due_on.isoformat() == asked.json["requested_due_on"]
        assert db.session.get(ExtensionRequest, asked.json["id"]).decided_by_id is not None


def test_token_cli_create_list_revoke(app, world):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "users",
            "token",
            "create",
            "--email",
            "STC@tinh.gov.vn",
            "--name",
            "Cổng dữ liệu",
            "--expires",
            "2025-12-31",
        ]
    )
    assert created.exit_code == 0, created.output
    secret = created.output.strip()
    assert secret.startswith("trk_") and len(secret) > 40
    listed = runner.invoke(args=["users", "token", "list", "--email", "stc@tinh.gov.vn"])
    assert "Cổng dữ liệu" in listed.output and secret[:12] in listed.output
    assert secret not in listed.output
    with app.app_context():
        row = db.session.execute(
            select(ApiToken).where(ApiToken.prefix == secret[:12])
        ).scalar_one()
        assert row.token_hash != secret and row.expires_on.isoformat() == "2025-12-31"
    bad = runner.invoke(args=["users", "token", "create", "--email", "x@y.vn"])
    assert bad.exit_code != 0 and "Không tìm thấy" in bad.output
    bad_date = runner.invoke(
        args=["users", "token", "create", "--email", "stc@tinh.gov.vn", "--expires", "31/12/2025"]
    )
    assert bad_date.exit_code != 0
    past = runner.invoke(
        args=["users", "token", "create", "--email", "stc@tinh.gov.vn", "--expires", "2025-01-01"]
    )
    assert past.exit_code != 0
    revoked = runner.invoke(args=["users", "token", "revoke", str(row.id)])
    assert revoked.exit_code == 0
    assert (
        "đã thu hồi"
        in runner.invoke(args=["users", "token", "list", "--email", "stc@tinh.gov.vn"]).output
    )


def test_demo_province_admin_sees_more_than_the_finance_department(app, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0

    def listed(email: str) -> dict:
        result = runner.invoke(args=["users", "token", "create", "--email", email])
        assert result.exit_code == 0, result.output
        response = client.get("/api/v1/tasks?per_page=200", headers=bearer(result.output.strip()))
        assert response.status_code == 200
        return response.json

    admin, stc = listed("admin@tinh.gov.vn"), listed("stc@tinh.gov.vn")
    assert 0 < stc["total"] < admin["total"]
    with app.app_context():
        from tracker.agencies.models import Agency
        from tracker.deadlines.obligations import involved_agency_ids

        stc_id = db.session.execute(
            select(Agency.id).where(Agency.name == "Sở Tài chính")
        ).scalar_one()
        for item in stc["items"]:
            assert stc_id in involved_agency_ids(db.session.get(Task, item["id"]))
    assert client.get("/api/v1/tasks", headers=bearer("trk_sai")).status_code == 401
