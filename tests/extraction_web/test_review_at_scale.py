"""The review screen at the size of a real plan (100 tasks), through real requests: bulk
actions that keep every edit, the error summary after a failed save, header warnings that
stay, and the uploaded notice kept as the directive's attachment."""

import io
import re
from pathlib import Path

from sqlalchemy import select

from tests.extraction_web.plan import plan_notice
from tests.extraction_web.test_review_flow import demo, form_fields, login_as, post_review
from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db

__all__ = ["demo"]  # the fixture, shared with the review flow's tests


def agency_id(app, name: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Agency.id).where(Agency.name == name)))


def rows_of(fields) -> list[int]:
    return sorted({int(m) for k in fields for m in re.findall(r"^tasks-(\d+)-", k)})


def review_plan(client) -> dict[str, list[str]]:
    login_as(client, "admin@tinh.gov.vn")
    response = client.post("/directives/extract/", data={"text": plan_notice()})
    assert response.status_code == 200
    fields = form_fields(response.get_data(as_text=True))
    assert len(rows_of(fields)) == 100
    return fields


def test_bulk_actions_change_the_selected_rows_and_keep_every_edit(demo, client):
    fields = review_plan(client)
    justice = agency_id(demo, "Sở Tư pháp")
    fields["tasks-5-content"] = ["Nội dung đã sửa tay"]
    fields["selected"] = ["3", "4"]
    fields["bulk_lead_agency_id"] = [justice]
    response = post_review(client, fields, action="bulk-lead")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Đã giao chủ trì cho 2 nhiệm vụ." in html
    after = form_fields(html)
    assert after["tasks-3-lead_agency_id"] == after["tasks-4-lead_agency_id"] == [justice]
    assert after["tasks-6-lead_agency_id"] == fields["tasks-6-lead_agency_id"]
    assert after["tasks-5-content"][0].strip() == "Nội dung đã sửa tay"
    assert after["selected"] == ["3", "4"]  # still ticked for the next action

    after["bulk_due_on"] = ["31/02/2025"]  # a date that does not exist: said, not a 500
    response = post_review(client, after, action="bulk-due")
    assert response.status_code == 422
    assert "31/02/2025" in response.get_data(as_text=True)
    after["bulk_due_on"] = ["30/09/2025"]
    after = form_fields(post_review(client, after, action="bulk-due").get_data(as_text=True))
    assert after["tasks-3-due_on"] == after["tasks-4-due_on"] == ["30/09/2025"]
    assert after["tasks-7-due_on"] == fields["tasks-7-due_on"]

    after["selected"] = ["0", "1", "2"]
    html = post_review(client, after, action="bulk-drop").get_data(as_text=True)
    assert "Đã bỏ 3 nhiệm vụ." in html
    dropped = form_fields(html)
    assert len(rows_of(dropped)) == 97 and "selected" not in dropped
    assert dropped["tasks-2-content"][0].strip() == "Nội dung đã sửa tay"  # row 5 is now row 2

    html = post_review(client, dropped, action="bulk-lead").get_data(as_text=True)
    assert "Chọn ít nhất một nhiệm vụ" in html
    with demo.app_context():
        assert db.session.scalar(select(Directive.id)) is None  # nothing saved by any of it


def test_failed_save_lists_each_row_in_error_and_keeps_the_header_warnings(demo, client):
    fields = review_plan(client)
    response = post_review(client, fields)  # three early due dates, not confirmed
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('id="error-summary"') - 200 :][:3000]
    assert 'role="alert"' in summary and "data-focus-on-load" in summary
    assert [f"#task-{i}" for i in range(3)] == re.findall(r'href="(#task-\d+)"', summary)
    assert "Nhiệm vụ 1 (Sở Tài chính)" in summary
    for i in range(3):  # the rows in error are open, the others folded
        assert re.search(rf'id="task-{i}"[^>]*>\s*<input[^>]*>\s*<details open', html)
    assert not re.search(r'id="task-10"[^>]*>\s*<input[^>]*>\s*<details open', html)
    assert 'id="header-warnings"' in html and 'data-warning="due-before-issued"' in html

    fixed = form_fields(html)
    again = post_review(client, fixed, action="bulk-confirm-early")
    confirmed = form_fields(again.get_data(as_text=True))
    assert all(confirmed[f"tasks-{i}-confirm_early_due"] == ["y"] for i in range(3))
    response = post_review(client, confirmed)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with demo.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        assert len(directive.tasks) == 100
        two_hop = [t for t in directive.tasks if t.via_agency is not None]
        assert [(t.lead_agency.name, t.via_agency.name) for t in two_hop] == [
            ("Sở Y tế", "Sở Tài chính")
        ]
        assert (two_hop[0].due_on.isoformat(), two_hop[0].via_due_on.isoformat()) == (
            "2025-07-05",
            "2025-07-10",
        )


def test_the_source_words_are_marked_in_each_row(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    html = client.post("/directives/extract/", data={"text": plan_notice(5)}).get_data(as_text=True)
    assert '<mark data-source="agency">Sở Tài chính</mark> chủ trì' in html
    assert '<mark data-source="due">hoàn thành trước ngày' in html
    assert '<mark data-source="via">Sở Tài chính</mark>' in html


def test_the_uploaded_notice_becomes_the_directives_attachment(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    content = plan_notice(4, early=0).encode()
    response = client.post(
        "/directives/extract/",
        data={"file": (io.BytesIO(content), "ke-hoach-120.txt")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert 'id="pending-attachment"' in html and "ke-hoach-120.txt" in html
    fields = form_fields(html)
    token = fields["upload_token"][0]
    assert token and "pending-" not in token  # a signed token, not a path
    folder = Path(demo.config["UPLOAD_DIR"])
    assert [p.name.startswith("pending-") for p in folder.iterdir()] == [True]

    # a forged token (a path, or a signature of ours edited) is ignored, never followed
    forged = dict(fields, upload_token=["../../../etc/passwd"])
    assert 'id="pending-attachment"' not in post_review(client, forged, "add").get_data(
        as_text=True
    )
    # a failed save keeps the token; the save after it attaches the file
    fields["number"] = [""]
    failed = post_review(client, fields)
    assert failed.status_code == 422 and 'id="pending-attachment"' in failed.get_data(as_text=True)
    fields["number"] = ["120/TB-VPUBND"]
    response = post_review(client, fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with demo.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        [attachment] = directive.attachments
        assert attachment.filename == "ke-hoach-120.txt" and attachment.size == len(content)
        assert (folder / attachment.stored_name).read_bytes() == content
    assert not [p for p in folder.iterdir() if p.name.startswith("pending-")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ke-hoach-120.txt" in page
