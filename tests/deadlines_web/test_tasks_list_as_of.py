"""`flask tasks list --as-of D --json`: states from history, periods of recurring tasks."""

import json
from datetime import date

from tracker.deadlines import services
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.extensions import db
from tracker.tasks.models import Task

REQUIRED = {
    "id",
    "directive",
    "lead_agency",
    "co_agencies",
    "via",
    "due",
    "cadence",
    "done",
    "status",
    "due_soon",
}


def _list(runner, as_of):
    result = runner.invoke(args=["tasks", "list", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return {r["id"]: r for r in json.loads(result.output)}


def test_fields_kept_and_states_as_of_a_past_day(runner, data):
    before = _list(runner, "2025-08-10")
    after = _list(runner, "2025-08-18")
    for record in after.values():
        assert REQUIRED <= record.keys()
    lead = data.tasks["stc_lead"]  # due 15/08/2025
    assert (before[lead]["due"], before[lead]["status"]) == ("2025-08-15", "open_on_time")
    assert before[lead]["due_soon"] is True
    assert after[lead]["status"] == "open_overdue"
    assert after[data.tasks["stc_ongoing"]]["status"] == "no_deadline"
    assert "periods" not in after[lead]


def test_extension_counts_from_the_day_it_was_decided(app, runner, data):
    lead = data.tasks["stc_lead"]
    with app.app_context():
        task = db.session.get(Task, lead)
        request = services.request_extension(
            task, requested_due_on=date(2025, 9, 30), reason="x", user_id=None
        )
        services.approve_extension(request, user_id=None)  # decided today, 18/08/2025
        db.session.commit()
    day_before = _list(runner, "2025-08-17")[lead]
    assert (day_before["due"], day_before["status"]) == ("2025-08-15", "open_overdue")
    that_day = _list(runner, "2025-08-18")[lead]
    assert (that_day["due"], that_day["status"]) == ("2025-09-30", "open_on_time")
    assert that_day["original_due"] == "2025-08-15"


def test_done_after_the_day_is_open_on_that_day(app, runner, data):
    lead = data.tasks["stc_lead"]
    with app.app_context():
        db.session.get(Task, lead).done_on = date(2025, 8, 16)
        db.session.commit()
    assert _list(runner, "2025-08-15")[lead]["status"] == "open_on_time"
    assert _list(runner, "2025-08-15")[lead]["done"] is None
    assert _list(runner, "2025-08-16")[lead]["status"] == "done_late"


def test_periods_of_a_recurring_task(app, runner, data, monthly):
    with app.app_context():
        july = db.session.execute(
            db.select(ReportingPeriod).filter_by(task_id=monthly, key="2025-M07")
        ).scalar_one()
        services.submit_period(
            july,
            report_number="1",
            report_date=None,
            done_on=date(2025, 7, 25),
            note=None,
            user_id=None,
        )
        august = db.session.execute(
            db.select(ReportingPeriod).filter_by(task_id=monthly, key="2025-M08")
        ).scalar_one()
        request = services.request_extension(
            august.task,
            period=august,
            requested_due_on=date(2025, 8, 29),
            reason="x",
            user_id=None,
        )
        services.approve_extension(request, user_id=None)
        db.session.commit()
    record = _list(runner, "2025-08-18")[monthly]
    assert record["cadence"] == "monthly"
    periods = {p["key"]: p for p in record["periods"]}
    # periods begun by 18/08: June … September (15/08–14/09)
    assert list(periods) == ["2025-M06", "2025-M07", "2025-M08", "2025-M09"]
    assert periods["2025-M07"] == {
        "key": "2025-M07",
        "label": "Tháng 7/2025",
        "starts_on": "2025-06-15",
        "ends_on": "2025-07-14",
        "due": "2025-07-20",
        "original_due": "2025-07-20",
        "done": "2025-07-25",
        "status": "done_late",
        "due_soon": False,
    }
    assert periods["2025-M06"]["status"] == "open_overdue"
    assert (periods["2025-M08"]["due"], periods["2025-M08"]["status"]) == (
        "2025-08-29",
        "open_on_time",
    )
    # as of 24/07: July was still open and overdue; the August extension did not exist yet
    earlier = {p["key"]: p for p in _list(runner, "2025-07-24")[monthly]["periods"]}
    assert list(earlier) == ["2025-M06", "2025-M07", "2025-M08"]
    assert earlier["2025-M07"]["status"] == "open_overdue" and earlier["2025-M07"]["done"] is None
    assert earlier["2025-M08"]["due"] == "2025-08-20"
    # the task's own line is its worst open period, as the task list shows it (issue 12)
    june = periods["2025-M06"]
    assert record["status"] == "open_overdue" and record["own_status"] == "no_deadline"
    assert record["line"] == {
        "status": "open_overdue",
        "due": june["due"],
        "period": "Tháng 6/2025",
    }


def test_a_recurring_tasks_line_once_every_begun_period_is_in(app, runner, data, monthly):
    with app.app_context():
        for period in db.session.scalars(
            db.select(ReportingPeriod).filter_by(task_id=monthly).order_by(ReportingPeriod.due_on)
        ):
            if period.starts_on <= date(2025, 8, 18) and period.key != "2025-M09":
                services.submit_period(
                    period,
                    report_number="1",
                    report_date=None,
                    done_on=date(2025, 8, 18),
                    note=None,
                    user_id=None,
                )
        db.session.commit()
    record = _list(runner, "2025-08-18")[monthly]
    september = {p["key"]: p for p in record["periods"]}["2025-M09"]
    # the overdue periods are in: the line is the next open one, on time
    assert record["line"] == {
        "status": "open_on_time",
        "due": september["due"],
        "period": "Tháng 9/2025",
    }
    assert record["status"] == "open_on_time"


def test_periods_not_yet_opened_are_still_listed(app, runner, data, monthly):
    # the list does not depend on when the scheduler last ran
    with app.app_context():
        db.session.execute(db.delete(ReportingPeriod))
        db.session.execute(db.delete(ExtensionRequest))
        db.session.commit()
    keys = [p["key"] for p in _list(runner, "2025-08-18")[monthly]["periods"]]
    assert keys == ["2025-M06", "2025-M07", "2025-M08", "2025-M09"]


def test_two_hop_fields(app, runner, data):
    from tests import factories
    from tracker.agencies.models import Agency
    from tracker.directives.models import Directive

    with app.app_context():
        task = factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["stc"]),
            via=db.session.get(Agency, data.agencies["snv"]),
            due_on=date(2025, 8, 15),
            via_due_on=date(2025, 8, 25),
        )
        task.via_done_on = date(2025, 8, 20)
        db.session.commit()
        task_id = task.id
    record = _list(runner, "2025-08-18")[task_id]
    assert record["via"] == "Sở Nội vụ"
    assert (record["via_due"], record["via_done"], record["via_status"]) == (
        "2025-08-25",
        None,
        "open_on_time",
    )
    assert _list(runner, "2025-08-20")[task_id]["via_status"] == "done_on_time"
