"""Each user's own calendar address (issue 15 §2): what it lists follows the role, read back
with icalendar; a new address revokes the old one; a wrong token or a locked account is 404."""

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from tests import factories
from tests.conftest import login_as
from tracker.auth.models import User
from tracker.extensions import db
from tracker.feeds.models import UserCalendarFeed
from tracker.feeds.services import USER_FEED_DAYS, hash_token, issue_user_token
from tracker.tasks.models import Task


def _token(app, email: str) -> str:
    with app.test_request_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        token = issue_user_token(user)
        db.session.commit()
    return token


def _events(client, token: str) -> dict[str, object]:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_an_officers_feed_is_its_agencys_obligations(app, client, data):
    events = _events(client, _token(app, "stc@tinh.gov.vn"))
    lead, co = data.tasks["stc_lead"], data.tasks["stc_co"]
    assert set(events) == {f"task-{lead}@tracker", f"task-{co}@tracker"}
    event = events[f"task-{lead}@tracker"]
    assert event.decoded("DTSTART") == date(2025, 8, 15)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert "Sở Tài chính" in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)


def test_the_office_and_leaders_get_overdue_and_due_soon_of_every_agency(app, client, data):
    # today is 18/08/2025: one more task of Sở Y tế due within the window, one beyond it
    with app.app_context():
        directive = factories.make_directive("9/TB-VPUBND")
        agency = factories.make_agency("Sở Xây dựng")
        soon = factories.make_task(
            directive, agency, content="Kiểm tra công trình", due_on=date(2025, 9, 10)
        )
        later = factories.make_task(
            directive,
            agency,
            content="Quy hoạch",
            due_on=date(2025, 8, 18) + timedelta(days=USER_FEED_DAYS + 1),
        )
        db.session.commit()
        soon_id, later_id = soon.id, later.id
    expected = {
        f"task-{data.tasks['stc_lead']}@tracker",  # overdue (15/08), Sở Tài chính
        f"task-{data.tasks['syt_only']}@tracker",  # overdue (10/08), Sở Y tế
        f"task-{soon_id}@tracker",  # due 10/09, within the window
    }
    for email in ("admin@tinh.gov.vn", "lanhdao@tinh.gov.vn"):
        events = _events(client, _token(app, email))
        assert set(events) == expected, email
        assert f"task-{later_id}@tracker" not in events
        assert f"task-{data.tasks['stc_co']}@tracker" not in events  # 15/11: far ahead
        summary = str(events[f"task-{data.tasks['syt_only']}@tracker"]["SUMMARY"])
        assert "Sở Y tế" in summary  # the office sees whose deadline it is
    # a finished task leaves everyone's calendar
    with app.app_context():
        db.session.get(Task, data.tasks["syt_only"]).done_on = date(2025, 8, 9)
        db.session.commit()
    assert len(_events(client, _token(app, "admin@tinh.gov.vn"))) == 2


def test_a_new_address_revokes_the_old_and_wrong_tokens_are_404(app, client, data):
    first = _token(app, "stc@tinh.gov.vn")
    second = _token(app, "stc@tinh.gov.vn")
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert _events(client, second)
    with app.app_context():
        feeds = db.session.scalars(select(UserCalendarFeed)).all()
        assert [f.token_hash for f in feeds] == [hash_token(second)]
    for token in ("not-a-token", "x" * 300, hash_token(second)):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404
        assert "BEGIN:VCALENDAR" not in response.get_data(as_text=True)
    # a locked account's address stops at once
    with app.app_context():
        db.session.execute(
            select(User).where(User.email == "stc@tinh.gov.vn")
        ).scalar_one().active = False
        db.session.commit()
    assert client.get(f"/calendar/{second}.ics").status_code == 404


def test_the_account_page_issues_the_address_shown_once(app, client, data):
    login_as(client, "lanhdao@tinh.gov.vn")
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/account/calendar"' in account
    page = client.get("/account/calendar").get_data(as_text=True)
    assert "Tạo địa chỉ lịch mới" in page and ".ics" not in page
    assert f"{USER_FEED_DAYS} ngày" in page
    html = client.post("/account/calendar", data={}).get_data(as_text=True)
    start = html.index("/calendar/") + len("/calendar/")
    token = html[start : html.index(".ics", start)]
    assert _events(app.test_client(), token)
    again = client.post("/account/calendar", data={}).get_data(as_text=True)
    assert token not in again
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 404
