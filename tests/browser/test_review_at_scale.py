"""The extraction review at the size of a real plan (100 proposed tasks) in Debian's chromium:
one line a task, the error summary after a failed save, a bulk action, a two-hop task saved."""

import re

import pytest
from sqlalchemy import select

from tests.browser.conftest import login
from tests.extraction_web.plan import plan_notice
from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser


def test_a_100_task_plan_is_reviewed_fixed_in_bulk_and_saved(live_app, new_page, shots):
    with live_app.app_context():
        db.session.execute(db.delete(Task))
        db.session.execute(db.delete(Directive))
        db.session.commit()
        justice = str(db.session.scalar(select(Agency.id).where(Agency.name == "Sở Tư pháp")))
    page = new_page()
    login(page, "admin@tinh.gov.vn")
    page.goto("/directives/extract/")
    page.fill('textarea[name="text"]', plan_notice(100))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_selector(".proposal")
    assert page.locator(".proposal").count() == 100
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 15_000, height  # one line a task, not 41,000 pixels
    shots(page, "review-collapsed")

    # a row opens to its fields and the words of the notice behind them
    page.click("#task-99 summary")
    assert page.locator('#task-99 select[name="tasks-99-via_agency_id"]').is_visible()
    assert (
        page.locator('#task-99 blockquote mark[data-source="via"]').inner_text() == "Sở Tài chính"
    )
    page.locator("#task-99").scroll_into_view_if_needed()
    shots(page, "two-hop-row-open")

    # "chọn tất cả" ticks every row and clears them again
    page.check("input[data-select-all]")
    assert page.locator("input.select-row:checked").count() == 100
    page.uncheck("input[data-select-all]")
    assert page.locator("input.select-row:checked").count() == 0

    # bulk: the lead of two selected rows
    page.check("#task-3 input.select-row")
    page.check("#task-4 input.select-row")
    page.select_option('select[name="bulk_lead_agency_id"]', justice)
    with page.expect_navigation():
        page.get_by_role("button", name="Giao chủ trì", exact=True).click()
    assert "Đã giao chủ trì cho 2 nhiệm vụ." in page.locator(".flash").first.inner_text()
    for i in (3, 4):
        assert page.locator(f'select[name="tasks-{i}-lead_agency_id"]').input_value() == justice
        assert page.locator(f"#task-{i} .c-lead").inner_text() == "Sở Tư pháp"
    assert page.locator('select[name="tasks-5-lead_agency_id"]').input_value() != justice
    shots(page, "bulk-lead")

    # save with three early dates not confirmed: the summary on top, focused, a link a row
    with page.expect_navigation():
        page.click('button[name="action"][value="save"]')
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    links = summary.locator("a")
    assert links.count() == 3
    assert page.locator("#header-warnings").is_visible()  # the header warnings stay
    shots(page, "error-summary")
    links.nth(2).click()
    assert page.locator("#task-2 details").get_attribute("open") is not None
    assert page.locator('input[name="tasks-2-confirm_early_due"]').is_visible()
    shots(page, "error-row-open")

    with page.expect_navigation():
        page.click('button[name="action"][value="bulk-confirm-early"]')
    with page.expect_navigation():
        page.click('button[name="action"][value="save"]')
    page.wait_for_url(re.compile(r"/directives/\d+$"))
    assert "Đã lưu văn bản số 120/TB-VPUBND" in page.locator(".flash").first.inner_text()
    shots(page, "saved")
    with live_app.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        assert len(directive.tasks) == 100
        assert sum(t.lead_agency.name == "Sở Tư pháp" for t in directive.tasks) >= 2
        [two_hop] = [t for t in directive.tasks if t.via_agency is not None]
        assert (two_hop.lead_agency.name, two_hop.via_agency.name) == ("Sở Y tế", "Sở Tài chính")
        assert (two_hop.due_on.isoformat(), two_hop.via_due_on.isoformat()) == (
            "2025-07-05",
            "2025-07-10",
        )
    # the failed save answers 422 (and the console says so): expected, everything else is not
    unexpected = [e for e in page.js_errors if "422" not in e and "UNPROCESSABLE" not in e]
    assert unexpected == []
