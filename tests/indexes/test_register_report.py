"""A 5016-style PAR register imported from XLSX drives a per-criterion report (issue 16 §5),
end to end through the pages: the office imports and tags a task, Sở Tài chính records a
quarter, the office records the published rank, the leader reads the report and its XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import login_as
from tests.indexes.register import par_register, xlsx
from tracker.audit.models import AuditLog
from tracker.extensions import db
from tracker.indexes.models import (
    CriterionAssessment,
    IndexCriterion,
    IndexResult,
    ScoreIndex,
    TaskCriterion,
)


def _upload(client, data: bytes, name: str = "bo-chi-so-par.xlsx"):
    return client.post(
        "/indexes/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _criterion(app, code: str, index: str = "PAR") -> IndexCriterion:
    with app.app_context():
        c = db.session.execute(
            select(IndexCriterion)
            .join(ScoreIndex)
            .where(ScoreIndex.code == index, IndexCriterion.code == code)
        ).scalar_one()
        db.session.expunge(c)
        return c


def test_par_register_from_xlsx_drives_the_per_criterion_report(app, province):
    office = login_as(app.test_client(), province.users["admin"])
    assert office.get("/indexes/import").status_code == 200
    response = _upload(office, par_register())
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = office.get("/indexes/").get_data(as_text=True)
    assert "Đã nhập bộ chỉ số: 23 tiêu chí mới, 0 tiêu chí cập nhật." in listing
    # the same file again changes nothing
    _upload(office, par_register())
    assert "0 tiêu chí mới, 0 tiêu chí cập nhật" in office.get("/indexes/").get_data(as_text=True)

    with app.app_context():
        par = db.session.execute(select(ScoreIndex).where(ScoreIndex.code == "PAR")).scalar_one()
        assert par.name.startswith("Chỉ số cải cách hành chính")
        assert db.session.scalar(select(func.count()).select_from(IndexCriterion)) == 23
        par_id = par.id
    # the agencies 5016 assigns; an empty cell takes its lĩnh vực's agency
    assert _criterion(app, "1.4").agency_id == province.agencies["stc"]
    assert _criterion(app, "1.2").agency_id == province.agencies["vp"]
    assert _criterion(app, "2.1.1").agency_id == province.agencies["stp"]
    assert _criterion(app, "2.1.1").level == 3
    assert str(_criterion(app, "4").max_points) == "7.50"

    # the office tags Sở Tài chính's task with "Giải ngân kế hoạch vốn đầu tư công"
    c61 = _criterion(app, "6.1")
    task_id = province.tasks["stc_lead"]
    page = office.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="tieu-chi"' in page
    assert (
        office.post(f"/indexes/tasks/{task_id}", data={"criterion_ids": [str(c61.id)]}).status_code
        == 302
    )
    assert "Giải ngân kế hoạch vốn đầu tư công" in office.get(f"/tasks/{task_id}").get_data(
        as_text=True
    )

    # last year: the criterion was met (the office records it)
    assert (
        office.post(
            f"/indexes/criteria/{c61.id}/assess",
            data={"year": "2024", "quarter": "4", "met": "yes"},
        ).status_code
        == 302
    )
    # Sở Tài chính, which tracks it, records this year's second quarter: not met
    officer = login_as(app.test_client(), province.users["officer"])
    listing = officer.get("/indexes/").get_data(as_text=True)
    assert "Giải ngân kế hoạch vốn đầu tư công" in listing
    assert "Cải cách thể chế" not in listing  # Sở Tư pháp's, not theirs
    form = officer.get(f"/indexes/criteria/{c61.id}/assess")
    assert form.status_code == 200
    missing_reason = officer.post(
        f"/indexes/criteria/{c61.id}/assess",
        data={"year": "2025", "quarter": "2", "met": "no", "points_lost": "1,5"},
    )
    assert missing_reason.status_code == 422
    assert "Vui lòng nêu lý do chưa đạt." in missing_reason.get_data(as_text=True)
    saved = officer.post(
        f"/indexes/criteria/{c61.id}/assess",
        data={
            "year": "2025",
            "quarter": "2",
            "met": "no",
            "points_lost": "1.5",
            "reason": "Giải ngân mới đạt 45 % kế hoạch",
        },
    )
    assert saved.status_code == 302
    # another agency may not record it
    other = login_as(app.test_client(), province.users["other"])
    assert other.get(f"/indexes/criteria/{c61.id}/assess").status_code == 403
    assert other.get(f"/indexes/{par_id}").status_code == 403

    # the published results: 40/63 in 2024, 37/63 in 2025
    for year, score, rank in (("2024", "84,1", "40"), ("2025", "86.2", "37")):
        r = office.post(
            f"/indexes/{par_id}/results",
            data={"year": year, "score": score.replace(",", "."), "rank": rank, "rank_of": "63"},
        )
        assert r.status_code == 302, r.get_data(as_text=True)

    leader = login_as(app.test_client(), province.users["leader"])
    report = leader.get(f"/indexes/{par_id}?year=2025&quarter=2")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    assert "xếp hạng 37/63" in html
    assert "tăng 3 bậc" in html
    assert 'data-lost-code="6.1"' in html
    lost_row = html.split('data-lost-code="6.1"')[1].split("</tr>")[0]
    assert "Giải ngân mới đạt 45 % kế hoạch" in lost_row
    assert "Sở Tài chính" in lost_row
    assert "Sở Tài chính tổng hợp kiến nghị thanh tra" in lost_row  # its task
    area_row = html.split('data-code="6"')[1].split("</tr>")[0]
    assert "8,5" in area_row  # 10 − 1.5
    assert "−1,5" in area_row  # year on year: last year nothing was lost

    # the lĩnh vực's page and both exports
    area = _criterion(app, "6")
    area_page = leader.get(f"/indexes/criteria/{area.id}?year=2025&quarter=2")
    assert area_page.status_code == 200
    assert "Cải cách thể chế" not in area_page.get_data(as_text=True)
    for url in (
        f"/indexes/{par_id}/export.xlsx?year=2025&quarter=2",
        f"/indexes/criteria/{area.id}/export.xlsx?year=2025&quarter=2",
    ):
        export = leader.get(url)
        assert export.status_code == 200
        sheet = load_workbook(io.BytesIO(export.data)).active
        rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
        assert rows["6.1"][4] == 1.5 and rows["6.1"][5] == 1.5
        assert rows["6.1"][7] == "Giải ngân mới đạt 45 % kế hoạch"
        assert "Sở Tài chính tổng hợp kiến nghị thanh tra" in rows["6.1"][10]
        assert rows["6"][4] == 8.5

    with app.app_context():
        entities = set(db.session.execute(select(AuditLog.entity)).scalars())
        assert {
            "score_index",
            "index_criterion",
            "task_criterion",
            "criterion_assessment",
            "index_result",
        } <= entities
        assert db.session.scalar(select(func.count()).select_from(CriterionAssessment)) == 2
        assert db.session.scalar(select(func.count()).select_from(IndexResult)) == 2
        assert db.session.scalar(select(func.count()).select_from(TaskCriterion)) == 1


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_saved(app, province):
    office = login_as(app.test_client(), province.users["staff"])
    rows = [
        ["PAR Index", "1", "Công tác chỉ đạo, điều hành", 9, "Sở Nội vụ"],
        [None, "1.1", "", 2, None],  # line 3: no name
        [None, "1.x", "Tiêu chí", 2, None],  # line 4: bad code
        [None, "1.2", "Tiêu chí", "nhiều", None],  # line 5: bad points
        [None, "1.3", "Tiêu chí", 2, "Sở Không Có"],  # line 6: unknown agency
        [None, "2.1", "Tiêu chí mồ côi", 2, None],  # line 7: no lĩnh vực 2
        ["Chỉ số lạ", "1", "Lĩnh vực", 2, None],  # line 8: unknown index
        [None, "1.4", "Đối thoại", 10, None],  # line 9: lĩnh vực 1 carries 10 > 9 → line 2
        [None, "1.4", "Đối thoại lần hai", 1, None],  # line 10: duplicate code
    ]
    response = _upload(office, xlsx(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for line in (2, 3, 4, 5, 6, 7, 8, 10):
        assert f'data-line="{line}"' in html, line
    assert "Sở Không Có" in html
    assert "trùng mã 1.4 với dòng 9" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndexCriterion)) == 0


def test_a_file_that_is_not_a_register_is_refused_kindly(app, province):
    office = login_as(app.test_client(), province.users["staff"])
    response = _upload(office, b"not a zip", "bo-chi-so.xlsx")
    assert response.status_code == 422
    assert "XLSX" in response.get_data(as_text=True)
    response = _upload(office, xlsx([["x"]], header=["Cột lạ"]))
    assert response.status_code == 422
    assert "Điểm tối đa" in response.get_data(as_text=True)
    assert office.get("/indexes/").status_code == 200


def test_roles(app, province):
    """Leaders read, never write; agencies see only their own criteria."""
    office = login_as(app.test_client(), province.users["admin"])
    _upload(office, par_register())
    c = _criterion(app, "1.4")
    leader = login_as(app.test_client(), province.users["leader"])
    assert leader.get("/indexes/import").status_code == 403
    assert leader.post(f"/indexes/criteria/{c.id}/assess", data={}).status_code == 403
    assert leader.get("/indexes/").status_code == 200
    officer = login_as(app.test_client(), province.users["officer"])
    assert officer.get("/indexes/import").status_code == 403
    assert officer.get(f"/indexes/criteria/{c.id}/export.xlsx").status_code == 403
    assert app.test_client().get("/indexes/").status_code == 302


def test_the_import_limits_apply(app, province):
    """tracker/files/limits.py: a register longer than the row cap is refused whole."""
    app.config["TRACKER_LIMIT_IMPORT_MAX_ROWS"] = 5
    office = login_as(app.test_client(), province.users["staff"])
    response = _upload(office, par_register())
    assert response.status_code == 422
    assert "tối đa 5 dòng" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IndexCriterion)) == 0
