"""Targets on a task through the pages (issue 16 §4): the office sets them, the agency reports
results and ticks with a progress update, the task page and the period report show them."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login_as
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.targets.models import TaskChecklistItem, TaskTarget
from tracker.tasks.models import ProgressUpdate


def _targets(app, task_id):
    with app.app_context():
        rows = db.session.execute(
            select(TaskTarget).where(TaskTarget.task_id == task_id).order_by(TaskTarget.position)
        ).scalars()
        return [(t.id, t.label, t.comparison, t.quantity, t.unit, t.achieved) for t in rows]


def _items(app, task_id):
    with app.app_context():
        rows = db.session.execute(
            select(TaskChecklistItem)
            .where(TaskChecklistItem.task_id == task_id)
            .order_by(TaskChecklistItem.position)
        ).scalars()
        return [(i.id, i.text, i.done) for i in rows]


def test_office_sets_agency_reports_page_and_report_show(app, data):
    task_id = data.tasks["stc_lead"]
    office = login_as(app.test_client(), data.users["staff"])
    page = office.get(f"/tasks/{task_id}/targets")
    assert page.status_code == 200
    bad = office.post(
        f"/tasks/{task_id}/targets",
        data={"targets": "ít nhất 5 giải pháp\nnhiều giải pháp", "checklist": ""},
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Dòng 2" in html and "nhiều giải pháp" in html  # the typed text is kept
    assert _targets(app, task_id) == []
    saved = office.post(
        f"/tasks/{task_id}/targets",
        data={
            "targets": "ít nhất 05 giải pháp\n100 % vốn giải ngân",
            "checklist": "Xây dựng kế hoạch\nTổ chức hội nghị\nBáo cáo kết quả",
        },
    )
    assert saved.status_code == 302
    targets = _targets(app, task_id)
    assert [(t[2], str(t[3]), t[4]) for t in targets] == [
        ("gte", "5.00", "giải pháp"),
        ("gte", "100.00", "%"),
    ]
    items = _items(app, task_id)
    assert [i[1] for i in items] == ["Xây dựng kế hoạch", "Tổ chức hội nghị", "Báo cáo kết quả"]

    # the agency reports: 3 of 5 giải pháp, 100 % disbursed, two items done
    officer = login_as(app.test_client(), data.users["officer"])
    page = officer.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Báo cáo kết quả chỉ tiêu" in page
    (g, _l, *_), (v, *_rest) = targets
    wrong = officer.post(
        f"/tasks/{task_id}/targets/report",
        data={f"achieved-{g}": "ba", "item": [str(items[0][0])]},
        follow_redirects=True,
    )
    assert "phải là một số không âm" in wrong.get_data(as_text=True)
    assert _targets(app, task_id)[0][5] is None
    reported = officer.post(
        f"/tasks/{task_id}/targets/report",
        data={
            f"achieved-{g}": "3",
            f"achieved-{v}": "100",
            "item": [str(items[0][0]), str(items[1][0]), "999999"],
            "note": "Đang hoàn thiện 2 giải pháp còn lại",
        },
    )
    assert reported.status_code == 302
    assert [str(t[5]) for t in _targets(app, task_id)] == ["3.00", "100.00"]
    assert [i[2] for i in _items(app, task_id)] == [True, True, False]
    with app.app_context():
        body = (
            db.session.execute(
                select(ProgressUpdate.body)
                .where(ProgressUpdate.task_id == task_id)
                .order_by(ProgressUpdate.id.desc())
            )
            .scalars()
            .first()
        )
        assert "ít nhất 05 giải pháp: 3 (chưa đạt)" in body
        assert "Việc cần làm: 2/3 đã xong." in body
        assert "Đang hoàn thiện" in body
        audited = set(
            db.session.execute(select(AuditLog.entity).where(AuditLog.task_id == task_id)).scalars()
        )
        assert {"task_target", "task_checklist_item", "progress_update"} <= audited

    # the task page shows progress against the target
    html = office.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'data-met="no"' in html and 'data-met="yes"' in html
    assert "3 / 5 giải pháp" in html
    assert "Việc cần làm: 2/3 đã xong" in html

    # re-saving the same lines keeps what the agency reported
    office.post(
        f"/tasks/{task_id}/targets",
        data={
            "targets": "ít nhất 05 giải pháp\n100 % vốn giải ngân",
            "checklist": "Xây dựng kế hoạch\nTổ chức hội nghị\nBáo cáo kết quả",
        },
    )
    assert [str(t[5]) for t in _targets(app, task_id)] == ["3.00", "100.00"]

    # the period report: đạt / chưa đạt chỉ tiêu beside the on-time rate
    report = office.get("/reports/?year=2025&period=Q3").get_data(as_text=True)
    assert "Kết quả thực hiện chỉ tiêu" in report
    row = report.split(f'data-target-agency="{data.agencies["stc"]}"')[1].split("</tr>")[0]
    assert "Sở Tài chính" in row
    cells = [c.split(">")[-1] for c in row.split("</td>")[2:5]]
    assert cells == ["1", "1", "0"]


def test_who_may(app, data):
    task_id = data.tasks["stc_lead"]
    office = login_as(app.test_client(), data.users["admin"])
    office.post(f"/tasks/{task_id}/targets", data={"targets": "02 cuộc đối thoại"})
    ((target_id, *_),) = _targets(app, task_id)
    leader = login_as(app.test_client(), data.users["leader"])
    assert leader.get(f"/tasks/{task_id}/targets").status_code == 403
    assert leader.post(f"/tasks/{task_id}/targets/report", data={}).status_code == 403
    other = login_as(app.test_client(), data.users["other"])
    assert (
        other.post(
            f"/tasks/{task_id}/targets/report", data={f"achieved-{target_id}": "2"}
        ).status_code
        == 404
    )
    officer = login_as(app.test_client(), data.users["officer"])
    assert officer.get(f"/tasks/{task_id}/targets").status_code == 403
    assert _targets(app, task_id)[0][5] is None
