"""Every route × every role, generated from `app.url_map` and checked against a policy table.

For each rule (static files aside) and each role — anonymous, office_admin, office_staff, an
officer of the task's lead agency, an officer of another agency, a leader — the test sends a GET
and, for POST rules, a POST with empty data, with the URL's parameters filled from a fixture
world. Expected:

* anonymous → a redirect to /login (public pages aside);
* not allowed → 403, or 404 for another agency's task (whose content must not appear), and a
  refused POST changes no row anywhere;
* allowed → anything but 403/404/5xx and the login page.

API routes (`/api/v1`, `Rule(api=True)`) are called with each role's personal token
(`Authorization: Bearer`) instead of a session: anonymous (no token) → 401 problem+json, and a
logged-in browser session without a token → 401 as well (cookies never authenticate the API).

A route missing from POLICY fails the test with a message saying how to classify it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.conftest import make_config
from tests.world import EMAILS, ROLES, client_as, rebuild, row_counts
from tracker import create_app
from tracker.extensions import db

OK, FORBIDDEN, NOT_FOUND, LOGIN, UNAUTHORIZED = "ok", 403, 404, "login", 401
OFFICE = frozenset({"office_admin", "office_staff"})
USERS = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Rule:
    """Who may: `ok` roles succeed, `not_found` get 404, the others 403 (anonymous: login)."""

    ok: frozenset[str]
    not_found: frozenset[str] = frozenset()
    anonymous: str = LOGIN
    #: which fixture object fills <task_id> (see tests/security/conftest.py)
    task: str = "own"
    #: which attachment fills <attachment_id>
    attachment: str = "task_file"
    #: an allowed request may end on the login page (logging out)
    ends_at_login: bool = False
    #: an /api/v1 route: each role calls it with its personal token; no token → 401
    api: bool = False

    def expect(self, role: str):
        if role == "anonymous":
            if self.anonymous in (OK, NOT_FOUND):
                return self.anonymous
            return UNAUTHORIZED if self.api else LOGIN
        if role in self.ok:
            return OK
        if role in self.not_found:
            return NOT_FOUND
        return FORBIDDEN


PUBLIC = Rule(ok=USERS, anonymous=OK)
EVERYONE = Rule(ok=USERS)
OFFICE_ONLY = Rule(ok=OFFICE)
ADMIN_ONLY = Rule(ok=frozenset({"office_admin"}))
READERS = Rule(ok=OFFICE | {"leader"})
#: a task's page: whoever may see the task; another agency's officer gets 404
TASK_READ = Rule(ok=OFFICE | {"leader", "officer_own"}, not_found=frozenset({"officer_other"}))
#: writes by the task's agency or the office (progress, completion, a period's report)
TASK_AGENCY_WRITE = Rule(ok=OFFICE | {"officer_own"}, not_found=frozenset({"officer_other"}))
#: office decisions on a task (the role check comes before the task is looked up: 403)
TASK_OFFICE = Rule(ok=OFFICE)


def api(rule: Rule, public: bool = False) -> Rule:
    """The same policy for a token of each role (see the module's docstring)."""
    return replace(rule, api=True, anonymous=OK if public else LOGIN)


POLICY: dict[str, Rule] = {
    "main.index": EVERYONE,
    "main.dashboard": EVERYONE,
    "main.admin": OFFICE_ONLY,  # registries and settings gathered on one page
    "auth.login": PUBLIC,
    "auth.logout": Rule(ok=USERS, ends_at_login=True),
    "auth.users": ADMIN_ONLY,
    "auth.user_new": ADMIN_ONLY,
    "auth.user_edit": ADMIN_ONLY,
    "auth.user_password": ADMIN_ONLY,
    "auth.account": EVERYONE,  # one's own account: change the password
    "auth.forgot_password": PUBLIC,  # ask for a reset link (logged in: sent to /account)
    "auth.reset_password": PUBLIC,  # the emailed link; the token is the credential
    "auth.session_settings": ADMIN_ONLY,  # idle and absolute session lifetimes
    "agencies.index": OFFICE_ONLY,
    "agencies.search_json": EVERYONE,  # the pickers of every form
    "agencies.new": OFFICE_ONLY,
    "agencies.edit": OFFICE_ONLY,
    "agencies.deactivate": OFFICE_ONLY,
    "agencies.import_file": OFFICE_ONLY,
    "agencies.import_confirm": OFFICE_ONLY,
    "tasks.import_file": OFFICE_ONLY,  # upload and preview of a task spreadsheet
    "tasks.import_confirm": OFFICE_ONLY,
    "tasks.import_template": OFFICE_ONLY,
    "agencies.merge": OFFICE_ONLY,  # preview and confirmation of a merge
    "agencies.rename": OFFICE_ONLY,
    # the journal shows every account's and agency's changes: the office only; leaders read
    # each task's history on the task page
    "audit.index": OFFICE_ONLY,
    "audit.export_csv": OFFICE_ONLY,
    "directives.index": READERS,
    "directives.show": READERS,
    "directives.new": OFFICE_ONLY,
    "directives.edit": OFFICE_ONLY,
    "directives.delete": OFFICE_ONLY,
    "directives.new_task": OFFICE_ONLY,
    "extraction.paste": OFFICE_ONLY,
    "extraction.review": OFFICE_ONLY,
    # the document system's inbox (Văn bản đến chờ xử lý): the office's work only
    "extraction.from_incoming": OFFICE_ONLY,
    "inbox.index": OFFICE_ONLY,
    "inbox.show": OFFICE_ONLY,
    "inbox.download": OFFICE_ONLY,
    "inbox.discard": OFFICE_ONLY,
    "api.post_inbox": api(OFFICE_ONLY),
    "api.inbox_document": api(OFFICE_ONLY),
    "tasks.index": EVERYONE,  # filtered to what each user may see
    "tasks.show": TASK_READ,
    "tasks.progress": TASK_AGENCY_WRITE,
    "tasks.complete": TASK_AGENCY_WRITE,  # the lead agency (officer_own leads `own`)
    # direction (leaders, the office) or a comment (the task's agencies): whoever sees the task
    "comments.post": TASK_READ,
    "tasks.reopen": TASK_OFFICE,
    "tasks.cancel": TASK_OFFICE,
    "tasks.edit": TASK_OFFICE,
    "tasks.delete": TASK_OFFICE,
    "files.download": TASK_READ,
    "reminders.outbox": OFFICE_ONLY,
    "reminders.outbox_show": OFFICE_ONLY,
    "reminders.outbox_html": OFFICE_ONLY,
    "reminders.outbox_resend": OFFICE_ONLY,
    "reminders.settings": OFFICE_ONLY,
    "reminders.toggle_pause": TASK_OFFICE,
    # only the lead agency asks for more time; the office decides
    "deadlines.request_extension": Rule(
        ok=frozenset({"officer_own"}), not_found=frozenset({"officer_other"})
    ),
    "deadlines.extensions": OFFICE_ONLY,
    "deadlines.decide": OFFICE_ONLY,
    "deadlines.submit_period": Rule(
        ok=OFFICE | {"officer_own"}, not_found=frozenset({"officer_other"}), task="periodic"
    ),
    "deadlines.reopen_period": Rule(ok=OFFICE, task="periodic"),
    "deadlines.open_task_periods": Rule(ok=OFFICE, task="periodic"),
    # the via agency (Sở Nội vụ) or the office records the consolidated report; the lead may not
    "deadlines.via_done": Rule(ok=OFFICE, not_found=frozenset({"officer_other"}), task="via"),
    "deadlines.calendar": OFFICE_ONLY,
    "deadlines.delete_calendar_day": OFFICE_ONLY,
    "deadlines.period_settings": OFFICE_ONLY,
    # acceptance of a completion (issue 16): the office's list, setting and decisions
    "acceptance.index": OFFICE_ONLY,
    "acceptance.setting": OFFICE_ONLY,
    "acceptance.accept": OFFICE_ONLY,
    "acceptance.return_claim": OFFICE_ONLY,
    "acceptance.excuse": TASK_OFFICE,
    "acceptance.unexcuse": TASK_OFFICE,
    "reports.period": READERS,
    "reports.drill_down": READERS,
    "reports.appendix": READERS,
    "reports.print_view": READERS,
    "reports.export": READERS,
    "reports.overdue_export": EVERYONE,  # filtered to what each user may see
    "reports.settings": OFFICE_ONLY,
    # an agency's own period report and its rank (an officer: its own agency only)
    "reports.agency_report": EVERYONE,  # minimum sample and data ranges of the period report
    # everyone has a list (filtered to their audience); <notification_id> is the office's
    # notification of the world's extension request: anyone else gets 404, as for a task
    # signed PDFs: the office manages the trusted roots and re-verifies a stored PDF
    "signing.roots": OFFICE_ONLY,
    "signing.delete_root": OFFICE_ONLY,
    "signing.reverify_attachment": OFFICE_ONLY,
    "notifications.index": EVERYONE,
    "notifications.mark_all_read": EVERYONE,
    "notifications.mark_read": Rule(
        ok=OFFICE, not_found=frozenset({"officer_own", "officer_other", "leader"})
    ),
    # the profile page's API tokens: one's own only (someone else's token is 404)
    "account.tokens": EVERYONE,
    "account.revoke_token": Rule(ok=frozenset({"officer_own"}), not_found=USERS - {"officer_own"}),
    # the REST API: the pages' rules, through personal tokens
    "api.tasks": api(EVERYONE),  # filtered to what each token's user may see
    "api.task": api(TASK_READ),
    "api.directives": api(READERS),
    "api.directive": api(READERS),
    "api.agencies": api(EVERYONE),
    "api.attachment": api(TASK_READ),  # the own task's file: as /files/<id>
    "api.post_progress": api(TASK_AGENCY_WRITE),
    "api.post_completion": api(TASK_AGENCY_WRITE),
    "api.post_extension_request": api(
        Rule(ok=frozenset({"officer_own"}), not_found=frozenset({"officer_other"}))
    ),
    "api.post_extension_decision": api(OFFICE_ONLY),
    "api.openapi": api(PUBLIC, public=True),  # the description of the API
    "api.docs": api(PUBLIC, public=True),
    # webhooks: endpoints (with their secrets) and the delivery log are the office's
    "webhooks.index": OFFICE_ONLY,
    "webhooks.new": OFFICE_ONLY,
    "webhooks.edit": OFFICE_ONLY,
    "webhooks.delete": OFFICE_ONLY,
    "webhooks.deliveries": OFFICE_ONLY,
    "webhooks.resend": OFFICE_ONLY,
    # calendar feeds: the address's token is the credential (calendar applications cannot log
    # in), so the feed is public with the world's live token; a wrong one is 404 (tests/feeds)
    "feeds.calendar": PUBLIC,
    # a new address for an agency: the office, or the agency's own officers
    "feeds.agency_calendar": Rule(ok=OFFICE | {"officer_own"}),
    # reminder letters for the chairman to sign: the office drafts them; leaders may read and
    # download them; agencies receive them signed, through the document system (403 here)
    "letters.new": OFFICE_ONLY,
    "letters.index": READERS,
    "letters.download": READERS,
    "letters.download_batch": READERS,
    # chỉ tiêu: the office sets a task's targets; the task's agencies (or the office) report
    "targets.edit": TASK_OFFICE,
    "targets.report": TASK_AGENCY_WRITE,
    # the index register: everyone has a list (an agency: the criteria it tracks); the office
    # imports and records the province's result; leaders read the reports
    "indexes.index": EVERYONE,
    "indexes.import_file": OFFICE_ONLY,
    "indexes.report": READERS,
    "indexes.area": READERS,
    "indexes.export": READERS,
    "indexes.area_export": READERS,
    "indexes.save_result": OFFICE_ONLY,
    # the agency that tracks the criterion (Sở Tài chính in the world) or the office
    "indexes.assess": Rule(ok=OFFICE | {"officer_own"}),
    "indexes.tag_task": TASK_OFFICE,
    # one's own calendar address (what it lists follows the role)
    "feeds.user_calendar": EVERYONE,
    # giao xử lý inside an agency: only the task's lead or co-agency hands it on (the office and
    # leaders see it on the task page); each agency lists its own hand-overs
    "subassign.edit": Rule(ok=frozenset({"officer_own"}), not_found=frozenset({"officer_other"})),
    "subassign.clear": Rule(ok=frozenset({"officer_own"}), not_found=frozenset({"officer_other"})),
    "subassign.index": Rule(ok=frozenset({"officer_own", "officer_other"})),
    # the public page (công khai) is off until the office turns it on: 404 for everyone, logged
    # in or not (tests/public has it on); only the administrator switches it
    "public.page": Rule(ok=frozenset(), not_found=USERS, anonymous=NOT_FOUND),
    "public.settings": ADMIN_ONLY,
}

#: URL argument → the fixture id that fills it (tasks and attachments depend on the rule)
ARGUMENTS = {
    "directive_id": "directive",
    "agency_id": "agency",
    "user_id": "user",
    "email_id": "email",
    "request_id": "extension",
    "claim_id": "claim",
    "period_id": "period",
    "exception_id": "exception",
    "notification_id": "notification",
    "root_id": "root",
    "token_id": "token",
    "endpoint_id": "endpoint",
    "delivery_id": "delivery",
    "calendar_token": "calendar_token",
    "letter_id": "letter",
    "batch": "letter_batch",
    "index_id": "index",
    "criterion_id": "criterion",
    "incoming_id": "incoming",
}

_APP = create_app(make_config("sqlite://", Path("/nonexistent")))
RULES = sorted(
    (r for r in _APP.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
)


def _unclassified() -> list[str]:
    return sorted({r.endpoint for r in RULES} - set(POLICY))


def test_every_route_is_classified():
    missing = _unclassified()
    assert not missing, (
        "These routes are not in the authorization policy: "
        + ", ".join(missing)
        + ". Add each to POLICY in tests/security/test_authorization_matrix.py with the roles "
        "allowed to use it (PUBLIC, EVERYONE, OFFICE_ONLY, ADMIN_ONLY, READERS, TASK_READ, "
        "TASK_AGENCY_WRITE, TASK_OFFICE or a Rule of its own)."
    )


def test_the_policy_names_no_route_that_is_gone():
    assert not set(POLICY) - {r.endpoint for r in RULES}


def build_url(rule, policy: Rule, ids: dict[str, int]) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "fmt":
            values[arg] = "xlsx"
        elif arg == "token":
            values[arg] = "not-a-valid-token"
        elif arg == "task_id":
            values[arg] = ids[policy.task]
        elif arg == "attachment_id":
            values[arg] = ids[policy.attachment]
        elif arg in ARGUMENTS:
            values[arg] = ids[ARGUMENTS[arg]]
        else:
            pytest.fail(
                f"{rule.endpoint}: no fixture value for URL argument <{arg}>; add it to ARGUMENTS "
                "and to build_world() in tests/security/conftest.py"
            )
    return _APP.url_map.bind("localhost").build(rule.endpoint, values)


def check(response, expected, role: str, what: str, secret: str | None, policy: Rule) -> None:
    status = response.status_code
    location = response.headers.get("Location", "")
    body = response.get_data().decode("utf-8", errors="replace")
    if expected == UNAUTHORIZED:
        assert status == 401, f"{what}: {role} got {status}, expected 401"
        assert response.mimetype == "application/problem+json"
    elif expected == LOGIN:
        assert status == 302 and "/login" in location, f"{what}: anonymous got {status} {location}"
    elif expected == OK:
        assert status < 500 and status not in (401, 403, 404), f"{what}: {role} got {status}"
        if not policy.ends_at_login:
            assert "/login" not in location, f"{what}: {role} was sent to the login page"
    else:
        assert status == expected, f"{what}: {role} got {status}, expected {expected}"
        assert "Traceback" not in body
    if expected == NOT_FOUND and secret:
        assert secret not in body, f"{what}: {role} saw the content of another agency's task"


def _task_content(app, task_id: int) -> str:
    from tracker.extensions import db
    from tracker.tasks.models import Task

    with app.app_context():
        content = db.session.get(Task, task_id).content
        db.session.remove()
    return content


class TokenClient:
    """A test client that sends a role's personal API token with every request."""

    def __init__(self, app, role: str):
        self.client = app.test_client()
        self.headers = {}
        if role != "anonymous":
            from tracker.api.services import create_token
            from tracker.auth.models import User

            with app.app_context():
                user = db.session.execute(
                    db.select(User).where(User.email == EMAILS[role])
                ).scalar_one()
                _row, secret = create_token(user, name="matrix")
                db.session.commit()
                db.session.remove()
            self.headers = {"Authorization": f"Bearer {secret}"}

    def open(self, url: str, method: str = "GET", data=None, **kwargs):
        return self.client.open(url, method=method, data=data, headers=self.headers, **kwargs)


def client_for(app, role: str, policy: Rule):
    """The session client of `role`, or its token client for an API route."""
    return TokenClient(app, role) if policy.api else client_as(app, role)


class Matrix:
    """One app and world for the whole matrix; rebuilt only after a request changed it."""

    def __init__(self, app):
        self.app = app
        self.ids = rebuild(app)
        self.clients: dict[tuple[str, bool], object] = {}

    def client(self, role: str, policy: Rule = EVERYONE):
        key = (role, policy.api)
        if key not in self.clients:
            self.clients[key] = client_for(self.app, role, policy)
        return self.clients[key]

    def tokens_ready(self) -> None:
        """Create every token before counting rows (a token is a row)."""
        for role in ROLES:
            self.client(role, Rule(ok=USERS, api=True))

    def reset(self) -> None:
        self.ids = rebuild(self.app)
        self.clients.clear()


@pytest.fixture(scope="module")
def matrix(database_url, tmp_path_factory):
    app = create_app(make_config(database_url, tmp_path_factory.mktemp("matrix")))
    yield Matrix(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


#: endpoints after which the world is rebuilt even when no row count changed (a session ends,
#: a new calendar address replaces the world's one in place)
RESETS = ("auth.logout", "auth.login", "feeds.agency_calendar", "feeds.user_calendar")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.endpoint}")
def test_route_permissions(matrix, rule):
    policy = POLICY.get(rule.endpoint)
    if policy is None:
        pytest.fail(
            f"{rule.endpoint} ({rule.rule}) is not in POLICY: classify it in "
            "tests/security/test_authorization_matrix.py"
        )
    app = matrix.app
    secret = _task_content(app, matrix.ids[policy.task]) if "task_id" in rule.arguments else None
    methods = [m for m in ("GET", "POST") if m in rule.methods]
    # refused requests first (they must change nothing), allowed ones last
    order = sorted(ROLES, key=lambda role: policy.expect(role) == OK)
    if policy.api:
        matrix.tokens_ready()
    for method in methods:
        for role in order:
            expected = policy.expect(role)
            url = build_url(rule, policy, matrix.ids)
            before = row_counts(app) if method == "POST" else None
            response = matrix.client(role, policy).open(
                url, method=method, data={} if method == "POST" else None
            )
            check(response, expected, role, f"{method} {url}", secret, policy)
            response.close()  # a download keeps its file open until then
            changed = before is not None and row_counts(app) != before
            assert not (changed and expected != OK), f"{method} {url} by {role} changed data"
            # a new calendar address revokes the world's one without adding a row
            if changed or rule.endpoint in RESETS:
                matrix.reset()  # the next request needs what this one deleted, or a session
                if policy.api:
                    matrix.tokens_ready()
    if policy.api and policy.anonymous != OK:
        # a logged-in browser without a token: the session cookie does not authenticate
        for method in methods:
            url = build_url(rule, policy, matrix.ids)
            before = row_counts(app)
            response = matrix.client("office_admin").open(
                url, method=method, data={} if method == "POST" else None
            )
            assert response.status_code == 401, (
                f"{method} {url} by a session: {response.status_code}"
            )
            assert row_counts(app) == before


@pytest.mark.parametrize(
    "attachment, allowed, hidden",
    [
        ("task_file", OFFICE | {"leader", "officer_own"}, {"officer_other"}),
        ("progress_file", OFFICE | {"leader", "officer_own"}, {"officer_other"}),
        ("period_file", OFFICE | {"leader", "officer_own"}, {"officer_other"}),
        ("other_file", OFFICE | {"leader", "officer_other"}, {"officer_own"}),
        # a directive's own file: where the directive is read (agency officers do not browse)
        ("directive_file", OFFICE | {"leader"}, {"officer_own", "officer_other"}),
    ],
)
def test_every_kind_of_attachment_follows_its_owner(app, world, attachment, allowed, hidden):
    for role in USERS:
        response = client_as(app, role).get(f"/files/{world[attachment]}")
        content = response.data
        response.close()
        if role in allowed:
            assert response.status_code == 200, (attachment, role)
            assert content.startswith(b"%PDF")
        else:
            assert role in hidden
            assert response.status_code == 404, (attachment, role, response.status_code)
    anonymous = client_as(app, "anonymous").get(f"/files/{world[attachment]}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


@pytest.mark.parametrize("task", ["other"])
def test_another_agencys_task_is_404_everywhere(app, world, task):
    """Every task route, with the other agency's task id: 404 and nothing of it shown."""
    content = _task_content(app, world[task])
    for rule in RULES:
        if "task_id" not in rule.arguments or rule.endpoint == "deadlines.submit_period":
            continue
        policy = POLICY[rule.endpoint]
        if policy.expect("officer_own") == FORBIDDEN:
            continue  # refused by role before any task is looked up
        url = build_url(rule, Rule(ok=policy.ok, task=task), world)
        client = client_for(app, "officer_own", policy)
        for method in [m for m in ("GET", "POST") if m in rule.methods]:
            response = client.open(url, method=method, data={} if method == "POST" else None)
            response.close()
            assert response.status_code == 404, (method, url, response.status_code)
            assert content not in response.get_data(as_text=True)


def test_an_officers_overdue_export_holds_only_its_agencys_tasks(app, world):
    import io

    from openpyxl import load_workbook

    own, other = _task_content(app, world["own"]), _task_content(app, world["other"])
    for role, mine, theirs in (("officer_own", own, other), ("officer_other", other, own)):
        response = client_as(app, role).get("/reports/overdue.xlsx")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        cells = {
            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
        }
        book.close()
        assert mine in cells and theirs not in cells, role
        csv = client_as(app, role).get("/reports/overdue.csv").get_data(as_text=True)
        assert mine in csv and theirs not in csv, role
