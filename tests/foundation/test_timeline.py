"""The task timeline shows recorded changes as people read them: state and cadence labels,
dates as dd/mm/yyyy, agencies by name — never the stored codes ("pending", "2025-09-20", 3)."""

import re

from tests.conftest import login_as
from tests.foundation.test_tasks import task_form


def _timeline(html: str) -> str:
    """The timeline section of a task page, tags removed and blanks squeezed."""
    section = html.split('<ol class="timeline">')[1].split("</ol>\n")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_extension_decision_shows_state_labels_and_vietnamese_dates(app, client, data):
    task = data.tasks["stc_lead"]  # due 15/08/2025
    login_as(client, data.users["officer"])
    response = client.post(
        f"/tasks/{task}/extensions/new",
        data={"requested_due_on": "30/09/2025", "reason": "Chờ số liệu quyết toán"},
    )
    assert response.status_code == 302
    client.post("/logout")
    login_as(client, data.users["staff"])
    request_id = re.search(
        r'/extensions/(\d+)"', client.get("/extensions").get_data(as_text=True)
    ).group(1)
    response = client.post(
        f"/extensions/{request_id}",
        data={"action": "approve", "approved_due_on": "20/09/2025", "note": ""},
    )
    assert response.status_code == 302

    html = client.get(f"/tasks/{task}").get_data(as_text=True)
    timeline = _timeline(html)
    assert "Trạng thái: Chờ xử lý → Đã chấp thuận" in timeline
    assert "Trạng thái: — → Chờ xử lý" in timeline  # the request itself
    assert "Hạn đề nghị: — → 30/09/2025" in timeline
    assert "Hạn được gia hạn: — → 20/09/2025" in timeline
    assert "Thời hạn: 15/08/2025 → 20/09/2025" in timeline
    for raw in ("pending", "approved", "2025-09-20", "2025-08-15", "2025-09-30"):
        assert raw not in timeline

    english = _timeline(client.get(f"/tasks/{task}?lang=en").get_data(as_text=True))
    assert "Pending → Approved" in english and "15/08/2025 → 20/09/2025" in english


def test_cadence_agencies_and_switches_show_their_names(app, client, data):
    task = data.tasks["stc_lead"]
    login_as(client, data.users["staff"])
    response = client.post(
        f"/tasks/{task}/edit",
        data=task_form(
            data,
            content="Sở Tài chính tổng hợp kiến nghị thanh tra",
            lead_agency_id=data.agencies["syt"],
            co_agency_ids=[data.agencies["skhcn"]],
            due_on="15/08/2025",
            cadence="quarterly",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post(f"/tasks/{task}/reminders/pause")
    timeline = _timeline(client.get(f"/tasks/{task}").get_data(as_text=True))
    assert "Chế độ báo cáo: Một lần (không định kỳ) → Hằng quý" in timeline
    assert "Đơn vị chủ trì: Sở Tài chính → Sở Y tế" in timeline
    assert "Đơn vị phối hợp: — → Sở Khoa học và Công nghệ" in timeline
    assert "Tạm dừng nhắc việc: Không → Có" in timeline
    assert "quarterly" not in timeline and "False" not in timeline
