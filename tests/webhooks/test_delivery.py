"""Webhooks against a real HTTP receiver on loopback: signed, exactly once per event and
endpoint through failures and a two-day outage, filtered by agency and event."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import FROZEN_NOW
from tests.factories import make_agency, make_directive, make_task
from tracker.deadlines import services as deadlines
from tracker.directives.services import add_task
from tracker.extensions import db
from tracker.tasks import services as tasks
from tracker.webhooks import sender, services, signing
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint
from tracker.webhooks.services import EndpointInput, WebhookError

SECRET = "bi-mat-cua-so"


def at(app, moment: datetime) -> None:
    """Move the app's injected clock."""
    app.config["TRACKER_NOW"] = moment


def endpoint(url: str, events: list[str], **kw) -> WebhookEndpoint:
    return services.create_endpoint(
        EndpointInput(
            name=kw.pop("name", "Bảng điều hành"), url=url, secret=SECRET, events=events, **kw
        )
    )


@pytest.fixture
def world(app_ctx):
    stc = make_agency("Sở Tài chính")
    syt = make_agency("Sở Y tế")
    directive = make_directive("101/TB-VPUBND")
    db.session.commit()
    return {"stc": stc, "syt": syt, "directive": directive}


def test_the_signature_verifies_and_the_payload_says_what_happened(app_ctx, world, receiver):
    endpoint(receiver.url, ["task.assigned", "task.completed"])
    task = add_task(world["directive"], _task_input(world["stc"].id, "Rà soát đầu tư công"))
    db.session.commit()
    tasks.complete_task(
        task, done_on=None, report_number="12/BC-STC", report_date=None, note=None, user_id=None
    )
    db.session.commit()

    result = sender.send_pending()

    assert result.sent == 2
    assigned, completed = receiver.delivered
    for r in (assigned, completed):
        stamp = r.headers[signing.TIMESTAMP_HEADER]
        expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + r.body, hashlib.sha256)
        assert r.headers[signing.SIGNATURE_HEADER] == "sha256=" + expected.hexdigest()
        assert signing.verify(SECRET, stamp, r.body, r.headers[signing.SIGNATURE_HEADER])
        assert not signing.verify("another", stamp, r.body, r.headers[signing.SIGNATURE_HEADER])
        assert stamp == str(int(FROZEN_NOW.timestamp()))
    body = assigned.json()
    assert body["event"] == "task.assigned"
    assert body["id"] == f"task.assigned:{task.id}:{world['stc'].id}"
    assert body["data"]["task"]["content"] == "Rà soát đầu tư công"
    assert body["data"]["task"]["due_on"] == "2025-10-31"
    assert body["data"]["task"]["url"].endswith(f"/tasks/{task.id}")
    assert body["data"]["directive"]["number"] == "101/TB-VPUBND"
    assert body["data"]["agency"] == {"id": world["stc"].id, "name": "Sở Tài chính"}
    assert datetime.fromisoformat(body["occurred_at"]) == FROZEN_NOW
    done = completed.json()
    assert done["event"] == "task.completed"
    assert done["data"]["report_number"] == "12/BC-STC"
    assert completed.headers[signing.EVENT_HEADER] == "task.completed"
    row = db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.event == "task.completed")
    ).scalar_one()
    assert (row.status, row.response_code, row.attempts) == ("sent", 200, 1)
    assert row.response_ms is not None
    # a second run sends nothing again
    assert sender.send_pending().sent == 0
    assert len(receiver.requests) == 2


def _task_input(agency_id: int, content: str):
    from tracker.tasks.services import TaskInput

    return TaskInput(content=content, lead_agency_id=agency_id, due_on=date(2025, 10, 31))


def test_a_receiver_that_fails_twice_then_succeeds_gets_the_event_once(app, world, receiver):
    endpoint(receiver.url, ["task.assigned"])
    add_task(world["directive"], _task_input(world["stc"].id, "Báo cáo thu ngân sách"))
    db.session.commit()
    receiver.statuses = [500, 503]
    t0 = FROZEN_NOW

    assert sender.send_pending().retry_later == 1
    assert sender.send_pending().sent == 0  # back-off: not before a minute
    assert len(receiver.requests) == 1
    at(app, t0 + timedelta(minutes=1))
    assert sender.send_pending().retry_later == 1
    at(app, t0 + timedelta(minutes=2))
    assert sender.send_pending().sent == 0  # the second back-off is two minutes
    at(app, t0 + timedelta(minutes=3))
    assert sender.send_pending().sent == 1
    at(app, t0 + timedelta(days=1))
    sender.send_pending()

    assert [r.status for r in receiver.requests] == [500, 503, 200]
    assert len({r.body for r in receiver.requests}) == 1  # the same bytes every time
    row = db.session.execute(select(WebhookDelivery)).scalar_one()
    assert (row.status, row.attempts, row.response_code) == ("sent", 3, 200)


def test_a_receiver_down_for_two_days_gets_every_event_once(app, world, receiver):
    endpoint(receiver.url, ["task.assigned", "task.completed"])
    receiver.stop()  # connection refused from now on
    t0 = FROZEN_NOW
    made = []
    moment = t0
    for hour in range(0, 48, 12):  # an event every 12 hours during the outage
        at(app, t0 + timedelta(hours=hour))
        made.append(add_task(world["directive"], _task_input(world["stc"].id, f"Việc {hour}")))
        db.session.commit()
    tasks.complete_task(
        made[0], done_on=None, report_number="1/BC", report_date=None, note=None, user_id=None
    )
    db.session.commit()
    moment = t0
    while moment < t0 + timedelta(days=2):  # the minute job, every 10 minutes for two days
        at(app, moment)
        sender.send_pending()
        moment += timedelta(minutes=10)
    assert (
        db.session.execute(
            select(func.count()).where(WebhookDelivery.status == "failed")
        ).scalar_one()
        == 0
    )
    attempts = db.session.execute(select(func.max(WebhookDelivery.attempts))).scalar_one()
    assert attempts < sender.DEFAULT_MAX_ATTEMPTS  # back-off: not one attempt per run

    receiver.start()  # back, on the same port
    while moment < t0 + timedelta(days=3):
        at(app, moment)
        sender.send_pending()
        moment += timedelta(minutes=10)

    ids = [r.json()["id"] for r in receiver.delivered]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert (
        db.session.execute(
            select(func.count()).where(WebhookDelivery.status != "sent")
        ).scalar_one()
        == 0
    )


def test_exactly_once_per_event_and_endpoint(app_ctx, world, receiver):
    endpoint(receiver.url, ["task.completed"])
    task = make_task(world["directive"], world["stc"])
    db.session.commit()
    tasks.complete_task(
        task, done_on=None, report_number="1/BC", report_date=None, note=None, user_id=None
    )
    services.task_completed(task)  # a retried producer
    db.session.commit()
    assert db.session.execute(select(func.count(WebhookDelivery.id))).scalar_one() == 1


def test_an_agency_endpoint_hears_only_its_agency_and_an_inactive_one_nothing(
    app_ctx, world, receiver
):
    endpoint(receiver.url, ["task.assigned"], agency_id=world["stc"].id, name="STC")
    endpoint(receiver.url, ["task.assigned"], active=False, name="Tạm dừng")
    endpoint(receiver.url, ["task.completed"], name="Chỉ hoàn thành")
    add_task(world["directive"], _task_input(world["stc"].id, "Việc của STC"))
    add_task(world["directive"], _task_input(world["syt"].id, "Việc của SYT"))
    db.session.commit()
    sender.send_pending()
    assert [r.json()["data"]["task"]["content"] for r in receiver.delivered] == ["Việc của STC"]


def test_extension_requested_and_decided_and_directive_created(app_ctx, world, receiver):
    endpoint(receiver.url, ["extension.requested", "extension.decided", "directive.created"])
    task = add_task(world["directive"], _task_input(world["stc"].id, "Báo cáo"))
    request = deadlines.request_extension(
        task, requested_due_on=date(2025, 12, 31), reason="Chờ số liệu", user_id=None
    )
    deadlines.approve_extension(request, user_id=None)
    db.session.commit()
    from tracker.directives.services import DirectiveInput, create_directive

    create_directive(
        DirectiveInput(
            number="7/TB-VPUBND",
            kind="Thông báo kết luận",
            issued_on=date(2025, 8, 1),
            title="Kết luận về đầu tư công",
            issuer="Chủ tịch UBND tỉnh",
            tasks=[_task_input(world["syt"].id, "Giải ngân")],
        )
    )
    db.session.commit()
    sender.send_pending()
    events = [r.json() for r in receiver.delivered]
    assert [e["event"] for e in events] == [
        "extension.requested",
        "extension.decided",
        "directive.created",
    ]
    assert events[0]["data"]["extension"]["requested_due_on"] == "2025-12-31"
    assert events[1]["data"]["extension"]["state"] == "approved"
    assert events[1]["data"]["extension"]["approved_due_on"] == "2025-12-31"
    assert events[2]["data"]["task_count"] == 1


def test_the_gateway_gets_a_short_vietnamese_text(app_ctx, world, receiver):
    endpoint(receiver.url, ["task.assigned"], kind="gateway")
    add_task(world["directive"], _task_input(world["stc"].id, "Rà soát đầu tư công"))
    db.session.commit()
    sender.send_pending()
    (r,) = receiver.delivered
    text = r.json()["text"]
    assert text.startswith(
        "[Giao nhiệm vụ] Sở Tài chính: Rà soát đầu tư công (VB 101/TB-VPUBND), hạn 31/10/2025."
    )
    assert signing.verify(
        SECRET, r.headers[signing.TIMESTAMP_HEADER], r.body, r.headers[signing.SIGNATURE_HEADER]
    )


def test_the_attempt_cap_gives_up(app, world, receiver):
    app.config["TRACKER_WEBHOOK_MAX_ATTEMPTS"] = 2
    endpoint(receiver.url, ["task.assigned"])
    add_task(world["directive"], _task_input(world["stc"].id, "Việc"))
    db.session.commit()
    receiver.statuses = [500] * 5
    sender.send_pending()
    at(app, FROZEN_NOW + timedelta(hours=1))
    assert sender.send_pending().failed == 1
    at(app, FROZEN_NOW + timedelta(days=1))
    sender.send_pending()
    assert len(receiver.requests) == 2
    row = db.session.execute(select(WebhookDelivery)).scalar_one()
    assert (row.status, row.response_code) == ("failed", 500)


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/x", "javascript:alert(1)", "/relative", "http://", "file:///etc/passwd"],
)
def test_only_http_urls(app_ctx, url):
    with pytest.raises(WebhookError) as exc:
        services.check_url(url)
    assert exc.value.field == "url"


def test_the_cli_sends(app_ctx, world, receiver, runner):
    endpoint(receiver.url, ["task.assigned"])
    add_task(world["directive"], _task_input(world["stc"].id, "Việc"))
    db.session.commit()
    result = runner.invoke(args=["webhooks", "send"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi 1" in result.output
    assert len(receiver.delivered) == 1
    assert json.loads(receiver.delivered[0].body)["event"] == "task.assigned"


def test_the_schedulers_minute_job_sends_them(app, app_ctx, world, receiver):
    from tracker.reminders.scheduler import send_outbox

    endpoint(receiver.url, ["task.assigned"])
    add_task(world["directive"], _task_input(world["stc"].id, "Việc"))
    db.session.commit()
    send_outbox(app)  # no MAIL_SERVER: the emails wait, the webhooks go
    assert len(receiver.delivered) == 1


def test_every_delivered_payload_matches_the_openapi_documents_webhooks(app_ctx, world, receiver):
    """The webhooks section of /api/v1/openapi.json describes what receivers really get."""
    from jsonschema import Draft202012Validator

    from tracker.api.spec import WEBHOOK_DATA, webhook_payload_schema
    from tracker.directives.services import DirectiveInput, create_directive
    from tracker.reminders.services import run_sweep
    from tracker.webhooks.models import EVENTS

    assert set(WEBHOOK_DATA) == set(EVENTS)
    endpoint(receiver.url, list(EVENTS))
    soon = add_task(world["directive"], _task_input(world["stc"].id, "Báo cáo thu ngân sách"))
    late = add_task(world["directive"], _task_input(world["syt"].id, "Báo cáo y tế"))
    late.due_on = late.original_due_on = date(2025, 8, 1)
    request = deadlines.request_extension(
        soon, requested_due_on=date(2025, 12, 31), reason="Chờ số liệu", user_id=None
    )
    deadlines.approve_extension(request, user_id=None)
    create_directive(
        DirectiveInput(
            number="8/TB-VPUBND",
            kind="Thông báo kết luận",
            issued_on=date(2025, 8, 1),
            title="Kết luận về đầu tư công",
            issuer="Chủ tịch UBND tỉnh",
            tasks=[_task_input(world["syt"].id, "Giải ngân")],
        )
    )
    db.session.commit()
    soon.due_on = date(2025, 8, 25)  # due within the week of the sweep below
    db.session.commit()
    run_sweep(date(2025, 8, 18))
    done = add_task(world["directive"], _task_input(world["stc"].id, "Hoàn thành ngay"))
    tasks.complete_task(
        done,
        done_on=date(2025, 8, 18),
        report_number="12/BC-STC",
        report_date=date(2025, 8, 18),
        note=None,
        user_id=None,
    )
    db.session.commit()
    sender.send_pending()
    payloads = [r.json() for r in receiver.delivered]
    assert {p["event"] for p in payloads} == set(EVENTS)
    for payload in payloads:
        schema = webhook_payload_schema(payload["event"])
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(payload)]
        assert errors == [], (payload["event"], errors)


def test_a_busy_database_at_the_sent_mark_retries_the_mark_not_the_post(
    app, world, receiver, monkeypatch
):
    """Issue 14 for the webhooks (they share the outbox's loop, tracker/delivery.py): the
    receiver said 200, then the database refused the "sent" mark twice. The mark is retried;
    the event is not POSTed again, now or by a run after the claim went stale."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from tracker import delivery

    monkeypatch.setattr(delivery.time, "sleep", lambda _seconds: None)
    endpoint(receiver.url, ["task.assigned"])
    add_task(world["directive"], _task_input(world["stc"].id, "Báo cáo quyết toán"))
    db.session.commit()
    refusals = []

    def busy(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE webhook_delivery") and "sent_at" in statement:
            if len(refusals) < 2:
                refusals.append(statement)
                raise OperationalError(statement, parameters, Exception("database is locked"))

    event.listen(db.engine, "before_cursor_execute", busy)
    try:
        assert sender.send_pending().sent == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", busy)
    assert len(refusals) == 2 and len(receiver.requests) == 1
    row = db.session.execute(select(WebhookDelivery)).scalar_one()
    assert (row.status, row.response_code, row.attempts) == ("sent", 200, 1)
    at(app, FROZEN_NOW + timedelta(minutes=16))  # a stale "sending" claim would go again
    assert sender.send_pending().sent == 0
    assert len(receiver.requests) == 1
