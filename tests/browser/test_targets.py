"""Chỉ tiêu in the browser (issue 16 §4): the office sets a task's targets and checklist, Sở
Tài chính reports what it reached and ticks an item, the task page shows progress (screenshots)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import login
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser


def test_office_sets_targets_agency_reports(live_app, new_page, shots):
    with live_app.app_context():
        stc = db.session.execute(select(Agency).where(Agency.name == "Sở Tài chính")).scalar_one()
        task_id = (
            db.session.execute(
                select(Task.id)
                .where(Task.lead_agency_id == stc.id, Task.done_on.is_(None))
                .order_by(Task.id)
            )
            .scalars()
            .first()
        )
    office = new_page()
    login(office, "admin@tinh.gov.vn")
    office.goto(f"/tasks/{task_id}")
    office.click("text=Đặt chỉ tiêu, việc cần làm")
    office.fill('textarea[name="targets"]', "ít nhất 02 cuộc đối thoại\nkhông số")
    office.click("main form button.primary")
    assert "Dòng 2" in office.inner_text("main")
    shots(office, "targets-error")
    office.fill('textarea[name="targets"]', "ít nhất 02 cuộc đối thoại\n100 % vốn giải ngân")
    office.fill('textarea[name="checklist"]', "Xây dựng kế hoạch\nTổ chức đối thoại")
    office.click("main form button.primary")
    office.wait_for_url(re.compile(rf"/tasks/{task_id}"))
    assert "Đã lưu chỉ tiêu và việc cần làm." in office.inner_text("body")

    officer = new_page()
    login(officer, "stc@tinh.gov.vn")
    officer.goto(f"/tasks/{task_id}#chi-tieu")
    panel = officer.locator("#chi-tieu")
    inputs = panel.locator('input[name^="achieved-"]')
    inputs.nth(0).fill("1")
    inputs.nth(1).fill("100")
    panel.locator('input[name="item"]').nth(0).check()
    panel.locator('textarea[name="note"]').fill("Đã tổ chức 01 cuộc đối thoại ngày 12/8")
    panel.locator("button.primary").click()
    officer.wait_for_selector("text=Đã báo cáo kết quả chỉ tiêu.")
    text = officer.inner_text("#chi-tieu")
    assert "1 / 2 cuộc đối thoại" in text and "Chưa đạt" in text and "Đạt" in text
    assert "Việc cần làm: 1/2 đã xong" in text
    assert "Kết quả chỉ tiêu: ít nhất 02 cuộc đối thoại: 1 (chưa đạt)" in officer.inner_text("main")
    officer.locator("#chi-tieu").scroll_into_view_if_needed()
    shots(officer, "task-targets")
    assert not officer.js_errors, officer.js_errors
