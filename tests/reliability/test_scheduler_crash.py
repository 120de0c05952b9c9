"""Kill the scheduler with SIGKILL in the middle of delivering the outbox, restart it: every
email still reaches the SMTP server exactly once.

The SMTP server holds the third email at RCPT (nothing of it accepted yet) while the scheduler
is killed. The dead sender's claim (`sending`) is left alone by a scheduler restarted a minute
later — it might still be working — and retried once it is older than STALE_AFTER (15 min),
by a scheduler restarted with the clock 16 minutes on. Runs on PostgreSQL (the stack database)
or, with SQLite as the test database, on a SQLite file.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections import Counter
from datetime import datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from tests.stack.conftest import Processes, free_port, reset_database, stack_database_url, wait_for
from tests.stack.test_production_stack import stack_env

T0 = datetime.fromisoformat("2025-08-18T09:00:00+07:00")


class HoldingSmtp:
    """Accepts messages, except that it holds the `hold_at`-th one at RCPT until released."""

    def __init__(self, hold_at: int):
        self.hold_at = hold_at
        self.rcpt_messages = 0
        self.held = threading.Event()
        self.release = threading.Event()
        self.keys: Counter[str] = Counter()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        envelope.mail_from = address
        self.rcpt_messages += 1
        envelope.number = self.rcpt_messages
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if envelope.number == self.hold_at and not envelope.rcpt_tos:
            self.held.set()
            for _ in range(600):  # at most 60 s
                if self.release.is_set():
                    break
                await asyncio.sleep(0.1)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        msg = message_from_bytes(envelope.content, policy=email_policy.default)
        self.keys[str(msg["X-Tracker-Outbox"])] += 1
        return "250 Message accepted for delivery"


def test_sigkill_mid_delivery_then_restart_sends_each_email_once(tmp_path):
    url = stack_database_url()
    if url is None:
        url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    else:
        reset_database(url)
    smtp = HoldingSmtp(hold_at=3)
    smtp.controller.start()
    procs = Processes(stack_env(url, tmp_path, free_port(), smtp.controller.port), tmp_path)
    engine = create_engine(url)

    def statuses() -> Counter[str]:
        with engine.connect() as conn:
            return Counter(
                dict(
                    conn.execute(
                        text("SELECT status, count(*) FROM outbox_email GROUP BY status")
                    ).all()
                )
            )

    def scheduler(now: datetime):
        return procs.flask(
            "scheduler",
            "scheduler",
            "run",
            TRACKER_NOW=now.isoformat(),
            TRACKER_OUTBOX_INTERVAL_SECONDS="1",
        )

    try:
        procs.run("db", "upgrade")
        procs.run("demo", "load")
        procs.run("reminders", "run", "--today", "2025-08-18", TRACKER_NOW=T0.isoformat())
        total = sum(statuses().values())
        assert total >= 5 and statuses()["pending"] == total

        first = scheduler(T0)
        wait_for(smtp.held.is_set, 60, "the third email to reach RCPT", [first])
        first.stop(signal.SIGKILL)  # no clean-up, no rollback: the process is gone
        smtp.release.set()
        assert statuses()["sent"] == 2 and statuses()["sending"] == 1
        with engine.connect() as conn:
            stuck_key, attempts = conn.execute(
                text("SELECT dedup_key, attempts FROM outbox_email WHERE status = 'sending'")
            ).one()
        assert attempts == 1 and stuck_key not in smtp.keys

        # restarted a minute later: the others go, the dead sender's claim is left alone
        second = scheduler(T0 + timedelta(minutes=1))
        wait_for(lambda: statuses()["sent"] == total - 1, 60, "the pending emails", [second])
        second.stop()
        assert statuses()["sending"] == 1 and stuck_key not in smtp.keys

        # 16 minutes on, the claim is stale: retried, once
        third = scheduler(T0 + timedelta(minutes=16))
        wait_for(lambda: statuses()["sent"] == total, 60, "the stale claim's retry", [third])
        third.stop()
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT attempts FROM outbox_email WHERE dedup_key = :k"), {"k": stuck_key}
                ).scalar_one()
                == 2
            )
        assert len(smtp.keys) == total and set(smtp.keys.values()) == {1}
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop_all()
        smtp.release.set()
        smtp.controller.stop()
        engine.dispose()
