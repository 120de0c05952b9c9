"""Giao xử lý inside an agency, through real requests for each role: the officer told in the
app and by one email through a real SMTP server, the timeline and audit, the agency's list."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.factories import make_agency, make_directive, make_task, make_user
from tests.reminders.conftest import at
from tests.reminders.scenario import simulate
from tracker.audit.models import AuditLog
from tracker.auth.models import Role, User
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.reminders.models import OutboxEmail
from tracker.subassign.models import SubAssignment
from tracker.subassign.rules import MAX_NOTE, MAX_UNIT, input_problem, may_subassign
from tracker.tasks.models import Task

D = date


@pytest.fixture
def province(mail_app):
    """Sở Tài chính leads a task with Sở Y tế; Sở Nội vụ consolidates its report (via)."""
    mail_app.config["TRACKER_NOW"] = at(D(2025, 7, 1), 9)
    with mail_app.app_context():
        stc = make_agency("Sở Tài chính", emails=["sotaichinh@tinh.gov.vn"])
        syt = make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"])
        snv = make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"])
        other = make_agency("Sở Xây dựng", emails=["soxaydung@tinh.gov.vn"])
        make_user("chuyenvien@tinh.gov.vn", Role.OFFICE_STAFF, name="Trần Chuyên Viên")
        make_user("chutich@tinh.gov.vn", Role.LEADER, name="Nguyễn Chủ Tịch")
        make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, stc, name="Lê Tài Chính")
        make_user("lan@stc.gov.vn", Role.AGENCY_OFFICER, stc, name="Nguyễn Thị Lan")
        make_user("syt@tinh.gov.vn", Role.AGENCY_OFFICER, syt, name="Phạm Y Tế")
        make_user("snv@tinh.gov.vn", Role.AGENCY_OFFICER, snv, name="Võ Nội Vụ")
        make_user("sxd@tinh.gov.vn", Role.AGENCY_OFFICER, other, name="Đỗ Xây Dựng")
        task = make_task(
            make_directive("88/TB-VPUBND"), stc, co=[syt], via=snv, due_on=D(2025, 9, 15)
        )
        db.session.commit()
        return task.id


def _user_id(app, email):
    with app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def _count(app, model, *where):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_rules():
    assert may_subassign("agency_officer", 3, {3, 4})
    assert not may_subassign("agency_officer", 5, {3, 4})
    assert not may_subassign("office_staff", None, {3})
    assert not may_subassign("leader", 3, {3})
    assert input_problem("", None, "") == ("unit", "none")
    assert input_problem("Phòng Ngân sách", 7, "") == ("unit", "both")
    assert input_problem("x" * (MAX_UNIT + 1), None, "") == ("unit", "unit_too_long")
    assert input_problem("Phòng A", None, "x" * (MAX_NOTE + 1)) == ("note", "note_too_long")
    assert input_problem("Phòng A", None, "ghi chú") is None


def test_the_lead_hands_on_to_an_officer_who_is_told_then_changes_and_clears(
    mail_app, smtp, province
):
    task_id = province
    lan = _user_id(mail_app, "lan@stc.gov.vn")
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")
    form = stc.get(f"/tasks/{task_id}/giao-xu-ly")
    assert form.status_code == 200 and "Nguyễn Thị Lan (lan@stc.gov.vn)" in form.get_data(
        as_text=True
    )
    response = stc.post(
        f"/tasks/{task_id}/giao-xu-ly",
        data={
            "assignee": str(lan),
            "note": "Chị Lan tổng hợp số liệu.",
            "internal_due_on": "30/08/2025",
        },
    )
    assert response.status_code == 302
    with mail_app.app_context():
        row = db.session.execute(select(SubAssignment)).scalar_one()
        assert (row.assignee_id, row.internal_due_on) == (lan, D(2025, 8, 30))
        # the lead agency still answers to the office
        assert db.session.get(Task, task_id).lead_agency_id == row.agency_id
        told = db.session.execute(select(Notification)).scalar_one()
        assert (told.kind, told.audience, told.agency_id) == (
            "subassigned",
            "agency",
            row.agency_id,
        )

    # Lan sees it in her notifications and in "Giao cho tôi"
    lan_client = login_as(mail_app.test_client(), "lan@stc.gov.vn")
    page = lan_client.get("/notifications/").get_data(as_text=True)
    assert "Lê Tài Chính giao Nguyễn Thị Lan (lan@stc.gov.vn) xử lý nhiệm vụ" in page
    mine = lan_client.get("/tasks/giao-xu-ly?mine=1").get_data(as_text=True)
    assert f'data-task="{task_id}"' in mine and "30/08/2025" in mine
    assert f'data-task="{task_id}"' not in stc.get("/tasks/giao-xu-ly?mine=1").get_data(
        as_text=True
    )
    assert f'data-task="{task_id}"' in stc.get("/tasks/giao-xu-ly").get_data(as_text=True)

    # one email to Lan herself, however often the outbox runs
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 2), sends_per_day=2)
    mails = [m for m in arrived if "[Giao xử lý]" in m.subject]
    assert len(mails) == 1 and mails[0].rcpt_tos == ["lan@stc.gov.vn"]
    text = mails[0].message.get_body(("plain",)).get_content()
    assert "Chị Lan tổng hợp số liệu." in text and "30/08/2025" in text
    assert f"/tasks/{task_id}" in text

    # the task page shows it to the office, read-only
    office = login_as(mail_app.test_client(), "chuyenvien@tinh.gov.vn")
    page = office.get(f"/tasks/{task_id}").get_data(as_text=True)
    card = page[page.index('id="giao-xu-ly"') :]
    assert "Nguyễn Thị Lan" in card and "30/08/2025" in card
    assert f"/tasks/{task_id}/giao-xu-ly" not in page
    assert office.get(f"/tasks/{task_id}/giao-xu-ly").status_code == 403

    # changed to a phòng: a second notification, no email (a phòng has no mailbox here)
    mail_app.config["TRACKER_NOW"] = at(D(2025, 7, 3), 10)
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")
    response = stc.post(
        f"/tasks/{task_id}/giao-xu-ly", data={"unit": "  Phòng  Ngân sách ", "assignee": ""}
    )
    assert response.status_code == 302
    assert _count(mail_app, Notification) == 2
    assert _count(mail_app, OutboxEmail, OutboxEmail.kind == "subassigned") == 1
    # the same again changes nothing
    stc.post(f"/tasks/{task_id}/giao-xu-ly", data={"unit": "Phòng Ngân sách"})
    assert _count(mail_app, Notification) == 2

    # cleared: the row goes, every step is in the audit and the timeline
    assert stc.post(f"/tasks/{task_id}/giao-xu-ly/xoa").status_code == 302
    assert _count(mail_app, SubAssignment) == 0
    with mail_app.app_context():
        actions = (
            db.session.execute(
                select(AuditLog.action)
                .where(AuditLog.entity == "task_subassignment", AuditLog.task_id == task_id)
                .order_by(AuditLog.id)
            )
            .scalars()
            .all()
        )
        assert actions == ["create", "update", "delete"]
    page = stc.get(f"/tasks/{task_id}").get_data(as_text=True)
    timeline = page[page.index("Diễn biến") :]
    assert timeline.count("giao xử lý trong đơn vị") == 3
    assert "Giao xử lý cho" in timeline and "Phòng Ngân sách" in timeline
    # clearing nothing is harmless
    assert stc.post(f"/tasks/{task_id}/giao-xu-ly/xoa").status_code == 302


def test_a_co_agency_hands_on_its_own_part(mail_app, province):
    task_id = province
    syt = login_as(mail_app.test_client(), "syt@tinh.gov.vn")
    response = syt.post(f"/tasks/{task_id}/giao-xu-ly", data={"unit": "Phòng Kế hoạch"})
    assert response.status_code == 302
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")
    stc.post(f"/tasks/{task_id}/giao-xu-ly", data={"unit": "Phòng Ngân sách"})
    assert _count(mail_app, SubAssignment) == 2
    page = stc.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Phòng Kế hoạch" in page and "Phòng Ngân sách" in page
    # each agency's list has its own only
    listed = syt.get("/tasks/giao-xu-ly").get_data(as_text=True)
    assert "Phòng Kế hoạch" in listed and "Phòng Ngân sách" not in listed


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("chutich@tinh.gov.vn", 403),  # leaders read
        ("chuyenvien@tinh.gov.vn", 403),  # the office reads
        ("snv@tinh.gov.vn", 403),  # the via agency only consolidates the report
        ("sxd@tinh.gov.vn", 404),  # another agency does not see the task
    ],
)
def test_others_may_not_hand_on(mail_app, province, email, status):
    task_id = province
    client = login_as(mail_app.test_client(), email)
    assert client.post(f"/tasks/{task_id}/giao-xu-ly", data={"unit": "Phòng A"}).status_code == (
        status
    )
    assert client.post(f"/tasks/{task_id}/giao-xu-ly/xoa").status_code == status
    assert _count(mail_app, SubAssignment) == 0
    assert _count(mail_app, Notification) == 0


def test_the_list_is_the_agencies_own(mail_app, province):
    for email in ("chutich@tinh.gov.vn", "chuyenvien@tinh.gov.vn"):
        assert login_as(mail_app.test_client(), email).get("/tasks/giao-xu-ly").status_code == 403
    page = login_as(mail_app.test_client(), "sxd@tinh.gov.vn").get("/tasks/giao-xu-ly")
    assert page.status_code == 200 and "Đơn vị chưa giao xử lý nhiệm vụ nào." in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit": "", "assignee": ""}, "Vui lòng nhập tên phòng hoặc chọn cán bộ"),
        ({"unit": "Phòng A", "assignee": "LAN"}, "Chọn một trong hai"),
        ({"unit": "", "assignee": "SXD"}, "không thuộc đơn vị của bạn"),
        ({"unit": "", "assignee": "abc"}, "không thuộc đơn vị của bạn"),
        ({"unit": "x" * (MAX_UNIT + 1)}, "Tên phòng dài quá"),
        ({"unit": "Phòng A", "note": "n" * (MAX_NOTE + 1)}, "Ghi chú dài quá"),
        ({"unit": "Phòng Kế toán", "internal_due_on": "31/02/2025"}, "không hợp lệ"),
        # the office's deadline is 15/09/2025: the agency's own may not be later
        ({"unit": "Phòng Kế toán", "internal_due_on": "16/09/2025"}, "không được sau thời hạn"),
    ],
)
def test_bad_input_is_refused_clearly_and_kept(mail_app, province, data, message):
    task_id = province
    ids = {
        "LAN": _user_id(mail_app, "lan@stc.gov.vn"),
        "SXD": _user_id(mail_app, "sxd@tinh.gov.vn"),
    }
    data = {k: str(ids.get(v, v)) for k, v in data.items()}
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")
    response = stc.post(f"/tasks/{task_id}/giao-xu-ly", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if data.get("unit") and len(data["unit"]) < 50:
        assert data["unit"] in page  # what was typed is kept
    assert _count(mail_app, SubAssignment) == 0
    assert _count(mail_app, Notification) == 0
    assert _count(mail_app, AuditLog, AuditLog.entity == "task_subassignment") == 0
