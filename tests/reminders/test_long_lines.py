"""SMTP servers refuse lines over 998 octets: long tasks and one-line HTML lists must still go."""

from datetime import date

from sqlalchemy import select

from tests import factories
from tests.reminders.conftest import at
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.reminders.outbox import send_pending
from tracker.reminders.services import run_sweep

LONG = "Rà soát, đánh giá toàn diện " + "các thủ tục hành chính, " * 120


def test_a_task_longer_than_an_smtp_line_is_delivered_intact(mail_app, smtp):
    mail_app.config["TRACKER_NOW"] = at(date(2025, 8, 8))
    with mail_app.app_context():
        stc = factories.make_agency("Sở Tài chính", emails=["sotaichinh@tinh.gov.vn"])
        directive = factories.make_directive("12/TB-UBND", issued_on=date(2025, 7, 1))
        for n in range(12):  # many overdue tasks: the summary's HTML list grows long too
            factories.make_task(directive, stc, content=f"{n}. {LONG}", due_on=date(2025, 7, 10))
        db.session.commit()
        run_sweep(date(2025, 8, 8))
        emails = db.session.execute(select(OutboxEmail)).scalars().all()
        assert max(len(line.encode()) for e in emails for line in e.body_html.splitlines()) > 998
        bodies = {e.dedup_key: (e.body_text, e.body_html) for e in emails}
        result = send_pending()
        assert (result.sent, result.retry_later, result.failed) == (len(emails), 0, 0)
    arrived = smtp.drain()
    assert len(arrived) == len(emails)
    for mail in arrived:  # decoded back to the very same text
        body_text, body_html = bodies[mail.key]
        assert mail.text.replace("\r\n", "\n").strip() == body_text.strip()
        assert mail.html.replace("\r\n", "\n").strip() == body_html.strip()
        assert mail.message.get_body(("plain",))["Content-Transfer-Encoding"] == "quoted-printable"


def test_a_long_vietnamese_subject_arrives_with_every_space(mail_app, smtp):
    """Folding a subject between two RFC 2047 words used to drop the space there."""
    subjects = [
        "[Giao nhiệm vụ] Sở Y tế: 2 nhiệm vụ tại văn bản số 777/TB-VPUBND",
        "[Nhắc việc] " + "nhiệm vụ quá hạn của Sở Nông nghiệp và Môi trường " * 4,
    ]
    with mail_app.app_context():
        for n, subject in enumerate(subjects):
            db.session.add(
                OutboxEmail(
                    dedup_key=f"subject-{n}",
                    kind="digest",
                    for_day=date(2025, 8, 18),
                    recipients=["soyte@tinh.gov.vn"],
                    subject=subject,
                    body_text="x",
                    body_html="<p>x</p>",
                )
            )
        db.session.commit()
        assert send_pending().sent == len(subjects)
    arrived = {mail.key: mail.subject for mail in smtp.drain()}
    assert arrived == {f"subject-{n}": s for n, s in enumerate(subjects)}
