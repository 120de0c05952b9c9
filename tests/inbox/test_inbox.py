"""The document system's inbox: the API with a real token and a multipart upload, the watched
folder (twice → once), the duplicate flag, review-and-save into a directive with the file
attached, discarding, and the file limits every reader applies."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.api.conftest import bearer, make_token
from tests.extraction_web.test_review_flow import form_fields
from tests.signed.pki import plain_pdf
from tests.world import EMAILS, INCOMING_TEXT, client_as
from tracker.audit.models import AuditLog
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.inbox.models import IncomingDocument

NOTICE = (
    "ỦY BAN NHÂN DÂN TỈNH\nSố: 12/TB-VPUBND\nHòa Bình, ngày 02 tháng 9 năm 2025\n\n"
    "THÔNG BÁO\nKết luận về cải cách hành chính\n\n"
    "1. Giao Sở Y tế cải thiện chỉ số hài lòng, báo cáo trước ngày 31/10/2025.\n"
)


def _post(client, token, *, filename="tb.txt", data=None, **fields):
    body = {
        "file": (io.BytesIO(NOTICE.encode() if data is None else data), filename),
        **fields,
    }
    return client.post(
        "/api/v1/inbox", data=body, headers=bearer(token), content_type="multipart/form-data"
    )


def _doc(app, doc_id):
    with app.app_context():
        doc = db.session.get(IncomingDocument, doc_id)
        db.session.expunge(doc)
        return doc


def test_the_api_takes_a_file_with_its_metadata_from_an_office_token(app, world, client):
    token = make_token(app, EMAILS["office_staff"])
    response = _post(
        client,
        token,
        number="12/TB-VPUBND",
        issued_on="2025-09-02",
        title="Kết luận về cải cách hành chính",
        issuer="Văn phòng UBND tỉnh",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "pending" and body["source"] == "api"
    assert (body["number"], body["year"], body["issued_on"]) == ("12/TB-VPUBND", 2025, "2025-09-02")
    assert body["duplicate"] is False and body["content_type"].startswith("text/plain")
    assert response.headers["Location"].endswith(f"/inbox/{body['id']}")
    with app.app_context():
        doc = db.session.get(IncomingDocument, body["id"])
        assert doc.text.startswith("ỦY BAN") and doc.received_by_id is not None
        assert (Path(app.config["UPLOAD_DIR"]) / doc.stored_name).read_bytes() == NOTICE.encode()
        assert db.session.execute(
            select(AuditLog).where(AuditLog.entity == "incoming_document")
        ).first()
    # the office's list shows it, with the count in the navigation
    page = client_as(app, "office_admin").get("/inbox/").get_data(as_text=True)
    assert "12/TB-VPUBND" in page and "data-inbox-count>2<" in page


def test_metadata_left_out_is_read_from_the_texts_header(app, world, client):
    token = make_token(app, EMAILS["office_admin"])
    body = _post(client, token).json
    assert body["number"] == "12/TB-VPUBND" and body["issued_on"] == "2025-09-02"


def test_a_pdf_and_a_docx_are_read_too(app, world, client):
    from docx import Document

    token = make_token(app, EMAILS["office_admin"])
    pdf = _post(
        client,
        token,
        filename="bao-cao.pdf",
        data=plain_pdf("Thong bao ket luan so 3/TB-VPUBND cua Chu tich"),
    )
    assert pdf.status_code == 201, pdf.json
    buffer = io.BytesIO()
    document = Document()
    for line in NOTICE.splitlines():
        document.add_paragraph(line)
    document.save(buffer)
    docx = _post(client, token, filename="tb.docx", data=buffer.getvalue())
    assert docx.status_code == 201, docx.json
    assert docx.json["number"] == "12/TB-VPUBND"


def test_the_same_number_and_year_is_flagged(app, world, client):
    token = make_token(app, EMAILS["office_admin"])
    # the world's directive 5016/TB-VPUBND of 2025
    first = _post(client, token, number="5016/TB-VPUBND", issued_on="2025-06-01").json
    assert first["duplicate"] is True
    assert first["duplicate_directive_ids"] == [world["directive"]]
    # the world's incoming 77/TB-VPUBND of 2025, sent again
    again = _post(client, token, number="77/TB-VPUBND", issued_on="2025-08-01").json
    assert again["duplicate_incoming_ids"] == [world["incoming"]]
    # the same number another year is another document
    other_year = _post(client, token, number="77/TB-VPUBND", issued_on="2024-08-01").json
    assert other_year["duplicate"] is False
    office = client_as(app, "office_admin")
    page = office.get(f"/inbox/{world['incoming']}").get_data(as_text=True)
    assert "data-duplicate" in page and f"/inbox/{again['id']}" in page
    listing = office.get("/inbox/").get_data(as_text=True)
    assert listing.count("data-duplicate>") >= 3


def test_only_the_office_may_send_and_bad_files_are_refused(app, world, client):
    for role in ("officer_own", "leader"):
        response = _post(client, make_token(app, EMAILS[role]))
        assert response.status_code == 403, role
        assert response.mimetype == "application/problem+json"
    assert client.post("/api/v1/inbox", data={}).status_code == 401
    token = make_token(app, EMAILS["office_admin"])
    missing = client.post(
        "/api/v1/inbox",
        data={"number": "1"},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "file"
    for filename, data in (
        ("virus.exe", b"MZ\x90\x00"),
        ("gia.pdf", b"MZ not a pdf"),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
        ("rong.txt", b""),
    ):
        response = _post(client, token, filename=filename, data=data)
        assert response.status_code == 422, filename
        assert response.json["errors"][0]["field"] == "file"
    bad_date = _post(client, token, issued_on="02/09/2025")
    assert bad_date.status_code == 422 and bad_date.json["errors"][0]["field"] == "issued_on"
    with app.app_context():
        assert db.session.execute(select(db.func.count(IncomingDocument.id))).scalar_one() == 1


def test_the_readers_limits_apply(app, world, client):
    token = make_token(app, EMAILS["office_admin"])
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    big = _post(client, token, data=NOTICE.encode() * 20)
    assert big.status_code == 422 and "quá lớn" in big.json["errors"][0]["message"]
    app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    # a .docx whose directory announces too many parts (tracker/files/limits.py)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(1100):
            archive.writestr(f"word/p{i}.xml", "<x/>")
    bomb = _post(client, token, filename="bom.docx", data=buffer.getvalue())
    assert bomb.status_code == 422 and "thành phần" in bomb.json["errors"][0]["message"]
    app.config["TRACKER_LIMIT_MAX_TEXT_CHARS"] = 50
    long = _post(client, token)
    assert long.status_code == 422 and "ký tự" in long.json["errors"][0]["message"]


def test_review_and_save_makes_the_directive_with_the_file_attached(app, world):
    office = client_as(app, "office_admin")
    incoming = world["incoming"]
    review = office.post(f"/directives/extract/incoming/{incoming}")
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    assert 'id="incoming-attachment"' in html and "thong-bao-den.txt" in html
    fields = form_fields(html)
    assert fields["number"] == ["77/TB-VPUBND"] and fields["incoming_id"] == [str(incoming)]
    assert fields["tasks-0-lead_agency_id"] == [str(world["agency"])]
    fields["action"] = ["save"]
    saved = office.post(
        "/directives/extract/review",
        data=MultiDict([(k, v) for k, values in fields.items() for v in values]),
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with app.app_context():
        doc = db.session.get(IncomingDocument, incoming)
        directive = db.session.execute(
            select(Directive).where(Directive.number == "77/TB-VPUBND")
        ).scalar_one()
        assert doc.state == "processed" and doc.directive_id == directive.id
        assert doc.decided_by_id is not None and doc.decided_at is not None
        assert directive.issued_on == date(2025, 8, 1) and len(directive.tasks) == 1
        attachment = db.session.execute(
            select(Attachment).where(Attachment.directive_id == directive.id)
        ).scalar_one()
        assert attachment.filename == "thong-bao-den.txt"
        upload = Path(app.config["UPLOAD_DIR"])
        assert (upload / attachment.stored_name).read_text("utf-8") == INCOMING_TEXT
        assert not (upload / doc.stored_name).exists()  # the inbox's copy is gone
        directive_id = directive.id
    page = office.get(f"/inbox/{incoming}").get_data(as_text=True)
    assert 'id="incoming-processed"' in page and f"/directives/{directive_id}" in page
    # the document system asks where its document stands
    token = make_token(app, EMAILS["office_admin"])
    state = office.get(f"/api/v1/inbox/{incoming}", headers=bearer(token)).json
    assert (state["state"], state["directive_id"]) == ("processed", directive_id)
    assert state["duplicate"] is False  # its own directive is not a duplicate
    assert "data-inbox-count" not in office.get("/inbox/").get_data(as_text=True)
    # the same review posted again saves nothing more
    again = office.post(
        "/directives/extract/review",
        data=MultiDict([(k, v) for k, values in fields.items() for v in values]),
    )
    assert again.status_code == 422
    with app.app_context():
        assert (
            db.session.execute(
                select(db.func.count(Directive.id)).where(Directive.number == "77/TB-VPUBND")
            ).scalar_one()
            == 1
        )
    # a processed document cannot be reviewed again
    assert office.post(f"/directives/extract/incoming/{incoming}").status_code == 302


def test_discarding_asks_first_then_leaves_the_list(app, world):
    office = client_as(app, "office_admin")
    incoming = world["incoming"]
    confirm = office.get(f"/inbox/{incoming}/discard")
    assert confirm.status_code == 200 and 'id="confirm-discard"' in confirm.get_data(as_text=True)
    assert _doc(app, incoming).state == "pending"
    done = office.post(f"/inbox/{incoming}/discard", data={"note": "Gửi nhầm"})
    assert done.status_code == 302
    doc = _doc(app, incoming)
    assert doc.state == "discarded" and doc.note == "Gửi nhầm"
    assert not (Path(app.config["UPLOAD_DIR"]) / doc.stored_name).exists()
    listing = office.get("/inbox/").get_data(as_text=True)
    assert f'data-incoming-id="{incoming}"' in listing.split('id="inbox-decided"')[1]
    assert "Không có văn bản đến nào đang chờ xử lý" in listing
    # the journal names the document and links to its page
    journal = office.get("/journal/?kind=incoming_document").get_data(as_text=True)
    assert f"Văn bản đến #{incoming} (77/TB-VPUBND)" in journal
    assert f'href="/inbox/{incoming}"' in journal


def test_the_watched_folder_imports_each_file_once(app, world, runner, tmp_path):
    folder = tmp_path / "xuat-van-ban"
    folder.mkdir()
    (folder / "12-TB.txt").write_text(NOTICE, "utf-8")
    (folder / "12-TB.txt.json").write_text(
        json.dumps({"number": "12/TB-VPUBND", "issued_on": "2025-09-02", "issuer": "VP UBND"}),
        "utf-8",
    )
    (folder / "hong.pdf").write_bytes(b"not a pdf")
    (folder / "dang-ghi.txt.part").write_text("chưa xong", "utf-8")
    first = runner.invoke(args=["inbox", "import", str(folder)])
    assert first.exit_code == 0, first.output
    assert "Đã nhận 1, bỏ qua 0, lỗi 1." in first.output
    assert (folder / "done" / "12-TB.txt").exists() and (
        folder / "done" / "12-TB.txt.json"
    ).exists()
    assert (folder / "failed" / "hong.pdf").exists()
    assert "không đúng" in (folder / "failed" / "hong.pdf.loi.txt").read_text("utf-8")
    assert (folder / "dang-ghi.txt.part").exists()  # still being written: left alone
    second = runner.invoke(args=["inbox", "import", str(folder)])
    assert "Đã nhận 0, bỏ qua 0, lỗi 0." in second.output
    # the same export dropped again (or left by an interrupted run) is not a second document
    (folder / "12-TB-lai.txt").write_text(NOTICE, "utf-8")
    third = runner.invoke(args=["inbox", "import", str(folder)])
    assert "Đã nhận 0, bỏ qua 1, lỗi 0." in third.output
    with app.app_context():
        docs = (
            db.session.execute(select(IncomingDocument).where(IncomingDocument.source == "folder"))
            .scalars()
            .all()
        )
        assert len(docs) == 1
        assert (docs[0].number, docs[0].issuer, docs[0].received_by_id) == (
            "12/TB-VPUBND",
            "VP UBND",
            None,
        )


def test_the_scheduler_watches_the_folder_only_when_configured(app, tmp_path):
    from tracker.reminders.scheduler import INBOX_JOB, SchedulerConfigError, build_scheduler

    assert INBOX_JOB not in {job.id for job in build_scheduler(app).get_jobs()}
    app.config["TRACKER_INBOX_DIR"] = str(tmp_path)
    app.config["TRACKER_INBOX_INTERVAL_SECONDS"] = 120
    job = build_scheduler(app).get_job(INBOX_JOB)
    assert job is not None and job.trigger.interval.total_seconds() == 120
    app.config["TRACKER_INBOX_DIR"] = str(tmp_path / "khong-co")
    try:
        build_scheduler(app)
    except SchedulerConfigError as error:
        assert "TRACKER_INBOX_DIR" in str(error)
    else:
        raise AssertionError("a missing folder must stop the scheduler")
