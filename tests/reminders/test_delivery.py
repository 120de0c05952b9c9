"""Delivery through a real SMTP server: content, retries, catch-up, and two schedulers at once."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import _empty_tables
from tests.factories import make_agency, make_directive, make_task
from tests.reminders.conftest import at, mail_app_for
from tests.reminders.scenario import by_agency, simulate
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail, ReminderRecord
from tracker.reminders.outbox import send_pending
from tracker.reminders.services import plan, queue, run_sweep

D = date


def _province(app, when: date = date(2025, 7, 1)):
    app.config["TRACKER_NOW"] = at(when)
    with app.app_context():
        stc = make_agency(
            "Sở Tài chính",
            emails=["sotaichinh@tinh.gov.vn", "vanthu.stc@tinh.gov.vn"],
            head_email="giamdoc.stc@tinh.gov.vn",
        )
        syt = make_agency("Sở Y tế", emails=["soyte@tinh.gov.vn"])
        snv = make_agency("Sở Nội vụ", emails=["sonoivu@tinh.gov.vn"])
        d = make_directive("5016/TB-VPUBND")
        tasks = {
            "stc": make_task(d, stc, content="Tổng hợp kiến nghị thanh tra", due_on=D(2025, 8, 15)),
            "stc2": make_task(
                d, stc, content="Rà soát chỉ tiêu kinh tế - xã hội", due_on=D(2025, 8, 12)
            ),
            "syt": make_task(d, syt, content="Cải thiện chỉ số PAPI", due_on=D(2025, 8, 10)),
            "via": make_task(
                d,
                syt,
                content="Đề xuất giải pháp PAPI; gửi Sở Nội vụ tổng hợp",
                due_on=D(2025, 8, 22),
                via=snv,
                via_due_on=D(2025, 8, 29),
            ),
        }
        db.session.commit()
        return {k: t.id for k, t in tasks.items()}


def test_digest_reaches_the_smtp_server_in_vietnamese_with_links(mail_app, smtp):
    ids = _province(mail_app)
    arrived = simulate(mail_app, smtp, D(2025, 8, 8), D(2025, 8, 8))
    stc = [m for m in arrived if "Sở Tài chính" in m.subject]
    assert len(stc) == 1
    msg = stc[0]
    assert sorted(msg.rcpt_tos) == ["sotaichinh@tinh.gov.vn", "vanthu.stc@tinh.gov.vn"]
    assert msg.subject == "[Nhắc việc] Sở Tài chính: 2 nhiệm vụ cần chú ý ngày 08/08/2025"
    assert "Kính gửi: Sở Tài chính" in msg.text
    assert "SẮP ĐẾN HẠN (2)" in msg.text
    assert "Thời hạn: 15/08/2025 (Thứ Sáu), còn 7 ngày" in msg.text
    assert f"http://tracker.test/tasks/{ids['stc']}" in msg.text
    assert f'href="http://tracker.test/tasks/{ids["stc2"]}"' in msg.html
    assert "Rà soát chỉ tiêu kinh tế - xã hội" in msg.html
    # the office summary, with absolute links too
    summary = [m for m in arrived if "Tổng hợp tình hình" in m.subject]
    assert len(summary) == 1 and summary[0].rcpt_tos == ["vanphong@tinh.gov.vn"]
    assert "http://tracker.test/outbox" in summary[0].text
    # a second sweep and send the same day: nothing more
    arrived_again = simulate(mail_app, smtp, D(2025, 8, 8), D(2025, 8, 8))
    assert arrived_again == []


def test_via_agency_is_reminded_of_its_consolidation_deadline(mail_app, smtp):
    ids = _province(mail_app)
    arrived = simulate(mail_app, smtp, D(2025, 8, 22), D(2025, 8, 22))
    snv = [m for m in arrived if "Sở Nội vụ" in m.subject]
    assert len(snv) == 1  # via_due_on 29/8: 7 days before
    assert "đơn vị tổng hợp" in snv[0].text and "29/08/2025" in snv[0].text
    assert f"/tasks/{ids['via']}" in snv[0].text
    with mail_app.app_context():
        roles = set(db.session.execute(select(ReminderRecord.role)).scalars())
    assert "via" in roles


def test_smtp_down_for_two_days_then_each_email_arrives_once(mail_app, smtp):
    _province(mail_app)

    def before(day):
        if day == D(2025, 8, 11):
            smtp.stop()  # Monday and Tuesday: the mail server is down
        if day == D(2025, 8, 13):
            smtp.start()

    arrived = simulate(
        mail_app, smtp, D(2025, 8, 8), D(2025, 8, 15), before=before, sends_per_day=3
    )
    keys = [m.key for m in arrived]
    assert len(keys) == len(set(keys))
    with mail_app.app_context():
        rows = db.session.execute(select(OutboxEmail)).scalars().all()
        assert {r.status for r in rows} == {"sent"}
        assert sorted(keys) == sorted(r.dedup_key for r in rows)
        late = {r.dedup_key: r for r in rows if r.for_day in (D(2025, 8, 11), D(2025, 8, 12))}
        # a refused connection stops the batch: the first email counts the attempts, the others
        # wait unclaimed instead of burning theirs
        assert late and max(r.attempts for r in late.values()) >= 3
        assert all(r.last_error is None for r in rows)
    # the emails of 11/8 and 12/8 arrived on 13/8, once each
    days_of = {m.key: m.day for m in arrived}
    assert {days_of[k] for k in late} == {D(2025, 8, 13)}
    # Sở Y tế: due Sunday 10/8 → "due" on Friday 8/8; "overdue" queued on 11/8, arrived on
    # 13/8; its other task (due 22/8) is 7 days away on 15/8
    assert by_agency(arrived, "Sở Y tế") == [D(2025, 8, 8), D(2025, 8, 13), D(2025, 8, 15)]


def test_attempts_are_capped_then_failed(database_url, tmp_path, smtp):
    app = mail_app_for(database_url, tmp_path, smtp, TRACKER_OUTBOX_MAX_ATTEMPTS=2)
    with app.app_context():
        _empty_tables()
    _province(app)
    smtp.stop()
    app.config["TRACKER_NOW"] = at(D(2025, 8, 8))
    with app.app_context():
        run_sweep(D(2025, 8, 8))
        send_pending()
        app.config["TRACKER_NOW"] = at(D(2025, 8, 8), 9, 0)  # past the back-off
        send_pending()
        first = db.session.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars().first()
        assert first.status == "failed" and first.attempts == 2
        assert "ConnectionRefusedError" in first.last_error
        db.session.remove()
        db.engine.dispose()


def test_scheduler_down_ten_days_sends_one_catch_up_email_per_agency(mail_app, smtp):
    _province(mail_app)
    down = (D(2025, 8, 4), D(2025, 8, 13))  # ten days without a scheduler
    arrived = simulate(
        mail_app,
        smtp,
        D(2025, 7, 28),
        D(2025, 8, 15),
        skip=lambda day: down[0] <= day <= down[1],
    )
    on_14 = [m for m in arrived if m.day == D(2025, 8, 14)]
    stc = [m for m in on_14 if "Sở Tài chính" in m.subject]
    syt = [m for m in on_14 if "Sở Y tế" in m.subject]
    assert len(stc) == 1 and len(syt) == 1
    # what is still relevant, once: 15/8 due tomorrow, 12/8 and 10/8 overdue — no "7 days before"
    assert "QUÁ HẠN (1)" in stc[0].text and "quá hạn 2 ngày" in stc[0].text
    assert "SẮP ĐẾN HẠN (1)" in stc[0].text and "còn 1 ngày" in stc[0].text
    assert "QUÁ HẠN (1)" in syt[0].text and "quá hạn 4 ngày" in syt[0].text
    assert len([m for m in on_14 if "Tổng hợp" in m.subject]) == 1
    # nothing arrived during the outage; the next day only the new threshold (15/8 due today)
    assert not [m for m in arrived if down[0] <= m.day <= down[1]]
    assert by_agency(arrived, "Sở Tài chính") == [D(2025, 8, 14), D(2025, 8, 15)]
    # 1/8: 7 days before 10/8; 14/8: the catch-up; 15/8: 7 days before its task due 22/8
    assert by_agency(arrived, "Sở Y tế") == [D(2025, 8, 1), D(2025, 8, 14), D(2025, 8, 15)]


@pytest.fixture
def pg_apps(database_url, tmp_path, smtp):
    if not database_url.startswith("postgresql"):
        pytest.skip("two schedulers at once need PostgreSQL (SQLite: run one scheduler only)")
    apps = [mail_app_for(database_url, tmp_path, smtp) for _ in range(2)]
    with apps[0].app_context():
        _empty_tables()
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _race(apps, target):
    barrier = threading.Barrier(len(apps))
    errors = []

    def run(app):
        try:
            with app.app_context():
                barrier.wait()
                target()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors


def test_two_schedulers_on_postgresql_send_each_email_once(pg_apps, smtp):
    _province(pg_apps[0])
    arrived = []
    for day in (D(2025, 8, 8), D(2025, 8, 11), D(2025, 8, 12), D(2025, 8, 14), D(2025, 8, 15)):
        for app in pg_apps:
            app.config["TRACKER_NOW"] = at(day)

        def sweep_and_send(day=day):
            run_sweep(day)
            send_pending()
            send_pending()

        _race(pg_apps, sweep_and_send)
        arrived.extend(smtp.drain(day))
    keys = [m.key for m in arrived]
    assert len(keys) == len(set(keys)) and len(keys) >= 10
    with pg_apps[0].app_context():
        rows = db.session.execute(select(OutboxEmail.dedup_key, OutboxEmail.status)).all()
        assert sorted(keys) == sorted(k for k, _ in rows)
        assert {s for _, s in rows} == {"sent"}


def test_unique_keys_alone_stop_a_second_sweep_on_postgresql(pg_apps, smtp):
    """Even without the advisory lock, two sweeps racing on one day queue one digest each."""
    _province(pg_apps[0])
    day = D(2025, 8, 8)
    for app in pg_apps:
        app.config["TRACKER_NOW"] = at(day)

    def sweep_without_lock():
        queue(plan(day))
        db.session.commit()

    _race(pg_apps, sweep_without_lock)
    with pg_apps[0].app_context():
        digests = db.session.execute(
            select(OutboxEmail.dedup_key, func.count()).group_by(OutboxEmail.dedup_key)
        ).all()
        assert digests and all(n == 1 for _, n in digests)
        records = db.session.execute(select(func.count(ReminderRecord.id))).scalar()
        distinct = db.session.execute(
            select(func.count(func.distinct(ReminderRecord.dedup_key)))
        ).scalar()
        assert records == distinct


def test_a_stale_claim_is_retried_and_a_fresh_one_is_left_alone(mail_app, smtp):
    _province(mail_app)
    mail_app.config["TRACKER_NOW"] = at(D(2025, 8, 8))
    with mail_app.app_context():
        run_sweep(D(2025, 8, 8))
        rows = db.session.execute(select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
        stale, fresh = rows[0], rows[1]
        # a sender died 20 minutes ago mid-send; another claimed a row a minute ago
        stale.status, stale.claimed_at, stale.attempts = "sending", at(D(2025, 8, 8), 7, 10), 1
        fresh.status, fresh.claimed_at, fresh.attempts = "sending", at(D(2025, 8, 8), 7, 29), 1
        db.session.commit()
        send_pending()
        db.session.expire_all()
        assert db.session.get(OutboxEmail, stale.id).status == "sent"
        assert db.session.get(OutboxEmail, stale.id).attempts == 2
        assert db.session.get(OutboxEmail, fresh.id).status == "sending"
        stale_key = stale.dedup_key
    keys = [m.key for m in smtp.drain()]
    assert stale_key in keys and len(keys) == len(set(keys)) == len(rows) - 1
