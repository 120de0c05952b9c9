"""The agency registry: search, edit, deactivate, import from CSV and XLSX."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import login_as
from tracker.agencies.models import Agency
from tracker.extensions import db


def count_agencies(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Agency.id))).scalar_one()


def test_search_ignores_diacritics(client, data):
    login_as(client, data.users["staff"])
    html = client.get("/agencies/?q=so tai chinh").get_data(as_text=True)
    assert "Sở Tài chính" in html and "Sở Y tế" not in html


def test_picker_search_json(client, data):
    login_as(client, data.users["officer"])
    assert client.get("/agencies/search.json?q=khoa hoc").get_json() == [
        {"id": data.agencies["skhcn"], "name": "Sở Khoa học và Công nghệ"}
    ]


def test_create_agency_with_aliases_and_mailboxes(app, client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/agencies/new",
        data={
            "name": "Sở Xây dựng",
            "kind": "department",
            "aliases": "Sở XD\nSở Giao thông vận tải",
            "emails": "soxaydung@tinh.gov.vn; vanthu.sxd@tinh.gov.vn",
            "active": "y",
        },
    )
    assert response.status_code == 302
    html = client.get("/agencies/?q=giao thong").get_data(as_text=True)
    assert "Sở Xây dựng" in html and "vanthu.sxd@tinh.gov.vn" in html


def test_duplicate_agency_name_keeps_the_form(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/agencies/new",
        data={"name": "sở tài chính", "kind": "department", "aliases": "Tên khác đã gõ"},
    )
    html = response.get_data(as_text=True)
    assert "Đã có cơ quan, đơn vị tên “Sở Tài chính”" in html
    assert "Tên khác đã gõ" in html


def test_bad_mailbox_is_refused(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/agencies/new", data={"name": "Sở Mới", "kind": "department", "emails": "khong-phai-email"}
    )
    assert "Thư điện tử không hợp lệ" in response.get_data(as_text=True)


def test_deactivate_and_reactivate(app, client, data):
    login_as(client, data.users["staff"])
    client.post(f"/agencies/{data.agencies['syt']}/deactivate")
    with app.app_context():
        assert db.session.get(Agency, data.agencies["syt"]).active is False
    client.post(f"/agencies/{data.agencies['syt']}/deactivate")
    with app.app_context():
        assert db.session.get(Agency, data.agencies["syt"]).active is True


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_only_the_office_manages_agencies(client, data, who):
    login_as(client, data.users[who])
    assert client.get("/agencies/").status_code == 403
    assert client.post("/agencies/new", data={"name": "X"}).status_code == 403
    assert client.post(f"/agencies/{data.agencies['syt']}/deactivate").status_code == 403
    assert client.get("/agencies/import").status_code == 403


CSV_GOOD = (
    "name,short_name,kind,aliases,email,head_email,merged_into\n"
    "Sở Xây dựng,SXD,department,Sở XD|Sở GTVT,sxd@tinh.gov.vn,gd.sxd@tinh.gov.vn,\n"
    "Sở Giao thông vận tải,SGTVT,department,,,,Sở Xây dựng\n"
    "UBND xã Mai Châu,,commune,,xamaichau@tinh.gov.vn,,\n"
)


def upload(client, name: str, content: bytes):
    return client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_import_csv_preview_then_confirm(app, client, data):
    login_as(client, data.users["staff"])
    before = count_agencies(app)
    preview = upload(client, "ds.csv", CSV_GOOD.encode("utf-8-sig"))
    html = preview.get_data(as_text=True)
    assert "3 dòng hợp lệ" in html
    assert count_agencies(app) == before  # nothing saved before confirmation
    rows = html.split('name="rows" value="')[1].split('"')[0]
    import html as html_lib

    response = client.post("/agencies/import/confirm", data={"rows": html_lib.unescape(rows)})
    assert response.status_code == 302
    assert count_agencies(app) == before + 3
    with app.app_context():
        old = db.session.execute(
            select(Agency).where(Agency.name == "Sở Giao thông vận tải")
        ).scalar_one()
        assert old.merged_into.name == "Sở Xây dựng" and old.active is False


def test_import_reports_every_bad_row_with_its_line(app, client, data):
    login_as(client, data.users["staff"])
    content = (
        "name,kind,email,merged_into\n"
        "Sở Tốt,department,tot@tinh.gov.vn,\n"
        ",department,,\n"
        "Sở Lạ,kiểu-lạ,,\n"
        "Sở Thư Sai,department,khong-phai-email,\n"
        "Sở Cũ,department,,Sở Không Có\n"
        "Sở Tốt,department,,\n"
    )
    before = count_agencies(app)
    html = upload(client, "ds.csv", content.encode()).get_data(as_text=True)
    for line, words in [
        (3, "thiếu tên"),
        (4, "không hợp lệ"),
        (5, "khong-phai-email"),
        (6, "Sở Không Có"),
        (7, "trùng tên với dòng 2"),
    ]:
        assert f"Dòng {line}:" in html and words in html
    assert "5 dòng có lỗi, chưa nhập gì" in html
    assert count_agencies(app) == before


def test_import_xlsx(app, client, data):
    login_as(client, data.users["staff"])
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "short_name", "kind", "aliases", "email"])
    sheet.append(["Sở Công Thương", "SCT", "department", "Sở CT", "sct@tinh.gov.vn"])
    buffer = io.BytesIO()
    book.save(buffer)
    html = upload(client, "ds.xlsx", buffer.getvalue()).get_data(as_text=True)
    assert "1 dòng hợp lệ" in html and "Sở Công Thương" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ds.pdf", b"%PDF-1.4", "không phải CSV hoặc XLSX"),
        ("ds.xlsx", b"name\nSo A\n", "không phải XLSX"),
        ("ds.csv", "name\nSở A\n".encode("utf-16"), "không phải văn bản CSV"),
        ("ds.csv", b"ten,loai\nA,B\n", "phải có cột"),
    ],
)
def test_import_refuses_files_it_cannot_read(client, data, name, content, message):
    login_as(client, data.users["staff"])
    html = upload(client, name, content).get_data(as_text=True)
    assert message in html


def test_confirm_never_trusts_the_browser(client, data):
    login_as(client, data.users["staff"])
    response = client.post("/agencies/import/confirm", data={"rows": '[{"line": 2, "name": ""}]'})
    assert response.status_code == 302
    assert "không hợp lệ" in client.get("/agencies/import").get_data(as_text=True)


def test_agencies_import_cli(app, runner, data, tmp_path):
    good = tmp_path / "ds.csv"
    good.write_text(CSV_GOOD, encoding="utf-8")
    result = runner.invoke(args=["agencies", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3" in result.output
    again = runner.invoke(args=["agencies", "import", str(good)])
    assert "Đã nhập 0" in again.output and "cập nhật 3" in again.output

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nSở A,sai\n,\nSở B,\n", encoding="utf-8")
    before = count_agencies(app)
    result = runner.invoke(args=["agencies", "import", str(bad)])
    assert result.exit_code != 0
    assert "Dòng 2:" in result.output and "không nhập gì" in result.output
    assert count_agencies(app) == before
