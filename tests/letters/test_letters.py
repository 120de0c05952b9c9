"""Reminder letters (công văn đôn đốc): drafted from the overdue obligations, opened as Word
and LibreOffice would open them, stored with a record on every listed task.

The .docx is read back with python-docx (the layout of Nghị định 30/2020: header, Kính gửi,
the tasks' table, Nơi nhận, the signer) and converted to PDF by LibreOffice headless: the PDF's
text has every listed task, and the first page is rendered to PNG (test-artifacts/letters/).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from tests import factories
from tests.conftest import login_as
from tests.reports.test_libreoffice import appears_whole
from tracker.agencies.models import Agency
from tracker.audit.models import AuditLog
from tracker.deadlines import services as deadline_services
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.letters.models import ReminderLetter, ReminderLetterItem
from tracker.settings import get_setting

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "letters"

#: the tests' today is 18/08/2025: Sở Tài chính's task due 15/08 is 3 days late, Sở Y tế's due
#: 10/08 is 8 days late; the quarterly report below is late for quý II (due 20/06)
QUARTERLY = "Báo cáo quý tình hình giải ngân vốn đầu tư công"
VIA = "Sở Tài chính báo cáo qua Sở Nội vụ tổng hợp kết quả cải cách hành chính"


@pytest.fixture
def overdue(app, data):
    """The small province plus a quarterly report of Sở Tài chính with a late period, and a
    task of Sở Tài chính reported through Sở Nội vụ, both late (each its own deadline)."""
    with app.app_context():
        stc = db.session.get(Agency, data.agencies["stc"])
        snv = db.session.get(Agency, data.agencies["snv"])
        directive = db.session.get(Directive, data.directive)
        periodic = factories.make_task(
            directive,
            stc,
            content=QUARTERLY,
            cadence="quarterly",
            starts_on=date(2025, 4, 1),
            ends_on=date(2025, 12, 31),
        )
        deadline_services.open_task_periods(periodic, date(2025, 8, 18))
        factories.make_task(
            directive,
            stc,
            content=VIA,
            via=snv,
            due_on=date(2025, 8, 5),
            via_due_on=date(2025, 8, 12),
        )
        db.session.commit()
    return data


FORM = {
    "kind": "don_doc",
    "mode": "one",
    "new_due_on": "05/09/2025",
    "letter_date": "",
    "subject": "",
    "request_text": "",
    "parent_body": "",
    "issuing_body": "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
    "symbol": "UBND-TH",
    "place": "Hòa Bình",
    "signer_authority": "KT. CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
    "signer_name": "Nguyễn Văn An",
    "recipients_extra": "- Chủ tịch, các PCT UBND tỉnh;\n- Lưu: VT, TH.",
}


def _draft(client, agencies: list[int], **changes):
    form = {**FORM, **changes, "agency": [str(a) for a in agencies]}
    return client.post("/letters/new", data=form)


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install libreoffice-writer-nogui poppler-utils")
    return path


def test_the_office_drafts_one_letter_for_every_chosen_agency(app, client, overdue, tmp_path):
    stc, syt, snv = (overdue.agencies[k] for k in ("stc", "syt", "snv"))
    login_as(client, "staff@tinh.gov.vn")
    page = client.get(f"/letters/new?agency={stc}&agency={syt}").get_data(as_text=True)
    # every agency with an overdue obligation is offered; the linked ones come ticked
    assert f'value="{stc}" id="agency-{stc}" checked' in page
    assert f'value="{syt}" id="agency-{syt}" checked' in page
    assert f'value="{snv}" id="agency-{snv}"' in page
    assert "Sở Khoa học và Công nghệ" not in page  # nothing overdue

    response = _draft(client, [stc, syt, snv])
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tải tất cả (.zip)" in listing and "Sở Nội vụ; Sở Tài chính; Sở Y tế" in listing

    with app.app_context():
        letter = db.session.scalars(select(ReminderLetter)).one()
        letter_id = letter.id
        items = db.session.scalars(select(ReminderLetterItem).order_by(ReminderLetterItem.id)).all()
        assert {(i.kind, i.days_overdue) for i in items} == {
            ("task", 3),  # Sở Tài chính's one-off task
            ("task", 13),  # and the one it reports through Sở Nội vụ
            ("period", 59),  # its quarterly report, quý II due 20/06
            ("task", 8),  # Sở Y tế's
            ("via", 6),  # Sở Nội vụ's own consolidated report, due 12/08
        }
        # the header and signer are proposed again next time
        assert get_setting("letters.defaults")["signer_name"] == "Nguyễn Văn An"
        # audit rows: the letter, and each listed task's own row (its timeline)
        audited = db.session.scalars(
            select(AuditLog).where(AuditLog.entity.like("reminder_letter%"))
        ).all()
        assert {a.entity for a in audited} == {"reminder_letter", "reminder_letter_item"}
        assert {a.task_id for a in audited if a.task_id} == {i.task_id for i in items}
        assert all(a.user_id is not None for a in audited)

    data = client.get(f"/letters/{letter_id}.docx")
    assert data.status_code == 200
    assert data.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(data.data))

    # -- the layout of Nghị định 30/2020 -------------------------------------------------
    section = document.sections[0]
    mm = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert mm == [210, 297, 20, 20, 30, 15]  # A4; margins 20-20-30-15 mm
    header = document.tables[0].rows[0].cells
    left = [p.text for p in header[0].paragraphs if p.text]
    right = [p.text for p in header[1].paragraphs if p.text]
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH"]
    assert left[2].startswith("Số:") and left[2].endswith("/UBND-TH")
    assert left[2].replace(" ", "") == "Số:/UBND-TH"  # the number is the clerk's
    assert left[3].startswith("V/v đôn đốc thực hiện nhiệm vụ")
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[2].startswith("Hòa Bình, ngày") and right[2].endswith("năm 2025")
    text = _docx_text(document)
    assert "Kính gửi:" in text
    for name in ("- Sở Nội vụ;", "- Sở Tài chính;", "- Sở Y tế."):
        assert name in text
    assert "tính đến ngày 18/08/2025" in text
    assert "trước ngày 05/09/2025./." in text
    for expected in ("Nơi nhận:", "- Như trên;", "- Lưu: VT, TH.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert expected in text
    assert "Nguyễn Văn An" in text
    # one table per agency: STT, directive, content, deadline dd/mm/yyyy, days overdue
    tables = document.tables[1:-1]
    assert len(tables) == 3
    rows = [[c.text for c in row.cells] for t in tables for row in t.rows[1:]]
    assert ["5016/TB-VPUBND ngày 17/05/2025", "Sở Tài chính tổng hợp kiến nghị thanh tra",
            "15/08/2025", "3"] in [r[1:] for r in rows]  # fmt: skip
    assert [r[0] for r in rows] == ["1", "1", "2", "3", "1"]  # STT within each agency
    assert any(r[2].startswith(QUARTERLY) and "quý II/2025" in r[2] and r[4] == "59" for r in rows)
    assert any(r[2].startswith(VIA) and r[3] == "12/08/2025" for r in rows)
    assert [c.text for c in tables[0].rows[0].cells] == [
        "STT",
        "Văn bản giao",
        "Nội dung nhiệm vụ",
        "Thời hạn",
        "Số ngày quá hạn",
    ]
    # Times New Roman, 11 to 14 pt everywhere
    runs = [r for p in document.paragraphs for r in p.runs] + [
        r
        for t in document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert {r.font.size.pt for r in runs} <= {11, 12, 13, 14}
    assert {r.font.size.pt for r in document.paragraphs[1].runs} == {14}

    # -- LibreOffice opens it: every listed task is in the PDF, the first page as PNG ------
    folder = tmp_path / "letter"
    folder.mkdir()
    docx = folder / "cong-van-don-doc.docx"
    docx.write_bytes(data.data)
    subprocess.run(
        [
            _tool("soffice"),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists(), "LibreOffice made no PDF of the letter"
    words = subprocess.run(
        [_tool("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split()
    for content in (
        "Sở Tài chính tổng hợp kiến nghị thanh tra",
        "Sở Y tế cải thiện chỉ số PAPI",
        QUARTERLY,
        VIA,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "V/v đôn đốc thực hiện nhiệm vụ",
    ):
        assert appears_whole(content, words), f"{content!r} is not whole in the PDF"
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert "595.3" in info and "841.89" in info  # A4 portrait
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(folder / "trang-1"),
        ],  # fmt: skip
        check=True,
        timeout=60,
    )
    png = folder / "trang-1.png"
    assert png.stat().st_size > 10_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for made in (docx, pdf, png):
        shutil.copy(made, ARTIFACTS / made.name)


def test_one_letter_per_agency_comes_as_a_zip_and_each_task_shows_it(app, client, overdue):
    stc, syt = overdue.agencies["stc"], overdue.agencies["syt"]
    login_as(client, "admin@tinh.gov.vn")
    response = _draft(client, [stc, syt], mode="each", kind="nhac_nho", letter_date="20/08/2025")
    assert response.status_code == 302
    with app.app_context():
        letters = db.session.scalars(select(ReminderLetter).order_by(ReminderLetter.id)).all()
        assert len(letters) == 2 and len({letter.batch for letter in letters}) == 1
        batch = letters[0].batch
    archive = client.get(f"/letters/batch/{batch}.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        names = sorted(z.namelist())
        assert len(names) == 2 and all(n.endswith(".docx") for n in names)
        texts = [_docx_text(Document(io.BytesIO(z.read(n)))) for n in names]
    assert sum("Kính gửi: Sở Tài chính." in t for t in texts) == 1
    assert sum("Kính gửi: Sở Y tế." in t for t in texts) == 1
    assert all("V/v nhắc nhở" in t and "ngày 20 tháng 8 năm 2025" in t for t in texts)
    # the task pages say so, for the office and for the agency
    page = client.get(f"/tasks/{overdue.tasks['stc_lead']}").get_data(as_text=True)
    assert "Đã gửi công văn nhắc nhở ngày 20/08/2025" in page and "tải công văn" in page
    officer = app.test_client()
    login_as(officer, "stc@tinh.gov.vn")
    page = officer.get(f"/tasks/{overdue.tasks['stc_lead']}").get_data(as_text=True)
    assert "Đã gửi công văn nhắc nhở ngày 20/08/2025" in page and "tải công văn" not in page
    assert client.get("/letters/batch/nothing.zip").status_code == 404


def test_bad_input_is_explained_and_kept(app, client, overdue):
    stc = overdue.agencies["stc"]
    login_as(client, "staff@tinh.gov.vn")
    response = _draft(client, [stc], new_due_on="31/02/2025", signer_name="Trần Thị Bình")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ngày “31/02/2025” không hợp lệ" in html and 'value="Trần Thị Bình"' in html
    assert f'id="agency-{stc}" checked' in html
    html = _draft(client, [stc], new_due_on="18/08/2025").get_data(as_text=True)
    assert "Thời hạn mới phải sau ngày 18/08/2025" in html
    html = _draft(client, []).get_data(as_text=True)
    assert "Chọn ít nhất một cơ quan, đơn vị có nhiệm vụ quá hạn" in html
    html = _draft(client, [overdue.agencies["skhcn"]]).get_data(as_text=True)
    assert "Không còn nhiệm vụ quá hạn của: Sở Khoa học và Công nghệ" in html
    response = client.post("/letters/new", data={**FORM, "agency": ["abc"]})
    assert response.status_code == 422
    assert "Có cơ quan, đơn vị không hợp lệ" in response.get_data(as_text=True)
    html = _draft(client, [stc], symbol="", issuing_body="").get_data(as_text=True)
    assert "Vui lòng nhập" in html
    with app.app_context():
        assert db.session.scalars(select(ReminderLetter)).all() == []


def test_leaders_read_and_download_agencies_are_refused(app, client, overdue):
    login_as(client, "admin@tinh.gov.vn")
    assert _draft(client, [overdue.agencies["stc"]]).status_code == 302
    with app.app_context():
        letter = db.session.scalars(select(ReminderLetter)).one()
        letter_id, batch = letter.id, letter.batch
    leader = app.test_client()
    login_as(leader, "lanhdao@tinh.gov.vn")
    assert leader.get("/letters/").status_code == 200
    assert leader.get(f"/letters/{letter_id}.docx").status_code == 200
    assert leader.get(f"/letters/batch/{batch}.zip").status_code == 200
    assert leader.get("/letters/new").status_code == 403
    assert _draft(leader, [overdue.agencies["stc"]]).status_code == 403
    officer = app.test_client()
    login_as(officer, "stc@tinh.gov.vn")
    for url in ("/letters/", f"/letters/{letter_id}.docx", f"/letters/batch/{batch}.zip"):
        assert officer.get(url).status_code == 403
    assert officer.get("/letters/new").status_code == 403
    # the dashboard and the report lead the office to the form, with the agency chosen
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/letters/new?agency={overdue.agencies['stc']}" in dashboard
    report = client.get("/reports/?year=2025&period=Q3&as_of=18/08/2025").get_data(as_text=True)
    assert 'id="draft-letter"' in report and "/letters/new?agency=" in report
    assert 'id="draft-letter"' not in leader.get("/dashboard").get_data(as_text=True)
