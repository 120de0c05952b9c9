"""End to end in headless Chromium: the office reads a notice, an agency reports a task done,
the office sees it on the dashboard and downloads the XLSX report; the agency picker and the
confirmation before destructive actions work in a real browser (with the CSP in force)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.browser.conftest import login
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser

NOTICE = Path(__file__).resolve().parents[2] / "tracker" / "demo" / "5016-TB-VPUBND-2025.txt"
OVERDUE_STC = "Theo dõi, đôn đốc các cơ quan, đơn vị xử lý dứt điểm kiến nghị"


def tile(page, status: str) -> int:
    return int(page.locator(f'a.tile[data-status="{status}"] .count').inner_text())


def test_office_pastes_reviews_and_saves_the_notice(live_app, new_page, shots):
    with live_app.app_context():  # the demo already holds 5016/TB-VPUBND: read it afresh
        db.session.execute(db.delete(Task))
        db.session.execute(db.delete(Directive))
        db.session.commit()
    page = new_page()
    login(page, "admin@tinh.gov.vn")
    shots(page, "dashboard")
    page.goto("/directives/extract/")
    page.fill('textarea[name="text"]', NOTICE.read_text(encoding="utf-8"))
    shots(page, "pasted")
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_selector(".proposal")
    assert page.locator('input[name="number"]').input_value() == "5016/TB-VPUBND"
    assert page.locator('input[name="issued_on"]').input_value() == "17/05/2025"
    shots(page, "review")

    # what the office looks at on each proposal: its agency, a collective subject, a warning
    rows = page.eval_on_selector_all(
        ".proposal",
        """sections => sections.map(s => ({
            index: s.dataset.row,
            lead: s.querySelector('select[name$="-lead_agency_id"]').value,
            collective: !!s.querySelector('.fanout'),
            early: !!s.querySelector('[data-warning="due-before-issued"]'),
        }))""",
    )
    kept = 0
    for row in rows:
        if row["collective"] or not row["lead"] or row["early"]:  # one line a task: open it
            page.click(f"#task-{row['index']} summary")
        if row["collective"] or not row["lead"]:  # "Các Sở, ban, ngành" or an unknown agency
            page.check(f'input[name="tasks-{row["index"]}-remove"]')
            continue
        if row["early"]:  # the notice's own date before its issue date: confirmed as written
            page.check(f'input[name="tasks-{row["index"]}-confirm_early_due"]')
        kept += 1
    assert kept >= 10
    shots(page, "reviewed")
    page.click('button[name="action"][value="save"]')
    page.wait_for_url(re.compile(r"/directives/\d+$"))
    assert "Đã lưu văn bản số 5016/TB-VPUBND" in page.locator(".flash").first.inner_text()
    shots(page, "saved")
    with live_app.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        assert len(directive.tasks) == kept
        assert {"Sở Tài chính", "Công an tỉnh"} <= {t.lead_agency.name for t in directive.tasks}
    assert page.js_errors == []


def test_agency_completes_a_task_and_the_office_sees_it_and_exports(live_app, new_page, shots):
    office = new_page()
    login(office, "admin@tinh.gov.vn")
    done_before = tile(office, "done_late")
    overdue_before = tile(office, "open_overdue")
    shots(office, "office-dashboard-before")

    agency = new_page()
    login(agency, "stc@tinh.gov.vn")
    shots(agency, "agency-dashboard")
    agency.goto("/tasks/")
    agency.get_by_role("link", name=re.compile(re.escape(OVERDUE_STC))).first.click()
    agency.wait_for_url(re.compile(r"/tasks/\d+$"))
    shots(agency, "agency-task")
    agency.get_by_role("link", name="Báo cáo hoàn thành").click()
    agency.fill('input[name="report_number"]', "2468/BC-STC")
    agency.fill('input[name="report_date"]', "18/08/2025")
    agency.fill('textarea[name="note"]', "Đã xử lý dứt điểm 12/12 kiến nghị.")
    shots(agency, "agency-complete-form")
    agency.get_by_role("button", name="Xác nhận hoàn thành").click()
    agency.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert "Đã đánh dấu hoàn thành nhiệm vụ." in agency.locator(".flash").first.inner_text()
    shots(agency, "agency-done")

    office.reload()
    assert tile(office, "done_late") == done_before + 1  # done after its 15/08 deadline
    assert tile(office, "open_overdue") == overdue_before - 1
    shots(office, "office-dashboard-after")

    office.goto("/reports/?year=2025&period=Q3&as_of=18/08/2025")
    shots(office, "office-report")
    with office.expect_download() as download_info:
        office.get_by_role("link", name="Xuất Excel").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    cells = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    book.close()
    assert any("Sở Tài chính" in c for c in cells)
    assert any(OVERDUE_STC in c for c in cells) and any("2468/BC-STC" in c for c in cells)
    assert office.js_errors == [] and agency.js_errors == []


def test_agency_picker_filters_without_diacritics(live_app, new_page, shots):
    page = new_page()
    login(page, "admin@tinh.gov.vn")
    with live_app.app_context():
        directive_id = db.session.execute(
            select(Directive.id).where(Directive.number == "5016/TB-VPUBND")
        ).scalar_one()
    page.goto(f"/directives/{directive_id}/tasks/new")
    select_box = page.locator('select[name="lead_agency_id"]')
    box = page.locator("input.picker-filter").first
    box.press_sequentially("tai chinh")
    shots(page, "picker-filtered")
    visible = select_box.locator("option:not([hidden])")
    names = [n.strip() for n in visible.all_inner_texts()]
    assert "Sở Tài chính" in names
    assert "Sở Y tế" not in names and len(names) <= 3
    assert select_box.locator("option:checked").inner_text() == "Sở Tài chính"
    box.fill("")
    box.press_sequentially("y te")
    assert "Sở Y tế" in [n.strip() for n in visible.all_inner_texts()]
    assert page.js_errors == []


def test_destructive_actions_ask_first(live_app, new_page, shots):
    page = new_page()
    login(page, "admin@tinh.gov.vn")
    page.goto("/agencies/")
    form = page.locator("form[data-confirm]").first
    agency_name = form.locator("xpath=ancestor::tr").locator("td").first.inner_text()
    messages: list[str] = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    form.locator("button").click()
    page.wait_for_timeout(300)
    assert messages and "Ngừng hoạt động" in messages[0]
    shots(page, "dismissed")
    assert "Đã" not in (
        page.locator(".flash").first.inner_text() if page.locator(".flash").count() else ""
    )

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    form.locator("button").click()
    page.wait_for_load_state()
    page.wait_for_selector(".flash")
    shots(page, "accepted")
    assert len(messages) == 2
    with live_app.app_context():
        from tracker.agencies.models import Agency

        agency = db.session.execute(
            select(Agency).where(Agency.name == agency_name.strip())
        ).scalar_one()
        assert agency.active is False
    assert page.js_errors == []
