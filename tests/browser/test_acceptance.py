"""In Chromium (issue 16): the office accepts the demo's report waiting in "Chờ xác nhận",
turns acceptance on, and returns an agency's new report with a reason; the agency is told."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import login
from tracker.acceptance.models import ClaimState, CompletionClaim
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser


def _open_task_of(live_app, agency_name: str) -> int:
    with live_app.app_context():
        return db.session.execute(
            select(Task.id)
            .join(Agency, Agency.id == Task.lead_agency_id)
            .where(
                Agency.name == agency_name,
                Task.done_on.is_(None),
                Task.cancelled_on.is_(None),
                Task.submitted_on.is_(None),
                Task.due_on.is_not(None),
                Task.cadence == "none",
            )
            .order_by(Task.id)
            .limit(1)
        ).scalar_one()


def test_office_accepts_and_returns_completions(live_app, new_page, shots):
    office = new_page()
    login(office, "chuyenvien@tinh.gov.vn")
    nav = office.locator("#site-nav a", has_text="Chờ xác nhận")
    assert nav.locator("[data-awaiting]").get_attribute("data-awaiting") == "1"  # the demo's
    nav.click()
    office.wait_for_url(re.compile(r"/acceptance/$"))
    row = office.locator("tr[data-claim-id]")
    assert row.count() == 1 and "1875/BC-SNV" in row.inner_text()
    shots(office, "awaiting")
    row.get_by_role("button", name="Xác nhận hoàn thành").click()
    office.wait_for_load_state()
    assert "Đã xác nhận hoàn thành" in office.locator(".flash").first.inner_text()
    assert office.locator("tr[data-claim-id]").count() == 0
    shots(office, "accepted")

    # the tests' app starts with acceptance off: the office turns it on
    office.check("#acceptance-setting input[name=required]")
    office.locator("#acceptance-setting button").click()
    office.wait_for_load_state()
    assert "Đã bật xác nhận" in office.locator(".flash").first.inner_text()

    task_id = _open_task_of(live_app, "Sở Tài chính")
    agency = new_page()
    login(agency, "stc@tinh.gov.vn")
    agency.goto(f"/tasks/{task_id}/complete")
    agency.fill('input[name="report_number"]', "77/BC-STC")
    agency.get_by_role("button", name=re.compile("hoàn thành", re.I)).last.click()
    agency.wait_for_url(re.compile(rf"/tasks/{task_id}$"))
    assert "chờ Văn phòng UBND tỉnh xác nhận" in agency.locator(".flash").first.inner_text()
    shots(agency, "agency-reported")

    office.goto(f"/tasks/{task_id}")
    panel = office.locator("[id^=awaiting-]")
    assert "77/BC-STC" in panel.inner_text()
    panel.locator("textarea[name=reason]").fill("Thiếu biên bản nghiệm thu kèm theo")
    shots(office, "returning")
    panel.get_by_role("button", name="Trả lại").click()
    office.wait_for_url(re.compile(rf"/tasks/{task_id}$"))
    assert "Đã trả lại" in office.locator(".flash").first.inner_text()
    assert "Thiếu biên bản nghiệm thu kèm theo" in office.locator("ol.timeline").inner_text()
    shots(office, "returned")
    with live_app.app_context():
        claim = db.session.execute(
            select(CompletionClaim).where(CompletionClaim.task_id == task_id)
        ).scalar_one()
        assert claim.state == ClaimState.RETURNED.value

    agency.goto("/notifications/")
    assert "Thiếu biên bản nghiệm thu kèm theo" in agency.locator("main").inner_text()
    shots(agency, "agency-told")
    assert not office.js_errors, office.js_errors
    assert not agency.js_errors, agency.js_errors
