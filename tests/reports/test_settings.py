"""The office edits the period report's settings (reports.min_count, reports.cutoff) on a page
of its own, reached from Quản trị; bad input is explained in Vietnamese and kept in the form."""

import pytest

from tests.conftest import login_as
from tests.deadlines_web.conftest import form_value
from tracker.extensions import db
from tracker.reports.service import min_count, period_settings
from tracker.settings import get_setting

URL = "/reports/settings"


def _stored(app):
    with app.app_context():
        return (
            get_setting("reports.min_count"),
            get_setting("reports.cutoff"),
            min_count(),
            period_settings().cutoff,
        )


def test_office_changes_the_settings_and_the_report_follows(app, client, data):
    login_as(client, data.users["staff"])
    assert URL in client.get("/admin").get_data(as_text=True)
    page = client.get(URL).get_data(as_text=True)
    assert form_value(page, "min_count") == "5"  # the default until the office sets it
    assert '<option selected value="decree">' in page
    assert "15/06/2025 – 14/09/2025" in page  # quý III under the decree's cut-off
    assert "Quy định báo cáo" in page

    response = client.post(URL, data={"min_count": "3", "cutoff": "calendar"})
    assert response.status_code == 302 and response.location.endswith(URL)
    assert _stored(app) == (3, "calendar", 3, "calendar")
    page = client.get(URL).get_data(as_text=True)
    assert "Đã lưu quy định báo cáo." in page
    assert form_value(page, "min_count") == "3" and '<option selected value="calendar">' in page
    assert "01/07/2025 – 30/09/2025" in page  # quý III in calendar months

    report = client.get("/reports/?year=2025&period=Q3&as_of=05/10/2025").get_data(as_text=True)
    assert "01/07/2025" in report and "30/09/2025" in report
    assert "Đơn vị có dưới 3 nhiệm vụ đã đến hạn" in report


@pytest.mark.parametrize(
    ("form", "message", "kept"),
    [
        ({"min_count": "mười", "cutoff": "decree"}, "“mười” không phải là một số nguyên.", "mười"),
        ({"min_count": "0", "cutoff": "decree"}, "Số nhiệm vụ tối thiểu phải từ 1 đến 100.", "0"),
        ({"min_count": "250", "cutoff": "decree"}, "phải từ 1 đến 100.", "250"),
        ({"min_count": "", "cutoff": "decree"}, "Vui lòng nhập số nhiệm vụ tối thiểu.", ""),
        ({"min_count": "7", "cutoff": "weekly"}, "Lựa chọn không hợp lệ.", "7"),
    ],
)
def test_bad_input_is_explained_and_kept(app, client, data, form, message, kept):
    login_as(client, data.users["admin"])
    response = client.post(URL, data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Vui lòng kiểm tra lại các mục được đánh dấu bên dưới." in page
    assert form_value(page, "min_count") == kept
    assert _stored(app) == (None, None, 5, "decree")  # nothing stored


def test_only_the_office_may_change_them(app, client, data):
    for user in ("officer", "leader"):
        login_as(client, data.users[user])
        assert client.get(URL).status_code == 403
        assert client.post(URL, data={"min_count": "2", "cutoff": "calendar"}).status_code == 403
        assert URL not in client.get("/dashboard").get_data(as_text=True)
        client.post("/logout")
    assert _stored(app) == (None, None, 5, "decree")


def test_english_page(client, data):
    login_as(client, data.users["staff"])
    page = client.get(f"{URL}?lang=en").get_data(as_text=True)
    assert "Report settings" in page
    bad = client.post(f"{URL}?lang=en", data={"min_count": "0", "cutoff": "decree"})
    assert "between 1 and 100" in bad.get_data(as_text=True)


def test_a_stored_value_that_no_longer_validates_falls_back(app_ctx, data):
    from tracker.settings import set_setting

    set_setting("reports.min_count", "nhiều")
    set_setting("reports.cutoff", "weekly")
    db.session.commit()
    assert (min_count(), period_settings().cutoff) == (5, "decree")
