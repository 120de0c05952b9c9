"""Two web nodes and two schedulers against one PostgreSQL primary (issue 17).

A province that outgrows one machine runs gunicorn on two machines behind its proxy, and may end
up with a scheduler on each. Here: two gunicorn instances on two ports, the office working
through both at once (tasks created on each, pages read from both in parallel), a webhook
endpoint registered on one and used by the other, two schedulers started, and the one that is
delivering killed with SIGKILL in the middle of an email (the SMTP server holds it at RCPT).
The other scheduler carries on; a scheduler started with the clock 16 minutes on retries the
dead one's claim. Every email and every webhook leaves exactly once, none is lost.
"""

from __future__ import annotations

import re
import signal
import sys
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.reliability.test_scheduler_crash import HoldingSmtp
from tests.stack.conftest import (
    HttpClient,
    Processes,
    free_port,
    require_stack_database,
    reset_database,
    wait_for,
)
from tests.stack.test_production_stack import login, option_value, stack_env
from tests.webhooks.conftest import Receiver
from tracker.webhooks.models import EVENTS

pytestmark = pytest.mark.stack

T0 = datetime.fromisoformat("2025-08-18T09:00:00+07:00")


def _answers(base: str) -> bool:
    try:
        return HttpClient(base).get("/login").status == 200
    except OSError:
        return False


def _create_tasks(office: HttpClient, number: str, lead: str, count: int) -> None:
    created = office.submit(
        "/directives/new",
        {
            "number": number,
            "kind": "Thông báo kết luận",
            "issued_on": "15/08/2025",
            "issuer": "Chủ tịch UBND tỉnh",
            "title": f"Kết luận {number} (thử hai máy chủ)",
            "full_text": "",
        },
    )
    assert created.status == 200 and re.search(r"/directives/\d+$", created.url), created.url
    path = re.sub(r"^https?://[^/]+", "", created.url)
    form = office.get(f"{path}/tasks/new")
    agency = option_value(form.body, lead)
    for i in range(count):
        saved = office.submit(
            f"{path}/tasks/new",
            {
                "content": f"Nhiệm vụ {i + 1} của {number}: rà soát, báo cáo kết quả",
                "lead_agency_id": agency,
                "due_on": "29/08/2025",
                "cadence": "none",
            },
        )
        assert saved.status == 200 and saved.url.endswith(path), (saved.url, saved.body[:300])


def test_two_web_nodes_two_schedulers_one_killed_everything_leaves_once(tmp_path):
    url = require_stack_database()
    reset_database(url)
    smtp = HoldingSmtp(hold_at=3)
    smtp.controller.start()
    hook = Receiver()
    hook.start()
    port_a, port_b = free_port(), free_port()
    env = stack_env(url, tmp_path, port_a, smtp.controller.port)
    env.update(TRACKER_WORKERS="2", TRACKER_OUTBOX_INTERVAL_SECONDS="1")
    procs = Processes(env, tmp_path)
    engine = create_engine(url)

    def counts(table: str) -> Counter[str]:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT status, count(*) FROM {table} GROUP BY status"))
            return Counter(dict(rows.all()))

    def scheduler(name: str, now: datetime):
        return procs.flask(name, "scheduler", "run", TRACKER_NOW=now.isoformat())

    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"]
    try:
        procs.run("db", "upgrade")
        procs.run("demo", "load", timeout=180)
        node_a = procs.start("node-a", gunicorn)
        node_b = procs.start("node-b", gunicorn, TRACKER_BIND=f"127.0.0.1:{port_b}")
        base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        wait_for(lambda: _answers(base_a) and _answers(base_b), 60, "both nodes", [node_a, node_b])

        # one session cookie works on both nodes (same secret, same database)
        office = login(base_a)
        office_b = HttpClient(base_b)
        office_b.cookies = office.cookies  # cookies are per host, not per port
        office_b.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(office.cookies)
        )
        assert "Nguyễn Văn Quản" in office_b.get("/dashboard").body

        # the webhook endpoint is registered on node A and fires for writes on node B
        saved = office.submit(
            "/webhooks/new",
            {
                "name": "Hệ thống điều hành của tỉnh",
                "url": hook.url,
                "kind": "json",
                "agency_id": "",
                "events": list(EVENTS),
                "active": "y",
            },
        )
        assert saved.status == 200, saved.body[:500]

        # load through both nodes while tasks are created on each
        with ThreadPoolExecutor(6) as pool:
            reads = [
                pool.submit(client.get, path)
                for _ in range(6)
                for client in (office, office_b)
                for path in ("/tasks/", "/dashboard", "/reports/")
            ]
            writes = [
                pool.submit(_create_tasks, office, "101/TB-UBND", "Sở Y tế", 3),
                pool.submit(_create_tasks, office_b, "102/TB-UBND", "Sở Tài chính", 3),
            ]
            for future in writes:
                future.result()
            assert {f.result().status for f in reads} == {200}

        total_mail = sum(counts("outbox_email").values())
        total_hooks = sum(counts("webhook_delivery").values())
        assert total_mail >= 5 and total_hooks >= 6  # six task.assigned, two directive.created

        # two schedulers; the one delivering is killed in the middle of the third email
        first = scheduler("scheduler-1", T0)
        wait_for(smtp.held.is_set, 60, "the third email to reach RCPT", [first])
        second = scheduler("scheduler-2", T0)
        wait_for(lambda: "Bộ lập lịch đang chạy" in second.output(), 60, "scheduler 2", [second])
        first.stop(signal.SIGKILL)
        smtp.release.set()
        wait_for(
            lambda: (
                counts("outbox_email")["sent"] == total_mail - 1
                and counts("webhook_delivery")["sent"] == total_hooks
            ),
            90,
            "scheduler 2 to deliver the rest",
            [second],
        )
        assert counts("outbox_email")["sending"] == 1  # the dead sender's claim, left alone
        second.stop()

        # 16 minutes on, the claim is stale: retried, once
        third = scheduler("scheduler-3", T0 + timedelta(minutes=16))
        wait_for(
            lambda: counts("outbox_email")["sent"] == total_mail, 60, "the stale claim", [third]
        )
        third.stop()

        assert len(smtp.keys) == total_mail and set(smtp.keys.values()) == {1}
        delivered = Counter(r.headers["X-Tracker-Delivery"] for r in hook.delivered)
        assert len(delivered) == total_hooks and set(delivered.values()) == {1}
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop_all()
        smtp.release.set()
        smtp.controller.stop()
        hook.stop()
        engine.dispose()
