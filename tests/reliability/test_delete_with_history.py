"""Deleting a task or a directive that has a history (extension requests, periods, reminders,
progress, files) removes it all in one go: no 500, nothing left behind."""

from sqlalchemy import func, select

from tests.conftest import login_as
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.extensions import db
from tracker.tasks.models import Task


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_delete_a_task_with_an_extension_request(app, client, world):
    login_as(client, "admin@tinh.gov.vn")
    response = client.post(f"/tasks/{world['own']}/delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Task, world["own"]) is None
        assert _count(ExtensionRequest) == 0


def test_delete_a_directive_with_periods_and_requests(app, client, world):
    login_as(client, "admin@tinh.gov.vn")
    with app.app_context():
        assert _count(ReportingPeriod) > 0
    response = client.post(f"/directives/{world['directive']}/delete", data={"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        assert _count(Task) == 0 and _count(ExtensionRequest) == 0 and _count(ReportingPeriod) == 0
