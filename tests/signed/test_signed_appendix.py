"""The period report's appendix (page, XLSX, CSV) says whether each item's completion report
was signed: "Đã ký số: <signer>, <time> ✓" or the problem (issue 15 §6)."""

import io

import pytest
from openpyxl import load_workbook

from tests.conftest import login_as
from tests.signed import pki
from tests.signed.test_signed_web import _trust, _verdict
from tracker.i18n import format_datetime

QUERY = "year=2025&period=Q3&as_of=2025-08-18"


@pytest.fixture(scope="module")
def ca():
    return pki.make_root()


def _complete(client, task: int, pdf: bytes, name: str):
    response = client.post(
        f"/tasks/{task}/complete",
        data={
            "done_on": "18/08/2025",
            "report_number": "12/BC",
            "report_date": "18/08/2025",
            "attachment": (io.BytesIO(pdf), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_the_appendix_shows_each_completion_reports_signature(app, client, data, ca):
    office = login_as(client, data.users["admin"])
    assert _trust(office, ca.pem).status_code == 302
    signer = pki.make_signer(ca)
    _complete(office, data.tasks["stc_lead"], pki.sign(pki.plain_pdf(), signer), "stc.pdf")
    modified = pki.modify_after_signing(pki.sign(pki.plain_pdf(), signer))
    _complete(office, data.tasks["syt_only"], modified, "syt.pdf")
    valid = _verdict(app, "stc.pdf")
    assert valid.status == "valid" and _verdict(app, "syt.pdf").status == "modified"
    signed_line = f"Đã ký số: Nguyễn Văn An, {format_datetime(valid.signed_at)} ✓"

    page = office.get(f"/reports/appendix?{QUERY}").get_data(as_text=True)
    row = page.split(f'data-task="{data.tasks["stc_lead"]}"')[1].split("</tr>")[0]
    assert signed_line in row
    row = page.split(f'data-task="{data.tasks["syt_only"]}"')[1].split("</tr>")[0]
    assert "Tài liệu bị sửa sau khi ký" in row and "✗" in row and "Đã ký số" not in row
    # the ongoing task has no completion report: nothing is said
    assert page.count('data-signature="') == 2

    workbook = load_workbook(io.BytesIO(office.get(f"/reports/export.xlsx?{QUERY}").data))
    cells = [
        str(c) for row in workbook["Phụ lục chi tiết"].iter_rows(values_only=True) for c in row
    ]
    assert any(signed_line in cell and cell.startswith("Hoàn thành") for cell in cells)
    assert any("Tài liệu bị sửa sau khi ký (Nguyễn Văn An) ✗" in cell for cell in cells)

    csv_text = office.get(f"/reports/export.csv?sheet=detail&{QUERY}").data.decode("utf-8-sig")
    assert signed_line in csv_text


def test_an_unsigned_report_says_nothing(app, client, data, ca):
    office = login_as(client, data.users["admin"])
    _complete(office, data.tasks["stc_lead"], pki.plain_pdf(), "khong-ky.pdf")
    assert _verdict(app, "khong-ky.pdf").status == "unsigned"
    page = office.get(f"/reports/appendix?{QUERY}").get_data(as_text=True)
    assert 'data-signature="' not in page
