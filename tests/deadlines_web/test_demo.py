"""The demo shows its monthly and quarterly tasks with periods in several states."""

import json

from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db


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
