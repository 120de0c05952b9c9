"""In Chromium: the agency's bell counts what the demo's directive assigned to it; the list
opens from the bell, links to the task, and marking read (a POST with CSRF) lowers the count."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def bell_count(page) -> int:
    return int(page.locator("a.bell").get_attribute("data-unread"))


def test_agency_reads_its_notifications(live_app, new_page, shots):
    page = new_page()
    login(page, "stc@tinh.gov.vn")
    unread = bell_count(page)
    assert unread >= 2  # the demo's directives told Sở Tài chính, and its sweep reminded it
    assert page.locator("a.bell .bell-count").inner_text() == str(unread)
    shots(page, "bell")

    page.locator("a.bell").click()
    page.wait_for_url(re.compile(r"/notifications/"))
    assert page.get_by_role("heading", name=re.compile("Thông báo")).is_visible()
    items = page.locator("li.notification.unread")
    assert items.count() == min(unread, 20)
    first = items.first
    # newest first: the demo's own reminder sweep (Sắp đến hạn, Quá hạn) after the assignments
    assert re.search(r"thời hạn|quá hạn|TB-VPUBND|TB-UBND|CT-UBND", first.inner_text())
    shots(page, "list")

    # the link leads to the task, which the agency may open
    href = first.locator(".notification-task a").get_attribute("href")
    assert re.fullmatch(r"/tasks/\d+", href)

    first.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_load_state()
    assert bell_count(page) == unread - 1
    shots(page, "one-read")

    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    page.wait_for_load_state()
    assert bell_count(page) == 0
    assert page.locator("a.bell .bell-count").count() == 0
    assert page.locator("li.notification.unread").count() == 0
    shots(page, "all-read")

    page.goto(href)
    assert page.locator("h1").count() == 1
    assert not page.js_errors, page.js_errors
