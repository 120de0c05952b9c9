"""The report's print view, printed to PDF by Chromium (`page.pdf`, as Ctrl+P → Save as PDF)
and read back with poppler's pdftotext: the document a chairman receives.

The demo province gets forty more agencies with a task each, so that the summary table runs
over more than one page: the total row must close the table once (a <tfoot> repeats on every
printed page), the pages are numbered, the header carries the document's number and date
line, the end carries Nơi nhận and the signature block, numbers use the decimal comma, and
the Wilson bounds read as words, not as "Cận dưới/Cận trên Wilson 95%".
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from tests import factories
from tests.browser.conftest import login
from tracker.directives.models import Directive
from tracker.extensions import db

pytestmark = pytest.mark.browser

QUERY = "year=2025&period=Y&as_of=18/08/2025"


def _pdftotext(path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: `make test` installs poppler-utils")
    return subprocess.run(
        [tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_print_view_prints_as_an_office_document(live_app, new_page, shots):
    with live_app.app_context():
        directive = db.session.scalar(db.select(Directive).where(Directive.number == "86/TB-UBND"))
        for n in range(1, 41):
            agency = factories.make_agency(f"UBND xã Thử Nghiệm số {n:02d}", kind="commune")
            task = factories.make_task(
                directive, agency, content=f"Báo cáo thử số {n}", due_on=date(2025, 6, n % 28 + 1)
            )
            if n % 3 == 0:
                task.done_on = date(2025, 6, n % 28 + 1)
        db.session.commit()

    page = new_page()
    login(page, "lanhdao@tinh.gov.vn")
    page.goto(f"/reports/print?{QUERY}")
    shots(page, "print-view", full_page=True)
    pdf = shots.folder / "bao-cao-in.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)

    text = _pdftotext(pdf)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2, "the summary should run over two pages for this test"
    flat = " ".join(text.split())
    # the total closes the table once, on the last page of the table, not on every page
    assert len(re.findall(r"Tổng cộng", flat)) == 1
    # page numbers from CSS @page counters
    for number, content in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in " ".join(content.split()), number
    # the document's number and date line, Nơi nhận and the signature block
    assert re.search(r"Số:\s+/BC-VPUBND", flat)
    assert re.search(r"Hòa Bình, ngày \d{2} tháng \d{1,2} năm \d{4}", flat)
    assert "Nơi nhận:" in flat and "Lưu: VT, TH." in flat
    assert "NGƯỜI LẬP BIỂU" in flat and "CHÁNH VĂN PHÒNG" in flat
    assert "Đinh Công Lãnh" in flat  # who printed it, under Người lập biểu
    # numbers as Vietnamese writes them, and words instead of the statistician's
    assert re.search(r"\b\d{1,3},\d\b", flat)
    assert not re.search(r"\b\d{1,3}\.\d\b", flat)
    assert "Cận dưới" not in flat and "Cận trên" not in flat
    assert "thực chất" in flat  # the header and its footnote in plain words

    # the web report writes the decimal comma too
    page.goto(f"/reports/?{QUERY}")
    rate = page.locator('#summary tfoot td[data-value="on_time_rate"]').inner_text()
    assert re.fullmatch(r"\d{1,3},\d", rate.strip()), rate
    shots(page, "web-report")
