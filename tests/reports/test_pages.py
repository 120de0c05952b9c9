"""The report pages, exports and CLI show the same numbers; permissions per role."""

import csv
import io
import json
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import login_as
from tests.reports.conftest import AS_OF, EXPECTED_Q3, EXPECTED_Q3_TOTALS
from tracker.reports.queries import METRICS
from tracker.reports.service import build_report, parse_request

Q3 = {"year": "2025", "period": "Q3", "as_of": "2025-10-05"}
REPORT_URLS = [
    "/reports/",
    "/reports/tasks?metric=total",
    "/reports/appendix",
    "/reports/print",
    "/reports/export.xlsx",
    "/reports/export.csv",
]


def _query(params=Q3):
    return "&".join(f"{k}={v}" for k, v in params.items())


def _page_numbers(html: str) -> dict[tuple[str, str], int]:
    """{(agency id or "total", metric): number} from the summary table's links."""
    found = {}
    for row in re.finditer(r'<tr[^>]*data-row-agency="([^"]+)"(.*?)</tr>', html, re.S):
        agency, body = row.groups()
        for m in re.finditer(r'data-metric="(\w+)"[^>]*>(\d+)</a>', body):
            found[(agency, m.group(1))] = int(m.group(2))
    return found


def _json_report(app, as_of=AS_OF):
    with app.app_context():
        return build_report(parse_request(2025, "Q3", as_of))


def _rows_by_name(report):
    return {r["agency"]: r for r in report["agencies"] + report["small_agencies"]}


def test_page_shows_the_report_numbers(app, client, province):
    login_as(client, province["users"]["staff"])
    response = client.get(f"/reports/?{_query()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    numbers = _page_numbers(html)
    report = _json_report(app)
    for name, row in _rows_by_name(report).items():
        for metric in METRICS:
            assert numbers[(str(row["agency_id"]), metric)] == EXPECTED_Q3[name][metric]
    for metric in METRICS:
        assert numbers[("total", metric)] == EXPECTED_Q3_TOTALS[metric]
    assert "Sở Kế hoạch và Đầu tư" in html  # named under its successor
    assert "<svg" in html and "<script" not in html.split("</header>")[1]
    assert 'id="ranking"' in html
    assert 'style="' not in html  # the CSP forbids inline styles: charts use SVG attributes


def test_every_number_links_to_its_tasks(app, client, province):
    login_as(client, province["users"]["leader"])
    html = client.get(f"/reports/?{_query()}").get_data(as_text=True)
    stc = province["agencies"]["stc"]
    link = re.search(rf'href="([^"]+)" data-metric="done_late" data-agency="{stc}"', html).group(1)
    page = client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count("data-task=") == 2
    assert "Nhiệm vụ của Sở Kế hoạch và Đầu tư" in body and "Nhiệm vụ ba" in body


def test_cli_json_is_the_page_report(app, runner, province):
    result = runner.invoke(
        args=[
            "report",
            "--year",
            "2025",
            "--period",
            "Q3",
            "--as-of",
            "2025-10-05",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(_json_report(app)))
    rows = _rows_by_name(data)
    for name, expected in EXPECTED_Q3.items():
        assert {m: rows[name][m] for m in METRICS} == expected


def test_xlsx_reads_back_with_the_same_numbers(app, client, province):
    login_as(client, province["users"]["staff"])
    response = client.get(f"/reports/export.xlsx?{_query()}")
    assert response.status_code == 200
    assert "spreadsheetml" in response.mimetype
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Tổng hợp", "Phụ lục chi tiết", "Thi đua"]
    ws = wb["Tổng hợp"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "STT")
    headers = [c.value for c in ws[header_row]]
    assert headers[1] == "Đơn vị chủ trì" and "Hoàn thành đúng hạn" in headers
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.column_dimensions["B"].width == 36
    columns = {h: i for i, h in enumerate(headers)}
    labels = {
        "total": "Tổng số nhiệm vụ trong kỳ",
        "done_on_time": "Hoàn thành đúng hạn",
        "done_late": "Hoàn thành quá hạn",
        "open_overdue": "Đang thực hiện quá hạn",
        "settled": "Đã đến hạn (n)",
        "extended": "Được gia hạn",
        "overdue_30": "Quá hạn trên 30 ngày",
        "stale_undated": "Không thời hạn, 3 tháng chưa báo cáo",
    }
    found = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if row[1] in EXPECTED_Q3 or row[1] == "Tổng cộng":
            found[row[1]] = row
    assert set(found) == {*EXPECTED_Q3, "Tổng cộng"}
    for name, expected in [*EXPECTED_Q3.items(), ("Tổng cộng", EXPECTED_Q3_TOTALS)]:
        for metric, label in labels.items():
            assert found[name][columns[label]] == expected[metric], (name, metric)
    assert found["Sở Tài chính"][columns["Tỷ lệ đúng hạn (%)"]] == 44.4

    detail = wb["Phụ lục chi tiết"]
    header_row = next(r for r in range(1, 10) if detail.cell(r, 1).value == "STT")
    assert [c.value for c in detail[header_row]][:7] == [
        "STT",
        "Nội dung nhiệm vụ",
        "Văn bản giao",
        "Ngày văn bản",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
    ]
    due = detail.cell(header_row + 1, 7)
    assert isinstance(due.value, datetime | date) and due.number_format == "dd/mm/yyyy"
    assert detail.max_row - header_row == 19
    assert detail.freeze_panes == f"A{header_row + 1}"
    assert detail.column_dimensions["B"].width == 60
    assert detail.cell(header_row + 1, 2).alignment.wrap_text
    # the write-only sheet reuses its styled cells row after row: each row keeps its own values
    # (the same as the CSV appendix, written without openpyxl)
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/reports/export.csv?{_query()}&sheet=detail").data.decode("utf-8-sig")
            )
        )
    )[1:]
    xlsx_rows = [
        [
            v.strftime("%d/%m/%Y") if isinstance(v, datetime) else ("" if v is None else str(v))
            for v in row
        ]
        for row in detail.iter_rows(min_row=header_row + 1, values_only=True)
    ]
    assert xlsx_rows == csv_rows
    assert wb["Thi đua"].cell(4, 2).value == "Đơn vị chủ trì"


def test_csv_has_bom_and_numbers(client, province):
    login_as(client, province["users"]["staff"])
    response = client.get(f"/reports/export.csv?{_query()}")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    # the title, the period and the as-of day, a blank row, then the table
    assert rows[0] == ["ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"]
    assert "15/06/2025" in rows[1][0] and "14/09/2025" in rows[1][0] and "05/10/2025" in rows[1][0]
    assert rows[2] == []
    rows = rows[3:]
    assert rows[0][1] == "Đơn vị chủ trì"
    stc = next(r for r in rows if r[1] == "Sở Tài chính")
    assert stc[2] == "9" and stc[0] == "Xếp hạng"
    detail = client.get(f"/reports/export.csv?{_query()}&sheet=detail")
    assert detail.data.startswith("\ufeff".encode())
    assert "Nội dung nhiệm vụ" in detail.data.decode("utf-8-sig").splitlines()[0]


def test_print_page_is_a4_landscape(client, province, app):
    login_as(client, province["users"]["leader"])
    html = client.get(f"/reports/print?{_query()}&detail=1").get_data(as_text=True)
    assert "report-print.css" in html
    assert "TỈNH HÒA BÌNH" in html and "05/10/2025" in html and "15/06/2025" in html
    assert 'id="summary"' in html and 'id="detail"' in html
    response = client.get("/static/report-print.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "size: A4 landscape" in css


def test_appendix_layout(client, province):
    login_as(client, province["users"]["staff"])
    html = client.get(f"/reports/appendix?{_query()}").get_data(as_text=True)
    for header in (
        "STT",
        "Nội dung nhiệm vụ",
        "Văn bản giao",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Kết quả/tình trạng",
    ):
        assert f">{header}<" in html
    assert html.count("data-task=") == 19
    assert "Giao sau ngày tính đến" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "2025", "period": "Q7", "as_of": "2025-10-05"}, "Kỳ báo cáo “Q7” không hợp lệ"),
        ({"year": "2025", "period": "Q3", "as_of": "31/02/2025"}, "không đúng định dạng"),
        ({"year": "2025", "period": "Q3", "as_of": "2025-06-01"}, "trước ngày bắt đầu kỳ"),
        ({"year": "abc", "period": "Q3", "as_of": "2025-10-05"}, "Năm “abc” không hợp lệ"),
    ],
)
def test_bad_input_on_the_page(client, data, params, message):
    login_as(client, data.users["staff"])
    response = client.get(f"/reports/?{_query(params)}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="' + params["as_of"] + '"' in html  # the form keeps what was typed


def test_bad_input_on_every_report_url(client, data):
    login_as(client, data.users["staff"])
    for url in REPORT_URLS[1:]:
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}year=2025&period=Q3&as_of=2025-02-30")
        assert response.status_code == 400, url
        assert "không đúng định dạng" in response.get_data(as_text=True)


def test_bad_metric_and_format(client, province):
    login_as(client, province["users"]["staff"])
    response = client.get(f"/reports/tasks?{_query()}&metric=nonsense")
    assert response.status_code == 400
    assert "không có trong báo cáo" in response.get_data(as_text=True)
    assert client.get(f"/reports/export.pdf?{_query()}").status_code == 400


def test_empty_report_page(client, province):
    login_as(client, province["users"]["staff"])
    response = client.get("/reports/?year=2024&period=Q1&as_of=2024-12-31")
    assert response.status_code == 200
    assert "Không có nhiệm vụ nào có thời hạn trong kỳ Quý I/2024" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "Q9"], "Kỳ báo cáo “Q9” không hợp lệ"),
        (["--period", "Q3", "--as-of", "05/13/2025"], "không đúng định dạng"),
        (["--period", "Q3", "--as-of", "2025-01-01"], "trước ngày bắt đầu kỳ"),
    ],
)
def test_cli_bad_input(runner, province, args, message):
    result = runner.invoke(args=["report", "--year", "2025", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_empty_report_and_files(runner, province, tmp_path):
    result = runner.invoke(
        args=["report", "--year", "2024", "--period", "M3", "--as-of", "2024-12-31"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["empty"] and "Không có nhiệm vụ nào" in data["empty_reason"]
    out = tmp_path / "q3.xlsx"
    result = runner.invoke(
        args=[
            "report",
            "--year",
            "2025",
            "--period",
            "Q3",
            "--as-of",
            "2025-10-05",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == "Tổng hợp"
    out_csv = tmp_path / "q3.csv"
    runner.invoke(
        args=[
            "report",
            "--year",
            "2025",
            "--period",
            "Q3",
            "--as-of",
            "2025-10-05",
            "--format",
            "csv",
            "-o",
            str(out_csv),
        ]
    )
    assert out_csv.read_bytes().startswith("\ufeff".encode())


def test_agency_officer_cannot_open_reports(client, data):
    login_as(client, data.users["officer"])
    for url in REPORT_URLS:
        response = client.get(f"{url}{'&' if '?' in url else '?'}{_query()}")
        assert response.status_code == 403, url


def test_office_and_leaders_can(client, data):
    for who in ("admin", "staff", "leader"):
        login_as(client, data.users[who])
        assert client.get(f"/reports/?{_query()}").status_code == 200, who
        client.post("/logout")


def test_anonymous_is_sent_to_login(client, province):
    response = client.get(f"/reports/?{_query()}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_nav_link_for_office_only(client, province):
    login_as(client, province["users"]["staff"])
    assert 'href="/reports/"' in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    login_as(client, province["users"]["officer"])
    assert 'href="/reports/"' not in client.get("/dashboard").get_data(as_text=True)


def test_csv_for_vietnamese_excel_has_semicolons_and_decimal_commas(client, province):
    """Excel on a Vietnamese Windows splits a double-clicked CSV at ";" and reads "16,7" as a
    number: the variant offered beside the standard CSV."""
    login_as(client, province["users"]["staff"])
    html = client.get(f"/reports/?{_query()}").get_data(as_text=True)
    assert "excel=vn" in html and "CSV (Excel tiếng Việt)" in html
    response = client.get(f"/reports/export.csv?{_query()}&excel=vn")
    assert response.data.startswith("\ufeff".encode())
    assert "excel-vn.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header_at = next(i for i, r in enumerate(rows) if r[:2] == ["Nhóm", "Đơn vị chủ trì"])
    header, body = rows[header_at], rows[header_at + 1 :]
    rate = header.index("Tỷ lệ đúng hạn (%)")
    rates = [r[rate] for r in body if len(r) > rate and r[rate]]
    assert rates and all(re.fullmatch(r"\d+,\d", v) for v in rates), rates
    stc = next(r for r in body if r[1] == "Sở Tài chính")
    assert stc[2] == "9"
    for url in (
        f"/reports/export.csv?{_query()}&sheet=detail&excel=vn",
        "/reports/overdue.csv?excel=vn",
    ):
        text = client.get(url).data.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("STT;"), url
