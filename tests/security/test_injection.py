"""HTML, SQL and spreadsheet-formula injection strings typed into every text field of every
form, and into every search box, come back escaped and harmless: the page renders, the text is
shown literally, the tables are still there, and the XLSX and CSV exports hold it as text."""

from __future__ import annotations

import csv
import io

import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from tests.world import client_as
from tracker.extensions import db
from tracker.reports.exports import FORMULA_TRIGGERS
from tracker.tasks.models import Task

#: formulas a spreadsheet would run from an export (OWASP "CSV Injection")
FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1+1)*cmd|' /C calc'!A0"]
PAYLOADS = [
    "<script>alert(1)</script>",
    "'; DROP TABLE task; --",
    '" onmouseover="x',
    *FORMULAS,
]
#: how a payload may NOT appear in any HTML page (raw, i.e. unescaped)
RAW = {
    "<script>alert(1)</script>": "<script>alert(1)</script>",
    "'; DROP TABLE task; --": None,  # harmless in HTML; checked in the database instead
    '" onmouseover="x': '" onmouseover="x',
    # harmless in HTML (escaped as any text); checked in the exports instead
    **dict.fromkeys(FORMULAS),
}
EXPORTS = [
    "/reports/export.xlsx?year=2025&period=Q3",
    "/reports/export.csv?year=2025&period=Q3",
    "/reports/export.csv?year=2025&period=Q3&sheet=detail",
    "/reports/overdue.xlsx",
    "/reports/overdue.csv",
    "/journal/journal.csv",
]


def assert_harmless(response, payload: str, where: str) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code < 500, f"{where}: {response.status_code}"
    raw = RAW[payload]
    if raw:
        assert raw not in html, f"{where}: the payload came back unescaped"
    return html


def export_cells(client, url: str) -> list[tuple[str, str]]:
    """(data type, text) of every text cell of an export; "f" marks a formula in a workbook."""
    response = client.get(url)
    assert response.status_code == 200, url
    if url.split("?")[0].endswith(".csv"):
        rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""))
        return [("csv", cell) for row in rows for cell in row]
    wb = load_workbook(io.BytesIO(response.data))
    return [
        (cell.data_type, cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def submit(client, url: str, data: dict, payload: str) -> str:
    response = client.post(url, data=data, follow_redirects=True)
    return assert_harmless(response, payload, f"POST {url}")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_form_and_search_box(app, world, payload):
    office = client_as(app, "office_admin")
    officer = client_as(app, "officer_own")
    p = payload
    stc = world["agency"]

    # directive, task, agency, user (office) — every text field carries the payload
    submit(
        office,
        "/directives/new",
        {
            "number": f"{p[:40]}/TB",
            "kind": "Thông báo",
            "issued_on": "01/08/2025",
            "issuer": p,
            "title": p,
            "full_text": p,
        },
        p,
    )
    submit(
        office,
        f"/directives/{world['directive']}/edit",
        {
            "number": "5016/TB-VPUBND",
            "kind": "Thông báo kết luận",
            "issued_on": "17/05/2025",
            "issuer": p,
            "title": p,
            "full_text": p,
        },
        p,
    )
    submit(
        office,
        f"/directives/{world['directive']}/tasks/new",
        {
            "content": p,
            "lead_agency_id": stc,
            "cadence": "none",
            "period_due_day": p[:10],
            "cadence_rule": p,
            "due_on": p,
        },
        p,
    )  # a bad date too: the form comes back
    submit(
        office,
        f"/directives/{world['directive']}/tasks/new",
        {"content": p, "lead_agency_id": stc, "cadence": "none", "due_on": "30/09/2025"},
        p,
    )
    submit(
        office,
        f"/tasks/{world['own']}/edit",
        {"content": p, "lead_agency_id": stc, "cadence": "none", "due_on": "15/08/2025"},
        p,
    )
    submit(
        office,
        "/agencies/new",
        {"name": f"Ban {p}", "short_name": p[:40], "kind": "department", "aliases": p, "emails": p},
        p,
    )  # a bad email: refused with the form kept
    submit(
        office,
        "/agencies/new",
        {"name": f"Ban {p}", "short_name": p[:40], "kind": "department", "aliases": p},
        p,
    )
    submit(
        office,
        "/users/new",
        {"email": p, "full_name": p, "role": "leader", "password": "mat-khau-dai-123"},
        p,
    )
    submit(
        office,
        "/users/new",
        {
            "email": "inject@tinh.gov.vn",
            "full_name": p,
            "role": "leader",
            "password": "mat-khau-dai-123",
            "active": "y",
        },
        p,
    )
    submit(office, f"/agencies/{stc}/merge", {"new_id": stc, "on": p, "users": p}, p)
    submit(office, f"/agencies/{stc}/rename", {"new_name": f"Sở {p}"}, p)
    submit(office, f"/tasks/{world['co']}/cancel", {"reason": p}, p)
    submit(office, "/calendar", {"day": "24/10/2025", "kind": "off", "note": p}, p)
    submit(office, f"/extensions/{world['extension']}", {"decision": "refuse", "note": p}, p)

    # the agency's forms
    submit(officer, f"/tasks/{world['own']}/progress", {"body": p}, p)
    submit(
        officer,
        f"/tasks/{world['via']}/extensions/new",
        {"requested_due_on": "30/09/2025", "reason": p},
        p,
    )
    submit(
        officer,
        f"/tasks/{world['periodic']}/periods/{world['period']}/submit",
        {"report_number": p[:90], "note": p},
        p,
    )
    submit(
        officer,
        f"/tasks/{world['own']}/complete",
        {"report_number": p[:90], "report_date": "18/08/2025", "note": p},
        p,
    )

    # the login form
    submit(app.test_client(), "/login", {"email": p, "password": p}, p)

    # search boxes and filters, and every page that shows what was saved
    pages = [
        f"/tasks/?q={p}",
        f"/directives/?q={p}",
        f"/agencies/?q={p}",
        f"/users?q={p}",
        f"/dashboard?q={p}&due_from={p}",
        f"/reports/?year={p}&period={p}",
        f"/reports/tasks?metric={p}",
        "/tasks/",
        "/directives/",
        "/agencies/",
        "/users",
        f"/directives/{world['directive']}",
        f"/tasks/{world['own']}",
        f"/tasks/{world['co']}",
        f"/tasks/{world['via']}",
        f"/tasks/{world['periodic']}",
        "/extensions",
        "/calendar",
        "/dashboard",
        "/outbox",
        "/reports/?year=2025&period=Q3",
        "/reports/appendix?year=2025&period=Q3",
        "/reports/print?year=2025&period=Q3&detail=1",
        f"/journal/?kind={p}&object={p}&user={p}&date_from={p}&date_to={p}",
        "/journal/",
    ]
    shown = 0
    for url in pages:
        html = assert_harmless(office.get(url), p, f"GET {url}")
        shown += (
            ("&lt;script&gt;" in html)
            or ("&#39;; DROP TABLE" in html)
            or ("&#34; onmouseover" in html)
            or (str(escape(p)) in html)
        )
    assert shown >= 5  # the text is there, escaped
    for url in (f"/tasks/?q={p}", f"/tasks/{world['own']}", "/dashboard"):
        assert_harmless(officer.get(url), p, f"GET {url} (officer)")
    json_response = office.get(f"/agencies/search.json?q={p}")
    assert json_response.status_code == 200 and json_response.is_json

    # the exports: no formula cell in a workbook, no CSV cell a spreadsheet would run
    found = set()
    for url in EXPORTS:
        cells = export_cells(office, url)
        assert not [c for c in cells if c[0] == "f"], url
        assert not [c for c in cells if c[0] == "csv" and c[1].startswith(FORMULA_TRIGGERS)], url
        found |= {(kind == "csv", text) for kind, text in cells}
    if p in FORMULAS:  # the task's content is there, as typed (the CSV quoted)
        assert {(False, p), (True, "'" + p)} <= found

    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        assert {"task", "directive", "agency", "user_account"} <= names
        assert db.session.execute(select(func.count(Task.id))).scalar_one() >= 6
        stored = db.session.execute(
            select(Task.content).where(Task.id == world["own"])
        ).scalar_one()
        assert stored == p  # kept literally, not mangled
