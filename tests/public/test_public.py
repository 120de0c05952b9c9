"""Công khai: off by default (404 for everyone), turned on by the office administrator, then
the period's per-agency counts and on-time rates, as the period report counts them."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tests.factories import make_agency, make_directive, make_task, make_user
from tracker.audit.models import AuditLog
from tracker.auth.models import Role
from tracker.extensions import db
from tracker.reports.service import build_report, parse_request
from tracker.tasks.services import complete_task

D = date


@pytest.fixture
def province(app):
    """Q3 2025: Sở Tài chính finishes one task on time and one late; Sở Y tế one on time."""
    app.config["TRACKER_NOW"] = "2025-10-05T09:00:00+07:00"
    with app.app_context():
        stc = make_agency("Sở Tài chính")
        syt = make_agency("Sở Y tế")
        make_user("admin@tinh.gov.vn", Role.OFFICE_ADMIN, name="Quản Trị")
        make_user("chuyenvien@tinh.gov.vn", Role.OFFICE_STAFF, name="Trần Chuyên Viên")
        make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, stc, name="Lê Tài Chính")
        directive = make_directive("88/TB-VPUBND")
        for lead, due, done, content in [
            (stc, D(2025, 8, 15), D(2025, 8, 10), "Nội dung mật một"),
            (stc, D(2025, 8, 20), D(2025, 8, 30), "Nội dung mật hai"),
            (syt, D(2025, 9, 10), D(2025, 9, 1), "Nội dung mật ba"),
        ]:
            task = make_task(directive, lead, content=content, due_on=due)
            complete_task(
                task, done_on=done, report_number="1/BC", report_date=done, note=None, user_id=None
            )
        db.session.commit()


def test_off_by_default_then_on_for_everyone(app, province):
    anonymous = app.test_client()
    assert anonymous.get("/cong-khai").status_code == 404
    office = login_as(app.test_client(), "chuyenvien@tinh.gov.vn")
    assert office.get("/cong-khai").status_code == 404
    # only the administrator turns it on
    assert office.post("/cong-khai/cai-dat", data={"enabled": "y"}).status_code == 403
    assert app.test_client().get("/cong-khai/cai-dat").status_code == 302  # to login
    admin = login_as(app.test_client(), "admin@tinh.gov.vn")
    assert admin.post("/cong-khai/cai-dat", data={"enabled": "y"}).status_code == 302
    with app.app_context():
        assert db.session.execute(
            select(AuditLog).where(
                AuditLog.entity == "setting", AuditLog.entity_key == "public.enabled"
            )
        ).scalar_one()

    page = anonymous.get("/cong-khai?year=2025&period=Q3")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sở Tài chính" in text and "Sở Y tế" in text
    assert "Nội dung mật" not in text  # no task, only counts
    # the rates are the period report's, number for number
    with app.app_context():
        report = build_report(parse_request(2025, "Q3", None), with_trend=False)
        rates = {
            r["agency"]: r["on_time_rate"] for r in report["agencies"] + report["small_agencies"]
        }
    assert rates["Sở Tài chính"] == 50.0 and rates["Sở Y tế"] == 100.0
    assert "50,0 %" in text and "100,0 %" in text

    # a bad period is said clearly, never a 500
    bad = anonymous.get("/cong-khai?year=abc&period=Q3")
    assert bad.status_code == 422 and "Năm “abc” không hợp lệ." in bad.get_data(as_text=True)
    bad = anonymous.get("/cong-khai?year=2025&period=Q9")
    assert bad.status_code == 422 and "không hợp lệ" in bad.get_data(as_text=True)

    # off again: 404
    assert admin.post("/cong-khai/cai-dat", data={}).status_code == 302
    assert anonymous.get("/cong-khai").status_code == 404
