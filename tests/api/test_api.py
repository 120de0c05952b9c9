"""The REST API with real requests: tokens, visibility, filters, paging, ETags, problems, writes."""

from datetime import date

from tests.api.conftest import bearer, make_token
from tests.world import client_as
from tracker.api.models import ApiToken
from tracker.extensions import db
from tracker.tasks.models import Task


def test_a_token_acts_as_its_user(app, world, tokens, client):
    everything = client.get("/api/v1/tasks", headers=bearer(tokens["office_admin"]))
    assert everything.status_code == 200
    assert everything.mimetype == "application/json"
    ids = {t["id"] for t in everything.json["items"]}
    assert {world["own"], world["other"]} <= ids
    mine = client.get("/api/v1/tasks", headers=bearer(tokens["officer_own"])).json
    mine_ids = {t["id"] for t in mine["items"]}
    assert world["own"] in mine_ids and world["other"] not in mine_ids
    assert mine["total"] < everything.json["total"]
    # another agency's task is 404, as on the pages
    hidden = client.get(f"/api/v1/tasks/{world['other']}", headers=bearer(tokens["officer_own"]))
    assert hidden.status_code == 404
    assert hidden.mimetype == "application/problem+json"
    assert "PAPI" not in hidden.get_data(as_text=True)


def test_task_detail_has_periods_progress_and_extensions(app, world, tokens, client):
    own = client.get(f"/api/v1/tasks/{world['own']}", headers=bearer(tokens["leader"])).json
    assert own["progress_updates"][0]["body"] == "Đã họp triển khai"
    assert own["extension_requests"][0]["state"] == "pending"
    periodic = client.get(f"/api/v1/tasks/{world['periodic']}", headers=bearer(tokens["leader"]))
    assert len(periodic.json["periods"]) == 4


def test_wrong_expired_or_revoked_tokens_get_401(app, world, tokens, client):
    for headers in ({}, bearer("trk_nope"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/tasks", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["status"] == 401 and response.json["title"]
    expired = make_token(app, "stc@tinh.gov.vn", expires_on=date(2025, 8, 18))
    assert client.get("/api/v1/tasks", headers=bearer(expired)).status_code == 200
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(expires_on=date(2025, 8, 17)))
        db.session.commit()
    assert client.get("/api/v1/tasks", headers=bearer(expired)).status_code == 401
    runner = app.test_cli_runner()
    with app.app_context():
        token_id = db.session.execute(
            db.select(ApiToken.id).where(ApiToken.prefix == tokens["leader"][:12])
        ).scalar_one()
    result = runner.invoke(args=["users", "token", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/tasks", headers=bearer(tokens["leader"])).status_code == 401


def test_the_session_cookie_does_not_authenticate_the_api(app, world):
    browser = client_as(app, "office_admin")
    assert browser.get("/api/v1/tasks").status_code == 401
    response = browser.post(f"/api/v1/tasks/{world['own']}/progress", json={"body": "qua cookie"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(Task, world["own"]).progress_updates[-1].body != "qua cookie"


def test_only_the_hash_is_stored_and_last_use_is_recorded(app, world, tokens, client):
    client.get("/api/v1/agencies", headers=bearer(tokens["office_staff"]))
    with app.app_context():
        rows = db.session.execute(db.select(ApiToken)).scalars().all()
        assert all(tokens["office_staff"] not in (r.token_hash, r.prefix) for r in rows)
        used = [r for r in rows if r.prefix == tokens["office_staff"][:12]]
        assert used[0].last_used_at is not None


def test_filters_pagination_and_links(app, world, tokens, client):
    headers = bearer(tokens["office_admin"])
    first = client.get("/api/v1/tasks?per_page=2", headers=headers)
    assert len(first.json["items"]) == 2
    total = first.json["total"]
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    seen = []
    page = 1
    while True:
        r = client.get(f"/api/v1/tasks?per_page=2&page={page}", headers=headers)
        seen += [t["id"] for t in r.json["items"]]
        if 'rel="next"' not in r.headers["Link"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) == total
    only = client.get(f"/api/v1/tasks?agency={world['agency']}", headers=headers).json
    assert world["own"] in {t["id"] for t in only["items"]}
    assert world["other"] not in {t["id"] for t in only["items"]}
    search = client.get("/api/v1/tasks?q=papi", headers=headers).json
    assert [t["id"] for t in search["items"]] == [world["other"]]
    overdue = client.get("/api/v1/tasks?state=open_overdue", headers=headers).json
    # a task is listed when one of its obligations is overdue (its deadline, a period, a via
    # deadline), and its line shows its worst open obligation
    assert overdue["items"] and all(
        any(o["status"] == "open_overdue" for o in t["obligations"]) for t in overdue["items"]
    )
    before = client.get("/api/v1/tasks?state=open_overdue&as_of=2025-08-01", headers=headers).json
    assert before["total"] < overdue["total"]
    dated = client.get("/api/v1/tasks?due_from=2025-08-12&due_to=2025-08-20", headers=headers).json
    assert all("2025-08-12" <= t["due_on"] <= "2025-08-20" for t in dated["items"])
    assert client.get("/api/v1/tasks?per_page=201", headers=headers).status_code == 422


def test_bad_filters_are_422_listing_the_fields(app, world, tokens, client):
    response = client.get(
        "/api/v1/tasks?due_from=15/08/2025&state=nope&page=0", headers=bearer(tokens["leader"])
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.json["errors"]} == {"due_from", "state", "page"}


def test_etag_and_if_none_match(app, world, tokens, client):
    headers = bearer(tokens["leader"])
    first = client.get(f"/api/v1/tasks/{world['own']}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/tasks/{world['own']}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    client.post(
        f"/api/v1/tasks/{world['own']}/progress",
        json={"body": "Đã có số liệu"},
        headers=bearer(tokens["officer_own"]),
    )
    changed = client.get(
        f"/api/v1/tasks/{world['own']}", headers={**headers, "If-None-Match": etag}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_problems_speak_the_requests_language(app, world, tokens, client):
    vi = client.get("/api/v1/tasks/999999", headers=bearer(tokens["leader"]))
    en = client.get(
        "/api/v1/tasks/999999", headers=bearer(tokens["leader"], **{"Accept-Language": "en"})
    )
    assert vi.status_code == en.status_code == 404
    assert vi.json["title"] == "Không tìm thấy"
    assert en.json["title"] == "Not found"
    unknown = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    forbidden = client.get("/api/v1/directives", headers=bearer(tokens["officer_own"]))
    assert forbidden.status_code == 403 and forbidden.json["status"] == 403


def test_directives_with_tasks_and_agencies(app, world, tokens, client):
    headers = bearer(tokens["leader"])
    listing = client.get("/api/v1/directives", headers=headers).json
    assert listing["items"][0]["number"] == "5016/TB-VPUBND"
    one = client.get(f"/api/v1/directives/{world['directive']}", headers=headers).json
    assert world["own"] in {t["id"] for t in one["tasks"]}
    agencies = client.get("/api/v1/agencies", headers=bearer(tokens["officer_own"])).json
    assert "Sở Tài chính" in {a["name"] for a in agencies["items"]}


def test_rate_limit_per_token(app, world, tokens, client):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    from tracker.api.views import rate_window

    rate_window.counts.clear()
    headers = bearer(tokens["leader"])
    codes = [client.get("/api/v1/agencies", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/agencies", headers=headers)
    assert limited.mimetype == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # another token has its own budget
    assert client.get("/api/v1/agencies", headers=bearer(tokens["office_staff"])).status_code == 200
    rate_window.counts.clear()


def test_attachments_follow_their_owner(app, world, tokens, client):
    own = client.get(f"/api/v1/tasks/{world['own']}", headers=bearer(tokens["officer_own"])).json
    names = {a["filename"] for a in own["attachments"]}
    assert {"ket-qua.pdf", "tien-do.pdf"} <= names
    url = next(a["url"] for a in own["attachments"] if a["filename"] == "ket-qua.pdf")
    got = client.get(url, headers=bearer(tokens["officer_own"]))
    assert got.status_code == 200 and got.data.startswith(b"%PDF")
    got.close()
    for name, role, status in (
        ("other_file", "officer_own", 404),
        ("directive_file", "officer_own", 404),
        ("directive_file", "leader", 200),
        ("task_file", "officer_other", 404),
    ):
        response = client.get(f"/api/v1/attachments/{world[name]}", headers=bearer(tokens[role]))
        assert response.status_code == status, (name, role)
        response.close()
    assert client.get(f"/api/v1/attachments/{world['task_file']}").status_code == 401
