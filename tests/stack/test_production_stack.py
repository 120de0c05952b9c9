"""The production stack for real, on loopback: PostgreSQL, gunicorn with several workers, one
scheduler process and an SMTP server — the deployment of `deploy/` and the README.

The office logs in over HTTP, creates a directive and a task due soon for Sở Y tế; the daily
sweep (the CLI, as an operator would run it) queues the reminder and the scheduler's outbox job
delivers it through SMTP. Then the database is backed up with `pg_dump -Fc`, wiped, restored with
`pg_restore`, and every table has the same number of rows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.reminders.conftest import SmtpServer
from tests.stack.conftest import (
    HttpClient,
    Proc,
    Processes,
    failed,
    free_port,
    libpq_url,
    require_stack_database,
    reset_database,
    table_counts,
    wait_for,
)

pytestmark = pytest.mark.stack

#: the stack's pinned clock: a Monday, so the sweep of that day is a working day
NOW = "2025-08-18T09:00:00+07:00"
TODAY = "2025-08-18"
ADMIN = ("admin@tinh.gov.vn", "quantri-demo")
TASK_CONTENT = "Kiểm tra an toàn thực phẩm bếp ăn tập thể trước năm học mới (thử nghiệm hệ thống)"


@dataclass
class Stack:
    url: str
    base: str
    smtp: SmtpServer
    procs: Processes
    web: Proc
    scheduler: Proc


def stack_env(url: str, tmp: Path, port: int, smtp_port: int) -> dict[str, str]:
    """The environment of deploy/tracker.env.example, adapted to loopback and plain http."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEST_", "TRACKER_", "MAIL_", "FLASK_"))
        and k not in {"DATABASE_URL", "SECRET_KEY", "UPLOAD_DIR"}
    }
    env.update(
        TRACKER_CONFIG="config.ProductionConfig",
        SECRET_KEY="stack-test-secret-key-long-and-random-enough",
        DATABASE_URL=url,
        TRACKER_INSTANCE_DIR=str(tmp / "instance"),
        UPLOAD_DIR=str(tmp / "uploads"),
        TRACKER_TIMEZONE="Asia/Ho_Chi_Minh",
        TRACKER_BASE_URL=f"http://127.0.0.1:{port}",
        TRACKER_OFFICE_EMAIL="vanphong@tinh.gov.vn",
        TRACKER_NOW=NOW,
        TRACKER_OUTBOX_INTERVAL_SECONDS="2",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        MAIL_DEFAULT_SENDER="tracker@tinh.gov.vn",
        SESSION_COOKIE_SECURE="false",  # plain http on loopback
        TRACKER_BIND=f"127.0.0.1:{port}",
        TRACKER_WORKERS="3",
        TRACKER_THREADS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def _answers(base: str) -> bool:
    try:
        return HttpClient(base).get("/login").status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    url = require_stack_database()
    reset_database(url)
    tmp = tmp_path_factory.mktemp("stack")
    smtp = SmtpServer(free_port())
    smtp.start()
    port = free_port()
    procs = Processes(stack_env(url, tmp, port, smtp.port), tmp)
    try:
        procs.run("db", "upgrade")
        demo = procs.run("demo", "load")
        assert "5016/TB-VPUBND" in demo.stdout
        web = procs.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base), 60, "gunicorn to answer", [web])
        scheduler = procs.flask("scheduler", "scheduler", "run")
        wait_for(
            lambda: "Bộ lập lịch đang chạy" in scheduler.output(), 60, "the scheduler", [scheduler]
        )
        yield Stack(url, base, smtp, procs, web, scheduler)
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop_all()
        smtp.stop()


@pytest.fixture(autouse=True)
def _logs_on_failure(request, stack):
    yield
    if failed(request):
        print(stack.procs.logs())


def login(base: str) -> HttpClient:
    client = HttpClient(base)
    page = client.submit("/login", {"email": ADMIN[0], "password": ADMIN[1]})
    assert page.status == 200 and page.url.endswith("/dashboard"), (page.status, page.url)
    assert "Nguyễn Văn Quản" in page.body
    return client


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's children (from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def option_value(html: str, label: str) -> str:
    match = re.search(rf'<option value="(\d+)"[^>]*>{re.escape(label)}</option>', html)
    assert match, f"no option {label!r}"
    return match.group(1)


def test_office_creates_a_task_and_the_reminder_leaves_through_smtp(stack):
    assert len(worker_pids(stack.web.popen.pid)) == 3
    anonymous = HttpClient(stack.base, follow_redirects=False).get("/dashboard")
    assert anonymous.status == 302 and "/login" in anonymous.headers["Location"]
    # production cookies and headers (Secure is off only because this is plain http)
    login_page = HttpClient(stack.base).get("/login")
    assert "unsafe-inline" not in login_page.headers["Content-Security-Policy"]
    assert login_page.headers["X-Frame-Options"] == "DENY"

    office = login(stack.base)
    # one session, served by every worker: the secret key and the database are shared
    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: office.get("/tasks/"), range(16)))
    assert {p.status for p in pages} == {200}
    assert all("Nguyễn Văn Quản" in p.body for p in pages)

    created = office.submit(
        "/directives/new",
        {
            "number": "77/TB-UBND",
            "kind": "Thông báo kết luận",
            "issued_on": "15/08/2025",
            "issuer": "Chủ tịch UBND tỉnh",
            "title": "Kết luận về công tác y tế trước năm học mới",
            "full_text": "",
        },
    )
    assert created.status == 200 and re.search(r"/directives/\d+$", created.url), created.url
    directive_path = urllib_path(created.url)
    form_path = f"{directive_path}/tasks/new"
    form = office.get(form_path)
    syt = option_value(form.body, "Sở Y tế")
    saved = office.submit(
        form_path,
        {
            "content": TASK_CONTENT,
            "lead_agency_id": syt,
            "due_on": "20/08/2025",  # Wednesday: due in two days
            "cadence": "none",
        },
    )
    assert saved.status == 200 and saved.url.endswith(directive_path), (saved.url, saved.body[:300])
    assert TASK_CONTENT in saved.body

    swept = stack.procs.run("reminders", "run", "--today", TODAY)
    assert "Sở Y tế" in swept.stdout, swept.stdout

    engine = create_engine(stack.url)
    try:

        def delivered() -> bool:
            with engine.connect() as conn:
                waiting = conn.execute(
                    text("SELECT count(*) FROM outbox_email WHERE status <> 'sent'")
                ).scalar_one()
                total = conn.execute(text("SELECT count(*) FROM outbox_email")).scalar_one()
            return total > 0 and waiting == 0

        wait_for(delivered, 90, "the scheduler to deliver the outbox", [stack.scheduler])
        with engine.connect() as conn:
            queued = conn.execute(text("SELECT count(*) FROM outbox_email")).scalar_one()
    finally:
        engine.dispose()

    received = stack.smtp.drain()
    assert len(received) == queued  # every email once
    assert len({r.key for r in received}) == queued
    # Sở Y tế is told of its new task ("giao nhiệm vụ", tracker.notifications) and reminded once
    ours = [r for r in received if "soyte@tinh.gov.vn" in r.rcpt_tos and "[Nhắc việc]" in r.subject]
    # `demo load` swept the day already (the demo's overdue items of Sở Y tế, an escalation):
    # the operator's sweep after the new task adds a supplementary digest with what is new
    assert len(ours) == 2
    assert all(m.subject.startswith("[Nhắc việc] Sở Y tế:") for m in ours)
    assert all("nhiệm vụ cần chú ý ngày 18/08/2025" in m.subject for m in ours)
    (morning,) = [m for m in ours if TASK_CONTENT not in m.text]
    assert "QUÁ HẠN" in morning.text
    (mail,) = [m for m in ours if TASK_CONTENT in m.text]
    assert mail.subject.endswith("(bổ sung)")
    assert "SẮP ĐẾN HẠN" in mail.text and "Thời hạn: 20/08/2025" in mail.text
    assert f"{stack.base}/tasks/" in mail.text  # links point at the configured base URL
    assert str(mail.message["From"]) == "tracker@tinh.gov.vn"
    summary = [
        r for r in received if r.rcpt_tos == ["vanphong@tinh.gov.vn"] and "Tổng hợp" in r.subject
    ]
    assert len(summary) == 1  # the office's daily summary (beside its "giao nhiệm vụ" emails)

    # the office sees it as sent in the web UI
    outbox = office.get("/outbox?status=sent")
    assert outbox.status == 200 and "Sở Y tế" in outbox.body


def urllib_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def test_pg_dump_and_pg_restore_round_trip(stack, tmp_path):
    """The README's backup: `pg_dump -Fc`, then `pg_restore` into an empty database."""
    stack.procs.stop_all()  # a restore replaces the schema under the app's feet
    before = table_counts(stack.url)
    assert before["task"] > 0 and before["agency"] > 0 and before["alembic_version"] == 1
    dump = tmp_path / "tracker.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), libpq_url(stack.url)],
        check=True,
        timeout=60,
    )
    assert dump.stat().st_size > 0
    reset_database(stack.url)
    assert table_counts(stack.url) == {}
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq_url(stack.url), str(dump)],
        check=True,
        timeout=120,
    )
    assert table_counts(stack.url) == before
    # the restored database serves the app: the CLI reads it and the sequences go on
    listed = stack.procs.run("tasks", "list", "--json")
    assert TASK_CONTENT in listed.stdout
    stack.procs.run("demo", "load")  # inserts nothing new, but must not collide on ids
    assert table_counts(stack.url)["task"] == before["task"]
