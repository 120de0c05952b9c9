"""In Chromium: a document sent by the document system waits in Văn bản đến (the office's menu
shows the count), is opened, reviewed and saved into a directive that keeps its file; a second
one is discarded after the confirmation page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.conftest import login
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.inbox.models import IncomingDocument

pytestmark = pytest.mark.browser

TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH\nSố: 88/TB-VPUBND\nHòa Bình, ngày 03 tháng 11 năm 2026\n\n"
    "THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh về thu ngân sách\n\n"
    "1. Giao Sở Tài chính rà soát dự toán thu ngân sách, báo cáo trước ngày 30/11/2026.\n"
)


def _receive(app, filename: str, number: str) -> int:
    from tracker.inbox.services import IncomingInput, receive

    with app.app_context():
        doc, _dups = receive(
            IncomingInput(
                filename=filename,
                data=TEXT.replace("88/TB", number.split("/")[0] + "/TB").encode("utf-8"),
                number=number,
                issued_on=date(2026, 11, 3),
                issuer="Văn phòng UBND tỉnh",
            )
        )
        db.session.commit()
        return doc.id


def test_the_office_reviews_an_incoming_document_into_a_directive(live_app, new_page, shots):
    kept = _receive(live_app, "88-TB-VPUBND.txt", "88/TB-VPUBND")
    dropped = _receive(live_app, "89-TB-VPUBND.txt", "89/TB-VPUBND")
    page = new_page()
    login(page, "admin@tinh.gov.vn")
    link = page.locator("#nav-inbox")
    assert link.locator("[data-inbox-count]").inner_text() == "2"
    link.click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert page.get_by_role("heading", name="Văn bản đến chờ xử lý").is_visible()
    assert page.locator("#inbox-pending tbody tr").count() == 2
    shots(page, "list")

    page.get_by_role("link", name="88/TB-VPUBND").click()
    page.wait_for_url(re.compile(rf"/inbox/{kept}$"))
    assert "Sở Tài chính rà soát dự toán" in page.locator("#incoming-text").inner_text()
    shots(page, "document")
    with page.expect_navigation():
        page.click("#review-incoming")
    assert page.locator('input[name="number"]').input_value() == "88/TB-VPUBND"
    assert "88-TB-VPUBND.txt" in page.locator("#incoming-attachment").inner_text()
    shots(page, "review")
    with page.expect_navigation():
        page.click('button[name="action"][value="save"]')
    page.wait_for_url(re.compile(r"/directives/\d+$"))
    assert "Đã lưu văn bản số 88/TB-VPUBND" in page.locator(".flash").first.inner_text()
    assert page.get_by_role("link", name="88-TB-VPUBND.txt").count() >= 1
    shots(page, "directive")
    assert page.locator("#nav-inbox [data-inbox-count]").inner_text() == "1"

    page.goto(f"/inbox/{dropped}")
    page.click("#discard-incoming")
    page.wait_for_url(re.compile(rf"/inbox/{dropped}/discard$"))
    page.fill('textarea[name="note"]', "Gửi nhầm")
    shots(page, "discard")
    with page.expect_navigation():
        page.click("#confirm-discard")
    page.wait_for_url(re.compile(r"/inbox/$"))
    assert page.locator("#nav-inbox [data-inbox-count]").count() == 0
    assert page.locator("#inbox-decided tbody tr").count() == 2
    shots(page, "done")
    with live_app.app_context():
        directive = db.session.execute(
            select(Directive).where(Directive.number == "88/TB-VPUBND")
        ).scalar_one()
        states = {
            d.id: (d.state, d.directive_id)
            for d in db.session.execute(select(IncomingDocument)).scalars()
        }
        assert states == {kept: ("processed", directive.id), dropped: ("discarded", None)}
    assert not page.js_errors, page.js_errors
