"""Direction and conversation on a task, through real requests for each role, with the
notifications and the one email a direction sends through a real SMTP server."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.factories import make_agency, make_directive, make_task, make_user
from tests.reminders.conftest import at
from tests.reminders.scenario import simulate
from tracker.audit.models import AuditLog
from tracker.auth.models import Role
from tracker.comments.models import TaskComment
from tracker.comments.rules import MAX_LENGTH, body_problem, kind_for_role
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.reminders.models import OutboxEmail
from tracker.tasks.models import Task

D = date


@pytest.fixture
def province(mail_app):
    """Sở Tài chính leads a task with Sở Y tế; Sở Nội vụ has nothing to do with it."""
    mail_app.config["TRACKER_NOW"] = at(D(2025, 7, 1), 9)
    with mail_app.app_context():
        stc = make_agency("Sở Tài chính", emails=["sotaichinh@tinh.gov.vn"])
        syt = make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"])
        snv = make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"])
        make_user("chuyenvien@tinh.gov.vn", Role.OFFICE_STAFF, name="Trần Chuyên Viên")
        make_user("chutich@tinh.gov.vn", Role.LEADER, name="Nguyễn Chủ Tịch")
        make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, stc, name="Lê Tài Chính")
        make_user("syt@tinh.gov.vn", Role.AGENCY_OFFICER, syt, name="Phạm Y Tế")
        make_user("snv@tinh.gov.vn", Role.AGENCY_OFFICER, snv, name="Võ Nội Vụ")
        task = make_task(make_directive("88/TB-VPUBND"), stc, co=[syt], due_on=D(2025, 9, 15))
        db.session.commit()
        return task.id


def _post(app, email, task_id, body):
    client = login_as(app.test_client(), email)
    return client, client.post(f"/tasks/{task_id}/comments", data={"body": body})


def _count(app, model, *where):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_rules_kind_follows_the_role_and_the_body_is_checked():
    assert kind_for_role("leader") == "direction"
    assert kind_for_role("office_staff") == "direction"
    assert kind_for_role("agency_officer") == "comment"
    assert kind_for_role("nobody") is None
    assert body_problem("  ") == "empty"
    assert body_problem("a\x00b") == "nul"
    assert body_problem("x" * (MAX_LENGTH + 1)) == "too_long"
    assert body_problem("Đề nghị khẩn trương") is None


def test_a_leaders_direction_reaches_the_lead_agency_once_and_the_agency_replies(
    mail_app, smtp, province
):
    task_id = province
    leader, response = _post(
        mail_app, "chutich@tinh.gov.vn", task_id, "Đề nghị Sở Tài chính hoàn thành trước 30/8."
    )
    assert response.status_code == 302
    # a leader still cannot edit the task or report on it
    assert leader.get(f"/tasks/{task_id}/edit").status_code == 403
    assert leader.post(f"/tasks/{task_id}/progress", data={"body": "x"}).status_code == 403

    with mail_app.app_context():
        comment = db.session.execute(select(TaskComment)).scalar_one()
        assert (comment.kind, comment.author_role) == ("direction", "leader")
        audit = db.session.execute(
            select(AuditLog).where(AuditLog.entity == "task_comment")
        ).scalar_one()
        assert audit.task_id == task_id and audit.action == "create"
        told = db.session.execute(select(Notification)).scalars().all()
        assert [(n.kind, n.audience) for n in told] == [("direction", "agency")]
        stc_id = db.session.get(Task, task_id).lead_agency_id
        assert told[0].agency_id == stc_id

    # the lead agency sees it in its notifications
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")
    page = stc.get("/notifications/").get_data(as_text=True)
    assert "Ý kiến chỉ đạo của Nguyễn Chủ Tịch" in page

    # exactly one email, however often the outbox runs
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 2), sends_per_day=2)
    direction = [m for m in arrived if "[Ý kiến chỉ đạo]" in m.subject]
    assert len(direction) == 1 and direction[0].rcpt_tos == ["sotaichinh@tinh.gov.vn"]
    text = direction[0].message.get_body(("plain",)).get_content()
    assert "Đề nghị Sở Tài chính hoàn thành trước 30/8." in text and f"/tasks/{task_id}" in text

    # the agency replies: a comment, the office is told in the app, no email
    queued = _count(mail_app, OutboxEmail)
    mail_app.config["TRACKER_NOW"] = at(D(2025, 7, 3), 14, 5)
    stc = login_as(mail_app.test_client(), "stc@tinh.gov.vn")  # two days on: a new session
    response = stc.post(f"/tasks/{task_id}/comments", data={"body": "Sở đang tổng hợp số liệu."})
    assert response.status_code == 302
    with mail_app.app_context():
        kinds = (
            db.session.execute(select(TaskComment.kind).order_by(TaskComment.id)).scalars().all()
        )
        assert kinds == ["direction", "comment"]
        office = db.session.execute(
            select(Notification).where(Notification.audience == "office")
        ).scalar_one()
        assert office.kind == "comment"
    assert _count(mail_app, OutboxEmail, OutboxEmail.kind == "direction") == 1
    assert _count(mail_app, OutboxEmail) == queued

    # the page shows both apart, oldest first, with author, agency and local time
    page = stc.get(f"/tasks/{task_id}").get_data(as_text=True)
    section = page[page.index('id="trao-doi"') :]
    first = section.index("comment-direction")
    second = section.index("comment-comment")
    assert first < second
    assert "Ý kiến chỉ đạo" in section and "Trao đổi" in section
    assert "Nguyễn Chủ Tịch" in section and "Lãnh đạo UBND tỉnh" in section
    assert "Lê Tài Chính" in section and "(Sở Tài chính)" in section
    # local time (GMT+7), as the clock read when each was posted
    times = re.findall(r"<time [^>]*>([^<]+)</time>", section)
    assert times == ["01/07/2025 09:30", "03/07/2025 14:05"]


def test_the_office_directs_and_a_co_agency_comments(mail_app, smtp, province):
    task_id = province
    _, response = _post(mail_app, "chuyenvien@tinh.gov.vn", task_id, "Đôn đốc báo cáo.")
    assert response.status_code == 302
    _, response = _post(mail_app, "syt@tinh.gov.vn", task_id, "Sở Y tế đã gửi số liệu.")
    assert response.status_code == 302
    with mail_app.app_context():
        rows = db.session.execute(
            select(TaskComment.kind, TaskComment.author_role).order_by(TaskComment.id)
        ).all()
        assert rows == [("direction", "office_staff"), ("comment", "agency_officer")]
    # both posts are in the journal, and not repeated as changes in the task's diễn biến
    office = login_as(mail_app.test_client(), "chuyenvien@tinh.gov.vn")
    journal = office.get("/journal/")
    assert journal.status_code == 200 and "Sở Y tế đã gửi số liệu." in journal.get_data(
        as_text=True
    )
    page = office.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert page.count("Sở Y tế đã gửi số liệu.") == 1


def test_another_agency_gets_404_and_nothing_is_saved(mail_app, province):
    task_id = province
    _, response = _post(mail_app, "snv@tinh.gov.vn", task_id, "Không liên quan")
    assert response.status_code == 404
    assert "Không liên quan" not in response.get_data(as_text=True)
    assert _count(mail_app, TaskComment) == 0
    assert _count(mail_app, Notification) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Vui lòng nhập nội dung."),
        ("x" * (MAX_LENGTH + 1), "Nội dung dài quá"),
        # NUL never reaches the form: every route refuses it at the edge (tracker.web)
        ("có\x00NUL", "chứa ký tự không hợp lệ (NUL)"),
    ],
)
def test_bad_input_is_refused_clearly_and_kept(mail_app, province, body, message):
    task_id = province
    _, response = _post(mail_app, "chutich@tinh.gov.vn", task_id, body)
    assert response.status_code == (400 if "\x00" in body else 422)
    page = response.get_data(as_text=True)
    assert message in page
    if body.strip() and "\x00" not in body:
        assert body in page  # what was typed is kept
    assert _count(mail_app, TaskComment) == 0
    assert _count(mail_app, Notification) == 0
    assert _count(mail_app, OutboxEmail) == 0
    assert _count(mail_app, AuditLog, AuditLog.entity == "task_comment") == 0
