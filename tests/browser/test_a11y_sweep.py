"""Every page of every role in headless Chromium: axe-core finds nothing critical or serious,
and at 390 px (a phone) no page scrolls sideways (issue 11 §3).

The pages are the app's GET routes (as in tests/security/test_authorization_matrix.py), each
visited by the roles its policy allows, with real ids from the demo province; the forms are
also checked in their error state (submitted empty). One browser, one context per role, one
module-wide app: the whole sweep stays within a few minutes on SQLite.

axe-core comes from the `axe-playwright-python` package (it bundles axe.min.js: nothing is
downloaded at run time). Screenshots of each page, desktop and 390 px wide, go to
test-artifacts/a11y/<role>/.
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.conftest import ARTIFACTS, DEMO_PASSWORDS, TIMEOUT_MS
from tests.conftest import _empty_tables, make_config
from tests.security.test_authorization_matrix import POLICY, RULES
from tracker import create_app
from tracker.agencies.models import Agency
from tracker.auth.models import User
from tracker.deadlines import services as deadline_services
from tracker.deadlines.models import CalendarException, ExtensionRequest, ReportingPeriod
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.reminders.models import OutboxEmail
from tracker.tasks.models import Task

pytestmark = pytest.mark.browser

NOTICE = Path(__file__).resolve().parents[2] / "tracker" / "demo" / "5016-TB-VPUBND-2025.txt"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: the matrix's role names → the demo's accounts
ACCOUNTS = {
    "office_admin": "admin@tinh.gov.vn",
    "office_staff": "chuyenvien@tinh.gov.vn",
    "officer_own": "stc@tinh.gov.vn",
    "leader": "lanhdao@tinh.gov.vn",
}
#: GET routes that are not pages: files, exports, JSON, and an email's own HTML (an email, shown
#: in a sandboxed frame of the outbox page, not a page of the site)
NOT_PAGES = {
    "files.download",
    "reports.export",
    "reports.overdue_export",
    "agencies.search_json",
    "reminders.outbox_html",
    "auth.logout",
    "inbox.download",  # an incoming document's file
}
#: pages whose form is also checked in its error state: the button that submits it empty
FORMS = {
    "agencies.new": "main form.card button.primary",
    "agencies.edit": "main form.card button.primary",
    "agencies.import_file": "main form button.primary",
    "auth.user_new": "main form button.primary",
    "auth.user_edit": "main form button.primary",
    "auth.user_password": "main form button.primary",
    "deadlines.request_extension": "main form button.primary",
    "deadlines.decide": 'main form button[value="refuse"]',
    "deadlines.submit_period": "main form button.primary",
    "deadlines.calendar": "main form button.primary",
    "directives.new": "main form button.primary",
    "directives.edit": "main form button.primary",
    "directives.new_task": "main form button.primary",
    "extraction.paste": "main form button.primary",
    "tasks.complete": "main form button.primary",
    "tasks.edit": "main form button.primary",
    "tasks.show": 'main form[action$="/progress"] button.primary',
    "letters.new": "main form button.primary",
    "indexes.import_file": "main form button.primary",
    "indexes.assess": "main form button.primary",
    "subassign.edit": "main form button.primary",
}
BLOCKING = ("critical", "serious")
#: every rule of axe-core, only the violations reported, without the costly extras
AXE_RUN = """axe.run(document, {resultTypes: ['violations'], iframes: false, ancestry: false,
    performanceTimer: false}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => ({target: n.target}))})))"""
#: (page, width) already shot by an earlier role
SHOT: set[tuple[str, str]] = set()
#: forms already checked in their error state
ERROR_STATES: set[str] = set()


def _ids(app) -> dict[str, int]:
    """Real ids of the demo for every URL argument (the officer's tasks are Sở Tài chính's)."""
    with app.app_context():
        stc = db.session.execute(select(Agency).where(Agency.name == "Sở Tài chính")).scalar_one()
        own_tasks = select(Task).where(Task.lead_agency_id == stc.id).order_by(Task.id)
        own = db.session.execute(own_tasks.where(Task.done_on.is_(None))).scalars().first()
        period = (
            db.session.execute(
                select(ReportingPeriod)
                .join(Task)
                .where(Task.lead_agency_id == stc.id, ReportingPeriod.done_on.is_(None))
                .order_by(ReportingPeriod.due_on)
            )
            .scalars()
            .first()
            or db.session.execute(select(ReportingPeriod).where(ReportingPeriod.done_on.is_(None)))
            .scalars()
            .first()
        )
        exception = db.session.execute(select(CalendarException)).scalars().first()
        if exception is None:
            from datetime import date

            exception = deadline_services.add_calendar_exception(
                date(2026, 12, 24), "off", "Nghỉ bù"
            )
            db.session.commit()
        email = db.session.execute(select(OutboxEmail.id)).scalars().first()
        ids = {
            "directive": db.session.execute(select(Directive.id)).scalars().first(),
            "agency": stc.id,
            "user": db.session.execute(
                select(User.id).where(User.email == ACCOUNTS["officer_own"])
            ).scalar_one(),
            "email": email,
            "extension": db.session.execute(
                # a pending request first: its page has the decision form
                select(ExtensionRequest.id).order_by(
                    ExtensionRequest.state != "pending", ExtensionRequest.id
                )
            )
            .scalars()
            .first(),
            "period": period.id if period else None,
            "periodic": period.task_id if period else None,
            "exception": exception.id,
            "own": own.id,
            "via": own.id,
        }
        ids.update(_integration_ids(stc))
        ids.update(_index_ids(stc, own))
        db.session.remove()
    return ids


def _is_a_file(path: str) -> bool:
    """A route that names a file (`….csv`, `export.<fmt>`, `<calendar_token>.ics`) is a
    download or a feed, not a page."""
    return re.search(r"\.(\w+|<\w+>)$", path.rstrip("/")) is not None


def _integration_ids(stc: Agency) -> dict[str, int | None]:
    """A trusted root, the officer's API token, a webhook endpoint: the demo has none, and
    their pages (edit, delete, revoke) are swept too."""
    from tests.signed.pki import make_root
    from tracker.api.services import create_token
    from tracker.files.signing import add_trusted_root
    from tracker.notifications.models import Notification
    from tracker.webhooks.models import WebhookDelivery
    from tracker.webhooks.services import EndpointInput, create_endpoint

    officer = db.session.execute(
        select(User).where(User.email == ACCOUNTS["officer_own"])
    ).scalar_one()
    root = add_trusted_root(make_root().der, user_id=None)
    token = create_token(officer, name="Kho dữ liệu")[0]
    endpoint = create_endpoint(
        EndpointInput(
            name="Bảng điều hành tỉnh",
            url="http://127.0.0.1:9/hook",
            secret="bi-mat",
            events=["task.completed"],
            agency_id=stc.id,
        )
    )
    # a document waiting in Văn bản đến: the demo's notice again, so its page flags the number
    from tracker.inbox.services import IncomingInput, receive

    incoming, _dups = receive(
        IncomingInput(filename="5016-TB-VPUBND-2025.txt", data=NOTICE.read_bytes())
    )
    db.session.commit()
    return {
        "incoming": incoming.id,
        "root": root.id,
        "token": token.id,
        "endpoint": endpoint.id,
        "delivery": db.session.execute(select(WebhookDelivery.id)).scalars().first(),
        "notification": db.session.execute(select(Notification.id)).scalars().first(),
        "reset_link": None,
    }


def _index_ids(stc: Agency, own: Task) -> dict[str, int]:
    """The demo has no index register: a 5016-style PAR lĩnh vực with a criterion Sở Tài
    chính tracks, a quarter's result and a target on the officer's task (issue 16)."""
    from decimal import Decimal

    from tracker.indexes import services as index_services
    from tracker.indexes.importer import CriterionRow
    from tracker.indexes.models import IndexCriterion, ScoreIndex
    from tracker.targets import services as target_services

    index_services.import_rows(
        [
            CriterionRow(2, "PAR", "6", "Cải cách tài chính công", Decimal(10), None, stc.id),
            CriterionRow(3, "PAR", "6.1", "Giải ngân vốn đầu tư công", Decimal(3), None, stc.id),
        ]
    )
    criterion = db.session.execute(
        select(IndexCriterion).where(IndexCriterion.code == "6.1")
    ).scalar_one()
    officer = db.session.execute(
        select(User).where(User.email == ACCOUNTS["officer_own"])
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
    target_services.set_targets(own, "ít nhất 05 giải pháp", "Xây dựng kế hoạch")
    index_id = db.session.execute(select(ScoreIndex.id)).scalar_one()
    db.session.commit()
    return {"index": index_id, "criterion": criterion.id}


def _pages(role: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page the role may open."""
    pages = []
    adapter = _adapter()
    for rule in RULES:
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or _is_a_file(rule.rule):
            continue
        if rule.rule.startswith("/api/"):  # JSON for programs, by token (tests/api)
            continue
        policy = POLICY[rule.endpoint]
        if role not in policy.ok:
            continue
        values = {}
        for arg in rule.arguments:
            key = {
                "task_id": policy.task,
                "directive_id": "directive",
                "agency_id": "agency",
                "user_id": "user",
                "email_id": "email",
                "request_id": "extension",
                "period_id": "period",
                "exception_id": "exception",
                "root_id": "root",
                "token_id": "token",
                "endpoint_id": "endpoint",
                "delivery_id": "delivery",
                "notification_id": "notification",
                "incoming_id": "incoming",
                "token": "reset_link",  # a password-reset link is signed: none to open here
                "index_id": "index",
                "criterion_id": "criterion",
            }[arg]
            values[arg] = ids[key]
        if any(v is None for v in values.values()):
            continue  # the demo has nothing of that kind (yet)
        pages.append((rule.endpoint, adapter.build(rule.endpoint, values)))
    return pages


def _adapter():
    from tests.security.test_authorization_matrix import _APP

    return _APP.url_map.bind("localhost")


@pytest.fixture(scope="module")
def demo_site(database_url, tmp_path_factory):
    """The demo province served over HTTP for the whole module (the sweep changes nothing)."""
    app = create_app(
        make_config(database_url, tmp_path_factory.mktemp("a11y"), WTF_CSRF_ENABLED=True)
    )
    with app.app_context():
        _empty_tables()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app, _ids(app)
    server.shutdown()
    thread.join(10)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Sweep:
    """One role's context: visits pages, runs axe, measures the width, keeps the findings."""

    def __init__(self, browser, app, role: str):
        from axe_playwright_python.base import AXE_SCRIPT

        self.context = browser.new_context(
            base_url=app.config["LIVE_URL"], locale="vi-VN", viewport=DESKTOP
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        # the package's axe-core, given to every page of the context as it is created (once,
        # instead of sending half a megabyte of script over the wire for each page)
        self.context.add_init_script(script=AXE_SCRIPT)
        self.page = self.context.new_page()
        self.failed_resources: list[str] = []
        self.page.on(
            "response",
            lambda r: (
                self.failed_resources.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        self.problems: list[str] = []
        self.folder = ARTIFACTS / "a11y" / role
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.shots = 0

    def check(self, what: str) -> None:
        """axe at desktop width, then the sideways scroll at 390 px; a screenshot of each."""
        page = self.page
        page.set_viewport_size(DESKTOP)
        violations = page.evaluate(AXE_RUN)
        for v in violations:
            if v["impact"] in BLOCKING:
                targets = [n["target"] for n in v["nodes"]][:3]
                self.problems.append(f"{what}: axe {v['impact']} {v['id']} {targets}")
        self._shot(what, "desktop")
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate(
                """w => Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > w + 1)
                    .filter(e => !e.closest('.table-wrap'))
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
                PHONE["width"],
            )
            self.problems.append(f"{what}: {width}px wide at 390px ({wide})")
        self._shot(what, "390")
        if self.failed_resources:
            self.problems.append(f"{what}: failed resources {self.failed_resources}")
            self.failed_resources.clear()

    def _shot(self, what: str, width: str) -> None:
        """Each page once (by the first role that opens it), at both widths: a reviewer's set,
        and half the time of shooting every page for every role."""
        if (what, width) in SHOT:
            return
        SHOT.add((what, width))
        self.shots += 1
        name = re.sub(r"[^\w.-]+", "_", what)[:80]
        self.page.screenshot(path=str(self.folder / f"{self.shots:03d}-{name}-{width}.png"))

    def close(self) -> None:
        self.context.close()


def _login(page, email: str) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORDS[email])
    page.click('button[type="submit"]')
    page.wait_for_url(re.compile(r"/dashboard"))


def _submit_empty(page, button: str) -> bool:
    """Empty the form's text fields and submit it: the page comes back with its errors."""
    target = page.locator(button).first
    if target.count() == 0:
        return False
    target.evaluate(
        """b => b.form.querySelectorAll(
            'input[type=text], input[type=email], input[type=password], input[type=number],'
            + 'input:not([type]), textarea').forEach(e => { e.value = ''; })"""
    )
    with page.expect_navigation():
        target.click()
    return True


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_is_accessible_and_fits_a_phone(browser, demo_site, role):
    app, ids = demo_site
    sweep = Sweep(browser, app, role)
    page = sweep.page
    try:
        if role == "office_admin":  # the login page, plain and with a wrong password
            page.goto("/login")
            sweep.check("login")
            page.fill('input[name="email"]', ACCOUNTS[role])
            page.fill('input[name="password"]', "sai-mat-khau")
            page.click('button[type="submit"]')
            sweep.check("login-error")
        _login(page, ACCOUNTS[role])
        pages = _pages(role, ids)
        assert len(pages) >= 8, pages
        for endpoint, url in pages:
            response = page.goto(url)
            assert response is not None and response.status < 400, (role, url, response.status)
            sweep.check(f"{endpoint} {url}")
            # a form's error state is the same template for every role: checked once, by the
            # first role that opens it (the office staff's forms are the admin's)
            if endpoint in FORMS and endpoint not in ERROR_STATES:
                if _submit_empty(page, FORMS[endpoint]):
                    ERROR_STATES.add(endpoint)
                    sweep.check(f"{endpoint} {url} error-state")
        if role == "office_admin":  # the extraction review exists only as the answer to a POST
            page.goto("/directives/extract/")
            page.fill('textarea[name="text"]', NOTICE.read_text(encoding="utf-8"))
            with page.expect_navigation():
                page.locator("main form button.primary").first.click()
            page.wait_for_selector(".proposal")
            sweep.check("extraction.review")
            # the public page exists only once the administrator turns it on (off again after)
            page.goto("/cong-khai/cai-dat")
            page.check('input[name="enabled"]')
            with page.expect_navigation():
                page.locator("main form button.primary").first.click()
            response = page.goto("/cong-khai?year=2025&period=Y")
            assert response is not None and response.status == 200
            sweep.check("public.page")
            page.goto("/cong-khai/cai-dat")
            page.uncheck('input[name="enabled"]')
            with page.expect_navigation():
                page.locator("main form button.primary").first.click()
            assert page.goto("/cong-khai").status == 404
        assert not sweep.problems, "\n".join(sweep.problems)
    finally:
        sweep.close()
