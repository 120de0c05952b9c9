"""The home dashboards: the office sees every task, an agency only its own (today 18/08/2025)."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.conftest import login_as
from tracker.deadlines.models import ExtensionRequest
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks.models import Task

SYT_TASK = "Sở Y tế cải thiện chỉ số PAPI"


def _tiles(html: str) -> dict[str, int]:
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(
            r'data-status="(\w+)"[^>]*>\s*<span class="count">(\d+)</span>', html, re.S
        )
    }


@pytest.fixture
def more(app, data):
    """A task due soon, a completed one and a pending extension request on stc_lead."""
    with app.app_context():
        directive = db.session.get(Directive, data.directive)
        lead = db.session.get(Task, data.tasks["stc_lead"])
        soon = factories.make_task(
            directive, lead.lead_agency, content="Nộp báo cáo sắp đến hạn", due_on=date(2025, 8, 22)
        )
        done = factories.make_task(
            directive, lead.lead_agency, content="Việc đã xong sớm", due_on=date(2025, 8, 30)
        )
        done.done_on = date(2025, 8, 12)
        db.session.add(
            ExtensionRequest(
                task=lead, requested_due_on=date(2025, 9, 15), reason="Chờ số liệu", state="pending"
            )
        )
        db.session.commit()
        return {"soon": soon.id, "done": done.id}


def test_office_dashboard(client, data, more):
    login_as(client, data.users["staff"])
    html = client.get("/dashboard").get_data(as_text=True)
    tiles = _tiles(html)
    assert tiles == {
        "done_on_time": 1,
        "done_late": 0,
        "open_on_time": 2,
        "open_overdue": 2,
        "no_deadline": 1,
        "awaiting_acceptance": 0,  # chờ xác nhận (issue 16)
        "pending_extensions": 1,
    }
    assert "/tasks/?status=open_overdue" in html
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    assert "Sở Tài chính" in overdue and "Sở Y tế" in overdue and SYT_TASK in overdue
    assert "Nộp báo cáo sắp đến hạn" in html.split('id="due-soon"')[1].split("</section>")[0]
    assert "Việc đã xong sớm" in html.split('id="recent"')[1].split("</section>")[0]


def test_leader_gets_the_office_dashboard(client, data, more):
    login_as(client, data.users["leader"])
    assert _tiles(client.get("/dashboard").get_data(as_text=True))["open_overdue"] == 2


def test_agency_dashboard_shows_only_its_own_tasks(client, data, more):
    login_as(client, data.users["officer"])  # Sở Tài chính
    html = client.get(f"/dashboard?agency={data.agencies['syt']}").get_data(as_text=True)
    tiles = _tiles(html)
    assert tiles["open_overdue"] == 1 and tiles["no_deadline"] == 1
    assert tiles["open_on_time"] == 2  # co-agency on stc_co, and the task due soon
    assert SYT_TASK not in html
    assert "Sở Y tế" not in html.split('id="overdue"')[1]
    export = client.get(f"/reports/overdue.csv?agency={data.agencies['syt']}")
    text = export.data.decode("utf-8-sig")
    assert SYT_TASK not in text and "Sở Tài chính tổng hợp" in text


def test_other_agency_sees_nothing_of_stc(client, data, more):
    login_as(client, data.users["other"])  # Sở Y tế
    html = client.get("/dashboard").get_data(as_text=True)
    assert _tiles(html)["pending_extensions"] == 0
    assert "Sở Tài chính tổng hợp" not in html and "Nộp báo cáo sắp đến hạn" not in html
    response = client.get("/reports/overdue.csv")
    text = response.data.decode("utf-8-sig")
    assert SYT_TASK in text and "Sở Tài chính tổng hợp" not in text


def test_filters_and_accent_insensitive_search(client, data, more):
    login_as(client, data.users["staff"])
    tiles = _tiles(client.get("/dashboard?q=y te cai thien").get_data(as_text=True))
    assert tiles["open_overdue"] == 1 and tiles["open_on_time"] == 0
    tiles = _tiles(client.get(f"/dashboard?agency={data.agencies['syt']}").get_data(as_text=True))
    assert tiles["open_overdue"] == 1 and tiles["no_deadline"] == 0
    tiles = _tiles(client.get("/dashboard?kind=Chỉ thị").get_data(as_text=True))
    assert sum(v for k, v in tiles.items() if k != "pending_extensions") == 0
    tiles = _tiles(
        client.get("/dashboard?due_from=01/08/2025&due_to=20/08/2025").get_data(as_text=True)
    )
    assert tiles["open_overdue"] == 2 and tiles["open_on_time"] == 0 and tiles["no_deadline"] == 0
    tiles = _tiles(client.get("/dashboard?status=open_overdue").get_data(as_text=True))
    assert tiles["open_overdue"] == 2 and tiles["done_on_time"] == 0
    tiles = _tiles(client.get("/dashboard?issuer=Chủ tịch UBND tỉnh").get_data(as_text=True))
    assert tiles["open_overdue"] == 2


def test_bad_filter_input_is_explained(client, data):
    login_as(client, data.users["staff"])
    response = client.get("/dashboard?due_from=32/13/2025&agency=abc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "không phải ngày" in html and "32/13/2025" in html
    assert "không hợp lệ, đã bỏ qua" in html


def test_pending_extensions_link_to_the_office_queue(client, data, more, app):
    login_as(client, data.users["staff"])
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/extensions"' in html


def test_overdue_export_xlsx_and_csv(client, data, more):
    login_as(client, data.users["staff"])
    response = client.get("/reports/overdue.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data))["Nhiệm vụ quá hạn"]
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["STT", "Mã nhiệm vụ", "Nội dung nhiệm vụ"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 2
    assert {r[5] for r in rows} == {"Sở Tài chính", "Sở Y tế"}
    due_cell = ws.cell(4, header.index("Thời hạn") + 1)
    assert due_cell.number_format == "dd/mm/yyyy" and due_cell.value.date() == date(2025, 8, 15)
    assert rows[0][header.index("Số ngày quá hạn")] == 3

    response = client.get("/reports/overdue.csv?q=papi")
    assert response.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][0] == "STT" and len(lines) == 2 and lines[1][2] == SYT_TASK


def test_overdue_export_needs_login(client, data):
    assert client.get("/reports/overdue.csv").status_code == 302


def test_unknown_issuer_or_agency_is_ignored_with_a_warning(client, data, more):
    """A stale link must not empty the page while the form says "all"."""
    login_as(client, data.users["staff"])
    everything = client.get("/tasks/").get_data(as_text=True)
    for path in ("/tasks/", "/dashboard"):
        html = client.get(path + "?issuer=Không+có+ai&agency=987654").get_data(as_text=True)
        assert "Người ban hành “Không có ai” không có, đã bỏ qua." in html
        assert "Cơ quan, đơn vị số 987654 không có, đã bỏ qua." in html
    listed = client.get("/tasks/?issuer=Không+có+ai").get_data(as_text=True)
    total = re.search(r"Tổng cộng: \d+", everything).group(0)
    assert total in listed  # every task still listed


def test_recently_completed_lists_a_submitted_report_and_names_its_period(app, client, data, more):
    """ "Mới hoàn thành" counts obligations like the rest of Tổng quan: a quarterly report
    submitted yesterday is listed as "Báo cáo quý II/2025", beside the tasks done."""
    from tracker.agencies.models import Agency
    from tracker.deadlines import services
    from tracker.deadlines.models import ReportingPeriod

    with app.app_context():
        task = factories.make_task(
            db.session.get(Directive, data.directive),
            db.session.get(Agency, data.agencies["stc"]),
            content="Báo cáo quý tình hình giải ngân",
            cadence="quarterly",
            starts_on=date(2025, 4, 1),
            ends_on=date(2026, 12, 31),
        )
        db.session.flush()
        period = db.session.scalars(
            db.select(ReportingPeriod).filter_by(task_id=task.id).order_by(ReportingPeriod.due_on)
        ).first()
        services.submit_period(
            period,
            report_number="12/BC-STC",
            report_date=None,
            done_on=date(2025, 8, 17),
            note=None,
            user_id=None,
        )
        db.session.commit()
        label = period.label
    login_as(client, data.users["staff"])
    html = client.get("/dashboard").get_data(as_text=True)
    recent = html.split('id="recent"')[1].split("</section>")[0]
    assert "Việc đã xong sớm" in recent  # the task done on 12/08
    assert 'data-kind="period"' in recent and "Báo cáo tình hình giải ngân" not in recent
    assert label == "Quý II/2025" and "Báo cáo quý II/2025" in recent
    assert "Báo cáo quý tình hình giải ngân" in recent
    # newest first: the report of 17/08 before the task of 12/08
    assert recent.index("Báo cáo quý tình hình giải ngân") < recent.index("Việc đã xong sớm")


@pytest.mark.parametrize("sort", ["due", "-due", "new", "directive", "bogus"])
def test_a_state_filtered_list_in_every_order_lists_the_same_tasks(client, data, more, sort):
    """The list of a tile, in each order the list offers (the directive order reads the
    tasks' rows, the others only the obligations' ids): same tasks, same totals."""
    login_as(client, data.users["staff"])
    base = client.get("/tasks/?status=open_overdue").get_data(as_text=True)
    html = client.get(f"/tasks/?status=open_overdue&sort={sort}").get_data(as_text=True)

    def ids(page: str) -> set[str]:
        return set(re.findall(r'<a href="/tasks/(\d+)">\1</a>', page))

    assert ids(html) == ids(base) and ids(html)
    assert re.findall(r"Tổng cộng: [^<]*", html) == re.findall(r"Tổng cộng: [^<]*", base)
