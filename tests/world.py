"""A world with one of everything a URL can point at (security and reliability tests).

Task `own` is led by Sở Tài chính (officer `stc@`), with a co-agency; `other` belongs to Sở Y tế
(officer `syt@`); `periodic` has reporting periods; `via` reports through Sở Nội vụ. There is an
attachment of every kind, a progress update, an outbox email, an extension request and a
calendar exception and a trusted root, and a reminder letter.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from tests import factories
from tests.conftest import PASSWORD, _empty_tables
from tracker.deadlines import services as deadline_services
from tracker.deadlines.models import ReportingPeriod
from tracker.extensions import db
from tracker.files.storage import store
from tracker.notifications.models import Notification
from tracker.reminders.models import OutboxEmail
from tracker.tasks import services as task_services
from tracker.webhooks.models import WebhookDelivery, WebhookEndpoint

EMAILS = {
    "office_admin": "admin@tinh.gov.vn",
    "office_staff": "staff@tinh.gov.vn",
    "officer_own": "stc@tinh.gov.vn",
    "officer_other": "syt@tinh.gov.vn",
    "leader": "lanhdao@tinh.gov.vn",
}
ROLES = ("anonymous", *EMAILS)
PDF = b"%PDF-1.4\n% test\n"
INCOMING_TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH\nSố: 77/TB-VPUBND\nHòa Bình, ngày 01 tháng 8 năm 2025\n\n"
    "THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh\n\n"
    "1. Giao Sở Tài chính rà soát dự toán, báo cáo trước ngày 30/9/2025.\n"
)


def build_world() -> dict[str, int]:
    """Create the world (inside an app context) and return the ids a URL may need."""
    p = factories.small_province()
    a, u, d = p.agencies, p.users, p.directive
    own = p.tasks["stc_lead"]
    periodic = factories.make_task(
        d,
        a["stc"],
        content="Báo cáo quý tình hình thu ngân sách",
        cadence="quarterly",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    via = factories.make_task(
        d,
        a["stc"],
        content="Sở Tài chính báo cáo qua Sở Nội vụ",
        via=a["snv"],
        due_on=date(2025, 8, 25),
        via_due_on=date(2025, 8, 30),
    )
    deadline_services.open_task_periods(periodic, date(2025, 12, 31))
    db.session.flush()
    period = (
        db.session.execute(
            select(ReportingPeriod)
            .where(ReportingPeriod.task_id == periodic.id)
            .order_by(ReportingPeriod.due_on)
        )
        .scalars()
        .first()
    )
    update = task_services.add_progress(
        own, body="Đã họp triển khai", author_id=u["officer"].id, agency_id=a["stc"].id
    )
    ext = deadline_services.request_extension(
        own,
        requested_due_on=date(2025, 9, 15),
        reason="Chờ số liệu quyết toán",
        user_id=u["officer"].id,
    )
    exception = deadline_services.add_calendar_exception(date(2025, 12, 24), "off", "Nghỉ bù")
    files = {
        "task_file": store((PDF, "ket-qua.pdf", "application/pdf"), task_id=own.id),
        "progress_file": store(
            (PDF, "tien-do.pdf", "application/pdf"), progress_update_id=update.id
        ),
        "period_file": store((PDF, "ky-bao-cao.pdf", "application/pdf"), period_id=period.id),
        "directive_file": store((PDF, "van-ban.pdf", "application/pdf"), directive_id=d.id),
    }
    other_file = store((PDF, "cua-so-y-te.pdf", "application/pdf"), task_id=p.tasks["syt_only"].id)
    email = OutboxEmail(
        dedup_key="digest:1:2025-08-18",
        kind="digest",
        agency_id=a["stc"].id,
        for_day=date(2025, 8, 18),
        recipients=["sotaichinh@tinh.gov.vn"],
        cc=[],
        subject="[Nhắc việc] Sở Tài chính: 1 nhiệm vụ cần chú ý ngày 18/08/2025",
        body_text="Kính gửi: Sở Tài chính",
        body_html="<p>Kính gửi: Sở Tài chính</p>",
        status="failed",
        attempts=20,
    )
    db.session.add(email)
    # a root the office trusts (tracker.files.signing), made by the tests' own CA
    from tests.signed.pki import make_root
    from tracker.files.signing import add_trusted_root

    root = add_trusted_root(make_root().der, user_id=u["admin"].id)
    db.session.flush()
    ids = {
        "own": own.id,
        "co": p.tasks["stc_co"].id,
        "other": p.tasks["syt_only"].id,
        "periodic": periodic.id,
        "via": via.id,
        "period": period.id,
        "directive": d.id,
        "agency": a["stc"].id,
        "user": u["officer"].id,
        "update": update.id,
        "extension": ext.id,
        "exception": exception.id,
        "email": email.id,
        "root": root.id,
        "other_file": other_file.id,
    }
    ids.update({k: f.id for k, f in files.items()})
    # the request above told the office (tracker.notifications)
    ids["notification"] = db.session.execute(
        select(Notification.id).where(Notification.kind == "extension_requested")
    ).scalar_one()
    # a personal API token of Sở Tài chính's officer (the profile page revokes it)
    from tracker.api.services import create_token

    ids["token"] = create_token(u["officer"], name="Kho dữ liệu")[0].id
    # an endpoint and one queued delivery (the office's webhook pages)
    endpoint = WebhookEndpoint(
        name="Bảng điều hành tỉnh",
        url="http://127.0.0.1:9/hook",
        secret="world-secret",
        events=["task.completed"],
    )
    db.session.add(endpoint)
    db.session.flush()
    delivery = WebhookDelivery(
        event_id=f"task.completed:{own.id}:world",
        event="task.completed",
        endpoint_id=endpoint.id,
        body="{}",
    )
    db.session.add(delivery)
    db.session.flush()
    ids["endpoint"] = endpoint.id
    ids["delivery"] = delivery.id
    # a completion report waiting for the office's acceptance (tracker.acceptance, issue 16)
    from tracker.acceptance.services import report_done

    ids["claim"] = report_done(
        p.tasks["stc_co"],
        done_on=None,
        report_number="21/BC-STC",
        report_date=None,
        note=None,
        user=u["officer"],
        require=True,
    ).id
    # Sở Tài chính's calendar address: the feed's token is its only credential
    from tracker.feeds.services import issue_token

    ids["calendar_token"] = issue_token(a["stc"])  # type: ignore[assignment]  (a string)
    # a reminder letter to Sở Tài chính (its .docx, and the batch it was drafted in)
    from tracker.letters.services import LetterInput, draft_letters

    letter = draft_letters(
        LetterInput(
            agency_ids=[a["stc"].id],
            kind="don_doc",
            per_agency=False,
            new_due_on=date(2025, 9, 5),
            issuing_body="ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
            symbol="UBND-TH",
            place="Hòa Bình",
            signer_title="PHÓ CHỦ TỊCH",
        ),
        date(2025, 8, 18),
        user_id=u["admin"].id,
    )[0]
    ids["letter"] = letter.id
    ids["letter_batch"] = letter.batch  # type: ignore[assignment]  (a string)
    ids.update(_targets_and_indexes(own, a["stc"], u["officer"]))
    # a document waiting in Văn bản đến chờ xử lý (tracker.inbox), as the document system sent it
    from tracker.inbox.services import IncomingInput, receive

    incoming, _dups = receive(
        IncomingInput(
            filename="thong-bao-den.txt",
            data=INCOMING_TEXT.encode("utf-8"),
            number="77/TB-VPUBND",
            issued_on=date(2025, 8, 1),
            title="Kết luận của Chủ tịch UBND tỉnh",
            issuer="Văn phòng UBND tỉnh",
        ),
        received_by_id=u["admin"].id,
    )
    ids["incoming"] = incoming.id
    return ids


def _targets_and_indexes(own, stc, officer) -> dict[str, int]:
    """A target and a checklist item on `own`; the PAR Index with a lĩnh vực and a criterion
    Sở Tài chính tracks, assessed for a quarter and served by `own` (issue 16)."""
    from decimal import Decimal

    from tracker.indexes import services as index_services
    from tracker.indexes.importer import CriterionRow
    from tracker.indexes.models import IndexCriterion, ScoreIndex
    from tracker.targets import services as target_services

    target_services.set_targets(own, "ít nhất 05 giải pháp", "Xây dựng kế hoạch")
    index_services.import_rows(
        [
            CriterionRow(2, "PAR", "6", "Cải cách tài chính công", Decimal(10), None, stc.id),
            CriterionRow(3, "PAR", "6.1", "Giải ngân vốn đầu tư công", Decimal(3), None, stc.id),
        ]
    )
    index = db.session.execute(select(ScoreIndex)).scalar_one()
    criterion = db.session.execute(
        select(IndexCriterion).where(IndexCriterion.code == "6.1")
    ).scalar_one()
    index_services.tag_task(own, [criterion.id])
    index_services.assess(
        criterion,
        year=2025,
        quarter=2,
        met=False,
        points_lost=Decimal("1.5"),
        reason="Giải ngân chậm",
        objective=False,
        user=officer,
    )
    return {"index": index.id, "criterion": criterion.id}


@pytest.fixture
def world(app):
    with app.app_context():
        ids = build_world()
        db.session.commit()
    return ids


def rebuild(app) -> dict[str, int]:
    """Start again from a fresh world (after a request that may have changed it)."""
    with app.app_context():
        db.session.remove()
        _empty_tables()
        ids = build_world()
        db.session.commit()
    return ids


def client_as(app, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/login", data={"email": EMAILS[role], "password": PASSWORD})
        assert response.status_code == 302, f"{role} could not log in"
    return client


def row_counts(app) -> dict[str, int]:
    """Rows per table (the audit log included): a refused request must change none."""
    with app.app_context():
        counts = {
            t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables
        }
        db.session.remove()
    return counts


def table_exists(app, name: str) -> bool:
    with app.app_context():
        try:
            db.session.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1'))
            return True
        except Exception:
            return False
        finally:
            db.session.rollback()
