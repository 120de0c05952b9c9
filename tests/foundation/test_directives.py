"""Directives: list, search, create, edit, delete, with their bad input and permissions."""

import io

import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task

FORM = {
    "number": "123/CT-UBND",
    "kind": "Chỉ thị",
    "issued_on": "02/06/2025",
    "issuer": "Chủ tịch UBND tỉnh",
    "title": "Về tăng cường kỷ luật, kỷ cương hành chính",
    "full_text": "Toàn văn chỉ thị...",
}


def directive_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Directive.id))).scalar_one()


def test_office_creates_a_directive(app, client, data):
    login_as(client, data.users["staff"])
    response = client.post("/directives/new", data=FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "123/CT-UBND" in page and "02/06/2025" in page


def test_invalid_date_keeps_what_was_typed(app, client, data):
    login_as(client, data.users["staff"])
    before = directive_count(app)
    response = client.post("/directives/new", data={**FORM, "issued_on": "31/02/2025"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ngày “31/02/2025” không hợp lệ" in html
    assert "Về tăng cường kỷ luật, kỷ cương hành chính" in html and "31/02/2025" in html
    assert directive_count(app) == before


def test_duplicate_number_in_the_same_year(app, client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/directives/new", data={**FORM, "number": "5016/TB-VPUBND", "issued_on": "20/05/2025"}
    )
    html = response.get_data(as_text=True)
    assert "Đã có văn bản số 5016/TB-VPUBND năm 2025" in html
    assert "Về tăng cường kỷ luật" in html
    # the same number in another year is another document
    response = client.post(
        "/directives/new", data={**FORM, "number": "5016/TB-VPUBND", "issued_on": "20/05/2026"}
    )
    assert response.status_code == 302


def test_attachment_of_a_forbidden_type_saves_nothing(app, client, data):
    login_as(client, data.users["staff"])
    before = directive_count(app)
    response = client.post(
        "/directives/new",
        data={**FORM, "attachment": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "chỉ nhận các loại" in html and "123/CT-UBND" in html
    assert directive_count(app) == before


def test_attachment_whose_content_lies_is_refused(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/directives/new",
        data={**FORM, "attachment": (io.BytesIO(b"MZ not a pdf"), "vanban.pdf")},
        content_type="multipart/form-data",
    )
    assert "không đúng với phần mở rộng .pdf" in response.get_data(as_text=True)


def test_attachment_too_large(app, client, data):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    login_as(client, data.users["staff"])
    response = client.post(
        "/directives/new",
        data={**FORM, "attachment": (io.BytesIO(b"%PDF" + b"0" * 2000), "vanban.pdf")},
        content_type="multipart/form-data",
    )
    assert "quá lớn" in response.get_data(as_text=True)


def test_request_over_the_hard_limit_gets_a_vietnamese_page(app, client, data):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login_as(client, data.users["staff"])
    response = client.post(
        "/directives/new",
        data={**FORM, "attachment": (io.BytesIO(b"%PDF" + b"0" * 4000), "vanban.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_attachment_is_kept_and_downloadable(client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        "/directives/new",
        data={**FORM, "attachment": (io.BytesIO(b"%PDF-1.7 noi dung"), "chi-thi.pdf")},
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = page.split('href="/files/')[1].split('"')[0]
    with client.get(f"/files/{link}") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_list_search_and_filters(client, data):
    login_as(client, data.users["leader"])
    assert "5016/TB-VPUBND" in client.get("/directives/?q=ket luan chu tich").get_data(as_text=True)
    assert "5016/TB-VPUBND" not in client.get("/directives/?year=2024").get_data(as_text=True)
    assert "Chưa có văn bản nào phù hợp" in client.get("/directives/?kind=Chỉ thị").get_data(
        as_text=True
    )


def test_edit_and_delete_with_confirmation(app, client, data):
    login_as(client, data.users["staff"])
    response = client.post(
        f"/directives/{data.directive}/edit",
        data={**FORM, "number": "5016/TB-VPUBND", "issued_on": "17/05/2025"},
    )
    assert response.status_code == 302
    confirm = client.get(f"/directives/{data.directive}/delete").get_data(as_text=True)
    assert "Xóa văn bản số 5016/TB-VPUBND?" in confirm and "4</strong> nhiệm vụ" in confirm
    client.post(f"/directives/{data.directive}/delete")
    with app.app_context():
        assert db.session.get(Directive, data.directive) is None
        assert db.session.execute(select(func.count(Task.id))).scalar_one() == 0


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_only_the_office_writes_directives(client, data, who):
    login_as(client, data.users[who])
    assert client.post("/directives/new", data=FORM).status_code == 403
    assert client.post(f"/directives/{data.directive}/edit", data=FORM).status_code == 403
    assert client.post(f"/directives/{data.directive}/delete").status_code == 403
    assert client.post(f"/directives/{data.directive}/tasks/new", data={}).status_code == 403


def test_agency_officers_do_not_browse_directives(client, data):
    login_as(client, data.users["officer"])
    assert client.get("/directives/").status_code == 403


def test_unknown_directive_is_a_helpful_404(client, data):
    login_as(client, data.users["staff"])
    response = client.get("/directives/999999")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
