"""Through a real SMTP server: an agency is told of its tasks once, of its extension's decision
once, of a completion sent back once; the office of a new extension request once."""

from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import login_as
from tests.factories import make_agency, make_user
from tests.reminders.conftest import at
from tests.reminders.scenario import simulate
from tracker.auth.models import Role
from tracker.deadlines import services as deadlines
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.notifications.models import Notification
from tracker.reminders.models import OutboxEmail
from tracker.tasks import services as tasks

D = date
ASSIGNED = "[Giao nhiệm vụ]"


def _subject(app, received) -> str:
    """The subject as queued. What arrives can lose a space where the stdlib folds a long
    encoded subject between two encoded words (reported: tracker/reminders/outbox.py)."""
    with app.app_context():
        return db.session.execute(
            select(OutboxEmail.subject).where(OutboxEmail.dedup_key == received.key)
        ).scalar_one()


def _province(app):
    """Three agencies with mailboxes, an office user, an officer of Sở Tài chính."""
    app.config["TRACKER_NOW"] = at(D(2025, 7, 1), 9)
    with app.app_context():
        a = {
            "stc": make_agency("Sở Tài chính", emails=["sotaichinh@tinh.gov.vn"]),
            "syt": make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"]),
            "snv": make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"]),
        }
        make_user("chuyenvien@tinh.gov.vn", Role.OFFICE_STAFF)
        make_user("stc@tinh.gov.vn", Role.AGENCY_OFFICER, a["stc"])
        db.session.commit()
        return {k: v.id for k, v in a.items()}


def _review_form(ids) -> MultiDict:
    """The review screen as the office submits it: four tasks, three agencies in all roles."""
    rows = [
        {"content": "Tổng hợp kiến nghị thanh tra", "lead": ids["stc"], "due": "15/09/2025"},
        {
            "content": "Rà soát chỉ tiêu ngân sách",
            "lead": ids["stc"],
            "co": [ids["syt"]],
            "due": "30/09/2025",
        },
        {
            "content": "Cải thiện chỉ số PAPI",
            "lead": ids["syt"],
            "via": ids["snv"],
            "due": "20/09/2025",
            "via_due": "25/09/2025",
        },
        {"content": "Quản lý ngân sách thường xuyên", "lead": ids["stc"], "due": ""},
    ]
    data = [
        ("number", "777/TB-VPUBND"),
        ("kind", "Thông báo kết luận"),
        ("issued_on", "01/07/2025"),
        ("issuer", "Chủ tịch UBND tỉnh"),
        ("title", "Kết luận của Chủ tịch UBND tỉnh"),
        ("full_text", ""),
        ("action", "save"),
    ]
    for i, row in enumerate(rows):
        data += [
            (f"tasks-{i}-content", row["content"]),
            (f"tasks-{i}-lead_agency_id", str(row["lead"])),
            (f"tasks-{i}-due_on", row["due"]),
            (f"tasks-{i}-cadence", "none"),
            (f"tasks-{i}-via_agency_id", str(row.get("via", ""))),
            (f"tasks-{i}-via_due_on", row.get("via_due", "")),
        ]
        data += [(f"tasks-{i}-co_agency_ids", str(c)) for c in row.get("co", [])]
    return MultiDict(data)


def test_saving_a_reviewed_directive_tells_each_agency_once(mail_app, smtp):
    ids = _province(mail_app)
    client = login_as(mail_app.test_client(), "chuyenvien@tinh.gov.vn")
    response = client.post("/directives/extract/review", data=_review_form(ids))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    # the scheduler's next minutes and days: the sweep (nothing is due within 7 days) and the
    # sender; then again, and again the next day
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 2), sends_per_day=2)
    assigned = [m for m in arrived if m.subject.startswith(ASSIGNED)]
    by_agency = {m.rcpt_tos[0]: m for m in assigned}
    assert len(assigned) == 3 == len(by_agency)  # one email per agency, whatever its roles
    stc = by_agency["sotaichinh@tinh.gov.vn"]
    assert _subject(mail_app, stc) == (
        "[Giao nhiệm vụ] Sở Tài chính: 3 nhiệm vụ tại văn bản số 777/TB-VPUBND"
    )
    assert "Kính gửi: Sở Tài chính" in stc.text
    assert "Tổng hợp kiến nghị thanh tra" in stc.text and "Thời hạn: 15/09/2025" in stc.text
    assert "Không thời hạn" in stc.text
    with mail_app.app_context():
        directive = db.session.execute(select(Directive)).scalar_one()
        task_ids = sorted(t.id for t in directive.tasks)
    assert f"http://tracker.test/tasks/{task_ids[0]}" in stc.text
    assert f'href="http://tracker.test/tasks/{task_ids[1]}"' in stc.html
    syt = by_agency["soyte@tinh.gov.vn"]  # lead of one task, co-agency of another
    assert (
        "2 nhiệm vụ" in _subject(mail_app, syt) and "phối hợp" in syt.text and "chủ trì" in syt.text
    )
    snv = by_agency["sonoivu@tinh.gov.vn"]  # the via agency, with its own deadline
    assert "tổng hợp, báo cáo" in snv.text and "25/09/2025" in snv.text

    # nothing more: another day of the scheduler, and the producer called again
    later = simulate(mail_app, smtp, D(2025, 7, 3), D(2025, 7, 3))
    assert [m for m in later if m.subject.startswith(ASSIGNED)] == []
    with mail_app.app_context():
        from tracker.notifications.services import tasks_assigned

        directive = db.session.execute(select(Directive)).scalar_one()
        assert tasks_assigned(directive, list(directive.tasks)) == 0
        db.session.commit()
        # in the app: one notification per task and agency, one for the leaders
        kinds = db.session.execute(
            select(Notification.kind, func.count()).group_by(Notification.kind)
        ).all()
        assert dict(kinds) == {"assigned": 6, "directive_saved": 1}
    again = simulate(mail_app, smtp, D(2025, 7, 4), D(2025, 7, 4))
    assert [m for m in again if m.subject.startswith(ASSIGNED)] == []


def test_a_task_added_to_a_saved_directive_is_told_too(mail_app, smtp):
    ids = _province(mail_app)
    client = login_as(mail_app.test_client(), "chuyenvien@tinh.gov.vn")
    response = client.post(
        "/directives/new",
        data={"number": "12/CT-UBND", "kind": "Chỉ thị", "issued_on": "01/07/2025", "title": "X"},
    )
    assert response.status_code == 302
    directive_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    response = client.post(
        f"/directives/{directive_id}/tasks/new",
        data={
            "content": "Báo cáo tình hình giải ngân",
            "lead_agency_id": ids["snv"],
            "due_on": "31/10/2025",
            "cadence": "none",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 1))
    assigned = [m for m in arrived if m.subject.startswith(ASSIGNED)]
    assert [m.rcpt_tos for m in assigned] == [["sonoivu@tinh.gov.vn"]]
    assert "31/10/2025" in assigned[0].text and "12/CT-UBND" in _subject(mail_app, assigned[0])


SEPT_15 = D(2025, 9, 15)


def _one_task(app, ids, due=SEPT_15):
    from tests.factories import make_directive, make_task

    with app.app_context():
        from tracker.agencies.models import Agency

        directive = make_directive("88/TB-VPUBND")
        task = make_task(directive, db.session.get(Agency, ids["stc"]), due_on=due)
        db.session.commit()
        return task.id


def _officer_id(app, email="stc@tinh.gov.vn"):
    from tracker.auth.models import User

    with app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def test_an_extension_request_reaches_the_office_and_its_decision_the_agency(mail_app, smtp):
    ids = _province(mail_app)
    task_id = _one_task(mail_app, ids)
    officer = _officer_id(mail_app)
    with mail_app.app_context():
        from tracker.tasks.models import Task

        task = db.session.get(Task, task_id)
        request = deadlines.request_extension(
            task, requested_due_on=D(2025, 10, 15), reason="Chờ số liệu", user_id=officer
        )
        db.session.commit()
        request_id = request.id
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 1))
    asked = [m for m in arrived if m.subject.startswith("[Đề nghị gia hạn]")]
    assert len(asked) == 1
    assert sorted(asked[0].rcpt_tos) == ["chuyenvien@tinh.gov.vn", "vanphong@tinh.gov.vn"]
    assert "Sở Tài chính đề nghị gia hạn" in asked[0].text and "15/10/2025" in asked[0].text

    with mail_app.app_context():
        from tracker.deadlines.models import ExtensionRequest

        request = db.session.get(ExtensionRequest, request_id)
        deadlines.approve_extension(request, approved_due_on=D(2025, 10, 10), user_id=None)
        db.session.commit()
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 2), sends_per_day=2)
    decided = [m for m in arrived if m.subject.startswith("[Gia hạn]")]
    assert len(decided) == 1  # exactly once, however often the scheduler runs
    msg = decided[0]
    assert sorted(msg.rcpt_tos) == ["sotaichinh@tinh.gov.vn", "stc@tinh.gov.vn"]
    assert "Chấp thuận gia hạn đến 10/10/2025" in _subject(mail_app, msg)
    assert "Thời hạn mới: 10/10/2025" in msg.text and f"/tasks/{task_id}" in msg.text


def test_a_refusal_carries_its_reason(mail_app, smtp):
    ids = _province(mail_app)
    task_id = _one_task(mail_app, ids)
    with mail_app.app_context():
        from tracker.tasks.models import Task

        task = db.session.get(Task, task_id)
        request = deadlines.request_extension(
            task, requested_due_on=D(2025, 10, 15), reason="Chờ số liệu", user_id=None
        )
        deadlines.refuse_extension(request, note="Nhiệm vụ cấp bách, không gia hạn", user_id=None)
        db.session.commit()
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 1))
    decided = [m for m in arrived if m.subject.startswith("[Gia hạn]")]
    assert len(decided) == 1 and decided[0].rcpt_tos == ["sotaichinh@tinh.gov.vn"]
    assert "Không chấp thuận" in _subject(mail_app, decided[0])
    assert "Lý do: Nhiệm vụ cấp bách, không gia hạn" in decided[0].text
    assert "thời hạn vẫn là 15/09/2025" in decided[0].text


def test_a_completion_sent_back_reaches_the_agency_once(mail_app, smtp):
    ids = _province(mail_app)
    task_id = _one_task(mail_app, ids)
    with mail_app.app_context():
        from tracker.tasks.models import Task

        task = db.session.get(Task, task_id)
        tasks.complete_task(
            task,
            done_on=None,
            report_number="12/BC-STC",
            report_date=None,
            note=None,
            user_id=None,
        )
        db.session.commit()
        tasks.reopen_task(task, reason="Báo cáo thiếu số liệu quý II", user_id=None)
        db.session.commit()
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 2))
    back = [m for m in arrived if m.subject.startswith("[Trả lại]")]
    assert len(back) == 1 and back[0].rcpt_tos == ["sotaichinh@tinh.gov.vn"]
    assert "Lý do: Báo cáo thiếu số liệu quý II" in back[0].text
    with mail_app.app_context():
        keys = db.session.execute(select(OutboxEmail.dedup_key)).scalars().all()
        assert len([k for k in keys if k.startswith("reopened:task:")]) == 1


def test_a_failed_save_tells_nobody(mail_app, smtp):
    """The producers write in the service's transaction: a refused save leaves no trace."""
    ids = _province(mail_app)
    client = login_as(mail_app.test_client(), "chuyenvien@tinh.gov.vn")
    assert client.post("/directives/extract/review", data=_review_form(ids)).status_code == 302
    with mail_app.app_context():
        before = db.session.execute(select(func.count(OutboxEmail.id))).scalar_one()
    # the same number again: refused ("Đã có văn bản số …"), nothing queued
    response = client.post("/directives/extract/review", data=_review_form(ids))
    assert response.status_code == 422
    with mail_app.app_context():
        assert db.session.execute(select(func.count(OutboxEmail.id))).scalar_one() == before


def test_an_agency_an_edit_brings_in_is_told_and_no_one_else(mail_app, smtp):
    ids = _province(mail_app)
    task_id = _one_task(mail_app, ids)
    with mail_app.app_context():
        from tracker.tasks.models import Task
        from tracker.tasks.services import TaskInput, update_task

        task = db.session.get(Task, task_id)
        update_task(
            task,
            TaskInput(
                content=task.content,
                lead_agency_id=ids["stc"],
                co_agency_ids=[ids["syt"]],
                due_on=task.due_on,
            ),
        )
        db.session.commit()
    arrived = simulate(mail_app, smtp, D(2025, 7, 1), D(2025, 7, 1))
    assigned = [m for m in arrived if m.subject.startswith(ASSIGNED)]
    assert [m.rcpt_tos for m in assigned] == [["soyte@tinh.gov.vn"]]
    assert "phối hợp" in assigned[0].text and "15/09/2025" in assigned[0].text
