"""The period report from more angles (issue 16 §6): cut by the leader who signed the
directives, by one directive or plan, and each agency's own report with its rank."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories
from tests.conftest import login_as
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.settings import set_setting
from tracker.tasks import services as task_services
from tracker.tasks.models import Task

Q3 = "year=2025&period=Q3&as_of=18/08/2025"
VICE = "Phó Chủ tịch UBND tỉnh Nguyễn Văn Bình"


@pytest.fixture
def angles(app, data):
    """The small province (its directive signed by the Chủ tịch) plus a plan signed by a Phó
    Chủ tịch: Sở Y tế's two tasks in it, one done on time, one overdue; every agency ranked."""
    with app.app_context():
        syt = db.session.get(Agency, data.agencies["syt"])
        plan = factories.make_directive(
            "09/KH-UBND", issued_on=date(2025, 6, 2), kind="Kế hoạch", issuer=VICE
        )
        done = factories.make_task(
            plan, syt, content="Kiện toàn tổ công tác", due_on=date(2025, 7, 10)
        )
        factories.make_task(plan, syt, content="Số hóa hồ sơ bệnh án", due_on=date(2025, 8, 1))
        task_services.complete_task(
            db.session.get(Task, done.id),
            done_on=date(2025, 7, 8),
            report_number="12/BC-SYT",
            report_date=date(2025, 7, 8),
            note=None,
            user_id=None,
        )
        set_setting("reports.min_count", 1)
        db.session.commit()
        return {"plan": plan.id, **data.agencies}


def test_the_report_cut_by_the_leader_who_signed(app, client, angles):
    login_as(client, "lanhdao@tinh.gov.vn")
    html = client.get(f"/reports/?{Q3}").get_data(as_text=True)
    rows = dict(
        re.findall(r'data-issuer="([^"]*)"><td>.*?</td>\s*<td class="num">(\d+)</td>', html)
    )
    # Chủ tịch: Sở Tài chính's task due 15/08 and Sở Y tế's due 10/08; the Phó Chủ tịch: two
    assert rows == {"Chủ tịch UBND tỉnh": "2", VICE: "2"}
    cut = client.get(f"/reports/?{Q3}&issuer={VICE}").get_data(as_text=True)
    assert f"Văn bản do {VICE} ký" in cut
    assert f'data-row-agency="{angles["syt"]}"' in cut
    assert f'data-row-agency="{angles["stc"]}"' not in cut  # signed by the Chủ tịch
    assert 'id="by-issuer"' not in cut
    # the drill-down and the exports keep the cut
    listed = client.get(f"/reports/tasks?{Q3}&issuer={VICE}&metric=total").get_data(as_text=True)
    assert "Số hóa hồ sơ bệnh án" in listed and "kiến nghị thanh tra" not in listed
    wrong = client.get(f"/reports/?{Q3}&issuer=Ai đó")
    assert wrong.status_code == 400
    assert "Người ký “Ai đó” không có văn bản nào." in wrong.get_data(as_text=True)


def test_the_report_of_one_plan_says_how_much_of_it_is_done(app, client, angles):
    login_as(client, "staff@tinh.gov.vn")
    page = client.get(f"/directives/{angles['plan']}").get_data(as_text=True)
    assert f"/reports/?directive={angles['plan']}&amp;year=2025&amp;period=Y" in page
    html = client.get(f"/reports/?{Q3}&directive={angles['plan']}").get_data(as_text=True)
    assert (
        "Kế hoạch 09/KH-UBND: đã hoàn thành 1/2 nhiệm vụ trong kỳ (1 đúng hạn, 1 đang quá hạn)."
        in html
    )
    assert f'name="directive" value="{angles["plan"]}"' in html  # the form keeps the cut
    for bad in ("999999", "abc"):
        response = client.get(f"/reports/?{Q3}&directive={bad}")
        assert response.status_code == 400
        assert f"Văn bản chỉ đạo “{bad}” không có." in response.get_data(as_text=True)


def test_an_agency_sees_its_own_report_and_its_rank(app, client, angles):
    login_as(client, "syt@tinh.gov.vn")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'id="agency-report"' in dashboard
    html = client.get(f"/reports/agency?{Q3}").get_data(as_text=True)
    assert "Báo cáo của đơn vị: Sở Y tế" in html
    # Sở Y tế: 1 of 3 due done on time; Sở Tài chính: 0 of 1 → Sở Y tế ranks first of two
    assert "Xếp hạng 1/2" in html
    figures = dict(
        re.findall(r'data-metric="(\w+)"><td>[^<]*</td><td class="num">([^<]*)</td>', html)
    )
    assert figures["total"] == "3" and figures["done_on_time"] == "1"
    assert figures["open_overdue"] == "2"
    assert "Số hóa hồ sơ bệnh án" in html and "Sở Y tế cải thiện chỉ số PAPI" in html
    # nothing of another agency: not its name, not its tasks, whatever the link asks
    other = client.get(f"/reports/agency?{Q3}&agency={angles['stc']}").get_data(as_text=True)
    assert "Sở Tài chính" not in other and "kiến nghị thanh tra" not in other
    assert client.get("/reports/?" + Q3).status_code == 403
    stc = app.test_client()
    login_as(stc, "stc@tinh.gov.vn")
    assert "Xếp hạng 2/2" in stc.get(f"/reports/agency?{Q3}").get_data(as_text=True)


def test_the_office_opens_any_agencys_report_from_the_ranking(app, client, angles):
    login_as(client, "staff@tinh.gov.vn")
    report = client.get(f"/reports/?{Q3}").get_data(as_text=True)
    assert f"/reports/agency?agency={angles['syt']}&amp;" in report
    html = client.get(f"/reports/agency?{Q3}&agency={angles['syt']}").get_data(as_text=True)
    assert "Báo cáo của đơn vị: Sở Y tế" in html and "Xếp hạng 1/2" in html
    chooser = client.get("/reports/agency").get_data(as_text=True)
    assert "Chọn cơ quan, đơn vị để xem báo cáo" in chooser
    bad = client.get("/reports/agency?year=abc")
    assert bad.status_code == 400 and "Năm “abc” không hợp lệ." in bad.get_data(as_text=True)
