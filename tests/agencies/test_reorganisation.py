"""Merging and renaming agencies: through the service, the command line and real requests."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import PASSWORD, login_as
from tracker.agencies import reorganisation
from tracker.agencies.models import Agency
from tracker.agencies.services import AgencyError, find_by_name, save_agency
from tracker.audit.models import AuditLog
from tracker.auth.models import Role, User
from tracker.deadlines import services as deadline_services
from tracker.deadlines.models import ExtensionRequest
from tracker.extensions import db
from tracker.extraction.services import registry_from_db
from tracker.reminders import services as reminder_services
from tracker.tasks import services as task_services
from tracker.tasks.models import Task

ON = date(2025, 7, 1)


@pytest.fixture
def world(app):
    """Sở KH&CN (to be merged into Sở Tài chính) in every role, open and finished."""
    with app.app_context():
        p = factories.small_province()
        a, d = p.agencies, p.directive
        old = a["skhcn"]
        old.aliases = []
        khcn_user = factories.make_user("khcn@tinh.gov.vn", Role.AGENCY_OFFICER, old)
        t = {
            "lead_overdue": factories.make_task(
                d, old, content="Chuyển đổi số cấp tỉnh", due_on=date(2025, 8, 1)
            ),
            "co": factories.make_task(
                d, a["snv"], content="Cải cách hành chính", co=[old], due_on=date(2025, 9, 30)
            ),
            "via": factories.make_task(
                d,
                a["syt"],
                content="Báo cáo y tế số qua Sở KH&CN",
                via=old,
                due_on=date(2025, 9, 1),
                via_due_on=date(2025, 9, 10),
            ),
            "co_with_new": factories.make_task(
                d, old, content="Đề án đổi mới sáng tạo", co=[a["stc"]], due_on=date(2025, 10, 1)
            ),
            "recurring": factories.make_task(
                d,
                old,
                content="Báo cáo quý chuyển đổi số",
                cadence="quarterly",
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 12, 31),
            ),
            "done": factories.make_task(
                d, old, content="Đã xong từ trước", due_on=date(2025, 6, 30)
            ),
            "cancelled": factories.make_task(d, old, content="Đã hủy", due_on=date(2025, 6, 1)),
        }
        deadline_services.open_task_periods(t["recurring"], date(2025, 12, 31))
        task_services.complete_task(
            t["done"],
            done_on=date(2025, 6, 20),
            report_number="12/BC-KHCN",
            report_date=date(2025, 6, 20),
            note=None,
            user_id=khcn_user.id,
        )
        task_services.cancel_task(t["cancelled"], reason="Không còn phù hợp", user_id=None)
        deadline_services.request_extension(
            t["lead_overdue"],
            requested_due_on=date(2025, 9, 15),
            reason="Chờ hạ tầng",
            user_id=khcn_user.id,
        )
        db.session.commit()
        yield {
            "old": old.id,
            "new": a["stc"].id,
            "snv": a["snv"].id,
            "tasks": {k: v.id for k, v in t.items()},
        }


def _agency(agency_id: int) -> Agency:
    return db.session.get(Agency, agency_id)


def test_the_preview_lists_every_open_obligation_and_writes_nothing(app, world):
    with app.app_context():
        before = db.session.execute(select(AuditLog.id)).scalars().all()
        plan = reorganisation.plan_merge(_agency(world["old"]), _agency(world["new"]), on=ON)
        roles = {m.task.id: m.roles for m in plan.tasks}
        t = world["tasks"]
        assert roles == {
            t["lead_overdue"]: ("lead",),
            t["co"]: ("co",),
            t["via"]: ("via",),
            t["co_with_new"]: ("lead",),
            t["recurring"]: ("lead",),
        }
        assert plan.kept == 2
        assert [u.email for u in plan.users] == ["khcn@tinh.gov.vn"]
        assert db.session.execute(select(AuditLog.id)).scalars().all() == before
        assert _agency(world["old"]).active


def test_merge_moves_open_work_and_keeps_history(app, world):
    t = world["tasks"]
    with app.app_context():
        old, new = _agency(world["old"]), _agency(world["new"])
        plan = reorganisation.merge_agencies(old, new, on=ON, users="move")
        db.session.commit()
        assert len(plan.tasks) == 5

        tasks = {k: db.session.get(Task, v) for k, v in t.items()}
        assert tasks["lead_overdue"].lead_agency_id == new.id
        assert tasks["recurring"].lead_agency_id == new.id
        assert [a.id for a in tasks["co"].co_agencies] == [new.id]
        assert tasks["via"].via_agency_id == new.id
        # NEW was a co-agency of a task it now leads: named once, as the lead
        assert tasks["co_with_new"].lead_agency_id == new.id
        assert tasks["co_with_new"].co_agencies == []
        # finished tasks keep the old agency for the record
        assert tasks["done"].lead_agency_id == old.id
        assert tasks["cancelled"].lead_agency_id == old.id
        # OLD leads no open task any more
        assert reorganisation.count_open_tasks(old) == 0
        # periods and the pending request belong to the task: they followed it
        assert tasks["recurring"].periods
        pending = db.session.execute(select(ExtensionRequest)).scalar_one()
        assert pending.task_id == t["lead_overdue"] and pending.state == "pending"

        assert old.merged_into_id == new.id and not old.active
        assert "Sở Khoa học và Công nghệ" in [a.name for a in new.aliases]
        match = registry_from_db().match("Sở Khoa học và Công nghệ")
        assert match.record.id == new.id
        user = db.session.execute(select(User).filter_by(email="khcn@tinh.gov.vn")).scalar_one()
        assert user.agency_id == new.id and user.active

        notes = db.session.execute(
            select(AuditLog).where(
                AuditLog.task_id == t["lead_overdue"], AuditLog.note.is_not(None)
            )
        ).scalar_one()
        assert notes.changes["lead_agency_id"] == [old.id, new.id]
        assert notes.note["kind"] == "agency_merge" and notes.note["on"] == "2025-07-01"


def test_the_successor_sees_completes_and_is_reminded(app, world, client):
    t = world["tasks"]
    with app.app_context():
        old, new = _agency(world["old"]), _agency(world["new"])
        # before: the successor's officer cannot see the task
        login_as(client, "stc@tinh.gov.vn")
        assert client.get(f"/tasks/{t['lead_overdue']}").status_code == 404
        reorganisation.merge_agencies(old, new, on=ON)
        db.session.commit()

        page = client.get(f"/tasks/{t['lead_overdue']}")
        assert page.status_code == 200
        assert "Chuyển từ Sở Khoa học và Công nghệ do hợp nhất ngày 01/07/2025" in page.text

        # the sweep reminds the successor of the overdue task
        plan = reminder_services.plan(date(2025, 8, 18))
        by_agency = {d.agency_id: {n.deadline.task_id for n in d.notices} for d in plan.digests}
        assert t["lead_overdue"] in by_agency[new.id]
        assert old.id not in by_agency

        done = client.post(
            f"/tasks/{t['lead_overdue']}/complete",
            data={"report_number": "45/BC-STC", "done_on": "18/08/2025"},
        )
        assert done.status_code == 302
        db.session.expire_all()
        assert db.session.get(Task, t["lead_overdue"]).done_on == date(2025, 8, 18)


def test_the_period_report_folds_the_kept_tasks_under_the_successor(app, world, runner):
    with app.app_context():
        reorganisation.merge_agencies(_agency(world["old"]), _agency(world["new"]), on=ON)
        db.session.commit()
    result = runner.invoke(
        args=["report", "--year", "2025", "--period", "Y", "--as-of", "2025-08-18"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["agencies"] + json.loads(result.output)["small_agencies"]
    names = {row["agency"]: row for row in rows}
    assert "Sở Khoa học và Công nghệ" not in names
    # the done task, kept with the old agency, counts for its successor
    assert names["Sở Tài chính"]["merged"] == ["Sở Khoa học và Công nghệ"]
    assert names["Sở Tài chính"]["done_on_time"] >= 1


def test_users_may_be_deactivated_instead(app, world, client):
    with app.app_context():
        reorganisation.merge_agencies(
            _agency(world["old"]), _agency(world["new"]), on=ON, users="deactivate"
        )
        db.session.commit()
        user = db.session.execute(select(User).filter_by(email="khcn@tinh.gov.vn")).scalar_one()
        assert not user.active and user.agency_id == world["old"]
    response = client.post("/login", data={"email": "khcn@tinh.gov.vn", "password": PASSWORD})
    assert response.status_code != 302


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("itself", "chính nó"),
        ("future", "sau hôm nay"),
        ("into_merged", "đã sáp nhập vào cơ quan khác"),
        ("changed", "đã thay đổi"),
    ],
)
def test_refused_merges_write_nothing(app, world, case, message):
    with app.app_context():
        old, new = _agency(world["old"]), _agency(world["new"])
        kwargs = {"on": ON}
        if case == "itself":
            new = old
        elif case == "future":
            kwargs["on"] = date(2025, 8, 19)
        elif case == "into_merged":
            snv = _agency(world["snv"])
            snv.merged_into_id = new.id
            db.session.commit()
            new = snv
        elif case == "changed":
            kwargs["expected_task_ids"] = [world["tasks"]["co"]]
        before = db.session.execute(select(AuditLog.id)).scalars().all()
        with pytest.raises(AgencyError, match=message):
            reorganisation.merge_agencies(old, new, **kwargs)
        db.session.rollback()
        assert db.session.execute(select(AuditLog.id)).scalars().all() == before
        assert db.session.get(Task, world["tasks"]["lead_overdue"]).lead_agency_id == world["old"]


def test_setting_merged_into_by_hand_is_refused_while_open_tasks_remain(app, world):
    with app.app_context():
        old = _agency(world["old"])
        with pytest.raises(AgencyError, match="Hợp nhất"):
            save_agency(old, name=old.name, merged_into_id=world["new"])


def test_rename_keeps_the_old_name_as_an_alias(app, world, runner):
    result = runner.invoke(
        args=["agencies", "rename", "Sở Khoa học và Công nghệ", "Sở Khoa học, Công nghệ và Số"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        agency = _agency(world["old"])
        assert agency.name == "Sở Khoa học, Công nghệ và Số"
        assert find_by_name("so khoa hoc va cong nghe").id == agency.id
        assert "Sở Khoa học và Công nghệ" in [a.name for a in agency.aliases]
    clash = runner.invoke(args=["agencies", "rename", "Sở Khoa học, Công nghệ và Số", "Sở Y tế"])
    assert clash.exit_code != 0 and "Đã có cơ quan" in clash.output


def test_cli_merge_by_alias_with_a_date(app, world, runner):
    with app.app_context():
        _agency(world["new"]).aliases = []
        from tracker.agencies.services import set_aliases

        set_aliases(_agency(world["new"]), ["STC"])
        db.session.commit()
    dry = runner.invoke(
        args=[
            "agencies",
            "merge",
            "so khoa hoc va cong nghe",
            "STC",
            "--on",
            "2025-07-01",
            "--dry-run",
        ]
    )
    assert dry.exit_code == 0, dry.output
    assert "5 nhiệm vụ chuyển" in dry.output
    with app.app_context():
        assert _agency(world["old"]).active
    done = runner.invoke(
        args=["agencies", "merge", "so khoa hoc va cong nghe", "STC", "--on", "2025-07-01"]
    )
    assert done.exit_code == 0, done.output
    bad = runner.invoke(args=["agencies", "merge", "Sở Không Có", "STC"])
    assert bad.exit_code != 0 and "Không có cơ quan" in bad.output
    with app.app_context():
        assert reorganisation.count_open_tasks(_agency(world["old"])) == 0


def test_web_merge_previews_then_confirms(app, world, client):
    t = world["tasks"]
    login_as(client, "admin@tinh.gov.vn")
    url = f"/agencies/{world['old']}/merge"
    assert client.get(url).status_code == 200
    preview = client.post(url, data={"new_id": world["new"], "on": "01/07/2025", "users": "move"})
    assert preview.status_code == 200
    for task_id in (t["lead_overdue"], t["co"], t["via"], t["recurring"]):
        assert f'data-task-id="{task_id}"' in preview.text
    assert f'data-task-id="{t["done"]}"' not in preview.text
    with app.app_context():
        assert _agency(world["old"]).active  # a preview changes nothing
    ids = ",".join(str(i) for i in sorted((t["lead_overdue"], t["co"], t["via"], t["co_with_new"])))
    # the office saw another list (a task was added meanwhile): refused, shown again
    stale = client.post(
        url,
        data={
            "new_id": world["new"],
            "on": "01/07/2025",
            "users": "move",
            "task_ids": ids,
            "confirm": "1",
        },
    )
    assert stale.status_code == 200 and "đã thay đổi" in stale.text
    with app.app_context():
        assert _agency(world["old"]).active
    full = ids + f",{t['recurring']}"
    done = client.post(
        url,
        data={
            "new_id": world["new"],
            "on": "01/07/2025",
            "users": "move",
            "task_ids": full,
            "confirm": "1",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        assert not _agency(world["old"]).active
        assert db.session.get(Task, t["lead_overdue"]).lead_agency_id == world["new"]


def test_web_merge_bad_input_keeps_what_was_typed(app, world, client):
    login_as(client, "admin@tinh.gov.vn")
    url = f"/agencies/{world['old']}/merge"
    response = client.post(url, data={"new_id": world["new"], "on": "31/02/2025"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.text and "31/02/2025" in response.text
    itself = client.post(url, data={"new_id": world["old"], "on": "01/07/2025"})
    assert itself.status_code == 200 and "chính nó" in itself.text
    odd = client.post(url, data={"new_id": world["new"], "on": "01/07/2025", "users": "x"})
    assert odd.status_code == 200 and "Lựa chọn không hợp lệ." in odd.text
    with app.app_context():
        assert _agency(world["old"]).active


def test_web_rename(app, world, client):
    login_as(client, "staff@tinh.gov.vn")
    url = f"/agencies/{world['old']}/rename"
    assert client.get(url).status_code == 200
    clash = client.post(url, data={"new_name": "Sở Y tế"})
    assert clash.status_code == 200 and "Đã có cơ quan" in clash.text
    done = client.post(url, data={"new_name": "Sở Khoa học, Công nghệ và Số"})
    assert done.status_code == 302
    with app.app_context():
        assert _agency(world["old"]).name == "Sở Khoa học, Công nghệ và Số"


def test_an_import_that_merges_an_agency_with_open_tasks_is_refused(app, world, runner, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("name,merged_into\nSở Khoa học và Công nghệ,Sở Tài chính\n", encoding="utf-8")
    result = runner.invoke(args=["agencies", "import", str(path)])
    assert result.exit_code != 0 and "Hợp nhất" in result.output
    with app.app_context():
        assert _agency(world["old"]).merged_into_id is None


def test_demo_merge_from_the_command_line(app, runner, client):
    """The issue's own check: on the demo, every open task of Sở KH&CN goes to Sở Tài chính."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0

    def open_led_by(name: str) -> list[int]:
        with app.app_context():
            agency = find_by_name(name)
            return list(
                db.session.execute(
                    select(Task.id).where(
                        Task.lead_agency_id == agency.id,
                        Task.done_on.is_(None),
                        Task.cancelled_on.is_(None),
                    )
                ).scalars()
            )

    moving = open_led_by("Sở Khoa học và Công nghệ")
    assert moving
    result = runner.invoke(
        args=["agencies", "merge", "Sở Khoa học và Công nghệ", "Sở Tài chính", "--on", "2025-07-01"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        old = db.session.execute(
            select(Agency).filter_by(name="Sở Khoa học và Công nghệ")
        ).scalar_one()
        assert reorganisation.count_open_tasks(old) == 0
        assert not old.active
    assert set(moving) <= set(open_led_by("Sở Tài chính"))
    response = client.post(
        "/login", data={"email": "stc@tinh.gov.vn", "password": "sotaichinh-demo"}
    )
    assert response.status_code == 302
    for task_id in moving:
        page = client.get(f"/tasks/{task_id}")
        assert page.status_code == 200
        assert "do hợp nhất ngày 01/07/2025" in page.text
    done = client.post(f"/tasks/{moving[0]}/complete", data={"report_number": "9/BC-STC"})
    assert done.status_code == 302
