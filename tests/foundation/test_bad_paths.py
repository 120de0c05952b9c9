"""Issue 11 §5 (and issue 14 point 9): the bad paths a person walks into, over real requests."""

import io
import re

from sqlalchemy import func, select

from tests.conftest import login_as
from tracker.directives.issuers import normalize_issuer
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.tasks.models import ProgressUpdate


def _lang_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"[^>]*>(?:VI|EN)</a>', html)


# -- 405, and language links built from the route ------------------------------------------


def test_a_form_address_opened_directly_answers_in_the_sites_layout_and_language(client, data):
    login_as(client, data.users["staff"])
    task = data.tasks["stc_lead"]
    response = client.get(f"/tasks/{task}/progress")
    html = response.get_data(as_text=True)
    assert response.status_code == 405
    assert "Method Not Allowed" not in html
    assert "Trang này chỉ nhận dữ liệu gửi từ biểu mẫu" in html
    assert 'class="topbar"' in html  # the site's layout
    assert f'href="/tasks/{task}"' in html  # the way back: the task the form belongs to
    english = client.get(f"/tasks/{task}/progress?lang=en").get_data(as_text=True)
    assert "This address only takes a submitted form" in english


def test_language_links_after_a_form_post_lead_to_a_get_page(client, data):
    login_as(client, data.users["officer"])
    task = data.tasks["stc_lead"]
    response = client.post(f"/tasks/{task}/progress", data={"body": ""})
    assert response.status_code == 422
    links = _lang_links(response.get_data(as_text=True))
    assert links == [f"/tasks/{task}?lang=vi", f"/tasks/{task}?lang=en"]
    for link in links:
        assert client.get(link).status_code == 200
    # a GET page keeps its query
    page = client.get("/tasks/?q=thanh+tra&status=open").get_data(as_text=True)
    assert all("q=thanh+tra" in link and "status=open" in link for link in _lang_links(page))


def test_language_links_on_a_missing_page_never_point_to_another_site(client, data):
    response = client.get("/%5Cevil.example/x")
    assert response.status_code == 404
    links = _lang_links(response.get_data(as_text=True))
    assert links and all(link.startswith("/?lang=") for link in links), links
    assert "evil" not in " ".join(links)
    login_as(client, data.users["staff"])
    links = _lang_links(client.get("//evil.example/%5C..").get_data(as_text=True))
    assert all(link.startswith("/") and not link.startswith("//") for link in links)


def test_the_extraction_review_asks_before_it_is_left(client, data):
    login_as(client, data.users["staff"])
    html = client.post(
        "/directives/extract/",
        data={
            "text": "THÔNG BÁO\nSố: 1/TB-VPUBND\nGiao Sở Tài chính báo cáo trước ngày 30/9/2025."
        },
    ).get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/directives/extract/review"[^>]*>', html).group(0)
    assert 'data-guard="always"' in form and "data-busy" in form


# -- long work shows progress ---------------------------------------------------------------


def test_uploads_imports_and_exports_mark_themselves_busy(client, data):
    login_as(client, data.users["staff"])
    pages = {
        f"/tasks/{data.tasks['stc_lead']}/complete": r'<form[^>]*enctype="multipart/form-data"[^>]*>',
        f"/directives/{data.directive}/edit": r'<form[^>]*enctype="multipart/form-data"[^>]*>',
        "/agencies/import": r'<form[^>]*enctype="multipart/form-data"[^>]*>',
        "/directives/extract/": r'<form[^>]*enctype="multipart/form-data"[^>]*>',
    }
    for url, pattern in pages.items():
        form = re.search(pattern, client.get(url).get_data(as_text=True)).group(0)
        assert "data-busy" in form, url
    for url in ("/reports/", "/dashboard"):
        exports = re.findall(
            r'<a [^>]*href="/reports/[^"]*\.(?:xlsx|csv)[^"]*"[^>]*>',
            client.get(url).get_data(True),
        )
        assert exports and all("data-busy" in a for a in exports), url


# -- files: checked with the other fields, and said to be picked again ----------------------


def test_a_bad_file_is_reported_at_the_first_submission(app, client, data):
    login_as(client, data.users["officer"])
    response = client.post(
        f"/tasks/{data.tasks['stc_lead']}/complete",
        data={"report_number": "", "attachment": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "virus.exe" in html and "chỉ nhận các loại" in html  # the file, not only the number


def test_a_good_file_on_a_failed_form_says_to_pick_it_again(app, client, data):
    login_as(client, data.users["officer"])
    response = client.post(
        f"/tasks/{data.tasks['stc_lead']}/complete",
        data={"report_number": "", "attachment": (io.BytesIO(b"%PDF-1.4\n"), "bao-cao.pdf")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "bao-cao.pdf" in html and "vui lòng chọn lại tệp" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


# -- a completed task takes no more progress ------------------------------------------------


def test_a_completed_task_neither_offers_nor_takes_progress(app, client, data):
    task = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    assert f'action="/tasks/{task}/progress"' in client.get(f"/tasks/{task}").get_data(True)
    done = client.post(
        f"/tasks/{task}/complete", data={"done_on": "18/08/2025", "report_number": "12/BC-STC"}
    )
    assert done.status_code == 302
    assert f'action="/tasks/{task}/progress"' not in client.get(f"/tasks/{task}").get_data(True)
    refused = client.post(f"/tasks/{task}/progress", data={"body": "Thêm một báo cáo"})
    assert refused.status_code == 422
    assert "đã hoàn thành, không nhận thêm báo cáo tiến độ" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


# -- the agency import preview ---------------------------------------------------------------


def test_the_import_preview_shows_labels_and_which_rows_update(client, data):
    login_as(client, data.users["staff"])
    content = "name,kind\nSở Tài chính,department\nUBND xã Mai Châu,commune\n"
    html = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(content.encode()), "ds.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Sở, ban, ngành" in html and "UBND cấp xã" in html
    assert ">department<" not in html and ">commune<" not in html
    stc = re.search(r'<tr data-line="2">.*?</tr>', html, re.S).group(0)
    new = re.search(r'<tr data-line="3">.*?</tr>', html, re.S).group(0)
    assert 'data-import="update"' in stc and 'data-import="new"' in new
    assert "1 dòng cập nhật đơn vị đã có" in html


# -- one issuer, one spelling -----------------------------------------------------------------


def test_known_forms_of_an_issuer_are_one_issuer():
    assert normalize_issuer("Chủ tịch Ủy ban nhân dân tỉnh") == "Chủ tịch UBND tỉnh"
    assert normalize_issuer("  chủ tịch  UBND tỉnh ") == "Chủ tịch UBND tỉnh"
    assert normalize_issuer("Chủ tịch Uỷ ban nhân dân tỉnh") == "Chủ tịch UBND tỉnh"
    assert normalize_issuer("Thường trực Hội đồng nhân dân tỉnh") == "Thường trực HĐND tỉnh"
    assert normalize_issuer("") == ""


def test_the_directive_form_saves_one_spelling_and_offers_the_known_ones(app, client, data):
    login_as(client, data.users["staff"])
    for number, issuer in (
        ("7/TB-UBND", "Chủ tịch UBND tỉnh"),
        ("8/TB-UBND", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ):
        response = client.post(
            "/directives/new",
            data={
                "number": number,
                "kind": "Thông báo kết luận",
                "issued_on": "01/08/2025",
                "issuer": issuer,
                "title": "Kết luận",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        issuers = set(
            db.session.scalars(select(Directive.issuer).where(Directive.number.like("%/TB-UBND")))
        )
    assert issuers == {"Chủ tịch UBND tỉnh"}
    form = client.get("/directives/new").get_data(as_text=True)
    assert 'list="known-issuers"' in form
    assert '<option value="Chủ tịch UBND tỉnh">' in form


# -- the task form, the directive page, the print page, English ------------------------------


def test_a_one_off_task_form_hides_the_cadence_fields_and_never_says_rrule(client, data):
    login_as(client, data.users["staff"])
    html = client.get(f"/directives/{data.directive}/tasks/new").get_data(as_text=True)
    assert "RRULE" not in html
    for name in ("period_due_day", "cadence_rule", "starts_on", "ends_on"):
        wrapper = re.search(
            rf'<div data-cadence-field="[a-z]+"[^>]*>\s*<div class="field[^"]*">\s*<label for="{name}"',
            html,
        )
        assert wrapper and "hidden" in wrapper.group(0), name
    english = client.get(f"/directives/{data.directive}/tasks/new?lang=en").get_data(as_text=True)
    assert "RRULE" not in english


def test_the_directive_page_numbers_tasks_by_stt(app, client, data):
    login_as(client, data.users["staff"])
    html = client.get(f"/directives/{data.directive}").get_data(as_text=True)
    assert re.findall(r'data-stt="(\d+)"', html) == ["1", "2", "3", "4"]
    assert ">STT<" in html


def test_the_print_page_names_its_icon(client, data):
    login_as(client, data.users["staff"])
    html = client.get("/reports/print").get_data(as_text=True)
    assert '<link rel="icon"' in html and "favicon.svg" in html
    assert "<main>" in html


def test_english_pages_say_task_and_the_province_in_english(client, data):
    login_as(client, data.users["staff"])
    html = client.get(f"/tasks/{data.tasks['stc_lead']}?lang=en").get_data(as_text=True)
    assert "Tasks #" not in html
    assert f"Task #{data.tasks['stc_lead']}" in html
    assert "People&#39;s Committee tỉnh" not in html and "People's Committee tỉnh" not in html
    assert "Hòa Bình Province" in html
