"""A reminder letter in the browser: the office goes from Tổng quan to a drafted letter and
downloads it; the leader finds it; the agency sees it in the task's history and reads its own
report with its rank. Screenshots in test-artifacts/<test name>/."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from tests.browser.conftest import login
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.letters.models import ReminderLetterItem

pytestmark = pytest.mark.browser


def test_the_office_drafts_a_letter_the_leader_reads_it_the_agency_sees_it(
    live_app, new_page, shots
):
    with live_app.app_context():
        stc = db.session.scalar(select(Agency.id).where(Agency.name == "Sở Tài chính"))
        db.session.remove()

    office = new_page()
    login(office, "admin@tinh.gov.vn")
    office.click("#draft-letter")
    office.wait_for_url(re.compile(r"/letters/new"))
    shots(office, "form")
    office.check(f"#agency-{stc}")
    office.click("main form button.primary")  # no new deadline yet: the page explains
    assert "Vui lòng nhập thời hạn mới" in office.inner_text("main")
    assert office.is_checked(f"#agency-{stc}")  # the choice is kept
    shots(office, "form-error")
    office.fill('input[name="new_due_on"]', "15/09/2025")
    office.fill('input[name="signer_name"]', "Nguyễn Văn An")
    office.click("main form button.primary")
    office.wait_for_url(re.compile(r"/letters/\?batch="))
    shots(office, "drafted")
    with office.expect_download() as info:
        office.click("#letters tbody tr:first-child a")
    path = shots.folder / "cong-van.docx"
    info.value.save_as(str(path))
    text = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "Kính gửi: Sở Tài chính." in text and "trước ngày 15/09/2025./." in text

    leader = new_page()
    login(leader, "lanhdao@tinh.gov.vn")
    leader.goto("/letters/")
    assert "Sở Tài chính" in leader.inner_text("#letters")
    assert leader.locator("a", has_text="Lập công văn đôn đốc").count() == 0
    shots(leader, "leader-letters")

    with live_app.app_context():
        task_id = db.session.scalar(select(ReminderLetterItem.task_id).limit(1))
        db.session.remove()
    agency = new_page()
    login(agency, "stc@tinh.gov.vn")
    agency.goto(f"/tasks/{task_id}")
    assert "Đã gửi công văn đôn đốc ngày" in agency.inner_text("main")
    shots(agency, "task-timeline")
    agency.goto("/dashboard")
    agency.click("#agency-report")
    agency.wait_for_url(re.compile(r"/reports/agency"))
    assert "Báo cáo của đơn vị: Sở Tài chính" in agency.inner_text("h1")
    assert agency.locator("#agency-rank").is_visible()
    shots(agency, "agency-report", full_page=True)
    for page in (office, leader, agency):
        # the refused draft above answered 422 on purpose
        assert not [e for e in page.js_errors if "422" not in e], page.js_errors
