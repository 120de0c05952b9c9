"""Import tasks from a real XLSX made with openpyxl: the plan, the CLI, the web flow."""

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.conftest import login_as, make_config
from tracker import create_app
from tracker.agencies.models import AgencyAlias
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.tasks import importing
from tracker.tasks.models import Task

HEADER = [h for _k, h, _help in importing.COLUMNS]


def xlsx(rows: list[list]) -> bytes:
    """A workbook with the template's header and `rows` (11 cells each, or fewer)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# số, ngày ban hành, trích yếu, loại, nội dung, chủ trì, phối hợp, qua, thời hạn, định kỳ, ghi chú
GOOD = [
    [
        "5016/TB-VPUBND",
        None,
        None,
        None,
        "Rà soát đầu tư công",
        "Sở Tài chính",
        "Sở Y tế; Sở Nội vụ",
        None,
        "30/09/2025",
        None,
        "mục 2",
    ],
    [
        "5016/TB-VPUBND",
        None,
        None,
        None,
        "Báo cáo tiến độ",
        "STC",
        None,
        None,
        datetime(2025, 10, 15),
        "Hằng tháng",
        None,
    ],
    [
        "12/CT-UBND",
        "01/09/2025",
        "Chỉ thị về cải cách hành chính",
        "Chỉ thị",
        "Cải thiện PAPI",
        "sở y tế",
        None,
        "Sở Nội vụ",
        "31/12/2025",
        None,
        None,
    ],
]
BAD = [
    [
        "12/CT-UBND",
        "01/09/2025",
        None,
        None,
        "Nhiệm vụ lạ",
        "Sở Không Có",
        None,
        None,
        None,
        None,
        None,
    ],  # line 5: unknown agency
    [
        "5016/TB-VPUBND",
        None,
        None,
        None,
        "Ngày sai",
        "Sở Tài chính",
        None,
        None,
        "31/02/2025",
        None,
        None,
    ],  # line 6: bad date
]


def counts(app=None):
    if app is not None:
        with app.app_context():
            return counts()
    return (
        db.session.scalar(select(func.count()).select_from(Task)),
        db.session.scalar(select(func.count()).select_from(Directive)),
    )


@pytest.fixture
def alias(app, data):
    with app.app_context():
        db.session.add(AgencyAlias(agency_id=data.agencies["stc"], name="STC"))
        db.session.commit()


def test_template_has_header_and_instructions(app):
    with app.app_context():
        workbook = load_workbook(io.BytesIO(importing.template_xlsx()))
    assert workbook.sheetnames == ["Nhiệm vụ", "Hướng dẫn"]
    assert [c.value for c in workbook["Nhiệm vụ"][1]] == HEADER


def test_plan_reports_bad_rows_with_their_lines(app, data, alias):
    with app.app_context():
        plan = importing.plan_import(importing.read_rows("t.xlsx", xlsx(GOOD + BAD)))
        assert [r.line for r in plan.rows] == [2, 3, 4]
        assert [e.line for e in plan.errors] == [5, 6]
        assert "không tìm thấy cơ quan “Sở Không Có”" in plan.errors[0].message
        assert "thời hạn “31/02/2025” không đúng dạng" in plan.errors[1].message
        second = plan.rows[1]
        assert second.data.lead_agency_id == data.agencies["stc"]  # through the alias
        assert second.data.due_on == date(2025, 10, 15)  # a real date cell
        assert second.data.cadence == "monthly"
        assert plan.rows[0].data.co_agency_ids == [data.agencies["syt"], data.agencies["snv"]]
        assert (
            plan.rows[2].new_directive and plan.rows[2].data.via_agency_id == data.agencies["snv"]
        )


def test_unknown_directive_without_header_and_bad_cadence(app, data):
    rows = [["99/XX", None, None, None, "Việc", "Sở Tài chính", None, None, None, "thỉnh thoảng"]]
    with app.app_context():
        plan = importing.plan_import(importing.read_rows("t.xlsx", xlsx(rows)))
    assert not plan.rows
    message = plan.errors[0].message
    assert "văn bản số 99/XX chưa có" in message and "định kỳ “thỉnh thoảng”" in message


def test_missing_columns_is_a_clear_error(app):
    workbook = Workbook()
    workbook.active.append(["Nội dung"])
    out = io.BytesIO()
    workbook.save(out)
    with app.app_context(), pytest.raises(importing.ImportFormatError, match="Số văn bản"):
        importing.read_rows("t.xlsx", out.getvalue())


def test_cli_refuses_a_file_with_bad_rows_then_only_valid(app, data, alias, runner, tmp_path):
    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(xlsx(GOOD + BAD))
    with app.app_context():
        before = counts()
    result = runner.invoke(args=["tasks", "import", str(path)])
    assert result.exit_code != 0
    assert "Dòng 5:" in result.output and "Dòng 6:" in result.output
    assert "không nhập gì" in result.output
    with app.app_context():
        assert counts() == before
    result = runner.invoke(args=["tasks", "import", str(path), "--only-valid"])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3 nhiệm vụ (1 văn bản mới)" in result.output
    with app.app_context():
        assert counts() == (before[0] + 3, before[1] + 1)
        new = db.session.scalars(select(Directive).where(Directive.number == "12/CT-UBND")).one()
        assert new.kind == "Chỉ thị" and new.issued_on == date(2025, 9, 1)
        task = db.session.scalars(select(Task).where(Task.content == "Rà soát đầu tư công")).one()
        assert task.source_text == "mục 2" and task.due_on == date(2025, 9, 30)


def test_cli_imports_a_clean_file(app, data, runner, tmp_path):
    path = tmp_path / "nhiem-vu.xlsx"
    path.write_bytes(xlsx(GOOD[:1]))
    result = runner.invoke(args=["tasks", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 1 nhiệm vụ (0 văn bản mới)" in result.output


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def csrf_client(database_url, tmp_path, data):
    app = create_app(make_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    yield app, app.test_client()  # no app context held: each request has its own `g`
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_web_preview_then_confirm_with_csrf(csrf_client, data):
    app, client = csrf_client
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "email": data.users["staff"],
            "password": "mat-khau-thu-123",
            "csrf_token": _token(page),
        },
    )
    assert response.status_code == 302
    page = client.get("/tasks/import").get_data(as_text=True)
    assert "Tải tệp mẫu" in page
    template = client.get("/tasks/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    before = counts(app)
    response = client.post(
        "/tasks/import",
        data={"csrf_token": _token(page), "file": (io.BytesIO(xlsx(GOOD[:1] + BAD[1:])), "t.xlsx")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Dòng 3: thời hạn “31/02/2025” không đúng dạng dd/mm/yyyy" in html
    assert counts(app) == before  # a preview writes nothing
    confirm_token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    only_valid = re.search(r'name="only_valid" type="hidden" value="([^"]*)"', html).group(1)
    # without the CSRF token: refused, nothing saved
    response = client.post(
        "/tasks/import/confirm", data={"token": confirm_token, "only_valid": only_valid}
    )
    assert response.status_code in (302, 400)
    assert counts(app) == before
    response = client.post(
        "/tasks/import/confirm",
        data={"csrf_token": _token(html), "token": confirm_token, "only_valid": only_valid},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert counts(app) == (before[0] + 1, before[1])


def test_web_confirm_refuses_bad_rows_without_only_valid(client, data):
    login_as(client, data.users["admin"])
    response = client.post(
        "/tasks/import",
        data={"file": (io.BytesIO(xlsx(GOOD[:1] + BAD[1:])), "t.xlsx")},
        content_type="multipart/form-data",
    )
    token = re.search(
        r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    )
    with client.application.app_context():
        before = counts()
    response = client.post(
        "/tasks/import/confirm", data={"token": token.group(1), "only_valid": ""}
    )
    assert response.status_code == 302
    with client.application.app_context():
        assert counts() == before


def test_web_shows_a_file_error_and_keeps_the_page(client, data):
    login_as(client, data.users["admin"])
    response = client.post(
        "/tasks/import",
        data={"file": (io.BytesIO(b"not a spreadsheet"), "t.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Tệp không phải CSV hoặc XLSX" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_agency_officer_and_leader_are_refused(client, data, who):
    login_as(client, data.users[who])
    assert client.get("/tasks/import").status_code == 403
    assert client.get("/tasks/import/template.xlsx").status_code == 403
    response = client.post(
        "/tasks/import",
        data={"file": (io.BytesIO(xlsx(GOOD[:1])), "t.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert client.post("/tasks/import/confirm", data={"token": "x" * 32}).status_code == 403
