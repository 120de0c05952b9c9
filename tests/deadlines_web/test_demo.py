"""The demo shows its monthly and quarterly tasks with periods in several states."""

import json
from datetime import date

from tracker.deadlines.models import ExtensionRequest, ExtensionState, ReportingPeriod
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.tasks.models import Task


def test_demo_load_opens_periods_with_varied_states(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        keys = db.session.execute(db.select(ReportingPeriod.task_id, ReportingPeriod.key)).all()
    assert len(keys) == len(set(keys)) > 0
    listed = json.loads(runner.invoke(args=["tasks", "list", "--json"]).output)
    monthly = next(r for r in listed if r["cadence"] == "monthly")
    quarterly = next(r for r in listed if r["cadence"] == "quarterly")
    states = {p["status"] for p in monthly["periods"]}
    assert {"done_on_time", "done_late"} <= states
    assert "done_on_time" in {p["status"] for p in quarterly["periods"]}


def _counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Directive, Task, ReportingPeriod, ExtensionRequest, OutboxEmail)
    }


def test_demo_reads_like_a_live_office_on_the_day_it_is_loaded(app, runner):
    """Beside the historic 5016/TB-VPUBND, directives dated from the day of loading (the
    tests' clock: 18/08/2025) show every state the dashboard counts, a waiting extension and a
    first reminder sweep in the outbox; loading again adds nothing."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first = _counts()
        emails = db.session.scalars(db.select(OutboxEmail)).all()
        pending = db.session.scalars(
            db.select(ExtensionRequest).where(ExtensionRequest.state == ExtensionState.PENDING)
        ).all()
        pending_tasks = {r.task.directive.number for r in pending}
    assert first["outbox_email"] > 0 and any("Nhắc việc" in e.subject for e in emails)
    assert "86/TB-UBND" in pending_tasks
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert _counts() == first

    listed = json.loads(runner.invoke(args=["tasks", "list", "--json"]).output)
    recent = [r for r in listed if r["directive"] == "86/TB-UBND"]
    today = date(2025, 8, 18)
    states = {r["status"] for r in recent}
    assert {"done_on_time", "done_late", "open_overdue", "open_on_time"} <= states
    overdue_days = sorted(
        (today - date.fromisoformat(r["line"]["due"])).days
        for r in recent
        if r["status"] == "open_overdue"
    )
    assert overdue_days[0] <= 7 and overdue_days[-1] >= 60  # a few days and months
    assert any(r["due_soon"] for r in recent if r["cadence"] is None)
    periods = [p for r in recent for p in r.get("periods", [])]
    assert any(p["due_soon"] and p["done"] is None for p in periods)  # a report due soon
    assert {"done_on_time", "done_late"} <= {p["status"] for p in periods}
    assert "09/CT-UBND" in {r["directive"] for r in listed}
    assert "5016/TB-VPUBND" in {r["directive"] for r in listed}


def test_demo_load_remembers_the_served_address_for_email_links(app, runner):
    result = runner.invoke(args=["demo", "load", "--served-url", "http://127.0.0.1:8080/"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from tracker.links import SERVED_URL_SETTING
        from tracker.settings import get_setting

        assert get_setting(SERVED_URL_SETTING) == "http://127.0.0.1:8080"
