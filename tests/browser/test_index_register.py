"""The PAR Index register in the browser (issue 16 §5): the office imports the 5016-style
register from XLSX, Sở Tài chính records a quarter's "chưa đạt" on its criterion, the office
records the published rank, and the leader reads the per-criterion report (screenshots)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login
from tests.indexes.register import par_register

pytestmark = pytest.mark.browser


def test_register_imported_assessed_and_reported(live_app, new_page, shots, tmp_path):
    register = tmp_path / "bo-chi-so-par-2025.xlsx"
    register.write_bytes(par_register())

    office = new_page()
    login(office, "admin@tinh.gov.vn")
    office.goto("/indexes/import")
    office.set_input_files('input[name="file"]', str(register))
    shots(office, "import")
    office.click("main form button.primary")
    office.wait_for_url(re.compile(r"/indexes/$"))
    assert "Đã nhập bộ chỉ số" in office.inner_text("body")
    office.click("text=Chỉ số cải cách hành chính (PAR Index)")
    office.wait_for_url(re.compile(r"/indexes/\d+"))
    par_url = office.url.split("?")[0]
    office.fill('input[name="year"] >> nth=1', "2024")
    office.fill('input[name="score"]', "84,1")
    office.fill('input[name="rank"]', "40")
    office.fill('input[name="rank_of"]', "63")
    office.click("text=Lưu kết quả năm")
    office.wait_for_url(re.compile(r"year=2024"))
    office.goto(par_url + "?year=2025")
    office.fill('input[name="year"] >> nth=1', "2025")
    office.fill('input[name="score"]', "86,2")
    office.fill('input[name="rank"]', "37")
    office.fill('input[name="rank_of"]', "63")
    office.click("text=Lưu kết quả năm")
    office.wait_for_selector("text=Đã lưu kết quả chỉ số năm 2025.")

    officer = new_page()
    login(officer, "stc@tinh.gov.vn")
    officer.goto("/indexes/")
    shots(officer, "agency-criteria")
    row = officer.locator("tr", has_text="Đối thoại của lãnh đạo tỉnh với người dân")
    row.locator("text=Ghi kết quả").click()
    officer.fill('input[name="year"]', "2025")
    officer.select_option('select[name="quarter"]', "2")
    officer.check('input[name="met"][value="no"]')
    officer.fill('input[name="points_lost"]', "0,5")
    officer.click("main form button.primary")
    assert "Vui lòng nêu lý do chưa đạt." in officer.inner_text("main")
    shots(officer, "assess-error")
    officer.fill('textarea[name="reason"]', "Mới tổ chức 01/02 cuộc đối thoại với doanh nghiệp")
    officer.click("main form button.primary")
    officer.wait_for_url(re.compile(r"/indexes/$"))
    assert "Đã ghi kết quả tiêu chí 1.4" in officer.inner_text("body")

    leader = new_page()
    login(leader, "lanhdao@tinh.gov.vn")
    leader.goto(par_url + "?year=2025&quarter=2")
    text = leader.inner_text("main")
    assert "xếp hạng 37/63" in text and "tăng 3 bậc" in text
    lost = leader.inner_text("[data-lost]")
    assert "Đối thoại của lãnh đạo tỉnh" in lost and "Sở Tài chính" in lost
    assert "Mới tổ chức 01/02 cuộc đối thoại" in lost
    shots(leader, "par-report", full_page=True)
    with leader.expect_download() as download:
        leader.click("text=Xuất Excel")
    assert download.value.suggested_filename == "chi-so-par-2025.xlsx"
    assert not leader.js_errors, leader.js_errors
