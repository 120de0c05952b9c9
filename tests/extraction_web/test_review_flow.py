"""Paste → review → save, through real requests, on the demo registry."""

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task

NOTICE = Path(__file__).resolve().parents[2] / "tracker" / "demo" / "5016-TB-VPUBND-2025.txt"


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.execute(db.delete(Task))
        db.session.execute(db.delete(Directive))
        db.session.commit()
    return app


DEMO_PASSWORDS = {
    "admin@tinh.gov.vn": "quantri-demo",
    "stc@tinh.gov.vn": "sotaichinh-demo",
    "lanhdao@tinh.gov.vn": "lanhdao-demo",
}


def login_as(client, email):
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORDS[email]})
    assert response.status_code == 302


def form_fields(html: str) -> dict[str, list[str]]:
    """The values a browser would submit from the review page (inputs, textareas, selects)."""
    from html.parser import HTMLParser

    fields: dict[str, list[str]] = {}

    class Parser(HTMLParser):
        textarea = None
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                if a.get("type") in ("submit", "file"):
                    return
                fields.setdefault(a["name"], []).append(a.get("value") or "")
            elif tag == "textarea":
                self.textarea = a.get("name")
                fields.setdefault(self.textarea, []).append("")
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                fields.setdefault(self.select, []).append(a.get("value") or "")

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            if tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                fields[self.textarea][-1] += data

    Parser(convert_charrefs=True).feed(html)
    return fields


def post_review(client, fields, action="save"):
    data = [(k, v) for k, values in fields.items() for v in values]
    data.append(("action", action))
    return client.post("/directives/extract/review", data=MultiDict(data))


def test_paste_review_and_save_the_example(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    response = client.post(
        "/directives/extract/", data={"text": NOTICE.read_text(encoding="utf-8")}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="5016/TB-VPUBND"' in html and "17/05/2025" in html
    assert 'data-warning="due-before-issued"' in html
    with demo.app_context():  # nothing saved yet
        assert db.session.execute(select(func.count(Directive.id))).scalar_one() == 0

    fields = form_fields(html)
    rows = sorted({int(m) for k in fields for m in re.findall(r"^tasks-(\d+)-", k)})
    # the office confirms the early due dates, drops the collective row, saves
    for i in rows:
        if "due-before-issued" in fields[f"tasks-{i}-warnings"][0]:
            fields[f"tasks-{i}-confirm_early_due"] = ["y"]
        if fields[f"tasks-{i}-collective_kind"][0]:
            fields[f"tasks-{i}-remove"] = ["y"]
        if not fields.get(f"tasks-{i}-lead_agency_id", [""])[0]:
            fields[f"tasks-{i}-remove"] = ["y"]
    response = post_review(client, fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with demo.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        assert directive.number == "5016/TB-VPUBND" and "Ban Chỉ đạo" in directive.full_text
        leads = {t.lead_agency.name for t in directive.tasks}
        assert {"Sở Tài chính", "Sở Khoa học và Công nghệ", "Công an tỉnh"} <= leads
        dues = {(t.lead_agency.name, t.due_on and t.due_on.isoformat()) for t in directive.tasks}
        assert ("Sở Tài chính", "2025-08-15") in dues


def test_early_due_date_must_be_confirmed(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    html = client.post(
        "/directives/extract/", data={"text": NOTICE.read_text(encoding="utf-8")}
    ).get_data(as_text=True)
    fields = form_fields(html)
    for key in list(fields):
        if key.endswith("-lead_agency_id") and not fields[key][0]:
            fields[key.replace("lead_agency_id", "remove")] = ["y"]
    response = post_review(client, fields)
    assert response.status_code == 422
    assert "trước ngày ban hành văn bản" in response.get_data(as_text=True)
    with demo.app_context():
        assert db.session.execute(select(func.count(Directive.id))).scalar_one() == 0


def test_add_a_row_and_fan_out_a_collective_subject(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    text = (
        "Thông báo số 77/TB-VPUBND ngày 02/6/2025 kết luận của Chủ tịch UBND tỉnh.\n\n"
        "Các Sở, Ban, ngành: định kỳ hàng quý báo cáo Chủ tịch UBND tỉnh (qua Sở Nội vụ tổng hợp)."
    )
    html = client.post("/directives/extract/", data={"text": text}).get_data(as_text=True)
    fields = form_fields(html)
    collective = next(k for k, v in fields.items() if k.endswith("collective_kind") and v[0])
    index = int(collective.split("-")[1])
    fields[f"fanout_kind-{index}"] = ["department"]
    fanned = post_review(client, fields, action=f"fanout-{index}").get_data(as_text=True)
    assert "Đã tách thành" in fanned
    assert fanned.count("Tách thành từng đơn vị") == 0
    more = post_review(client, form_fields(fanned), action="add").get_data(as_text=True)
    assert more.count('name="tasks-') > fanned.count('name="tasks-')


def test_upload_a_file_of_the_wrong_kind(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    response = client.post(
        "/directives/extract/",
        data={"file": (io.BytesIO(b"not a real docx"), "vanban.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "docx" in response.get_data(as_text=True).lower()


def test_empty_paste(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    html = client.post("/directives/extract/", data={"text": "   "}).get_data(as_text=True)
    assert "Vui lòng dán nội dung văn bản hoặc chọn tệp." in html


def test_upload_a_text_file(demo, client):
    login_as(client, "admin@tinh.gov.vn")
    response = client.post(
        "/directives/extract/",
        data={"file": (io.BytesIO(NOTICE.read_bytes()), "5016.txt")},
        content_type="multipart/form-data",
    )
    assert 'value="5016/TB-VPUBND"' in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["stc@tinh.gov.vn", "lanhdao@tinh.gov.vn"])
def test_only_the_office_extracts(demo, client, who):
    login_as(client, who)
    assert client.get("/directives/extract/").status_code == 403
    assert client.post("/directives/extract/review", data={"action": "save"}).status_code == 403


def test_cli_scores_the_example(demo, runner, tmp_path):
    result = runner.invoke(args=["directives", "extract", str(NOTICE), "--json"])
    assert result.exit_code == 0, result.output
    tasks = json.loads(result.output)["tasks"]
    assert {"agency", "co_agencies", "via", "due", "cadence", "text", "warnings"} <= set(tasks[0])


def test_pasting_the_readme_example_again_offers_the_saved_directive(app, runner, client):
    """The README's own example is in the demo: the review says so at once and links to the
    saved directive, instead of refusing only at "Lưu" with "Đã có văn bản số …"."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        saved = db.session.scalar(select(Directive.id).where(Directive.number == "5016/TB-VPUBND"))
    login_as(client, "admin@tinh.gov.vn")
    html = client.post(
        "/directives/extract/", data={"text": NOTICE.read_text(encoding="utf-8")}
    ).get_data(as_text=True)
    notice = html[html.index('id="existing-directive"') :][:600]
    assert "5016/TB-VPUBND" in notice and f'href="/directives/{saved}"' in notice
    # saving anyway keeps the review, the error beside the number and the link
    fields = form_fields(html)
    for i in sorted({int(m) for k in fields for m in re.findall(r"^tasks-(\d+)-", k)}):
        if "due-before-issued" in fields[f"tasks-{i}-warnings"][0]:
            fields[f"tasks-{i}-confirm_early_due"] = ["y"]
        if (
            fields[f"tasks-{i}-collective_kind"][0]
            or not fields.get(f"tasks-{i}-lead_agency_id", [""])[0]
        ):
            fields[f"tasks-{i}-remove"] = ["y"]
    response = post_review(client, fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Đã có văn bản số 5016/TB-VPUBND năm 2025." in page
    assert f'href="/directives/{saved}"' in page


def test_a_two_hop_report_saves_the_right_way_round(demo, client):
    """'gửi Sở Tài chính trước 05/7 để tổng hợp, báo cáo UBND tỉnh trước 10/7': the lead's
    own deadline is 05/7, the via agency's 10/7; the review saves it without a 422."""
    login_as(client, "admin@tinh.gov.vn")
    text = (
        "Thông báo số 88/TB-VPUBND ngày 02/6/2025 kết luận của Chủ tịch UBND tỉnh.\n\n"
        "Sở Y tế báo cáo kết quả thực hiện chính sách an sinh xã hội, gửi Sở Tài chính trước "
        "ngày 05/7/2025 để tổng hợp, báo cáo UBND tỉnh trước ngày 10/7/2025.\n"
    )
    html = client.post("/directives/extract/", data={"text": text}).get_data(as_text=True)
    fields = form_fields(html)
    rows = sorted({int(m) for k in fields for m in re.findall(r"^tasks-(\d+)-", k)})
    assert len(rows) == 1
    [i] = rows
    assert fields[f"tasks-{i}-due_on"] == ["05/07/2025"]
    assert fields[f"tasks-{i}-via_due_on"] == ["10/07/2025"]
    response = post_review(client, fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with demo.app_context():
        task = db.session.execute(
            select(Task).join(Task.directive).where(Directive.number == "88/TB-VPUBND")
        ).scalar_one()
        assert task.lead_agency.name == "Sở Y tế"
        assert task.via_agency.name == "Sở Tài chính"
        assert (task.due_on.isoformat(), task.via_due_on.isoformat()) == (
            "2025-07-05",
            "2025-07-10",
        )
