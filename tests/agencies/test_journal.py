"""The journal (Nhật ký): every write leaves a row the office can find, read and export."""

import csv
import io
from datetime import date

from sqlalchemy import select

from tests.conftest import login_as
from tracker.agencies.models import Agency
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.reports.service import save_report_settings


def _agency_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(select(Agency.id).filter_by(name=name)).scalar_one()


def _edit_mailboxes(client, agency_id: int, emails: str, name: str = "Sở Y tế") -> None:
    response = client.post(
        f"/agencies/{agency_id}/edit",
        data={"name": name, "kind": "department", "emails": emails, "active": "y"},
    )
    assert response.status_code == 302, response.text


def test_agency_contact_changes_are_in_the_journal(app, data, client):
    login_as(client, "admin@tinh.gov.vn")
    syt = _agency_id(app, "Sở Y tế")
    _edit_mailboxes(client, syt, "soyte@tinh.gov.vn\ndaumoi.syt@tinh.gov.vn")
    with app.app_context():
        row = (
            db.session.execute(
                select(AuditLog)
                .where(AuditLog.entity == "agency", AuditLog.entity_id == syt)
                .order_by(AuditLog.id.desc())
            )
            .scalars()
            .first()
        )
        assert row.changes["contacts"] == [
            ["soyte@tinh.gov.vn"],
            ["daumoi.syt@tinh.gov.vn", "soyte@tinh.gov.vn"],
        ]
        assert row.user_id is not None
    page = client.get(f"/journal/?kind=agency&object={syt}")
    assert page.status_code == 200
    assert "Thư điện tử nhận nhắc việc" in page.text
    assert "daumoi.syt@tinh.gov.vn" in page.text
    assert f'href="/agencies/{syt}/edit"' in page.text  # the row links to what it changed
    # the agency's page links to its journal
    assert f"/journal/?kind=agency&amp;object={syt}" in client.get(f"/agencies/{syt}/edit").text


def test_settings_changes_say_which_setting(app, data, client):
    with app.app_context():
        save_report_settings(min_count=7, cutoff="calendar")
        db.session.commit()
        rows = (
            db.session.execute(
                select(AuditLog).where(AuditLog.entity == "setting").order_by(AuditLog.id)
            )
            .scalars()
            .all()
        )
        assert {r.entity_key for r in rows} == {"reports.min_count", "reports.cutoff"}
    login_as(client, "staff@tinh.gov.vn")
    page = client.get("/journal/?kind=setting")
    assert "reports.min_count" in page.text and 'href="/reports/settings"' in page.text


def test_filters_by_user_and_date_and_bad_filters_are_dropped(app, data, client):
    login_as(client, "admin@tinh.gov.vn")
    syt = _agency_id(app, "Sở Y tế")
    _edit_mailboxes(client, syt, "moi.syt@tinh.gov.vn")
    with app.app_context():
        admin = (
            db.session.execute(
                select(AuditLog.user_id).where(
                    AuditLog.entity == "agency", AuditLog.user_id.is_not(None)
                )
            )
            .scalars()
            .first()
        )
    mine = client.get(f"/journal/?user={admin}")
    assert "moi.syt@tinh.gov.vn" in mine.text
    system = client.get("/journal/?user=system&kind=agency")
    assert "moi.syt@tinh.gov.vn" not in system.text
    today = date(2025, 8, 18).strftime("%d/%m/%Y")
    assert "moi.syt@tinh.gov.vn" in client.get(f"/journal/?date_from={today}&date_to={today}").text
    assert "moi.syt@tinh.gov.vn" not in client.get("/journal/?date_to=17/08/2025").text
    bad = client.get("/journal/?date_from=31/02/2025&kind=nope&object=abc&user=x")
    assert bad.status_code == 200
    assert "31/02/2025" in bad.text and "không hợp lệ" in bad.text
    assert "moi.syt@tinh.gov.vn" in bad.text  # the bad filters are dropped, not applied


def test_task_journal_includes_its_parts_and_pages(app, data, client):
    login_as(client, "admin@tinh.gov.vn")
    task_id = data.tasks["stc_lead"]
    page = client.get(f"/journal/?kind=task&object={task_id}")
    assert page.status_code == 200 and f'href="/tasks/{task_id}"' in page.text
    everything = client.get("/journal/?page=1")
    assert "Tổng cộng" in everything.text
    assert client.get("/journal/?page=999").status_code == 200


def test_csv_export_has_a_bom_and_defuses_formulas(app, data, client):
    login_as(client, "admin@tinh.gov.vn")
    syt = _agency_id(app, "Sở Y tế")
    _edit_mailboxes(client, syt, "soyte@tinh.gov.vn", name='=HYPERLINK("http://x")')
    response = client.get(f"/journal/journal.csv?kind=agency&object={syt}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời điểm", "Người thực hiện", "Thao tác"]
    assert len(rows) >= 2
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any("'=HYPERLINK" in cell for cell in cells)


def test_the_journal_is_for_the_office_only(app, data, client):
    login_as(client, "lanhdao@tinh.gov.vn")
    assert client.get("/journal/").status_code == 403
    assert client.get("/journal/journal.csv").status_code == 403


def test_the_office_sending_an_email_again_is_journalled(app, data, client):
    from tracker.reminders.models import OutboxEmail
    from tracker.reminders.services import run_sweep

    with app.app_context():
        run_sweep(date(2025, 8, 8))
        email_id = db.session.execute(select(OutboxEmail.id)).scalars().first()
        before = db.session.execute(
            select(AuditLog.id).where(AuditLog.entity == "outbox_email")
        ).all()
        assert before == []  # the scheduler's own writes are the outbox's record
    login_as(client, "staff@tinh.gov.vn")
    assert client.post(f"/outbox/{email_id}/resend").status_code == 302
    page = client.get("/journal/?kind=outbox_email")
    assert f'href="/outbox/{email_id}"' in page.text and "Chuyên Viên" in page.text
