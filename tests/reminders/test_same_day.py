"""A task assigned after the day's digest went out is still told that day (issue 12 note).

The stack test found it: `demo load` sweeps the day it loads, so Sở Y tế's digest of the day
(its overdue items) was already in the outbox when the office assigned a task due in two days;
the operator's second `reminders run` found the digest's key taken and skipped the agency, so
the new task's "sắp đến hạn" reminder waited for the next day's digest.
"""

from datetime import date

from sqlalchemy import func, select

from tests.factories import make_agency, make_directive, make_task
from tests.reminders.conftest import at
from tests.reminders.scenario import simulate
from tracker.agencies.models import Agency
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail, ReminderRecord

MONDAY = date(2025, 8, 18)
NEW_TASK = "Kiểm tra an toàn thực phẩm bếp ăn tập thể"


def _agency_with_an_overdue_task(app) -> tuple[int, int]:
    app.config["TRACKER_NOW"] = at(date(2025, 6, 2))
    with app.app_context():
        syt = make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"])
        d = make_directive("77/TB-UBND")
        make_task(d, syt, content="Báo cáo công tác phòng dịch", due_on=date(2025, 7, 1))
        db.session.commit()
        return syt.id, d.id


def _assign_due_in_two_days(app, agency_id: int, directive_id: int, hour: int) -> None:
    app.config["TRACKER_NOW"] = at(MONDAY, hour, 0)
    with app.app_context():
        make_task(
            db.session.get(Directive, directive_id),
            db.session.get(Agency, agency_id),
            content=NEW_TASK,
            due_on=date(2025, 8, 20),
        )
        db.session.commit()


def _digests(arrived) -> list:
    return [m for m in arrived if m.subject.startswith("[Nhắc việc] Sở Y tế:")]


def test_one_sweep_lists_the_overdue_task_and_the_one_due_in_two_days(mail_app, smtp):
    agency_id, directive_id = _agency_with_an_overdue_task(mail_app)
    _assign_due_in_two_days(mail_app, agency_id, directive_id, hour=6)
    (mail,) = _digests(simulate(mail_app, smtp, MONDAY, MONDAY))
    assert "QUÁ HẠN" in mail.text
    assert "SẮP ĐẾN HẠN (1)" in mail.text and NEW_TASK in mail.text
    assert "Thời hạn: 20/08/2025 (Thứ Tư), còn 2 ngày" in mail.text


def test_a_task_assigned_after_the_mornings_digest_comes_in_a_supplement(mail_app, smtp):
    agency_id, directive_id = _agency_with_an_overdue_task(mail_app)
    (morning,) = _digests(simulate(mail_app, smtp, MONDAY, MONDAY))
    assert "QUÁ HẠN" in morning.text and NEW_TASK not in morning.text

    _assign_due_in_two_days(mail_app, agency_id, directive_id, hour=9)
    (later,) = _digests(simulate(mail_app, smtp, MONDAY, MONDAY))
    assert later.subject == "[Nhắc việc] Sở Y tế: 1 nhiệm vụ cần chú ý ngày 18/08/2025 (bổ sung)"
    assert "Thư bổ sung" in later.text and "Thư bổ sung" in later.html
    assert "SẮP ĐẾN HẠN (1)" in later.text and NEW_TASK in later.text
    assert "Thời hạn: 20/08/2025 (Thứ Tư), còn 2 ngày" in later.text
    assert "Báo cáo công tác phòng dịch" not in later.text  # told this morning already

    # a third sweep that day finds nothing new: no email
    assert _digests(simulate(mail_app, smtp, MONDAY, MONDAY)) == []
    with mail_app.app_context():
        keys = db.session.scalars(select(OutboxEmail.dedup_key).order_by(OutboxEmail.id)).all()
        digests = [k for k in keys if k.startswith(f"digest:{agency_id}:")]
        assert digests[0] == f"digest:{agency_id}:2025-08-18"
        assert len(digests) == 2 and digests[1].startswith(f"digest:{agency_id}:2025-08-18:")
        # each reminder recorded once, with the email that carried it
        supplement = db.session.scalar(
            select(OutboxEmail.id).where(OutboxEmail.dedup_key == digests[1])
        )
        carried = db.session.scalars(
            select(ReminderRecord.threshold).where(ReminderRecord.outbox_id == supplement)
        ).all()
        assert carried == ["before:7"]
        assert db.session.scalar(select(func.count(ReminderRecord.id))) == db.session.scalar(
            select(func.count(func.distinct(ReminderRecord.dedup_key)))
        )
