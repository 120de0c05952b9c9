"""Signed PDFs through the pages: verified at upload, shown on the task, roots managed by the office."""

import io
import re

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tests.signed import pki
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.files.models import Attachment
from tracker.files.signature_models import AttachmentSignature, TrustedRoot
from tracker.i18n import format_datetime


@pytest.fixture(scope="module")
def ca():
    return pki.make_root()


@pytest.fixture(scope="module")
def signed(ca):
    return pki.sign(pki.plain_pdf(), pki.make_signer(ca))


def _trust(client, cert: bytes, name: str = "ca.pem"):
    return client.post(
        "/admin/trusted-roots",
        data={"file": (io.BytesIO(cert), name)},
        content_type="multipart/form-data",
    )


def _progress(client, task: int, pdf: bytes, name: str = "bao-cao.pdf"):
    response = client.post(
        f"/tasks/{task}/progress",
        data={"body": "Đã hoàn thành dự thảo", "attachment": (io.BytesIO(pdf), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _verdict(app, filename: str) -> AttachmentSignature:
    with app.app_context():
        row = db.session.execute(
            select(AttachmentSignature).join(Attachment).where(Attachment.filename == filename)
        ).scalar_one()
        db.session.expunge(row)
        return row


def test_a_signed_report_is_verified_at_upload_and_shown_on_the_task(app, client, data, ca, signed):
    office = login_as(app.test_client(), data.users["staff"])
    assert _trust(office, ca.pem).status_code == 302
    task = data.tasks["stc_co"]
    login_as(client, data.users["officer"])
    _progress(client, task, signed)
    verdict = _verdict(app, "bao-cao.pdf")
    assert verdict.status == "valid" and verdict.signer == "Nguyễn Văn An"
    assert verdict.organisation == "Sở Tài chính"
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    when = format_datetime(verdict.signed_at)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when)
    assert f"Đã ký số: Nguyễn Văn An, {when} ✓" in page
    # the officer does not get the office's re-verify button
    assert "Kiểm tra lại chữ ký số" not in page


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda ca, signed: pki.modify_after_signing(signed), "Tài liệu bị sửa sau khi ký"),
        (
            lambda ca, signed: pki.sign(pki.plain_pdf(), pki.make_signer(pki.make_root("Lạ"))),
            "Chứng thư không thuộc tổ chức tin cậy",
        ),
        (
            lambda ca, signed: pki.sign(
                pki.plain_pdf(),
                pki.make_signer(
                    ca,
                    not_before=pki.AROUND.replace(year=2024),
                    not_after=pki.AROUND.replace(day=2),
                ),
            ),
            "Chứng thư hết hạn",
        ),
        (lambda ca, signed: pki.plain_pdf(), "Không có chữ ký số"),
    ],
    ids=["modified", "untrusted", "expired", "unsigned"],
)
def test_each_problem_is_shown_in_vietnamese(app, client, data, ca, signed, make, message):
    login_as(client, data.users["admin"])
    _trust(client, ca.der, "ca.cer")
    task = data.tasks["stc_co"]
    _progress(client, task, make(ca, signed))
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert message in page and "Đã ký số:" not in page


def test_the_office_re_verifies_after_adding_the_root(app, client, data, ca, signed):
    login_as(client, data.users["staff"])
    task = data.tasks["stc_co"]
    _progress(client, task, signed)
    assert _verdict(app, "bao-cao.pdf").status == "untrusted"
    page = client.get(f"/tasks/{task}").get_data(as_text=True)
    assert "Chứng thư không thuộc tổ chức tin cậy" in page and "Kiểm tra lại chữ ký số" in page
    _trust(client, ca.pem)
    with app.app_context():
        attachment_id = db.session.execute(
            select(Attachment.id).where(Attachment.filename == "bao-cao.pdf")
        ).scalar_one()
    response = client.post(
        f"/files/{attachment_id}/verify", headers={"Referer": f"http://localhost/tasks/{task}"}
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task}"
    assert _verdict(app, "bao-cao.pdf").status == "valid"
    assert "Đã ký số: Nguyễn Văn An" in client.get(f"/tasks/{task}").get_data(as_text=True)


def test_an_officer_cannot_re_verify(app, client, data, signed):
    login_as(client, data.users["officer"])
    _progress(client, data.tasks["stc_co"], signed)
    with app.app_context():
        attachment_id = db.session.execute(select(Attachment.id)).scalar_one()
    assert client.post(f"/files/{attachment_id}/verify").status_code == 403


def test_trusted_roots_are_listed_refused_when_bad_and_deleted_after_confirmation(
    app, client, data, ca
):
    login_as(client, data.users["staff"])
    assert "Chứng thư số tin cậy" in client.get("/admin").get_data(as_text=True)
    response = _trust(client, ca.pem)
    assert response.status_code == 302
    page = client.get("/admin/trusted-roots").get_data(as_text=True)
    assert "CA thử nghiệm tỉnh" in page

    again = _trust(client, ca.der, "ca.der").get_data(as_text=True)
    assert "đã có trong danh sách tin cậy" in again
    junk = _trust(client, b"-----BEGIN NOTHING-----", "junk.pem").get_data(as_text=True)
    assert "không phải chứng thư số X.509" in junk
    leaf = pki.make_signer(ca).cert.public_bytes(pki.serialization.Encoding.PEM)
    assert "không phải chứng thư của tổ chức" in _trust(client, leaf, "leaf.pem").get_data(
        as_text=True
    )
    empty = client.post("/admin/trusted-roots", data={}, content_type="multipart/form-data")
    assert "Chọn tệp chứng thư số" in empty.get_data(as_text=True)

    with app.app_context():
        root = db.session.execute(select(TrustedRoot)).scalar_one()
        root_id = root.id
    confirm = client.get(f"/admin/trusted-roots/{root_id}/delete").get_data(as_text=True)
    assert "Xóa chứng thư số tin cậy?" in confirm and "CA thử nghiệm tỉnh" in confirm
    assert client.post(f"/admin/trusted-roots/{root_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.execute(select(TrustedRoot)).first() is None
        audit = db.session.execute(
            select(AuditLog.action, AuditLog.changes).where(AuditLog.entity == "trusted_root")
        ).all()
        assert sorted(a for a, _ in audit) == ["create", "delete"]
        assert all(changes["id"] in ([None, root_id], [root_id, None]) for _, changes in audit)
        assert all("der" not in changes for _, changes in audit)


def test_agencies_cannot_manage_roots(client, data):
    login_as(client, data.users["officer"])
    assert client.get("/admin/trusted-roots").status_code == 403
