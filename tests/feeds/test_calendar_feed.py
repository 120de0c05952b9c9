"""The agency's calendar feed, read back with icalendar as a calendar application would."""

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import login_as
from tracker.agencies.models import Agency
from tracker.extensions import db
from tracker.feeds.models import CalendarFeed
from tracker.feeds.services import hash_token, issue_token
from tracker.tasks.models import Task


def _token(app, agency_id: int) -> str:
    with app.test_request_context():
        token = issue_token(db.session.get(Agency, agency_id))
        db.session.commit()
    return token


def _events(client, token: str) -> dict[str, object]:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_feed_lists_the_agencys_open_dated_obligations_as_all_day_events(app, client, data):
    stc = data.agencies["stc"]
    events = _events(client, _token(app, stc))
    lead, co = data.tasks["stc_lead"], data.tasks["stc_co"]
    # its own task and the one it helps with; not Sở Y tế's, not the undated ongoing one
    assert set(events) == {f"task-{lead}@tracker", f"task-{co}@tracker"}
    event = events[f"task-{lead}@tracker"]
    assert event.decoded("DTSTART") == date(2025, 8, 15)
    assert event.decoded("DTEND") == date(2025, 8, 16)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert "Sở Tài chính tổng hợp kiến nghị thanh tra" in str(event["SUMMARY"])
    assert "5016/TB-VPUBND" in str(event["SUMMARY"])
    assert "5016/TB-VPUBND" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/tasks/{lead}")
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert str(alarm["ACTION"]) == "DISPLAY"

    # a finished and a cancelled task are no longer anyone's deadline
    with app.app_context():
        db.session.get(Task, lead).done_on = date(2025, 8, 14)
        db.session.get(Task, co).cancelled_on = date(2025, 8, 1)
        db.session.commit()
    token = _token(app, stc)
    assert _events(client, token) == {}


def test_the_uid_is_stable_and_a_new_address_revokes_the_old(app, client, data):
    stc = data.agencies["stc"]
    first = _token(app, stc)
    uids = set(_events(client, first))
    second = _token(app, stc)
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert set(_events(client, second)) == uids
    with app.app_context():
        feeds = db.session.scalars(select(CalendarFeed)).all()
        assert [f.token_hash for f in feeds] == [hash_token(second)]  # only the hash is kept


def test_a_wrong_token_is_404(app, client, data):
    _token(app, data.agencies["stc"])
    for token in ("not-a-token", "x" * 300, hash_token("anything")):
        response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 404
        assert "BEGIN:VCALENDAR" not in response.get_data(as_text=True)


def test_the_page_issues_a_new_address_shown_once(app, client, data):
    stc = data.agencies["stc"]
    login_as(client, "stc@tinh.gov.vn")
    page = client.get(f"/agencies/{stc}/calendar").get_data(as_text=True)
    assert "Tạo địa chỉ lịch mới" in page and ".ics" not in page
    html = client.post(f"/agencies/{stc}/calendar", data={}).get_data(as_text=True)
    start = html.index("/calendar/") + len("/calendar/")
    token = html[start : html.index(".ics", start)]
    assert _events(client, token)
    # an officer of another agency cannot issue (nor see) Sở Tài chính's address
    other = app.test_client()
    login_as(other, "syt@tinh.gov.vn")
    assert other.get(f"/agencies/{stc}/calendar").status_code == 403
    assert other.post(f"/agencies/{stc}/calendar", data={}).status_code == 403


def test_the_cli_on_the_demo_prints_an_address_whose_feed_has_events(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = runner.invoke(args=["agencies", "calendar-url", "Sở Tài chính"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert "/calendar/" in url and url.endswith(".ics")
    path = "/calendar/" + url.rsplit("/calendar/", 1)[1]
    events = _events(app.test_client(), path.removeprefix("/calendar/").removesuffix(".ics"))
    assert events
    # a report period of a recurring task is there with its label
    assert any("Kỳ báo cáo" in str(e["DESCRIPTION"]) for e in events.values())
    again = runner.invoke(args=["agencies", "calendar-url", "--new", "Sở Tài chính"])
    assert again.exit_code == 0 and again.output.strip() != url
    assert app.test_client().get(path).status_code == 404
    missing = runner.invoke(args=["agencies", "calendar-url", "Sở Không Có"])
    assert missing.exit_code != 0 and "Không có cơ quan" in missing.output
