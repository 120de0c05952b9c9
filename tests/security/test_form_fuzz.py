"""Every form of the app, posted with fields dropped and garbage values: never a 500 (issue 14).

The forms are found, not listed: every page a role can open in the fixture world is read, and
each `<form method="post">` gives its action and its fields with the values the page filled
in. Every POST route of `app.url_map` must be reached by at least one form or by the direct
posts below (the test says which is missing). Each form is then posted

* as the page filled it, minus one field (each field in turn);
* with every field set to one garbage value (for each value of GARBAGE);
* empty.

Expected: anything below 500 — a 4xx, a redirect, or the page again with a message.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import make_config
from tests.world import client_as, rebuild
from tracker import create_app
from tracker.extensions import db

GARBAGE = [
    "",
    "-1",
    "999999999999",
    "fanout-abc",
    "31/02/2025",
    "x" * 3000 + " 𝕏 \u202e <b>",
]

#: pages whose forms are posted, per role; {own} etc. are ids of the fixture world
PAGES = {
    "office_admin": [
        "/dashboard",
        "/admin",
        "/users",
        "/users/new",
        "/users/{user}/edit",
        "/users/{user}/password",
        "/agencies/",
        "/agencies/new",
        "/agencies/{agency}/edit",
        "/agencies/import",
        "/directives/",
        "/directives/new",
        "/directives/{directive}",
        "/directives/{directive}/edit",
        "/directives/{directive}/tasks/new",
        "/directives/extract/",
        "/tasks/{own}",
        "/tasks/{own}/edit",
        "/tasks/{own}/complete",
        "/tasks/{periodic}",
        "/tasks/{via}",
        "/extensions",
        "/extensions/{extension}",
        "/calendar",
        "/settings/periods",
        "/outbox",
        "/outbox/{email}",
        "/directives/{directive}/delete",
        "/tasks/{own}/delete",
        "/tasks/{periodic}/periods/{period}/submit",
        "/reminders/settings",
        "/reports/settings",
        "/settings/sessions",
        "/account",
        "/account/tokens",
        "/admin/trusted-roots",
        "/admin/trusted-roots/{root}/delete",
        "/agencies/{agency}/rename",
        "/agencies/{agency}/merge",
        "/notifications/",
        "/tasks/import",
        "/webhooks/new",
        "/webhooks/{endpoint}/edit",
        "/webhooks/{endpoint}/delete",
        "/webhooks/deliveries",
        "/agencies/{agency}/calendar",
        "/letters/new?agency={agency}",
        "/tasks/{own}/targets",
        "/indexes/import",
        "/indexes/{index}",
        "/indexes/criteria/{criterion}/assess",
        "/acceptance/",  # chờ xác nhận: accept, return, the setting (issue 16)
        "/tasks/{co}",  # the task page's acceptance panel
        "/inbox/{incoming}",
        "/inbox/{incoming}/discard",
        "/account/calendar",
        "/cong-khai/cai-dat",
    ],
    "officer_own": [
        "/tasks/{own}",
        "/tasks/{own}/complete",
        "/tasks/{own}/extensions/new",
        "/tasks/{periodic}",
        "/tasks/{periodic}/periods/{period}/submit",
        "/account",
        "/account/tokens",
        "/account/tokens/{token}/revoke",
        "/agencies/{agency}/calendar",  # its own agency's calendar address
        "/indexes/criteria/{criterion}/assess",  # a criterion Sở Tài chính tracks
        "/account/calendar",  # its own calendar address
        "/tasks/{own}/giao-xu-ly",
    ],
}
#: POSTs that no page shows as a form in the fixture world (or whose form is built by script)
DIRECT = {
    "office_admin": [
        (
            "/directives/extract/review",
            ["action", "number", "kind", "issued_on", "tasks-0-content"],
        ),
        ("/agencies/import/confirm", ["rows"]),
        ("/login", ["email", "password"]),
        ("/password/forgot", ["email"]),
        ("/tasks/{own}/reopen", ["reason"]),
        ("/tasks/{periodic}/periods/{period}/reopen", ["reason"]),
        ("/tasks/import/confirm", ["only_valid"]),  # its form needs a previewed file
        ("/webhooks/deliveries/{delivery}/resend", []),  # shown for a failed delivery only
        # shown only for an overdue / excused obligation
        ("/acceptance/tasks/{own}/excuse", ["reason", "period_id"]),
        ("/acceptance/tasks/{own}/unexcuse", ["period_id"]),
    ],
    # the "thu hồi" button is shown only once the task has been handed on
    "officer_own": [("/tasks/{own}/giao-xu-ly/xoa", [])],
}


class Forms(HTMLParser):
    """The POST forms of a page: (action, [(name, value)])."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._fields.append((name, ""))  # known field, unchecked
            elif kind != "file":
                self._fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
            self._select_at = len(self._fields)
            self._select_chosen = False
            self._fields.append((name, ""))
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if "selected" in a or (
                not self._select_chosen and not self._fields[self._select_at][1]
            ):
                self._fields[self._select_at] = (self._select, value)
                self._select_chosen = self._select_chosen or "selected" in a
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields.append((name, ""))
        elif tag == "button" and name:
            self._fields.append((name, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea and self._fields:
            name, value = self._fields[-1]
            self._fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str, page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = Forms()
    parser.feed(html)
    return [(urlsplit(action).path or urlsplit(page).path, f) for action, f in parser.forms]


def _variants(fields: list[tuple[str, str]]):
    names = sorted({n for n, _v in fields if n != "csrf_token"})
    yield "empty", []
    for name in names:
        yield f"without {name}", [(n, v) for n, v in fields if n != name]
    for value in GARBAGE:
        yield f"all = {value[:20]!r}", [(n, value) for n in names]


_APP = create_app(make_config("sqlite://", Path("/nonexistent")))
#: the REST API takes JSON, not forms: its bad bodies are tested in tests/api (422 problem+json)
POST_RULES = sorted(
    {
        r.rule
        for r in _APP.url_map.iter_rules()
        if "POST" in (r.methods or ()) and not r.rule.startswith("/api/")
    }
)


def _rule_of(path: str) -> str | None:
    adapter = _APP.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="POST")
    except Exception:  # noqa: BLE001 - a form posting elsewhere (not this app)
        return None
    return next(r.rule for r in _APP.url_map.iter_rules() if r.endpoint == endpoint)


@pytest.fixture(scope="module")
def fuzz_app(database_url, tmp_path_factory):
    app = create_app(make_config(database_url, tmp_path_factory.mktemp("fuzz")))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _targets(app, role: str) -> dict[str, list[tuple[str, str]]]:
    ids = rebuild(app)
    client = client_as(app, role)
    targets: dict[str, list[tuple[str, str]]] = {}
    for template in PAGES[role]:
        page = template.format(**ids)
        response = client.get(page)
        if response.status_code != 200:
            continue
        for action, fields in forms_of(response.get_data(as_text=True), page):
            if action != "/logout":
                targets.setdefault(action, fields)
    for path, names in DIRECT.get(role, []):
        targets.setdefault(path.format(**ids), [(n, "") for n in names])
    targets[_fresh_token(app, "/password/reset/")] = [("password", ""), ("confirm", "")]
    return targets


def _fresh_token(app, action: str) -> str:
    """A reset link for the leader's account (a reset or a rebuild ends the previous one)."""
    if not action.startswith("/password/reset/"):
        return action
    from sqlalchemy import select

    from tracker.auth.models import User
    from tracker.auth.services import reset_token

    with app.test_request_context():
        user = db.session.execute(
            select(User).where(User.email == "lanhdao@tinh.gov.vn")
        ).scalar_one()
        token = reset_token(user)
        db.session.remove()
    return f"/password/reset/{token}"


def test_every_form_survives_dropped_fields_and_garbage(fuzz_app):
    app = fuzz_app
    failures, reached = [], set()
    for role in sorted(PAGES):
        targets = _targets(app, role)
        reached |= {_rule_of(action) for action in targets}
        client = client_as(app, role)
        for action, fields in sorted(targets.items()):
            for label, data in _variants(fields):
                response = client.post(action, data=MultiDict(data))
                status = response.status_code
                location = response.headers.get("Location", "")
                response.close()
                if status >= 500:
                    failures.append(f"{role} POST {action} {label}: {status}")
                if status in (302, 303) and (
                    "/login" in location
                    or "/password/" in location
                    or any(word in action for word in ("delete", "deactivate", "password"))
                    or action == "/account"
                ):
                    # it deleted what the next posts need (a rebuilt world has the same ids)
                    # or ended the session (a new password)
                    rebuild(app)
                    client = client_as(app, role)
                    action = _fresh_token(app, action)
    assert not failures, "\n".join(failures)
    # a new POST route must be reachable by the fuzz: a page in PAGES or a DIRECT post
    missing = [r for r in POST_RULES if r not in reached and r != "/logout"]
    assert not missing, "POST routes no form of the fuzz reaches: " + ", ".join(missing)


# -- the three crafted POSTs of the probe, each on its own (500 before issue 14) -----------


def test_an_agency_edit_without_its_lists_keeps_them(app, world):
    from tracker.agencies.models import Agency

    client = client_as(app, "office_staff")
    with app.app_context():
        before = {a.name for a in db.session.get(Agency, world["agency"]).aliases}
    response = client.post(
        f"/agencies/{world['agency']}/edit", data={"name": "Sở Tài chính", "kind": "department"}
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        assert {a.name for a in db.session.get(Agency, world["agency"]).aliases} == before


@pytest.mark.parametrize("action", ["fanout-abc", "fanout-999", "fanout--1", "fanout-"])
def test_a_crafted_fan_out_is_a_message(app, world, action):
    client = client_as(app, "office_staff")
    response = client.post(
        "/directives/extract/review",
        data={"action": action, "number": "1/TB", "tasks-0-content": "Một nhiệm vụ"},
    )
    assert response.status_code == 422
    assert "Không tìm thấy nhiệm vụ cần tách" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "rows",
    [
        '[{"line": 2, "name": 123}]',
        '[{"line": 2, "name": null}]',
        '[{"line": "x", "name": "A"}]',
        '["abc"]',
        '{"line": 2}',
        '[{"line": 2, "name": "A", "aliases": "abc"}]',
        '[{"line": 2, "name": {"a": 1}}]',
    ],
)
def test_a_crafted_import_confirmation_is_refused(app, world, rows):
    from sqlalchemy import func, select

    from tracker.agencies.models import Agency

    with app.app_context():
        before = db.session.execute(select(func.count(Agency.id))).scalar_one()
    response = client_as(app, "office_staff").post("/agencies/import/confirm", data={"rows": rows})
    assert response.status_code in (302, 400)
    with app.app_context():
        after = db.session.execute(select(func.count(Agency.id))).scalar_one()
    assert after == before or rows == '[{"line": 2, "name": 123}]'
