"""Issue 11 §5: an extension never moves a deadline to a day already gone.

The office's own example: a task due 15/11/2025, asked on 07/12/2026 for "10 ngày làm việc",
became due 28/11/2025 — overdue the moment it was granted, and escalated by the next sweep.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tracker.deadlines import services
from tracker.deadlines.services import DeadlineError
from tracker.extensions import db
from tracker.tasks.models import Task

LATE_NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def late_task(app):
    """The issue's task, on the day of the issue (Monday 07/12/2026)."""
    app.config["TRACKER_NOW"] = LATE_NOW
    with app.app_context():
        p = factories.small_province()
        task = factories.make_task(
            p.directive, p.agencies["stc"], content="Báo cáo quyết toán", due_on=date(2025, 11, 15)
        )
        db.session.commit()
        yield task, p.users["officer"].id, p.users["staff"].id


def test_working_days_of_an_overdue_task_count_from_today(late_task):
    task, officer, _ = late_task
    wanted = services.requested_date(task, None, requested_due_on=None, working_days=10)
    # 10 working days after Monday 07/12/2026: Tue 8 … Fri 11, Mon 14 … Fri 18, Mon 21
    assert wanted == date(2026, 12, 21)
    request = services.request_extension(
        task, requested_due_on=wanted, reason="Chờ số liệu", user_id=officer
    )
    assert request.requested_due_on == date(2026, 12, 21)


def test_working_days_of_a_task_not_yet_due_count_from_its_due_date(app, data):
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        task.due_on = date(2025, 9, 1)  # a Monday, after today (18/08/2025)
        wanted = services.requested_date(task, None, requested_due_on=None, working_days=1)
        assert wanted == date(2025, 9, 3)  # 02/09 is the National Day


def test_a_request_for_a_day_already_gone_is_refused(late_task):
    task, officer, _ = late_task
    with pytest.raises(DeadlineError) as refused:
        services.request_extension(
            task, requested_due_on=date(2025, 11, 28), reason="Chờ số liệu", user_id=officer
        )
    assert refused.value.field == "requested_due_on"
    assert "đã qua" in str(refused.value) and "07/12/2026" in str(refused.value)


def test_approving_to_a_day_already_gone_is_refused_and_changes_nothing(late_task):
    task, officer, staff = late_task
    request = services.request_extension(
        task, requested_due_on=date(2026, 12, 21), reason="Chờ số liệu", user_id=officer
    )
    with pytest.raises(DeadlineError) as refused:
        services.approve_extension(request, approved_due_on=date(2025, 11, 28), user_id=staff)
    assert refused.value.field == "approved_due_on"
    assert "đã qua" in str(refused.value)
    assert request.state == "pending" and task.due_on == date(2025, 11, 15)
    services.approve_extension(request, user_id=staff)  # the date asked for is still fine
    assert task.due_on == date(2026, 12, 21)
