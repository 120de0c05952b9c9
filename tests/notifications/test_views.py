"""Who sees which notifications, the bell, marking read, pagination and the empty state."""

import re
from datetime import date

from sqlalchemy import func, select

from bench.querycount import count_queries
from tests.conftest import login_as
from tracker.auth.models import User
from tracker.directives.models import Directive
from tracker.extensions import db
from tracker.notifications import services
from tracker.notifications.models import Notification, NotificationRead
from tracker.tasks.models import Task


def _announce(app, data) -> None:
    """Tell the small province's agencies of the directive's tasks, as a save would."""
    with app.app_context():
        directive = db.session.get(Directive, data.directive)
        services.tasks_assigned(directive, list(directive.tasks))
        db.session.commit()


def _bell(html: str) -> int:
    match = re.search(r'class="bell[^"]*"[^>]*data-unread="(\d+)"', html)
    assert match, "no bell in the header"
    return int(match.group(1))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="notification[^"]*" data-id="(\d+)"', html)]


def _visible(app, email: str) -> set[int]:
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        return set(
            db.session.execute(select(Notification.id).where(services.audience_of(user))).scalars()
        )


def test_an_agency_sees_its_own_notifications_only(app, client, data):
    _announce(app, data)
    login_as(client, "stc@tinh.gov.vn")
    html = client.get("/notifications/").get_data(as_text=True)
    # Sở Tài chính: lead of two tasks, co-agency of one; never Sở Y tế's task
    assert len(_ids(html)) == 3 and _bell(html) == 3
    assert "Sở Y tế cải thiện chỉ số PAPI" not in html
    assert "Đơn vị được giao phối hợp thực hiện nhiệm vụ tại văn bản số 5016/TB-VPUBND" in html
    assert f'href="/tasks/{data.tasks["stc_lead"]}"' in html
    other = _visible(app, "syt@tinh.gov.vn")
    assert len(other) == 1 and not other & set(_ids(html))


def test_another_agencys_notification_cannot_be_marked(app, client, data):
    _announce(app, data)
    (theirs,) = _visible(app, "syt@tinh.gov.vn")
    login_as(client, "stc@tinh.gov.vn")
    assert client.post(f"/notifications/{theirs}/read").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(NotificationRead)).scalar() == 0
    # and "mark all" moves only my own cursor: Sở Y tế's officer still has 1 unread
    client.post("/notifications/read-all")
    other = login_as(app.test_client(), "syt@tinh.gov.vn")
    assert _bell(other.get("/dashboard").get_data(as_text=True)) == 1


def test_mark_one_then_all_read(app, client, data):
    _announce(app, data)
    login_as(client, "stc@tinh.gov.vn")
    first, *_ = _ids(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/{first}/read")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/")
    html = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert _bell(html) == 2 and first not in _ids(html)
    assert client.post(f"/notifications/{first}/read").status_code == 302  # twice: harmless
    client.post("/notifications/read-all")
    html = client.get("/notifications/").get_data(as_text=True)
    assert _bell(html) == 0 and 'class="notification unread"' not in html
    assert "Không có thông báo chưa đọc." in client.get("/notifications/?unread=1").get_data(
        as_text=True
    )
    # what comes after "mark all read" is unread again
    with app.app_context():
        task = db.session.get(Task, data.tasks["stc_lead"])
        from tracker.deadlines import services as deadlines

        request = deadlines.request_extension(
            task, requested_due_on=date(2025, 9, 30), reason="Chờ số liệu", user_id=None
        )
        deadlines.approve_extension(request, user_id=None)
        db.session.commit()
    html = client.get("/notifications/").get_data(as_text=True)
    assert _bell(html) == 1
    assert "Đề nghị gia hạn được chấp thuận: thời hạn mới 30/09/2025." in html


def test_the_office_and_the_leaders_have_their_own_lists(app, client, data):
    _announce(app, data)
    with app.app_context():
        from tracker.deadlines import services as deadlines

        task = db.session.get(Task, data.tasks["stc_lead"])
        deadlines.request_extension(
            task, requested_due_on=date(2025, 9, 30), reason="Chờ số liệu", user_id=None
        )
        db.session.commit()
    login_as(client, "staff@tinh.gov.vn")
    html = client.get("/notifications/").get_data(as_text=True)
    assert len(_ids(html)) == 1 and "Sở Tài chính đề nghị gia hạn đến 30/09/2025" in html
    leader = login_as(app.test_client(), "lanhdao@tinh.gov.vn")
    html = leader.get("/notifications/").get_data(as_text=True)
    assert len(_ids(html)) == 1
    assert "Văn bản số 5016/TB-VPUBND đã được nhập với 4 nhiệm vụ." in html
    assert f'href="/directives/{data.directive}"' in html


def test_empty_state_and_pagination(app, client, data):
    login_as(client, "stc@tinh.gov.vn")
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Chưa có thông báo nào." in html and _bell(html) == 0
    with app.app_context():
        for i in range(services.PER_PAGE + 5):
            services._notify(
                f"test:{i}",
                "overdue",
                services.Audience.AGENCY,
                agency_id=data.agencies["stc"],
                task_id=data.tasks["stc_lead"],
                data={"due": "2025-08-15"},
            )
        db.session.commit()
    html = client.get("/notifications/").get_data(as_text=True)
    assert len(_ids(html)) == services.PER_PAGE and _bell(html) == services.PER_PAGE + 5
    assert "Quá hạn: thời hạn 15/08/2025." in html
    page2 = client.get("/notifications/?page=2").get_data(as_text=True)
    assert len(_ids(page2)) == 5
    # marking on page 2 comes back to page 2
    (last, *_) = _ids(page2)
    response = client.post(f"/notifications/{last}/read", data={"page": "2"})
    assert response.headers["Location"].endswith("/notifications/?page=2")


def test_the_bell_is_one_statement(app, data):
    _announce(app, data)
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == "stc@tinh.gov.vn")).scalar_one()
        with count_queries(db.engine) as log:
            assert services.unread_count(user) == 3
        assert log.count == 1


def test_the_sweep_reminders_appear_in_the_agencys_list(app, client, data):
    from tracker.reminders.services import run_sweep

    app.config["TRACKER_NOW"] = "2025-08-08T07:30:00+07:00"
    with app.app_context():
        run_sweep(date(2025, 8, 8))
        run_sweep(date(2025, 8, 8))  # twice: once in the list too
    login_as(client, "stc@tinh.gov.vn")
    html = client.get("/notifications/").get_data(as_text=True)
    assert html.count('data-kind="due_soon"') == 1
    assert "Sắp đến hạn: thời hạn 15/08/2025." in html


def test_an_agency_without_a_mailbox_is_still_told_in_the_app(app, client, data):
    from tracker.agencies.models import AgencyContact
    from tracker.reminders.services import run_sweep

    app.config["TRACKER_NOW"] = "2025-08-08T07:30:00+07:00"
    with app.app_context():
        db.session.execute(
            AgencyContact.__table__.delete().where(AgencyContact.agency_id == data.agencies["stc"])
        )
        db.session.commit()
        assert run_sweep(date(2025, 8, 8)).agencies_without_mailbox == ["Sở Tài chính"]
        run_sweep(date(2025, 8, 8))
    login_as(client, "stc@tinh.gov.vn")
    html = client.get("/notifications/").get_data(as_text=True)
    assert html.count('data-kind="due_soon"') == 1


def test_the_list_runs_as_many_statements_for_5_as_for_20(app, client, data):
    login_as(client, "stc@tinh.gov.vn")

    def add(n: int, start: int) -> None:
        with app.app_context():
            task_ids = list(data.tasks.values())
            for i in range(start, start + n):
                services._notify(
                    f"bench:{i}",
                    "overdue",
                    services.Audience.AGENCY,
                    agency_id=data.agencies["stc"],
                    task_id=task_ids[i % len(task_ids)],
                    directive_id=data.directive,
                    data={"due": "2025-08-15"},
                )
            db.session.commit()

    def statements() -> int:
        with app.app_context(), count_queries(db.engine) as log:
            assert client.get("/notifications/").status_code == 200
        return log.count

    add(5, 0)
    few = statements()
    add(15, 5)
    assert statements() == few
