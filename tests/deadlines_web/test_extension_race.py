"""One pending extension request per task (and per period) holds in the database, also when two
submissions race past the service's check: the loser gets the usual Vietnamese message, not a 500.
"""

import threading
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.conftest import login_as
from tracker.deadlines import services
from tracker.deadlines.models import ExtensionRequest, ReportingPeriod
from tracker.deadlines.services import extension_requests
from tracker.extensions import db
from tracker.tasks.models import Task

ALREADY_PENDING = "Đã có một đề nghị gia hạn đang chờ Văn phòng UBND tỉnh xử lý"


def _pending_count(app, task_id: int) -> int:
    with app.app_context():
        return len(
            db.session.execute(
                db.select(ExtensionRequest.id).where(
                    ExtensionRequest.task_id == task_id, ExtensionRequest.state == "pending"
                )
            ).all()
        )


def test_double_submit_racing_past_the_check(app, data, monkeypatch):
    """Two officers' clients submit at the same moment: both pass the service's check (a barrier
    holds each request right after it), both insert; the index lets one through."""
    task_id = data.tasks["stc_lead"]
    clients = [login_as(app.test_client(), data.users["officer"]) for _ in range(2)]
    barrier = threading.Barrier(2, timeout=20)
    check = extension_requests._pending

    def racing_check(task, period):
        found = check(task, period)
        barrier.wait()  # both requests have seen "nothing pending"
        return found

    monkeypatch.setattr(extension_requests, "_pending", racing_check)
    responses: list = [None, None]

    def submit(i: int) -> None:
        try:
            responses[i] = clients[i].post(
                f"/tasks/{task_id}/extensions/new",
                data={"requested_due_on": "30/09/2025", "reason": f"Chờ số liệu ({i})"},
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            responses[i] = error

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [302, 422], responses
    loser = next(r for r in responses if r.status_code == 422).get_data(as_text=True)
    assert ALREADY_PENDING in loser
    assert "30/09/2025" in loser  # the form keeps what was typed
    assert _pending_count(app, task_id) == 1


def test_a_submit_the_check_missed_gets_the_message_not_a_500(app, client, data, monkeypatch):
    """The race's second half on its own, deterministic: the service's check has not seen the
    first request (as if it were not committed yet), the index refuses the second."""
    task_id = data.tasks["stc_lead"]
    login_as(client, data.users["officer"])
    monkeypatch.setattr(extension_requests, "_pending", lambda task, period: None)
    form = {"requested_due_on": "30/09/2025", "reason": "Chờ số liệu quyết toán"}
    assert client.post(f"/tasks/{task_id}/extensions/new", data=form).status_code == 302
    second = client.post(f"/tasks/{task_id}/extensions/new", data=form)
    assert second.status_code == 422
    assert ALREADY_PENDING in second.get_data(as_text=True)
    assert _pending_count(app, task_id) == 1
    # the page still works after the refused insert
    assert client.get(f"/tasks/{task_id}").status_code == 200


def test_one_pending_for_the_task_and_one_per_period(app_ctx, data, monthly):
    task = db.session.get(Task, monthly)
    periods = (
        db.session.execute(
            db.select(ReportingPeriod)
            .where(ReportingPeriod.task_id == monthly, ReportingPeriod.done_on.is_(None))
            .order_by(ReportingPeriod.due_on)
        )
        .scalars()
        .all()
    )
    august, september = periods[0], periods[1]
    task.due_on = date(2026, 12, 31)  # the task's own date, so it can be extended too

    def ask(period, day=date(2027, 1, 31)):
        # an overdue period is extended to a day from today (18/08/2025), never to a past one
        wanted = day if period is None else max(period.due_on, date(2025, 8, 18)).replace(day=28)
        return services.request_extension(
            task, period=period, requested_due_on=wanted, reason="Lý do", user_id=None
        )

    ask(None)
    ask(august)
    ask(september)  # each period, and the task itself, may have one pending request
    db.session.commit()
    # the index itself, below the service: a second pending row for the same period
    db.session.add(
        ExtensionRequest(
            task=task,
            period=august,
            requested_due_on=date(2025, 8, 29),
            reason="x",
            state="pending",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # a decided request no longer counts: the agency may ask again
    first = db.session.execute(
        db.select(ExtensionRequest).where(
            ExtensionRequest.task_id == monthly, ExtensionRequest.period_id.is_(None)
        )
    ).scalar_one()
    services.refuse_extension(first, note="Chưa đủ căn cứ", user_id=None)
    db.session.commit()
    ask(None, date(2027, 2, 28))
    db.session.commit()


def test_migration_closes_the_duplicates_a_race_left(app_ctx, data):
    """Requests pending twice before 0007 existed: the newer is refused with a note, the first
    stays pending, and the index can be built."""
    task_id = data.tasks["stc_lead"]
    other = data.tasks["syt_only"]
    db.session.remove()
    try:
        downgrade(revision="0006")
        with db.engine.begin() as conn:
            for task, reason in ((task_id, "đầu"), (task_id, "trùng"), (other, "riêng")):
                conn.execute(
                    text(
                        "INSERT INTO extension_request (task_id, requested_at, requested_due_on,"
                        " reason, state) VALUES (:task, :at, :due, :reason, 'pending')"
                    ),
                    {
                        "task": task,
                        "at": "2025-08-18 02:00:00",
                        "due": "2025-09-30",
                        "reason": reason,
                    },
                )
    finally:
        upgrade()
    rows = db.session.execute(
        db.select(
            ExtensionRequest.reason, ExtensionRequest.state, ExtensionRequest.decision_note
        ).order_by(ExtensionRequest.id)
    ).all()
    assert [(r.reason, r.state) for r in rows] == [
        ("đầu", "pending"),
        ("trùng", "refused"),
        ("riêng", "pending"),
    ]
    assert "Đề nghị trùng" in rows[1].decision_note
