"""The small scripts of issue 11 in a real browser (CSP in force): the header's menu on a
phone, the busy state of long work, the task form's cadence fields, and the extraction review
that asks before it is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

NOTICE = Path(__file__).resolve().parents[2] / "tracker" / "demo" / "5016-TB-VPUBND-2025.txt"


def test_menu_busy_buttons_cadence_fields_and_the_review_guard(live_app, new_page, shots):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "admin@tinh.gov.vn")
    nav = page.locator("#site-nav")
    toggle = page.locator("button[data-menu-toggle]")
    assert toggle.is_visible() and not nav.is_visible()
    shots(page, "phone-menu-closed")
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    shots(page, "phone-menu-open")
    toggle.click()
    assert not nav.is_visible()
    # the skip link is the first thing a keyboard reaches, and leads to the main content
    page.goto("/dashboard")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.is_visible() and not toggle.is_visible()

    # a number field looks like the other fields (it was left to the browser's default)
    page.goto("/reminders/settings")
    styles = page.evaluate(
        """() => ['input[type=number]', 'input[type=text]'].map(sel => {
            const s = getComputedStyle(document.querySelector(sel));
            return [s.borderTopColor, s.borderTopLeftRadius, s.paddingLeft];
        })"""
    )
    assert styles[0] == styles[1], styles

    # an export link says it is working while the file is made
    page.goto("/reports/")
    export = page.locator('a[data-busy][href*="export.xlsx"]')
    with page.expect_download():
        export.click()
    assert export.inner_text() == "Đang xử lý…"
    shots(page, "export-busy")

    # a one-off task shows no cadence field until a cadence is chosen
    page.goto("/directives/")
    page.locator("table a[href^='/directives/']").first.click()
    directive_url = page.url
    page.goto(directive_url.rstrip("/") + "/tasks/new")
    starts = page.locator('input[name="starts_on"]')
    rule = page.locator('input[name="cadence_rule"]')
    assert not starts.is_visible() and not rule.is_visible()
    page.select_option('select[name="cadence"]', "monthly")
    assert starts.is_visible() and not rule.is_visible()
    page.select_option('select[name="cadence"]', "custom")
    assert rule.is_visible()
    shots(page, "cadence-custom")

    # the review: leaving asks first; saving does not ask, and says it is working
    page.goto("/directives/extract/")
    page.fill('textarea[name="text"]', NOTICE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_selector(".proposal")
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the review

    page.on("dialog", on_dialog)
    page.locator("h1").click()  # Chromium asks only on a page the person has touched
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert not page.is_closed()  # the review is still there
    assert not page.js_errors, page.js_errors
