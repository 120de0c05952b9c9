"""In headless Chromium on the demo: the office merges Sở Khoa học và Công nghệ into Sở Tài
chính from Quản trị (preview, then confirmation), the successor's officer finds and completes a
moved task, and the journal shows the merge and a change of reminder mailboxes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import login
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser

OLD, NEW = "Sở Khoa học và Công nghệ", "Sở Tài chính"


def _open_led_by(name: str) -> list[int]:
    return list(
        db.session.execute(
            select(Task.id)
            .join(Agency, Agency.id == Task.lead_agency_id)
            .where(Agency.name == name, Task.done_on.is_(None), Task.cancelled_on.is_(None))
            .order_by(Task.id)
        ).scalars()
    )


def test_office_merges_with_a_preview_and_the_successor_completes(live_app, new_page, shots):
    with live_app.app_context():
        moving = _open_led_by(OLD)
        old_id = db.session.execute(select(Agency.id).filter_by(name=OLD)).scalar_one()
        new_id = db.session.execute(select(Agency.id).filter_by(name=NEW)).scalar_one()
    assert moving, "the demo gives Sở Khoa học và Công nghệ open tasks"

    office = new_page()
    login(office, "admin@tinh.gov.vn")
    office.goto("/admin")
    office.get_by_role("link", name="Cơ quan, đơn vị").click()
    office.fill('input[name="q"]', "khoa hoc va cong nghe")
    office.get_by_role("button", name="Lọc").click()
    row = office.locator("tr", has_text=OLD).first
    row.get_by_role("link", name="Hợp nhất").click()
    office.wait_for_url(re.compile(rf"/agencies/{old_id}/merge$"))
    office.locator('select[name="new_id"]').select_option(str(new_id))
    office.fill('input[name="on"]', "01/07/2025")
    shots(office, "merge-form")
    office.get_by_role("button", name="Xem trước").click()
    office.wait_for_selector("#merge-preview")
    shown = sorted(
        int(i)
        for i in office.eval_on_selector_all(
            "#moving-tasks tr[data-task-id]", "rows => rows.map(r => r.dataset.taskId)"
        )
    )
    assert set(moving) <= set(shown)
    shots(office, "merge-preview", full_page=True)
    with live_app.app_context():
        assert _open_led_by(OLD) == moving  # the preview wrote nothing
    office.get_by_role("button", name="Xác nhận hợp nhất").click()
    office.wait_for_url(re.compile(r"/agencies/\?"))
    assert "Đã hợp nhất" in office.locator(".flash").first.inner_text()
    shots(office, "merged")
    with live_app.app_context():
        assert _open_led_by(OLD) == []
        assert set(moving) <= set(_open_led_by(NEW))
        assert db.session.get(Agency, old_id).merged_into_id == new_id

    # the successor's officer sees a moved task, with its history, and completes it
    agency = new_page()
    login(agency, "stc@tinh.gov.vn")
    task_id = moving[0]
    agency.goto(f"/tasks/{task_id}")
    assert "Chuyển từ Sở Khoa học và Công nghệ do hợp nhất ngày 01/07/2025" in agency.content()
    shots(agency, "moved-task")
    agency.goto(f"/tasks/{task_id}/complete")
    agency.fill('input[name="report_number"]', "88/BC-STC")
    shots(agency, "complete-form")
    agency.locator("main form button.primary").first.click()
    agency.wait_for_url(re.compile(rf"/tasks/{task_id}$"))
    shots(agency, "completed")
    with live_app.app_context():
        assert db.session.get(Task, task_id).done_on is not None

    # the office changes a reminder mailbox; the journal shows both changes
    office.goto(f"/agencies/{new_id}/edit")
    emails = office.locator('textarea[name="emails"]')
    emails.fill(emails.input_value() + "\ndaumoi.moi@tinh.gov.vn")
    office.get_by_role("button", name="Lưu").click()
    office.wait_for_url(re.compile(r"/agencies/"))
    office.goto("/admin")
    office.get_by_role("link", name="Nhật ký").click()
    office.wait_for_url(re.compile(r"/journal/"))
    office.locator('select[name="kind"]').select_option("agency")
    office.get_by_role("button", name="Lọc").click()
    journal = office.locator("#journal")
    assert "daumoi.moi@tinh.gov.vn" in journal.inner_text()
    assert "Chuyển từ Sở Khoa học và Công nghệ do hợp nhất" in journal.inner_text()
    shots(office, "journal")
    with live_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Task)).scalar_one() > 0
    assert office.js_errors == [] and agency.js_errors == []
